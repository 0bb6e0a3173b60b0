"""Real kubectl 1.32 against the API server for ResourceQuota and LimitRange: `create quota`,
the server-side tables of `get quota` / `get limits` (printers.go columns), describe texts
equal to kubenb's kubectl, and the Forbidden errors of the quota and LimitRanger admission
as kubectl prints them."""

from __future__ import annotations

import json

import pytest

from tests import builders

from .conftest import KUBECTL_132, Served
from .test_kubectl import ours, words
from .test_statefulset_kubectl import k132

pytestmark = pytest.mark.skipif(not __import__("shutil").which(KUBECTL_132), reason="no kubectl 1.32")

NS = "quota-demo"
LIMITS = {"apiVersion": "v1", "kind": "LimitRange", "metadata": {"name": "limits", "namespace": NS},
          "spec": {"limits": [{"type": "Container", "default": {"cpu": "500m", "memory": "128Mi"},
                               "min": {"cpu": "100m"}}]}}


def test_quota_and_limit_range_with_real_kubectl(served: Served) -> None:
    k132(served, "create", "namespace", NS)
    assert k132(served, "-n", NS, "create", "quota", "q", "--hard=cpu=1,limits.memory=256Mi,pods=2") == \
        "resourcequota/q created\n"
    served.cluster.wait_for(lambda: (served.store.get("ResourceQuota", NS, "q").get("status") or {}).get("used"))
    assert words(k132(served, "-n", NS, "get", "quota")) == [
        ["NAME", "AGE", "REQUEST", "LIMIT"], ["q", "AGE", "cpu:", "0/1,", "pods:", "0/2", "limits.memory:", "0/256Mi"]]
    assert k132(served, "-n", NS, "apply", "-f", "-", stdin=json.dumps(LIMITS)) == "limitrange/limits created\n"
    assert words(k132(served, "-n", NS, "get", "limits"))[0] == ["NAME", "CREATED", "AT"]

    pod = builders.pod("one", namespace=NS, requests={"cpu": "400m"})
    assert k132(served, "apply", "-f", "-", stdin=json.dumps(pod)) == "pod/one created\n"
    created = served.store.get("Pod", NS, "one")
    assert created["spec"]["containers"][0]["resources"]["limits"] == {"cpu": "500m", "memory": "128Mi"}
    two = builders.pod("two", namespace=NS, requests={"cpu": "700m"}, limits={"cpu": "1"})
    assert k132(served, "apply", "-f", "-", stdin=json.dumps(two), rc=1) == (
        'Error from server (Forbidden): error when creating "STDIN": pods "two" is forbidden: exceeded quota: q, '
        'requested: cpu=700m, used: cpu=400m, limited: cpu=1\n')
    small = builders.pod("small", namespace=NS, requests={"cpu": "50m"})
    assert k132(served, "apply", "-f", "-", stdin=json.dumps(small), rc=1) == (
        'Error from server (Forbidden): error when creating "STDIN": pods "small" is forbidden: minimum cpu usage '
        'per Container is 100m, but request is 50m\n')
    served.cluster.wait_for(lambda: served.store.get("ResourceQuota", NS, "q")["status"]["used"]["pods"] == "1")
    assert ours(served, "-n", NS, "describe", "quota", "q") == k132(served, "-n", NS, "describe", "quota", "q")
    # kubectl prints a LimitRange's rows in Go's map order, which differs from run to run:
    # the same lines, in any order
    for args in (["describe", "limitrange", "limits"], ["describe", "namespace", NS]):
        assert sorted(ours(served, "-n", NS, *args).splitlines()) == \
            sorted(k132(served, "-n", NS, *args).splitlines()), args
    k132(served, "delete", "namespace", NS, "--wait=false")


@pytest.mark.parametrize("args", [
    ["--hard=cpu=1,memory=1Gi,pods=2", "--scopes=BestEffort,NotTerminating", "--dry-run=client", "-o", "yaml"],
    ["--hard=limits.cpu=500m", "--dry-run=client", "-o", "json"],
    ["--hard=cpu"],
    ["--hard=cpu=lots"],
    ["--hard=pods=1", "--scopes=BestEffort,"],
    ["--hard=pods=1", "--scopes=Sometimes"],
])
def test_create_quota_texts_match_real_kubectl(served: Served, args: list[str]) -> None:
    real = served.kubectl("create", "quota", "x", *args, binary=KUBECTL_132)
    assert ours(served, "create", "quota", "x", *args) == real.out + real.err
