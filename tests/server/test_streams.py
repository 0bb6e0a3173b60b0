"""Watch streams, logs (with follow), the scale/status/binding/eviction subresources, proxy."""

from __future__ import annotations

import http.client
import http.server
import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from kubenb.server.negotiate import TABLE_TYPE
from tests import builders

from .conftest import Served
from .test_http import DEPLOY, configmap, deployment

CMS = "/api/v1/namespaces/default/configmaps"


class Stream:
    """An open watch: `next()` reads one newline-delimited event."""

    def __init__(self, served: Served, path: str, accept: str = "application/json") -> None:
        self.conn = served.connection()
        self.conn.request("GET", path, headers={"Authorization": f"Bearer {served.api.token}",
                                                "Accept": accept})
        self.resp = self.conn.getresponse()

    def next(self) -> dict[str, Any] | None:
        line = self.resp.readline()
        return json.loads(line) if line else None

    def close(self) -> None:
        self.conn.close()


@pytest.fixture
def streams() -> Iterator[list[Stream]]:
    opened: list[Stream] = []
    yield opened
    for s in opened:
        s.close()


def watch(served: Served, streams: list[Stream], path: str, **kw: Any) -> Stream:
    s = Stream(served, path, **kw)
    streams.append(s)
    return s


def test_watch_resumes_after_a_resource_version_in_order(served: Served,
                                                         streams: list[Stream]) -> None:
    served.request("POST", CMS, configmap("w0"))
    rv = served.store.resource_version
    for i in range(1, 4):
        served.request("POST", CMS, configmap(f"w{i}"))
    s = watch(served, streams, f"{CMS}?watch=true&resourceVersion={rv}")
    assert s.resp.status == 200 and s.resp.getheader("Transfer-Encoding") == "chunked"
    got = [s.next() for _ in range(3)]
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in got] == [
        ("ADDED", "w1"), ("ADDED", "w2"), ("ADDED", "w3")]
    served.request("PATCH", f"{CMS}/w2", {"data": {"k": "v"}},
                   headers={"Content-Type": "application/merge-patch+json"})
    served.request("DELETE", f"{CMS}/w1")
    live = [s.next(), s.next()]
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in live] == [
        ("MODIFIED", "w2"), ("DELETED", "w1")]
    rvs = [int(e["object"]["metadata"]["resourceVersion"]) for e in got + live]
    assert rvs == sorted(rvs)


def test_watch_without_resource_version_starts_with_the_current_objects(
        served: Served, streams: list[Stream]) -> None:
    served.request("POST", CMS, {**configmap("lbl-1"), "metadata": {"name": "lbl-1",
                                                                   "labels": {"w": "sel"}}})
    s = watch(served, streams, f"{CMS}?watch=true&labelSelector=w%3Dsel")
    first = s.next()
    assert first is not None and (first["type"], first["object"]["metadata"]["name"]) == (
        "ADDED", "lbl-1")
    served.request("POST", CMS, configmap("unlabelled"))
    served.request("POST", CMS, {**configmap("lbl-2"), "metadata": {"name": "lbl-2",
                                                                   "labels": {"w": "sel"}}})
    ev = s.next()
    assert ev is not None and ev["object"]["metadata"]["name"] == "lbl-2"


def test_too_old_resource_version_is_410_expired(served: Served, streams: list[Stream],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    import collections

    store = served.store
    with store._lock:  # a short event log, as after a long-running cluster
        monkeypatch.setattr(store, "_log", collections.deque(list(store._log)[-2:], maxlen=2))
    served.request("POST", CMS, configmap("exp-a"))
    served.request("POST", CMS, configmap("exp-b"))
    s = watch(served, streams, f"{CMS}?watch=true&resourceVersion=2")
    ev = s.next()
    assert ev is not None and ev["type"] == "ERROR"
    assert ev["object"]["code"] == 410 and ev["object"]["reason"] == "Expired"
    assert ev["object"]["message"].startswith("too old resource version: 2 (")
    assert s.next() is None  # the stream ends


def test_send_initial_events_ends_with_the_bookmark(served: Served, streams: list[Stream]) -> None:
    served.request("POST", DEPLOY, deployment("wl", replicas=0))
    s = watch(served, streams, f"{DEPLOY}?allowWatchBookmarks=true&fieldSelector=metadata.name"
              "%3Dwl&resourceVersionMatch=NotOlderThan&sendInitialEvents=true&watch=true")
    added, mark = s.next(), s.next()
    assert added is not None and mark is not None
    assert added["type"] == "ADDED" and added["object"]["metadata"]["name"] == "wl"
    assert mark["type"] == "BOOKMARK"
    assert mark["object"]["kind"] == "Deployment" and mark["object"]["apiVersion"] == "apps/v1"
    assert mark["object"]["metadata"]["annotations"] == {"k8s.io/initial-events-end": "true"}
    assert int(mark["object"]["metadata"]["resourceVersion"]) >= int(
        added["object"]["metadata"]["resourceVersion"])
    served.request("PATCH", f"{DEPLOY}/wl/scale", {"spec": {"replicas": 1}},
                   headers={"Content-Type": "application/merge-patch+json"})
    ev = s.next()
    assert ev is not None and ev["type"] == "MODIFIED" and ev["object"]["spec"]["replicas"] == 1


def test_periodic_bookmarks_and_timeout(served: Served, streams: list[Stream]) -> None:
    served.api.bookmark_interval = 0.05
    try:
        rv = served.store.resource_version
        s = watch(served, streams, f"{CMS}?watch=true&resourceVersion={rv}&allowWatchBookmarks"
                  "=true&timeoutSeconds=1")
        ev = s.next()
        assert ev is not None and ev["type"] == "BOOKMARK"
        assert ev["object"]["metadata"]["resourceVersion"] == rv
        while ev is not None:  # the server ends the stream after timeoutSeconds
            ev = s.next()
    finally:
        served.api.bookmark_interval = 60.0


def test_table_watch_sends_one_row_per_event(served: Served, streams: list[Stream]) -> None:
    rv = served.store.resource_version
    s = watch(served, streams, f"{CMS}?watch=true&resourceVersion={rv}", accept=TABLE_TYPE)
    served.request("POST", CMS, configmap("tw1", a="1"))
    served.request("POST", CMS, configmap("tw2"))
    one, two = s.next(), s.next()
    assert one is not None and two is not None
    assert one["object"]["kind"] == "Table" and one["object"]["rows"][0]["cells"][:2] == ["tw1", 1]
    assert one["object"]["columnDefinitions"][0]["name"] == "Name"
    assert two["object"]["columnDefinitions"] is None
    assert two["object"]["rows"][0]["object"]["metadata"]["name"] == "tw2"


def test_scale_subresource(served: Served) -> None:
    served.request("POST", DEPLOY, deployment("sc", replicas=1))
    r = served.request("GET", f"{DEPLOY}/sc/scale")
    scale = r.json()
    assert scale["kind"] == "Scale" and scale["apiVersion"] == "autoscaling/v1"
    assert scale["spec"] == {"replicas": 1} and scale["status"]["selector"] == "app=sc"
    r = served.request("PATCH", f"{DEPLOY}/sc/scale", {"spec": {"replicas": 3}},
                       headers={"Content-Type": "application/merge-patch+json"})
    assert r.status == 200 and r.json()["spec"]["replicas"] == 3
    assert served.store.get("Deployment", "default", "sc")["spec"]["replicas"] == 3
    stale = dict(scale, spec={"replicas": 2})
    assert served.request("PUT", f"{DEPLOY}/sc/scale", stale).status == 409
    fresh = served.request("GET", f"{DEPLOY}/sc/scale").json()
    r = served.request("PUT", f"{DEPLOY}/sc/scale", dict(fresh, spec={"replicas": 2}))
    assert r.status == 200 and served.store.get("Deployment", "default", "sc")["spec"]["replicas"] == 2
    assert served.request("GET", "/api/v1/namespaces/default/pods/x/scale").status == 404


def test_status_subresource_writes_only_status(served: Served) -> None:
    served.request("POST", "/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace",
                                                  "metadata": {"name": "st-ns"}})
    ns = served.request("GET", "/api/v1/namespaces/st-ns").json()
    ns["metadata"]["labels"] = {"ignored": "yes"}
    ns["status"]["conditions"] = [{"type": "Custom", "status": "True"}]
    r = served.request("PUT", "/api/v1/namespaces/st-ns/status", ns)
    assert r.status == 200
    stored = served.store.get("Namespace", None, "st-ns")
    assert stored["status"]["conditions"] == [{"type": "Custom", "status": "True"}]
    assert "ignored" not in (stored["metadata"].get("labels") or {})


def _bare_pod(name: str, node: str | None = None) -> dict[str, Any]:
    return builders.pod(name, namespace=None, labels={"px": name}, node=node,
                        ports=[{"containerPort": 80, "name": "web"}])


def test_binding_and_eviction(served: Served) -> None:
    pod = _bare_pod("bound")
    pod["spec"]["schedulerName"] = "nobody"  # the scheduler leaves it alone
    served.request("POST", "/api/v1/namespaces/default/pods", pod)
    binding = {"apiVersion": "v1", "kind": "Binding", "metadata": {"name": "bound"},
               "target": {"apiVersion": "v1", "kind": "Node", "name": "minikube-m02"}}
    r = served.request("POST", "/api/v1/namespaces/default/pods/bound/binding", binding)
    assert r.status == 201 and r.json() == {"kind": "Status", "apiVersion": "v1", "metadata": {},
                                            "status": "Success", "code": 201}
    assert served.store.get("Pod", "default", "bound")["spec"]["nodeName"] == "minikube-m02"
    r = served.request("POST", "/api/v1/namespaces/default/pods/bound/binding", binding)
    assert r.status == 409
    eviction = {"apiVersion": "policy/v1", "kind": "Eviction", "metadata": {"name": "bound"}}
    r = served.request("POST", "/api/v1/namespaces/default/pods/bound/eviction", eviction)
    assert r.status == 201
    served.cluster.wait_for(lambda: served.store.try_get("Pod", "default", "bound") is None
                            or bool(served.store.get("Pod", "default", "bound")["metadata"]
                                    .get("deletionTimestamp")), timeout=10)
    r = served.request("POST", "/api/v1/namespaces/default/pods/ghost/eviction",
                       dict(eviction, metadata={"name": "ghost"}))
    assert r.status == 404


def _running_pod(served: Served, name: str) -> str:
    served.request("POST", DEPLOY, deployment(name))
    store = served.store

    def ready() -> bool:
        pods = store.list("Pod", "default", label_selector=f"app={name}")
        return any((p.get("status") or {}).get("phase") == "Running" for p in pods)

    served.cluster.wait_for(ready, timeout=20)
    return store.list("Pod", "default", label_selector=f"app={name}")[0]["metadata"]["name"]


def test_logs_plain_tail_and_errors(served: Served) -> None:
    pod = _running_pod(served, "logme")
    r = served.request("GET", f"/api/v1/namespaces/default/pods/{pod}/log")
    assert r.status == 200 and r.headers["content-type"] == "text/plain"
    want = served.cluster.pod_logs("default", pod)
    assert r.body.decode() == want
    r = served.request("GET", f"/api/v1/namespaces/default/pods/{pod}/log?container=nope")
    assert r.status == 400 and r.json()["message"] == f"container nope is not valid for pod {pod}"
    r = served.request("GET", "/api/v1/namespaces/default/pods/nopod/log")
    assert r.status == 404


def test_follow_streams_until_the_pod_goes(served: Served) -> None:
    pod = _running_pod(served, "follow")
    conn = served.connection()
    conn.request("GET", f"/api/v1/namespaces/default/pods/{pod}/log?follow=true",
                 headers={"Authorization": f"Bearer {served.api.token}"})
    resp = conn.getresponse()
    try:
        assert resp.getheader("Transfer-Encoding") == "chunked"
        first = resp.readline().decode()
        assert first and served.cluster.pod_logs("default", pod).startswith(first)
        served.request("DELETE", f"/api/v1/namespaces/default/pods/{pod}",
                       {"gracePeriodSeconds": 0})
        assert resp.read() is not None  # the stream ends once the container is gone
    finally:
        conn.close()


class _Echo(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        body = f"{self.server.server_address[1]} {self.path}".encode()  # type: ignore[index]
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("X-Echo", "1")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def echo() -> Iterator[int]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()
    thread.join(5)


def test_pod_and_service_proxy_reach_the_app(served: Served, echo: int) -> None:
    store = served.store
    pod = _bare_pod("stand-in", node="ghost-node")  # no kubelet: its status stays ours
    pod["spec"]["containers"][0]["ports"] = [{"containerPort": echo, "name": "web"}]
    store.create(pod)
    live = store.get("Pod", "default", "stand-in")
    store.update({**live, "status": {**live["status"], "podIP": "127.0.0.1"}},
                 subresource="status")
    r = served.request("GET", "/api/v1/namespaces/default/pods/stand-in/proxy/hello?x=1")
    assert (r.status, r.body) == (200, f"{echo} /hello?x=1".encode())
    assert r.headers["x-echo"] == "1"
    r = served.request("GET", f"/api/v1/namespaces/default/pods/stand-in:{echo}/proxy/")
    assert r.body == f"{echo} /".encode()
    svc = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "stand-in"},
           "spec": {"ports": [{"name": "http", "port": 80, "targetPort": echo}]}}
    store.create(svc)
    store.create({"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": "stand-in"},
                  "subsets": [{"addresses": [{"ip": "127.0.0.1"}],
                               "ports": [{"name": "http", "port": echo}]}]})
    r = served.request("GET", "/api/v1/namespaces/default/services/stand-in:http/proxy/svc")
    assert (r.status, r.body) == (200, f"{echo} /svc".encode())
    store.create({**svc, "metadata": {"name": "empty"}})
    r = served.request("GET", "/api/v1/namespaces/default/services/empty/proxy/")
    assert r.status == 503 and r.json()["message"] == 'no endpoints available for service "empty"'


def test_proxy_to_nothing_listening_is_503(served: Served) -> None:
    conn = http.client.HTTPConnection  # a closed port: bind, note it, close
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    store = served.store
    pod = _bare_pod("dead-app", node="ghost-node")
    store.create(pod)
    live = store.get("Pod", "default", "dead-app")
    store.update({**live, "status": {**live["status"], "podIP": "127.0.0.1"}},
                 subresource="status")
    r = served.request("GET", f"/api/v1/namespaces/default/pods/dead-app:{port}/proxy/")
    assert r.status == 503 and conn is not None
    assert r.json()["message"].startswith("error trying to reach service")


def test_follow_uses_a_kubelets_follow_iterator_on_the_control_plane_loop(
        served: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    pod = _running_pod(served, "follow-it")
    node = served.store.get("Pod", "default", pod)["spec"]["nodeName"]
    kubelet = served.cluster.kubelets[node]
    threads: list[str] = []

    async def follow_logs(ns: str, name: str, container: str | None, *,
                          timestamps: bool = False) -> Any:
        for chunk in ("more 1\n", "more 2\n"):
            threads.append(threading.current_thread().name)
            yield chunk

    monkeypatch.setattr(kubelet, "follow_logs", follow_logs, raising=False)
    r = served.request("GET", f"/api/v1/namespaces/default/pods/{pod}/log?follow=true")
    assert r.body.decode() == served.cluster.pod_logs("default", pod) + "more 1\nmore 2\n"
    assert threads == [f"kubenb-{served.cluster.name}"] * 2
