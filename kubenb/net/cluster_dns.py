"""CoreDNS as it runs in kubenb: the cluster's DNS server, behind the `kube-dns` Service.

A `ClusterDns` is a cluster `Component` (kubenb/component.py), added with kube-proxy when
the runtime's pods answer real traffic. On the control-plane loop it

  watches   Services and Endpoints (`to_loop`, initial list first) into `DnsRecords`
            (dns_records.py), so every answer follows the API objects as they change;
  listens   (dns_server.py) where CoreDNS is reached on a cluster: UDP and TCP port 53 on
            the address of each ready endpoint of `kube-system/kube-dns` (the coredns pods'
            IPs, when on loopback: kube-proxy relays the ClusterIP's TCP port 53 there), and UDP port 53 on the
            kube-dns ClusterIP itself, which kube-proxy (TCP only) leaves to it — all only
            while kube-dns has a ready endpoint, as without one a real cluster's DNS
            Service answers nothing. Addresses from `extra()` (the docker runtime's bridge
            gateway: what its containers' resolv.conf names) listen on both always;
  writes    `<state_dir>/dns`: `IP PORT` of the ClusterIP's UDP socket — the pods' own
            resolver (kubenb/apps/pysite/kubenb_names.py) reads it. Where port 53 cannot be
            bound (no root, `net.ipv4.ip_unprivileged_port_start` above 53) that socket gets
            a free port instead and this file is how pods still find it.

`stop()` closes every socket and connection and removes the file; nothing else runs (no
thread of its own).
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import os
from collections.abc import Callable
from typing import TYPE_CHECKING

from kubenb.api.objects import WatchEvent
from kubenb.api.watch import Watcher, to_loop
from kubenb.net.dns_records import DnsRecords, cluster_ips, ready_addresses
from kubenb.net.dns_server import Address, DnsSockets

if TYPE_CHECKING:
    from kubenb.component import ComponentHost

log = logging.getLogger("kubenb.net.dns")

DNS_PORT = 53
RETRY_BIND = 2.0  # seconds before an address that could not be bound is tried again
DNS_SERVICE = ("kube-system", "kube-dns")


def _on_loopback(ip: str) -> bool:
    try:
        return ipaddress.ip_address(ip).is_loopback
    except ValueError:
        return False


class ClusterDns:
    """The cluster's DNS server (see the module docstring)."""

    def __init__(self, extra: Callable[[], list[str]] | None = None) -> None:
        self.extra = extra or (lambda: [])
        self.host: ComponentHost | None = None
        self.records = DnsRecords()
        self.sockets = DnsSockets(self.records.answer)
        self.state_path = ""
        self.running = False
        self._watches: list[Watcher] = []
        self._task: asyncio.Task[None] | None = None
        self._dirty = False
        self._written: str | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._retry: asyncio.TimerHandle | None = None

    # ---- Component ---------------------------------------------------------------------

    def start(self, host: ComponentHost) -> None:
        self.host = host
        self.state_path = os.path.join(host.state_dir, "dns")
        host.call(self._astart())

    def stop(self) -> None:
        if self.host is not None and self.running:
            self.host.call(self._astop())

    def node_down(self, name: str) -> None:
        pass  # the coredns pod's endpoint goes when its node is found dead

    def node_up(self, name: str) -> None:
        pass

    def refresh(self) -> None:
        """From any thread: look at `extra()` again (a runtime's address appeared)."""
        loop = self._loop
        if self.running and loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._kick)

    def sync(self) -> None:
        """From any thread: wait until every change seen so far is applied to the sockets."""
        if self.host is not None and self.running:
            self.host.call(self._settle_all())

    def address(self) -> tuple[str, int] | None:
        """Where pods send queries: the kube-dns ClusterIP and its UDP port, when listening."""
        for (proto, ip, _), port in self.sockets.bound.items():
            if proto == "udp" and ip in self._cluster_ips():
                return ip, port
        return None

    # ---- on the loop -------------------------------------------------------------------

    async def _astart(self) -> None:
        assert self.host is not None
        loop = self._loop = asyncio.get_running_loop()
        self.running = True
        self.records = DnsRecords()
        self.sockets = DnsSockets(self.records.answer)
        self._written = None
        for kind in ("Service", "Endpoints"):
            self._watches.append(self.host.store.watch(kind, to_loop(loop, self._on_event),
                                                       initial=True))
        self._kick()
        await self._settle_all()

    async def _astop(self) -> None:
        self.running = False
        for w in self._watches:
            w.stop()
        self._watches.clear()
        if self._retry is not None:
            self._retry.cancel()
            self._retry = None
        if self._task is not None and not self._task.done():
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
        self._task = None
        self.sockets.close()
        self._write_state(None)
        await asyncio.sleep(0)  # let the closed transports run their callbacks

    def _on_event(self, event: WatchEvent) -> None:
        if not self.running:
            return
        obj = event["object"]
        self.records.set_object(obj, deleted=event["type"] == "DELETED")
        if self.host is not None:
            self.records.set_serial(int(self.host.clock.now().timestamp()))
        meta = obj["metadata"]
        if (meta.get("namespace"), meta["name"]) == DNS_SERVICE:
            self._kick()

    def _cluster_ips(self) -> list[str]:
        svc = self.records.services.get(DNS_SERVICE)
        return cluster_ips(svc.get("spec") or {}) if svc is not None else []

    def wanted(self) -> set[Address]:
        out: set[Address] = set()
        endpoints = ready_addresses(self.records.endpoints.get(DNS_SERVICE))
        if endpoints:
            for ip in self._cluster_ips():
                out.add(("udp", ip, DNS_PORT))
            for addr in endpoints:
                if _on_loopback(addr["ip"]):  # (the docker runtime's pod IPs are no host's)
                    out |= {("udp", addr["ip"], DNS_PORT), ("tcp", addr["ip"], DNS_PORT)}
        for ip in self.extra():
            out |= {("udp", ip, DNS_PORT), ("tcp", ip, DNS_PORT)}
        return out

    def _kick(self) -> None:
        if not self.running:
            return
        self._dirty = True
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._reconcile_loop(),
                                                                name="cluster-dns")

    async def _reconcile_loop(self) -> None:
        while self._dirty and self.running:
            self._dirty = False
            wanted = self.wanted()
            await self.sockets.sync(wanted)
            for addr in wanted:
                if addr[0] == "udp" and addr[1] in self._cluster_ips() and isinstance(
                        self.sockets.failed.get(addr), PermissionError):
                    await self.sockets.open_one(addr, port=0)  # pods find it in the file
            found = self.address()
            self._write_state(f"{found[0]} {found[1]}\n" if found else None)
            if any(a not in self.sockets.open for a in wanted):
                self._retry_later()

    def _retry_later(self) -> None:
        """An address that could not be bound (not there yet) is tried again, as kube-proxy
        does with its listeners."""
        if self._retry is None and self.host is not None:
            def again() -> None:
                self._retry = None
                self._kick()
            self._retry = self.host.clock.call_later(RETRY_BIND, again)

    async def _settle_all(self) -> None:
        await asyncio.sleep(0)  # handlers already queued on the loop run first
        while self._task is not None and not self._task.done():
            await asyncio.shield(self._task)

    def _write_state(self, text: str | None) -> None:
        if text == self._written:
            return
        self._written = text
        try:
            if text is None:
                os.unlink(self.state_path)
                return
            os.makedirs(os.path.dirname(self.state_path), exist_ok=True)
            tmp = f"{self.state_path}.{os.getpid()}.tmp"
            with open(tmp, "w", encoding="utf-8") as f:
                f.write(text)
            os.replace(tmp, self.state_path)
        except OSError as err:
            if text is not None:
                log.warning("dns: writing %s: %s", self.state_path, err)
