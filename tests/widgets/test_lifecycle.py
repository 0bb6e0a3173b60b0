"""Coalescing, threads, and what close() leaves behind (nothing)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest

from kubenb.api.store import Store
from kubenb.client.inprocess import InProcessClient
from kubenb.clock import VirtualClock
from kubenb.cluster import Cluster
from kubenb.widgets.state import KINDS
from tests.builders import pod
from tests.conftest import Kube, run_cluster
from tests.widgets.conftest import FrontEnd, front_end, wait_until


def view_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("kubenb-view")]


def watcher_count(store: Store) -> int:
    return sum(len(ws) for ws in store._watchers.values())


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    yield from run_cluster(Cluster(clock=VirtualClock(), seed=1, nodes=2), nodes=2)


def test_a_burst_of_1000_events_collapses_into_one_delta(cluster: Cluster, view_factory: Any) -> None:
    kube, _, fe = front_end(cluster, view_factory, 1)
    kube.client.create(pod("busy"))
    for i in range(1000):  # 1,000 MODIFIED events before the loop runs again
        kube.client.patch("Pod", "default", "busy", {"metadata": {"labels": {"n": str(i)}}},
                          "merge")
    cluster.advance(0.05)
    deltas = fe.catch_up()
    assert len(deltas) == 1
    assert [r["name"] for r in deltas[0]["upsert"]["pods"]] == ["busy"]
    fe.matches_view()


def test_many_pods_at_once_take_few_messages(cluster: Cluster, view_factory: Any) -> None:
    kube, _, fe = front_end(cluster, view_factory, 1)
    kube("create deployment big --image=nginx --replicas=200")  # ~2,000 watch events
    cluster.wait_for(lambda: (cluster.store.get("Deployment", "default", "big").get("status")
                              or {}).get("availableReplicas") == 200, timeout=120)
    start = cluster.clock.t
    cluster.advance(1)
    deltas = fe.catch_up()
    assert len(fe.state["pods"]) == 200
    # at most one message per 0.1 s of cluster time (plus the first)
    assert len(deltas) <= (cluster.clock.t - start + 60) / 0.1
    assert len(deltas) < 40
    fe.matches_view()


def test_close_stops_watches_timer_and_sends_nothing_more(cluster: Cluster, comms: Any) -> None:
    from kubenb.widgets.clusterview import ClusterView

    kube = Kube(cluster)
    watchers = watcher_count(cluster.store)
    view = ClusterView(kube.client)
    comm = view.comm
    assert watcher_count(cluster.store) == watchers + len(KINDS)
    view.close()
    assert watcher_count(cluster.store) == watchers
    assert not view._timer.alive and not view_threads()
    sent = len(comm.sent)
    kube("create deployment web --image=nginx")
    cluster.advance(2)
    assert len(comm.sent) == sent
    assert all(c.closed for c in comms)
    view.close()  # twice is fine


def test_thread_feed_and_timer_with_a_plain_client(comms: Any) -> None:
    """Any client (an HTTP one too): one watch thread per kind, a flush thread; all stop."""
    from kubenb.widgets.clusterview import ClusterView

    clock = VirtualClock()
    store = Store(clock, seed=1)
    store.ensure_namespaces()
    client = InProcessClient(store)  # no kubelets: its watch blocks on a queue, in real time
    view = ClusterView(client, feed="client", watch_timeout=0.2)
    try:
        assert len([t for t in view_threads() if "watch" in t.name]) == len(KINDS)
        sent = threading.Event()
        comm = view.comm
        original = comm.send

        def spy(data: Any = None, **kw: Any) -> None:
            original(data, **kw)
            if data.get("method") == "custom":
                sent.set()

        comm.send = spy
        fe = FrontEnd(view)
        for i in range(300):
            client.create(pod(f"p{i}"))
        while True:  # wait on messages, never on time
            assert sent.wait(30), "no delta arrived"
            sent.clear()
            fe.catch_up()
            if len(fe.state["pods"]) == 300:
                break
        assert view.deltas_sent < 30
        fe.matches_view()
        flusher = view._timer.thread
        flusher.join(10)  # nothing more to flush: the flush thread ends by itself
        assert not flusher.is_alive()
    finally:
        view.close()
    assert not view_threads()
    assert watcher_count(store) == 0
    clock.loop.close()


def test_an_expired_watch_relists_without_showing_an_error(comms: Any) -> None:
    from kubenb.widgets.clusterview import ClusterView

    clock = VirtualClock()
    store = Store(clock, seed=1, history=5)  # a short log: resuming an idle watch expires
    store.ensure_namespaces()
    store.create({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n1"},
                  "status": {"allocatable": {"cpu": "2", "memory": "1Gi"}}})
    client = InProcessClient(store)
    view = ClusterView(client, feed="client", watch_timeout=0.1)
    try:
        fe = FrontEnd(view)
        for i in range(20):
            client.create(pod(f"p{i}"))
        wait_until(view, fe, lambda: len(fe.state["pods"]) == 20)
        # the Node watch has been idle for many writes; its next resume expires
        client.patch("Node", None, "n1", {"metadata": {"labels": {
            "node-role.kubernetes.io/worker": ""}}}, "merge")
        wait_until(view, fe, lambda: fe.state["nodes"]["n1"]["roles"] == ["worker"])
        assert all(u["snapshot"]["error"] is None for u in view.comm.updates()
                   if "snapshot" in u)
        fe.matches_view()
    finally:
        view.close()
    assert not view_threads()
    clock.loop.close()


def test_real_clock_cluster_deltas_arrive_from_the_control_plane_thread(comms: Any) -> None:
    from kubenb.clock import RealClock
    from kubenb.widgets.clusterview import ClusterView

    c = Cluster(clock=RealClock(), seed=1, nodes=2).start()
    try:
        c.wait_for(lambda: len(c.store.list("Node")) == 2, timeout=30)
        kube = Kube(c)
        view = ClusterView(kube.client)
        try:
            assert type(view._feed).__name__ == "StoreFeed"
            fe = FrontEnd(view)
            kube("create deployment web --image=nginx --replicas=3")
            wait_until(view, fe, lambda: sum(
                1 for r in fe.state["pods"].values() if r["state"] == "Running") == 3)
            assert fe.state["deployments"]["default/web"]["revisions"][0]["pods"] == 3
            fe.matches_view()
        finally:
            view.close()
        assert not view_threads()
    finally:
        c.stop()


def test_an_unreachable_cluster_is_shown_not_raised(comms: Any) -> None:
    from kubenb.client.base import DisconnectedClient
    from kubenb.widgets.clusterview import ClusterView

    refused = ("The connection to the server localhost:8080 was refused - did you specify "
               "the right host or port?")
    view = ClusterView(DisconnectedClient(refused), watch_timeout=0.1)
    try:
        assert view.snapshot["error"] == refused and view.snapshot["nodes"] == []
        assert "refused" in view._repr_mimebundle_()["text/html"]
    finally:
        view.close()  # wakes the threads out of their back-off
    assert not view_threads()
