"""The ingress-nginx controller of minikube's ingress addon: an HTTP(S) reverse proxy.

An `IngressNginx` is a cluster `Component` (kubenb/component.py) that `minikube addons
enable ingress` adds and `disable` removes. It runs on an event loop of its own (on the
control-plane loop when it does not serve, on the sim runtime):

  watches   Ingresses, Services, Endpoints, Secrets and the addon's controller pods
            (`ingress-nginx` namespace, `app.kubernetes.io/component=controller`);
  listens   while a controller pod is Running on a live node, with asyncio protocols
            (kubenb/net/ingress_proxy.py, one per client connection), on that node's
            IP (the pod's hostPorts) and on the pod's IP (its containerPorts, which the
            `ingress-nginx-controller` NodePort Service reaches), ports 80 (http) and 443
            (https; the certificate of the Ingress TLS section naming the SNI host, from its
            Secret's `tls.crt`/`tls.key`, else ingress-nginx's self-signed "Kubernetes Ingress
            Controller Fake Certificate": kubenb/net/ingress_tls.py);
  routes    each request by host and path (kubenb/net/ingress_routes.py: a table rebuilt on
            the first request after any change, so endpoint changes apply to the very next
            request, its answers memoised per host and path) to the backend
            Service's ready endpoints, round-robin, trying the next endpoint when one refuses
            (nginx's `proxy_next_upstream error`, 3 tries, then 502) over kept-alive
            connections (kubenb/net/ingress_upstream.py); no route → nginx's 404
            page, a Service missing or without ready endpoints → nginx's 503 page, plain http
            to a TLS host → 308 to https;
  writes    `status.loadBalancer.ingress[0].ip` = the controller's node IP on every Ingress it
            serves (class `nginx`, or no class: minikube runs it with
            `--watch-ingress-without-class`), a `Sync` event ("Scheduled for sync") per new
            generation of an Ingress; on stop it clears the addresses it wrote.

`set_enabled(cluster, on)` is what `%minikube addons enable|disable ingress` does: the
addon's objects (kubenb/net/ingress_addon.py) and this component. Binding ports 80 and 443
needs root (or `net.ipv4.ip_unprivileged_port_start` ≤ 80): without
it the controller logs why and serves nothing (the API objects are unaffected).
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import ssl
import threading
from typing import TYPE_CHECKING, Any

from kubenb.api.errors import ApiError
from kubenb.api.events import EventRecorder
from kubenb.api.networking import ingress_class_name
from kubenb.api.watch import Watcher, to_loop
from kubenb.net.ingress_addon import CLASS, CONTROLLER_LABELS, NAMESPACE
from kubenb.net.ingress_proxy import ClientConn, ProxyOwner
from kubenb.net.ingress_routes import RouteTable
from kubenb.net.ingress_tls import Certificates, fake_certificate, server_context
from kubenb.net.ingress_upstream import Pool
from kubenb.net.ingress_wire import nginx_page

if TYPE_CHECKING:
    from kubenb.api.objects import WatchEvent
    from kubenb.component import ComponentHost

__all__ = ["IngressNginx", "nginx_page", "set_enabled"]
log = logging.getLogger("kubenb.net.ingress")

_SELECTOR = ",".join(f"{k}={v}" for k, v in CONTROLLER_LABELS.items())
def _serves(ing: dict[str, Any]) -> bool:
    klass = ingress_class_name(ing)
    return klass is None or klass == CLASS


class _Listener:
    """One listening socket served by asyncio (its server comes up on the loop)."""

    def __init__(self, loop: asyncio.AbstractEventLoop, sock: socket.socket, factory: Any,
                 tls: ssl.SSLContext | None) -> None:
        self.task = loop.create_task(loop.create_server(factory, sock=sock, ssl=tls, backlog=511))

    def close(self) -> None:
        if self.task.done():
            if not self.task.cancelled() and self.task.exception() is None:
                self.task.result().close()
        else:
            self.task.add_done_callback(lambda _t: self.close())


def proxy_loop() -> asyncio.AbstractEventLoop:
    """uvloop's loop when installed (its transports are C: the ratio to straight-to-pod drops
    from ~1.5× to ~1.3×), else asyncio's."""
    try:
        import uvloop
    except ImportError:
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()  # type: ignore[no-any-return]


def listen_socket(ip: str, port: int) -> socket.socket:
    """A non-blocking listening TCP socket (nginx's backlog 511; the kernel wakes the accept
    only once the client's first bytes are in)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if hasattr(socket, "TCP_DEFER_ACCEPT"):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_DEFER_ACCEPT, 1)
        sock.bind((ip, port))
        sock.listen(511)
    except OSError:
        sock.close()
        raise
    sock.setblocking(False)
    return sock


class IngressNginx(ProxyOwner):
    """The addon's controller (see the module docstring)."""

    def __init__(self, state_dir: str, *, serve: bool = True) -> None:
        """`serve`: listen at all (not on the sim runtime, whose addresses are only printed)."""
        self.serve = serve
        self.directory = os.path.join(state_dir, "ingress-nginx")
        self.cert_file, self.key_file = fake_certificate(self.directory)
        self.host: ComponentHost | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.running = False
        self.objects: dict[str, dict[str, dict[str, Any]]] = {}  # kind -> ns/name -> object
        self.down: set[str] = set()
        self.servers: dict[tuple[str, int], _Listener] = {}
        self.clients: set[ClientConn] = set()
        self.address = ""  # the node IP the controller serves on (its Ingress status address)
        self._table: RouteTable | None = None
        self._next: dict[str, int] = {}
        self._generations: dict[str, int] = {}
        self._certificates = Certificates(self.directory)
        self._watches: list[Watcher] = []
        self.pool: Pool | None = None  # type: ignore[assignment]
        self._events: EventRecorder | None = None
        self._tls_default: ssl.SSLContext | None = None
        self._thread: threading.Thread | None = None

    @property
    def pem(self) -> tuple[bytes, bytes]:
        with open(self.cert_file, "rb") as c, open(self.key_file, "rb") as k:
            return c.read(), k.read()

    # ---- Component ---------------------------------------------------------------------

    def start(self, host: ComponentHost) -> None:
        self.host = host
        if self.serve:  # a loop of its own: requests do not queue behind the control plane
            ready = threading.Event()
            self._thread = threading.Thread(target=self._run, args=(ready,), daemon=True,
                                            name=f"ingress-nginx-{host.name}")
            self._thread.start()
            ready.wait(10)
        self._call(self._astart())

    def stop(self) -> None:
        if self.host is not None and self.running:
            self._call(self._astop())
        if self._thread is not None and self.loop is not None:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(30)
            self._thread = None
            self.loop.close()
            self.loop = None

    def node_down(self, name: str) -> None:
        if self.host is not None and self.running:
            self._call(self._anode(name, False))

    def node_up(self, name: str) -> None:
        if self.host is not None and self.running:
            self._call(self._anode(name, True))

    def sync(self) -> None:
        """From any thread: wait until every change seen so far is applied."""
        if self.host is not None and self.running:
            self._call(asyncio.sleep(0))

    def _run(self, ready: threading.Event) -> None:
        self.loop = proxy_loop()
        asyncio.set_event_loop(self.loop)
        self.loop.call_soon(ready.set)
        self.loop.run_forever()

    def _call(self, coro: Any) -> Any:
        assert self.host is not None
        if self._thread is None:
            return self.host.call(coro)
        assert self.loop is not None
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(60)

    # ---- on the loop -------------------------------------------------------------------

    async def _astart(self) -> None:
        assert self.host is not None
        self.loop = asyncio.get_running_loop()
        self.running = True
        self.objects = {k: {} for k in ("Ingress", "Service", "Endpoints", "Secret", "Pod")}
        self.pool = Pool(self.loop)
        self._events = EventRecorder(self.host.store, "nginx-ingress-controller")
        self._tls_default = server_context(self.cert_file, self.key_file)
        self._tls_default.sni_callback = self._sni
        for kind in ("Service", "Endpoints", "Secret", "Ingress"):
            self._watches.append(self.host.store.watch(kind, to_loop(self.loop, self._on_event),
                                                       initial=True))
        self._watches.append(self.host.store.watch(
            "Pod", to_loop(self.loop, self._on_event), namespace=NAMESPACE, initial=True,
            label_selector=_SELECTOR))
        await asyncio.sleep(0)  # the initial events, queued on the loop, run first
        self._reconcile()

    async def _astop(self) -> None:
        self.running = False
        for w in self._watches:
            w.stop()
        self._watches.clear()
        for server in self.servers.values():
            server.close()
            await asyncio.wait([server.task])
        self.servers.clear()
        for client in list(self.clients):
            client.transport.abort()
        self.clients.clear()
        if self.pool is not None:
            self.pool.close()
        await asyncio.sleep(0)  # the transports' closing callbacks run
        self._write_status("")
        self.address = ""

    async def _anode(self, name: str, up: bool) -> None:
        (self.down.discard if up else self.down.add)(name)
        self._reconcile()
        await asyncio.sleep(0)

    def _on_event(self, event: WatchEvent) -> None:
        if not self.running:
            return
        obj = event["object"]
        kind, meta = obj["kind"], obj["metadata"]
        key = f"{meta.get('namespace', '')}/{meta['name']}"
        if event["type"] == "DELETED":
            self.objects[kind].pop(key, None)
        else:
            self.objects[kind][key] = obj
        self._table = None
        if kind in ("Pod", "Ingress"):
            self._reconcile()

    # ---- listeners and status ----------------------------------------------------------

    def _controller_pod(self) -> dict[str, Any] | None:
        for pod in self.objects["Pod"].values():
            status = pod.get("status") or {}
            if (status.get("phase") == "Running" and not pod["metadata"].get("deletionTimestamp")
                    and (pod.get("spec") or {}).get("nodeName") not in self.down
                    and status.get("hostIP")):
                return pod
        return None

    def _reconcile(self) -> None:
        pod = self._controller_pod()
        wanted: set[tuple[str, int]] = set()
        if pod is not None and self.serve:
            ips = {pod["status"]["hostIP"], (pod.get("status") or {}).get("podIP") or ""} - {""}
            wanted = {(ip, port) for ip in ips for port in (80, 443)}
        for key in [k for k in self.servers if k not in wanted]:
            self.servers.pop(key).close()
            for client in [c for c in self.clients if c.local == key]:
                client.transport.abort()
        for ip, port in sorted(wanted - set(self.servers)):
            try:
                sock = listen_socket(ip, port)
            except OSError as err:
                log.warning("ingress-nginx: cannot listen on %s:%s: %s (ports below 1024 need "
                            "root or net.ipv4.ip_unprivileged_port_start)", ip, port, err)
                continue
            scheme, tag = ("https", b"443") if port == 443 else ("http", b"80")
            assert self.loop is not None
            self.servers[(ip, port)] = _Listener(
                self.loop, sock, lambda s=scheme, t=tag, k=(ip, port): ClientConn(self, s, t, k),
                self._tls_default if port == 443 else None)
        self.address = pod["status"]["hostIP"] if pod is not None else self.address
        self._write_status(self.address)

    def _write_status(self, ip: str) -> None:
        """Every served Ingress shows `ip` (none: clear the address this controller wrote)."""
        if self.host is None:
            return
        want = {"loadBalancer": {"ingress": [{"ip": ip}]}} if ip else {"loadBalancer": {}}
        for key, ing in list(self.objects.get("Ingress", {}).items()):
            if not _serves(ing):
                continue
            gen = ing["metadata"].get("generation", 1)
            if self.running and self._generations.get(key) != gen and self._events is not None:
                self._generations[key] = gen
                self._events.event(ing, "Normal", "Sync", "Scheduled for sync")
            current = (ing.get("status") or {})
            if current == want or (not ip and not (current.get("loadBalancer") or {}).get("ingress")):
                continue
            if not ip and all(e.get("ip") != self.address for e in current["loadBalancer"]["ingress"]):
                continue
            try:
                self.host.store.update({**ing, "status": want}, subresource="status")
            except ApiError:
                pass  # changed meanwhile: the next event writes it again

    # ---- serving -----------------------------------------------------------------------

    def table(self) -> RouteTable:
        if self._table is None:
            served = [i for i in self.objects["Ingress"].values() if _serves(i)]
            self._table = RouteTable.build(served, self.objects["Service"], self.objects["Endpoints"])
        return self._table

    def pick(self, key: str, backends: tuple[tuple[str, int], ...]) -> list[tuple[str, int]]:
        """The endpoints in round-robin order, starting one further each request."""
        start = self._next.get(key, 0)
        self._next[key] = start + 1
        i = start % len(backends)
        return list(backends[i:] + backends[:i])

    # ---- TLS ---------------------------------------------------------------------------

    def _sni(self, sslobj: ssl.SSLObject, server_name: str | None, _ctx: ssl.SSLContext) -> None:
        """The certificate of the TLS section naming the SNI host; else the fake one stays."""
        found = self.table().certificate_for(server_name) if server_name else None
        secret = self.objects["Secret"].get(f"{found[0]}/{found[1]}") if found else None
        ctx = self._certificates.context_for(secret) if secret is not None else None
        if ctx is not None:
            sslobj.context = ctx


def set_enabled(cluster: Any, enabled: bool, timeout: float = 120) -> None:
    """`minikube addons enable|disable ingress` on a cluster: the addon's objects and this
    controller; enabling waits until the controller pod runs (minikube's "Verifying")."""
    from kubenb.net import ingress_addon

    existing = next((c for c in cluster.components if isinstance(c, IngressNginx)), None)
    if not enabled:
        if existing is not None:
            cluster.detach(existing)
        ingress_addon.disable(cluster.store)
        return
    if existing is None:
        existing = IngressNginx(cluster.state_dir, serve=cluster.runtime_name != "sim")
        cluster.attach(existing)
    ingress_addon.enable(cluster.store, *existing.pem)
    cluster.wait_for(lambda: any((p.get("status") or {}).get("phase") == "Running" for p in
                                 cluster.store.list("Pod", NAMESPACE, label_selector=_SELECTOR)),
                     timeout)
    existing.sync()
