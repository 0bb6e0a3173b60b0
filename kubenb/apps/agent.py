"""The node agent: one process per node that runs the node's containers.

`python -m kubenb.apps.agent` is started by the process runtime
(kubenb/node/runtime/process_agent.py) and speaks JSON lines: requests on stdin, events on
stdout. Built-in apps (bootcamp, nginx, http-echo, echoserver, generic servers) run as
servers inside this one interpreter, so fifty pods share one Python; command containers
(busybox/alpine `sh -c …`, `python:*`, an image's own command line) are child processes, each
in its own session and process group (and, where the runtime asks for one, PID namespace), with the container's env and working directory. Every
line a container prints lands in its CRI log file (kubenb/apps/logfile.py).

Requests (stdin)
  {"op": "run", "id": ID, "log": PATH, "kind": "command", "argv": [...], "env": {...}, "cwd": DIR}
      (`EXEC_SYNC` in argv is replaced by the number of a pipe's write end the command
      inherits; "started" waits until it closes — a wrapper's exec of the real program; a
      number written there is the host pid of a PID namespace's init, which signals then
      reach alone, as containerd sends them to a container's PID 1)
  {"op": "run", "id": ID, "log": PATH, "kind": "app", "app": {AppConfig fields}}
  {"op": "signal", "id": ID, "sig": 15 | 9}
Events (stdout)
  {"ev": "started", "id": ID, "pid": PID}     (PID 0 for an app inside the agent)
  {"ev": "failed", "id": ID, "message": TEXT}  (the program could not be started)
  {"ev": "exited", "id": ID, "code": N}        (signals as 128+N: SIGTERM 143, SIGKILL 137)

When a command's main process exits, the rest of its process group is killed (a container
ends with its PID 1). When stdin closes — the kernel stopped or died — every child process
group is killed and the agent exits.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sys
from typing import Any

from kubenb.apps.base import App, AppConfig, GenericServer, Idle
from kubenb.apps.logfile import LogWriter

EXEC_SYNC = "{kubenb-exec-sync-fd}"  # in a command's argv: the fd its wrapper closes at exec


def app_class(name: str, cfg: AppConfig) -> type[App]:
    """The built-in app for a catalog name ("" → a generic server, or an idle one)."""
    if name == "bootcamp":
        from kubenb.apps.bootcamp import Bootcamp

        return Bootcamp
    if name in ("nginx", "http-echo", "echoserver"):
        from kubenb.apps import web

        return {"nginx": web.Nginx, "http-echo": web.HttpEcho, "echoserver": web.EchoServer}[name]
    return GenericServer if cfg.response is not None else Idle


def _read_all(fd: int) -> str:
    data = b""
    with contextlib.suppress(OSError):
        while chunk := os.read(fd, 64):
            data += chunk
    return data.decode(errors="replace").strip()


class Agent:
    def __init__(self) -> None:
        self.procs: dict[str, asyncio.subprocess.Process] = {}
        self.apps: dict[str, App] = {}
        self.inits: dict[str, int] = {}  # container → host pid of its PID namespace's init
        self.tasks: set[asyncio.Task[Any]] = set()
        self.out = sys.stdout.buffer

    def emit(self, event: dict[str, Any]) -> None:
        self.out.write(json.dumps(event).encode() + b"\n")
        self.out.flush()

    def spawn(self, coro: Any) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    # ---- requests ------------------------------------------------------------------

    async def handle(self, req: dict[str, Any]) -> None:
        op = req.get("op")
        if op == "run":
            if req.get("kind") == "app":
                await self.run_app(req)
            else:
                await self.run_command(req)
        elif op == "signal":
            self.signal(req["id"], int(req["sig"]))

    async def run_app(self, req: dict[str, Any]) -> None:
        cid = req["id"]
        cfg = AppConfig.from_json(req["app"])
        log = LogWriter(req["log"])
        early: list[int] = []  # an exit during start is reported after "started"

        def on_exit(code: int) -> None:
            self.apps.pop(cid, None)
            log.close()
            if cid in early_ids:
                early.append(code)
            else:
                self.emit({"ev": "exited", "id": cid, "code": code})

        early_ids = {cid}
        app = app_class(cfg.app, cfg)(cfg, log, on_exit)
        self.apps[cid] = app
        await app.start()  # "started" once its ports are bound, so Ready means answering
        early_ids.clear()
        self.emit({"ev": "started", "id": cid, "pid": 0})
        for code in early:
            self.emit({"ev": "exited", "id": cid, "code": code})

    async def run_command(self, req: dict[str, Any]) -> None:
        cid = req["id"]
        argv, sync = list(req["argv"]), None
        if any(EXEC_SYNC in a for a in argv):  # a namespace wrapper: "started" once it exec'd
            sync = os.pipe()
            argv = [a.replace(EXEC_SYNC, str(sync[1])) for a in argv]
        try:
            proc = await asyncio.create_subprocess_exec(
                *argv, stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE, env=req["env"], cwd=req["cwd"],
                start_new_session=True, pass_fds=(sync[1],) if sync else ())
        except OSError as err:
            self.emit({"ev": "failed", "id": cid, "message": str(err)})
            return
        finally:
            if sync is not None:
                os.close(sync[1])
        pid = proc.pid
        if sync is not None:  # EOF: the program was exec'd (or the wrapper gave up)
            said = await asyncio.get_running_loop().run_in_executor(None, _read_all, sync[0])
            os.close(sync[0])
            if said.isdigit():  # the host pid of a PID namespace's init: signals go there
                pid = self.inits[cid] = int(said)
        self.procs[cid] = proc
        self.emit({"ev": "started", "id": cid, "pid": pid})
        self.spawn(self.supervise(cid, proc, LogWriter(req["log"])))

    async def supervise(self, cid: str, proc: asyncio.subprocess.Process, log: LogWriter) -> None:
        async def pump(stream: asyncio.StreamReader | None, name: str) -> None:
            if stream is None:
                return
            while chunk := await stream.read(65536):
                log.feed(name, chunk)
            log.flush_partial(name)

        pumps = [asyncio.ensure_future(pump(proc.stdout, "stdout")),
                 asyncio.ensure_future(pump(proc.stderr, "stderr"))]
        code = await proc.wait()
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)  # the container ends with its main process
        await asyncio.gather(*pumps, return_exceptions=True)
        log.close()
        self.procs.pop(cid, None)
        self.inits.pop(cid, None)
        self.emit({"ev": "exited", "id": cid, "code": 128 - code if code < 0 else code})

    def signal(self, cid: str, sig: int) -> None:
        app = self.apps.get(cid)
        if app is not None:
            app.signal(sig)
            return
        proc = self.procs.get(cid)
        if proc is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                if cid in self.inits:  # PID 1 alone, as containerd: its namespace dies with it
                    os.kill(self.inits[cid], sig)
                else:
                    os.killpg(proc.pid, sig)

    def kill_all(self) -> None:
        for proc in list(self.procs.values()):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
        for app in list(self.apps.values()):
            app.stop()

    # ---- main loop -----------------------------------------------------------------

    async def main(self) -> None:
        loop = asyncio.get_running_loop()
        reader = asyncio.StreamReader(limit=16 * 1024 * 1024)
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            loop.add_signal_handler(sig, reader.feed_eof)
        self.emit({"ev": "ready", "pid": os.getpid()})
        try:
            while line := await reader.readline():
                try:
                    req = json.loads(line)
                except ValueError:
                    continue
                await self.handle(req)  # in order: a signal never overtakes its run
        finally:
            self.kill_all()


def main() -> None:
    asyncio.run(Agent().main())


if __name__ == "__main__":
    main()
