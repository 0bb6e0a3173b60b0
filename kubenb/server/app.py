"""`ApiServer`: the Kubernetes API over https, on its own thread, for real clients.

A cluster `Component` (kubenb/component.py) that serves the cluster's API: it is handed
the cluster itself (`Cluster.serve_api`), since it serves everything a cluster offers — the
store, kubelets' logs and exec, the metrics addon, `/version`. `start(cluster)` makes a CA and a serving certificate (`tls`),
binds 127.0.0.1 on a free port (only loopback addresses are accepted; a restart keeps
the port when it can, and the CA and token always), and runs a tornado
HTTPServer on a thread with its own IOLoop — never the kernel's loop (`!kubectl` in a cell
blocks it) nor the control plane's. Handlers (`routes`) read and write the thread-safe
store directly and reach kubelets through the control-plane loop. Every request but
/version and the health checks needs `Authorization: Bearer <token>`. `stop()` ends open
watches and log streams, closes every connection and socket, and joins the thread.
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import logging
import secrets
import shutil
import socket
import ssl
import tempfile
import threading
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import tornado.httpserver
import tornado.netutil
import tornado.web
from tornado.httpclient import AsyncHTTPClient

from kubenb.controllers.namespace import publish_root_ca
from kubenb.server.discovery import Discovery
from kubenb.server.tls import Certs, make_certs, sign_request

if TYPE_CHECKING:
    from kubenb.api.store import Store
    from kubenb.cluster import Cluster

log = logging.getLogger("kubenb.server")
# Background threads never print: without a handler configured, Python's last-resort
# handler would write the server's (and tornado's) warnings into whichever cell is running.
for _name in ("kubenb.server", "tornado.access", "tornado.application", "tornado.general"):
    logging.getLogger(_name).addHandler(logging.NullHandler())
MAX_BODY_BYTES = 3 * 1024 * 1024  # the apiserver's limit for a request body


def loopback(host: str) -> str:
    """`host` if it is a loopback address (127.0.0.0/8, ::1; `localhost` → 127.0.0.1)."""
    if host == "localhost":
        return "127.0.0.1"
    try:
        addr = ipaddress.ip_address(host)
    except ValueError:
        raise ValueError(f"the API server binds loopback addresses only, not {host!r}") from None
    if not addr.is_loopback:
        raise ValueError(f"the API server binds loopback addresses only, not {host!r}")
    return host


def _no_access_log(handler: tornado.web.RequestHandler) -> None:
    log.debug("%d %s %.1fms", handler.get_status(), handler.request.uri,
              1000.0 * handler.request.request_time())


class ApiServer:
    """The HTTP(S) Kubernetes API of one cluster."""

    def __init__(self, cluster: Cluster | None = None, *, host: str = "127.0.0.1", port: int = 0,
                 token: str | None = None, max_body_bytes: int = MAX_BODY_BYTES,
                 bookmark_interval: float = 60.0, follow_interval: float = 1.0) -> None:
        self.host = loopback(host)
        self.port = port
        self.cluster = cluster
        self.token = token or secrets.token_urlsafe(32)
        self.max_body_bytes = max_body_bytes
        self.bookmark_interval = bookmark_interval
        self.follow_interval = follow_interval
        # open streams (watches, log follows): how to end each, and when it has ended
        self._streams: dict[asyncio.Future[None], Callable[[], None]] = {}
        self.websockets: set[Any] = set()  # open exec, attach, port-forward links; stop() closes them
        self.http_client: Any = None
        self.discovery = Discovery()
        self.certs: Certs | None = None
        self._dir: str | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: tornado.httpserver.HTTPServer | None = None
        self._sockets: list[socket.socket] = []

    # ---- what clients need ----------------------------------------------------------------

    @property
    def store(self) -> Store:
        assert self.cluster is not None, "the API server has no cluster"
        return self.cluster.store

    @property
    def running(self) -> bool:
        return self._thread is not None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"https://{host}:{self.port}"

    @property
    def ca_file(self) -> str:
        assert self.certs is not None, "the API server is not started"
        return self.certs.ca_file

    @property
    def ca_data(self) -> bytes:
        assert self.certs is not None, "the API server is not started"
        return self.certs.ca_data

    @property
    def client_cert(self) -> tuple[bytes, bytes]:
        """The admin's client certificate and key (PEM), for the kubeconfig."""
        assert self.certs is not None, "the API server is not started"
        return self.certs.client_data

    # ---- Component ----------------------------------------------------------------------

    def start(self, cluster: Any = None) -> None:
        """Serve `cluster` (the host a cluster starts its components with)."""
        if self._thread is not None:
            return
        if cluster is not None:
            self.cluster = cluster
        if self.cluster is None:
            raise ValueError("the API server needs a cluster")
        try:
            if self.certs is None:  # one CA per server: a restart keeps kubeconfigs valid
                if self._dir is None:
                    self._dir = tempfile.mkdtemp(prefix="kubenb-apiserver-")
                    weakref.finalize(self, shutil.rmtree, self._dir, True)  # gone at exit
                self.certs = make_certs(self._dir, ips=_service_ips(self.cluster))
            # the cluster's CA signs approved client-certificate requests
            self.cluster.ctx.signer = functools.partial(sign_request, self._dir)
            # and is the root CA pods trust (kube-root-ca.crt, the kube-api-access volume)
            self.cluster.ctx.root_ca = self.certs.ca_data.decode()
            publish_root_ca(self.cluster.store, self.cluster.ctx.root_ca)
            try:  # a restarted server keeps its port, so kubeconfigs stay valid
                self._sockets = tornado.netutil.bind_sockets(self.port, self.host)
            except OSError:
                if not self.port:
                    raise
                self._sockets = tornado.netutil.bind_sockets(0, self.host)
            self.port = self._sockets[0].getsockname()[1]
            self._sockets += _node_sockets(self.cluster)
            self.discovery = Discovery(self.store.registry, f"{self.host}:{self.port}")
            ready = threading.Event()
            self._thread = threading.Thread(target=self._run, args=(ready,), daemon=True,
                                            name=f"kube-apiserver:{self.port}")
            self._thread.start()
            if not ready.wait(30):
                raise RuntimeError("the API server did not start")
        except BaseException:
            self.stop()
            raise

    def open_stream(self, close: Callable[[], None]) -> asyncio.Future[None]:
        """Register a long response (on the server's loop); `close()` must make it end.
        Hand the returned future to `close_stream` once the response is finished."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._streams[done] = close
        return done

    def close_stream(self, done: asyncio.Future[None]) -> None:
        self._streams.pop(done, None)
        if not done.done():
            done.set_result(None)

    def _ssl_context(self) -> ssl.SSLContext:
        assert self.certs is not None
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(self.certs.cert_file, self.certs.key_file)
        # clients may present a certificate the cluster's CA signed (kubeconfig users do)
        ctx.load_verify_locations(self.certs.ca_file)
        ctx.verify_mode = ssl.CERT_OPTIONAL
        return ctx

    def _run(self, ready: threading.Event) -> None:
        from kubenb.server.routes import routes

        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        self._loop = loop

        async def setup() -> None:
            self.http_client = AsyncHTTPClient(force_instance=True)
            app = tornado.web.Application(routes(self), log_function=_no_access_log)
            self._server = tornado.httpserver.HTTPServer(
                app, ssl_options=self._ssl_context(), max_body_size=64 * 1024 * 1024,
                idle_connection_timeout=3600)
            self._server.add_sockets(self._sockets)

        try:
            loop.run_until_complete(setup())
            loop.call_soon(ready.set)
            loop.run_forever()
        finally:
            pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
            for t in pending:
                t.cancel()
            if pending:
                loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    async def _shutdown(self) -> None:
        if self._server is not None:
            self._server.stop()  # no new connections; closes the listening sockets
        streams = list(self._streams.items())
        for _, close in streams:
            close()
        if streams:  # let each write its last chunk before the connections close
            await asyncio.wait([done for done, _ in streams], timeout=5)
        if self._server is not None:
            await self._server.close_all_connections()
        for ws in list(self.websockets):
            ws.close()
        if self.http_client is not None:
            self.http_client.close()

    def stop(self) -> None:
        thread, loop = self._thread, self._loop
        if thread is not None and loop is not None:
            try:
                fut = asyncio.run_coroutine_threadsafe(self._shutdown(), loop)
                fut.result(15)
            except Exception:  # noqa: BLE001 - stop the loop regardless
                log.exception("API server shutdown")
            loop.call_soon_threadsafe(loop.stop)
            thread.join(15)
        self._thread = self._loop = self._server = None
        for s in self._sockets:
            s.close()
        self._sockets = []

    def node_down(self, name: str) -> None:
        pass  # the API server runs on the host, not on a node

    def node_up(self, name: str) -> None:
        pass

    def __repr__(self) -> str:
        return f"ApiServer({self.url if self.running else 'stopped'})"


def _service_ips(cluster: Any) -> tuple[str, ...]:
    """The `kubernetes` Service's ClusterIP (the first of the service range), for the SANs."""
    cidr = getattr(getattr(cluster, "addresses", None), "service_cidr", None)
    if not isinstance(cidr, str):
        return ()
    return (str(ipaddress.ip_network(cidr).network_address + 1),)


def _node_sockets(cluster: Any) -> list[socket.socket]:
    """Also serve at minikube's address, the first node's IP port 8443, where the `kubernetes`
    Service's endpoints point (so pods reach the API through its ClusterIP); nothing when
    that address is not on this machine (sim and docker nodes)."""
    addresses = getattr(cluster, "addresses", None)
    if addresses is None or getattr(cluster, "runtime_name", "") != "process":
        return []
    try:
        return tornado.netutil.bind_sockets(8443, addresses.node_ip(1))
    except OSError as err:
        log.info("the API server does not serve at the node address: %s", err)
        return []
