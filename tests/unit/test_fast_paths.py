"""The control plane's fast paths: each must give exactly what the slow path gave, and be used.

Covered: per-second timestamp cache (objects.stamp), uid formatting, store adoption of
fresh objects, one loop callback per store write (watch.begin/end_delivery), the event-name
probe memory (events.py), the scheduler's per-node memo (cache.NodeInfo.memo), and the
remembered string checks of validation_meta.
"""

from __future__ import annotations

import random
import threading
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from kubenb.api import names, validation_meta
from kubenb.api.errors import ErrorList
from kubenb.api.events import EventRecorder
from kubenb.api.objects import stamp
from kubenb.api.store import Store
from kubenb.api.watch import to_loop
from kubenb.clock import VirtualClock, rfc3339
from kubenb.scheduler import scores
from kubenb.scheduler.cache import make_entry
from kubenb.scheduler.filters import PodFacts, filter_key, run_filters_memo
from tests.unit.test_scheduler import node, pod
from tests.unit.test_scheduler_filters import info_of

UTC = timezone.utc


@pytest.mark.parametrize("dt", [
    datetime(2025, 1, 6, 10, 0, 0, tzinfo=UTC),
    datetime(2025, 1, 6, 10, 0, 0, 999_999, tzinfo=UTC),
    datetime(2025, 1, 6, 10, 0, 1, tzinfo=UTC),
    datetime(2025, 12, 31, 23, 59, 59, 500_000, tzinfo=UTC),
    datetime(2025, 1, 6, 12, 0, 0, 1, tzinfo=timezone(timedelta(hours=2))),
])
def test_stamp_is_rfc3339_and_formats_each_second_once(dt: datetime) -> None:
    first = stamp(dt)
    assert first == rfc3339(dt)
    # same second, other microseconds: the very same string object (from the cache)
    assert stamp(dt.replace(microsecond=(dt.microsecond + 1) % 1_000_000)) is first


def test_uids_are_uuid4_strings_from_the_seeded_rng(store: Store) -> None:
    rng = random.Random(7)
    store.rng = random.Random(7)
    for _ in range(200):
        assert store._new_uid() == str(uuid.UUID(int=rng.getrandbits(128), version=4))


def test_adopt_stores_the_callers_object_without_a_copy(store: Store) -> None:
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}, "data": {"k": "v"}}
    assert store.create(cm, adopt=True) is cm
    other = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "b"}}
    assert store.create(other) is not other
    pod_obj = store.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
                            "spec": {"containers": [{"name": "c", "image": "nginx"}]}})
    status = {"phase": "Running"}
    new = store.update({"kind": "Pod", "metadata": {"name": "p"}, "status": status},
                       subresource="status", adopt=True)
    assert new["status"] is status
    assert new["spec"] is pod_obj["spec"]  # a status write shares the unchanged spec
    assert pod_obj["status"]["phase"] == "Pending"  # the old version is untouched


# ---- one loop callback per store write -----------------------------------------------


def _counting(clock: VirtualClock, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    loop = clock.loop
    real_soon, real_threadsafe = loop.call_soon, loop.call_soon_threadsafe

    def soon(*a: Any, **k: Any) -> Any:
        calls.append("soon")
        return real_soon(*a, **k)

    def threadsafe(*a: Any, **k: Any) -> Any:
        calls.append("threadsafe")
        return real_threadsafe(*a, **k)

    monkeypatch.setattr(loop, "call_soon", soon)
    monkeypatch.setattr(loop, "call_soon_threadsafe", threadsafe)
    return calls


def test_one_write_reaches_every_loop_watcher_in_one_callback(
        store: Store, clock: VirtualClock, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[str, str, str]] = []
    for tag in ("a", "b", "c"):
        store.watch("ConfigMap", to_loop(clock.loop, lambda ev, tag=tag: seen.append(
            (tag, ev["type"], ev["object"]["metadata"]["name"]))))
    calls = _counting(clock, monkeypatch)
    store.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "one"}})
    store.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "two"}})
    assert len(calls) == 2  # not 6: one callback per write
    assert seen == []  # nothing runs before the loop does
    clock.loop.run_until_complete(clock.sleep(0))
    assert seen == [("a", "ADDED", "one"), ("b", "ADDED", "one"), ("c", "ADDED", "one"),
                    ("a", "ADDED", "two"), ("b", "ADDED", "two"), ("c", "ADDED", "two")]


def test_writes_from_another_thread_wake_the_loop_once_per_write(
        store: Store, clock: VirtualClock, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []
    for _ in range(2):
        store.watch("ConfigMap", to_loop(clock.loop, lambda ev: seen.append(ev["type"])))
    calls = _counting(clock, monkeypatch)
    t = threading.Thread(target=store.create, args=(
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}},))
    t.start()
    t.join()
    assert calls == ["threadsafe"]
    clock.loop.run_until_complete(clock.sleep(0))
    assert seen == ["ADDED", "ADDED"]


def test_a_failing_handler_does_not_starve_the_others(store: Store, clock: VirtualClock) -> None:
    seen: list[str] = []
    errors: list[BaseException] = []
    clock.loop.set_exception_handler(lambda _loop, ctx: errors.append(ctx["exception"]))

    def boom(_ev: Any) -> None:
        raise ValueError("boom")

    store.watch("ConfigMap", to_loop(clock.loop, boom))
    store.watch("ConfigMap", to_loop(clock.loop, lambda ev: seen.append(ev["type"])))
    store.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}})
    clock.loop.run_until_complete(clock.sleep(0.01))
    assert seen == ["ADDED"]
    assert [str(e) for e in errors] == ["boom"]


# ---- event names: remembered probe -----------------------------------------------------


def test_a_burst_of_events_about_one_object_probes_each_name_once(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    rec = EventRecorder(store, "replicaset-controller")
    rs = {"apiVersion": "apps/v1", "kind": "ReplicaSet",
          "metadata": {"name": "web", "namespace": "default", "uid": "u1"}}
    probes = 0
    real = store.try_get

    def counting(kind: str, ns: str | None, name: str) -> Any:
        nonlocal probes
        probes += kind == "Event"
        return real(kind, ns, name)

    monkeypatch.setattr(store, "try_get", counting)
    n = 60
    for i in range(n):  # the virtual clock stands still: every event has the same nanos
        # (a reason each: ten messages of one reason would be aggregated into one Event)
        rec.event(rs, "Normal", f"Reason{i}", f"Created pod: web-{i}")
    got = sorted(e["metadata"]["name"] for e in store.list("Event"))
    nanos = int(store.clock.now().timestamp() * 1e9)
    assert got == sorted(f"web.{nanos + i:x}" for i in range(n))
    assert probes <= 2 * n  # without the memory: n * (n + 1) / 2 probes


def test_a_removed_event_frees_its_name_again(store: Store) -> None:
    rec = EventRecorder(store, "kubelet", host="node-1")
    p = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "default"}}
    for reason in ("A", "B", "C"):
        rec.event(p, "Normal", reason, reason)
    nanos = int(store.clock.now().timestamp() * 1e9)
    store.delete("Event", "default", f"p.{nanos + 1:x}")
    rec.event(p, "Normal", "D", "D")
    again = store.get("Event", "default", f"p.{nanos + 1:x}")
    assert again["reason"] == "D"  # as the plain probe would: the lowest free name


# ---- scheduler memo --------------------------------------------------------------------


def test_node_memo_scores_again_only_the_node_that_changed(monkeypatch: pytest.MonkeyPatch) -> None:
    rs = {"name": "web", "uid": "rs-1"}
    infos = [info_of(node(f"n{i}", cpu="4")) for i in range(3)]
    facts = PodFacts.of(pod("web-1", owner=rs, cpu="100m"))
    first = scores.score_nodes(facts, infos, infos)
    computed: list[str] = []
    real = scores._resource_score
    monkeypatch.setattr(scores, "_resource_score",
                        lambda f, n: computed.append(n.name) or real(f, n))
    assert scores.score_nodes(facts, infos, infos) == first
    assert computed == []  # every node answered from its memo
    template = pod("web-1", owner=rs, cpu="100m")
    bound = dict(template, metadata=dict(template["metadata"], uid="x"))
    bound["spec"] = dict(bound["spec"], nodeName="n1")
    infos[1].add(make_entry(bound))
    after = scores.score_nodes(facts, infos, infos)
    assert computed == ["n1"]
    fresh = [info_of(node(f"n{i}", cpu="4")) for i in range(3)]
    fresh[1].add(make_entry(bound))
    assert after == scores.score_nodes(facts, fresh, fresh)  # same as without any memo
    assert after[1] < after[0]


def test_filter_memo_follows_the_node(monkeypatch: pytest.MonkeyPatch) -> None:
    info = info_of(node("n", pods="1"))
    facts = PodFacts.of(pod("p"))
    key = filter_key(facts)
    assert run_filters_memo(facts, info, key) is None
    assert key in info.memo
    other = pod("q")
    other = dict(other, metadata=dict(other["metadata"], uid="q"))
    other["spec"] = dict(other["spec"], nodeName="n")
    info.add(make_entry(other))
    assert key not in info.memo
    assert run_filters_memo(facts, info, key) is not None  # now full: Too many pods


# ---- validation string checks ------------------------------------------------------------


def test_label_checks_are_remembered_and_say_the_same() -> None:
    validation_meta._label_value_errors.cache_clear()
    validation_meta._qualified_name_errors.cache_clear()
    labels = {"app": "web", "bad key!": "-bad-", "x/y": "ok"}
    for _ in range(3):
        errs = ErrorList()
        validation_meta.validate_labels(errs, labels, "metadata.labels")
        expected = ErrorList()
        for key in sorted(labels):
            for msg in names.qualified_name_errors(key):
                expected.invalid("metadata.labels", key, msg)
            for msg in names.label_value_errors(labels[key]):
                expected.invalid("metadata.labels", labels[key], msg)
        assert [str(e) for e in errs.errors] == [str(e) for e in expected.errors]
        assert errs.errors
    assert validation_meta._label_value_errors.cache_info().hits >= 6
    assert validation_meta._qualified_name_errors.cache_info().hits >= 6


# ---- endpoints: which Services select a pod ----------------------------------------------


def test_service_selectors_are_read_again_only_after_a_service_write(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    from kubenb.config import Context, Timings
    from kubenb.controllers.endpoints import EndpointsController

    ctl = EndpointsController(Context(store, store.clock, Timings(), random.Random(1)))
    store.create({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
                  "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}})
    lists: list[str] = []
    real = store.list
    monkeypatch.setattr(store, "list", lambda kind, *a, **k: lists.append(kind) or real(kind, *a, **k))
    p = {"kind": "Pod", "metadata": {"name": "p", "namespace": "default", "labels": {"app": "web"}}}
    for _ in range(3):
        assert [k.name for k in ctl._services_of_pod({"type": "ADDED", "object": p})] == ["web"]
    assert lists == ["Service"]
    store.create({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "all-web"},
                  "spec": {"selector": {"app": "web"}, "ports": [{"port": 81}]}})
    got = ctl._services_of_pod({"type": "MODIFIED", "object": p})
    assert [k.name for k in got] == ["all-web", "web"]
    assert lists == ["Service", "Service"]
