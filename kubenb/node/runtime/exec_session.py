"""Streaming exec sessions: a command's stdin, stdout, stderr, terminal size and exit code.

The API server's exec WebSocket (kubenb/server/exec_stream.py) drives an `ExecSession`.
A runtime hands the kubelet an `ExecStart` (what to run, resolved on the control-plane
loop); `start()` then runs on the loop that will drive the session, so bytes go from the
command's pipes to the client without crossing loops. Nothing here decodes text.

- `PipeSession`: a subprocess with pipes (stdin a pipe only when the client sends one),
  stdout and stderr apart.
- `PtySession`: a subprocess on a pseudo-terminal of its own (its controlling terminal):
  stdout and stderr are the one terminal stream, `resize()` sets the window size.
- docker_exec.py `DockerSession`: the engine's exec, attached (the docker runtime).
- `BufferedStart`/`ReplaySession`: a runtime without streaming exec (the simulated one) has
  already run the command; its output and exit code are replayed.

`kill()` ends the command with its whole process group (the client went away).
`run_to_end` drives a session to its end with a given stdin (`kubectl cp` in-process).
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import pty
import signal
import struct
import termios
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

CHUNK = 256 * 1024


class ExecSession:
    """One running command (the base replays nothing and exits 0)."""

    tty = False

    async def read_stdout(self) -> bytes:
        """The next bytes the command wrote on stdout; b"" once it is closed."""
        return b""

    async def read_stderr(self) -> bytes:
        """The next bytes of stderr; b"" once closed (at once with a terminal)."""
        return b""

    def write_stdin(self, data: bytes) -> None:
        """Queue bytes for the command's stdin (ignored without one)."""

    async def drain(self) -> None:
        """Wait until queued stdin is down to the pipe's limit (the client's pace)."""

    def close_stdin(self) -> None:
        """End of input (the command reads EOF)."""

    def resize(self, width: int, height: int) -> None:
        """The client's terminal changed size."""

    async def wait(self) -> int:
        """The exit code (128+N for a signal N)."""
        return 0

    def kill(self) -> None:
        """End the command and everything it started."""


class ExecStart(Protocol):
    """What to run; `start()` runs it on the caller's loop (stdin: the client sends one)."""

    async def start(self, stdin: bool, tty: bool,
                    size: tuple[int, int] | None = None) -> ExecSession: ...


class ReplaySession(ExecSession):
    """Output of a command that already ran (runtimes without streaming exec)."""

    def __init__(self, code: int, output: bytes) -> None:
        self.code, self._out = code, output

    async def read_stdout(self) -> bytes:
        out, self._out = self._out, b""
        return out

    async def wait(self) -> int:
        return self.code


@dataclass
class BufferedStart:
    """A command run to completion already: its exit code and combined output."""

    code: int
    output: bytes

    async def start(self, stdin: bool, tty: bool,
                    size: tuple[int, int] | None = None) -> ExecSession:
        return ReplaySession(self.code, self.output)


def _set_size(fd: int, width: int, height: int) -> None:
    with contextlib.suppress(OSError, struct.error):
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", height, width, 0, 0))


def _exit_code(returncode: int) -> int:
    return 128 - returncode if returncode < 0 else returncode


def _killpg(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


class ExecGroup:
    """The exec commands running in one container: its end ends them (in a real container
    they live in its PID namespace, which the kernel empties when its first process dies).
    `kill_all` may be called from another thread than the one that added them."""

    def __init__(self) -> None:
        self._procs: set[asyncio.subprocess.Process] = set()

    def add(self, proc: asyncio.subprocess.Process) -> None:
        self._procs = {p for p in self._procs if p.returncode is None} | {proc}

    def kill_all(self) -> None:
        procs, self._procs = self._procs, set()
        for proc in procs:
            if proc.returncode is None:
                _killpg(proc.pid)


@dataclass
class ProcessStart:
    """A program to run as a subprocess of the kernel (the process runtime's exec);
    `group`: the container's running execs, which it joins."""

    program: str
    argv: list[str]
    env: dict[str, str]
    cwd: str
    group: ExecGroup | None = None

    async def start(self, stdin: bool, tty: bool,
                    size: tuple[int, int] | None = None) -> ExecSession:
        cwd = self.cwd if os.path.isdir(self.cwd) else None
        if tty:
            session = await PtySession.spawn(self.program, self.argv, self.env, cwd, size)
            if self.group is not None:
                self.group.add(session.proc)
            return session
        proc = await asyncio.create_subprocess_exec(
            self.program, *self.argv[1:], stdin=asyncio.subprocess.PIPE if stdin
            else asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE, env=self.env, cwd=cwd, start_new_session=True,
            limit=CHUNK)
        if self.group is not None:
            self.group.add(proc)
        return PipeSession(proc)


class PipeSession(ExecSession):
    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc

    async def read_stdout(self) -> bytes:
        assert self.proc.stdout is not None
        return await self.proc.stdout.read(CHUNK)

    async def read_stderr(self) -> bytes:
        assert self.proc.stderr is not None
        return await self.proc.stderr.read(CHUNK)

    def write_stdin(self, data: bytes) -> None:
        stdin = self.proc.stdin
        if stdin is not None and not stdin.is_closing():
            stdin.write(data)

    async def drain(self) -> None:
        stdin = self.proc.stdin
        if stdin is not None and not stdin.is_closing():
            with contextlib.suppress(ConnectionError):
                await stdin.drain()

    def close_stdin(self) -> None:
        stdin = self.proc.stdin
        if stdin is not None and not stdin.is_closing():
            stdin.close()

    async def wait(self) -> int:
        return _exit_code(await self.proc.wait())

    def kill(self) -> None:
        self.close_stdin()
        if self.proc.returncode is None:
            _killpg(self.proc.pid)


class PtySession(ExecSession):
    """A command on a terminal: the master side is read and written here."""

    tty = True

    def __init__(self, proc: asyncio.subprocess.Process, master: int) -> None:
        self.proc, self.master = proc, master
        self.loop = asyncio.get_running_loop()
        self._out: asyncio.Queue[bytes] = asyncio.Queue()
        self._pending = b""
        self._closed = False
        self.loop.add_reader(master, self._readable)

    @classmethod
    async def spawn(cls, program: str, argv: list[str], env: dict[str, str],
                    cwd: str | None, size: tuple[int, int] | None = None) -> PtySession:
        """The command on a new terminal of `size` (width, height) from its first byte."""
        master, slave = pty.openpty()
        if size is not None:
            _set_size(master, *size)
        try:
            proc = await asyncio.create_subprocess_exec(
                program, *argv[1:], stdin=slave, stdout=slave, stderr=slave,
                env={"TERM": "xterm", **env}, cwd=cwd, start_new_session=True,
                preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0))
        except BaseException:
            os.close(master)
            raise
        finally:
            os.close(slave)
        os.set_blocking(master, False)
        return cls(proc, master)

    def _readable(self) -> None:
        try:
            data = os.read(self.master, CHUNK)
        except BlockingIOError:
            return
        except OSError:  # EIO: every holder of the terminal's other side has gone
            data = b""
        if not data:
            self.loop.remove_reader(self.master)
        self._out.put_nowait(data)

    async def read_stdout(self) -> bytes:
        if self._closed:
            return b""
        data = await self._out.get()
        if not data:
            self._closed = True
        return data

    def write_stdin(self, data: bytes) -> None:
        if self.master < 0:
            return
        self._pending += data
        self._flush()

    def _flush(self) -> None:
        self.loop.remove_writer(self.master)
        while self._pending:
            try:
                n = os.write(self.master, self._pending)
            except BlockingIOError:
                self.loop.add_writer(self.master, self._flush)
                return
            except OSError:
                self._pending = b""
                return
            self._pending = self._pending[n:]

    def close_stdin(self) -> None:
        self.write_stdin(b"\x04")  # a terminal's end of input: ^D

    def resize(self, width: int, height: int) -> None:
        if self.master >= 0:
            _set_size(self.master, width, height)

    async def wait(self) -> int:
        return _exit_code(await self.proc.wait())

    def kill(self) -> None:
        if self.proc.returncode is None:
            _killpg(self.proc.pid)
        if self.master >= 0:
            self.loop.remove_reader(self.master)
            self.loop.remove_writer(self.master)
            os.close(self.master)
            self.master = -1
            self._out.put_nowait(b"")


async def run_to_end(start: ExecStart, stdin: bytes | None) -> tuple[int, bytes, bytes]:
    """Run `start` without a terminal: `stdin` (None: no stdin) is written and closed, and
    the command's (exit code, stdout, stderr) are returned once it has exited."""
    session = await start.start(stdin is not None, False)

    async def read_all(read: Callable[[], Awaitable[bytes]]) -> bytes:
        chunks: list[bytes] = []
        while chunk := await read():
            chunks.append(chunk)
        return b"".join(chunks)

    async def feed() -> None:
        if stdin is None:
            return
        for at in range(0, len(stdin), CHUNK):
            session.write_stdin(stdin[at:at + CHUNK])
            await session.drain()
        session.close_stdin()

    try:
        out, err, _ = await asyncio.gather(read_all(session.read_stdout),
                                           read_all(session.read_stderr), feed())
        return await session.wait(), out, err
    except BaseException:
        session.kill()
        raise
