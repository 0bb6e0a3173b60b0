"""`kubectl port-forward` sessions: local loopback ports relayed to one pod's IP and port.

A `PortForwards` is a cluster `Component` (added next to kube-proxy when pods answer real
TCP). `open(namespace, pod, pod_ip, ports, addresses)` binds every local address/port
(relay.py `Listener`s on the control-plane loop, so the calling notebook cell returns at
once) and relays each connection to `pod_ip:remote`. A session ends when `close_all()`
(`kubectl port-forward --stop`) or the cluster stops, or when its pod is deleted (kubectl
exits with "lost connection to pod" then). Accepted connections are logged, never printed:
background threads do not write to cells.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import socket
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kubenb.api.objects import WatchEvent
from kubenb.api.watch import Watcher, to_loop
from kubenb.component import ListenError
from kubenb.net.relay import Connections, Listener

if TYPE_CHECKING:
    from kubenb.component import ComponentHost

log = logging.getLogger("kubenb.net.portforward")


@dataclass
class Forward:
    """One `kubectl port-forward` invocation."""

    id: int
    namespace: str
    pod: str
    uid: str
    listeners: list[tuple[Listener, int]] = field(default_factory=list)  # with remote port
    connections: Connections = field(default_factory=Connections)
    watch: Watcher | None = None

    def lines(self) -> list[str]:
        """kubectl's `Forwarding from ADDR:LOCAL -> REMOTE` lines."""
        out = []
        for listener, remote in self.listeners:
            host = f"[{listener.host}]" if ":" in listener.host else listener.host
            out.append(f"Forwarding from {host}:{listener.port} -> {remote}")
        return out


def ipv6_loopback_available() -> bool:
    """Whether ::1 can be bound here (kubectl prints the `[::1]` line only then)."""
    if not socket.has_ipv6:
        return False
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


def resolve_addresses(addresses: list[str]) -> list[str]:
    """`localhost` → 127.0.0.1 and ::1 (when bindable); other values as given."""
    out: list[str] = []
    for a in addresses:
        hosts = (["127.0.0.1"] + (["::1"] if ipv6_loopback_available() else [])
                 if a == "localhost" else [a])
        out += [h for h in hosts if h not in out]
    return out


class PortForwards:
    """Every port-forward session of one cluster."""

    def __init__(self) -> None:
        self.host: ComponentHost | None = None
        self.forwards: dict[int, Forward] = {}
        self._ids = itertools.count(1)
        self.running = False

    # ---- Component ---------------------------------------------------------------------

    def start(self, host: ComponentHost) -> None:
        self.host = host
        self.running = True

    def stop(self) -> None:
        if self.running and self.host is not None:
            self.host.call(self._close_all())
        self.running = False

    def node_down(self, name: str) -> None:
        """Connections to that node's pods fail on their own; the sessions stay."""

    def node_up(self, name: str) -> None:
        """Nothing to reopen."""

    # ---- sessions ----------------------------------------------------------------------

    def open(self, namespace: str, pod: str, uid: str, pod_ip: str,
             ports: list[tuple[int, int]], addresses: list[str]) -> list[str]:
        """Start forwarding `(local, remote)` ports; returns kubectl's Forwarding lines.

        Raises ListenError when a port cannot be bound on any address."""
        assert self.host is not None
        return self.host.call(self._open(namespace, pod, uid, pod_ip, ports, addresses))

    def close_all(self) -> int:
        """Stop every session; returns how many there were."""
        if self.host is None or not self.running:
            return 0
        return self.host.call(self._close_all())

    async def _open(self, namespace: str, pod: str, uid: str, pod_ip: str,
                    ports: list[tuple[int, int]], addresses: list[str]) -> list[str]:
        assert self.host is not None
        fw = Forward(next(self._ids), namespace, pod, uid)
        hosts = resolve_addresses(addresses)
        try:
            for local, remote in ports:
                await self._listen(fw, hosts, local, remote, pod_ip)
        except ListenError:
            self._close(fw)
            raise
        loop = asyncio.get_running_loop()
        fw.watch = self.host.store.watch(
            "Pod", to_loop(loop, lambda ev: self._on_pod(fw, ev)), namespace=namespace,
            field_selector=f"metadata.name={pod}")
        self.forwards[fw.id] = fw
        return fw.lines()

    async def _listen(self, fw: Forward, hosts: list[str], local: int, remote: int,
                      pod_ip: str) -> None:
        errors = []
        bound = 0
        for host in hosts:
            name = f"port-forward {fw.namespace}/{fw.pod} {local}->{remote}"
            listener = Listener(name, host, local, lambda _ip, r=remote: [(pod_ip, r)],
                                fw.connections,
                                on_connect=lambda _h, _p, lp=local: log.info(
                                    "Handling connection for %s", lp))
            try:
                await listener.start()
            except OSError as err:
                proto = "tcp6" if ":" in host else "tcp4"
                shown = f"[{host}]" if ":" in host else host
                errors.append(f"unable to create listener: Error listen {proto} {shown}:{local}: "
                              f"bind: {_go_errno(err)}")
                continue
            local = listener.port  # a random local port is shared by every address
            fw.listeners.append((listener, remote))
            bound += 1
        if not bound:
            raise ListenError(f"Unable to listen on port {local}: Listeners failed to create with "
                              f"the following errors: [{' '.join(errors)}]\n"
                              f"error: unable to listen on any of the requested ports: "
                              f"[{{{local} {remote}}}]")

    def _on_pod(self, fw: Forward, event: WatchEvent) -> None:
        obj = event["object"]
        if event["type"] == "DELETED" or obj["metadata"].get("uid") != fw.uid:
            log.warning("port-forward %s/%s: lost connection to pod", fw.namespace, fw.pod)
            self.forwards.pop(fw.id, None)
            self._close(fw)

    def _close(self, fw: Forward) -> None:
        if fw.watch is not None:
            fw.watch.stop()
        for listener, _ in fw.listeners:
            listener.close()
        fw.connections.abort_all()

    async def _close_all(self) -> int:
        n = len(self.forwards)
        for fw in list(self.forwards.values()):
            self._close(fw)
        self.forwards.clear()
        await asyncio.sleep(0)  # let aborted transports run their close callbacks
        return n


def _go_errno(err: OSError) -> str:
    """Go's text for a bind error (`address already in use`, …)."""
    text = (err.strerror or str(err)).lower()
    return text
