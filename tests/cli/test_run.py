"""`kubectl run` against a virtual cluster, refereed by real kubectl."""

from __future__ import annotations

import pytest

from tests.cli import dry_run, needs_kubectl, referee

RUNS = [
    "run web --image=nginx",
    "run web --image=nginx --restart=Never --env=A=1 --env=B=2 --labels=app=web,tier=fe "
    "--port=80 --annotations=x=y --image-pull-policy=IfNotPresent",
    "run web --image=nginx --restart=OnFailure --privileged",
    "run web --image=busybox:1.36 --command -- sleep 10",
    "run web --image=busybox -- echo hi",
    "run web --image=nginx -n other",
    "run web --image=nginx --expose --port=80",
]


@needs_kubectl
@pytest.mark.parametrize("line", RUNS)
@pytest.mark.parametrize("fmt", ["yaml", "json", "name", ""])
def test_dry_run_matches_kubectl(kube, tmp_path, line, fmt):
    cmd = dry_run(line, fmt)
    ours, theirs = kube(cmd), referee(cmd, tmp_path)
    assert (ours.out, ours.err, ours.rc) == (theirs.out, theirs.err, theirs.rc)


@needs_kubectl
@pytest.mark.parametrize("line", [
    "run web --image=nginx --rm",
    "run --image=nginx",
    "run web --image=nginx --restart=Sometimes",
    "run web --image=nginx -it --dry-run=client",
    "run web --image=nginx -t",
    "run web --image=nginx --expose",
    "run web --image='Bad Image'",
    "run web --image=nginx --port=http --dry-run=client",
    "run web --image=nginx --env=1BAD=x --dry-run=client",
    "run web --image=nginx --labels=a --dry-run=client",
    "run web --image=nginx --image-pull-policy=Sometimes",
    "run web --image=nginx -o wide --dry-run=client",
])
def test_errors_match_kubectl(kube, tmp_path, line):
    ours, theirs = kube(line), referee(line, tmp_path)
    assert (ours.out, ours.err, ours.rc) == (theirs.out, theirs.err, theirs.rc)


def test_run_creates_a_pod_that_starts(kube, vcluster):
    r = kube("run web --image=nginx --port=80")
    assert (r.out, r.err, r.rc) == ("pod/web created\n", "", 0)
    pod = kube.client.get("Pod", "default", "web")
    assert pod["metadata"]["labels"] == {"run": "web"}
    assert pod["spec"]["restartPolicy"] == "Always"
    vcluster.wait_for(lambda: vcluster.store.get("Pod", "default", "web")["status"].get("phase")
                      == "Running", timeout=120)


def test_run_dry_run_server_and_existing(kube):
    assert kube("run web --image=nginx --dry-run=server").out == "pod/web created (server dry run)\n"
    assert kube.client.list("Pod", "default")[0] == []
    kube("run web --image=nginx")
    r = kube("run web --image=nginx")
    assert (r.err, r.rc) == ('Error from server (AlreadyExists): pods "web" already exists\n', 1)


def test_run_expose_creates_service_first(kube):
    r = kube("run web --image=nginx --port=8080 --expose")
    assert r.out == "service/web created\npod/web created\n"
    svc = kube.client.get("Service", "default", "web")
    assert svc["spec"]["selector"] == {"run": "web"}
    assert svc["spec"]["ports"][0]["targetPort"] == 8080


def test_run_required_image(kube):
    r = kube("run web")
    assert (r.out, r.err, r.rc) == ("", 'error: required flag(s) "image" not set\n', 1)


@pytest.mark.parametrize("line", ["run shell --image=busybox -it -- sh",
                                  "run shell --image=busybox -i --rm --restart=Never -- sh"])
def test_attach_needs_a_terminal(kube, line):
    r = kube(line)
    assert r.rc == 1 and r.out == ""
    assert r.err == (
        "error: kubenb cannot attach to a container: a notebook cell has no terminal for "
        "-i/-t/--attach.\nRun it without them, then read its output:\n"
        "  %kubectl run shell --image=busybox --restart=Never -- sh\n  %kubectl logs shell\n")
    assert kube.client.list("Pod", "default")[0] == []
