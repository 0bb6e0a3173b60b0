"""`?watch=true`: stream a collection's changes as newline-delimited JSON events.

The store calls a watcher's `deliver` under its lock, in resourceVersion order; `to_loop`
hands each event to this server's IOLoop, where the handler writes `{"type", "object"}`
lines on a chunked response and flushes them. A watch starts:

- from `resourceVersion=N`: exactly the changes after N (an ERROR event with a 410 Expired
  Status when the store's log no longer reaches back that far, as the apiserver does);
- with no resourceVersion or "0": ADDED for every current match first;
- with `sendInitialEvents=true` (kubectl ≥ 1.35's WatchList): ADDED for every match, then
  a BOOKMARK annotated `k8s.io/initial-events-end`, then live events.

`allowWatchBookmarks` adds a BOOKMARK every `bookmark_interval` seconds; `timeoutSeconds`
ends the stream (default 30 minutes). A Table Accept header makes each event's object a
one-row Table; objects are served in the path's version (`kubenb.api.conversion`). The
server's `stop()` ends every open stream (`open_stream`) and waits for its last chunk to be
written.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any

from tornado.iostream import StreamClosedError

from kubenb.api.conversion import to_version
from kubenb.api.errors import BadRequest, Expired
from kubenb.api.watch import to_loop
from kubenb.server import negotiate
from kubenb.server.handler import dumps
from kubenb.server.paths import Target

if TYPE_CHECKING:
    from kubenb.server.handler import ApiRequestHandler

DEFAULT_TIMEOUT = 1800.0
INITIAL_EVENTS_END = "k8s.io/initial-events-end"


class _Stream:
    def __init__(self, h: ApiRequestHandler, t: Target) -> None:
        self.h, self.t = h, t
        self.table = negotiate.wants_table(h.request.headers.get("Accept"))
        self.include = negotiate.include_object(h.query("includeObject")) if self.table else ""
        self.first = True
        self.rv = "0"

    def line(self, etype: str, obj: dict[str, Any]) -> bytes:
        rv = obj.get("metadata", {}).get("resourceVersion")
        if rv:
            self.rv = rv
        if self.table and etype not in ("BOOKMARK", "ERROR"):
            obj = negotiate.table_body(self.t.kind, [obj], self.h.api.store.clock.now(),
                                       self.include, rv, columns=self.first,
                                       convert=lambda o: to_version(o, self.t.api_version),
                                       rt=self.t.resource, version=self.t.version)
            self.first = False
        elif etype != "ERROR":
            obj = to_version(obj, self.t.api_version)
        return dumps({"type": etype, "object": obj}) + b"\n"

    def bookmark(self, initial_end: bool = False) -> bytes:
        meta: dict[str, Any] = {"resourceVersion": self.rv}
        if initial_end:
            meta["annotations"] = {INITIAL_EVENTS_END: "true"}
        return dumps({"type": "BOOKMARK", "object": {"kind": self.t.kind, "apiVersion":
                                                     self.t.api_version,
                                                     "metadata": meta}}) + b"\n"


async def serve_watch(h: ApiRequestHandler, t: Target) -> None:
    store = h.api.store
    s = _Stream(h, t)
    try:
        timeout = float(h.query("timeoutSeconds") or DEFAULT_TIMEOUT)
    except ValueError:
        raise BadRequest(f'invalid timeoutSeconds "{h.query("timeoutSeconds")}"') from None
    bookmarks = h.flag("allowWatchBookmarks")
    initial = h.flag("sendInitialEvents")
    rv = h.query("resourceVersion")
    queue: asyncio.Queue[Any] = asyncio.Queue()
    loop = asyncio.get_running_loop()
    deliver = to_loop(loop, queue.put_nowait)
    labels, fields = h.query("labelSelector"), h.query("fieldSelector")
    h.set_status(200)
    h.set_header("Content-Type", negotiate.TABLE_TYPE if s.table else "application/json")
    watcher = None
    try:
        # sendInitialEvents=false: from now on (or from `rv`), with no synthetic ADDED
        if initial or (rv in (None, "", "0") and h.query("sendInitialEvents") is None):
            items, start = store.list_with_version(t.kind, t.namespace, label_selector=labels,
                                                   field_selector=fields)
            h.write(b"".join(s.line("ADDED", o) for o in items))
            s.rv = str(start)
            if initial:
                h.write(s.bookmark(initial_end=True))
            rv = str(start)
        elif rv in (None, "", "0"):
            rv = str(store.resource_version)
        watcher = store.watch(t.kind, deliver, namespace=t.namespace, label_selector=labels,
                              field_selector=fields, resource_version=rv)
        s.rv = s.rv if s.rv != "0" else str(rv)
    except Expired as e:
        h.write(dumps({"type": "ERROR", "object": e.status()}) + b"\n")
        h.finish()
        return
    done = h.api.open_stream(lambda: queue.put_nowait(None))
    h.on_close_hooks.append(lambda: queue.put_nowait(None))
    deadline = time.monotonic() + timeout
    interval = h.api.bookmark_interval
    try:
        await h.flush()
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            try:
                ev = await asyncio.wait_for(queue.get(), min(remaining, interval)
                                            if bookmarks else remaining)
            except asyncio.TimeoutError:
                if bookmarks and time.monotonic() < deadline:
                    h.write(s.bookmark())
                    await h.flush()
                continue
            if ev is None:
                break
            chunk = [s.line(ev["type"], ev["object"])]
            while not queue.empty():
                more = queue.get_nowait()
                if more is None:
                    queue.put_nowait(None)
                    break
                chunk.append(s.line(more["type"], more["object"]))
            h.write(b"".join(chunk))
            await h.flush()
        if not h.request.connection.stream.closed():
            await h.finish()
    except StreamClosedError:
        pass
    finally:
        watcher.stop()
        h.api.close_stream(done)
