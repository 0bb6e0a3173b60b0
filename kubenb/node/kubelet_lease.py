"""The kubelet's node Lease (k8s.io/component-helpers/apimachinery/lease, the kubelet's use).

Every kubelet keeps a coordination.k8s.io/v1 Lease named after its node in the
`kube-node-lease` namespace: holderIdentity = the node's name, leaseDurationSeconds 40, an
ownerReference to its Node, and `renewTime` (a MicroTime on the cluster clock) moved forward
every `ctx.timings.node_lease_renew` seconds (upstream: a quarter of the duration, 10 s).
The node lifecycle controller counts a renewal as a heartbeat. A renewal is one update of
the Lease last written (no read); a conflict or a missing Lease falls back to reading it
and, if need be, creating it again. When the renewal and status intervals are equal (the
defaults) the kubelet's heartbeat timer renews the Lease (`shares_heartbeat`) instead of a
timer of its own: a thousand sim nodes then add no timer callbacks. `stop()` ends the renewals — a stopped or killed node's
Lease goes stale, as its status does.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from kubenb.api.errors import AlreadyExists, ApiError, Conflict, NotFound
from kubenb.clock import rfc3339_micro
from kubenb.config import Context

log = logging.getLogger("kubenb.node")

NAMESPACE = "kube-node-lease"
DURATION_SECONDS = 40


class NodeLease:
    def __init__(self, ctx: Context, node_name: str) -> None:
        self.ctx = ctx
        self.name = node_name
        self._lease: dict[str, Any] | None = None  # the Lease as last written
        self._timer: asyncio.TimerHandle | None = None
        self._running = False

    @property
    def shares_heartbeat(self) -> bool:
        """Renewed by the status heartbeat's timer (`NodeAgent`), not by one of its own."""
        t = self.ctx.timings
        return t.node_lease_renew == t.node_status_update

    def start(self) -> None:
        self._running = True
        if not self.shares_heartbeat:
            self._schedule()

    def stop(self) -> None:
        self._running = False
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _schedule(self) -> None:
        if self._running:
            self._timer = self.ctx.clock.call_later(self.ctx.timings.node_lease_renew, self._fire)

    def _fire(self) -> None:
        self._timer = None
        if self._running:
            self.renew()
            self._schedule()

    def renew(self) -> None:
        """Move renewTime to now (creating the Lease when there is none)."""
        now = rfc3339_micro(self.ctx.clock.now())
        store = self.ctx.store
        try:
            if self._lease is not None:
                try:
                    self._lease = store.update(
                        {**self._lease, "spec": {**self._lease["spec"], "renewTime": now}})
                    return
                except (Conflict, NotFound):
                    self._lease = None
            current = store.try_get("Lease", NAMESPACE, self.name)
            self._lease = store.create(self._new(now)) if current is None else store.update(
                self._take_over(current, now))
        except (AlreadyExists, Conflict, NotFound):
            self._lease = None  # raced with another writer: the next renewal reads again
        except ApiError as err:
            log.warning("node %s: renewing its lease failed: %s", self.name, err)
            self._lease = None

    def _owner(self) -> list[dict[str, Any]]:
        node = self.ctx.store.try_get("Node", None, self.name)
        if node is None:
            return []
        return [{"apiVersion": "v1", "kind": "Node", "name": self.name,
                 "uid": node["metadata"]["uid"]}]

    def _new(self, now: str) -> dict[str, Any]:
        meta: dict[str, Any] = {"name": self.name, "namespace": NAMESPACE}
        owner = self._owner()
        if owner:
            meta["ownerReferences"] = owner
        return {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": meta,
                "spec": {"holderIdentity": self.name, "leaseDurationSeconds": DURATION_SECONDS,
                         "renewTime": now}}

    def _take_over(self, lease: dict[str, Any], now: str) -> dict[str, Any]:
        """An existing Lease made the kubelet's again (holder, duration, owner, renewTime)."""
        meta = dict(lease["metadata"])
        if not meta.get("ownerReferences"):
            owner = self._owner()
            if owner:
                meta["ownerReferences"] = owner
        spec = {**(lease.get("spec") or {}), "holderIdentity": self.name,
                "leaseDurationSeconds": DURATION_SECONDS, "renewTime": now}
        return {**lease, "metadata": meta, "spec": spec}
