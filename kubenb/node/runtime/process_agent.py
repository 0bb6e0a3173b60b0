"""The kernel's side of a node agent (kubenb/apps/agent.py): start it, talk to it, kill it.

`AgentClient.run(request)` sends a `run` request and waits for `started` (→ pid) or
`failed` (→ `AgentStartFailed`); `signal(id, sig)` forwards SIGTERM/SIGKILL; every `exited`
event goes to the `on_exit(id, code)` callback the runtime gives. The agent process is
started on first use, in its own session, with the owner marker in its environment
(kubenb/node/runtime/reaper.py), stderr appended to `<state_dir>/agent-<node>.log`.

`close()` is the orderly end (stdin closes; the agent kills what is left and exits);
`kill()` is a node failure: the agent is frozen (SIGSTOP, so it cannot start anything
more), then it and every process below it get SIGKILL at once. If the agent dies on its own,
`on_lost()` tells the runtime, which marks its containers dead.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import signal
import sys
from collections.abc import Callable
from typing import Any

import psutil

log = logging.getLogger("kubenb.runtime.process")

# Agents alive in this kernel (pid → client): killed at interpreter exit if nobody stopped them.
LIVE: dict[int, AgentClient] = {}


class AgentStartFailed(Exception):
    """The agent could not start a container's program (its words in the message)."""


def kill_tree(pid: int) -> list[int]:
    """SIGKILL a process and all its descendants at once (frozen first); returns the pids."""
    try:
        root = psutil.Process(pid)
        with contextlib.suppress(psutil.Error):
            root.suspend()
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        return []
    for p in procs[1:]:  # container process groups first, so no child outlives its leader
        with contextlib.suppress(OSError):
            if os.getpgid(p.pid) == p.pid:
                os.killpg(p.pid, signal.SIGKILL)
    for p in procs:
        with contextlib.suppress(psutil.Error):
            p.kill()
    return [p.pid for p in procs]


class AgentClient:
    def __init__(self, node: str, *, env: dict[str, str], stderr_path: str,
                 on_exit: Callable[[str, int], None], on_lost: Callable[[], None]) -> None:
        self.node = node
        self.env = env
        self.stderr_path = stderr_path
        self.on_exit = on_exit
        self.on_lost = on_lost
        self.proc: asyncio.subprocess.Process | None = None
        self._starting: asyncio.Future[asyncio.subprocess.Process] | None = None
        self._reader: asyncio.Task[None] | None = None
        self._waiting: dict[str, asyncio.Future[int]] = {}
        self._closing = False

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc is not None and self.proc.returncode is None else None

    async def _ensure(self) -> asyncio.subprocess.Process:
        if self.proc is not None and self.proc.returncode is None and not self._closing:
            return self.proc
        if self._starting is not None:
            return await asyncio.shield(self._starting)
        loop = asyncio.get_running_loop()
        self._starting = loop.create_future()
        try:
            os.makedirs(os.path.dirname(self.stderr_path), exist_ok=True)
            with open(self.stderr_path, "ab") as err:
                proc = await asyncio.create_subprocess_exec(
                    sys.executable, "-m", "kubenb.apps.agent", stdin=asyncio.subprocess.PIPE,
                    stdout=asyncio.subprocess.PIPE, stderr=err, env=self.env,
                    start_new_session=True, limit=16 * 1024 * 1024)
            LIVE[proc.pid] = self
            assert proc.stdout is not None
            hello = await proc.stdout.readline()
            if not hello:
                raise RuntimeError(f"the node agent of {self.node} did not start "
                                   f"(see {self.stderr_path})")
            self.proc = proc
            self._closing = False
            self._reader = loop.create_task(self._read(proc), name=f"agent:{self.node}")
            self._starting.set_result(proc)
            return proc
        except BaseException as err:
            self._starting.set_exception(err)
            self._starting.exception()
            raise
        finally:
            self._starting = None

    async def _read(self, proc: asyncio.subprocess.Process) -> None:
        assert proc.stdout is not None
        try:
            while line := await proc.stdout.readline():
                try:
                    ev = json.loads(line)
                except ValueError:
                    continue
                self._dispatch(ev)
        finally:
            await proc.wait()
            LIVE.pop(proc.pid, None)
            for fut in self._waiting.values():
                if not fut.done():
                    fut.set_exception(AgentStartFailed("the node agent exited"))
            self._waiting.clear()
            if self.proc is proc:
                self.proc = None
                if not self._closing:
                    self.on_lost()

    def _dispatch(self, ev: dict[str, Any]) -> None:
        kind, cid = ev.get("ev"), ev.get("id", "")
        if kind == "started":
            fut = self._waiting.pop(cid, None)
            if fut is not None and not fut.done():
                fut.set_result(int(ev.get("pid") or 0))
        elif kind == "failed":
            fut = self._waiting.pop(cid, None)
            if fut is not None and not fut.done():
                fut.set_exception(AgentStartFailed(str(ev.get("message", ""))))
        elif kind == "exited":
            self.on_exit(cid, int(ev.get("code", 0)))

    def _send(self, proc: asyncio.subprocess.Process, request: dict[str, Any]) -> None:
        assert proc.stdin is not None
        proc.stdin.write(json.dumps(request).encode() + b"\n")

    async def run(self, request: dict[str, Any]) -> int:
        """Start a container's program; its pid (0 for an app inside the agent)."""
        proc = await self._ensure()
        fut: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._waiting[request["id"]] = fut
        self._send(proc, {"op": "run", **request})
        return await fut

    def signal(self, cid: str, sig: int) -> None:
        if self.proc is not None and self.proc.returncode is None:
            with contextlib.suppress(ConnectionError, RuntimeError):
                self._send(self.proc, {"op": "signal", "id": cid, "sig": sig})

    async def close(self, timeout: float = 10.0) -> None:
        """Orderly end: the agent kills what is left and exits (SIGKILL after `timeout`)."""
        proc = self.proc
        if proc is None or proc.returncode is not None:
            return
        self._closing = True
        assert proc.stdin is not None
        with contextlib.suppress(ConnectionError, RuntimeError):
            proc.stdin.close()
        try:
            await asyncio.wait_for(proc.wait(), timeout)
        except asyncio.TimeoutError:
            kill_tree(proc.pid)
            await proc.wait()
        if self._reader is not None:
            await asyncio.gather(self._reader, return_exceptions=True)
        LIVE.pop(proc.pid, None)

    async def kill(self) -> None:
        """Node failure: the agent and everything below it die at once."""
        proc = self.proc
        if proc is None or proc.returncode is not None:
            return
        self._closing = True
        kill_tree(proc.pid)
        await proc.wait()
        if self._reader is not None:
            await asyncio.gather(self._reader, return_exceptions=True)
        LIVE.pop(proc.pid, None)


def kill_live_agents() -> None:
    """atexit: no agent outlives the kernel that started it."""
    for pid, client in list(LIVE.items()):
        client._closing = True  # an expected end: the runtime does not report a lost agent
        kill_tree(pid)
        LIVE.pop(pid, None)
