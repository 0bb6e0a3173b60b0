"""HttpClient against kubenb's API server: the Client protocol, dict for dict like in-process.

The `served` cluster runs on a real clock with the sim runtime; each test compares what
the HTTP client returns with the store (or the in-process client) on the same cluster.
"""

from __future__ import annotations

from typing import Any

import pytest

from kubenb.api.errors import AlreadyExists, BadRequest, Conflict, Invalid, NotFound
from kubenb.client.http import HttpClient
from kubenb.client.inprocess import InProcessClient
from tests import builders
from tests.builders import deployment

NS = "default"


def configmap(name: str, **data: str) -> dict[str, Any]:
    return builders.configmap(name, data, namespace=NS)


@pytest.fixture
def local(served: tuple[Any, Any]) -> InProcessClient:
    return InProcessClient.for_cluster(served[0])


def test_get_and_list_return_what_the_store_holds(http: HttpClient, local: InProcessClient) -> None:
    http.create(configmap("same", a="1"))
    assert http.get("ConfigMap", NS, "same") == local.get("ConfigMap", NS, "same")
    items, rv = http.list("ConfigMap", NS)
    want, _ = local.list("ConfigMap", NS)
    assert items == want and int(rv) >= int(want[-1]["metadata"]["resourceVersion"])
    nodes, _ = http.list("Node")
    assert [n["metadata"]["name"] for n in nodes] == ["served"]
    http.delete("ConfigMap", NS, "same")


def test_selectors_reach_the_server(http: HttpClient) -> None:
    http.create(deployment("sel-a"))
    http.create(deployment("sel-b"))
    try:
        got, _ = http.list("Deployment", NS, label_selector="app=sel-b")
        assert [d["metadata"]["name"] for d in got] == ["sel-b"]
        got, _ = http.list("Deployment", NS, field_selector="metadata.name=sel-a")
        assert [d["metadata"]["name"] for d in got] == ["sel-a"]
        everywhere, _ = http.list("Deployment", None)
        assert {"sel-a", "sel-b"} <= {d["metadata"]["name"] for d in everywhere}
    finally:
        for name in ("sel-a", "sel-b"):
            http.delete("Deployment", NS, name)


def test_errors_are_the_api_errors_with_the_servers_words(http: HttpClient) -> None:
    with pytest.raises(NotFound) as nf:
        http.get("Deployment", NS, "nope")
    assert nf.value.message == 'deployments.apps "nope" not found'
    assert nf.value.details == {"name": "nope", "group": "apps", "kind": "deployments"}
    http.create(configmap("twice"))
    with pytest.raises(AlreadyExists) as ae:
        http.create(configmap("twice"))
    assert ae.value.message == 'configmaps "twice" already exists'
    stale = http.get("ConfigMap", NS, "twice")
    http.update({**stale, "data": {"x": "1"}})
    with pytest.raises(Conflict) as cf:
        http.update({**stale, "data": {"x": "2"}})
    assert cf.value.message.startswith('Operation cannot be fulfilled on configmaps "twice": ')
    bad = deployment("bad")
    bad["spec"]["replicas"] = -1
    with pytest.raises(Invalid) as inv:
        http.create(bad)
    assert inv.value.details["causes"][0]["field"] == "spec.replicas"
    assert inv.value.message.startswith('Deployment.apps "bad" is invalid: spec.replicas: ')
    with pytest.raises(BadRequest, match='no kind "Widget" is registered'):
        http.create({"kind": "Widget", "metadata": {"name": "w"}})
    http.delete("ConfigMap", NS, "twice")


@pytest.mark.parametrize("kind, patch", [
    ("merge", {"data": {"b": "2"}}),
    ("strategic", {"data": {"b": "2"}}),
    ("json", [{"op": "add", "path": "/data/b", "value": "2"}]),
])
def test_patch_types(http: HttpClient, kind: str, patch: Any) -> None:
    http.create(configmap(f"p-{kind}", a="1"))
    out = http.patch("ConfigMap", NS, f"p-{kind}", patch, kind)  # type: ignore[arg-type]
    assert out["data"] == {"a": "1", "b": "2"}
    http.delete("ConfigMap", NS, f"p-{kind}")


def test_scale_subresource_and_dry_run(http: HttpClient, served: tuple[Any, Any]) -> None:
    http.create(deployment("scaled"))
    try:
        scale = http.patch("Deployment", NS, "scaled", {"spec": {"replicas": 3}}, "merge",
                           subresource="scale")
        assert scale["kind"] == "Scale" and scale["spec"]["replicas"] == 3
        dry = http.patch("Deployment", NS, "scaled", {"spec": {"replicas": 7}}, "merge",
                         dry_run=True)
        assert dry["spec"]["replicas"] == 7
        assert served[0].store.get("Deployment", NS, "scaled")["spec"]["replicas"] == 3
        http.create(configmap("dry"), dry_run=True)
        with pytest.raises(NotFound):
            http.get("ConfigMap", NS, "dry")
    finally:
        http.delete("Deployment", NS, "scaled")


def test_delete_returns_the_object_and_honours_propagation(http: HttpClient,
                                                           served: tuple[Any, Any]) -> None:
    http.create(configmap("gone"))
    out = http.delete("ConfigMap", NS, "gone", dry_run=True)
    assert out["metadata"]["name"] == "gone" and http.get("ConfigMap", NS, "gone")
    http.delete("ConfigMap", NS, "gone", propagation="Background", grace_period_seconds=0)
    with pytest.raises(NotFound):
        http.get("ConfigMap", NS, "gone")


def test_watch_streams_changes_after_a_version(http: HttpClient) -> None:
    _, rv = http.list("ConfigMap", NS)
    http.create(configmap("w1"))
    http.patch("ConfigMap", NS, "w1", {"data": {"k": "v"}}, "merge")
    http.delete("ConfigMap", NS, "w1")
    stream = http.watch("ConfigMap", NS, resource_version=rv, timeout=2)
    seen = []
    for ev in stream:
        seen.append((ev["type"], ev["object"]["metadata"]["name"]))
        if len(seen) == 3:
            break
    stream.close()  # type: ignore[attr-defined]
    assert seen == [("ADDED", "w1"), ("MODIFIED", "w1"), ("DELETED", "w1")]


def test_watch_without_a_version_starts_now(http: HttpClient) -> None:
    """A watch with no resourceVersion replays nothing (over HTTP it asks for the
    current version first: the server would otherwise send every object as ADDED)."""
    http.create(configmap("before"))
    assert list(http.watch("ConfigMap", NS, timeout=1)) == []
    http.delete("ConfigMap", NS, "before")


def test_logs_follow_and_exec(http: HttpClient, served: tuple[Any, Any]) -> None:
    cluster = served[0]
    http.create(deployment("app", image="gcr.io/google-samples/kubernetes-bootcamp:v1"))
    try:
        def running() -> bool:
            pods = cluster.store.list("Pod", NS, label_selector="app=app")
            return bool(pods) and all((p.get("status") or {}).get("phase") == "Running" for p in pods)

        cluster.wait_for(running, timeout=30)
        pod = cluster.store.list("Pod", NS, label_selector="app=app")[0]["metadata"]["name"]
        local = InProcessClient.for_cluster(cluster)
        assert http.logs(NS, pod) == local.logs(NS, pod)
        assert http.logs(NS, pod, tail=1, timestamps=True) == local.logs(NS, pod, tail=1, timestamps=True)
        follow = http.follow_logs(NS, pod, "c")
        assert next(follow) == local.logs(NS, pod).splitlines(keepends=True)[0]
        follow.close()  # type: ignore[attr-defined]
        assert http.exec(NS, pod, "c", ["env"]) == local.exec(NS, pod, "c", ["env"])
        assert http.exec(NS, pod, None, ["sh", "-c", "exit 3"])[0] == 3
        with pytest.raises(BadRequest) as err:
            http.exec(NS, pod, "nope", ["env"])
        assert err.value.message == f"container nope is not valid for pod {pod}"
    finally:
        http.delete("Deployment", NS, "app")


def test_version_server_now_and_metrics(http: HttpClient, served: tuple[Any, Any]) -> None:
    cluster, api = served
    assert http.version() == cluster.version()
    assert http.server == api.url
    assert abs((http.now() - cluster.clock.now()).total_seconds()) < 2
    assert http.metrics("Node", None) is None  # no metrics.k8s.io on this server
