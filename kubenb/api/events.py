"""Recording Events as Kubernetes components do (client-go `record`).

An event for the same object, source, type, reason and message is not written twice: the
existing Event's `count` goes up and `lastTimestamp` moves. Names are
`<involvedObject.name>.<hex of UnixNano>`; cluster-scoped objects' events live in `default`.
When that name is taken the next nanosecond is tried; `store.event_names` remembers, per
object name, the run of nanoseconds already found taken, so a burst of events about one
object in the same instant (a ReplicaSet creating 100 pods on the virtual clock) does not
probe the whole run again each time. The memory is dropped once any Event is removed.

Similar events are aggregated as client-go's EventAggregator does: once one source has
recorded 10 different messages with the same reason about the same object within 10
minutes, each further one is written as a single Event `(combined from similar events):
<message>` whose count goes up (a ReplicaSet creating 1,000 pods leaves 9 `Created pod`
Events and one combined one, not 1,000).
"""

from __future__ import annotations

from typing import Any, Literal

from kubenb.api.errors import ApiError
from kubenb.api.objects import clone, stamp
from kubenb.api.store import Store

EventKind = Literal["Normal", "Warning"]
AGGREGATE_MAX_EVENTS = 10  # defaultAggregateMaxEvents
AGGREGATE_INTERVAL = 600.0  # defaultAggregateIntervalInSeconds
COMBINED_PREFIX = "(combined from similar events): "


def object_reference(obj: dict[str, Any], field_path: str | None = None) -> dict[str, Any]:
    meta = obj["metadata"]
    ref: dict[str, Any] = {"kind": obj["kind"]}
    if meta.get("namespace"):
        ref["namespace"] = meta["namespace"]
    ref["name"] = meta["name"]
    if meta.get("uid"):
        ref["uid"] = meta["uid"]
    ref["apiVersion"] = obj.get("apiVersion", "v1")
    if meta.get("resourceVersion"):
        ref["resourceVersion"] = meta["resourceVersion"]
    if field_path:
        ref["fieldPath"] = field_path
    return ref


class EventRecorder:
    """Writes Events for one component (`kubelet` on a host, `deployment-controller`, …)."""

    def __init__(self, store: Store, component: str, host: str | None = None) -> None:
        self.store = store
        self.component = component
        self.host = host
        self._cache = store.event_cache

    def event(
        self,
        obj: dict[str, Any],
        type: EventKind,
        reason: str,
        message: str,
        field_path: str | None = None,
    ) -> None:
        """Record (or count again) an event about `obj`. Never raises."""
        try:
            self._record(obj, type, reason, message, field_path)
        except ApiError:
            pass  # as client-go: a failed event write is dropped, never fatal

    def _record(
        self, obj: dict[str, Any], type: str, reason: str, message: str, field_path: str | None
    ) -> None:
        ref = object_reference(obj, field_path)
        ns = ref.get("namespace") or "default"
        now = self.store.clock.now()
        when = stamp(now)
        key: tuple[Any, ...] = (self.component, self.host, ref.get("uid"), ref["kind"], ref["name"],
                                ns, field_path, type, reason, message)
        if self._aggregated(key, now.timestamp()):
            key, message = (*key[:-1], None), COMBINED_PREFIX + message
        cached = self._cache.get(key)
        if cached is not None:
            existing = self.store.try_get("Event", cached[0], cached[1])
            if existing is not None:
                new = clone(existing)
                new["count"] = int(existing.get("count", 1)) + 1
                new["lastTimestamp"] = when
                new["message"] = message
                self.store.update(new)
                return
        nanos = first = int(now.timestamp() * 1e9)
        names = self.store.event_names
        removals = self.store.removals["Event"]
        taken = names.get((ns, ref["name"]))
        if taken is not None and taken[2] == removals and taken[0] <= nanos < taken[1]:
            nanos, first = taken[1], taken[0]  # [first, taken[1]) are all taken already
        name = f"{ref['name']}.{nanos:x}"
        while self.store.try_get("Event", ns, name) is not None:
            nanos += 1
            name = f"{ref['name']}.{nanos:x}"
        source: dict[str, str] = {"component": self.component}
        if self.host:
            source["host"] = self.host
        event = {
            "apiVersion": "v1",
            "kind": "Event",
            "metadata": {"name": name, "namespace": ns},
            "involvedObject": ref,
            "reason": reason,
            "message": message,
            "source": source,
            "firstTimestamp": when,
            "lastTimestamp": when,
            "count": 1,
            "type": type,
            "eventTime": None,
            "reportingComponent": self.component,
            "reportingInstance": self.host or "",
        }
        self.store.create(event, adopt=True)  # built here, never touched again
        names[(ns, ref["name"])] = (first, nanos + 1, removals)
        self._cache[key] = (ns, name)

    def _aggregated(self, key: tuple[Any, ...], now: float) -> bool:
        """EventAggregate: True once this is the 10th (or later) different message of the
        same source, object, type and reason within AGGREGATE_INTERVAL of the last one."""
        akey, message = key[:-1], key[-1]
        aggregates = self.store.event_aggregates
        seen, last = aggregates.get(akey, ({}, now))
        if now - last > AGGREGATE_INTERVAL:
            seen = {}
        seen[message] = None
        aggregates[akey] = (seen, now)
        if len(seen) < AGGREGATE_MAX_EVENTS:
            return False
        del seen[next(iter(seen))]  # the local key set grows no larger than the maximum
        return True
