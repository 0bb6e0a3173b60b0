"""The ingress controller's HTTP/1.1 proxying (kubenb/net/ingress_proxy.py, ingress_upstream.py),
against a scripted pod on loopback: what the pod receives, what the client gets back, byte
framing, keep-alive on both sides, streaming, upgrades. Routing and the cluster side are in
tests/process/test_ingress.py."""

from __future__ import annotations

import asyncio
import http.client
import queue
import re
import socket
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from kubenb.net import ingress_upstream
from kubenb.net.ingress_controller import listen_socket, proxy_loop
from kubenb.net.ingress_proxy import ClientConn, ProxyOwner
from kubenb.net.ingress_routes import RouteTable
from kubenb.net.ingress_upstream import Pool

Reply = Callable[[bytes, bytes, Any], None]  # (request head, body so far, transport)


class Pod(asyncio.Protocol):
    """A scripted endpoint: hands each whole request head (and the bytes after it) to `reply`."""

    def __init__(self, harness: Harness) -> None:
        self.h, self.buf, self.transport = harness, b"", None

    def connection_made(self, transport: Any) -> None:
        self.transport = transport
        self.h.pod_connections += 1

    def data_received(self, data: bytes) -> None:
        if self.h.tunnel is not None:
            self.h.tunnel(data, self.transport)
            return
        self.buf += data
        while b"\r\n\r\n" in self.buf:
            head, _, rest = self.buf.partition(b"\r\n\r\n")
            body, self.buf = self.h.split_body(head, rest)
            if body is None:
                self.buf = head + b"\r\n\r\n" + rest  # wait for the rest of the body
                return
            self.h.requests.put((head, body))
            self.h.reply(head, body, self.transport)


class Harness(ProxyOwner):
    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.pool = Pool(loop)
        self.clients: set[ClientConn] = set()
        self.requests: queue.Queue[tuple[bytes, bytes]] = queue.Queue()
        self.pod_connections = 0
        self.tunnel: Callable[[bytes, Any], None] | None = None
        self.reply: Reply = lambda head, body, t: t.write(ok(b"hello"))
        self.pod_port = self.proxy_port = 0

    def table(self) -> RouteTable:
        ing = {"metadata": {"name": "web", "namespace": "default"}, "spec": {"rules": [
            {"host": "web.local", "http": {"paths": [{"path": "/", "pathType": "Prefix", "backend": {
                "service": {"name": "web", "port": {"number": 80}}}}]}}]}}
        return RouteTable.build([ing], {"default/web": {"spec": {"ports": [{"port": 80}]}}},
                                {"default/web": {"subsets": [{"addresses": [{"ip": "127.0.0.1"}],
                                                              "ports": [{"port": self.pod_port}]}]}})

    def pick(self, key: str, backends: tuple[tuple[str, int], ...]) -> list[tuple[str, int]]:
        return list(backends)

    @staticmethod
    def split_body(head: bytes, rest: bytes) -> tuple[bytes | None, bytes]:
        low = head.lower()
        if b"transfer-encoding: chunked" in low:
            end = rest.find(b"\r\n0\r\n\r\n")
            if not rest.startswith(b"0\r\n\r\n") and end < 0:
                return None, rest
            cut = 5 if rest.startswith(b"0\r\n\r\n") else end + 7
            return rest[:cut], rest[cut:]
        m = re.search(rb"content-length: *(\d+)", low)
        n = int(m.group(1)) if m else 0
        return (rest[:n], rest[n:]) if len(rest) >= n else (None, rest)

    def call(self, fn: Callable[[], Any]) -> None:
        self.loop.call_soon_threadsafe(fn)


def ok(body: bytes, *extra: bytes) -> bytes:
    return (b"HTTP/1.1 200 OK\r\nServer: TornadoServer/6.4\r\nDate: Thu, 01 Jan 1970 00:00:00 GMT\r\n"
            b"Content-Type: text/plain\r\nX-Pod: yes\r\n" + b"".join(x + b"\r\n" for x in extra)
            + b"Content-Length: %d\r\n\r\n" % len(body) + body)


@pytest.fixture(params=["asyncio", "default"])
def proxy(request: Any) -> Iterator[Harness]:
    """The proxy on the asyncio loop and on the controller's own choice (uvloop if installed)."""
    loop = asyncio.new_event_loop() if request.param == "asyncio" else proxy_loop()
    h = Harness(loop)
    pod_sock = listen_socket("127.0.0.1", 0)
    proxy_sock = listen_socket("127.0.0.1", 0)
    h.pod_port, h.proxy_port = pod_sock.getsockname()[1], proxy_sock.getsockname()[1]

    async def start() -> list[Any]:
        return [await loop.create_server(lambda: Pod(h), sock=pod_sock),
                await loop.create_server(lambda: ClientConn(h, "http", b"80", ("127.0.0.1", 80)),
                                         sock=proxy_sock)]

    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    servers = asyncio.run_coroutine_threadsafe(start(), loop).result(10)
    yield h

    async def stop() -> None:
        for s in servers:
            s.close()
        for c in list(h.clients):
            c.transport.abort()
        h.pool.close()
        await asyncio.sleep(0)

    asyncio.run_coroutine_threadsafe(stop(), loop).result(10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)
    loop.close()


class Raw:
    """A raw client connection to the proxy: bytes out, responses with a Content-Length in."""

    def __init__(self, h: Harness) -> None:
        self.sock = socket.create_connection(("127.0.0.1", h.proxy_port), timeout=10)
        self.buf = b""

    def sendall(self, data: bytes) -> None:
        self.sock.sendall(data)

    def recv(self, n: int) -> bytes:
        if self.buf:
            out, self.buf = self.buf[:n], self.buf[n:]
            return out
        return self.sock.recv(n)

    def response(self) -> tuple[bytes, bytes]:
        while b"\r\n\r\n" not in self.buf:
            chunk = self.sock.recv(65536)
            assert chunk, self.buf
            self.buf += chunk
        head, _, self.buf = self.buf.partition(b"\r\n\r\n")
        m = re.search(rb"(?i)content-length: *(\d+)", head)
        n = int(m.group(1)) if m else 0
        while len(self.buf) < n:
            self.buf += self.sock.recv(65536)
        body, self.buf = self.buf[:n], self.buf[n:]
        return head, body

    def close(self) -> None:
        self.sock.close()


def connect(h: Harness) -> Raw:
    return Raw(h)


def headers_of(head: bytes) -> list[tuple[str, str]]:
    return [tuple(x.decode().split(": ", 1)) for x in head.split(b"\r\n")[1:]]  # type: ignore[misc]


def test_the_pod_gets_the_head_lines_as_sent_plus_ingress_nginx_headers(proxy: Harness) -> None:
    s = connect(proxy)
    s.sendall(b"GET /a/b?x=1 HTTP/1.1\r\nHost: Web.Local:80\r\nUser-Agent: curl/8.5.0\r\n"
              b"X-Custom:  spaced value \r\nConnection: keep-alive\r\nKeep-Alive: 300\r\n"
              b"X-Forwarded-For: 203.0.113.9\r\nX-Real-IP: 1.2.3.4\r\nProxy: evil\r\nAccept: */*\r\n\r\n")
    head, body = s.response()
    got, _ = proxy.requests.get(timeout=10)
    lines = got.split(b"\r\n")
    assert lines[0] == b"GET /a/b?x=1 HTTP/1.1"
    sent = headers_of(got)
    rid = sent[1][1]
    assert re.fullmatch("[0-9a-f]{32}", rid)
    assert sent == [
        ("Host", "Web.Local:80"), ("X-Request-ID", rid), ("X-Real-IP", "127.0.0.1"),
        ("X-Forwarded-For", "127.0.0.1"), ("X-Forwarded-Host", "Web.Local:80"), ("X-Forwarded-Port", "80"),
        ("X-Forwarded-Proto", "http"), ("X-Forwarded-Scheme", "http"), ("X-Scheme", "http"),
        ("X-Original-Forwarded-For", "203.0.113.9"), ("User-Agent", "curl/8.5.0"),
        ("X-Custom", " spaced value "), ("Accept", "*/*")]
    # the answer: nginx's Server and Date, the pod's other headers
    assert head.split(b"\r\n")[0] == b"HTTP/1.1 200 OK"
    names = [n for n, _ in headers_of(head)]
    assert names == ["Server", "Date", "Content-Type", "Content-Length", "Connection", "X-Pod"]
    assert dict(headers_of(head))["Server"] == "nginx"
    assert dict(headers_of(head))["Connection"] == "keep-alive"
    assert dict(headers_of(head))["Date"] != "Thu, 01 Jan 1970 00:00:00 GMT"
    assert body == b"hello"
    # the client's own request id goes through
    s.sendall(b"GET / HTTP/1.1\r\nHost: web.local\r\nX-Request-ID: abc\r\n\r\n")
    s.response()
    assert (b"\r\nX-Request-ID: abc\r\n") in proxy.requests.get(timeout=10)[0]
    s.close()


def test_keep_alive_on_both_sides_and_pipelining(proxy: Harness) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", proxy.proxy_port, timeout=10)
    for i in range(3):
        conn.request("GET", f"/{i}", headers={"Host": "web.local"})
        resp = conn.getresponse()
        assert (resp.status, resp.read()) == (200, b"hello")
    conn.close()
    for _ in range(3):  # new client connections: the pod connection is reused
        c = http.client.HTTPConnection("127.0.0.1", proxy.proxy_port, timeout=10)
        c.request("GET", "/", headers={"Host": "web.local"})
        assert c.getresponse().read() == b"hello"
        c.close()
    assert proxy.pod_connections == 1
    s = connect(proxy)  # two requests in one write: answered in order
    proxy.reply = lambda head, body, t: t.write(ok(head.split(b" ")[1]))
    s.sendall(b"GET /one HTTP/1.1\r\nHost: web.local\r\n\r\nGET /two HTTP/1.1\r\nHost: web.local\r\n\r\n")
    assert s.response()[1] == b"/one"
    assert s.response()[1] == b"/two"
    s.sendall(b"GET /three HTTP/1.0\r\nHost: web.local\r\n\r\n")  # 1.0 without keep-alive: closed after
    head, body = s.response()
    assert (body, dict(headers_of(head))["Connection"]) == (b"/three", "close")
    assert s.recv(10) == b""
    s.close()


def test_chunked_request_and_response_bodies_pass_through(proxy: Harness) -> None:
    chunks = [b"a" * 10, b"b" * 70000, b"c"]

    def reply(head: bytes, body: bytes, t: Any) -> None:
        t.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: application/x\r\n\r\n")
        for c in chunks:
            t.write(b"%x;ext=1\r\n%s\r\n" % (len(c), c))
        t.write(b"0\r\nX-Trailer: t\r\n\r\n")

    proxy.reply = reply
    payload = [b"hello ", b"x" * 100000, b" world"]
    conn = http.client.HTTPConnection("127.0.0.1", proxy.proxy_port, timeout=10)
    conn.request("POST", "/up", body=iter(payload), headers={"Host": "web.local", "Transfer-Encoding": "chunked"},
                 encode_chunked=True)
    resp = conn.getresponse()
    assert resp.getheader("Transfer-Encoding") == "chunked"
    assert resp.read() == b"".join(chunks)
    head, body = proxy.requests.get(timeout=10)
    assert b"\r\nTransfer-Encoding: chunked" in head
    assert body == b"".join(b"%X\r\n%s\r\n" % (len(p), p) for p in payload) + b"0\r\n\r\n"  # as sent
    conn.request("GET", "/again", headers={"Host": "web.local"})  # the same connections go on
    assert conn.getresponse().read() == b"".join(chunks)
    conn.close()
    assert proxy.pod_connections == 1


def test_a_large_body_streams_both_ways(proxy: Harness) -> None:
    size = 8 << 20
    go_on = asyncio.Event()

    def reply(head: bytes, body: bytes, t: Any) -> None:
        assert len(body) == 3 << 20
        t.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % size + b"1" * 1000)

        async def rest() -> None:
            await go_on.wait()
            t.write(b"2" * (size - 1000))

        asyncio.ensure_future(rest())

    proxy.reply = reply
    conn = http.client.HTTPConnection("127.0.0.1", proxy.proxy_port, timeout=30)
    conn.request("PUT", "/big", body=b"u" * (3 << 20), headers={"Host": "web.local"})
    resp = conn.getresponse()
    assert resp.read(1000) == b"1" * 1000  # here before the pod wrote the rest: not buffered
    proxy.call(go_on.set)
    rest = resp.read()
    assert len(rest) == size - 1000 and rest.count(b"2") == size - 1000
    proxy.reply = lambda head, body, t: t.write(ok(b"after"))
    conn.request("GET", "/after", headers={"Host": "web.local"})  # the same, pooled, pod connection
    assert conn.getresponse().read() == b"after"
    assert proxy.pod_connections == 1
    conn.close()


def test_head_204_and_a_body_until_close(proxy: Harness) -> None:
    def reply(head: bytes, body: bytes, t: Any) -> None:
        path = head.split(b" ")[1]
        if path == b"/none":
            t.write(b"HTTP/1.1 204 No Content\r\n\r\n")
        elif path == b"/eof":
            t.write(b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nstreamed until ")
            t.write(b"the pod closes")
            t.close()
        else:
            t.write(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n" + (b"" if head.startswith(b"HEAD") else b"hello"))

    proxy.reply = reply
    conn = http.client.HTTPConnection("127.0.0.1", proxy.proxy_port, timeout=10)
    conn.request("HEAD", "/", headers={"Host": "web.local"})
    resp = conn.getresponse()
    assert (resp.status, resp.getheader("Content-Length"), resp.read()) == (200, "5", b"")
    conn.request("GET", "/none", headers={"Host": "web.local"})
    resp = conn.getresponse()
    assert (resp.status, resp.read()) == (204, b"")
    conn.request("GET", "/eof", headers={"Host": "web.local"})
    resp = conn.getresponse()  # nginx chunks a body that ends with the connection
    assert (resp.getheader("Transfer-Encoding"), resp.read()) == ("chunked", b"streamed until the pod closes")
    conn.request("GET", "/", headers={"Host": "web.local"})  # the client's connection stays
    assert conn.getresponse().read() == b"hello"
    conn.close()


def test_interim_responses_are_dropped_and_expect_is_answered_here(proxy: Harness) -> None:
    proxy.reply = lambda head, body, t: t.write(b"HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n"
                                                + ok(body))
    s = connect(proxy)
    s.sendall(b"POST / HTTP/1.1\r\nHost: web.local\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
    assert s.recv(100) == b"HTTP/1.1 100 Continue\r\n\r\n"
    s.sendall(b"data")
    head, body = s.response()
    assert head.startswith(b"HTTP/1.1 200 OK") and body == b"data"
    sent, _ = proxy.requests.get(timeout=10)
    assert b"expect" not in sent.lower()
    s.close()


def test_upgrade_turns_into_a_byte_tunnel(proxy: Harness) -> None:
    def reply(head: bytes, body: bytes, t: Any) -> None:
        t.write(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                b"Sec-WebSocket-Accept: x\r\n\r\nhi")
        proxy.tunnel = lambda data, tr: tr.write(data.upper())

    proxy.reply = reply
    s = connect(proxy)
    s.sendall(b"GET /ws HTTP/1.1\r\nHost: web.local\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
              b"Sec-WebSocket-Key: k\r\n\r\n")
    buf = b""
    while not buf.endswith(b"hi"):
        buf += s.recv(1000)
    head = buf.split(b"\r\n\r\n")[0]
    assert head.startswith(b"HTTP/1.1 101 Switching Protocols\r\n")
    assert dict(headers_of(head))["Connection"] == "upgrade"
    assert dict(headers_of(head))["Upgrade"] == "websocket"
    sent, _ = proxy.requests.get(timeout=10)
    assert b"\r\nUpgrade: websocket\r\nConnection: upgrade\r\n" in sent
    s.sendall(b"ping")
    assert s.recv(100) == b"PING"
    s.close()


def test_bad_requests_are_400_and_the_connection_closes(proxy: Harness) -> None:
    for raw in (b"GARBAGE\r\n\r\n", b"GET / HTTP/1.1\r\n\r\n",  # HTTP/1.1 without Host
                b"GET / HTTP/1.1\r\nHost: web.local\r\nContent-Length: x\r\n\r\n",
                b"POST / HTTP/1.1\r\nHost: web.local\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"):
        s = connect(proxy)
        s.sendall(raw)
        head, body = s.response()
        assert head.startswith(b"HTTP/1.1 400 Bad Request\r\n") and b"400 Bad Request" in body
        assert dict(headers_of(head))["Connection"] == "close"
        assert s.recv(10) == b""
        s.close()


def test_a_pod_connection_closed_while_idle_is_replaced(proxy: Harness) -> None:
    def reply(head: bytes, body: bytes, t: Any) -> None:
        t.write(ok(b"once"))
        t.close()  # without saying Connection: close

    proxy.reply = reply
    for _ in range(3):
        conn = http.client.HTTPConnection("127.0.0.1", proxy.proxy_port, timeout=10)
        conn.request("GET", "/", headers={"Host": "web.local"})
        assert conn.getresponse().read() == b"once"
        conn.close()
    assert proxy.pod_connections == 3


def test_a_silent_pod_is_504(proxy: Harness, monkeypatch: Any) -> None:
    monkeypatch.setattr(ingress_upstream, "READ_TIMEOUT", 0.2)
    proxy.reply = lambda head, body, t: None
    conn = http.client.HTTPConnection("127.0.0.1", proxy.proxy_port, timeout=30)
    conn.request("GET", "/", headers={"Host": "web.local"})
    resp = conn.getresponse()
    assert resp.status == 504 and b"504 Gateway Time-out" in resp.read()
    conn.close()


def test_an_http10_client_gets_a_chunked_body_decoded_then_the_close(proxy: Harness) -> None:
    proxy.reply = lambda head, body, t: t.write(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n7;x=y\r\n, world\r\n0\r\n\r\n")
    s = connect(proxy)
    s.sendall(b"GET / HTTP/1.0\r\nHost: web.local\r\nConnection: keep-alive\r\n\r\n")
    buf = b""
    while chunk := s.recv(65536):
        buf += chunk
    head, _, body = buf.partition(b"\r\n\r\n")
    assert body == b"hello, world"
    assert dict(headers_of(head))["Connection"] == "close"
    assert "Transfer-Encoding" not in dict(headers_of(head))
    s.close()


@pytest.mark.parametrize("step", [1, 2, 3, 7, 1000])
def test_the_chunk_scanner_finds_the_end_and_the_data_in_any_split(step: int) -> None:
    from kubenb.net.ingress_wire import Framer

    wire = b"5\r\nhello\r\nA;ext=\"q\"\r\n0123456789\r\n0\r\nTrailer: x\r\n\r\nNEXT"
    framer, data, used = Framer(0, True, decode=True), b"", 0
    for i in range(0, len(wire), step):
        block = wire[i:i + step]
        n = framer.feed(block)
        data += b"".join(block[a:b] for a, b in framer.spans or [])
        framer.spans = []
        used += n
        if framer.done:
            break
    assert (framer.done, used, data) == (True, len(wire) - 4, b"hello0123456789")


class _Transport:
    """A transport double: records writes and reading pauses; a write over `high` bytes pauses
    its protocol's writing, as a full socket would."""

    def __init__(self, high: int = 1 << 30) -> None:
        self.out, self.reading, self.high, self.protocol = b"", True, high, None

    def write(self, data: bytes) -> None:
        self.out += data
        if len(data) > self.high and self.protocol is not None:
            self.protocol.pause_writing()

    def pause_reading(self) -> None:
        self.reading = False

    def resume_reading(self) -> None:
        self.reading = True

    def get_extra_info(self, name: str) -> Any:
        return ("127.0.0.1", 40000)

    def close(self) -> None:
        self.reading = False


def test_a_pod_connection_paused_by_a_full_client_goes_back_to_the_pool_reading() -> None:
    loop = asyncio.new_event_loop()
    try:
        h = Harness(loop)
        h.pod_port = 8080
        pod_side = _Transport()
        conn = ingress_upstream.UpstreamConn(h.pool, ("127.0.0.1", 8080))
        conn.connection_made(pod_side)
        h.pool.put(conn)
        client_side = _Transport(high=100)
        client = ClientConn(h, "http", b"80", ("127.0.0.1", 80))
        client_side.protocol = client  # type: ignore[assignment]
        client.connection_made(client_side)
        client.data_received(b"GET / HTTP/1.1\r\nHost: web.local\r\n\r\n")
        assert pod_side.out.startswith(b"GET / HTTP/1.1\r\nHost: web.local\r\n")
        conn.data_received(ok(b"x" * 1000))  # the last write fills the client's socket
        assert client_side.out.endswith(b"x" * 1000)
        assert h.pool.idle[("127.0.0.1", 8080)] == [conn] and pod_side.reading
    finally:
        loop.close()


def test_an_idle_client_connection_is_closed_after_the_keepalive_timeout(proxy: Harness, monkeypatch: Any) -> None:
    from kubenb.net import ingress_proxy

    monkeypatch.setattr(ingress_proxy, "KEEPALIVE_TIMEOUT", 0.2)
    s = connect(proxy)
    s.sendall(b"GET / HTTP/1.1\r\nHost: web.local\r\n\r\n")
    assert s.response()[1] == b"hello"
    assert s.recv(10) == b""  # closed by the controller, not by this side
    s.close()
