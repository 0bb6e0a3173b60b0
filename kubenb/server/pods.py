"""The pods' kubelet-backed subresources: `log` (with follow) and `exec` over WebSocket.

Both reach the pod's kubelet, which lives on the control-plane loop: the handler (on the
server's own IOLoop) schedules the kubelet coroutine there with `run_coroutine_threadsafe`
and awaits the future, so neither loop ever blocks on the other.

- `GET …/pods/NAME/log` answers `text/plain` (`container`, `previous`, `tailLines`,
  `timestamps`). With `follow=true` the response is chunked: the log so far, then what the
  container writes next, until the container stops, the pod goes, or the client leaves. A
  kubelet offering `follow_logs(namespace, pod, container, …)` (an async iterator of text)
  is streamed directly; otherwise the log is re-read whenever the pod changes or
  `follow_interval` passes, and only the new text is sent.
- `GET …/pods/NAME/exec` upgrades to a WebSocket speaking `v5.channel.k8s.io` (or v4):
  the command's output on channel 1, then on channel 3 the Status kubectl reads the exit
  code from, then a normal close. Problems found before the upgrade (no pod, no node,
  container not running) are a plain Status error, which kubectl prints.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any

import tornado.websocket
from tornado.iostream import StreamClosedError

from kubenb.api.errors import ApiError, BadRequest
from kubenb.api.watch import to_loop
from kubenb.server.handler import AuthMixin, Unauthorized, dumps
from kubenb.server.paths import Target

if TYPE_CHECKING:
    from kubenb.server.app import ApiServer
    from kubenb.server.handler import ApiRequestHandler

EXEC_PROTOCOLS = ("v5.channel.k8s.io", "v4.channel.k8s.io")
STDOUT, STDERR, STATUS = 1, 2, 3


def kubelet_of(api: ApiServer, namespace: str, name: str) -> Any:
    pod = api.store.get("Pod", namespace, name)
    node = (pod.get("spec") or {}).get("nodeName")
    kubelet = api.cluster.kubelets.get(node or "")
    if kubelet is None:
        raise BadRequest(f"pod {name} does not have a host assigned")
    return kubelet


async def on_cluster(api: ApiServer, coro: Coroutine[Any, Any, Any]) -> Any:
    """Run a coroutine on the control-plane loop and await it from the server's loop."""
    if api.cluster.clock.virtual:  # nothing runs a virtual cluster's loop while a client waits:
        return await asyncio.to_thread(api.cluster.call, coro)  # run it, as in-process does
    fut = asyncio.run_coroutine_threadsafe(coro, api.cluster.loop)
    return await asyncio.wrap_future(fut)


def _int_arg(h: ApiRequestHandler, name: str) -> int | None:
    value = h.query(name)
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        raise BadRequest(f'invalid {name} "{value}"') from None


async def serve_log(h: ApiRequestHandler, t: Target) -> None:
    assert t.name is not None and t.namespace is not None
    api, ns, name = h.api, t.namespace, t.name
    container = h.query("container")
    previous, timestamps = h.flag("previous"), h.flag("timestamps")
    tail = _int_arg(h, "tailLines")
    kubelet = kubelet_of(api, ns, name)
    text = await on_cluster(api, kubelet.logs(ns, name, container, previous=previous,
                                              tail=tail, timestamps=timestamps))
    h.set_header("Content-Type", "text/plain")
    if not h.flag("follow") or previous:
        h.finish(text.encode("utf-8"))
        return
    h.write(text.encode("utf-8"))
    closed = asyncio.Event()
    done = api.open_stream(closed.set)
    h.on_close_hooks.append(closed.set)
    try:
        await h.flush()
        follow = getattr(kubelet, "follow_logs", None)
        if follow is not None:
            await _follow_stream(h, follow(ns, name, container, timestamps=timestamps), closed)
        else:
            await _follow_by_rereading(h, kubelet, ns, name, container, timestamps, tail, text,
                                       closed)
        if not h.request.connection.stream.closed():
            await h.finish()
    except StreamClosedError:
        pass
    finally:
        api.close_stream(done)


async def _follow_stream(h: ApiRequestHandler, chunks: Any, closed: asyncio.Event) -> None:
    """Copy a kubelet's follow iterator to the response until it ends or we are closed.
    The iterator belongs to the control-plane loop: each step runs there."""
    it = chunks.__aiter__()

    async def step() -> Any:
        return await it.__anext__()

    async def close() -> None:
        aclose = getattr(it, "aclose", None)
        if aclose is not None:
            await aclose()

    stop = asyncio.ensure_future(closed.wait())
    try:
        while True:
            nxt = asyncio.ensure_future(on_cluster(h.api, step()))
            await asyncio.wait([nxt, stop], return_when=asyncio.FIRST_COMPLETED)
            if not nxt.done():
                nxt.cancel()
                return
            try:
                chunk = nxt.result()
            except StopAsyncIteration:
                return
            h.write(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)
            await h.flush()
    finally:
        stop.cancel()
        await on_cluster(h.api, close())


def _running(pod: dict[str, Any] | None, container: str | None) -> bool:
    if pod is None or pod["metadata"].get("deletionTimestamp") and \
            (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed"):
        return False
    for s in (pod.get("status") or {}).get("containerStatuses") or []:
        if container in (None, s.get("name")):
            return "terminated" not in (s.get("state") or {})
    return True


async def _follow_by_rereading(h: ApiRequestHandler, kubelet: Any, ns: str, name: str,
                               container: str | None, timestamps: bool, tail: int | None,
                               sent: str, closed: asyncio.Event) -> None:
    api = h.api
    if tail is not None:  # what was sent is a tail: measure the whole log from here on
        sent = await on_cluster(api, kubelet.logs(ns, name, container, timestamps=timestamps))
    changed = asyncio.Event()
    loop = asyncio.get_running_loop()
    watcher = api.store.watch("Pod", to_loop(loop, lambda _ev: changed.set()), namespace=ns,
                              field_selector=f"metadata.name={name}")
    try:
        while not closed.is_set():
            waiters = [asyncio.ensure_future(changed.wait()), asyncio.ensure_future(closed.wait())]
            await asyncio.wait(waiters, timeout=api.follow_interval,
                               return_when=asyncio.FIRST_COMPLETED)
            for w in waiters:
                w.cancel()
            changed.clear()
            pod = api.store.try_get("Pod", ns, name)
            try:
                text = await on_cluster(api, kubelet.logs(ns, name, container,
                                                          timestamps=timestamps))
            except ApiError:
                return
            if text.startswith(sent) and len(text) > len(sent):
                h.write(text[len(sent):].encode("utf-8"))
                await h.flush()
            sent = text
            if not _running(pod, container):
                return
    finally:
        watcher.stop()


class ExecHandler(AuthMixin, tornado.websocket.WebSocketHandler):
    """`pods/NAME/exec` over WebSocket (channel framing of k8s.io/apimachinery wsstream)."""

    def initialize(self, api: ApiServer) -> None:
        self.api = api
        self.target: Target | None = None

    async def get(self, *args: Any, **kwargs: Any) -> None:
        try:
            if not self.authorized():
                raise Unauthorized("Unauthorized")
            self._check()
        except ApiError as e:
            self.set_status(e.code)
            self.set_header("Content-Type", "application/json")
            self.finish(dumps(e.status()))
            return
        await super().get(*args, **kwargs)

    def post(self, *args: Any, **kwargs: Any) -> None:
        # kubectl falls back to SPDY with a POST when the WebSocket upgrade fails
        e = BadRequest("Upgrade request required")
        self.set_status(e.code)
        self.set_header("Content-Type", "application/json")
        self.finish(dumps(e.status()))

    def _check(self) -> None:
        from kubenb.server.paths import parse

        t = parse(self.request.path)
        assert t is not None and t.name is not None and t.namespace is not None
        self.target = t
        if not self.get_query_arguments("command"):
            raise BadRequest("you must specify at least 1 command")
        kubelet = kubelet_of(self.api, t.namespace, t.name)
        kubelet._container(t.namespace, t.name, self.get_query_argument("container", None))

    def select_subprotocol(self, subprotocols: list[str]) -> str | None:
        for proto in EXEC_PROTOCOLS:
            if proto in subprotocols:
                return proto
        return None

    def check_origin(self, origin: str) -> bool:
        return True  # the bearer token, not the origin, authenticates

    async def open(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        t = self.target
        assert t is not None and t.name is not None and t.namespace is not None
        self.api.websockets.add(self)
        argv = self.get_query_arguments("command")
        container = self.get_query_argument("container", None)
        try:
            kubelet = kubelet_of(self.api, t.namespace, t.name)
            code, output = await on_cluster(self.api, kubelet.exec(t.namespace, t.name,
                                                                  container, argv))
        except ApiError as e:
            status = {"metadata": {}, "status": "Failure", "message": e.message,
                      "reason": e.reason, "code": e.code}
            await self._send(STATUS, json.dumps(status).encode())
            self.close(1000)
            return
        if output:
            await self._send(STDOUT, output.encode("utf-8"))
        if code == 0:
            status = {"metadata": {}, "status": "Success"}
        else:
            status = {"metadata": {}, "status": "Failure", "reason": "NonZeroExitCode",
                      "message": f"command terminated with non-zero exit code: {code}",
                      "details": {"causes": [{"reason": "ExitCode", "message": str(code)}]}}
        await self._send(STATUS, json.dumps(status).encode())
        self.close(1000)

    async def _send(self, channel: int, data: bytes) -> None:
        try:
            await self.write_message(bytes([channel]) + data, binary=True)
        except tornado.websocket.WebSocketClosedError:
            pass

    def on_close(self) -> None:
        self.api.websockets.discard(self)

    def on_message(self, message: str | bytes) -> None:
        pass  # stdin and resize: the runtimes' exec takes no input
