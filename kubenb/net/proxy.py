"""kube-proxy: every Service answers real TCP on loopback, spread over its ready endpoints.

A `KubeProxy` is a cluster `Component` (kubenb/component.py), added when the runtime's pods
answer real traffic (`process`, `docker`). It runs on the control-plane loop:

  watches   Services, Endpoints, Nodes and Pods (terminating ones only matter) (`to_loop`:
            handlers run on the loop, in order);
  computes  per Service the `PortRule`s of servicetable.py, at once on every change — a
            rule's `Balancer` is updated in place, so the very next connection already
            follows new endpoints (connections in flight keep their backend);
  listens   (relay.py `Listener`s) on ClusterIP:port for every Service port and, for
            NodePort/LoadBalancer Services, on NodeIP:nodePort of every live node — but only
            while the port has a usable endpoint: with none, nothing listens and clients get
            "connection refused", which is what kube-proxy's REJECT rule gives them;
  writes    `<state_dir>/hosts` (Service names → ClusterIPs, for the pods' shims), replaced
            atomically when it changes.

Listeners are opened and closed by one reconcile task (binding is asynchronous), re-run
whenever the wanted set changes. `node_down(name)` closes that node's NodePort listeners and
cuts their connections (a dead node's kube-proxy is dead); `node_up` reopens them. `stop()`
closes every listener and connection and removes the hosts file. The `healthCheckNodePort`
of a Service answers on every live node (healthcheck.py).

Traffic follows the iptables mode. Each connection goes to one endpoint drawn at random
(`sessionAffinity: ClientIP`: the client's last endpoint while it returns within
`timeoutSeconds`), and is never retried elsewhere: an endpoint whose pod stopped refuses
(reset), and one on a dead node — still listed until the node controller marks its pod not
ready and the endpoints controller moves it to `notReadyAddresses` — swallows the
connection, which the client sees time out (relay.py's drop). Serving terminating pods (the
Pod watch) take traffic only when no endpoint is ready. `externalTrafficPolicy: Local`:
a NodePort reaches only its node's endpoints and drops traffic on a node without one;
`internalTrafficPolicy: Local`: the ClusterIP likewise, from the client's node (`origin`).
Drops need a listener: a port listens while its Service has any usable endpoint anywhere.
NetworkPolicy ingress (the Pod, Namespace and NetworkPolicy watches feed netpol.py's
`PolicyView`): a connection whose chosen backend pod does not admit the client — a pod by its
source address, anything else as the node it came in by (netpol.proxied) — is dropped too.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import os
import random
import tempfile
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from kubenb.api.objects import WatchEvent
from kubenb.api.selectors import from_map
from kubenb.api.watch import Watcher, to_loop
from kubenb.net.balancer import Balancer, node_of
from kubenb.net.healthcheck import Count, HealthChecks, HealthKey, wanted_health
from kubenb.net.netpol import PolicyView, proxied
from kubenb.net.relay import Connections, Listener
from kubenb.net.servicetable import (
    PortRule,
    hosts_text,
    service_rules,
)

if TYPE_CHECKING:
    from kubenb.component import ComponentHost

log = logging.getLogger("kubenb.net.proxy")

ListenerKey = tuple[str, str, int]  # ("cluster", ip, port) or ("node", node name, nodePort)
CONTROL_PLANE_LABEL = "node-role.kubernetes.io/control-plane"
RETRY_BIND = 2.0  # seconds before a listener that could not bind is tried again


class KubeProxy:
    """The cluster's kube-proxy (see the module docstring)."""

    def __init__(self, rng: random.Random | None = None) -> None:
        self.rng = rng or random.Random()  # iptables' random choice; seeded by tests
        self.host: ComponentHost | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.services: dict[str, dict[str, Any]] = {}  # ns/name -> Service
        self.endpoints: dict[str, dict[str, Any]] = {}  # ns/name -> Endpoints
        self.nodes: dict[str, str] = {}  # node name -> InternalIP
        self.pod_cidrs: dict[str, Any] = {}  # node name -> its spec.podCIDR network
        self.terminating: dict[str, dict[str, Any]] = {}  # ns/name -> Pod being deleted
        self.control_plane: str | None = None
        self.down: set[str] = set()
        self.rules: dict[str, list[PortRule]] = {}  # ns/name -> rules
        self.balancers: dict[str, Balancer] = {}  # rule key -> balancer
        self.listeners: dict[ListenerKey, Listener] = {}
        self.connections = Connections()
        self.health = HealthChecks()
        self.policy = PolicyView()  # NetworkPolicy ingress, enforced per connection (netpol.py)
        self.hosts_path = ""
        self._hosts_written: str | None = None
        self._watches: list[Watcher] = []
        self._dirty = False
        self._task: asyncio.Task[None] | None = None
        self._retry: asyncio.TimerHandle | None = None
        self._failed: set[ListenerKey] = set()
        self.running = False

    # ---- Component ---------------------------------------------------------------------

    def start(self, host: ComponentHost) -> None:
        self.host = host
        self.hosts_path = os.path.join(host.state_dir, "hosts")
        host.call(self._astart())

    def stop(self) -> None:
        if self.host is not None and self.running:
            self.host.call(self._astop())

    def node_down(self, name: str) -> None:
        if self.host is not None and self.running:
            self.host.call(self._anode(name, up=False))

    def node_up(self, name: str) -> None:
        if self.host is not None and self.running:
            self.host.call(self._anode(name, up=True))

    # ---- on the loop -------------------------------------------------------------------

    async def _astart(self) -> None:
        assert self.host is not None
        self.loop = asyncio.get_running_loop()
        self.running = True
        self.services.clear()
        self.endpoints.clear()
        self.nodes.clear()
        self.pod_cidrs.clear()
        self.terminating.clear()
        self.rules.clear()
        self.balancers.clear()
        self.connections = Connections()  # the last stop cut the old ones for good
        self._hosts_written = None
        self.policy = PolicyView()
        store = self.host.store
        for kind in ("Node", "Service", "Endpoints", "Pod", "Namespace", "NetworkPolicy"):
            self._watches.append(store.watch(kind, to_loop(self.loop, self._on_event), initial=True))
        self._write_hosts()
        self._kick()
        await self._settle()

    async def _settle(self) -> None:
        """Wait until the listeners match what is wanted (start and tests want that)."""
        while self._task is not None and not self._task.done():
            await asyncio.shield(self._task)

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
        for listener in self.listeners.values():
            listener.close()
        self.listeners.clear()
        self.health.close()
        self.connections.abort_all()
        try:
            os.unlink(self.hosts_path)
        except OSError:
            pass
        self._hosts_written = None
        await asyncio.sleep(0)  # let the aborted transports run their close callbacks

    async def _anode(self, name: str, up: bool) -> None:
        if up:
            self.down.discard(name)
        else:
            self.down.add(name)
            for key, listener in list(self.listeners.items()):
                if key[0] == "node" and key[1] == name:
                    listener.close()
                    listener.abort_connections()
                    del self.listeners[key]
            self.health.close_node(name)
        self._kick()
        await self._settle()
        await asyncio.sleep(0)

    def _on_event(self, event: WatchEvent) -> None:
        if not self.running:
            return
        obj = event["object"]
        kind, meta = obj["kind"], obj["metadata"]
        deleted = event["type"] == "DELETED"
        if kind == "Node":
            self._on_node(obj, deleted)
            return
        key = f"{meta.get('namespace', '')}/{meta['name']}"
        if kind in ("Pod", "Namespace", "NetworkPolicy"):
            self.policy.apply(obj, deleted)
            if kind != "Pod":
                return
        if kind == "Pod":
            self._on_pod(key, obj, deleted)
            return
        table = self.services if kind == "Service" else self.endpoints
        if deleted:
            table.pop(key, None)
        else:
            table[key] = obj
        self._update_rules(key)
        if kind == "Service":
            self._write_hosts()

    def _on_node(self, node: dict[str, Any], deleted: bool) -> None:
        name = node["metadata"]["name"]
        ip = _internal_ip(node)
        self.pod_cidrs.pop(name, None)
        if deleted or ip is None:
            self.nodes.pop(name, None)
        else:
            self.nodes[name] = ip
            if CONTROL_PLANE_LABEL in (node["metadata"].get("labels") or {}):
                self.control_plane = name
            cidr = (node.get("spec") or {}).get("podCIDR")
            if cidr:
                self.pod_cidrs[name] = ipaddress.ip_network(cidr, strict=False)
        self._kick()

    def _on_pod(self, key: str, pod: dict[str, Any], deleted: bool) -> None:
        """Terminating pods are what the Endpoints leave out and EndpointSlices keep."""
        was = self.terminating.pop(key, None)
        if not deleted and pod["metadata"].get("deletionTimestamp"):
            self.terminating[key] = pod
        elif was is None:
            return
        ns = pod["metadata"].get("namespace", "")
        labels = [pod["metadata"].get("labels"), (was or pod)["metadata"].get("labels")]
        for svc_key, svc in list(self.services.items()):
            selector = from_map((svc.get("spec") or {}).get("selector"))
            if svc_key.startswith(ns + "/") and any(selector.matches(x) for x in labels):
                self._update_rules(svc_key)

    def _update_rules(self, key: str) -> None:
        svc = self.services.get(key)
        old = {r.key for r in self.rules.get(key, [])}
        rules: list[PortRule] = []
        if svc is not None:
            ns = key.split("/", 1)[0] + "/"
            dying = [p for k, p in self.terminating.items() if k.startswith(ns)]
            rules = service_rules(svc, self.endpoints.get(key), dying)
        if rules:
            self.rules[key] = rules
        else:
            self.rules.pop(key, None)
        assert self.loop is not None
        for rule in rules:
            balancer = self.balancers.get(rule.key)
            if balancer is None:
                self.balancers[rule.key] = Balancer(rule, self.loop.time, self.rng)
            else:
                balancer.update(rule)  # new connections follow at once
            old.discard(rule.key)
        for gone in old:
            self.balancers.pop(gone, None)
        self._kick()

    # ---- listeners ---------------------------------------------------------------------

    def wanted(self) -> dict[ListenerKey, tuple[str, int, Balancer, str | None]]:
        """Every address that should listen now → (ip, port, balancer, node or None)."""
        out: dict[ListenerKey, tuple[str, int, Balancer, str | None]] = {}
        for rules in self.rules.values():
            for rule in rules:
                balancer = self.balancers[rule.key]
                if not rule.has_endpoints:
                    continue  # REJECT: nothing listens, the client is refused
                if rule.cluster_ip is not None:
                    out[("cluster", rule.cluster_ip, rule.port)] = (
                        rule.cluster_ip, rule.port, balancer, None)
                if rule.node_port is None:
                    continue
                for node, ip in self.nodes.items():
                    if node not in self.down:
                        out[("node", node, rule.node_port)] = (ip, rule.node_port, balancer, node)
        return out

    def _kick(self) -> None:
        if not self.running or self.loop is None:
            return
        self._dirty = True
        if self._task is None or self._task.done():
            self._task = self.loop.create_task(self._reconcile_loop(), name="kube-proxy")

    async def _reconcile_loop(self) -> None:
        while self._dirty and self.running:
            self._dirty = False
            await self._reconcile()

    async def _reconcile(self) -> None:
        wanted = self.wanted()
        for key in [k for k in self.listeners if k not in wanted]:
            self.listeners.pop(key).close()  # refuse new connections; old ones go on
        for key, (ip, port, balancer, node) in wanted.items():
            current = self.listeners.get(key)
            if current is not None and current.host == ip:
                current.pick = self._picker(balancer, node)
                continue
            if current is not None:
                self.listeners.pop(key).close()
            listener = Listener(f"{key[0]}:{key[1]}:{key[2]}", ip, port,
                                self._picker(balancer, node), self.connections)
            try:
                await listener.start()
            except OSError as err:
                if key not in self._failed:
                    # a privileged port (kube-dns's 53) without the right to bind it is
                    # expected of an unprivileged kernel: noted, not warned about
                    privileged = isinstance(err, PermissionError) and port < 1024
                    log.log(logging.INFO if privileged else logging.WARNING,
                            "kube-proxy: cannot listen on %s:%s: %s", ip, port, err)
                self._failed.add(key)
                self._retry_later()
                continue
            if not self.running or self.wanted().get(key) is None:
                listener.close()  # things changed while binding; the next round decides
                self._dirty = True
                continue
            self._failed.discard(key)
            self.listeners[key] = listener
        await self.health.sync(self._wanted_health())

    def _wanted_health(self) -> dict[HealthKey, tuple[str, str, str, Count]]:
        live = {n: ip for n, ip in self.nodes.items() if n not in self.down}
        return wanted_health(self.services, live, self._local_ready)

    def _local_ready(self, key: str, node: str) -> Count:
        """LocalReadyEndpoints: the node's ready endpoints of the Service, over its ports."""
        return lambda: sum(b.node == node for r in self.rules.get(key, []) for b in r.backends)

    def _retry_later(self) -> None:
        if self._retry is None and self.host is not None:
            def again() -> None:
                self._retry = None
                self._kick()
            self._retry = self.host.clock.call_later(RETRY_BIND, again)

    def _picker(self, balancer: Balancer, node: str | None) -> Callable[
            [str], Sequence[tuple[str, int]] | None]:
        """What a listener asks per connection: the one backend, or None (dropped).

        `node` is the node whose NodePort took the connection (externalTrafficPolicy
        applies), None for the ClusterIP (internalTrafficPolicy applies, from the node the
        client is on). A backend on a dead node is chosen all the same — nobody has taken
        it out of the endpoints yet — and its packets vanish: the client times out."""
        def pick(client_ip: str) -> Sequence[tuple[str, int]] | None:
            rule = balancer.rule
            if not rule.has_endpoints:
                return []  # REJECT (its listener is about to close): reset, never dropped
            if node is not None:
                chosen = balancer.pick(client_ip, node, rule.local_only)
            elif rule.internal_local:
                chosen = balancer.pick(client_ip, self.origin(client_ip), True)
            else:
                chosen = balancer.pick(client_ip)
            if chosen is None or chosen.node in self.down:
                return None
            if not proxied(self.policy, client_ip, chosen.ip, chosen.port, chosen.node,
                           node or self.origin(client_ip), self.nodes):
                return None  # a NetworkPolicy leaves the client out: dropped, as by a CNI
            return [(chosen.ip, chosen.port)]
        return pick

    def origin(self, client_ip: str) -> str | None:
        """The node a client address is on (balancer.node_of)."""
        return node_of(client_ip, self.nodes, self.pod_cidrs,
                       self.control_plane or next(iter(self.nodes), None))

    # ---- hosts -------------------------------------------------------------------------

    def _write_hosts(self) -> None:
        text = hosts_text(list(self.services.values()))
        if text == self._hosts_written:
            return
        directory = os.path.dirname(self.hosts_path)
        os.makedirs(directory, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".hosts.", dir=directory)
        try:
            with os.fdopen(fd, "w") as f:
                f.write(text)
            os.chmod(tmp, 0o644)
            os.replace(tmp, self.hosts_path)
        except OSError:
            log.exception("kube-proxy: writing %s", self.hosts_path)
            try:
                os.unlink(tmp)
            except OSError:
                pass
            return
        self._hosts_written = text

    # ---- inspection (tests, benchmarks) -------------------------------------------------

    def addresses(self) -> list[tuple[str, int]]:
        """Every (ip, port) listening now, sorted."""
        return sorted((listener.host, listener.port) for listener in self.listeners.values())

    def sync(self) -> None:
        """From any thread: wait until every change seen so far is applied."""
        if self.host is not None and self.running:
            self.host.call(self._settle_all())

    async def _settle_all(self) -> None:
        await asyncio.sleep(0)  # handlers already queued on the loop run first
        await self._settle()




def _internal_ip(node: dict[str, Any]) -> str | None:
    for addr in (node.get("status") or {}).get("addresses") or []:
        if addr.get("type") == "InternalIP":
            return str(addr.get("address"))
    return None
