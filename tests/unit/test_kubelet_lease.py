"""The kubelet's node Lease in kube-node-lease: created at registration, renewed on the
cluster clock, taken back after another writer, and left alone once the node stops."""

from __future__ import annotations

from typing import Any

from kubenb.api.objects import clone
from kubenb.api.store import Store
from kubenb.clock import VirtualClock
from kubenb.config import Context
from kubenb.node.kubelet_lease import NodeLease
from tests.unit.test_kubelet import run


def node(store: Store, name: str = "n1") -> dict[str, Any]:
    return store.create({"apiVersion": "v1", "kind": "Node", "metadata": {"name": name}})


def lease(store: Store, name: str = "n1") -> dict[str, Any]:
    return store.get("Lease", "kube-node-lease", name)


def test_lease_is_the_nodes_with_holder_duration_and_owner(store: Store, ctx: Context) -> None:
    uid = node(store)["metadata"]["uid"]
    NodeLease(ctx, "n1").renew()
    got = lease(store)
    assert got["apiVersion"] == "coordination.k8s.io/v1"
    assert got["metadata"]["ownerReferences"] == [
        {"apiVersion": "v1", "kind": "Node", "name": "n1", "uid": uid}]
    assert got["spec"] == {"holderIdentity": "n1", "leaseDurationSeconds": 40,
                           "renewTime": "2025-01-06T10:00:00.000000Z"}


def test_renewals_follow_the_timing_and_stop_with_the_kubelet(
        store: Store, clock: VirtualClock, ctx: Context) -> None:
    node(store)
    ctx.timings = ctx.timings.with_(node_lease_renew=3.0)  # its own timer
    nl = NodeLease(ctx, "n1")
    nl.renew()
    nl.start()
    run(clock, 3.5)
    assert lease(store)["spec"]["renewTime"] == "2025-01-06T10:00:03.000000Z"
    run(clock, 3)
    assert lease(store)["spec"]["renewTime"] == "2025-01-06T10:00:06.000000Z"
    nl.stop()
    rv = lease(store)["metadata"]["resourceVersion"]
    run(clock, 30)
    assert lease(store)["metadata"]["resourceVersion"] == rv


def test_a_lease_changed_by_someone_else_is_taken_back(store: Store, clock: VirtualClock,
                                                       ctx: Context) -> None:
    node(store)
    nl = NodeLease(ctx, "n1")
    nl.renew()
    other = clone(lease(store))
    other["spec"]["holderIdentity"] = "intruder"
    store.update(other)
    clock.advance(2)
    nl.renew()  # conflict on the remembered version: read again, take over
    assert lease(store)["spec"]["holderIdentity"] == "n1"
    assert lease(store)["spec"]["renewTime"] == "2025-01-06T10:00:02.000000Z"
    store.delete("Lease", "kube-node-lease", "n1")
    nl.renew()  # gone: created again
    assert lease(store)["spec"]["holderIdentity"] == "n1"


def test_lease_times_are_stored_as_utc_micro_times(store: Store) -> None:
    created = store.create({"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
                            "metadata": {"name": "elect", "namespace": "default"},
                            "spec": {"holderIdentity": "a",
                                     "acquireTime": "2025-01-06T12:00:00.5+02:00",
                                     "renewTime": "2025-01-06T10:00:01.000000Z"}})
    assert created["spec"]["acquireTime"] == "2025-01-06T10:00:00.500000Z"
    assert created["spec"]["renewTime"] == "2025-01-06T10:00:01.000000Z"
