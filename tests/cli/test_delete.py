"""`kubectl delete` on a virtual cluster, including --wait on graceful pod deletion."""

from __future__ import annotations

import pytest

from kubenb.cli.kubectl.commands import delete as delete_cmd
from tests.cli import needs_kubectl, referee

WARNING = ("Warning: Immediate deletion does not wait for confirmation that the running "
           "resource has been terminated. The resource may continue to run on the cluster "
           "indefinitely.\n")


def running(vcluster, name):
    def ready():
        pod = vcluster.store.try_get("Pod", "default", name)
        return bool(pod and pod.get("status", {}).get("phase") == "Running")
    vcluster.wait_for(ready, timeout=300)


def test_delete_deployment_and_not_found(kube):
    kube("create deployment web --image=nginx")
    r = kube("delete deployment web")
    assert (r.out, r.err, r.rc) == ('deployment.apps "web" deleted\n', "", 0)
    r = kube("delete deploy web")
    assert (r.out, r.err, r.rc) == ("", 'Error from server (NotFound): deployments.apps "web" '
                                        "not found\n", 1)
    r = kube("delete deploy web --ignore-not-found")
    assert (r.out, r.err, r.rc) == ("No resources found\n", "", 0)


def test_namespace_suffix_switch(kube, monkeypatch):
    kube("create cm a --from-literal=k=v")
    kube("create ns team")
    monkeypatch.setattr(delete_cmd, "DELETED_FROM_NAMESPACE", True)  # kubectl >= 1.34
    assert kube("delete cm a").out == 'configmap "a" deleted from default namespace\n'
    assert kube("delete ns team --wait=false").out == 'namespace "team" deleted\n'


def test_many_forms(kube):
    for name in ("a", "b", "c", "d"):
        kube(f"create cm {name} --from-literal=k={name}")
    kube("label cm c d group=x")
    assert kube("delete cm a cm/b --dry-run=client").err.startswith("error: there is no need")
    assert kube("delete cm a b -o name").out == "configmap/a\nconfigmap/b\n"
    assert kube("delete cm -l group=x").out == 'configmap "c" deleted\nconfigmap "d" deleted\n'
    assert kube("delete cm -l group=x").out == "No resources found\n"
    r = kube("delete cm/kube-root-ca.crt cm/nope")
    assert r.out == 'configmap "kube-root-ca.crt" deleted\n'
    assert r.err == 'Error from server (NotFound): configmaps "nope" not found\n'
    assert kube("delete cm --all").out == "No resources found\n"


def test_delete_from_file_and_dry_runs(kube, tmp_path):
    f = tmp_path / "m.yaml"
    f.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\n"
                 "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n")
    kube(f"create -f {f}")
    assert kube(f"delete -f {f} --dry-run=client").out == \
        'configmap "a" deleted (dry run)\nconfigmap "b" deleted (dry run)\n'
    assert kube(f"delete -f {f} --dry-run=server").out == \
        'configmap "a" deleted (server dry run)\nconfigmap "b" deleted (server dry run)\n'
    assert len(kube.client.list("ConfigMap", "default")[0]) == 3
    assert kube(f"delete -f {f}").out == 'configmap "a" deleted\nconfigmap "b" deleted\n'
    r = kube(f"delete -f {f}")
    assert r.err == (f'Error from server (NotFound): error when deleting "{f}": configmaps "a" '
                     f'not found\nError from server (NotFound): error when deleting "{f}": '
                     'configmaps "b" not found\n')


def test_wait_follows_graceful_pod_deletion(kube, vcluster):
    kube("run web --image=nginx")
    running(vcluster, "web")
    r = kube("delete pod web")  # returns once the kubelet has finished the pod
    assert (r.out, r.err, r.rc) == ('pod "web" deleted\n', "", 0)
    assert vcluster.store.try_get("Pod", "default", "web") is None


def test_wait_timeout(kube, tmp_path):
    f = tmp_path / "held.yaml"
    f.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: held\n  finalizers:\n"
                 "  - example.com/hold\n")
    kube(f"create -f {f}")
    r = kube("delete cm held --timeout=50ms")  # nothing removes the finalizer
    assert (r.out, r.err, r.rc) == ('configmap "held" deleted\n', "error: timed out waiting "
                                    "for the condition on configmaps/held\n", 1)
    assert kube.client.get("ConfigMap", "default", "held")["metadata"]["deletionTimestamp"]
    assert kube("delete cm held --wait=false").out == 'configmap "held" deleted\n'


def test_force_deletes_at_once(kube, vcluster):
    kube("run web --image=nginx")
    running(vcluster, "web")
    r = kube("delete pod web --force")
    assert (r.out, r.err, r.rc) == ('pod "web" force deleted\n', WARNING, 0)
    assert vcluster.store.try_get("Pod", "default", "web") is None
    kube("run b --image=nginx")
    assert kube("delete pod b --grace-period=0 --force -o name").out == "pod/b\n"


def test_cascade_orphan_keeps_replicasets(kube, vcluster):
    kube("create deployment web --image=nginx")
    vcluster.wait_for(lambda: bool(vcluster.store.list("ReplicaSet", "default")), timeout=60)
    r = kube("delete deploy web --cascade=orphan --wait=false")
    assert r.out == 'deployment.apps "web" deleted\n'
    vcluster.wait_for(lambda: vcluster.store.try_get("Deployment", "default", "web") is None,
                      timeout=60)
    rs = vcluster.store.list("ReplicaSet", "default")
    assert rs and not rs[0]["metadata"].get("ownerReferences")


def test_cascade_boolean_is_deprecated(kube):
    kube("create cm a --from-literal=k=v")
    r = kube("delete cm a --cascade=false --wait=false")
    assert r.err == ("warning: --cascade=false is deprecated (boolean value) and can be replaced "
                     "with --cascade=orphan.\n")


@pytest.mark.parametrize("line, err", [
    ("delete", delete_cmd.NEED_RESOURCES),
    ("delete pods", "resource(s) were provided, but no name was specified"),
    ("delete pods --all -l a=b", "setting 'all' parameter but found a non empty selector. "),
    ("delete pod x -o yaml", "unexpected -o output mode: yaml. We only support '-o name'"),
    ("delete pod x --grace-period=5 --force",
     "--force and --grace-period greater than 0 cannot be specified together"),
    ("delete pod x --cascade=bogus",
     'invalid cascade value (bogus). Must be "background", "foreground", or "orphan"'),
    ("delete pod x --now --grace-period=3", "--now and --grace-period cannot be specified together"),
    ("delete pod x --dry-run=maybe", 'Invalid dry-run value (maybe). Must be "none", "server", '
     'or "client".'),
])
def test_errors(kube, line, err):
    r = kube(line)
    assert (r.out, r.err, r.rc) == ("", f"error: {err}\n", 1)


@needs_kubectl
@pytest.mark.parametrize("line", [
    "delete", "delete pods", "delete pods --all -l a=b", "delete pod x -o yaml",
    "delete pod x --grace-period=5 --force", "delete pod x --cascade=bogus",
    "delete pod x --now --grace-period=3",
])
def test_errors_match_kubectl(kube, tmp_path, line):
    ours, theirs = kube(line), referee(line, tmp_path)
    assert (ours.out, ours.err, ours.rc) == (theirs.out, theirs.err, theirs.rc)
