"""NamespaceController: finalizing terminating namespaces, defaults for active ones."""

from __future__ import annotations

import random
from typing import Any

import pytest

from kubenb.api.objects import Key
from kubenb.api.pods import get_condition
from kubenb.api.store import Store
from kubenb.config import Context
from kubenb.controllers.namespace import (
    RECHECK_SECONDS,
    ROOT_CA_CONFIGMAP,
    ROOT_CA_DESCRIPTION,
    NamespaceController,
)


@pytest.fixture
def ctl(ctx: Context) -> NamespaceController:
    return NamespaceController(ctx)


def ns_key(name: str) -> Key:
    return Key("Namespace", "", name)


def make_ns(store: Store, name: str = "demo") -> None:
    store.create({"kind": "Namespace", "metadata": {"name": name}})


def test_active_namespace_gets_default_serviceaccount_and_root_ca(
        store: Store, ctl: NamespaceController, writes: list[Any]) -> None:
    make_ns(store)
    writes.clear()
    ctl.reconcile(ns_key("demo"))
    assert writes == [("create", "ServiceAccount", "default", None),
                      ("create", "ConfigMap", ROOT_CA_CONFIGMAP, None)]
    cm = store.get("ConfigMap", "demo", ROOT_CA_CONFIGMAP)
    assert cm["metadata"]["annotations"] == {"kubernetes.io/description": ROOT_CA_DESCRIPTION}
    pem = cm["data"]["ca.crt"]
    assert pem.startswith("-----BEGIN CERTIFICATE-----\n")
    assert pem.endswith("\n-----END CERTIFICATE-----\n")
    assert all(len(line) <= 64 for line in pem.splitlines())
    writes.clear()
    ctl.reconcile(ns_key("demo"))
    assert writes == []


def test_ca_bundle_is_fixed_per_seed_and_can_be_supplied(store: Store, ctx: Context) -> None:
    def bundle(seed: int) -> str:
        return NamespaceController(Context(store, ctx.clock, rng=random.Random(seed))).ca_bundle

    assert bundle(3) == bundle(3) != bundle(4)
    before = ctx.rng.random()
    ctx2 = Context(store, ctx.clock, rng=random.Random(1))
    NamespaceController(ctx2)
    assert ctx2.rng.random() == before  # making the bundle draws nothing from the rng
    real = NamespaceController(ctx, ca_bundle="REAL")
    real.reconcile(ns_key("default"))
    assert store.get("ConfigMap", "default", ROOT_CA_CONFIGMAP)["data"] == {"ca.crt": "REAL"}


def test_terminating_namespace_content_is_deleted_then_namespace_finalized(
        store: Store, ctl: NamespaceController) -> None:
    make_ns(store)
    store.create({"kind": "ConfigMap", "metadata": {"name": "cfg", "namespace": "demo"}})
    store.create({"kind": "Pod", "metadata": {"name": "p", "namespace": "demo"},
                  "spec": {"nodeName": "minikube",
                           "containers": [{"name": "c", "image": "nginx"}]}})
    store.delete("Namespace", None, "demo")
    ns = store.get("Namespace", None, "demo")
    assert ns["status"]["phase"] == "Terminating"

    assert ctl.reconcile(ns_key("demo")) == RECHECK_SECONDS
    assert store.try_get("ConfigMap", "demo", "cfg") is None
    assert store.get("Pod", "demo", "p")["metadata"]["deletionTimestamp"]  # graceful
    ns = store.get("Namespace", None, "demo")
    remaining = get_condition(ns, "NamespaceContentRemaining")
    assert remaining is not None
    assert remaining["status"] == "True"
    assert remaining["reason"] == "SomeResourcesRemain"
    assert remaining["message"] == "Some resources are remaining: pods. has 1 resource instances"
    finalizers = get_condition(ns, "NamespaceFinalizersRemaining")
    assert finalizers is not None and finalizers["reason"] == "ContentHasNoFinalizers"

    store.delete("Pod", "demo", "p", grace_period_seconds=0)  # the kubelet finishes it
    assert ctl.reconcile(ns_key("demo")) is None
    assert store.try_get("Namespace", None, "demo") is None


def test_content_with_finalizers_is_reported(store: Store, ctl: NamespaceController) -> None:
    make_ns(store)
    store.create({"kind": "ConfigMap", "metadata": {"name": "held", "namespace": "demo",
                                                     "finalizers": ["example.com/hold"]}})
    store.delete("Namespace", None, "demo")
    ctl.reconcile(ns_key("demo"))
    cond = get_condition(store.get("Namespace", None, "demo"), "NamespaceFinalizersRemaining")
    assert cond is not None
    assert cond["message"] == ("Some content in the namespace has finalizers remaining: "
                               "example.com/hold in 1 resource instances")


def test_watch_keys(ctl: NamespaceController) -> None:
    watches = {w.kind: w for w in ctl.watches()}
    sa = {"type": "ADDED", "object": {"metadata": {"name": "default", "namespace": "x"}}}
    other = {"type": "ADDED", "object": {"metadata": {"name": "builder", "namespace": "x"}}}
    assert watches["ServiceAccount"].keys(sa) == [ns_key("x")]  # type: ignore[arg-type]
    assert watches["ServiceAccount"].keys(other) == []  # type: ignore[arg-type]
    gone = {"type": "DELETED", "object": {"metadata": {"name": "p", "namespace": "x"}}}
    assert watches["Pod"].keys(gone) == [ns_key("x")]  # type: ignore[arg-type]
    assert "Event" not in watches
