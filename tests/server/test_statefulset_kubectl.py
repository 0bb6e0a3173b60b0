"""Real kubectl 1.32 against the API server for a StatefulSet with claims: its client-side
texts (describe, rollout status/history/undo) must equal what kubenb's kubectl prints for the
same state, and the server-side tables must have printers.go's columns."""

from __future__ import annotations

import json

import pytest

from tests import builders

from .conftest import KUBECTL_132, Served
from .test_kubectl import ours, words

pytestmark = pytest.mark.skipif(not __import__("shutil").which(KUBECTL_132), reason="no kubectl 1.32")

SERVICE = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "nginx", "labels": {"app": "nginx"}},
           "spec": {"clusterIP": "None", "selector": {"app": "nginx"}, "ports": [{"port": 80, "name": "web"}]}}


def same(mine: str, real: str) -> bool:
    """Byte-equal, except that the Events' AGE cells may differ by the second between runs
    (real clock): that section is compared word by word with ages blanked."""
    head_m, _, events_m = mine.partition("\nEvents:")
    head_r, _, events_r = real.partition("\nEvents:")
    return head_m == head_r and words(events_m) == words(events_r)


def k132(served: Served, *args: str, rc: int = 0, stdin: str | None = None) -> str:
    run = served.kubectl(*args, binary=KUBECTL_132, stdin=stdin)
    assert run.rc == rc, f"kubectl {' '.join(args)}: {run.out}{run.err}"
    return run.out + run.err


def test_statefulset_texts_match_real_kubectl(served: Served) -> None:
    sts = builders.statefulset("web", "nginx", 2, namespace=None, selector={"app": "nginx"},
                               service_name="nginx", container="nginx")
    sts["metadata"]["annotations"] = {"kubernetes.io/change-cause": "first"}
    manifest = json.dumps({"apiVersion": "v1", "kind": "List", "items": [SERVICE, sts]})
    assert k132(served, "apply", "--validate=false", "-f", "-", stdin=manifest) == (
        "service/nginx created\nstatefulset.apps/web created\n")
    status = k132(served, "rollout", "status", "statefulset/web", "--timeout=60s")
    assert status.splitlines()[-1] == "partitioned roll out complete: 2 new pods have been updated..."
    assert "Waiting for" in status.splitlines()[0]
    assert served.store.get("Pod", "default", "web-1")["spec"]["subdomain"] == "nginx"

    served.cluster.wait_for(lambda: all(c["status"]["phase"] == "Bound"
                                for c in served.store.list("PersistentVolumeClaim", "default")))
    for args in (["describe", "statefulset", "web"], ["describe", "pvc", "www-web-0"],
                 ["describe", "pv"], ["describe", "sc", "standard"],
                 ["rollout", "status", "sts/web"], ["rollout", "history", "sts/web"],
                 ["rollout", "history", "sts/web", "--revision=1"]):
        assert same(ours(served, *args), k132(served, *args)), args

    volume = served.store.get("PersistentVolumeClaim", "default", "www-web-0")["spec"]["volumeName"]
    assert words(k132(served, "get", "pvc"))[:2] == [
        ["NAME", "STATUS", "VOLUME", "CAPACITY", "ACCESS", "MODES", "STORAGECLASS", "VOLUMEATTRIBUTESCLASS", "AGE"],
        ["www-web-0", "Bound", volume, "1Gi", "RWO", "standard", "<unset>", "AGE"]]
    assert words(k132(served, "get", "pvc", "-o", "wide"))[0][-1] == "VOLUMEMODE"
    for args in (["get", "pv,pvc,sc"], ["get", "pv", "-o", "wide"], ["get", "sc"]):
        assert words(k132(served, *args)) == words(ours(served, *args)), args
    assert words(k132(served, "get", "sts", "-o", "wide")) == [
        ["NAME", "READY", "AGE", "CONTAINERS", "IMAGES"], ["web", "2/2", "AGE", "nginx", "nginx"]]
    assert words(k132(served, "get", "sts")) == words(ours(served, "get", "sts"))

    k132(served, "set", "image", "sts/web", "nginx=nginx:1.27")
    k132(served, "annotate", "sts/web", "kubernetes.io/change-cause=second", "--overwrite")
    assert k132(served, "rollout", "status", "sts/web", "--timeout=90s").splitlines()[-1] == (
        "partitioned roll out complete: 2 new pods have been updated...")
    assert k132(served, "rollout", "undo", "sts/web") == "statefulset.apps/web rolled back\n"
    k132(served, "rollout", "status", "sts/web", "--timeout=90s")
    assert served.store.get("Pod", "default", "web-0")["spec"]["containers"][0]["image"] == "nginx"
    for args in (["rollout", "history", "sts/web"], ["describe", "sts", "web"]):
        assert same(ours(served, *args), k132(served, *args)), args
    assert ours(served, "rollout", "undo", "sts/web", "--to-revision=99") == (
        "error: unable to find specified revision 99 in history\n")
    assert k132(served, "rollout", "undo", "sts/web", "--to-revision=99", rc=1) == (
        "error: unable to find specified revision 99 in history\n")
    assert k132(served, "delete", "sts", "web") == 'statefulset.apps "web" deleted\n'
