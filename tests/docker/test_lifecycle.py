"""Pod lifecycle as real Docker containers: init containers and a native sidecar in order,
SIGTERM to a trapping shell, SIGKILL after the grace period, preStop before SIGTERM."""

from __future__ import annotations

import time
from typing import Any

import pytest

from kubenb.api.tables.rows_pod import pod_status
from kubenb.cluster import Cluster
from tests import builders
from tests.conftest import Kube

pytestmark = pytest.mark.docker
LOOP = "while true; do sleep 0.1; done"


def sh(name: str, script: str, **fields: Any) -> dict[str, Any]:
    return {"name": name, "image": "busybox", "command": ["sh", "-c", script], **fields}


def statuses(c: Cluster, name: str) -> list[dict[str, Any]]:
    """Every status the kubelet writes for pod `name` from now on."""
    seen: list[dict[str, Any]] = []

    def listen(verb: str, kind: str, obj: dict[str, Any], sub: str | None) -> None:
        if kind == "Pod" and sub == "status" and obj["metadata"]["name"] == name:
            seen.append(obj["status"])

    c.store.write_listeners.append(listen)
    return seen


def test_init_sidecar_app_order_and_sigterm_sigkill(dcluster: Cluster) -> None:
    shared = "/shared/order"
    vol = [{"name": "shared", "mountPath": "/shared"}]
    init = [sh("first", f"echo first >> {shared}", volumeMounts=vol),
            sh("proxy", f"trap 'exit 7' TERM; echo proxy >> {shared}; {LOOP}", restartPolicy="Always",
               volumeMounts=vol)]
    apps = [sh("app", f"trap '' TERM; echo app >> {shared}; {LOOP}", volumeMounts=vol)]
    dcluster.store.create(builders.pod("order", grace=3, containers=apps, initContainers=init,
                                       volumes=[{"name": "shared", "emptyDir": {}}]))
    dcluster.wait_for(lambda: pod_status(dcluster.store.get("Pod", "default", "order"))[:2]
                      == ("2/2", "Running"), timeout=90)
    kube = Kube(dcluster)
    dcluster.wait_for(lambda: kube("exec order -c app -- cat /shared/order").out
                      == "first\nproxy\napp\n", timeout=20)
    writes = statuses(dcluster, "order")
    started = time.monotonic()
    dcluster.store.delete("Pod", "default", "order")
    dcluster.wait_for(lambda: dcluster.store.try_get("Pod", "default", "order") is None, timeout=60)
    assert time.monotonic() - started >= 2.9  # the app ignored SIGTERM: killed at the end
    final = writes[-1]
    app = final["containerStatuses"][0]["state"]["terminated"]
    proxy = final["initContainerStatuses"][1]["state"]["terminated"]
    assert (app["exitCode"], proxy["exitCode"]) == (137, 7)  # SIGKILL; the sidecar's trap


def test_pre_stop_runs_before_sigterm(dcluster: Cluster) -> None:
    hook = {"preStop": {"exec": {"command": ["touch", "/tmp/pre-stopped"]}}}
    script = f"trap '[ -f /tmp/pre-stopped ] && exit 5 || exit 6' TERM; touch /tmp/armed; {LOOP}"
    dcluster.store.create(builders.pod("hooked", grace=10, containers=[sh("main", script, lifecycle=hook)]))
    dcluster.wait_for(lambda: pod_status(dcluster.store.get("Pod", "default", "hooked"))[:2]
                      == ("1/1", "Running"), timeout=60)
    kube = Kube(dcluster)
    dcluster.wait_for(lambda: kube("exec hooked -- ls /tmp/armed").out == "/tmp/armed\n", timeout=20)
    writes = statuses(dcluster, "hooked")
    dcluster.store.delete("Pod", "default", "hooked")
    dcluster.wait_for(lambda: dcluster.store.try_get("Pod", "default", "hooked") is None, timeout=60)
    term = writes[-1]["containerStatuses"][0]["state"]["terminated"]
    assert term["exitCode"] == 5  # SIGTERM came after the hook had run
