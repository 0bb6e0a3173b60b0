"""`kubectl get` on a virtual cluster: tables, decorations, formats, errors, watch."""

from __future__ import annotations

from typing import Any

import pytest

from kubenb.api.pods import is_pod_ready

IMAGE = "gcr.io/google-samples/kubernetes-bootcamp:v1"


@pytest.fixture
def web(kube: Any, vcluster: Any) -> Any:
    assert kube(f"create deployment web --image={IMAGE} --replicas=2").rc == 0
    vcluster.wait_for(lambda: sum(is_pod_ready(p) for p in vcluster.store.list("Pod", "default")) == 2,
                      timeout=60)
    vcluster.advance(30)
    return kube


def test_tables_and_decorations(web: Any, golden: Any) -> None:
    lines = ["get pods", "get deploy,rs", "get all", "get pods -o wide --show-labels",
             "get pods -L app -L pod-template-hash", "get nodes", "get ns", "get svc -A",
             "get pods --no-headers", "get pods -l app=web -o name",
             "get pods --sort-by=.metadata.name -o custom-columns=NAME:.metadata.name,NODE:.spec.nodeName",
             "get deploy web -o jsonpath={.spec.replicas}"]
    text = ""
    for line in lines:
        r = web(line)
        assert r.rc == 0, (line, r.err)
        text += f"$ kubectl {line}\n{r.out}{r.err}"
    golden("get_tables", text)


def test_single_object_formats(web: Any) -> None:
    y = web("get deploy web -o yaml")
    assert y.out.startswith("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n")
    j = web("get deploy web -o json")
    assert j.out.startswith('{\n    "apiVersion": "apps/v1",\n    "kind": "Deployment",')
    lst = web("get deploy -o json")
    assert '"kind": "List"' in lst.out and lst.out.rstrip().endswith("}")


@pytest.mark.parametrize("line, err", [
    ("get deploymnt", 'error: the server doesn\'t have a resource type "deploymnt"\n'),
    ("get pods nope", 'Error from server (NotFound): pods "nope" not found\n'),
    ("get pods -l 'a b'", None),
    ("get pods --replica=3", "Error: unknown flag: --replica\nSee 'kubectl get --help' for usage.\n"),
    ("get pods -o yamll", None),
    ("get pods pod/x", None),
])
def test_errors(kube: Any, line: str, err: str | None) -> None:
    r = kube(line)
    assert r.rc == 1 and r.out == ""
    assert "Traceback" not in r.err and r.err
    if err is not None:
        assert r.err == err


def test_empty_results(kube: Any) -> None:
    assert kube("get pods").err == "No resources found in default namespace.\n"
    assert kube("get pods -A").err == ""  # kube-system has its pods
    assert kube("get jobs -A").err == "No resources found\n"
    assert kube("get pods -n kube-public").err == "No resources found in kube-public namespace.\n"


def test_watch_prints_rows_as_the_cluster_changes(kube: Any, golden: Any) -> None:
    assert kube(f"create deployment w --image={IMAGE}").rc == 0
    r = kube("get pods -w --request-timeout=20s")
    assert r.rc == 0
    statuses = [line.split()[2] for line in r.out.splitlines()[1:]]
    assert statuses[-1] == "Running" and "ContainerCreating" in statuses
    golden("get_watch", r.out)


def test_interrupt_stops_a_watch_cleanly(kube: Any) -> None:
    """A kernel interrupt (KeyboardInterrupt) ends `get -w` like Ctrl-C: table kept, exit 0."""
    real_watch = kube.client.watch

    def interrupted(*args: Any, **kw: Any) -> Any:
        yield from ()
        raise KeyboardInterrupt

    kube.client.watch = interrupted
    try:
        r = kube("get ns -w")
    finally:
        kube.client.watch = real_watch
    assert r.rc == 0 and r.out.startswith("NAME ") and r.err == ""
