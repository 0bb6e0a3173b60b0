"""`pods/NAME/exec` and `pods/NAME/attach` over WebSocket (`v5.channel.k8s.io`, v4).

exec: before the upgrade the kubelet resolves the command (`Kubelet.exec_start`, on the
control-plane loop): no command, no pod, no node or a container that is not running is a
plain Status error. After it, the command starts on this server's loop (runtime
exec_session.py) with stdin only if `stdin=true`, on a terminal if `tty=true` (once the
client's first terminal size has come, so the command sees it from the start). Channel 0
from the client is its stdin, channel 4 a terminal size (`{"Width":…,"Height":…}`), and
with v5 a frame on channel 255 naming channel 0 closes stdin (the command reads EOF).
stdout and stderr go out on channels 1 and 2 as the command writes them, bytes as they
are; once the command has exited and its output is sent, channel 3 carries the exit Status
(channels.py `exit_status`) and the connection closes normally. A command that cannot start
(no such executable) is a Failure Status on channel 3. If the client goes first, or the
container stops or its pod goes (a watch on the pod), the command is killed with its
process group. A client speaking plain SPDY (a POST asking for
`Upgrade: SPDY/3.1`) gets the same session on SPDY streams: exec_spdy.py.

attach: the container's own output from now on (the kubelet's log follow), on channel 1,
until the container stops (Success on channel 3) or the client leaves; the containers
here read no stdin, so what the client sends is dropped, as a kubelet does for a
container without `stdin: true`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

from kubenb.api.errors import ApiError, BadRequest, InternalError
from kubenb.api.watch import to_loop
from kubenb.node.kubelet import exec_failed
from kubenb.node.runtime.base import ExecError
from kubenb.node.runtime.exec_session import ExecSession, ExecStart
from kubenb.server.channels import (
    CLOSE,
    ERROR,
    RESIZE,
    STDERR,
    STDIN,
    STDOUT,
    V5,
    ChannelSocket,
    error_status,
    exit_status,
)
from kubenb.server.paths import parse
from kubenb.server.pods import kubelet_of, on_cluster
from kubenb.server.spdy_upgrade import serve_spdy, wants_spdy

DRAIN_SECONDS = 5.0  # output still open this long after the command exited is cut off
SIZE_WAIT = 1.0  # seconds a terminal's command waits for the client's first size


def _container_running(pod: dict[str, Any], name: str | None) -> bool:
    status = pod.get("status") or {}
    for s in (status.get("containerStatuses") or []) + (status.get("initContainerStatuses")
                                                         or []):
        if s.get("name") == name:
            return "running" in (s.get("state") or {})
    return True  # no status yet: nothing says it stopped


async def _pump(read: Any, send: Any, channel: int | None) -> None:
    while data := await read():
        if channel is not None:
            await send(channel, data)


async def drive(session: ExecSession, send: Any, stdout: bool, stderr: bool,
                argv: list[str], container_id: str = "") -> None:
    """Copy the command's output to `send(channel, data)` as it comes; once it has exited
    and its output is sent, its exit Status on the error channel (or, when the runtime
    found only now that it could not start, the kubelet's Failure). The command is killed
    (with its process group) whatever happens."""
    pumps = [asyncio.ensure_future(_pump(session.read_stdout, send, STDOUT if stdout else None)),
             asyncio.ensure_future(_pump(session.read_stderr, send, STDERR if stderr else None))]
    try:
        try:
            code = await session.wait()
        except ExecError as err:
            await send(ERROR, error_status(exec_failed(container_id, err)))
            return
        _, slow = await asyncio.wait(pumps, timeout=DRAIN_SECONDS)
        for p in slow:
            p.cancel()
        await send(ERROR, exit_status(code, argv))
    finally:
        for p in pumps:
            p.cancel()
        session.kill()


class ExecHandler(ChannelSocket):
    """One exec session."""

    def initialize(self, api: Any) -> None:
        super().initialize(api)
        self.start: ExecStart | None = None
        self.failure: ApiError | None = None
        self.session: ExecSession | None = None
        self.task: asyncio.Task[None] | None = None
        self.sized = asyncio.Event()
        self.size: tuple[int, int] | None = None
        self.early: list[bytes] = []
        self.container_id = ""

    async def check_request(self) -> None:
        t = parse(self.request.path)
        assert t is not None and t.name is not None and t.namespace is not None
        self.argv = self.get_query_arguments("command")
        if not self.argv:
            raise BadRequest("you must specify at least 1 command")
        self.stdin, self.tty = self.flag("stdin"), self.flag("tty")
        self.stdout, self.stderr = self.flag("stdout"), self.flag("stderr") and not self.tty
        if not (self.stdin or self.stdout or self.flag("stderr")):
            raise BadRequest("you must specify at least 1 of stdin, stdout, stderr")
        self.target = t
        self.kubelet = kubelet_of(self.api, t.namespace, t.name)
        self.container = self.get_query_argument("container", None)
        self.container_id = await on_cluster(self.api, self.kubelet.running_container(
            t.namespace, t.name, self.container))

    async def prepare_stream(self) -> None:
        t = self.target
        try:
            self.start = await on_cluster(self.api, self.kubelet.exec_start(
                t.namespace, t.name, self.container, self.argv))
        except InternalError as e:  # the upgrade happens; the Status says why
            self.failure = e

    async def post(self, *args: Any, **kwargs: Any) -> None:
        """Plain SPDY (kubectl < 1.30, client-go's SPDY executor): exec_spdy.py."""
        from kubenb.server.exec_spdy import SpdyExec, choose_protocol

        proto = choose_protocol(self.request.headers)
        if proto is None or not wants_spdy(self.request.headers, proto):
            await super().post(*args, **kwargs)
            return
        if await self.accepted(self.refuse_upgrade, prepare=True):
            await serve_spdy(self, proto, lambda link: SpdyExec(link, self))

    async def opened(self) -> None:
        if self.failure is not None or self.start is None:
            self.task = asyncio.ensure_future(self._fail())
        elif self.tty:  # the command starts on a terminal of the client's size
            self.task = asyncio.ensure_future(self._start_when_sized(self.start))
        else:
            await self._start(self.start, None)

    async def _start_when_sized(self, start: ExecStart) -> None:
        """kubectl sends its terminal's size first thing; a client that sends none gets
        a terminal without a size after `SIZE_WAIT`."""
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self.sized.wait(), SIZE_WAIT)
        await self._start(start, self.size)
        early, self.early = self.early, []
        for data in early:
            pending = self.on_message(data)
            if pending is not None:
                await pending

    async def _start(self, start: ExecStart, size: tuple[int, int] | None) -> None:
        try:
            self.session = await start.start(self.stdin, self.tty, size)
        except OSError as err:
            self.failure = InternalError(f"Internal error occurred: error executing command "
                                         f"in container: {err}")
            self.task = asyncio.ensure_future(self._fail())
            return
        self.task = asyncio.ensure_future(self._run(self.session))

    async def _fail(self) -> None:
        assert self.failure is not None
        await self.send(ERROR, error_status(self.failure))
        self.close(1000)

    async def _run(self, session: ExecSession) -> None:
        untie = self.tie(session)
        try:
            await drive(session, self.send, self.stdout, self.stderr, self.argv,
                        self.container_id)
        finally:
            untie()
        self.close(1000)

    def tie(self, session: ExecSession) -> Any:
        """Kill the command when its container stops or its pod goes, as a container takes
        the processes exec'd in it along (exit 137). Returns the watch's stop."""
        t = self.target
        pod = self.api.store.try_get("Pod", t.namespace, t.name) or {"metadata": {}}
        uid = pod["metadata"].get("uid")
        name = self.container or ((pod.get("spec") or {}).get("containers") or [{}])[0].get("name")

        def changed(event: Any) -> None:
            obj = event["object"]
            if event["type"] == "DELETED" or obj["metadata"].get("uid") != uid \
                    or not _container_running(obj, name):
                session.kill()

        watcher = self.api.store.watch("Pod", to_loop(asyncio.get_running_loop(), changed),
                                       namespace=t.namespace,
                                       field_selector=f"metadata.name={t.name}")
        return watcher.stop

    def on_message(self, message: str | bytes) -> Any:
        """Returns the stdin drain: tornado reads the next message once it is done."""
        session = self.session
        if isinstance(message, str):  # a text frame carries the same bytes (wsstream)
            message = message.encode("utf-8")
        if not message:
            return None
        channel, data = message[0], message[1:]
        if channel == RESIZE:
            with contextlib.suppress(ValueError, TypeError, AttributeError):
                size = json.loads(data)
                self.size = (int(size.get("Width") or 0), int(size.get("Height") or 0))
                self.sized.set()
                if session is not None:
                    session.resize(*self.size)
        elif session is None:
            self.early.append(message)  # stdin before the terminal's command started
        elif channel == STDIN and self.stdin:
            session.write_stdin(data)
            return session.drain()
        elif channel == CLOSE and self.selected_subprotocol == V5 and data[:1] == bytes([STDIN]):
            session.close_stdin()
        return None

    def ended(self) -> None:
        if self.session is not None:
            self.session.kill()
        if self.task is not None and not self.task.done():
            self.task.cancel()


class AttachHandler(ChannelSocket):
    """`kubectl attach`: the container's output as it is written."""

    def initialize(self, api: Any) -> None:
        super().initialize(api)
        self.task: asyncio.Task[None] | None = None

    async def check_request(self) -> None:
        t = parse(self.request.path)
        assert t is not None and t.name is not None and t.namespace is not None
        self.namespace, self.pod = t.namespace, t.name
        self.container = self.get_query_argument("container", None)
        self.kubelet = kubelet_of(self.api, t.namespace, t.name)
        # a container that is not running refuses the upgrade, as for exec
        await on_cluster(self.api, self.kubelet.running_container(t.namespace, t.name,
                                                                   self.container))

    async def opened(self) -> None:
        self.task = asyncio.ensure_future(self._run())

    async def _run(self) -> None:
        it = self.kubelet.follow_logs(self.namespace, self.pod, self.container).__aiter__()

        async def step() -> Any:
            return await it.__anext__()

        try:
            while True:
                try:
                    chunk = await on_cluster(self.api, step())
                except StopAsyncIteration:
                    break
                except ApiError as e:
                    await self.send(ERROR, error_status(e))
                    self.close(1000)
                    return
                data = chunk.encode("utf-8") if isinstance(chunk, str) else chunk
                if self.flag("stdout") and not await self.send(STDOUT, data):
                    return
            await self.send(ERROR, exit_status(0, []))
            self.close(1000)
        finally:
            aclose = getattr(it, "aclose", None)
            if aclose is not None:
                with contextlib.suppress(Exception):
                    await on_cluster(self.api, aclose())

    def on_message(self, message: str | bytes) -> None:
        pass  # no container here reads stdin

    def ended(self) -> None:
        if self.task is not None and not self.task.done():
            self.task.cancel()
