"""Watch resume and bookmarks against a stand-in server that ends its streams early.

kubenb's own server keeps a watch open until the client leaves; a real API server ends
watches after a while (and sends bookmarks). This small tornado server answers each watch
with its next scripted events and then closes the stream, and records the queries, so the
test sees the client re-watch from the last resourceVersion it was given.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import tornado.httpserver
import tornado.netutil
import tornado.web

from kubenb.api.errors import Expired
from kubenb.client.http import HttpClient
from tests import builders


def cm(name: str, rv: str) -> dict[str, Any]:
    return builders.configmap(name, meta={"resourceVersion": rv})


SCRIPT: list[list[dict[str, Any]]] = [
    [{"type": "ADDED", "object": cm("a", "11")}],
    [{"type": "BOOKMARK", "object": {"kind": "ConfigMap", "apiVersion": "v1",
                                     "metadata": {"resourceVersion": "15"}}}],
    [{"type": "MODIFIED", "object": cm("a", "17")}],
    [{"type": "ERROR", "object": {"kind": "Status", "status": "Failure", "reason": "Expired",
                                  "code": 410, "message": "too old resource version: 17 (20)"}}],
]


class Watches(tornado.web.RequestHandler):
    def initialize(self, seen: list[dict[str, str]]) -> None:
        self.seen = seen

    def get(self) -> None:
        self.seen.append({k: self.get_argument(k) for k in self.request.arguments})
        self.set_header("Content-Type", "application/json")
        for ev in SCRIPT[min(len(self.seen), len(SCRIPT)) - 1]:
            self.write(json.dumps(ev) + "\n")
        self.finish()  # the stream ends: the client must re-watch


@pytest.fixture
def standin() -> Iterator[tuple[str, list[dict[str, str]]]]:
    seen: list[dict[str, str]] = []
    sockets = tornado.netutil.bind_sockets(0, "127.0.0.1")
    port = sockets[0].getsockname()[1]
    loop = asyncio.new_event_loop()
    started = threading.Event()

    def serve() -> None:
        asyncio.set_event_loop(loop)
        app = tornado.web.Application([(r"/api/v1/namespaces/default/configmaps", Watches,
                                        {"seen": seen})])
        server = tornado.httpserver.HTTPServer(app)
        server.add_sockets(sockets)
        loop.call_soon(started.set)
        loop.run_forever()
        server.stop()
        loop.run_until_complete(server.close_all_connections())
        loop.close()

    thread = threading.Thread(target=serve, name="standin-apiserver")
    thread.start()
    started.wait()
    yield f"http://127.0.0.1:{port}", seen
    loop.call_soon_threadsafe(loop.stop)
    thread.join()


def test_a_watch_resumes_from_the_last_version_and_bookmarks_move_it(standin: Any) -> None:
    url, seen = standin
    doc = {"apiVersion": "v1", "kind": "Config", "current-context": "s",
           "clusters": [{"name": "s", "cluster": {"server": url}}],
           "users": [{"name": "s", "user": {"token": "t"}}],
           "contexts": [{"name": "s", "context": {"cluster": "s", "user": "s"}}]}
    client = HttpClient.from_kubeconfig(config=doc, context="s")
    stream = client.watch("ConfigMap", "default", resource_version="10",
                          label_selector="app=x")
    events = []
    with pytest.raises(Expired, match=r"too old resource version: 17 \(20\)"):
        for ev in stream:
            events.append((ev["type"], ev["object"]["metadata"]["resourceVersion"]))
    client.close()
    assert events == [("ADDED", "11"), ("MODIFIED", "17")]  # the bookmark is not handed out
    assert [q["resourceVersion"] for q in seen] == ["10", "11", "15", "17"]
    assert all(q["watch"] == "true" and q["labelSelector"] == "app=x"
               and q["allowWatchBookmarks"] == "true" and "timeoutSeconds" not in q for q in seen)
