"""`kubectl get jobs|cronjobs` (and -o wide) on a virtual cluster: printers.go's columns (release-1.32)."""

from __future__ import annotations

import json
from typing import Any

from tests import builders


def test_get_jobs_and_cronjobs(kube: Any, vcluster: Any, golden: Any) -> None:
    done = builders.job("done", completions=2, parallelism=2)
    pending = builders.job("sleepy", command=("sh", "-c", "sleep 600"), parallelism=3, completions=None)
    cron = builders.cronjob("tick", "*/5 * * * *", timeZone="Europe/Berlin")
    for obj in (done, pending, cron):
        assert kube("create -f -", stdin=json.dumps(obj)).rc == 0
    vcluster.wait_for(lambda: vcluster.store.get("CronJob", "default", "tick")["status"].get("active"),
                      timeout=600)
    vcluster.advance(30)
    text = ""
    for line in ("get jobs", "get jobs -o wide", "get cronjobs", "get cronjobs -o wide", "get cj,job"):
        r = kube(line)
        assert r.rc == 0, (line, r.err)
        text += f"$ kubectl {line}\n{r.out}{r.err}"
    golden("get_batch", text)
    assert "STATUS" in text and "0/1 of 3" in text and "Europe/Berlin" in text


def test_wait_for_complete_and_logs_of_a_job(kube: Any, vcluster: Any) -> None:
    obj = builders.job("hello", command=("sh", "-c", "echo hello from the job"))
    assert kube("create -f -", stdin=json.dumps(obj)).rc == 0
    r = kube("wait --for=condition=complete job/hello --timeout=120s")
    assert (r.rc, r.out) == (0, "job.batch/hello condition met\n"), r.err
    r = kube("logs job/hello")
    assert (r.rc, r.out) == (0, "hello from the job\n"), r.err
