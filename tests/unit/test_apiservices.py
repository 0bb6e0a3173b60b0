"""APIServices: the local ones per served group/version, validation, and availability reasons."""

from __future__ import annotations

import pytest

from kubenb.api.apiservices import availability, ensure_local
from kubenb.api.errors import Invalid
from kubenb.api.store import Store
from kubenb.clock import VirtualClock
from tests import builders

WARDLE = {"apiVersion": "apiregistration.k8s.io/v1", "kind": "APIService",
          "metadata": {"name": "v1alpha1.wardle.k8s.io"},
          "spec": {"group": "wardle.k8s.io", "version": "v1alpha1", "groupPriorityMinimum": 1000,
                   "versionPriority": 15, "insecureSkipTLSVerify": True,
                   "service": {"name": "api", "namespace": "wardle"}}}


@pytest.fixture
def store() -> Store:
    s = Store(VirtualClock(), seed=1)
    s.ensure_namespaces(("default", "wardle"))
    ensure_local(s)
    return s


def test_every_served_group_version_has_an_available_local_apiservice(store: Store) -> None:
    names = [s["metadata"]["name"] for s in store.list("APIService")]
    assert {"v1.", "v1.apps", "v2.autoscaling", "v1.batch", "v1.rbac.authorization.k8s.io",
            "v1.apiregistration.k8s.io"} <= set(names)
    core = store.get("APIService", None, "v1.")
    assert core["spec"] == {"version": "v1", "groupPriorityMinimum": 18000, "versionPriority": 1}
    cond = core["status"]["conditions"][0]
    assert (cond["type"], cond["status"], cond["reason"]) == ("Available", "True", "Local")


def test_name_must_be_version_dot_group(store: Store) -> None:
    bad = {**WARDLE, "metadata": {"name": "wardle"}}
    with pytest.raises(Invalid) as err:
        store.create(bad)
    assert err.value.message == ('APIService.apiregistration.k8s.io "wardle" is invalid: '
                                 'metadata.name: Invalid value: "wardle": must be '
                                 'v1alpha1.wardle.k8s.io')


def test_a_backed_apiservice_is_unavailable_with_upstreams_reasons(store: Store) -> None:
    svc = store.create(WARDLE)
    assert availability(store, svc) == ("False", "ServiceNotFound",
                                        'service/api in "wardle" is not present')
    store.create(builders.service("api", namespace="wardle"))
    assert availability(store, svc)[:2] == ("False", "MissingEndpoints")
