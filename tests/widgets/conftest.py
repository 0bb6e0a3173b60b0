"""Fixtures for ClusterView tests: a mock comm that records the wire, and views on a
virtual cluster. Every comm opened must be closed by the end of the test."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import comm as comm_pkg
import pytest

from tests.conftest import Kube


class MockComm:
    """Stands in for the kernel's comm: records what the kernel sends."""

    kernel = "mock"

    def __init__(self, **kwargs: Any) -> None:
        self.comm_id = f"comm-{id(self)}"
        self.open_data = kwargs.get("data")
        self.sent: list[dict[str, Any]] = []
        self.closed = False
        self.handler: Any = None
        self.lock = threading.Lock()

    def on_msg(self, callback: Any) -> None:
        self.handler = callback

    def send(self, data: Any = None, metadata: Any = None, buffers: Any = None) -> None:
        with self.lock:
            self.sent.append(data)

    def close(self, *args: Any, **kwargs: Any) -> None:
        self.closed = True

    # ---- what a front end would do ------------------------------------------------------

    def receive(self, data: dict[str, Any]) -> None:
        self.handler({"content": {"data": data, "comm_id": self.comm_id}, "buffers": []})

    def custom(self) -> list[dict[str, Any]]:
        with self.lock:
            return [m["content"] for m in self.sent if m.get("method") == "custom"]

    def deltas(self) -> list[dict[str, Any]]:
        return [m for m in self.custom() if m["type"] == "delta"]

    def updates(self) -> list[dict[str, Any]]:
        with self.lock:
            return [m["state"] for m in self.sent if m.get("method") == "update"]


@pytest.fixture
def comms(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[MockComm]]:
    opened: list[MockComm] = []

    def create_comm(**kwargs: Any) -> MockComm:
        c = MockComm(**kwargs)
        opened.append(c)
        return c

    monkeypatch.setattr(comm_pkg, "create_comm", create_comm)
    yield opened
    leaked = [c.comm_id for c in opened if not c.closed]
    assert not leaked, f"comms left open: {leaked}"


@pytest.fixture
def view_factory(comms: list[MockComm]) -> Iterator[Any]:
    from kubenb.widgets.clusterview import ClusterView

    views: list[Any] = []

    def make(client: Any, **kw: Any) -> Any:
        v = ClusterView(client, **kw)
        views.append(v)
        return v

    yield make
    for v in views:
        v.close()


class FrontEnd:
    """What a front end holds: the last snapshot with every delta applied in seq order."""

    def __init__(self, view: Any) -> None:
        self.view = view
        self.state: dict[str, Any] = {}
        self.seq = 0
        self._seen = 0
        self.load(view.snapshot)

    def load(self, snap: dict[str, Any]) -> None:
        self.seq = snap["seq"]
        self.state = {
            "nodes": {r["name"]: r for r in snap["nodes"]},
            "pods": {r["uid"]: r for r in snap["pods"]},
            "deployments": {r["key"]: r for r in snap["deployments"]},
            "workloads": {r["key"]: r for r in snap["workloads"]},
            "services": {r["key"]: r for r in snap["services"]},
            "events": list(snap["events"]),
        }

    def catch_up(self) -> list[dict[str, Any]]:
        """Apply every message sent since the last call; returns the new deltas."""
        comm = self.view.comm
        with comm.lock:
            fresh = comm.sent[self._seen:]
            self._seen = len(comm.sent)
        deltas = []
        for msg in fresh:
            if msg.get("method") == "update" and "snapshot" in msg.get("state", {}):
                self.load(msg["state"]["snapshot"])
            elif msg.get("method") == "custom" and msg["content"]["type"] == "delta":
                d = msg["content"]
                assert d["seq"] == self.seq + 1, f"gap: {self.seq} -> {d['seq']}"
                self.seq = d["seq"]
                for wire, key in (("nodes", "name"), ("pods", "uid"), ("workloads", "key"),
                                  ("deployments", "key"), ("services", "key")):
                    for rec in d["upsert"][wire]:
                        self.state[wire][rec[key]] = rec
                    for k in d["remove"][wire]:
                        del self.state[wire][k]
                self.state["events"] = (self.state["events"] + d["events"])[-20:]
                deltas.append(d)
        return deltas

    def matches_view(self) -> None:
        """After a flush, the front end's picture equals a fresh rendering of the state."""
        self.view.flush()
        self.catch_up()
        now = self.view.current()
        for wire, key in (("nodes", "name"), ("pods", "uid"), ("deployments", "key"),
                          ("workloads", "key"), ("services", "key")):
            assert self.state[wire] == {r[key]: r for r in now[wire]}, wire


def wait_until(view: Any, fe: FrontEnd, done: Any, timeout: float = 60) -> None:
    """Apply messages as they arrive until `done()`; fails if the view falls silent."""
    arrived = threading.Event()
    original = view.comm.send

    def spy(data: Any = None, **kw: Any) -> None:
        original(data, **kw)
        arrived.set()

    view.comm.send = spy
    fe.catch_up()
    while not done():
        assert arrived.wait(timeout), "the view stopped sending"
        arrived.clear()
        fe.catch_up()


def front_end(cluster: Any, view_factory: Any, settle: float) -> tuple[Kube, Any, FrontEnd]:
    """`kubectl` on `cluster`, a view of it, and a front end caught up after `settle` seconds."""
    kube = Kube(cluster)
    view = view_factory(kube.client)
    fe = FrontEnd(view)
    cluster.advance(settle)
    fe.catch_up()
    return kube, view, fe
