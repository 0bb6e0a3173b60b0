"""`pods/NAME/portforward` over WebSocket: real TCP connections to the pod's ports.

Two ways to speak it, chosen by the WebSocket subprotocol:

- `SPDY/3.1+portforward.k8s.io` (kubectl 1.31+ `port-forward`): the messages tunnel a SPDY
  connection (spdy.py). For each local connection kubectl opens an error stream and a data
  stream (headers `streamtype`, `port`, `requestid`); once both of a request id are there
  the server connects to the pod's IP and port and relays the data stream both ways. A
  client FIN half-closes the pod connection; the pod's EOF is a FIN on the data stream;
  when one direction has ended the other gets a second (containerd's grace) and then the
  error stream closes — with the reason first if the connection could not be made.
- `v4.channel.k8s.io` (or none; the Python client's `portforward()`): the ports come from
  the `ports` query parameter (repeated or comma-separated); port i uses data channel 2i and
  error channel 2i+1, and the first frame on each carries the port number (two bytes, little
  endian). A refused connection is reported on its error channel; when every port is done
  the connection closes.

Plain SPDY (no WebSocket; older kubectl, client-go's SPDY dialer) is the same session on the
HTTP connection itself (spdy_upgrade.py). The pod's address is its `status.podIP` (the process runtime: a loopback address; Docker:
the container's IP). Connections are closed when the WebSocket goes, either side.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from typing import Any

import tornado.websocket
from tornado.iostream import StreamClosedError

from kubenb.api.errors import BadRequest
from kubenb.server.channels import V4, ChannelSocket
from kubenb.server.paths import parse
from kubenb.server.pods import kubelet_of
from kubenb.server.spdy import GOAWAY, PING, RST_STREAM, SYN_STREAM, ProtocolError, SpdyFramer
from kubenb.server.spdy_upgrade import RawLink, serve_spdy, wants_spdy

PROTOCOL = "portforward.k8s.io"
TUNNEL = "SPDY/3.1+" + PROTOCOL
CHUNK = 1024 * 1024
HALF_CLOSED_GRACE = 1.0  # containerd: the other direction gets a second once one has ended


def parse_ports(values: list[str]) -> list[int]:
    """The `ports` query values (each may be a comma-separated list), as the apiserver reads
    them into PodPortForwardOptions."""
    ports: list[int] = []
    for value in values:
        for part in value.split(","):
            try:
                port = int(part)
            except ValueError:
                raise BadRequest(f'invalid port "{part}"') from None
            if not 0 < port < 65536:
                raise BadRequest(f"port {port} must be > 0 and < 65536")
            ports.append(port)
    return ports


class PortForwardHandler(ChannelSocket):
    """One port-forward connection (any number of TCP connections through it)."""

    PROTOCOLS = (TUNNEL, V4)

    def initialize(self, api: Any) -> None:
        super().initialize(api)
        self.mode: ChannelForwarder | SpdyForwarder | None = None

    async def check_request(self) -> None:
        t = parse(self.request.path)
        assert t is not None and t.name is not None and t.namespace is not None
        pod = self.api.store.get("Pod", t.namespace, t.name)
        kubelet_of(self.api, t.namespace, t.name)  # a pod with no node: refused
        self.uid = pod["metadata"].get("uid", "")
        self.pod_ip = (pod.get("status") or {}).get("podIP") or ""
        offered = self.request.headers.get("Sec-WebSocket-Protocol", "")
        self.ports: list[int] = []
        spdy = wants_spdy(self.request.headers, PROTOCOL)  # ports come with each stream
        if not spdy and TUNNEL not in [p.strip() for p in offered.split(",")]:
            self.ports = parse_ports(self.get_query_arguments("ports"))
            if not self.ports:
                raise BadRequest('query parameter "port" is required')

    async def post(self, *args: Any, **kwargs: Any) -> None:
        """Plain SPDY (kubectl < 1.31, client-go's SPDY dialer): spdy_upgrade.py."""
        if not wants_spdy(self.request.headers, PROTOCOL):
            await super().post(*args, **kwargs)
            return
        if await self.accepted(self.refuse_upgrade):
            await serve_spdy(self, PROTOCOL, SpdyForwarder)

    async def opened(self) -> None:
        if self.selected_subprotocol == TUNNEL:
            self.mode = SpdyForwarder(self)
        else:
            self.mode = ChannelForwarder(self)
            await self.mode.start()

    def on_message(self, message: str | bytes) -> None:
        if isinstance(message, str):  # a text frame carries the same bytes (wsstream)
            message = message.encode("utf-8")
        if self.mode is not None and message:
            self.mode.received(message)

    def ended(self) -> None:
        if self.mode is not None:
            self.mode.close()

    def emit(self, data: bytes) -> asyncio.Future[None] | None:
        """Queue one binary message; None once the connection is closed."""
        try:
            return self.write_message(data, binary=True)
        except tornado.websocket.WebSocketClosedError:
            return None

    async def connect(self, port: int) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        """A TCP connection to the pod's port; OSError → `failure(port, err)`."""
        if not self.pod_ip:
            raise OSError(f"pod {self.uid} has no IP address")
        return await asyncio.open_connection(self.pod_ip, port, limit=CHUNK)

    def failure(self, port: int, err: OSError) -> bytes:
        """The kubelet's words for a connection the pod refused."""
        reason = os.strerror(err.errno) if err.errno else str(err)
        reason = reason[:1].lower() + reason[1:]
        return (f"error forwarding port {port} to pod {self.uid}, uid : failed to connect to "
                f'localhost:{port} inside namespace "{self.uid}", IPv4: dial tcp4 '
                f"{self.pod_ip}:{port}: connect: {reason} ").encode()


async def _pump(reader: asyncio.StreamReader, send: Any) -> None:
    """Copy the pod's bytes to `send(data)` (awaited: the client's pace) until EOF."""
    while data := await reader.read(CHUNK):
        if not await send(data):
            return


def _close(writer: asyncio.StreamWriter | None) -> None:
    if writer is not None:
        with contextlib.suppress(Exception):
            writer.close()


class ChannelForwarder:
    """`v4.channel.k8s.io`: one connection per requested port for the WebSocket's life."""

    def __init__(self, h: PortForwardHandler) -> None:
        self.h = h
        self.writers: dict[int, asyncio.StreamWriter | None] = {}
        self.pending: dict[int, list[bytes]] = {i: [] for i in range(len(h.ports))}
        self.tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        for i, port in enumerate(self.h.ports):
            for channel in (2 * i, 2 * i + 1):
                await self.h.send(channel, port.to_bytes(2, "little"))
        self.tasks = [asyncio.ensure_future(self._forward(i, port))
                      for i, port in enumerate(self.h.ports)]
        asyncio.ensure_future(self._close_when_done())

    async def _close_when_done(self) -> None:
        await asyncio.gather(*self.tasks, return_exceptions=True)
        self.h.close(1000)

    async def _forward(self, i: int, port: int) -> None:
        try:
            reader, writer = await self.h.connect(port)
        except OSError as err:
            self.writers[i] = None
            await self.h.send(2 * i + 1, self.h.failure(port, err))
            return
        self.writers[i] = writer
        for data in self.pending.pop(i, []):
            writer.write(data)
        try:
            await _pump(reader, lambda data: self.h.send(2 * i, data))
        finally:
            _close(writer)

    def received(self, message: bytes) -> None:
        channel, data = message[0], message[1:]
        i = channel // 2
        if channel % 2 or i >= len(self.h.ports) or not data:
            return
        if i in self.writers:
            writer = self.writers[i]
            if writer is not None and not writer.is_closing():
                writer.write(data)
        else:
            self.pending[i].append(data)

    def close(self) -> None:
        for task in self.tasks:
            task.cancel()
        for writer in self.writers.values():
            _close(writer)


class SpdyForward:
    """One kubectl connection: its error and data streams and the pod connection."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.error_id = self.data_id = 0
        self.writer: asyncio.StreamWriter | None = None
        self.pending: list[bytes] = []
        self.client_eof = False
        self.client_done = asyncio.Event()  # FIN or RST from the client
        self.task: asyncio.Task[None] | None = None

    def from_client(self, data: bytes, fin: bool) -> None:
        if data:
            if self.writer is None:
                self.pending.append(data)
            elif not self.writer.is_closing():
                self.writer.write(data)
        if fin:
            self.client_eof = True
            if self.writer is not None and self.writer.can_write_eof():
                with contextlib.suppress(OSError):
                    self.writer.write_eof()
            self.client_done.set()


class SpdyForwarder:
    """`SPDY/3.1+portforward.k8s.io`: kubectl's connections as pairs of SPDY streams."""

    def __init__(self, h: PortForwardHandler | RawLink) -> None:
        self.h = h  # the WebSocket tunnel, or a plain SPDY connection (spdy_upgrade.py)
        self.framer = SpdyFramer()
        self.requests: dict[str, SpdyForward] = {}
        self.by_stream: dict[int, SpdyForward] = {}

    def received(self, message: bytes) -> None:
        try:
            frames = list(self.framer.feed(message))
        except ProtocolError:
            self.h.emit(self.framer.goaway(0, 1))
            self.h.close(1002)
            return
        for f in frames:
            if f.kind == 0:
                fw = self.by_stream.get(f.stream_id)
                if fw is not None and f.stream_id == fw.data_id:
                    fw.from_client(f.data, f.fin)
            elif f.kind == SYN_STREAM:
                self._syn_stream(f.stream_id, f.headers)
            elif f.kind == RST_STREAM:
                fw = self.by_stream.get(f.stream_id)
                if fw is not None and f.stream_id == fw.data_id:
                    fw.client_done.set()
            elif f.kind == PING:
                self.h.emit(self.framer.ping(f.value))
            elif f.kind == GOAWAY:
                self.h.close(1000)

    def _syn_stream(self, sid: int, headers: dict[str, str]) -> None:
        self.h.emit(self.framer.syn_reply(sid))
        kind, rid = headers.get("streamtype"), headers.get("requestid", "")
        try:
            port = int(headers.get("port", ""))
        except ValueError:
            port = 0
        fw = self.requests.get(rid)
        if fw is None:
            fw = self.requests[rid] = SpdyForward(port)
        if kind == "error":
            fw.error_id = sid
        elif kind == "data":
            fw.data_id = sid
        self.by_stream[sid] = fw
        if fw.error_id and fw.data_id and fw.task is None:
            fw.task = asyncio.ensure_future(self._forward(rid, fw))

    async def _send(self, sid: int, data: bytes, fin: bool = False) -> bool:
        """One data frame; the header and a large payload go as two messages (the tunnel is
        one byte stream), which spares copying the payload once more."""
        if len(data) > 4096:
            if self.h.emit(self.framer.data_header(sid, len(data), fin)) is None:
                return False
            sent = self.h.emit(data)
        else:
            sent = self.h.emit(self.framer.data(sid, data, fin))
        if sent is None:
            return False
        try:
            await sent
        except (tornado.websocket.WebSocketClosedError, StreamClosedError):
            return False
        return True

    async def _forward(self, rid: str, fw: SpdyForward) -> None:
        try:
            if not 0 < fw.port < 65536:
                await self._send(fw.error_id, f"invalid port {fw.port}".encode(), True)
                return
            try:
                reader, fw.writer = await self.h.connect(fw.port)
            except OSError as err:
                await self._send(fw.error_id, self.h.failure(fw.port, err))
                await self._send(fw.data_id, b"", True)
                await self._send(fw.error_id, b"", True)
                return
            for data in fw.pending:
                fw.writer.write(data)
            fw.pending = []
            if fw.client_eof and fw.writer.can_write_eof():
                fw.writer.write_eof()
            await self._relay(reader, fw)
            await self._send(fw.error_id, b"", True)
        finally:
            _close(fw.writer)
            self.requests.pop(rid, None)
            for sid in (fw.error_id, fw.data_id):
                self.by_stream.pop(sid, None)

    async def _relay(self, reader: asyncio.StreamReader, fw: SpdyForward) -> None:
        async def pod_to_client() -> None:
            await _pump(reader, lambda data: self._send(fw.data_id, data))
            await self._send(fw.data_id, b"", True)

        out = asyncio.ensure_future(pod_to_client())
        back = asyncio.ensure_future(fw.client_done.wait())
        try:
            await asyncio.wait([out, back], return_when=asyncio.FIRST_COMPLETED)
            await asyncio.wait([out, back], timeout=HALF_CLOSED_GRACE)
        finally:
            out.cancel()
            back.cancel()

    def close(self) -> None:
        for fw in list(self.requests.values()):
            if fw.task is not None:
                fw.task.cancel()
            _close(fw.writer)
