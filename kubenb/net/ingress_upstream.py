"""The ingress controller's upstream side: HTTP/1.1 to pod endpoints over kept-alive connections.

ingress-nginx keeps idle connections to its upstreams (`upstream-keepalive-connections`) and
reuses them for the next request to the same endpoint; so does `Upstream`: per (ip, port) a
few idle tornado IOStreams, each request written and its response read with tornado's
HTTP/1.1 implementation (`HTTP1Connection` in client mode). A response that says
`Connection: close` (or comes as HTTP/1.0) is not reused. `fetch` returns None when no
connection can be made (refused, timed out): the caller tries the next endpoint, as nginx's
`proxy_next_upstream error timeout` does; a kept-alive connection the pod closed meanwhile
is replaced by a new one once.
"""

from __future__ import annotations

import socket
from typing import Any

from tornado import gen, httputil
from tornado.http1connection import HTTP1Connection, HTTP1ConnectionParameters
from tornado.iostream import IOStream, StreamClosedError

IDLE_PER_ENDPOINT = 32
CONNECT_TIMEOUT = 5.0  # proxy-connect-timeout
READ_TIMEOUT = 60.0  # proxy-read-timeout
_PARAMS = HTTP1ConnectionParameters(no_keep_alive=False, decompress=False,
                                    header_timeout=READ_TIMEOUT, body_timeout=READ_TIMEOUT,
                                    max_body_size=1 << 30)
Answer = tuple[int, str, httputil.HTTPHeaders, bytes]


class _Collect(httputil.HTTPMessageDelegate):
    def __init__(self) -> None:
        self.start: httputil.ResponseStartLine | None = None
        self.headers = httputil.HTTPHeaders()
        self.chunks: list[bytes] = []

    def headers_received(self, start_line: Any, headers: httputil.HTTPHeaders) -> None:
        self.start, self.headers = start_line, headers

    def data_received(self, chunk: bytes) -> None:
        self.chunks.append(chunk)


class Upstream:
    """Kept-alive connections to endpoints (see the module docstring)."""

    def __init__(self) -> None:
        self.idle: dict[tuple[str, int], list[IOStream]] = {}

    async def _connect(self, ip: str, port: int) -> IOStream | None:
        family = socket.AF_INET6 if ":" in ip else socket.AF_INET
        stream = IOStream(socket.socket(family, socket.SOCK_STREAM))
        try:
            await gen.with_timeout(stream.io_loop.time() + CONNECT_TIMEOUT, stream.connect((ip, port)),
                                   quiet_exceptions=StreamClosedError)
        except (OSError, StreamClosedError, TimeoutError, gen.TimeoutError):
            stream.close()
            return None
        stream.set_nodelay(True)
        return stream

    async def fetch(self, ip: str, port: int, method: str, uri: str, headers: httputil.HTTPHeaders,
                    body: bytes) -> Answer | None:
        pool = self.idle.setdefault((ip, port), [])
        while pool:
            stream = pool.pop()
            if stream.closed():
                continue
            answer = await self._exchange(stream, ip, port, method, uri, headers, body)
            if answer is not None:
                return answer
            break  # the pod closed an idle connection: one new connection
        stream_new = await self._connect(ip, port)
        if stream_new is None:
            return None
        return await self._exchange(stream_new, ip, port, method, uri, headers, body)

    async def _exchange(self, stream: IOStream, ip: str, port: int, method: str, uri: str,
                        headers: httputil.HTTPHeaders, body: bytes) -> Answer | None:
        conn = HTTP1Connection(stream, True, _PARAMS)
        out = httputil.HTTPHeaders(headers)
        if body or method in ("POST", "PUT", "PATCH"):
            out["Content-Length"] = str(len(body))
        delegate = _Collect()
        try:
            conn.write_headers(httputil.RequestStartLine(method, uri, "HTTP/1.1"), out)
            if body:
                conn.write(body)
            conn.finish()
            open_after = await conn.read_response(delegate)
        except (StreamClosedError, OSError, httputil.HTTPInputError):
            stream.close()
            return None
        if delegate.start is None:
            stream.close()
            return None
        reusable = (open_after and delegate.start.version == "HTTP/1.1"
                    and "close" not in delegate.headers.get("Connection", "").lower())
        pool = self.idle.setdefault((ip, port), [])
        if reusable and not stream.closed() and len(pool) < IDLE_PER_ENDPOINT:
            pool.append(conn.detach())
        else:
            stream.close()
        return delegate.start.code, delegate.start.reason, delegate.headers, b"".join(delegate.chunks)

    def close(self) -> None:
        for pool in self.idle.values():
            for stream in pool:
                stream.close()
        self.idle.clear()
