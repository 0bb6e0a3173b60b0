"""`kubectl describe` through the client: what each describer is fed, separators, prefixes, errors.

The per-kind layout is the describers' business (tests/unit/test_describe_*.py); golden files
here pin the whole text for the tutorial's objects on a seeded virtual cluster.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests import builders
from tests.cli.test_rollout import V1, make


def service(kube: Any, vcluster: Any, name: str) -> None:
    kube.client.create(builders.service(name, type="NodePort", labels={"app": name},
                                        ports=[{"port": 8080, "targetPort": 8080, "protocol": "TCP"}]))
    def ready() -> bool:
        eps = [e for e in vcluster.store.list("Endpoints", "default") if e["metadata"]["name"] == name]
        return bool(eps) and len(((eps[0].get("subsets") or [{}])[0]).get("addresses") or []) == 2

    vcluster.wait_for(ready, timeout=30)


@pytest.fixture
def tutorial(kube: Any, vcluster: Any) -> Any:
    """The Kubernetes Basics state: a 2-replica bootcamp Deployment and its NodePort Service."""
    make(kube, vcluster, "kubernetes-bootcamp", V1, replicas=2)
    service(kube, vcluster, "kubernetes-bootcamp")
    vcluster.advance(90)  # let the events age, so Age columns are not all 0s
    return kube


def pods(vcluster: Any) -> list[str]:
    return sorted(p["metadata"]["name"] for p in vcluster.store.list("Pod", "default"))


@pytest.mark.parametrize("name, line", [
    ("deployment", "describe deployment kubernetes-bootcamp"),
    ("replicaset", "describe rs"),
    ("service", "describe services/kubernetes-bootcamp"),
    ("node", "describe node minikube"),
    ("namespace", "describe ns default"),
])
def test_describe_goldens(tutorial: Any, golden: Any, name: str, line: str) -> None:
    r = tutorial(line)
    assert (r.err, r.rc) == ("", 0)
    golden(f"describe_{name}", r.out)


def test_describe_pod_golden_and_its_events(tutorial: Any, vcluster: Any, golden: Any) -> None:
    first = pods(vcluster)[0]
    r = tutorial(f"describe pod/{first}")
    assert r.rc == 0
    assert f"Successfully assigned default/{first} to minikube" in r.out
    assert "Started container kubernetes-bootcamp\n" in r.out  # kubectl 1.32: no fieldPath prefix
    golden("describe_pod", r.out)


def test_several_objects_are_separated_by_two_blank_lines(tutorial: Any, vcluster: Any) -> None:
    names = pods(vcluster)
    r = tutorial("describe pods")
    texts = [tutorial(f"describe pod/{n}").out for n in names]
    assert r.out == "\n\n".join(texts) and r.rc == 0
    assert tutorial(f"describe pod {names[0]} {names[1]}").out == r.out
    assert tutorial("describe pods -l app=kubernetes-bootcamp").out == r.out
    assert tutorial("describe pods -l app=nope").err == "No resources found in default namespace.\n"


def test_name_prefix_describes_every_match_each_followed_by_a_blank_line(tutorial: Any, vcluster: Any) -> None:
    names = pods(vcluster)
    r = tutorial("describe pods kubernetes-bootcamp")
    assert r.out == "".join(tutorial(f"describe pod/{n}").out + "\n" for n in names) and r.rc == 0
    r = tutorial("describe pod/kubernetes-bootcamp")  # TYPE/NAME never prefix-matches
    assert (r.out, r.err) == ("", 'Error from server (NotFound): pods "kubernetes-bootcamp" not found\n')


def test_events_can_be_left_out(tutorial: Any) -> None:
    r = tutorial("describe deploy kubernetes-bootcamp --show-events=false")
    assert "Events:" not in r.out and r.out.endswith("(2/2 replicas created)\n")


def test_all_namespaces_and_cluster_scoped(tutorial: Any) -> None:
    assert tutorial("describe pods -A -l app=nope").err == "No resources found\n"
    r = tutorial("describe ns")
    assert [line for line in r.out.splitlines() if line.startswith("Name:")] == [
        "Name:         default", "Name:         kube-node-lease", "Name:         kube-public",
        "Name:         kube-system"]


@pytest.mark.parametrize("line, out, err", [
    ("describe", "", 'error: You must specify the type of resource to describe. Use "kubectl api-resources" '
                     "for a complete list of supported resources.\n"),
    ("describe pods nope", "", 'Error from server (NotFound): pods "nope" not found\n'),
    ("describe deploy/nope", "", 'Error from server (NotFound): deployments.apps "nope" not found\n'),
    ("describe widgets", "", 'error: the server doesn\'t have a resource type "widgets"\n'),
    ("describe pods -n kube-public", "", "No resources found in kube-public namespace.\n"),
])
def test_describe_errors(kube: Any, line: str, out: str, err: str) -> None:
    r = kube(line)
    assert (r.out, r.err, r.rc) == (out, err, 1 if "rror" in err else 0)


def test_found_objects_print_before_the_errors(tutorial: Any) -> None:
    r = tutorial("describe deploy kubernetes-bootcamp nope")
    assert r.out.startswith("Name:                   kubernetes-bootcamp\n")
    assert (r.err, r.rc) == ('Error from server (NotFound): deployments.apps "nope" not found\n', 1)
