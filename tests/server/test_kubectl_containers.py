"""Multi-container pods with real kubectl 1.32 against the API server: init containers and
native sidecars in `get`/`describe`, `logs`/`exec` container choice and their messages,
`delete --grace-period` / `--force`. kubenb's in-process kubectl must print the same."""

from __future__ import annotations

import subprocess
from typing import Any

import pytest

from .conftest import KUBECTL_132, KUBECTLS, Served
from .test_kubectl import ours, words

pytestmark = pytest.mark.skipif(KUBECTL_132 not in KUBECTLS, reason="needs kubectl 1.32")
NS = "containers"


def sh(name: str, script: str, **fields: Any) -> dict[str, Any]:
    return {"name": name, "image": "busybox", "command": ["sh", "-c", script], **fields}


def pod(name: str, containers: list[dict[str, Any]], annotations: dict[str, str] | None = None,
        **spec: Any) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": NS, "annotations": annotations or {}},
            "spec": {"containers": containers, **spec}}


@pytest.fixture(scope="module")
def pods(served: Served) -> Served:
    store = served.store
    assert served.kubectl("create", "namespace", NS).rc == 0
    init = [sh("setup", "echo set up"), sh("proxy", "echo proxy up; sleep 3600", restartPolicy="Always")]
    apps = [{"name": "web", "image": "nginx"}, sh("side", "echo side up; sleep 3600")]
    store.create(pod("multi", apps, initContainers=init))
    store.create(pod("annotated", apps, {"kubectl.kubernetes.io/default-container": "side"}))
    store.create(pod("misnamed", apps, {"kubectl.kubernetes.io/default-container": "nope"}))
    store.create(pod("stuck", [{"name": "web", "image": "nginx"}],
                     initContainers=[sh("check", "exit 2"), sh("later", "true")]))
    for name in ("gentle", "forced"):
        store.create(pod(name, [sh("main", "sleep 3600")]))

    def settled() -> bool:
        phases = {p["metadata"]["name"]: (p.get("status") or {}).get("phase")
                  for p in store.list("Pod", NS)}
        stuck = (store.get("Pod", NS, "stuck").get("status") or {}).get("initContainerStatuses")
        return (all(phases[n] == "Running" for n in ("multi", "annotated", "misnamed", "gentle",
                                                      "forced"))
                and bool(stuck) and "waiting" in stuck[0]["state"] and stuck[0]["restartCount"] >= 1)

    served.cluster.wait_for(settled, timeout=60)
    return served


SAME = [["get", "pods"], ["get", "pod", "multi", "-o", "wide"], ["describe", "pod", "multi"],
        ["logs", "multi"], ["logs", "multi", "-c", "proxy"], ["logs", "multi", "setup"],
        ["logs", "multi", "--all-containers", "--prefix"], ["logs", "multi", "-c", "nope"],
        ["logs", "annotated"], ["logs", "misnamed"], ["exec", "multi", "--", "echo", "hi"],
        ["exec", "multi", "-c", "side", "--", "echo", "hi"], ["exec", "misnamed", "--", "echo", "x"],
        ["exec", "multi", "-c", "nope", "--", "echo", "hi"]]


@pytest.mark.parametrize("cmd", SAME, ids=lambda c: " ".join(c))
def test_kubectl_132_prints_what_kubenb_prints(pods: Served, cmd: list[str]) -> None:
    if cmd[:2] == ["get", "pods"]:  # the crash-looping pod's row changes as it backs off
        pods.cluster.wait_for(lambda: pods.store.get("Pod", NS, "stuck")["status"]
                              ["initContainerStatuses"][0]["state"].get("waiting", {})
                              .get("reason") == "CrashLoopBackOff", timeout=30)
    run = pods.kubectl("-n", NS, *cmd, binary=KUBECTL_132)
    mine = ours(pods, "-n", NS, *cmd)
    theirs, have = words(run.out + run.err), words(mine)
    if "--all-containers" in cmd:  # kubectl 1.32 reads the containers' logs in Go's map order
        theirs, have = by_container(theirs), by_container(have)
    assert theirs == have


def by_container(lines: list[list[str]]) -> list[list[str]]:
    """Prefixed log lines grouped by their `[pod/NAME/CONTAINER]` prefix, each container's
    lines in their own order."""
    return sorted(lines, key=lambda line: line[0] if line else "")


def test_messages_as_kubectl_132_words_them(pods: Served) -> None:
    run = pods.kubectl("-n", NS, "logs", "misnamed", binary=KUBECTL_132)
    assert run.err == ('Default container name "nope" not found in pod misnamed\n'
                       'Defaulted container "web" out of: web, side\n')
    run = pods.kubectl("-n", NS, "logs", "multi", "-c", "nope", binary=KUBECTL_132)
    assert run.err == "error: container nope is not valid for pod multi\n"
    run = pods.kubectl("-n", NS, "get", "pod", "stuck", "--no-headers", binary=KUBECTL_132)
    assert run.out.split()[2] in ("Init:CrashLoopBackOff", "Init:Error", "Init:0/2")  # backs off,
    # fails, runs again
    assert pods.kubectl("-n", NS, "get", "pod", "multi", "--no-headers",
                        binary=KUBECTL_132).out.split()[1:3] == ["3/3", "Running"]  # the sidecar counts


def test_delete_with_grace_period_and_force(pods: Served) -> None:
    run = pods.kubectl("-n", NS, "delete", "pod", "gentle", "--grace-period=1", binary=KUBECTL_132)
    assert (run.out, run.err, run.rc) == ('pod "gentle" deleted\n', "", 0)
    assert ours(pods, "-n", NS, "delete", "pod", "forced", "--force", "--grace-period=0") == (
        'pod "forced" force deleted\n'
        "Warning: Immediate deletion does not wait for confirmation that the running resource "
        "has been terminated. The resource may continue to run on the cluster indefinitely.\n")
    assert pods.store.try_get("Pod", NS, "forced") is None
    pods.cluster.wait_for(lambda: pods.store.try_get("Pod", NS, "gentle") is None, timeout=30)


def test_wait_for_ready_false_sees_the_kill_before_the_pod_goes(pods: Served) -> None:
    """Client libraries wait on Ready=False when they delete a pod: the kubelet publishes the
    terminated containers (Ready False) before it finishes the deletion."""
    store = pods.store
    store.create(pod("waited", [{"name": "app", "image": "gcr.io/google-samples/kubernetes-bootcamp:v1"}],
                     terminationGracePeriodSeconds=5))  # bootcamp ignores SIGTERM: 5 s to go
    pods.cluster.wait_for(lambda: any(c["type"] == "Ready" and c["status"] == "True" for c in
                                      (store.get("Pod", NS, "waited").get("status") or {})
                                      .get("conditions") or []), timeout=30)
    waiter = subprocess.Popen([KUBECTL_132, "-n", NS, "wait", "--for=condition=Ready=false",
                               "pod/waited", "--timeout=30s"], env=pods.env, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        store.delete("Pod", NS, "waited")
        out, err = waiter.communicate(timeout=60)
    finally:
        if waiter.poll() is None:
            waiter.kill()
            waiter.communicate()
    assert (out, err, waiter.returncode) == ("pod/waited condition met\n", "", 0)
