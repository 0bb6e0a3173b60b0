"""`pods/NAME/exec` over plain SPDY/3.1: kubectl before 1.30 (or with
`KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false`) and Go tools built on client-go's SPDY executor.

The client POSTs with `Upgrade: SPDY/3.1` and the channel protocols it speaks in
`X-Stream-Protocol-Version`; the first of its list this server knows (v5, v4) is answered
(spdy_upgrade.py). It then opens one SPDY stream per channel, named by its `streamtype`
header: `error`, and `stdin`, `stdout`, `stderr`, `resize` as the request asked for them.
Once all are there the command starts (exec_session.py); stdin's data goes to it and its FIN
closes the command's stdin; `resize` carries JSON terminal sizes one after another. Output
goes out on the stdout and stderr streams as it comes, then the exit Status (the same bytes
as over WebSocket) on the error stream, and every stream is finished (FIN).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

from tornado.iostream import StreamClosedError

from kubenb.server.channels import ERROR, STDERR, STDIN, STDOUT, V4, V5, error_status
from kubenb.server.spdy import GOAWAY, PING, RST_STREAM, SYN_STREAM, ProtocolError, SpdyFramer
from kubenb.server.spdy_upgrade import RawLink

PROTOCOLS = (V5, V4)
CHANNELS = {"stdin": STDIN, "stdout": STDOUT, "stderr": STDERR, "error": ERROR}


def choose_protocol(headers: Any) -> str | None:
    """The client's first channel protocol that this server speaks."""
    for value in headers.get_list("X-Stream-Protocol-Version"):
        for proto in (p.strip() for p in value.split(",")):
            if proto in PROTOCOLS:
                return proto
    return None


class SpdyExec:
    """One exec session on a SPDY connection; `h` is the ExecHandler that checked it."""

    def __init__(self, link: RawLink, h: Any) -> None:
        self.link, self.h = link, h
        self.framer = SpdyFramer()
        self.wanted = {"error"} | {name for name, on in (
            ("stdin", h.stdin), ("stdout", h.stdout), ("stderr", h.flag("stderr")),
            ("resize", h.tty)) if on}
        self.streams: dict[str, int] = {}
        self.session: Any = None
        self.early: list[tuple[int, bytes, bool]] = []
        self.sizes = b""
        self.sized = asyncio.Event()
        self.task: asyncio.Task[None] | None = None

    def received(self, data: bytes) -> None:
        try:
            frames = list(self.framer.feed(data))
        except ProtocolError:
            self.link.emit(self.framer.goaway(0, 1))
            self.link.close()
            return
        for f in frames:
            if f.kind == SYN_STREAM:
                self.link.emit(self.framer.syn_reply(f.stream_id))
                self.streams[f.headers.get("streamtype", "")] = f.stream_id
                if self.task is None and self.wanted <= set(self.streams):
                    self.task = asyncio.ensure_future(self._run())
            elif f.kind == 0:
                self._data(f.stream_id, f.data, f.fin)
            elif f.kind == PING:
                self.link.emit(self.framer.ping(f.value))
            elif f.kind in (GOAWAY, RST_STREAM) and f.stream_id in (
                    0, self.streams.get("error")):
                self.link.close()

    def _data(self, sid: int, data: bytes, fin: bool) -> None:
        if sid == self.streams.get("resize"):
            self.sizes += data
            decoder = json.JSONDecoder()
            while self.sizes.strip():
                try:
                    size, end = decoder.raw_decode(self.sizes.decode("utf-8").lstrip())
                except ValueError:
                    return  # the rest of this size comes in the next frame
                self.sizes = self.sizes.decode("utf-8").lstrip()[end:].encode("utf-8")
                with contextlib.suppress(AttributeError, TypeError, ValueError):
                    self.h.size = (int(size.get("Width") or 0), int(size.get("Height") or 0))
                    self.sized.set()
                    if self.session is not None:
                        self.session.resize(*self.h.size)
        elif sid == self.streams.get("stdin"):
            if self.session is None:
                self.early.append((sid, data, fin))
                return
            if data:
                self.session.write_stdin(data)
            if fin:
                self.session.close_stdin()

    async def _send(self, channel: int, data: bytes, fin: bool = False) -> bool:
        name = {v: k for k, v in CHANNELS.items()}[channel]
        sent = self.link.emit(self.framer.data(self.streams[name], data, fin))
        if sent is None:
            return False
        try:
            await sent
        except StreamClosedError:
            return False
        return True

    async def _run(self) -> None:
        from kubenb.server.exec_stream import SIZE_WAIT, drive

        h = self.h
        try:
            if h.failure is not None or h.start is None:
                await self._send(ERROR, error_status(h.failure), True)
                return
            if h.tty:  # the command starts on a terminal of the client's size
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(self.sized.wait(), SIZE_WAIT)
            self.session = await h.start.start(h.stdin, h.tty, h.size)
            for sid, data, fin in self.early:
                self._data(sid, data, fin)
            untie = h.tie(self.session)
            try:
                await drive(self.session, self._send, h.stdout, h.stderr, h.argv,
                            h.container_id)
            finally:
                untie()
            for name in ("stdout", "stderr", "error"):
                if name in self.streams:
                    await self._send(CHANNELS[name], b"", True)
        finally:
            self.link.close()

    def close(self) -> None:
        if self.session is not None:
            self.session.kill()
        if self.task is not None and not self.task.done():
            self.task.cancel()
