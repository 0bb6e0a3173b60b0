"""Streaming `kubectl exec` for the docker runtime: the engine's exec, attached.

`DockerStart.start()` (on the loop that drives the session, exec_session.py) creates the
exec (`exec_create`: stdin only when the client sends one, a terminal with `tty`) and starts
it attached (`exec_start(socket=True)`); the SDK calls run in the engine's threads. The
connection it returns is then read and written on the loop, non-blocking: without a
terminal the engine multiplexes stdout and stderr in frames (an 8-byte header: stream
1 or 2, then the length), with one the bytes are raw. End of stdin half-closes the
connection (the engine closes the command's stdin); on a terminal it is a ^D. Output goes
out as it comes, bytes as they are; a bounded queue per stream paces the engine to the
client.

Exit code: once the output has ended, `exec_inspect`. A command that could not start (no
such executable) is, for the engine, a line `OCI runtime exec failed: …` on stdout and exit
126/127; such a first line is held back until the stream ends, and then `wait()` raises
`ExecError` with it, so the kubelet words it as for any runtime. `kill()` (the client went,
the container stopped) kills the command's process (with its group when it leads one) and
closes the connection; removing the container (cluster deletion) ends it as well.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
from typing import Any

from kubenb.node.runtime.base import ExecError
from kubenb.node.runtime.docker_engine import Engine
from kubenb.node.runtime.exec_session import CHUNK, ExecSession

FAILED = b"OCI runtime exec failed"
STDOUT, STDERR = 1, 2
QUEUED = 16  # chunks waiting per stream before the engine's connection is not read
KILL_GRACE = 5.0  # seconds a killed command's output may take to end before it is cut


class DockerStart:
    """A command to run in a running container (resolved by the kubelet)."""

    def __init__(self, engine: Engine, container_id: str, argv: list[str]) -> None:
        self.engine, self.container_id, self.argv = engine, container_id, list(argv)

    async def start(self, stdin: bool, tty: bool,
                    size: tuple[int, int] | None = None) -> ExecSession:
        session = DockerSession(self.engine, self.container_id, tty, stdin)
        opening = asyncio.ensure_future(self.engine.run(session.open, self.argv))
        try:
            await asyncio.shield(opening)
        except asyncio.CancelledError:  # the client went while the engine was starting it
            opening.add_done_callback(
                lambda f: f.cancelled() or f.exception() is not None or session.abandon())
            raise
        session.begin(size)
        return session


class DockerSession(ExecSession):
    """One attached exec of the engine."""

    def __init__(self, engine: Engine, container_id: str, tty: bool, stdin: bool) -> None:
        self.engine, self.container_id, self.tty, self.stdin = engine, container_id, tty, stdin
        self.loop = asyncio.get_running_loop()
        self.exec_id = ""
        self.sock: socket.socket | None = None
        self._keep: Any = None  # the SDK's socket object (it holds the HTTP response)
        self._out: asyncio.Queue[bytes] = asyncio.Queue(QUEUED)
        self._err: asyncio.Queue[bytes] = asyncio.Queue(QUEUED)
        self._ended = [False, False]
        self._code: asyncio.Future[int] = self.loop.create_future()
        self._failure: str | None = None
        self._first = True
        self._held: bytes | None = None
        self._wbuf = bytearray()
        self._eof = False  # stdin is to be closed once what is queued is written
        self._writer: asyncio.Task[None] | None = None
        self._reader: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._killed = False

    # ---- set-up (engine threads) ------------------------------------------------------------

    def open(self, argv: list[str]) -> None:
        """Create and start the exec, attached (blocking: runs in an engine thread)."""
        import docker.errors

        api = self.engine.client.api
        try:
            created = api.exec_create(self.container_id, argv, stdin=self.stdin, stdout=True,
                                      stderr=True, tty=self.tty)
            self.exec_id = created["Id"]
            self._keep = api.exec_start(self.exec_id, tty=self.tty, socket=True)
        except docker.errors.APIError as err:
            raise OSError(str(err.explanation or err)) from None
        sock = getattr(self._keep, "_sock", self._keep)
        assert isinstance(sock, socket.socket)
        sock.setblocking(False)
        self.sock = sock

    def begin(self, size: tuple[int, int] | None) -> None:
        """Start reading the connection (on the loop); a terminal gets the client's size."""
        self._reader = self.loop.create_task(self._read())
        if size is not None:
            self.resize(*size)

    def abandon(self) -> None:
        """Started for nobody: killed, its connection closed once it ends."""
        self.begin(None)
        self.kill()

    def _background(self, fn: Any, *args: Any) -> None:
        async def run() -> None:
            with contextlib.suppress(Exception):
                await self.engine.run(fn, *args)

        task = self.loop.create_task(run())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # ---- output ------------------------------------------------------------------------------

    async def _read(self) -> None:
        assert self.sock is not None
        buf = bytearray()
        try:
            while data := await self.loop.sock_recv(self.sock, CHUNK):
                if self.tty:
                    await self._deliver(STDOUT, data)
                    continue
                buf += data
                while len(buf) >= 8:
                    end = 8 + int.from_bytes(buf[4:8], "big")
                    if len(buf) < end:
                        break
                    stream, payload = buf[0], bytes(buf[8:end])
                    del buf[:end]
                    await self._deliver(STDERR if stream == STDERR else STDOUT, payload)
        except OSError:
            pass
        finally:
            self._close_socket()
        code = await self._exit_code()
        if self._held is not None and code in (126, 127):
            self._failure = self._held.decode("utf-8", "replace").strip()
        elif self._held is not None:
            await self._out.put(self._held)
        self._held = None
        await self._out.put(b"")
        await self._err.put(b"")
        if not self._code.done():
            self._code.set_result(code)

    async def _deliver(self, stream: int, data: bytes) -> None:
        if self._first:
            self._first = False
            if stream == STDOUT and data.startswith(FAILED):
                self._held = data  # the engine's words if the command never started
                return
        if self._held is not None:
            held, self._held = self._held, None
            await self._out.put(held)
        await (self._err if stream == STDERR else self._out).put(data)

    async def _exit_code(self) -> int:
        try:
            info = await self.engine.run(self.engine.client.api.exec_inspect, self.exec_id)
        except Exception:  # noqa: BLE001 - the container (and its execs) are gone
            return 137
        if info.get("Running"):  # its output closed before it exited: wait for the exit
            info = await self.engine.run(self._wait_exit)
        code = info.get("ExitCode")
        return 126 if code is None else int(code)

    def _wait_exit(self) -> dict[str, Any]:
        api = self.engine.client.api
        stream = self.engine.client.events(decode=True, filters={
            "container": self.container_id, "event": "exec_die"})
        try:
            info = api.exec_inspect(self.exec_id)  # it may have exited meanwhile
            if not info.get("Running"):
                return info
            for event in stream:
                if ((event.get("Actor") or {}).get("Attributes") or {}).get("execID") == self.exec_id:
                    break
        finally:
            stream.close()
        return api.exec_inspect(self.exec_id)

    async def _read_from(self, queue: asyncio.Queue[bytes], which: int) -> bytes:
        if self._ended[which]:
            return b""
        data = await queue.get()
        if not data:
            self._ended[which] = True
        return data

    async def read_stdout(self) -> bytes:
        return await self._read_from(self._out, 0)

    async def read_stderr(self) -> bytes:
        return await self._read_from(self._err, 1)

    async def wait(self) -> int:
        code = await asyncio.shield(self._code)
        if self._failure is not None:
            raise ExecError(self._failure)
        return code

    # ---- input -------------------------------------------------------------------------------

    def write_stdin(self, data: bytes) -> None:
        if not self.stdin or self._eof or self.sock is None:
            return
        self._wbuf += data
        if self._writer is None or self._writer.done():
            self._writer = self.loop.create_task(self._flush())

    async def _flush(self) -> None:
        try:
            while self._wbuf and self.sock is not None:
                chunk = bytes(self._wbuf[:CHUNK])
                del self._wbuf[:CHUNK]
                await self.loop.sock_sendall(self.sock, chunk)
            if self._eof and self.sock is not None:
                self.sock.shutdown(socket.SHUT_WR)
        except OSError:
            self._wbuf.clear()

    async def drain(self) -> None:
        writer = self._writer
        if writer is not None and not writer.done():
            with contextlib.suppress(Exception):
                await asyncio.shield(writer)

    def close_stdin(self) -> None:
        if not self.stdin or self._eof:
            return
        if self.tty:  # a terminal's end of input is ^D, as exec_session.PtySession sends
            self.write_stdin(b"\x04")
            return
        self._eof = True
        if self._writer is None or self._writer.done():
            self._writer = self.loop.create_task(self._flush())

    def resize(self, width: int, height: int) -> None:
        if self.tty and self.exec_id and width > 0 and height > 0:
            self._background(self.engine.client.api.exec_resize, self.exec_id, height, width)

    # ---- the end -----------------------------------------------------------------------------

    def kill(self) -> None:
        if self._killed or self._code.done():
            return
        self._killed = True
        task = self.loop.create_task(self._terminate())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _terminate(self) -> None:
        with contextlib.suppress(Exception):
            await self.engine.run(self._kill_process)
        reader = self._reader
        if reader is not None and not reader.done():
            _, slow = await asyncio.wait([reader], timeout=KILL_GRACE)
            if slow:  # the engine keeps the connection open: cut it, output unread
                reader.cancel()
                for queue in (self._out, self._err):
                    while not queue.empty():
                        queue.get_nowait()
                    queue.put_nowait(b"")
        if not self._code.done():
            self._code.set_result(137)

    def _kill_process(self) -> None:
        info = self.engine.client.api.exec_inspect(self.exec_id)
        pid = int(info.get("Pid") or 0)
        if not info.get("Running") or pid <= 0:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            if os.getpgid(pid) == pid:
                os.killpg(pid, signal.SIGKILL)
            else:
                os.kill(pid, signal.SIGKILL)

    def _close_socket(self) -> None:
        """Close the connection once a pending write has let go of it (its cancellation
        unregisters the socket from the loop first)."""
        if self._writer is not None and not self._writer.done():
            self._writer.cancel()
        sock, self.sock, keep, self._keep = self.sock, None, self._keep, None
        self.loop.call_soon(_close, sock, keep)


def _close(sock: socket.socket | None, keep: Any) -> None:
    for part in (sock, keep):
        if part is not None:
            with contextlib.suppress(Exception):
                part.close()
