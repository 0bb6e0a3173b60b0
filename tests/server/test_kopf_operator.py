"""An operator written with kopf runs against the API server: it sees custom objects of a
CRD created, writes their status through the status subresource, creates a child it
adopts (the garbage collector takes it with its owner), and holds the object with its
finalizer until its delete handler has run."""

from __future__ import annotations

import asyncio
import copy
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from tests.crd.crontab import CRONTAB_CRD, crontab

from .conftest import Served

kopf = pytest.importorskip("kopf", reason="kopf (pip install kopf) is not installed")

CT = "/apis/stable.example.com/v1/namespaces/default/crontabs"


def _served(served: Served) -> bool:
    return any(rt.kind == "CronTab" for rt in served.store.registry)


@pytest.fixture
def operator(served: Served) -> Iterator[list[str]]:
    crd = copy.deepcopy(CRONTAB_CRD)  # status keeps what kopf writes there (handler results)
    crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["status"][
        "x-kubernetes-preserve-unknown-fields"] = True
    served.request("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd)
    served.cluster.wait_for(lambda: _served(served), timeout=30)
    registry = kopf.OperatorRegistry()
    deleted: list[str] = []

    @kopf.on.login(registry=registry)
    def login(**_: Any) -> Any:
        return kopf.ConnectionInfo(server=f"https://127.0.0.1:{served.api.port}", ca_path=served.api.ca_file,
                                   token=served.api.token, default_namespace="default")

    @kopf.on.startup(registry=registry)
    def configure(settings: Any, **_: Any) -> None:
        settings.watching.server_timeout = 30
        settings.posting.enabled = False

    @kopf.on.create("stable.example.com", "v1", "crontabs", registry=registry, id="created")
    def created(spec: Any, name: str, body: Any, **_: Any) -> dict[str, Any]:
        child = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": f"{name}-config"},
                 "data": {"image": spec.get("image", "")}}
        kopf.adopt(child, owner=body)
        served.request("POST", "/api/v1/namespaces/default/configmaps", child)
        return {"image": spec.get("image"), "replicas": spec.get("replicas")}

    @kopf.on.delete("stable.example.com", "v1", "crontabs", registry=registry, id="deleted")
    def gone(name: str, **_: Any) -> None:
        deleted.append(name)

    stop, ready = threading.Event(), threading.Event()

    def run() -> None:
        asyncio.run(kopf.operator(registry=registry, standalone=True, namespaces=["default"],
                                  stop_flag=stop, ready_flag=ready))

    thread = threading.Thread(target=run, name="kopf-operator", daemon=True)
    thread.start()
    assert ready.wait(60), "the operator did not start"
    try:
        yield deleted
    finally:
        stop.set()
        thread.join(60)
        assert not thread.is_alive(), "the operator did not stop"
        for left in served.store.list("CronTab"):  # a failed test's object keeps kopf's finalizer
            served.store.update({**left, "metadata": {**left["metadata"], "finalizers": []}})
        served.request("DELETE", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/crontabs.stable.example.com")
        served.cluster.wait_for(lambda: not _served(served), timeout=60)


def test_a_kopf_operator_handles_custom_objects(served: Served, operator: list[str]) -> None:
    assert served.request("POST", CT, crontab("kopf-made")).status == 201

    def status() -> Any:
        obj = served.store.try_get("CronTab", "default", "kopf-made")
        return ((obj or {}).get("status") or {}).get("created")

    served.cluster.wait_for(lambda: served.store.try_get("ConfigMap", "default", "kopf-made-config") is not None,
                            timeout=60)
    cm = served.store.get("ConfigMap", "default", "kopf-made-config")
    obj = served.store.get("CronTab", "default", "kopf-made")
    assert cm["metadata"]["ownerReferences"][0]["uid"] == obj["metadata"]["uid"]
    assert cm["data"] == {"image": "my-awesome-cron-image"}
    served.cluster.wait_for(lambda: "kopf.zalando.org/last-handled-configuration"
                            in (served.store.get("CronTab", "default", "kopf-made")["metadata"]
                                .get("annotations") or {}), timeout=60)
    served.cluster.wait_for(lambda: status() is not None, timeout=60)  # through /status
    assert status() == {"image": "my-awesome-cron-image", "replicas": 1}
    assert served.store.get("CronTab", "default", "kopf-made")["metadata"].get("finalizers") == [
        "kopf.zalando.org/KopfFinalizerMarker"]

    served.request("DELETE", f"{CT}/kopf-made")
    served.cluster.wait_for(lambda: served.store.try_get("CronTab", "default", "kopf-made") is None, timeout=60)
    assert operator == ["kopf-made"]
    served.cluster.wait_for(lambda: served.store.try_get("ConfigMap", "default", "kopf-made-config") is None,
                            timeout=60)
