"""A Job whose pod is a real program: busybox `sh -c "echo done"` runs to completion and
`kubectl logs job/NAME` prints its output."""

from __future__ import annotations

import io
from typing import Any

from kubenb.cli.kubectl.main import kubectl
from kubenb.client.inprocess import InProcessClient
from tests import builders
from tests.process.util import REQUIRES_LOOPBACK

pytestmark = REQUIRES_LOOPBACK


def complete(cluster: Any, name: str) -> bool:
    job = cluster.store.try_get("Job", "default", name)
    return job is not None and any(c["type"] == "Complete" and c["status"] == "True"
                                   for c in (job.get("status") or {}).get("conditions") or [])


def test_job_runs_busybox_to_completion_and_logs_through_kubectl(cluster: Any) -> None:
    cluster.store.create(builders.job("hello", command=("sh", "-c", "echo done")))
    cluster.wait_for(lambda: complete(cluster, "hello"), timeout=60)
    job = cluster.store.get("Job", "default", "hello")
    assert job["status"]["succeeded"] == 1 and job["status"].get("failed", 0) == 0
    out, err = io.StringIO(), io.StringIO()
    assert kubectl(["logs", "job/hello"], InProcessClient.for_cluster(cluster), out, err) == 0
    assert out.getvalue() == "done\n"
