"""DaemonSets, ControllerRevisions and ReplicationControllers through real kubectl 1.32: its
describe and rollout texts (computed client-side) are the expected text for kubenb's own."""

from __future__ import annotations

import pytest

from .conftest import KUBECTL_132, Served
from .test_kubectl import ours, words

pytestmark = pytest.mark.skipif(not __import__("shutil").which(KUBECTL_132), reason="needs kubectl 1.32")

DS = """apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
  labels: {app: agent}
spec:
  selector:
    matchLabels: {app: agent}
  template:
    metadata:
      labels: {app: agent}
    spec:
      containers:
      - name: agent
        image: nginx:1.26
"""

RC = """apiVersion: v1
kind: ReplicationController
metadata:
  name: web
spec:
  replicas: 2
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx
"""

def real(served: Served, *args: str, stdin: str | None = None, rc: int = 0) -> str:
    run = served.kubectl(*args, binary=KUBECTL_132, stdin=stdin)
    assert run.rc == rc, f"kubectl {' '.join(args)}: {run.out}{run.err}"
    return run.out + run.err


def test_daemonset_with_real_kubectl(served: Served, golden: object) -> None:
    assert real(served, "apply", "-f", "-", stdin=DS) == "daemonset.apps/agent created\n"
    status = real(served, "rollout", "status", "daemonset/agent", "--timeout=60s")
    assert status.endswith('daemon set "agent" successfully rolled out\n')
    assert ours(served, "rollout", "status", "daemonset/agent") == 'daemon set "agent" successfully rolled out\n'
    for args in (["get", "daemonsets"], ["get", "ds", "-o", "wide"], ["get", "controllerrevisions"]):
        assert words(real(served, *args)) == words(ours(served, *args))
    assert words(real(served, "get", "ds")) == [
        ["NAME", "DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE", "NODE", "SELECTOR", "AGE"],
        ["agent", "2", "2", "2", "2", "2", "<none>", "AGE"]]
    described = real(served, "describe", "ds", "agent", "--show-events=false")
    golden("describe_daemonset_132", described)  # type: ignore[operator]
    assert ours(served, "describe", "ds", "agent", "--show-events=false") == described
    assert words(ours(served, "describe", "ds", "agent")) == words(real(served, "describe", "ds", "agent"))
    # A new image: a second revision, history and undo as kubectl prints them.
    real(served, "set", "image", "ds/agent", "agent=nginx:1.27")
    real(served, "rollout", "status", "daemonset/agent", "--timeout=60s")
    hist = real(served, "rollout", "history", "daemonset/agent")
    assert hist == "daemonset.apps/agent \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n"
    assert ours(served, "rollout", "history", "daemonset/agent") == hist
    assert ours(served, "rollout", "history", "daemonset/agent", "--revision=1") == real(
        served, "rollout", "history", "daemonset/agent", "--revision=1")
    assert ours(served, "rollout", "undo", "daemonset/agent") == "daemonset.apps/agent rolled back\n"
    assert real(served, "rollout", "status", "daemonset/agent", "--timeout=60s").endswith(
        'daemon set "agent" successfully rolled out\n')
    # kubectl compares the revision's bytes with its own JSON of the template; ours compares the
    # templates themselves, so revision 3 (revision 1 renumbered by the undo) is seen as current.
    assert ours(served, "rollout", "undo", "daemonset/agent", "--to-revision=3") == (
        "daemonset.apps/agent skipped rollback (current template already matches revision 3)\n")
    assert ours(served, "rollout", "restart", "daemonset/agent") == "daemonset.apps/agent restarted\n"
    assert ours(served, "rollout", "pause", "daemonset/agent") == real(
        served, "rollout", "pause", "daemonset/agent", rc=1)
    # only the agent's pods: the node's kube-system pods (kube-proxy, the bare storage-provisioner)
    # add errors that real kubectl lists in a Go map's random order
    node = sorted(n["metadata"]["name"] for n in served.store.list("Node"))[0]
    refused = real(served, "drain", node, "--pod-selector=app=agent", "--timeout=30s", rc=1)
    assert "error: unable to drain node" in refused and "cannot delete DaemonSet-managed Pods " \
        "(use --ignore-daemonsets to ignore): default/agent-" in refused
    real(served, "uncordon", node)
    assert words(ours(served, "drain", node, "--pod-selector=app=agent", "--timeout=30s")) == words(refused)
    real(served, "uncordon", node)
    drained = real(served, "drain", node, "--pod-selector=app=agent", "--ignore-daemonsets",
                   "--timeout=30s")
    assert "Warning: ignoring DaemonSet-managed Pods: default/agent-" in drained
    real(served, "uncordon", node)
    real(served, "delete", "ds", "agent")


def test_replicationcontroller_with_real_kubectl(served: Served, golden: object) -> None:
    assert real(served, "apply", "-f", "-", stdin=RC) == "replicationcontroller/web created\n"
    served.cluster.wait_for(lambda: (served.store.get("ReplicationController", "default", "web")
                                     .get("status") or {}).get("readyReplicas") == 2, timeout=60)
    for args in (["get", "rc"], ["get", "rc", "-o", "wide"]):
        assert words(real(served, *args)) == words(ours(served, *args))
    described = real(served, "describe", "rc", "web", "--show-events=false")
    golden("describe_replicationcontroller_132", described)  # type: ignore[operator]
    assert ours(served, "describe", "rc", "web", "--show-events=false") == described
    assert words(ours(served, "describe", "rc", "web")) == words(real(served, "describe", "rc", "web"))
    assert ours(served, "scale", "rc/web", "--replicas=3") == "replicationcontroller/web scaled\n"
    served.cluster.wait_for(lambda: len(served.store.list("Pod", "default", label_selector="app=web")) == 3,
                            timeout=60)
    real(served, "delete", "rc", "web")
