from __future__ import annotations

from typing import Any

import pytest

from kubenb.api.errors import AlreadyExists, Conflict, Expired, Forbidden, NotFound
from kubenb.api.objects import WatchEvent, clone
from kubenb.api.store import Store
from kubenb.clock import VirtualClock
from tests import builders


def cm(name: str, ns: str = "default", **labels: str) -> dict[str, Any]:
    return builders.configmap(name, {"k": "v"}, namespace=ns, meta={"labels": labels})


def pod(name: str, node: str | None = None) -> dict[str, Any]:
    return builders.pod(name, namespace=None, node=node)


def deployment(name: str, replicas: int = 1) -> dict[str, Any]:
    return builders.deployment(name, replicas=replicas, namespace=None, labels={})


def test_create_fills_server_fields(store: Store, clock: VirtualClock) -> None:
    rv_before = int(store.resource_version)
    obj = store.create(cm("a"))
    meta = obj["metadata"]
    assert meta["uid"] and int(meta["resourceVersion"]) == rv_before + 1
    assert meta["creationTimestamp"] == "2025-01-06T10:00:00Z"
    assert "generation" not in meta
    d = store.create(deployment("web"))
    assert d["metadata"]["generation"] == 1
    assert d["spec"]["strategy"]["type"] == "RollingUpdate"  # defaulting ran
    assert store.get("ConfigMap", "default", "a") is obj


def test_create_twice_and_missing_namespace(store: Store) -> None:
    store.create(cm("a"))
    with pytest.raises(AlreadyExists, match='configmaps "a" already exists'):
        store.create(cm("a"))
    with pytest.raises(NotFound, match='namespaces "nope" not found'):
        store.create(cm("a", ns="nope"))
    with pytest.raises(NotFound, match='deployments.apps "x" not found'):
        store.get("Deployment", "default", "x")


def test_generate_name_is_seeded(clock: VirtualClock) -> None:
    names = []
    for _ in range(2):
        s = Store(clock, seed=7)
        s.ensure_namespaces()
        obj = s.create({"kind": "ConfigMap", "metadata": {"generateName": "web-"}})
        names.append(obj["metadata"]["name"])
    assert names[0] == names[1]
    assert names[0].startswith("web-") and len(names[0]) == len("web-") + 5


def test_list_order_and_selectors(store: Store) -> None:
    for name, ns, app in [("b", "default", "x"), ("a", "default", "y"), ("c", "kube-system", "x")]:
        store.create(cm(name, ns, app=app))
    assert [o["metadata"]["name"] for o in store.list("ConfigMap", "default")] == ["a", "b"]
    everywhere = store.list("ConfigMap")
    assert [(o["metadata"]["namespace"], o["metadata"]["name"]) for o in everywhere] == [
        ("default", "a"), ("default", "b"), ("kube-system", "c")]
    assert [o["metadata"]["name"] for o in store.list("ConfigMap", label_selector="app=x")] == ["b", "c"]
    assert [o["metadata"]["name"] for o in store.list("ConfigMap", field_selector="metadata.name=a")] == ["a"]


def test_pods_by_node_index(store: Store) -> None:
    store.create(pod("p1", "n1"))
    store.create(pod("p2", "n2"))
    store.create(pod("p3"))
    assert [p["metadata"]["name"] for p in store.list("Pod", field_selector="spec.nodeName=n1")] == ["p1"]
    store.bind("default", "p3", "n1")
    assert [p["metadata"]["name"] for p in store.list("Pod", field_selector="spec.nodeName=n1")] == ["p1", "p3"]
    with pytest.raises(Conflict, match='already assigned to node "n1"'):
        store.bind("default", "p3", "n2")


def test_stale_update_conflicts_and_noop_writes_nothing(store: Store) -> None:
    first = store.create(cm("a"))
    newer = clone(first)
    newer["data"] = {"k": "v2"}
    store.update(newer)
    stale = clone(first)
    stale["data"] = {"k": "v3"}
    with pytest.raises(Conflict, match=r'Operation cannot be fulfilled on configmaps "a": the object has been modified'):
        store.update(stale)
    current = store.get("ConfigMap", "default", "a")
    rv = store.resource_version
    assert store.update(clone(current)) is current
    assert store.resource_version == rv


def test_generation_moves_with_spec_only_and_status_is_a_subresource(store: Store) -> None:
    d = store.create(deployment("web"))
    changed = clone(d)
    changed["metadata"]["labels"] = {"x": "y"}
    changed["status"] = {"replicas": 5}  # ignored on the main resource
    d2 = store.update(changed)
    assert d2["metadata"]["generation"] == 1 and d2["status"] == {}
    scaled = clone(d2)
    scaled["spec"]["replicas"] = 3
    assert store.update(scaled)["metadata"]["generation"] == 2
    st = clone(store.get("Deployment", "default", "web"))
    st["status"] = {"replicas": 3}
    st["spec"]["replicas"] = 9  # ignored on the status subresource
    d3 = store.update(st, subresource="status")
    assert d3["status"] == {"replicas": 3} and d3["spec"]["replicas"] == 3


def test_graceful_pod_deletion(store: Store, clock: VirtualClock) -> None:
    store.create(pod("unscheduled"))
    store.delete("Pod", "default", "unscheduled")
    assert store.try_get("Pod", "default", "unscheduled") is None  # no node: immediate
    store.create(pod("p", "n1"))
    marked = store.delete("Pod", "default", "p")
    assert marked["metadata"]["deletionTimestamp"] == "2025-01-06T10:00:30Z"
    assert marked["metadata"]["deletionGracePeriodSeconds"] == 30
    assert store.get("Pod", "default", "p") is marked
    store.delete("Pod", "default", "p", grace_period_seconds=0)  # what the kubelet does
    assert store.try_get("Pod", "default", "p") is None


def test_finalizers_hold_deletion(store: Store) -> None:
    obj = cm("a")
    obj["metadata"]["finalizers"] = ["example.com/hold"]
    store.create(obj)
    held = store.delete("ConfigMap", "default", "a")
    assert held["metadata"]["deletionTimestamp"]
    more = clone(held)
    more["metadata"]["finalizers"].append("example.com/another")
    with pytest.raises(Forbidden, match="no new finalizers"):
        store.update(more)
    done = clone(held)
    done["metadata"]["finalizers"] = []
    store.update(done)
    assert store.try_get("ConfigMap", "default", "a") is None


def test_propagation_policies_add_finalizers(store: Store) -> None:
    store.create(deployment("fg"))
    store.create(deployment("orph"))
    store.create(deployment("bg"))
    fg = store.delete("Deployment", "default", "fg", propagation="Foreground")
    assert fg["metadata"]["finalizers"] == ["foregroundDeletion"]
    orph = store.delete("Deployment", "default", "orph", propagation="Orphan")
    assert orph["metadata"]["finalizers"] == ["orphan"]
    store.delete("Deployment", "default", "bg", propagation="Background")
    assert store.try_get("Deployment", "default", "bg") is None


def test_watch_resume_delivers_exactly_the_missed_events(store: Store) -> None:
    store.create(cm("a"))
    mark = store.resource_version
    store.create(cm("b"))
    upd = clone(store.get("ConfigMap", "default", "a"))
    upd["data"] = {"k": "2"}
    store.update(upd)
    store.delete("ConfigMap", "default", "b")
    seen: list[WatchEvent] = []
    w = store.watch("ConfigMap", seen.append, resource_version=mark)
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in seen] == [
        ("ADDED", "b"), ("MODIFIED", "a"), ("DELETED", "b")]
    rvs = [int(e["object"]["metadata"]["resourceVersion"]) for e in seen]
    assert rvs == sorted(rvs) and rvs[0] > int(mark)
    store.create(cm("c"))
    assert seen[-1]["type"] == "ADDED" and seen[-1]["object"]["metadata"]["name"] == "c"
    w.stop()
    store.create(cm("d"))
    assert seen[-1]["object"]["metadata"]["name"] == "c"


def test_watch_too_old_is_expired(clock: VirtualClock) -> None:
    s = Store(clock, history=3)
    s.ensure_namespaces()
    for i in range(6):
        s.create(cm(f"c{i}"))
    with pytest.raises(Expired, match="too old resource version"):
        s.watch("ConfigMap", lambda e: None, resource_version="1")


def test_watch_with_selector_sees_objects_enter_and_leave(store: Store) -> None:
    seen: list[tuple[str, str]] = []
    store.watch("ConfigMap", lambda e: seen.append((e["type"], e["object"]["metadata"]["name"])),
                label_selector="app=x")
    obj = store.create(cm("a", app="y"))
    moved = clone(obj)
    moved["metadata"]["labels"] = {"app": "x"}
    obj = store.update(moved)
    away = clone(obj)
    away["metadata"]["labels"] = {"app": "z"}
    store.update(away)
    assert seen == [("ADDED", "a"), ("DELETED", "a")]


def test_watch_initial_events(store: Store) -> None:
    store.create(cm("a"))
    seen: list[WatchEvent] = []
    store.watch("ConfigMap", seen.append, namespace="default", initial=True)
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in seen] == [("ADDED", "a")]


def test_terminating_namespace_refuses_new_content(store: Store) -> None:
    store.create({"kind": "Namespace", "metadata": {"name": "tmp"}})
    ns = store.delete("Namespace", None, "tmp")
    assert ns["status"]["phase"] == "Terminating"
    with pytest.raises(Forbidden, match="because it is being terminated"):
        store.create(cm("a", ns="tmp"))
