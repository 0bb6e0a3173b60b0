"""A protocol-speaking stand-in for `kubenb.widgets.ClusterView`, for front-end benchmarks.

It sends exactly the messages of labextension/PROTOCOL.md from synthetic records (seeded, no
cluster behind them), so a browser test can measure the front end alone: a snapshot of any
size, coalesced deltas of a chosen number of changes, a skipped `seq` to force a resync.
Actions are answered with `ok: false` (there is no cluster to act on).
"""

from __future__ import annotations

import random
from typing import Any

import ipywidgets as widgets
from traitlets import Dict, Unicode

MODULE, VERSION = "kubenb-clusterview", "^0.1.0"
T0 = "2026-11-26T19:40:00Z"
STATES = ["Running"] * 8 + ["ContainerCreating", "CrashLoopBackOff"]


class ProtocolWidget(widgets.DOMWidget):
    """`nodes` nodes, `pods` pods in `deployments` deployments; `aggregate=True` sends the
    aggregated form (per-node state counts, PROTOCOL.md §6)."""

    _model_name = Unicode("ClusterViewModel").tag(sync=True)
    _model_module = Unicode(MODULE).tag(sync=True)
    _model_module_version = Unicode(VERSION).tag(sync=True)
    _view_name = Unicode("ClusterViewView").tag(sync=True)
    _view_module = Unicode(MODULE).tag(sync=True)
    _view_module_version = Unicode(VERSION).tag(sync=True)
    snapshot = Dict().tag(sync=True)
    options = Dict().tag(sync=True)
    theme_hint = Unicode("auto").tag(sync=True)

    def __init__(self, nodes: int = 100, pods: int = 1000, deployments: int = 10,
                 aggregate: bool = False, seed: int = 1, **kwargs: Any) -> None:
        self.rng = random.Random(seed)
        self.aggregate = aggregate
        self.seq = 1
        self.generation = 0
        self.resyncs = 0
        self.nodes = {f"node-{i:03d}": self._node(f"node-{i:03d}") for i in range(nodes)}
        self.deployments = [f"app-{i}" for i in range(deployments)]
        self.pods: dict[str, dict[str, Any]] = {}
        for i in range(pods):
            p = self._pod(i)
            self.pods[p["uid"]] = p
        super().__init__(snapshot=self._snapshot(), options={
            "namespace": None, "selector": None, "aggregate_above": 2000}, **kwargs)
        self.on_msg(self._on_msg)

    def _node(self, name: str) -> dict[str, Any]:
        return {"name": name, "roles": [], "ip": None, "ready": "Ready", "unschedulable": False,
                "cpu": {"requested": 0, "allocatable": 8000},
                "memory": {"requested": 0, "allocatable": 32 << 30}, "pods": 0}

    def _pod(self, i: int, node: str | None = None) -> dict[str, Any]:
        dep = self.deployments[i % len(self.deployments)]
        uid = f"uid-{self.generation}-{i}"
        return {"uid": uid, "name": f"{dep}-5f6c7d8e9-{self.generation}x{i:05d}",
                "namespace": "default",
                "node": node or self.rng.choice(sorted(self.nodes)), "phase": "Running",
                "state": "Running", "ready": "1/1", "restarts": 0,
                "ip": f"10.244.{i // 250}.{i % 250}", "image": "nginx:1.25",
                "owner": f"default/{dep}", "revision": "5f6c7d8e9", "created": T0, "reason": None}

    def _node_records(self) -> list[dict[str, Any]]:
        out = []
        for name, n in sorted(self.nodes.items()):
            mine = [p for p in self.pods.values() if p["node"] == name]
            rec = {**n, "pods": len(mine), "cpu": {"requested": 100 * len(mine),
                                                    "allocatable": 8000}}
            if self.aggregate:
                states: dict[str, int] = {}
                for p in mine:
                    states[p["state"]] = states.get(p["state"], 0) + 1
                rec["states"] = states
            out.append(rec)
        return out

    def _deployments(self) -> list[dict[str, Any]]:
        out = []
        for c, name in enumerate(self.deployments):
            n = sum(1 for p in self.pods.values() if p["owner"] == f"default/{name}")
            out.append({"key": f"default/{name}", "name": name, "namespace": "default",
                        "desired": n, "updated": n, "ready": n, "available": n,
                        "image": "nginx:1.25", "color": c % 10,
                        "revisions": [{"hash": "5f6c7d8e9", "revision": 1, "image": "nginx:1.25",
                                       "pods": n, "current": True}]})
        return out

    def _snapshot(self) -> dict[str, Any]:
        pods = sorted(self.pods.values(), key=lambda p: p["name"])
        return {"seq": self.seq, "time": T0, "cluster": "standin", "error": None,
                "aggregated": self.aggregate, "unscheduled": 0, "nodes": self._node_records(),
                "pods": [] if self.aggregate else pods, "deployments": self._deployments(),
                "workloads": [], "services": [], "events": []}

    def _on_msg(self, _widget: Any, content: dict[str, Any], _buffers: Any) -> None:
        if content.get("type") == "resync":
            self.resyncs += 1
            self.resend()
        elif content.get("type") == "action":
            self.send({"type": "action-started", "id": content["id"]})
            self.send({"type": "action-result", "id": content["id"], "ok": False, "output": "",
                       "error": "error: the stand-in widget has no cluster\n"})

    def resend(self) -> None:
        """A fresh snapshot with the next seq (what the kernel does on resync)."""
        self.seq += 1
        self.snapshot = self._snapshot()

    def replace_all(self) -> None:
        """Every pod replaced by a new one (new uids): the front end rebuilds every chip."""
        self.generation += 1
        n = len(self.pods)
        self.pods = {}
        for i in range(n):
            p = self._pod(i)
            self.pods[p["uid"]] = p
        self.resend()

    def churn(self, changes: int, skip_seq: bool = False) -> int:
        """One coalesced delta: `changes` pods change state, `changes // 4` are deleted and as
        many created. Returns the delta's seq."""
        uids = sorted(self.pods)
        changed = self.rng.sample(uids, min(changes, len(uids)))
        removed = changed[: changes // 4]
        upserts = []
        for uid in changed[changes // 4:]:
            p = self.pods[uid]
            p["state"] = self.rng.choice(STATES)
            p["ready"] = "1/1" if p["state"] == "Running" else "0/1"
            upserts.append(p)
        for uid in removed:
            del self.pods[uid]
        self.generation += 1
        for i in range(len(removed)):
            p = self._pod(i)
            self.pods[p["uid"]] = p
            upserts.append(p)
        self.seq += 2 if skip_seq else 1
        self.send({"type": "delta", "seq": self.seq, "time": T0,
                   "upsert": {"nodes": self._node_records(),
                              "pods": [] if self.aggregate else upserts,
                              "deployments": self._deployments(), "workloads": [],
                              "services": []},
                   "remove": {"nodes": [], "pods": [] if self.aggregate else removed,
                              "deployments": [], "workloads": [], "services": []},
                   "events": [{"uid": f"ev-{self.seq}", "time": T0, "type": "Normal",
                               "reason": "Churn", "object": "deployment/app-0",
                               "namespace": "default", "message": f"{changes} pods changed",
                               "count": 1}]})
        return self.seq
