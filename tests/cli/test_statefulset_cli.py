"""kubectl for StatefulSets on a seeded virtual cluster: get/describe goldens (the describe
layout was checked against real kubectl 1.32 in tests/server/test_statefulset_kubectl.py),
scale, rollout status/history/undo/restart messages, and validation errors in the API
server's words."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests import builders


def ready(vcluster: Any, n: int) -> bool:
    sts = vcluster.store.get("StatefulSet", "default", "web")
    return (sts.get("status") or {}).get("readyReplicas", 0) == n


@pytest.fixture
def web(kube: Any, vcluster: Any) -> Any:
    """A 2-replica `web` StatefulSet with one `www` claim template, rolled out, 90s old."""
    sts = builders.statefulset("web", "nginx", 2, selector={"app": "nginx"}, service_name="nginx",
                               container="nginx")
    r = kube("apply -f -", stdin=json.dumps(sts))
    assert (r.out, r.rc) == ("statefulset.apps/web created\n", 0)
    vcluster.wait_for(lambda: ready(vcluster, 2), timeout=60)
    vcluster.advance(90)
    return kube


@pytest.mark.parametrize("name, line", [
    ("get_statefulsets", "get statefulsets"),
    ("get_statefulsets_wide", "get sts -o wide"),
    ("get_pvc", "get pvc"),
    ("get_pvc_wide", "get persistentvolumeclaims -o wide"),
    ("describe_statefulset", "describe statefulset web"),
    ("describe_pvc", "describe pvc www-web-0"),
    ("get_pv_pvc_sc", "get pv,pvc,sc"),
    ("get_pv_wide", "get pv -o wide"),
    ("describe_pv", "describe pv"),
    ("describe_sc", "describe sc standard"),
])
def test_statefulset_goldens(web: Any, vcluster: Any, golden: Any, name: str, line: str) -> None:
    r = web(line)
    assert (r.err, r.rc) == ("", 0)
    golden(name, r.out.replace(vcluster.state_dir, "<state-dir>"))


def test_scale_and_rollout_messages(web: Any, vcluster: Any) -> None:
    assert web("rollout status statefulset/web").out == (
        "partitioned roll out complete: 2 new pods have been updated...\n")
    assert web("scale statefulset web --replicas=3").out == "statefulset.apps/web scaled\n"
    assert web("rollout status sts/web --watch=false").out == (
        "Waiting for statefulset spec update to be observed...\n")
    vcluster.wait_for(lambda: vcluster.store.get("StatefulSet", "default", "web")["status"].get(
        "observedGeneration") == 2, timeout=10)
    assert web("rollout status sts/web --watch=false").out == "Waiting for 1 pods to be ready...\n"
    vcluster.wait_for(lambda: ready(vcluster, 3), timeout=60)
    assert web("set image sts/web nginx=nginx:1.27").out == "statefulset.apps/web image updated\n"
    out = web("rollout status sts/web --timeout=120s").out
    assert out.splitlines()[-1] == "partitioned roll out complete: 3 new pods have been updated..."
    assert web("rollout history sts/web").out == (
        "statefulset.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n")
    assert web("rollout undo sts/web").out == "statefulset.apps/web rolled back\n"
    def images() -> list[str]:
        return [p["spec"]["containers"][0]["image"] for p in vcluster.store.list("Pod", "default")]

    vcluster.wait_for(lambda: images() == ["nginx"] * 3 and ready(vcluster, 3), timeout=120)
    assert web("rollout undo sts/web --to-revision=3").out == (
        "statefulset.apps/web skipped rollback (current template already matches revision 3)\n")
    assert web("rollout restart sts/web").out == "statefulset.apps/web restarted\n"
    r = web("rollout pause sts/web")
    assert (r.err, r.rc) == ('error: statefulsets.apps "web" pausing is not supported\n', 1)


def test_bad_input_is_rejected_in_the_api_servers_words(web: Any, vcluster: Any) -> None:
    before = vcluster.store.get("StatefulSet", "default", "web")
    r = web("""patch sts web -p '{"spec":{"serviceName":"other"}}'""")
    assert (r.err, r.rc) == (
        'The StatefulSet "web" is invalid: spec: Forbidden: updates to statefulset spec for fields '
        "other than 'replicas', 'ordinals', 'template', 'updateStrategy', "
        "'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden\n", 1)
    assert vcluster.store.get("StatefulSet", "default", "web") == before
    bad = builders.statefulset("db", selector={"app": "db"})
    bad["spec"]["template"]["metadata"]["labels"] = {"app": "other"}
    r = web("create -f -", stdin=json.dumps(bad))
    assert (r.err, r.rc) == (
        'The StatefulSet "db" is invalid: spec.template.metadata.labels: Invalid value: '
        '{"app":"other"}: `selector` does not match template `labels`\n', 1)
    assert [s["metadata"]["name"] for s in vcluster.store.list("StatefulSet", "default")] == ["web"]


@pytest.mark.parametrize("line, expect", [
    ("explain statefulset.spec.podManagementPolicy", "ENUM:\n    OrderedReady\n    Parallel\n"),
    ("explain sts.status", "updateRevision\t<string>"),
    ("explain pvc.spec", "volumeMode\t<string>\n  enum: Block, Filesystem"),
    ("explain persistentvolumeclaim.status.phase", "ENUM:\n    Bound\n    Lost\n    Pending\n"),
    ("explain controllerrevisions", "revision\t<integer> -required-"),
])
def test_explain_documents_the_stateful_kinds(kube: Any, line: str, expect: str) -> None:
    r = kube(line)
    assert r.rc == 0 and expect in r.out, r.text
