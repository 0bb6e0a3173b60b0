"""GarbageCollector: background, foreground and orphan cascading deletion."""

from __future__ import annotations

from typing import Any

import pytest

from kubenb.api.objects import Key, key_of
from kubenb.api.store import Store
from kubenb.config import Context
from kubenb.controllers.gc import GarbageCollector


@pytest.fixture
def gc(ctx: Context) -> GarbageCollector:
    return GarbageCollector(ctx)


def ref(owner: dict[str, Any], block: bool = True, controller: bool = True) -> dict[str, Any]:
    return {"apiVersion": owner["apiVersion"], "kind": owner["kind"],
            "name": owner["metadata"]["name"], "uid": owner["metadata"]["uid"],
            "controller": controller, "blockOwnerDeletion": block}


def configmap(store: Store, name: str, *owners: dict[str, Any], block: bool = True,
              finalizers: list[str] | None = None) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name}
    if owners:
        meta["ownerReferences"] = [ref(o, block, i == 0) for i, o in enumerate(owners)]
    if finalizers:
        meta["finalizers"] = finalizers
    return store.create({"kind": "ConfigMap", "metadata": meta, "data": {}})


def exists(store: Store, name: str) -> bool:
    return store.try_get("ConfigMap", "default", name) is not None


def test_background_deletes_dependents_whose_owners_are_gone(store: Store, gc: GarbageCollector,
                                                            writes: list[Any]) -> None:
    owner = configmap(store, "owner")
    child = configmap(store, "child", owner)
    store.delete("ConfigMap", "default", "owner")
    writes.clear()
    gc.reconcile(key_of(child))
    assert writes == [("delete", "ConfigMap", "child", None)]
    assert not exists(store, "child")


def test_owner_with_same_name_but_another_uid_counts_as_gone(store: Store,
                                                             gc: GarbageCollector) -> None:
    owner = configmap(store, "owner")
    child = configmap(store, "child", owner)
    store.delete("ConfigMap", "default", "owner")
    configmap(store, "owner")  # recreated: new uid
    gc.reconcile(key_of(child))
    assert not exists(store, "child")


def test_live_owner_keeps_dependent_and_dead_refs_are_pruned(store: Store,
                                                             gc: GarbageCollector) -> None:
    alive = configmap(store, "alive")
    dead = configmap(store, "dead")
    child = configmap(store, "child", alive, dead)
    store.delete("ConfigMap", "default", "dead")
    gc.reconcile(key_of(child))
    refs = store.get("ConfigMap", "default", "child")["metadata"]["ownerReferences"]
    assert [r["name"] for r in refs] == ["alive"]


def test_object_without_owner_references_is_untouched(store: Store, gc: GarbageCollector,
                                                      writes: list[Any]) -> None:
    configmap(store, "free")
    writes.clear()
    gc.reconcile(Key("ConfigMap", "default", "free"))
    gc.reconcile(Key("ConfigMap", "default", "missing"))
    assert writes == []


def test_foreground_deletes_blocking_dependents_then_releases_owner(
        store: Store, gc: GarbageCollector, writes: list[Any]) -> None:
    owner = configmap(store, "owner")
    configmap(store, "a", owner)
    configmap(store, "b", owner, block=False)
    store.delete("ConfigMap", "default", "owner", propagation="Foreground")
    assert store.get("ConfigMap", "default", "owner")["metadata"]["finalizers"] == [
        "foregroundDeletion"]
    writes.clear()
    gc.reconcile(key_of(owner))
    assert writes == [("delete", "ConfigMap", "a", None)]
    assert exists(store, "owner")
    gc.reconcile(key_of(owner))  # no blocking dependent left: the finalizer goes
    assert not exists(store, "owner")
    gc.reconcile(Key("ConfigMap", "default", "b"))  # then the non-blocking one, in background
    assert not exists(store, "b")


def test_foreground_waits_for_a_dependent_that_is_itself_finalizing(
        store: Store, gc: GarbageCollector) -> None:
    owner = configmap(store, "owner")
    configmap(store, "slow", owner, finalizers=["example.com/hold"])
    store.delete("ConfigMap", "default", "owner", propagation="Foreground")
    gc.reconcile(key_of(owner))
    assert store.get("ConfigMap", "default", "slow")["metadata"]["deletionTimestamp"]
    gc.reconcile(key_of(owner))
    assert exists(store, "owner")  # still blocked


def test_orphan_strips_references_then_removes_finalizer(store: Store, gc: GarbageCollector,
                                                         writes: list[Any]) -> None:
    owner = configmap(store, "owner")
    other = configmap(store, "other")
    configmap(store, "a", owner)
    configmap(store, "b", owner, other)
    store.delete("ConfigMap", "default", "owner", propagation="Orphan")
    writes.clear()
    gc.reconcile(key_of(owner))
    assert sorted(writes) == [("update", "ConfigMap", "a", None), ("update", "ConfigMap", "b", None),
                              ("update", "ConfigMap", "owner", None)]
    assert not exists(store, "owner")
    assert "ownerReferences" not in store.get("ConfigMap", "default", "a")["metadata"]
    assert [r["name"] for r in store.get("ConfigMap", "default", "b")["metadata"]["ownerReferences"]
            ] == ["other"]


def test_pods_of_a_deleted_replicaset_are_deleted_gracefully(store: Store, gc: GarbageCollector,
                                                            ctx: Context) -> None:
    rs = store.create({"kind": "ReplicaSet", "metadata": {"name": "rs"}, "spec": {
        "replicas": 1, "selector": {"matchLabels": {"app": "x"}},
        "template": {"metadata": {"labels": {"app": "x"}},
                     "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}})
    pod = store.create({"kind": "Pod", "metadata": {"name": "rs-1", "labels": {"app": "x"},
                                                     "ownerReferences": [ref(rs)]},
                        "spec": {"nodeName": "minikube",
                                 "containers": [{"name": "c", "image": "nginx"}]}})
    store.delete("ReplicaSet", "default", "rs")
    keys = gc._keys({"type": "DELETED", "object": rs})
    assert key_of(pod) in keys
    gc.reconcile(key_of(pod))
    left = store.get("Pod", "default", "rs-1")  # graceful: the kubelet finishes it
    assert left["metadata"]["deletionTimestamp"]


def test_watch_keys_name_owners_of_a_changed_dependent(store: Store, gc: GarbageCollector) -> None:
    owner = configmap(store, "owner")
    child = configmap(store, "child", owner)
    keys = gc._keys({"type": "MODIFIED", "object": child})
    assert keys == [key_of(child), key_of(owner)]


def test_updates_that_leave_references_alone_queue_nothing(store: Store,
                                                           gc: GarbageCollector) -> None:
    owner = configmap(store, "owner")
    child = configmap(store, "child", owner)
    assert gc._keys({"type": "ADDED", "object": child}) == [key_of(child), key_of(owner)]
    renewed = {**child, "data": {"renewTime": "later"}}  # a heartbeat-like write
    assert gc._keys({"type": "MODIFIED", "object": renewed}) == []
    dying = {**child, "metadata": {**child["metadata"], "finalizers": ["foregroundDeletion"]}}
    assert gc._keys({"type": "MODIFIED", "object": dying}) == [key_of(child), key_of(owner)]
    orphaned = {**dying, "metadata": {**dying["metadata"], "ownerReferences": []}}
    assert gc._keys({"type": "MODIFIED", "object": orphaned}) == [key_of(child)]
