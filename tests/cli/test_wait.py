"""`kubectl wait` against a virtual cluster: conditions, jsonpath, delete, timeouts, errors."""

from __future__ import annotations

from typing import Any

import pytest

from tests.cli.test_rollout import make, pkube  # noqa: F401 - pkube is a fixture


def test_condition_met_on_an_available_deployment(kube: Any, vcluster: Any) -> None:
    make(kube, vcluster)
    r = kube("wait --for=condition=Available deployment/web")
    assert (r.out, r.err, r.rc) == ("deployment.apps/web condition met\n", "", 0)
    assert kube("wait --for=condition=available=TRUE deploy/web --timeout=0").out == (
        "deployment.apps/web condition met\n")


def test_wait_watches_until_the_pods_are_ready(pkube: Any, vcluster: Any) -> None:  # noqa: F811
    make(pkube, vcluster, replicas=2, wait=False)
    assert pkube("wait --for=condition=Ready pod -l app=web").err == "error: no matching resources found\n"
    vcluster.wait_for(lambda: len(vcluster.store.list("Pod", "default")) == 2, timeout=30)
    assert not any(p["status"].get("conditions") and p["status"]["conditions"][-1]["status"] == "True"
                   and p["status"]["conditions"][-1]["type"] == "Ready" for p in vcluster.store.list("Pod"))
    before = vcluster.clock.monotonic()
    r = pkube("wait --for=condition=Ready pod -l app=web --timeout=60s")
    pods = sorted(p["metadata"]["name"] for p in vcluster.store.list("Pod", "default"))
    assert r.out == "".join(f"pod/{p} condition met\n" for p in pods) and r.rc == 0
    assert vcluster.clock.monotonic() > before  # it really waited, on the cluster clock


def test_jsonpath_condition(pkube: Any, vcluster: Any) -> None:  # noqa: F811
    make(pkube, vcluster, wait=False)
    pod = None

    def scheduled() -> bool:
        nonlocal pod
        pods = vcluster.store.list("Pod", "default")
        pod = pods[0]["metadata"]["name"] if pods else None
        return pod is not None

    vcluster.wait_for(scheduled, timeout=30)
    r = pkube(f"wait pod/{pod} --for=jsonpath='{{.status.phase}}'=Running --timeout=30s")
    assert (r.out, r.rc) == (f"pod/{pod} condition met\n", 0)
    assert pkube("wait deploy/web --for=jsonpath={.spec.replicas}").out == "deployment.apps/web condition met\n"


def test_timeout_names_the_resource(pkube: Any, vcluster: Any) -> None:  # noqa: F811
    make(pkube, vcluster)
    before = vcluster.clock.monotonic()
    r = pkube("wait --for=condition=Progressing=False deployment/web --timeout=3s")
    assert (r.out, r.err, r.rc) == ("", "error: timed out waiting for the condition on deployments/web\n", 1)
    assert 3 <= vcluster.clock.monotonic() - before < 4
    r = pkube("wait --for=condition=Progressing=False deployment/web --timeout=0")
    assert r.err == "error: condition not met for deployments.apps/web\n"


def test_wait_for_delete(pkube: Any, vcluster: Any) -> None:  # noqa: F811
    make(pkube, vcluster)
    pod = vcluster.store.list("Pod", "default")[0]["metadata"]["name"]
    assert pkube("wait --for=delete pod/gone").out == ""  # nothing to wait for
    pkube.client.delete("Pod", "default", pod)
    r = pkube(f"wait --for=delete pod/{pod} --timeout=60s")
    assert (r.out, r.rc) == (f"pod/{pod} condition met\n", 0)
    with pytest.raises(Exception):  # noqa: B017 - the store's NotFound
        vcluster.store.get("Pod", "default", pod)


@pytest.mark.parametrize("line, err", [
    ("wait deploy/web", 'error: unrecognized condition: ""\n'),
    ("wait deploy/web --for=foo", 'error: unrecognized condition: "foo"\n'),
    ("wait --for=condition=Ready", "error: You must provide one or more resources by argument or filename.\n"
     "Example resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n"
     "   '<resource> <name>'\n   '<resource>'\n"),
    ("wait deploy/web --for=jsonpath={.a}=", "error: jsonpath wait has to have a value after equal sign, like "
     "--for=jsonpath='{.status.readyReplicas}'=3\n"),
    ("wait deploy/nope --for=condition=Ready", 'Error from server (NotFound): deployments.apps "nope" not found\n'),
    ("wait deploy -l app=nope --for=condition=Ready", "error: no matching resources found\n"),
    ("wait deploy/web --for=condition=Ready --timeout=x",
     'Error: invalid argument "x" for "--timeout" flag: time: invalid duration "x"\n'
     "See 'kubectl wait --help' for usage.\n"),
])
def test_wait_errors(kube: Any, vcluster: Any, line: str, err: str) -> None:
    make(kube, vcluster)
    r = kube(line)
    assert (r.out, r.err, r.rc) == ("", err, 1)


def test_field_selector_narrows_the_objects_waited_on(kube: Any, vcluster: Any) -> None:
    make(kube, vcluster, replicas=2)
    first, second = sorted(p["metadata"]["name"] for p in vcluster.store.list("Pod", "default"))
    r = kube(f"wait --for=condition=Ready pod -l app=web --field-selector metadata.name={second}")
    assert (r.out, r.rc) == (f"pod/{second} condition met\n", 0)
    r = kube("wait --for=condition=Ready pods --field-selector spec.nodeName=minikube")
    assert r.out == f"pod/{first} condition met\npod/{second} condition met\n"
    r = kube("wait --for=delete pods -l app=web --field-selector spec.nodeName=minikube-m09 --timeout=1s")
    assert (r.out, r.err, r.rc) == ("", "", 0)  # no pod on that node: nothing to wait for
    r = kube("wait --for=condition=Ready pods --all --field-selector metadata.name=" + first)
    assert r.out == f"pod/{first} condition met\n"
