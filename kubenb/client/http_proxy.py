"""`kubectl proxy`'s server: a local HTTP gateway that forwards to an API server.

`ApiProxy(upstream, filters, address, port, api_prefix)` binds its socket in the caller's
thread (so `bind: address already in use` is reported at once), then serves on its own
thread with its own asyncio loop (a tornado `HTTPServer`; the kernel's loop is never used).
Each request goes through kubectl's FilterServer (`ProxyFilter`: reject paths, reject
methods, accept paths, accept hosts — a refusal is `403 Forbidden`), has the API prefix
stripped, and is forwarded with the upstream's credentials (bearer token, client
certificate, CA) by tornado's HTTP client. Answers stream back as they arrive, so watches
(`?watch=true`), followed logs and the pods/services `…/proxy/…` paths work. A failed
upstream connection is kubectl's `500` with Go's dial error as text.

Upgrades (WebSocket exec/attach) are not forwarded; kubectl's default filter refuses their
paths anyway. `stop()` closes the listening socket, every open stream and the thread.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import re
import socket
import ssl
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import tornado.httpclient
import tornado.httpserver
import tornado.iostream
import tornado.netutil
import tornado.simple_httpclient
import tornado.tcpclient
import tornado.web

from kubenb.client.base import Endpoint

DEFAULT_ACCEPT_HOSTS = r"^localhost$,^127\.0\.0\.1$,^\[::1\]$"
DEFAULT_ACCEPT_PATHS = "^.*"
DEFAULT_REJECT_PATHS = r"^/api/.*/pods/.*/exec,^/api/.*/pods/.*/attach"
DEFAULT_REJECT_METHODS = "^$"
# Hop-by-hop headers (RFC 7230 §6.1) and what the proxy sets itself.
_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
        "trailer", "transfer-encoding", "upgrade", "host", "authorization", "content-length"}
log = logging.getLogger("kubenb.proxy")
STREAM_TIMEOUT = 7 * 24 * 3600.0  # a watch through the proxy may stay open for days


def _regexps(text: str) -> list[re.Pattern[str]]:
    """kubectl's MakeRegexpArray: comma-separated expressions, unanchored matching."""
    return [re.compile(p) for p in text.split(",")] if text else []


@dataclass
class ProxyFilter:
    """kubectl's FilterServer rules (`--accept-hosts`, `--reject-paths`, …)."""

    accept_paths: str = DEFAULT_ACCEPT_PATHS
    reject_paths: str = DEFAULT_REJECT_PATHS
    accept_hosts: str = DEFAULT_ACCEPT_HOSTS
    reject_methods: str = DEFAULT_REJECT_METHODS
    disabled: bool = False
    _compiled: dict[str, list[re.Pattern[str]]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for name in ("accept_paths", "reject_paths", "accept_hosts", "reject_methods"):
            self._compiled[name] = _regexps(getattr(self, name))

    def _any(self, name: str, text: str) -> bool:
        return any(p.search(text) for p in self._compiled[name])

    def accept(self, method: str, path: str, host_header: str) -> bool:
        if self.disabled:
            return True
        host = _split_host(host_header)
        if self._any("reject_paths", path) or self._any("reject_methods", method):
            return False
        return self._any("accept_paths", path) and self._any("accept_hosts", host)


def _split_host(host: str) -> str:
    """Go's net.SplitHostPort(host), falling back to the whole header as kubectl does."""
    if host.startswith("["):
        end = host.find("]")
        if end > 0 and host[end + 1:end + 2] == ":":
            return host[1:end]
        return host
    name, colon, port = host.rpartition(":")
    if colon and name and ":" not in name:
        return name
    return host


def _dial_error(err: BaseException, url: str) -> str:
    """Go's text for a failed upstream dial (what kubectl proxy answers with a 500)."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    hostport = f"{parts.hostname}:{port}"
    if isinstance(err, ConnectionRefusedError) or getattr(err, "errno", None) == errno.ECONNREFUSED:
        return f"dial tcp {hostport}: connect: connection refused"
    if isinstance(err, socket.gaierror):
        return f"dial tcp: lookup {parts.hostname}: no such host"
    if isinstance(err, ssl.SSLError):
        return "tls: failed to verify certificate: x509: certificate signed by unknown authority"
    return str(err) or type(err).__name__


class _Dialer(tornado.tcpclient.TCPClient):
    """A TCPClient that remembers the connections it made, so they can be cut."""

    def __init__(self) -> None:
        super().__init__()
        self.streams: list[tornado.iostream.IOStream] = []

    async def connect(self, *args: Any, **kw: Any) -> tornado.iostream.IOStream:  # type: ignore[override]
        stream = await super().connect(*args, **kw)
        self.streams.append(stream)
        return stream

    def cut(self) -> None:
        for stream in self.streams:
            stream.close()


class _Forward(tornado.web.RequestHandler):
    """Every path: filter, strip the prefix, forward, stream the answer back."""

    SUPPORTED_METHODS = ("GET", "HEAD", "POST", "DELETE", "PATCH", "PUT", "OPTIONS")

    def initialize(self, proxy: ApiProxy) -> None:
        self.proxy = proxy
        self._started = False
        self._dialer = _Dialer()

    def on_connection_close(self) -> None:
        self._dialer.cut()  # the client left: so does the upstream request

    def _refuse(self, code: int, text: str) -> None:
        self.set_status(code)
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.set_header("X-Content-Type-Options", "nosniff")
        self.finish(text + "\n")

    async def _handle(self) -> None:
        req = self.request
        path = self.proxy.strip_prefix(req.path)
        if path is None:
            self._refuse(404, "404 page not found")
            return
        if not self.proxy.filter.accept(req.method or "", path, req.host or ""):
            self._refuse(403, "Forbidden")
            return
        up = self.proxy.upstream
        base = up.url.rstrip("/")
        target = base + path + (f"?{req.query}" if req.query else "")
        headers = {k: v for k, v in req.headers.get_all() if k.lower() not in _HOP}
        if up.token:
            headers["Authorization"] = f"Bearer {up.token}"
        body = req.body if req.method in ("POST", "PUT", "PATCH", "DELETE") else None
        if req.method in ("POST", "PUT", "PATCH") and body is None:
            body = b""
        request = tornado.httpclient.HTTPRequest(
            target, method=req.method or "GET", headers=headers, body=body,
            allow_nonstandard_methods=True, follow_redirects=False, decompress_response=False,
            connect_timeout=30, request_timeout=STREAM_TIMEOUT, validate_cert=up.verify,
            ca_certs=up.ca_file, client_cert=up.cert_file, client_key=up.key_file,
            header_callback=self._header, streaming_callback=self._chunk)
        client = tornado.simple_httpclient.SimpleAsyncHTTPClient(force_instance=True)
        client.tcp_client.close()
        client.tcp_client = self._dialer  # so the upstream connection can be cut
        self.proxy.live.add(self._dialer)
        try:
            await client.fetch(request, raise_error=False)
        except (OSError, ssl.SSLError) as err:
            if not self._started:
                self._refuse(500, _dial_error(err, target))
            return
        except tornado.httpclient.HTTPClientError as err:
            if not self._started:
                self._refuse(500, str(err))
            return
        finally:
            self.proxy.live.discard(self._dialer)
            self._dialer.cut()
            client.close()
        if not self._finished:
            self.finish()

    def _header(self, line: str) -> None:
        line = line.rstrip("\r\n")
        if not line:  # the end of the header block: send it now (a watch may stay silent)
            if self._status_code != 100:
                self._started = True
                self.flush()
            return
        if line.startswith("HTTP/"):
            parts = line.split(" ", 2)
            self.set_status(int(parts[1]), parts[2] if len(parts) > 2 else None)
            self.clear_header("Content-Type")
            return
        name, colon, value = line.partition(":")
        if colon and name.lower() not in _HOP:
            self.add_header(name, value.strip())

    def _chunk(self, data: bytes) -> None:
        self._started = True
        self.write(data)
        self.flush()

    get = post = put = patch = delete = head = options = _handle  # type: ignore[assignment]

    def compute_etag(self) -> None:
        return None


def _quiet(handler: tornado.web.RequestHandler) -> None:
    """Access log at debug level: a background thread never prints into a cell."""
    log.debug("%d %s %s", handler.get_status(), handler.request.method, handler.request.uri)


class ApiProxy:
    """One running `kubectl proxy`: bound at construction, serving after `start()`."""

    def __init__(self, upstream: Endpoint, filters: ProxyFilter | None = None, *,
                 address: str = "127.0.0.1", port: int = 8001, api_prefix: str = "/") -> None:
        self.upstream = upstream
        self.filter = filters or ProxyFilter()
        self.api_prefix = api_prefix if api_prefix.startswith("/") else "/" + api_prefix
        self.sockets: list[socket.socket] = tornado.netutil.bind_sockets(
            port, address, family=socket.AF_INET6 if ":" in address else socket.AF_INET)
        self.address, self.port = self.sockets[0].getsockname()[:2]  # `localhost` → 127.0.0.1
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: tornado.httpserver.HTTPServer | None = None
        self.live: set[_Dialer] = set()  # the upstream connections of requests in flight
        self.on_stop: list[Any] = []

    @property
    def where(self) -> str:
        """`127.0.0.1:8001` as kubectl prints it (`[::1]:8001` for IPv6)."""
        return f"[{self.address}]:{self.port}" if ":" in self.address else f"{self.address}:{self.port}"

    @property
    def running(self) -> bool:
        return self._thread is not None

    def strip_prefix(self, path: str) -> str | None:
        """The path to forward, or None when it is outside the prefix (ServeMux's 404)."""
        prefix = self.api_prefix
        if prefix.endswith("/"):
            if not path.startswith(prefix):
                return None
        elif path != prefix:
            return None
        if prefix.startswith("/api"):
            return path
        rest = path[len(prefix.rstrip("/")):]
        return rest if rest.startswith("/") else "/" + rest

    def start(self) -> ApiProxy:
        ready = threading.Event()
        failed: list[BaseException] = []
        self._thread = threading.Thread(target=self._serve, args=(ready, failed),
                                        name=f"kubectl-proxy-{self.port}", daemon=True)
        self._thread.start()
        ready.wait()
        if failed:
            self._thread.join()
            self._thread = None
            raise failed[0]
        return self

    def _serve(self, ready: threading.Event, failed: list[BaseException]) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)
        try:
            app = tornado.web.Application([(r".*", _Forward, {"proxy": self})],
                                          log_function=_quiet)
            self._server = tornado.httpserver.HTTPServer(app)
            self._server.add_sockets(self.sockets)
        except BaseException as err:  # noqa: BLE001 - reported to the starting thread
            failed.append(err)
            ready.set()
            loop.close()
            return
        loop.call_soon(ready.set)
        try:
            loop.run_forever()
        finally:
            loop.run_until_complete(self._shutdown())
            loop.run_until_complete(loop.shutdown_default_executor())  # the resolver's threads
            loop.close()

    async def _shutdown(self) -> None:
        if self._server is not None:
            self._server.stop()
        for dialer in list(self.live):
            dialer.cut()
        if self._server is not None:
            await self._server.close_all_connections()
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def stop(self) -> None:
        """Stop serving: the socket, open streams and the thread all go (idempotent)."""
        thread, self._thread = self._thread, None
        if thread is not None and self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            thread.join(30)
        for sock in self.sockets:
            sock.close()
        callbacks, self.on_stop = self.on_stop, []
        for fn in callbacks:
            fn(self)


def bind_error(address: str, port: int, err: OSError) -> str:
    """Go's `listen tcp ADDR:PORT: bind: …` text for a socket that could not be bound."""
    where = f"[{address}]:{port}" if ":" in address else f"{address}:{port}"
    why = {errno.EADDRINUSE: "address already in use",
           errno.EADDRNOTAVAIL: "cannot assign requested address",
           errno.EACCES: "permission denied"}.get(err.errno or 0, (err.strerror or str(err)).lower())
    return f"listen tcp {where}: bind: {why}"


def loopback(address: str) -> bool:
    """Is `address` a loopback address (kubenb serves on 127.0.0.0/8 and ::1 only)?"""
    import ipaddress

    if address == "localhost":
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


__all__: Sequence[str] = ("ApiProxy", "ProxyFilter", "bind_error", "loopback")
