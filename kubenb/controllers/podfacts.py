"""What an owner's controller reads off each of its pods, worked out once per pod version.

A ReplicaSet of 1,000 pods is reconciled every time a burst of its pods changes; each sync
walks all of them (controller.FilterActivePods, IsPodReady, the selector) as upstream's does.
The store never changes an object it handed out (a write stores a new dict), so the facts
of a pod hold for as long as the store returns the same dict: `PodFactsCache` keeps them
by pod uid beside the dict they came from and works them out again only when a newer
version arrives. Nothing here reads or writes the store; the controllers drop a pod's
entry when they see it deleted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from kubenb.api.objects import Obj, clone
from kubenb.api.pods import get_condition, is_pod_active, owner_of
from kubenb.api.selectors import Selector
from kubenb.clock import parse_time


@dataclass
class PodFacts:
    """One pod version's controller uid, activity, readiness and selector matches."""

    controller_uid: str | None
    active: bool
    ready: bool
    ready_since: datetime | None
    labels: dict[str, str]
    # the last selectors asked about and their answers, found by identity (an owner's
    # controller keeps its Selector objects while the owner's spec stays the same)
    matches: list[tuple[Selector, bool]] = field(default_factory=list)

    def selected_by(self, selector: Selector) -> bool:
        for sel, hit in self.matches:
            if sel is selector:
                return hit
        hit = selector.matches(self.labels)
        if len(self.matches) >= 4:
            del self.matches[0]
        self.matches.append((selector, hit))
        return hit


class SelectorCache:
    """Owner uid -> the Selector built from its spec, rebuilt only when that part of the
    spec changes (so PodFacts can compare selectors by identity)."""

    def __init__(self) -> None:
        self._by_uid: dict[str, dict[str, tuple[Any, Selector]]] = {}

    def get(self, uid: str, slot: str, source: Any, build: Callable[[Any], Selector]) -> Selector:
        slots = self._by_uid.setdefault(uid, {})
        hit = slots.get(slot)
        if hit is not None and hit[0] == source:
            return hit[1]
        selector = build(source)
        slots[slot] = (clone(source), selector)
        return selector

    def drop(self, uid: str) -> None:
        self._by_uid.pop(uid, None)


def pod_facts(pod: Obj) -> PodFacts:
    """The facts of `pod`, worked out now."""
    ref = owner_of(pod)
    cond = get_condition(pod, "Ready")
    ready = cond is not None and cond.get("status") == "True"
    since = parse_time(cond["lastTransitionTime"]) if ready and cond and \
        cond.get("lastTransitionTime") else None
    return PodFacts(ref.get("uid") if ref else None, is_pod_active(pod), ready, since,
                    pod["metadata"].get("labels") or {})


class PodFactsCache:
    """Pod uid -> (the pod dict the facts were read from, its facts)."""

    def __init__(self) -> None:
        self._by_uid: dict[str, tuple[Obj, PodFacts]] = {}

    def get(self, pod: Obj) -> PodFacts:
        uid = pod["metadata"].get("uid") or ""
        hit = self._by_uid.get(uid)
        if hit is not None and hit[0] is pod:
            return hit[1]
        facts = pod_facts(pod)
        if uid:
            self._by_uid[uid] = (pod, facts)
        return facts

    def drop(self, pod: Any) -> None:
        self._by_uid.pop(pod["metadata"].get("uid") or "", None)

    def __len__(self) -> int:
        return len(self._by_uid)
