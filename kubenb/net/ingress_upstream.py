"""The ingress controller's upstream side: kept-alive HTTP/1.1 connections to pod endpoints.

ingress-nginx keeps idle connections to its upstreams (`upstream-keepalive-connections`) and
reuses them for the next request to the same endpoint; so does `Pool`: per (ip, port) up to
`IDLE_PER_ENDPOINT` idle `UpstreamConn`s (asyncio protocols, TCP_NODELAY). An exchange writes
the request the client side built (kubenb/net/ingress_proxy.py) and relays the response:

  head     the status line and headers are rewritten as nginx does: HTTP/1.1, `Server: nginx`
           and its own `Date` (the pod's are hidden, `proxy_hide_header`), then Content-Type,
           the framing header, `Connection` for the client's side, the other headers as sent;
           interim 1xx responses are dropped (nginx answers `Expect` itself); a 101 to an
           Upgrade request turns both connections into a byte tunnel (websockets);
  body     relayed as the bytes arrive, unparsed but for framing (`Framer`): Content-Length
           counted, chunked passed through (de-chunked for an HTTP/1.0 client, then closed);
           a body delimited by the pod closing is chunked for an HTTP/1.1 client (nginx does
           the same); no body for HEAD, 204 and 304;
  reuse    back to the pool when the exchange ended cleanly, the pod spoke HTTP/1.1 and did not
           say `Connection: close`; an idle connection the pod closes leaves the pool;
  timeouts connect 5 s (`proxy-connect-timeout`), 60 s without a byte (`proxy-read-timeout`).

Flow control works both ways: a full client socket pauses reading from the pod, a full pod
socket pauses reading from the client.
"""

from __future__ import annotations

import asyncio
from typing import Any, Protocol

from kubenb.net.ingress_wire import BadFraming, Framer, http_date

IDLE_PER_ENDPOINT = 32
CONNECT_TIMEOUT = 5.0  # proxy-connect-timeout
READ_TIMEOUT = 60.0  # proxy-read-timeout
MAX_HEAD = 65536

# response headers the proxy sets itself or hides (nginx's proxy_hide_header defaults)
_CT, _CL, _TE, _CONN, _DROP = 1, 2, 3, 4, 5
_RESPONSE = {b"content-type": _CT, b"content-length": _CL, b"transfer-encoding": _TE,
             b"connection": _CONN, b"server": _DROP, b"date": _DROP, b"keep-alive": _DROP,
             b"x-pad": _DROP, b"x-accel-expires": _DROP, b"x-accel-redirect": _DROP,
             b"x-accel-limit-rate": _DROP, b"x-accel-buffering": _DROP, b"x-accel-charset": _DROP}


class Client(Protocol):
    """What an exchange needs of the client side (kubenb/net/ingress_proxy.py)."""

    transport: Any
    keep: bool
    http11: bool
    request_sent: bool

    def response_started(self, upgraded: bool) -> None: ...

    def response_done(self) -> None: ...

    def upstream_failed(self, conn: UpstreamConn, timed_out: bool) -> None: ...

    def abort(self) -> None: ...


class UpstreamConn(asyncio.Protocol):
    """One connection to an endpoint; serves one exchange at a time."""

    def __init__(self, pool: Pool, key: tuple[str, int]) -> None:
        self.pool, self.key = pool, key
        self.transport: Any = None
        self.client: Client | None = None
        self.closed = False
        self.head = b""
        self.started = False  # a response head went to the client
        self.framer: Framer | None = None
        self.until_close = False  # body ends when the pod closes
        self.rechunk = False
        self.reusable = True
        self.head_only = False
        self.upgrade = False
        self.tunnel = False
        self.last = 0.0

    # ---- asyncio -----------------------------------------------------------------------

    def connection_made(self, transport: Any) -> None:
        self.transport = transport

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self.pool.busy.discard(self)
        client, self.client = self.client, None
        if client is None:
            self.pool.forget(self)
        elif self.tunnel:
            client.abort()
        elif not self.started:
            client.upstream_failed(self, False)
        elif self.until_close:
            if self.rechunk:
                client.transport.write(b"0\r\n\r\n")
            client.response_done()
        else:
            client.abort()  # the body was cut short: so is the client's

    def data_received(self, data: bytes) -> None:
        client = self.client
        if client is None:
            self.transport.close()  # nothing asked: an idle connection must not talk
            return
        if self.tunnel:
            client.transport.write(data)
            return
        self.last = self.pool.loop.time()
        out = b""  # the response head, written with the first body bytes (one segment)
        if self.framer is None and not self.until_close:
            self.head += data
            end = self.head.find(b"\r\n\r\n")
            if end < 0:
                if len(self.head) > MAX_HEAD:
                    self._broken()
                return
            head, data, self.head = self.head[:end], self.head[end + 4:], b""
            try:
                written = self._response_head(head, client)
            except (ValueError, IndexError):
                self._broken()
                return
            if written is None:  # an interim 1xx, dropped: the next head
                if data:
                    self.data_received(data)
                return
            out = written
            if self.tunnel:
                client.transport.write(out + data)
                return
        if self.until_close:
            if data and self.rechunk:
                data = b"%x\r\n%s\r\n" % (len(data), data)
            client.transport.write(out + data)
            return
        framer = self.framer
        assert framer is not None
        try:
            n = framer.feed(data)
        except BadFraming:
            self._broken()
            return
        past = n != len(data)  # bytes after the response: do not trust this connection
        if framer.spans is not None:
            client.transport.write(out + b"".join(data[a:b] for a, b in framer.spans))
            framer.spans.clear()
        elif n or out:
            client.transport.write(out + data[:n] if past else out + data)
        if framer.done:
            if past:
                self.reusable = False
            self._finish(client)

    def pause_writing(self) -> None:
        if self.client is not None:
            self.client.transport.pause_reading()

    def resume_writing(self) -> None:
        if self.client is not None:
            self.client.transport.resume_reading()

    # ---- an exchange ---------------------------------------------------------------------

    def begin(self, client: Client, request: bytes, *, head_only: bool, upgrade: bool) -> None:
        """Send `request` (head and the body bytes so far) for `client`."""
        self.client, self.head_only, self.upgrade = client, head_only, upgrade
        self.started, self.framer, self.until_close, self.rechunk = False, None, False, False
        self.head = b""
        self.last = self.pool.loop.time()
        self.pool.watch(self)
        self.transport.write(request)

    def abandon(self) -> None:
        """The client went away mid-exchange: this connection's state is unknown."""
        self.client = None
        self.reusable = False
        if not self.closed:
            self.transport.close()

    def _response_head(self, head: bytes, client: Client) -> bytes | None:
        """The client's response head; None for an interim 1xx (dropped)."""
        lines = head.split(b"\r\n")
        version, _, status = lines[0].partition(b" ")
        code = int(status[:3])
        if 100 <= code < 200 and not (code == 101 and self.upgrade):
            return None
        close = version != b"HTTP/1.1"
        length, chunked, ctype = -1, False, b""
        others: list[bytes] = []
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            kind = _RESPONSE.get(name.strip().lower())
            if kind is None:
                others.append(line)
            elif kind == _CT:
                ctype = line + b"\r\n"
            elif kind == _CL:
                length = int(value)
            elif kind == _TE:
                chunked = b"chunked" in value.lower()
            elif kind == _CONN and b"close" in value.lower():
                close = True
        out = [b"HTTP/1.1 ", status, b"\r\nServer: nginx\r\nDate: ", http_date(), b"\r\n", ctype]
        if code == 101:
            self.tunnel, self.reusable = True, False
            out.append(b"Connection: upgrade\r\n")
        else:
            if self.head_only or code in (204, 304):
                if length >= 0:
                    out.append(b"Content-Length: %d\r\n" % length)
                self.framer = Framer(0, False)
            elif chunked and not client.http11:  # HTTP/1.0 knows no chunks: the data, then close
                self.framer = Framer(0, True, decode=True)
                client.keep = False
            elif chunked:
                out.append(b"Transfer-Encoding: chunked\r\n")
                self.framer = Framer(0, True)
            elif length >= 0:
                out.append(b"Content-Length: %d\r\n" % length)
                self.framer = Framer(length, False)
            else:
                self.until_close, close = True, True
                self.rechunk = client.http11 and client.keep
                if self.rechunk:
                    out.append(b"Transfer-Encoding: chunked\r\n")
                else:
                    client.keep = False
            out.append(b"Connection: keep-alive\r\n" if client.keep else b"Connection: close\r\n")
        if close:
            self.reusable = False
        if others:
            out.append(b"\r\n".join(others) + b"\r\n")
        out.append(b"\r\n")
        self.started = True
        client.response_started(self.tunnel)
        return b"".join(out)

    def _finish(self, client: Client) -> None:
        self.pool.busy.discard(self)
        self.client = None
        if self.reusable and client.request_sent and not self.closed:
            self.pool.put(self)
        else:  # the pod answered before the whole request body arrived: not reusable
            self.transport.close()
        client.response_done()

    def _broken(self) -> None:
        """A response this proxy cannot frame: nginx's 502 if nothing went out yet."""
        self.reusable = False
        self.transport.close()  # connection_lost tells the client

    def timed_out(self) -> None:
        """READ_TIMEOUT without a byte from the pod: 504, or cut the client off mid-response."""
        client, self.client = self.client, None
        self.reusable = False
        self.transport.close()
        if client is None:
            return
        if self.started:
            client.abort()
        else:
            client.upstream_failed(self, True)


class Pool:
    """Idle kept-alive connections per endpoint (see the module docstring)."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.idle: dict[tuple[str, int], list[UpstreamConn]] = {}
        self.busy: set[UpstreamConn] = set()  # exchanges under way, for the read timeout
        self._sweeping = False

    def watch(self, conn: UpstreamConn) -> None:
        """Time `conn` out after READ_TIMEOUT of silence (one sweep a second, not a timer per
        request)."""
        self.busy.add(conn)
        if not self._sweeping:
            self._sweeping = True
            self.loop.call_later(1.0, self._sweep)

    def _sweep(self) -> None:
        limit = self.loop.time() - READ_TIMEOUT
        for conn in [c for c in self.busy if c.last <= limit]:
            self.busy.discard(conn)
            conn.timed_out()
        self._sweeping = bool(self.busy)
        if self._sweeping:
            self.loop.call_later(1.0, self._sweep)

    def take(self, key: tuple[str, int]) -> UpstreamConn | None:
        idle = self.idle.get(key)
        while idle:
            conn = idle.pop()
            if not conn.closed:
                return conn
        return None

    def put(self, conn: UpstreamConn) -> None:
        idle = self.idle.setdefault(conn.key, [])
        if len(idle) < IDLE_PER_ENDPOINT:
            conn.transport.resume_reading()  # a full client socket may have paused it last
            idle.append(conn)
        else:
            conn.transport.close()

    def forget(self, conn: UpstreamConn) -> None:
        idle = self.idle.get(conn.key)
        if idle and conn in idle:
            idle.remove(conn)

    async def connect(self, key: tuple[str, int]) -> UpstreamConn | None:
        """A new connection, or None when the endpoint refuses or does not answer in time."""
        try:
            _, conn = await asyncio.wait_for(
                self.loop.create_connection(lambda: UpstreamConn(self, key), key[0], key[1]),
                CONNECT_TIMEOUT)
        except (OSError, asyncio.TimeoutError):
            return None
        return conn

    def close(self) -> None:
        self.busy.clear()
        for idle in self.idle.values():
            for conn in idle:
                conn.transport.close()
        self.idle.clear()
