from __future__ import annotations

from kubenb.api.events import EventRecorder
from kubenb.api.store import Store
from kubenb.clock import VirtualClock
from tests import builders


def node(store: Store) -> dict:
    return store.create(builders.node("minikube"))


def test_event_shape(store: Store) -> None:
    n = node(store)
    EventRecorder(store, "node-controller").event(n, "Normal", "RegisteredNode",
                                                   "Node minikube event: Registered Node minikube in Controller")
    (ev,) = store.list("Event", "default")
    assert ev["metadata"]["name"].startswith("minikube.")
    int(ev["metadata"]["name"].split(".", 1)[1], 16)  # <name>.<hex nanos>
    assert ev["involvedObject"] == {"kind": "Node", "name": "minikube", "uid": n["metadata"]["uid"],
                                    "apiVersion": "v1",
                                    "resourceVersion": n["metadata"]["resourceVersion"]}
    assert ev["source"] == {"component": "node-controller"}
    assert (ev["count"], ev["type"], ev["reason"]) == (1, "Normal", "RegisteredNode")
    assert ev["firstTimestamp"] == ev["lastTimestamp"] == "2025-01-06T10:00:00Z"


def test_repeated_events_aggregate(store: Store, clock: VirtualClock) -> None:
    n = node(store)
    rec = EventRecorder(store, "kubelet", host="minikube")
    rec.event(n, "Warning", "BackOff", "Back-off pulling image", field_path="spec.containers{c}")
    clock.advance(42)
    rec.event(n, "Warning", "BackOff", "Back-off pulling image", field_path="spec.containers{c}")
    rec.event(n, "Warning", "BackOff", "something else")
    evs = store.list("Event", "default")
    assert len(evs) == 2
    agg = next(e for e in evs if e["message"] == "Back-off pulling image")
    assert agg["count"] == 2
    assert agg["firstTimestamp"] == "2025-01-06T10:00:00Z"
    assert agg["lastTimestamp"] == "2025-01-06T10:00:42Z"
    assert agg["involvedObject"]["fieldPath"] == "spec.containers{c}"
    assert agg["source"] == {"component": "kubelet", "host": "minikube"}
