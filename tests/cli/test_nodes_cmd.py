"""`kubectl cordon|uncordon|drain|taint` against a virtual cluster."""

from __future__ import annotations

import shlex
import shutil
import subprocess
from typing import Any

import pytest

from tests import builders
from tests.cli.test_rollout import deployment, make, pkube, rolled_out  # noqa: F401 - pkube is a fixture


def node(vcluster: Any) -> dict[str, Any]:
    return dict(vcluster.store.get("Node", None, "minikube"))


def bare_pod(kube: Any, vcluster: Any, name: str = "lonely") -> None:
    kube.client.create(builders.pod(name))
    vcluster.wait_for(lambda: vcluster.store.get("Pod", "default", name)["status"].get("phase") == "Running", 30)


def test_cordon_uncordon(kube: Any, vcluster: Any) -> None:
    assert kube("cordon minikube").out == "node/minikube cordoned\n"
    assert node(vcluster)["spec"]["unschedulable"] is True
    assert kube("cordon node/minikube").out == "node/minikube already cordoned\n"
    assert kube("uncordon minikube").out == "node/minikube uncordoned\n"
    assert "unschedulable" not in node(vcluster)["spec"]
    assert kube("uncordon minikube").out == "node/minikube already uncordoned\n"
    assert kube("cordon minikube --dry-run=client").out == "node/minikube cordoned (dry run)\n"
    assert "unschedulable" not in node(vcluster)["spec"]
    assert kube("cordon -l kubernetes.io/hostname=minikube -o name").out == "node/minikube\n"


def test_cordoned_node_takes_no_new_pods(kube: Any, vcluster: Any) -> None:
    kube("cordon minikube")
    make(kube, vcluster, wait=False)
    vcluster.advance(5)
    assert all(not p["spec"].get("nodeName") for p in vcluster.store.list("Pod", "default"))


@pytest.mark.parametrize("line, err", [
    ("cordon", "error: USAGE: cordon NODE [flags]\nSee 'kubectl cordon -h' for help and examples\n"),
    ("uncordon", "error: USAGE: uncordon NODE [flags]\nSee 'kubectl uncordon -h' for help and examples\n"),
    ("drain", "error: USAGE: drain NODE [flags]\nSee 'kubectl drain -h' for help and examples\n"),
    ("cordon nope", 'Error from server (NotFound): nodes "nope" not found\n'),
    ("drain nope", 'Error from server (NotFound): nodes "nope" not found\n'),
])
def test_node_command_errors(kube: Any, line: str, err: str) -> None:
    r = kube(line)
    assert (r.out, r.err, r.rc) == ("", err, 1)


def system_pods_on(vcluster: Any, node: str = "minikube") -> dict[str, list[str]]:
    """kube-system's pods on the node by how drain treats them: "daemon" (kube-proxy),
    "bare" (storage-provisioner), "managed" (CoreDNS); mirror pods are not listed."""
    out: dict[str, list[str]] = {"daemon": [], "bare": [], "managed": []}
    for p in vcluster.store.list("Pod", "kube-system", field_selector=f"spec.nodeName={node}"):
        meta = p["metadata"]
        if "kubernetes.io/config.mirror" in (meta.get("annotations") or {}):
            continue
        kind = (meta.get("ownerReferences") or [{}])[0].get("kind")
        out["daemon" if kind == "DaemonSet" else "managed" if kind else "bare"].append(
            f"kube-system/{meta['name']}")
    return out


def test_drain_evicts_managed_pods(pkube: Any, vcluster: Any) -> None:  # noqa: F811
    make(pkube, vcluster, replicas=2)
    pods = sorted(f"default/{p['metadata']['name']}" for p in vcluster.store.list("Pod", "default"))
    system = system_pods_on(vcluster)
    assert len(system["daemon"]) == 1 and system["bare"] == ["kube-system/storage-provisioner"]
    r = pkube("drain minikube --ignore-daemonsets --force")
    assert r.rc == 0
    assert r.err == (f"Warning: ignoring DaemonSet-managed Pods: {system['daemon'][0]}; "
                     "deleting Pods that declare no controller: kube-system/storage-provisioner\n")
    evicted = pods + sorted(system["managed"] + system["bare"])
    lines = r.out.splitlines()
    assert lines[0] == "node/minikube cordoned"
    assert lines[1:1 + len(evicted)] == [f"evicting pod {p}" for p in evicted]
    assert sorted(lines[1 + len(evicted):-1]) == sorted(f"pod/{p.split('/')[1]} evicted" for p in evicted)
    assert lines[-1] == "node/minikube drained"
    left = [p for p in vcluster.store.list("Pod", "default") if f"default/{p['metadata']['name']}" in pods]
    assert left == []


def test_drain_refuses_unmanaged_pods_without_force(pkube: Any, vcluster: Any) -> None:  # noqa: F811
    bare_pod(pkube, vcluster)
    system = system_pods_on(vcluster)
    r = pkube("drain minikube")
    unmanaged = ("cannot delete cannot delete Pods that declare no controller (use --force to override): "
                 "default/lonely, kube-system/storage-provisioner")
    daemons = ("cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): "
               f"{system['daemon'][0]}")
    assert r.out == "node/minikube cordoned\n"
    assert r.err == (f'error: unable to drain node "minikube" due to error: [{unmanaged}, {daemons}], '
                     f"continuing command...\nThere are pending nodes to be drained:\n minikube\n"
                     f"{unmanaged}\n{daemons}\n")
    assert r.rc == 1
    r = pkube("drain minikube --ignore-daemonsets")
    assert r.err.startswith(f'error: unable to drain node "minikube" due to error: {unmanaged}, ')
    assert r.rc == 1
    r = pkube("drain minikube --force --ignore-daemonsets --grace-period=0")
    assert r.err == ("Warning: deleting Pods that declare no controller: default/lonely, "
                     f"kube-system/storage-provisioner; ignoring DaemonSet-managed Pods: {system['daemon'][0]}\n")
    assert r.out.startswith("node/minikube already cordoned\nevicting pod default/lonely\n")
    assert "pod/lonely evicted\n" in r.out and "pod/storage-provisioner evicted\n" in r.out
    assert r.out.endswith("node/minikube drained\n")


def test_drain_emptydir_needs_delete_emptydir_data(pkube: Any, vcluster: Any) -> None:  # noqa: F811
    obj = deployment("cache", "nginx")
    spec = obj["spec"]["template"]["spec"]
    spec["volumes"] = [{"name": "tmp", "emptyDir": {}}]
    spec["containers"][0]["volumeMounts"] = [{"name": "tmp", "mountPath": "/tmp"}]
    pkube.client.create(obj)
    vcluster.wait_for(lambda: rolled_out(vcluster, "cache"), 60)
    pod = vcluster.store.list("Pod", "default")[0]["metadata"]["name"]
    r = pkube("drain minikube --dry-run=client")
    assert "cannot delete Pods with local storage (use --delete-emptydir-data to override): " \
           f"default/{pod}" in r.err
    r = pkube("drain minikube --pod-selector=app=cache --delete-emptydir-data --dry-run=client")
    assert r.out == (f"node/minikube cordoned (dry run)\nevicting pod default/{pod} (dry run)\n"
                     "node/minikube drained (dry run)\n")
    assert r.err == f"Warning: deleting Pods with local storage: default/{pod}\n"


def test_taint_add_overwrite_remove(kube: Any, vcluster: Any) -> None:
    r = kube("taint nodes minikube dedicated=gpu:NoSchedule")
    assert (r.out, r.rc) == ("node/minikube tainted\n", 0)
    assert node(vcluster)["spec"]["taints"] == [{"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}]
    r = kube("taint nodes minikube dedicated=cpu:NoSchedule")
    assert (r.err, r.rc) == ("error: node minikube already has dedicated taint(s) with same effect(s) and "
                             "--overwrite is false\n", 1)
    assert kube("taint node/minikube dedicated=cpu:NoSchedule --overwrite").out == "node/minikube modified\n"
    assert node(vcluster)["spec"]["taints"][0]["value"] == "cpu"
    assert kube("taint nodes minikube other:NoExecute").out == "node/minikube tainted\n"
    assert kube("taint nodes minikube dedicated-").out == "node/minikube untainted\n"
    assert kube("taint nodes minikube other:NoExecute-").out == "node/minikube untainted\n"
    assert not node(vcluster)["spec"].get("taints")
    assert kube("taint nodes minikube other:NoExecute-").err == 'error: taint "other:NoExecute" not found\n'


@pytest.mark.parametrize("line, err", [
    ("taint nodes minikube", "error: at least one taint update is required\n"),
    ("taint nodes minikube a=b:Bad", "error: invalid taint effect: Bad, unsupported taint effect\n"
                                     "See 'kubectl taint -h' for help and examples\n"),
    ("taint nodes minikube a=b", "error: invalid taint spec: a=b, name part must consist of alphanumeric "
     "characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or "
     "'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')\n"
     "See 'kubectl taint -h' for help and examples\n"),
    ("taint nodes minikube a:NoSchedule b", "error: all resources must be specified before taint changes: b\n"),
    ("taint pods minikube a:NoSchedule", "error: invalid resource type pods, only node types are supported\n"),
    ("taint nodes nope a:NoSchedule", 'Error from server (NotFound): nodes "nope" not found\n'),
])
def test_taint_errors(kube: Any, line: str, err: str) -> None:
    r = kube(line)
    assert (r.out, r.err, r.rc) == ("", err, 1)


@pytest.mark.skipif(not shutil.which("kubectl"), reason="real kubectl not installed")
@pytest.mark.parametrize("specs", [["a=b"], ["a=b:Bad"], ["k=v=w:NoSchedule"], ["bad key:NoSchedule"],
                                   ["k=v:NoSchedule:x"], ["k=v:NoSchedule", "k=w:NoSchedule"], ["k=v w:NoSchedule"]])
def test_taint_spec_errors_match_real_kubectl(kube: Any, specs: list[str]) -> None:
    real = subprocess.run(["kubectl", "taint", "nodes", "minikube", *specs], capture_output=True, text=True,
                          check=False, env={"KUBECONFIG": "/nonexistent", "PATH": "/usr/bin:/bin"})
    r = kube("taint nodes minikube " + " ".join(shlex.quote(s) for s in specs))
    assert (r.err, r.rc) == (real.stderr, real.returncode)
