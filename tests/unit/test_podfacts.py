"""The per-pod-version facts the replicaset controller reads (kubenb/controllers/podfacts.py)."""

from __future__ import annotations

from kubenb.api.objects import clone
from kubenb.api.selectors import from_map
from kubenb.controllers.podfacts import PodFactsCache, SelectorCache


def _pod(ready: str = "False", labels: dict[str, str] | None = None) -> dict:
    return {"kind": "Pod", "metadata": {
        "name": "p", "namespace": "default", "uid": "u1", "labels": labels or {"app": "a"},
        "ownerReferences": [{"kind": "ReplicaSet", "name": "rs", "uid": "rs1", "controller": True}]},
        "status": {"phase": "Running", "conditions": [
            {"type": "Ready", "status": ready, "lastTransitionTime": "2026-01-01T00:00:00Z"}]}}


def test_facts_hold_for_the_same_dict_and_are_read_again_for_a_new_version() -> None:
    cache = PodFactsCache()
    pod = _pod()
    first = cache.get(pod)
    assert (first.controller_uid, first.active, first.ready, first.ready_since) == (
        "rs1", True, False, None)
    assert cache.get(pod) is first
    newer = clone(pod)
    newer["status"]["conditions"][0]["status"] = "True"
    facts = cache.get(newer)
    assert facts is not first and facts.ready and facts.ready_since is not None
    newer2 = clone(newer)
    newer2["metadata"]["deletionTimestamp"] = "2026-01-01T00:01:00Z"
    assert cache.get(newer2).active is False
    cache.drop(newer2)
    assert len(cache) == 0


def test_selector_answers_follow_the_selector_and_the_labels() -> None:
    cache, selectors = PodFactsCache(), SelectorCache()
    pod = _pod()
    sel_a = selectors.get("rs1", "selector", {"app": "a"}, from_map)
    assert selectors.get("rs1", "selector", {"app": "a"}, from_map) is sel_a
    assert cache.get(pod).selected_by(sel_a)
    sel_b = selectors.get("rs1", "selector", {"app": "b"}, from_map)
    assert sel_b is not sel_a and not cache.get(pod).selected_by(sel_b)
    relabelled = clone(pod)
    relabelled["metadata"]["labels"] = {"app": "b"}
    assert cache.get(relabelled).selected_by(sel_b) and not cache.get(relabelled).selected_by(sel_a)
    selectors.drop("rs1")
    assert selectors.get("rs1", "selector", {"app": "b"}, from_map) is not sel_b
