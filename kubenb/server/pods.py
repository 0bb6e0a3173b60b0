"""The pods' kubelet-backed `log` subresource (with follow), and how to reach a kubelet.

Streams reach the pod's kubelet, which lives on the control-plane loop: the handler (on the
server's own IOLoop) schedules the kubelet coroutine there with `run_coroutine_threadsafe`
and awaits the future, so neither loop ever blocks on the other.

- `GET …/pods/NAME/log` answers `text/plain` (`container`, `previous`, `tailLines`,
  `timestamps`). With `follow=true` the response is chunked: the log so far, then what the
  container writes next, until the container stops, the pod goes, or the client leaves. A
  kubelet offering `follow_logs(namespace, pod, container, …)` (an async iterator of text)
  is streamed directly; otherwise the log is re-read whenever the pod changes or
  `follow_interval` passes, and only the new text is sent.
- `exec`, `attach` and `portforward` are WebSockets: exec_stream.py, portforward_ws.py.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any

from tornado.iostream import StreamClosedError

from kubenb.api.errors import ApiError, BadRequest
from kubenb.api.watch import to_loop
from kubenb.server.paths import Target

if TYPE_CHECKING:
    from kubenb.server.app import ApiServer
    from kubenb.server.handler import ApiRequestHandler


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
