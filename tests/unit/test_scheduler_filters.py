"""Scheduler filter and score plugins as pure functions, table-driven."""

from __future__ import annotations

from typing import Any

import pytest

from kubenb.scheduler.cache import NodeInfo, make_entry
from kubenb.scheduler.diagnosis import Diagnosis, fit_error, truncate
from kubenb.scheduler.filters import (
    ERR_AFFINITY,
    ERR_PORTS,
    ERR_UNSCHEDULABLE,
    UNRESOLVABLE,
    UNSCHEDULABLE,
    PodFacts,
    prefilter_node_names,
    run_filters,
    term_matches,
    tolerates,
)
from kubenb.scheduler.scores import default_normalize, score_nodes
from tests.unit.test_scheduler import node, pod

Obj = dict[str, Any]


def info_of(n: Obj, *pods: Obj) -> NodeInfo:
    info = NodeInfo(n["metadata"]["name"])
    info.set_node(n)
    for i, p in enumerate(pods):
        p = dict(p, metadata=dict(p["metadata"], uid=f"uid-{i}"))
        p["spec"] = dict(p["spec"], nodeName=info.name)
        info.add(make_entry(p))
    return info


@pytest.mark.parametrize(("toleration", "taint", "ok"), [
    ({"key": "k", "operator": "Equal", "value": "v", "effect": "NoSchedule"},
     {"key": "k", "value": "v", "effect": "NoSchedule"}, True),
    ({"key": "k", "value": "v"}, {"key": "k", "value": "v", "effect": "NoExecute"}, True),
    ({"key": "k", "value": "w"}, {"key": "k", "value": "v", "effect": "NoSchedule"}, False),
    ({"key": "k", "operator": "Exists"}, {"key": "k", "value": "v", "effect": "NoSchedule"}, True),
    ({"operator": "Exists"}, {"key": "anything", "effect": "NoExecute"}, True),
    ({"operator": "Exists", "effect": "NoSchedule"}, {"key": "a", "effect": "NoExecute"}, False),
    ({"key": "k", "operator": "Exists", "effect": "NoSchedule"},
     {"key": "other", "effect": "NoSchedule"}, False),
    ({"key": "k"}, {"key": "k", "effect": "NoSchedule"}, True),  # Equal with both values empty
])
def test_tolerates(toleration: Obj, taint: Obj, ok: bool) -> None:
    assert tolerates(toleration, taint) is ok


@pytest.mark.parametrize(("expr", "labels", "ok"), [
    ({"key": "zone", "operator": "In", "values": ["a", "b"]}, {"zone": "a"}, True),
    ({"key": "zone", "operator": "In", "values": ["a"]}, {}, False),
    ({"key": "zone", "operator": "NotIn", "values": ["a"]}, {"zone": "b"}, True),
    ({"key": "zone", "operator": "NotIn", "values": ["a"]}, {}, True),
    ({"key": "zone", "operator": "NotIn", "values": ["a"]}, {"zone": "a"}, False),
    ({"key": "gpu", "operator": "Exists"}, {"gpu": ""}, True),
    ({"key": "gpu", "operator": "Exists"}, {}, False),
    ({"key": "gpu", "operator": "DoesNotExist"}, {}, True),
    ({"key": "gpu", "operator": "DoesNotExist"}, {"gpu": "1"}, False),
    ({"key": "cores", "operator": "Gt", "values": ["4"]}, {"cores": "8"}, True),
    ({"key": "cores", "operator": "Gt", "values": ["4"]}, {"cores": "4"}, False),
    ({"key": "cores", "operator": "Lt", "values": ["4"]}, {"cores": "2"}, True),
    ({"key": "cores", "operator": "Lt", "values": ["4"]}, {"cores": "x"}, False),
    ({"key": "cores", "operator": "Gt", "values": ["4"]}, {}, False),
])
def test_node_selector_requirements(expr: Obj, labels: dict[str, str], ok: bool) -> None:
    assert term_matches({"matchExpressions": [expr]}, labels, "n1") is ok


def test_terms_and_fields() -> None:
    assert not term_matches({}, {"a": "b"}, "n1")  # an empty term matches nothing
    by_name = {"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["n1"]}]}
    assert term_matches(by_name, {}, "n1") and not term_matches(by_name, {}, "n2")
    both = {"matchExpressions": [{"key": "a", "operator": "Exists"}], **by_name}
    assert not term_matches(both, {}, "n1") and term_matches(both, {"a": ""}, "n1")


def affinity(*terms: Obj) -> Obj:
    return {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
        "nodeSelectorTerms": list(terms)}}}


def test_prefilter_node_names() -> None:
    name_in = {"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["a", "b"]}]}
    name_b = {"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["b", "c"]}]}
    labels_only = {"matchExpressions": [{"key": "x", "operator": "Exists"}]}
    assert prefilter_node_names(PodFacts.of(pod("p"))) is None
    assert prefilter_node_names(PodFacts.of(pod("p", affinity=affinity(name_in)))) == {"a", "b"}
    assert prefilter_node_names(PodFacts.of(pod("p", affinity=affinity(name_in, name_b)))) == {"a", "b", "c"}
    assert prefilter_node_names(PodFacts.of(pod("p", affinity=affinity(name_in, labels_only)))) is None
    both = {"matchFields": name_in["matchFields"] + name_b["matchFields"]}
    assert prefilter_node_names(PodFacts.of(pod("p", affinity=affinity(both)))) == {"b"}


CORDON_TOLERATION = {"key": "node.kubernetes.io/unschedulable", "operator": "Exists",
                     "effect": "NoSchedule"}
FILTER_CASES: list[Any] = [
    pytest.param(node("n", unschedulable=True), pod("p"), [], (UNRESOLVABLE, (ERR_UNSCHEDULABLE,)),
                 id="cordoned"),
    pytest.param(node("n", unschedulable=True), pod("p", tolerations=[CORDON_TOLERATION]), [], None,
                 id="cordoned-tolerated"),
    pytest.param(node("n", taints=[{"key": "a", "effect": "PreferNoSchedule"}]), pod("p"), [], None,
                 id="prefer-no-schedule-is-not-a-filter"),
    pytest.param(node("n", taints=[{"key": "a", "value": "1", "effect": "NoSchedule"},
                                   {"key": "b", "effect": "NoExecute"}]),
                 pod("p", tolerations=[{"key": "a", "operator": "Exists"}]), [],
                 (UNRESOLVABLE, ("node(s) had untolerated taint {b: }",)), id="second-taint"),
    pytest.param(node("n", ready=False), pod("p", tolerations=[
        {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoSchedule"}]),
                 [], None, id="not-ready-tolerated"),
    pytest.param(node("n", labels={"disk": "ssd"}), pod("p", nodeSelector={"disk": "ssd"}), [], None,
                 id="selector-match"),
    pytest.param(node("n"), pod("p", affinity=affinity(
        {"matchExpressions": [{"key": "disk", "operator": "In", "values": ["ssd"]}]})), [],
                 (UNRESOLVABLE, (ERR_AFFINITY,)), id="required-affinity"),
    pytest.param(node("n"), pod("p", host_port=8080), [pod("q", host_port=8080)],
                 (UNSCHEDULABLE, (ERR_PORTS,)), id="host-port-taken"),
    pytest.param(node("n"), pod("p", host_port=8081), [pod("q", host_port=8080)], None,
                 id="host-port-free"),
    pytest.param(node("n", cpu="1", memory="1Gi"), pod("p", cpu="600m"), [pod("q", cpu="500m")],
                 (UNSCHEDULABLE, ("Insufficient cpu",)), id="cpu-counts-bound-pods"),
    pytest.param(node("n", cpu="1", memory="1Gi", pods=1), pod("p", cpu="2", memory="2Gi"),
                 [pod("q")], (UNSCHEDULABLE, ("Too many pods", "Insufficient cpu", "Insufficient memory")),
                 id="all-three-resource-reasons"),
    pytest.param(node("n", cpu="1"), pod("p"), [pod("q", cpu="1")], None,
                 id="best-effort-fits-a-full-node"),
]


@pytest.mark.parametrize(("n", "p", "on_node", "expected"), FILTER_CASES)
def test_filters(n: Obj, p: Obj, on_node: list[Obj], expected: Any) -> None:
    assert run_filters(PodFacts.of(p), info_of(n, *on_node)) == expected


@pytest.mark.parametrize(("wanted", "used", "clash"), [
    (("0.0.0.0", "TCP", 80), ("10.0.0.1", "TCP", 80), True),
    (("10.0.0.1", "TCP", 80), ("0.0.0.0", "TCP", 80), True),
    (("10.0.0.1", "TCP", 80), ("10.0.0.2", "TCP", 80), False),
    (("0.0.0.0", "UDP", 80), ("0.0.0.0", "TCP", 80), False),
])
def test_host_port_addresses(wanted: tuple[str, str, int], used: tuple[str, str, int], clash: bool) -> None:
    def with_port(name: str, ip: str, proto: str, port: int) -> Obj:
        p = pod(name)
        p["spec"]["containers"][0]["ports"] = [{"containerPort": 1, "hostPort": port,
                                                "hostIP": ip, "protocol": proto}]
        return p
    info = info_of(node("n"), with_port("q", *used))
    status = run_filters(PodFacts.of(with_port("p", *wanted)), info)
    assert (status is not None) is clash


def test_terminal_and_removed_pods_free_resources() -> None:
    info = info_of(node("n", cpu="1"), pod("q", cpu="1"))
    assert run_filters(PodFacts.of(pod("p", cpu="1")), info) is not None
    [entry] = info.pods.values()
    info.remove(entry)
    assert run_filters(PodFacts.of(pod("p", cpu="1")), info) is None
    assert (info.cpu, info.mem, info.nz_cpu, info.nz_mem) == (0, 0, 0, 0)


def test_fit_error_formats() -> None:
    d = Diagnosis(3, {"a": (UNSCHEDULABLE, ("Insufficient cpu", "Insufficient memory")),
                      "b": (UNSCHEDULABLE, ("Insufficient cpu",))},
                  absent=(UNRESOLVABLE, ("node(s) didn't satisfy plugin(s) [NodeAffinity]",)))
    assert fit_error(d) == ("0/3 nodes are available: 1 Insufficient memory, 1 node(s) didn't "
                            "satisfy plugin(s) [NodeAffinity], 2 Insufficient cpu.")
    d.postfilter_msg = "preemption: x."
    assert fit_error(d).endswith("[NodeAffinity], 2 Insufficient cpu. preemption: x.")
    assert fit_error(Diagnosis(2, prefilter_msg="pod affinity terms conflict")) == (
        "0/2 nodes are available: pod affinity terms conflict.")


def test_truncate() -> None:
    assert truncate("x" * 1024) == "x" * 1024
    long = truncate("y" * 2000)
    assert len(long) == 1024 and long.endswith("y ...")


def test_default_normalize() -> None:
    assert default_normalize([0, 0], reverse=True) == [100, 100]
    assert default_normalize([1, 2, 0], reverse=True) == [50, 0, 100]
    assert default_normalize([10, 5], reverse=False) == [100, 50]


def test_scores_prefer_tolerated_soft_taints_and_preferred_affinity() -> None:
    soft = info_of(node("soft", taints=[{"key": "spot", "effect": "PreferNoSchedule"}]))
    plain = info_of(node("plain"))
    facts = PodFacts.of(pod("p"))
    s_soft, s_plain = score_nodes(facts, [soft, plain], [soft, plain])
    assert s_plain > s_soft
    tolerant = PodFacts.of(pod("p", tolerations=[{"key": "spot", "operator": "Exists"}]))
    s_soft, s_plain = score_nodes(tolerant, [soft, plain], [soft, plain])
    assert s_plain == s_soft
    ssd = info_of(node("ssd", labels={"disk": "ssd"}))
    likes = PodFacts.of(pod("p", affinity={"nodeAffinity": {
        "preferredDuringSchedulingIgnoredDuringExecution": [
            {"weight": 50, "preference": {"matchExpressions": [
                {"key": "disk", "operator": "In", "values": ["ssd"]}]}}]}}))
    s_ssd, s_plain = score_nodes(likes, [ssd, plain], [ssd, plain])
    assert s_ssd > s_plain


def test_spreading_outweighs_a_little_free_capacity() -> None:
    rs = {"name": "web", "uid": "rs-1"}
    crowded = info_of(node("a", cpu="4"), pod("web-1", owner=rs), pod("web-2", owner=rs))
    busier = info_of(node("b", cpu="4"), pod("hog", cpu="1"))
    replica = PodFacts.of(pod("web-3", owner=rs))
    s_a, s_b = score_nodes(replica, [crowded, busier], [crowded, busier])
    assert s_b > s_a
    loner = PodFacts.of(pod("other"))  # not a replica: only the resources count
    s_a, s_b = score_nodes(loner, [crowded, busier], [crowded, busier])
    assert s_a > s_b


def test_spreading_ignores_terminating_replicas() -> None:
    rs = {"name": "web", "uid": "rs-1"}
    going = pod("web-1", owner=rs)
    going["metadata"]["deletionTimestamp"] = "2025-01-01T00:00:00Z"
    info = info_of(node("a"), going)
    assert info.owners == {} and len(info.pods) == 1
