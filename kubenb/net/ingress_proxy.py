"""The ingress controller's client side: one asyncio protocol per client connection.

`ClientConn` reads a request head, routes it with the controller's precomputed `RouteTable`
(kubenb/net/ingress_routes.py) and sends it to an endpoint over a pooled connection
(kubenb/net/ingress_upstream.py). Only the head is parsed, and only as far as routing and
framing need: the request line, Host, Content-Length, Transfer-Encoding, Connection, Upgrade,
Expect and the headers ingress-nginx sets itself. What goes to the pod is what ingress-nginx
sends: the request line as received (as HTTP/1.1), `Host` as the client gave it, `Upgrade` and
`Connection: upgrade` for an upgrade request, X-Request-ID (the client's, else 32 random hex
digits), X-Real-IP, X-Forwarded-For (the client address), X-Forwarded-Host, X-Forwarded-Port,
X-Forwarded-Proto, X-Forwarded-Scheme, X-Scheme, X-Original-Forwarded-For (the client's
X-Forwarded-For, if any), then the client's other header lines unchanged; Connection,
Keep-Alive, TE, Expect, Proxy and the client's own X-Forwarded-*/X-Real-IP are dropped.
`Expect: 100-continue` is answered here, as nginx does. The body streams as it arrives
(Content-Length, or chunked passed through: ingress-nginx with `proxy-request-buffering: off`).

Answers of the controller's own: 400 for a request it cannot parse (then the connection
closes), 308 to https for a TLS host on http, nginx's 404 when no rule matches, 503 when the
Service or its ready endpoints are missing, 502 when `TRIES` endpoints refused (or a pooled
connection and then a new one failed), 504 when the pod stays silent `READ_TIMEOUT`. Client
connections are kept alive (HTTP/1.1 unless `Connection: close`; HTTP/1.0 with
`Connection: keep-alive`) until idle `KEEPALIVE_TIMEOUT` between requests; a pipelined
request waits for the previous response.
"""

from __future__ import annotations

import asyncio
import random
from typing import TYPE_CHECKING, Any

from kubenb.net.ingress_upstream import UpstreamConn
from kubenb.net.ingress_wire import BadFraming, Framer, local_reply

if TYPE_CHECKING:
    from kubenb.net.ingress_routes import RouteTable
    from kubenb.net.ingress_upstream import Pool

TRIES = 3  # proxy_next_upstream_tries
MAX_HEAD = 32768  # large_client_header_buffers 4 8k (and then some)
KEEPALIVE_TIMEOUT = 75.0  # ingress-nginx's keep-alive
REPLAY_MAX = 1 << 20  # request bytes kept to resend to the next endpoint

_HEAD, _BODY, _WAIT, _TUNNEL, _CLOSED = range(5)
# request headers the proxy reads or replaces
_HOST, _CL, _TE, _CONN, _UPGRADE, _EXPECT, _RID, _XFF, _DROP = range(9)
_REQUEST = {b"host": _HOST, b"content-length": _CL, b"transfer-encoding": _TE,
            b"connection": _CONN, b"upgrade": _UPGRADE, b"expect": _EXPECT,
            b"x-request-id": _RID, b"x-forwarded-for": _XFF, b"keep-alive": _DROP,
            b"te": _DROP, b"proxy": _DROP, b"proxy-connection": _DROP, b"x-real-ip": _DROP,
            b"x-forwarded-host": _DROP, b"x-forwarded-port": _DROP, b"x-forwarded-proto": _DROP,
            b"x-forwarded-scheme": _DROP, b"x-scheme": _DROP, b"x-original-forwarded-for": _DROP}


class ProxyOwner:
    """What a client connection needs of the controller (kubenb/net/ingress_controller.py)."""

    pool: Pool
    clients: set[ClientConn]
    _sweeping_clients = False

    def table(self) -> RouteTable:
        raise NotImplementedError

    def watch_clients(self) -> None:
        """Close client connections idle between requests KEEPALIVE_TIMEOUT (nginx's
        `keepalive_timeout`): one sweep a second while there are clients."""
        if not self._sweeping_clients:
            self._sweeping_clients = True
            self.pool.loop.call_later(1.0, self._sweep_clients)

    def _sweep_clients(self) -> None:
        limit = self.pool.loop.time() - KEEPALIVE_TIMEOUT
        for client in [c for c in self.clients if c.state == _HEAD and c.idle_since <= limit]:
            client.transport.close()
        self._sweeping_clients = bool(self.clients)
        if self._sweeping_clients:
            self.pool.loop.call_later(1.0, self._sweep_clients)

    def pick(self, key: str, backends: tuple[tuple[str, int], ...]) -> list[tuple[str, int]]:
        raise NotImplementedError


class ClientConn(asyncio.Protocol):
    """One client connection (see the module docstring)."""

    def __init__(self, owner: ProxyOwner, scheme: str, port: bytes, local: tuple[str, int]) -> None:
        self.owner, self.scheme, self.port, self.local = owner, scheme, port, local
        self.transport: Any = None
        self.peer = b""
        self.buf = b""
        self.state = _HEAD
        self.keep = True
        self.http11 = True
        self.request_sent = True
        self.response_open = False
        self.idle_since = 0.0
        self.up: UpstreamConn | None = None
        self.framer: Framer | None = None
        self.replay: list[bytes] | None = None
        self.replay_size = 0
        self.tries: list[tuple[str, int]] = []
        self.retried = False
        self.head_only = False
        self.upgrade = False

    # ---- asyncio -----------------------------------------------------------------------

    def connection_made(self, transport: Any) -> None:
        self.transport = transport
        self.idle_since = self.owner.pool.loop.time()
        self.owner.clients.add(self)
        self.owner.watch_clients()

    def connection_lost(self, exc: Exception | None) -> None:
        self.state = _CLOSED
        self.owner.clients.discard(self)
        up, self.up = self.up, None
        if up is not None:
            up.abandon()

    def data_received(self, data: bytes) -> None:
        state = self.state
        if state == _TUNNEL:
            if self.up is not None:
                self.up.transport.write(data)
        elif state == _BODY:
            self._body(data)
        elif state == _HEAD:
            self.buf = self.buf + data if self.buf else data
            self._next()
        elif state == _WAIT:  # pipelined: the next request waits for this response
            self.buf += data
            if len(self.buf) > MAX_HEAD:
                self.transport.pause_reading()

    def pause_writing(self) -> None:
        if self.up is not None:
            self.up.transport.pause_reading()

    def resume_writing(self) -> None:
        if self.up is not None:
            self.up.transport.resume_reading()

    # ---- requests ----------------------------------------------------------------------

    def _next(self) -> None:
        buf = self.buf.lstrip(b"\r\n")
        end = buf.find(b"\r\n\r\n")
        if end < 0:
            self.buf = buf
            if len(buf) > MAX_HEAD:
                self._fail(400)
            return
        self.buf = b""
        self._request(buf[:end], buf[end + 4:])

    def _request(self, head: bytes, rest: bytes) -> None:
        lines = head.split(b"\r\n")
        parts = lines[0].split(b" ")
        if len(parts) != 3 or not parts[2].startswith(b"HTTP/1.") or not parts[1]:
            self._fail(400)
            return
        method, target, version = parts
        self.http11 = http11 = version != b"HTTP/1.0"
        host = rid = xff = upgrade = b""
        connection = b""
        length, chunked, expect = -1, False, False
        keep: list[bytes] = []
        try:
            for line in lines[1:]:
                name, sep, value = line.partition(b":")
                kind = _REQUEST.get(name.lower())
                if kind is None:
                    if not sep or not name or name[-1:] in b" \t":
                        raise ValueError(line)
                    keep.append(line)
                elif kind == _HOST:
                    host = value.strip()
                elif kind == _CL:
                    length = int(value)
                    if length < 0:
                        raise ValueError(line)
                    keep.append(line)
                elif kind == _TE:
                    chunked = b"chunked" in value.lower()
                    keep.append(line)
                elif kind == _CONN:
                    connection = value.lower()
                elif kind == _UPGRADE:
                    upgrade = value.strip()
                elif kind == _EXPECT:
                    expect = b"100-continue" in value.lower()
                elif kind == _RID:
                    rid = value.strip()
                elif kind == _XFF:
                    xff = value.strip()
        except ValueError:
            self._fail(400)
            return
        if chunked and length >= 0:  # Transfer-Encoding wins (RFC 9112 6.3)
            keep = [x for x in keep if x.partition(b":")[0].lower() != b"content-length"]
            length = -1
        if target[:1] != b"/" and b"://" in target:  # absolute-form: its host wins
            host = target.split(b"://", 1)[1].split(b"/", 1)[0]
        if http11 and not host:
            self._fail(400)
            return
        self.keep = (b"close" not in connection) if http11 else (b"keep-alive" in connection)
        self.upgrade = bool(upgrade) and b"upgrade" in connection
        self.head_only = method == b"HEAD"
        self.framer = Framer(length, chunked) if (chunked or length > 0) else None
        self.request_sent = self.framer is None
        body = b""
        if self.framer is not None:
            try:
                n = self.framer.feed(rest)
            except BadFraming:
                self._fail(400)
                return
            body, rest = rest[:n], rest[n:]
            if not self.framer.done:
                if expect and not body:
                    self.transport.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            else:
                self.request_sent = True
        self.buf = rest
        self.response_open = True
        self.state = _WAIT if self.request_sent else _BODY
        name = host[:host.find(b"]") + 1] if host[:1] == b"[" else host.partition(b":")[0]
        name_s = name.decode("latin-1").lower()
        path = target.partition(b"?")[0].decode("latin-1")
        if path[:1] != "/":
            path = "/" + path.split("://", 1)[-1].partition("/")[2]
        table = self.owner.table()
        if self.scheme == "http" and table.ssl_redirect(name_s):
            location = f"https://{name_s}{target.decode('latin-1')}" if target[:1] == b"/" else ""
            self._local(308, location)
            return
        route = table.route(name_s, path)
        if not route.matched:
            self._local(404)
            return
        if not route.backends:
            self._local(503)
            return
        if not self.peer:
            peer = self.transport.get_extra_info("peername")
            self.peer = peer[0].encode() if peer else b""
        out = [method, b" ", target, b" HTTP/1.1\r\nHost: ", host, b"\r\n"]
        if self.upgrade:
            out += [b"Upgrade: ", upgrade, b"\r\nConnection: upgrade\r\n"]
        out += [b"X-Request-ID: ", rid or b"%032x" % random.getrandbits(128), b"\r\nX-Real-IP: ", self.peer,
                b"\r\nX-Forwarded-For: ", self.peer, b"\r\nX-Forwarded-Host: ", host,
                b"\r\nX-Forwarded-Port: ", self.port, b"\r\nX-Forwarded-Proto: ", self.scheme.encode(),
                b"\r\nX-Forwarded-Scheme: ", self.scheme.encode(), b"\r\nX-Scheme: ",
                self.scheme.encode(), b"\r\n"]
        if xff:
            out += [b"X-Original-Forwarded-For: ", xff, b"\r\n"]
        for line in keep:
            out += [line, b"\r\n"]
        out += [b"\r\n", body]
        self.replay = [b"".join(out)]
        self.replay_size = len(self.replay[0])
        self.tries = self.owner.pick(route.key, route.backends)[:TRIES]
        self.retried = False
        self._attempt()

    def _body(self, data: bytes) -> None:
        framer = self.framer
        assert framer is not None
        try:
            n = framer.feed(data)
        except BadFraming:
            self._fail(400)
            return
        part = data if n == len(data) else data[:n]
        if self.replay is not None:
            self.replay.append(part)
            self.replay_size += n
        if self.up is not None and not self.up.closed:
            self.up.transport.write(part)
            if self.replay is not None and self.replay_size > REPLAY_MAX:
                self.replay = None  # too much to resend: no next endpoint after this one
        elif self.replay is not None and self.replay_size > REPLAY_MAX:
            self.transport.pause_reading()  # still connecting: wait for the endpoint
        if framer.done:
            self.request_sent = True
            self.buf = data[n:]
            self.state = _WAIT
            if not self.response_open:
                self._exchange_done()

    def _attempt(self) -> None:
        if self.state == _CLOSED:
            return
        if not self.tries:
            self._local(502, close=not self.request_sent)
            return
        key = self.tries[0]
        conn = None if self.retried else self.owner.pool.take(key)
        if conn is not None:
            self._attach(conn)
            return
        asyncio.ensure_future(self.owner.pool.connect(key)).add_done_callback(self._connected)

    def _connected(self, fut: asyncio.Future[UpstreamConn | None]) -> None:
        conn = None if fut.cancelled() else fut.result()
        if self.state == _CLOSED:
            if conn is not None:
                conn.transport.close()
            return
        if conn is None:
            self.tries.pop(0)
            self.retried = False
            self._attempt()
            return
        self.retried = True  # a new connection failing is the endpoint's error: next one
        self._attach(conn)
        self.transport.resume_reading()

    def _attach(self, conn: UpstreamConn) -> None:
        if self.replay is None:  # cannot resend what is gone
            self._local(502, close=True)
            conn.transport.close()
            return
        self.up = conn
        conn.begin(self, b"".join(self.replay), head_only=self.head_only, upgrade=self.upgrade)

    # ---- called by the upstream connection -------------------------------------------------

    def upstream_failed(self, conn: UpstreamConn, timed_out: bool) -> None:
        self.up = None
        if self.state == _CLOSED:
            return
        if timed_out:
            self._local(504, close=not self.request_sent)
        elif self.replay is None:  # too much body to resend
            self._local(502, close=True)
        elif self.retried:
            self.tries.pop(0)
            self.retried = False
            self._attempt()
        else:  # a kept-alive connection the pod had closed: once more on a new one
            self.retried = True
            self._attempt()

    def response_started(self, upgraded: bool) -> None:
        self.replay = None
        if upgraded:
            self.state = _TUNNEL
            if self.buf and self.up is not None:
                self.up.transport.write(self.buf)
            self.buf = b""

    def response_done(self) -> None:
        self.up = None
        self.response_open = False
        if self.request_sent or not self.keep:
            self._exchange_done()
        # else: the rest of the request body is read and dropped, then the next request

    def abort(self) -> None:
        self.up = None
        self.transport.close()

    # ---- local answers -------------------------------------------------------------------

    def _local(self, code: int, location: str = "", close: bool = False) -> None:
        if close:
            self.keep = False
        self.transport.write(local_reply(code, self.keep, self.head_only, location))
        self.response_done()

    def _fail(self, code: int) -> None:
        self.keep, self.head_only = False, False
        self.transport.write(local_reply(code, False, False))
        self.transport.close()
        self.state = _CLOSED

    def _exchange_done(self) -> None:
        if not self.keep:
            self.transport.close()
            self.state = _CLOSED
            return
        self.state = _HEAD
        self.framer = None
        self.idle_since = self.owner.pool.loop.time()
        self.transport.resume_reading()
        if self.buf:
            self._next()
