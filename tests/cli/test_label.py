"""`kubectl label` / `kubectl annotate` on a virtual cluster; `--local` refereed by real kubectl."""

from __future__ import annotations

import pytest

from kubenb.cli.kubectl.commands import label as label_cmd
from tests.cli import needs_kubectl, pod_yaml, referee

POD = pod_yaml(annotations={"note": "hello"})

LOCAL = [
    "label {f} a=b", "label {f} run=other", "label {f} run=other --overwrite",
    "label {f} run-", "label {f} run- --overwrite", "label {f} run=pp", "label {f} --list",
    "label {f} a=b run-", "label {f} 'a=b c'", "label {f} a", "label {f} a=b c",
    "label {f} a=b a-", "label {f} a=b=c", "label {f} a=b -o yaml", "label {f} a=b -o json",
    "label {f} a=b -o name", "label {f} --list -o yaml", "label {f}",
    "label {f} a=b --dry-run=server", "label {f} a=b --dry-run=client",
    "annotate {f} a=b", "annotate {f} note-", "annotate {f} note=bye",
    "annotate {f} note=bye --overwrite -o yaml", "annotate {f} --list", "annotate {f} =x",
    "annotate {f} a=1 a-", "annotate {f}", "annotate {f} x=y -o name",
]


@needs_kubectl
@pytest.mark.parametrize("line", LOCAL)
def test_local_matches_kubectl(kube, tmp_path, line):
    (tmp_path / "pod.yaml").write_text(POD)
    cmd = line.format(f=f"--local -f {tmp_path}/pod.yaml")
    ours, theirs = kube(cmd), referee(cmd, tmp_path)
    assert (ours.out, ours.err, ours.rc) == (theirs.out, theirs.err, theirs.rc)


@pytest.fixture
def pods(kube):
    kube("run a --image=nginx --labels=app=web,version=v1")
    kube("run b --image=nginx --labels=app=web")
    kube("run c --image=nginx --labels=app=db")
    return kube


def labels(kube, name):
    return kube.client.get("Pod", "default", name)["metadata"].get("labels")


def test_label_messages(pods):
    assert pods("label pods a tier=fe").out == "pod/a labeled\n"
    assert labels(pods, "a") == {"app": "web", "version": "v1", "tier": "fe"}
    assert pods("label pod a tier=fe").out == "pod/a not labeled\n"
    assert pods("label pod/a tier-").out == "pod/a unlabeled\n"
    r = pods("label pods a version=v2")
    assert (r.out, r.err, r.rc) == ("", "error: 'version' already has a value (v1), and "
                                        "--overwrite is false\n", 1)
    assert pods("label pods a version=v2 --overwrite").out == "pod/a labeled\n"
    assert labels(pods, "a")["version"] == "v2"
    r = pods("label pods a nothere-")
    assert r.out == 'label "nothere" not found.\npod/a not labeled\n'


def test_label_modified_switch(pods, monkeypatch):
    # kubectl 1.32 compares JSON lengths: the object got shorter, so "unlabeled"
    assert pods("label pod a x=1 version-").out == "pod/a unlabeled\n"
    monkeypatch.setattr(label_cmd, "MODIFIED_MESSAGE", True)
    assert pods("label pod a y=1 x-").out == "pod/a modified\n"
    assert pods("label pod a y-").out == "pod/a unlabeled\n"


def test_label_selector_all_and_list(pods):
    r = pods("label pods -l app=web env=prod")
    assert r.out == "pod/a labeled\npod/b labeled\n"
    assert labels(pods, "c") == {"app": "db"}
    assert pods("label pods --all team=x -o name").out == "pod/a\npod/b\npod/c\n"
    assert pods("label pod a --list").out == "app=web\nenv=prod\nteam=x\nversion=v1\n"
    assert pods("label pods a b --list").out == (
        "Listing labels for Pod./a:\n app=web\n env=prod\n team=x\n version=v1\n"
        "Listing labels for Pod./b:\n app=web\n env=prod\n team=x\n")


def test_label_dry_runs_change_nothing(pods):
    assert pods("label pod a z=1 --dry-run=client").out == "pod/a labeled (dry run)\n"
    assert pods("label pod a z=1 --dry-run=server").out == "pod/a labeled (server dry run)\n"
    assert "z" not in labels(pods, "a")


def test_label_resource_version(pods):
    rv = pods.client.get("Pod", "default", "a")["metadata"]["resourceVersion"]
    assert pods(f"label pod a k=1 --resource-version={rv}").out == "pod/a labeled\n"
    r = pods(f"label pod a k2=1 --resource-version={rv}")
    assert r.err == ('Error from server (Conflict): Operation cannot be fulfilled on pods "a": '
                     "the object has been modified; please apply your changes to the latest "
                     "version and try again\n")
    r = pods(f"label pods a b k=1 --resource-version={rv}")
    assert r.err == "error: --resource-version may only be used with a single resource\n"


@pytest.mark.parametrize("line, err", [
    ("label pods x=y", "resource(s) were provided, but no name was specified"),
    ("label x=y", "one or more resources must be specified as <resource> <name> or "
                       "<resource>/<name>"),
    ("label pods a", "at least one label update is required"),
    ("label pods --all -l a=b x=y", "cannot set --all and --selector at the same time"),
    ("label pods a x=y --list", "--list and --output may not be specified together"),
    ("label pods x=y z", "all resources must be specified before label changes: z"),
    ("annotate pods a", "at least one annotation update is required"),
    ("label pods a x=y --dry-run=nope", 'Invalid dry-run value (nope). Must be "none", '
                                        '"server", or "client".'),
])
def test_label_errors(pods, line, err):
    if "--list" in line:
        line += " -o yaml"
    r = pods(line)
    assert (r.out, r.err, r.rc) == ("", f"error: {err}\n", 1)


def test_label_not_found(pods):
    r = pods("label pods a nope x=1")
    assert r.out == "pod/a labeled\n"
    assert r.err == 'Error from server (NotFound): pods "nope" not found\n' and r.rc == 1


def test_annotate(pods):
    assert pods("annotate pod a note=hi").out == "pod/a annotated\n"
    r = pods("annotate pod a note=bye")
    assert r.err == ("error: --overwrite is false but found the following declared "
                     "annotation(s): 'note' already has a value (hi)\n")
    assert pods("annotate pod a note=bye --overwrite -o name").out == "pod/a\n"
    assert pods("annotate pod a note-").out == "pod/a annotated\n"
    assert pods.client.get("Pod", "default", "a")["metadata"].get("annotations") in (None, {})
    r = pods("annotate deploy nope a=b")
    assert r.err == 'Error from server (NotFound): deployments.apps "nope" not found\n'
