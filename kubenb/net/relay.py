"""TCP relaying on asyncio: a listener that hands each connection to a backend it picks.

kube-proxy (proxy.py) and `kubectl port-forward` (portforward.py) both accept TCP
connections on a loopback address and splice each one to a backend `(host, port)`. A
`Listener` binds the address; for every accepted connection it asks its `pick(client_ip)`
for the candidate backends in order and connects to the first that accepts (kube-proxy hands
exactly one: iptables never retries another backend). `pick` may instead answer `None`:
the packets are dropped — the connection is held, unanswered, until the client gives up or
`DROP_TIMEOUT` (Linux's SYN retries, 127 s) runs out, then reset. A loopback
connect completes inside the `connect()` call, so the backend is normally connected within
the accept callback itself and no loop turn is spent waiting; otherwise a task connects,
and what the client sent meanwhile is kept and sent first. Bytes are then relayed both
ways by two `asyncio.Protocol`s that write what they read straight into the other side's
transport: large reads (the transport's own buffer size), TCP_NODELAY, no parsing, and
flow control by pausing the reader when the other side's write buffer is full. Half-closes
are passed on (`write_eof`); the pair closes when both directions ended or either side
failed. When no backend accepts, the client connection is reset (RST, as a refused connect).

Everything here runs on one event loop (the control plane's). `Listener.close()` stops
accepting; `abort_connections()` also cuts the connections it accepted; a `Connections`
registry shared by several listeners lets their owner cut everything at stop.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import socket
import struct
from collections.abc import Callable, Sequence

log = logging.getLogger("kubenb.net.relay")

Backend = tuple[str, int]
Picker = Callable[[str], Sequence[Backend] | None]  # client IP -> backends to try; None: drop
CONNECT_TIMEOUT = 5.0
DROP_TIMEOUT = 127.0  # a dropped SYN: 1+2+4+…+64 s of retries (tcp_syn_retries=6), then ETIMEDOUT


def _nodelay(transport: asyncio.BaseTransport) -> None:
    sock = transport.get_extra_info("socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass


class _Half(asyncio.Protocol):
    """One side of a relayed pair; forwards what it reads to `peer`'s transport."""

    def __init__(self, pair: Pair) -> None:
        self.pair = pair
        self.transport: asyncio.Transport | None = None
        self.peer: _Half | None = None
        self.eof = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        _nodelay(transport)

    def data_received(self, data: bytes) -> None:
        peer = self.peer
        if peer is not None and peer.transport is not None:
            peer.transport.write(data)

    def eof_received(self) -> bool:
        self.eof = True
        peer = self.peer
        if peer is None or peer.transport is None:
            return False
        if peer.eof or not peer.transport.can_write_eof():
            self.pair.close()
            return False
        peer.transport.write_eof()
        return True  # keep our write side open: the other direction may still flow

    def pause_writing(self) -> None:
        if self.peer is not None and self.peer.transport is not None:
            self.peer.transport.pause_reading()

    def resume_writing(self) -> None:
        if self.peer is not None and self.peer.transport is not None:
            self.peer.transport.resume_reading()

    def connection_lost(self, exc: Exception | None) -> None:
        self.pair.close(abort=exc is not None)


class Pair:
    """A client connection and, once connected, its backend connection."""

    def __init__(self, registry: Connections | None) -> None:
        self.client = _Half(self)
        self.backend = _Half(self)
        self.client.peer, self.backend.peer = self.backend, self.client
        self.registry = registry
        self.closed = False
        self.task: asyncio.Task[None] | None = None

    def close(self, abort: bool = False) -> None:
        if self.closed:
            return
        self.closed = True
        if self.task is not None and not self.task.done():
            self.task.cancel()
        for half in (self.client, self.backend):
            if half.transport is not None and not half.transport.is_closing():
                if abort:
                    half.transport.abort()
                else:
                    half.transport.close()
        if self.registry is not None:
            self.registry.discard(self)


class Connections:
    """Every live pair of an owner (kube-proxy, one port-forward), to cut them all at stop."""

    def __init__(self) -> None:
        self._pairs: set[Pair] = set()
        self.closed = False  # after abort_all, late arrivals are cut at once

    def add(self, pair: Pair) -> None:
        self._pairs.add(pair)

    def discard(self, pair: Pair) -> None:
        self._pairs.discard(pair)

    def __len__(self) -> int:
        return len(self._pairs)

    def abort_all(self) -> None:
        self.closed = True
        for pair in list(self._pairs):
            pair.close(abort=True)


class _Accepted(_Half):
    """The client side: on accept, connect to a backend, then relay.

    Bytes the client sends before the backend is connected are kept and sent first. A
    loopback connect completes inside the `connect()` call, so the backend socket is
    usually connected at once and wrapped into a transport without waiting for the loop;
    otherwise (or when it was refused) the connection continues asynchronously."""

    def __init__(self, listener: Listener) -> None:
        self.listener = listener
        pair = Pair(listener.connections)
        super().__init__(pair)
        pair.client = self
        self.peer = pair.backend
        pair.backend.peer = self
        self.early: list[bytes] | None = []
        self.dropped = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        assert self.transport is not None
        if self.listener.aborted or self.listener.connections.closed:
            self.pair.close(abort=True)  # accepted just before its listener was cut
            return
        self.listener.connections.add(self.pair)
        self.listener.own.add(self.pair)
        peer = self.transport.get_extra_info("peername")
        client_ip = peer[0] if peer else ""
        picked = self.listener.pick(client_ip)
        if picked is None:
            self._drop()
            return
        candidates = list(picked)
        state: tuple[socket.socket, bool] | None = None
        while candidates:
            host, port = candidates[0]
            state = _connect_now(host, port)
            if state is None:
                candidates.pop(0)  # refused at once
                continue
            sock, connected = state
            if connected and _wrap(self.pair.backend, sock):
                self._connected(host, port)
                return
            break
        if candidates and state is not None:
            state[0].close()  # still connecting: start over on the loop, without blocking it
        self.pair.task = asyncio.get_running_loop().create_task(self._connect(candidates))

    def _drop(self) -> None:
        """Nothing answers: what the client sends is discarded; reset after DROP_TIMEOUT."""
        self.dropped = True
        loop = asyncio.get_running_loop()
        handle = loop.call_later(self.listener.drop_timeout, self._timed_out)
        self.pair.task = loop.create_task(_expire(handle))

    def _timed_out(self) -> None:
        _reset(self.transport)
        self.pair.close(abort=True)

    def data_received(self, data: bytes) -> None:
        if self.dropped:
            return  # into the void
        if self.early is not None:
            self.early.append(data)
            if sum(map(len, self.early)) > 1 << 20 and self.transport is not None:
                self.transport.pause_reading()  # the backend is slow to answer the connect
            return
        super().data_received(data)

    def eof_received(self) -> bool:
        if self.dropped:
            self.pair.close()  # the client gave up
            return False
        if self.early is not None:
            self.early.append(b"")  # remembered: passed on once connected
            return True
        return super().eof_received()

    def _connected(self, host: str, port: int) -> None:
        early, self.early = self.early or [], None
        backend = self.pair.backend.transport
        assert backend is not None and self.transport is not None
        for chunk in early:
            if chunk:
                backend.write(chunk)
            elif super().eof_received() is False:
                return
        self.transport.resume_reading()
        if self.listener.on_connect is not None:
            self.listener.on_connect(host, port)

    async def _connect(self, candidates: list[Backend]) -> None:
        loop = asyncio.get_running_loop()
        for host, port in candidates:
            if self.pair.closed:
                return
            try:
                await asyncio.wait_for(loop.create_connection(
                    lambda: self.pair.backend, host, port), CONNECT_TIMEOUT)
            except (OSError, asyncio.TimeoutError) as err:
                log.debug("%s: backend %s:%s failed: %s", self.listener.name, host, port, err)
                continue
            if self.pair.closed:
                if self.pair.backend.transport is not None:
                    self.pair.backend.transport.close()
                return
            self._connected(host, port)
            return
        _reset(self.transport)
        self.pair.close(abort=True)  # no backend took it: the client sees a reset

    def connection_lost(self, exc: Exception | None) -> None:
        self.listener.own.discard(self.pair)
        super().connection_lost(exc)


async def _expire(handle: asyncio.TimerHandle) -> None:
    """Lives as long as a dropped connection; cancelled with it, and takes its timer along."""
    try:
        await asyncio.Future()
    finally:
        handle.cancel()


def _reset(transport: asyncio.BaseTransport | None) -> None:
    """Make the coming close an RST (SO_LINGER 0), as a refused or reset connection is."""
    sock = transport.get_extra_info("socket") if transport is not None else None
    if sock is not None:
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass


def _connect_now(host: str, port: int) -> tuple[socket.socket, bool] | None:
    """Start a non-blocking connect: (socket, connected already?), or None when refused."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setblocking(False)
    code = sock.connect_ex((host, port))
    if code not in (0, errno.EINPROGRESS):
        sock.close()
        return None
    try:
        sock.getpeername()
        return sock, True
    except OSError:
        pass
    failed = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
    if failed:
        sock.close()
        return None
    return sock, False


def _wrap(protocol: _Half, sock: socket.socket) -> bool:
    """A transport for a connected socket, made now (selector loops), else False."""
    make = getattr(asyncio.get_running_loop(), "_make_socket_transport", None)
    if make is None:
        return False
    transport = make(sock, protocol)  # connection_made follows on the next loop turn
    protocol.transport = transport  # writes go out (or are buffered) from now on
    _nodelay(transport)
    return True


class Listener:
    """One listening TCP address whose connections go to backends chosen by `pick`.

    It accepts on its own (a reader on the listening socket) rather than through
    `loop.create_server`: each accepted socket gets its transport in the same callback, so
    no loop turn is spent per connection, and closing the listener can never strand a
    connection between accept and transport (it is either handled or refused)."""

    def __init__(self, name: str, host: str, port: int, pick: Picker,
                 connections: Connections | None = None,
                 on_connect: Callable[[str, int], None] | None = None,
                 drop_timeout: float = DROP_TIMEOUT) -> None:
        self.name = name
        self.drop_timeout = drop_timeout
        self.host = host
        self.port = port
        self.pick = pick
        self.connections = connections if connections is not None else Connections()
        self.on_connect = on_connect
        self.own: set[Pair] = set()
        self.sock: socket.socket | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.aborted = False

    async def start(self) -> None:
        """Bind and listen (raises OSError when the address is taken or not local)."""
        self.loop = asyncio.get_running_loop()
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((self.host, self.port))
            sock.listen(128)
            sock.setblocking(False)
        except OSError:
            sock.close()
            raise
        self.sock = sock
        self.port = sock.getsockname()[1]
        self.loop.add_reader(sock.fileno(), self._accept)

    def _accept(self) -> None:
        loop, sock = self.loop, self.sock
        if loop is None or sock is None:
            return
        for _ in range(64):  # a burst at a time, then the loop's other work
            try:
                conn, _ = sock.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as err:  # out of file descriptors …: the client will retry
                log.warning("%s: accept failed: %s", self.name, err)
                return
            conn.setblocking(False)
            protocol = _Accepted(self)
            make = getattr(loop, "_make_socket_transport", None)
            if make is not None:
                make(conn, protocol)  # connection_made follows on the next loop turn
            else:
                loop.create_task(loop.connect_accepted_socket(lambda p=protocol: p, conn))

    def close(self) -> None:
        """Stop accepting (the port refuses from now on); accepted connections go on."""
        if self.sock is not None:
            if self.loop is not None and not self.loop.is_closed():
                self.loop.remove_reader(self.sock.fileno())
            self.sock.close()
            self.sock = None

    def abort_connections(self) -> None:
        self.aborted = True
        for pair in list(self.own):
            pair.close(abort=True)
        self.own.clear()

    @property
    def listening(self) -> bool:
        return self.sock is not None
