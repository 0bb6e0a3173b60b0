"""`kubectl rollout status|history|undo|pause|resume|restart` against a virtual cluster.

Also defines the `pkube` fixture the other workload-command tests import. On a virtual clock
the in-process client's `watch()` drives the cluster while it waits, so a command that blocks
on a watch (rollout status, wait, drain, logs -f) sees the cluster make progress,
deterministically and in cluster time (its `timeout` is cluster seconds too).
"""

from __future__ import annotations

import io
import shlex
import threading
from typing import Any

import pytest

from kubenb.cli.kubectl.main import kubectl
from kubenb.client.inprocess import InProcessClient
from kubenb.clock import RealClock
from tests import builders

V1 = "gcr.io/google-samples/kubernetes-bootcamp:v1"
V2 = "docker.io/jocatalin/kubernetes-bootcamp:v2"


@pytest.fixture
def pkube(kube: Any, vcluster: Any) -> Any:
    """`kube` on the virtual cluster: the in-process client drives it while a watch waits."""
    return kube


def deployment(name: str, image: str, replicas: int = 1, **spec: Any) -> dict[str, Any]:
    """The `app: <name>` Deployment whose one container is named after it."""
    return builders.deployment(name, image, replicas, container=name, **spec)


def rolled_out(cluster: Any, name: str) -> bool:
    d = cluster.store.get("Deployment", "default", name)
    st = d.get("status") or {}
    want = d["spec"]["replicas"]
    return (st.get("observedGeneration", 0) >= d["metadata"]["generation"]
            and st.get("updatedReplicas", 0) == want and st.get("availableReplicas", 0) == want
            and st.get("replicas", 0) == want)


def make(kube: Any, vcluster: Any, name: str = "web", image: str = V1, replicas: int = 1,
         wait: bool = True) -> dict[str, Any]:
    obj = kube.client.create(deployment(name, image, replicas))
    if wait:
        vcluster.wait_for(lambda: rolled_out(vcluster, name), timeout=60)
    return obj


def set_image(kube: Any, vcluster: Any, image: str, name: str = "web") -> None:
    assert kube(f"set image deployment/{name} {name}={image}").rc == 0
    vcluster.wait_for(lambda: rolled_out(vcluster, name), timeout=120)


# ---- status --------------------------------------------------------------------------------


def test_status_of_a_finished_rollout(kube: Any, vcluster: Any) -> None:
    make(kube, vcluster)
    r = kube("rollout status deployment/web")
    assert (r.out, r.err, r.rc) == ('deployment "web" successfully rolled out\n', "", 0)


def test_status_follows_a_rollout_on_every_watch_event(pkube: Any, vcluster: Any) -> None:
    make(pkube, vcluster, replicas=3)
    pkube.client.patch("Deployment", "default", "web",
                       {"spec": {"template": {"spec": {"containers": [{"name": "web", "image": V2}]}}}},
                       "strategic")
    r = pkube("rollout status deploy/web --timeout=120s")
    lines = r.out.splitlines()
    assert r.rc == 0 and r.err == ""
    assert lines[0] == "Waiting for deployment spec update to be observed..."
    assert lines[-1] == 'deployment "web" successfully rolled out'
    allowed = ('Waiting for deployment "web" rollout to finish: ',
               "Waiting for deployment spec update to be observed...")
    assert all(line.startswith(allowed) for line in lines[:-1])
    # The messages of reference §8 appear in the order a rolling update passes through them.
    kinds = [k for k in ("new replicas have been updated", "old replicas are pending termination",
                         "updated replicas are available") if any(k in line for line in lines)]
    assert kinds[0] == "new replicas have been updated"
    assert "old replicas are pending termination" in kinds
    assert len(lines) > len(set(lines)) or len(lines) >= 4  # one line per event: lines repeat


def test_status_without_watch_prints_the_current_state_once(kube: Any, vcluster: Any) -> None:
    make(kube, vcluster, wait=False)
    r = kube("rollout status deployment/web --watch=false")
    assert (r.out, r.rc) == ("Waiting for deployment spec update to be observed...\n", 0)


def test_status_times_out_on_the_cluster_clock(pkube: Any, vcluster: Any) -> None:
    make(pkube, vcluster)
    pkube("rollout pause deployment/web")
    pkube.client.patch("Deployment", "default", "web", {"spec": {"replicas": 2}}, "merge")
    vcluster.wait_for(lambda: vcluster.store.get("Deployment", "default", "web")["status"]
                      .get("availableReplicas") == 2, timeout=60)
    pkube.client.patch("Deployment", "default", "web",
                       {"spec": {"template": {"spec": {"containers": [{"name": "web", "image": V2}]}}}},
                       "strategic")
    before = vcluster.clock.monotonic()
    r = pkube("rollout status deployment/web --timeout=5s")
    assert r.err == "error: timed out waiting for the condition\n" and r.rc == 1
    assert r.out.endswith("0 out of 2 new replicas have been updated...\n")
    assert 5 <= vcluster.clock.monotonic() - before < 6


def test_status_on_a_real_clock_cluster_watches_progress() -> None:
    """The background-thread cluster: rollout status blocks on real watch events (≈1 s)."""
    from kubenb.cluster import Cluster

    cluster = Cluster(clock=RealClock(), seed=1).start()
    try:
        cluster.wait_for(lambda: bool(cluster.store.list("Node")), timeout=10)
        client = InProcessClient.for_cluster(cluster)
        client.create(deployment("web", V1, replicas=2))
        out, err = io.StringIO(), io.StringIO()
        done = threading.Event()
        rc: list[int] = []

        def run() -> None:
            rc.append(kubectl(shlex.split("rollout status deployment/web --timeout=20s"), client, out, err))
            done.set()

        threading.Thread(target=run, daemon=True).start()
        assert done.wait(25)
        assert rc == [0], err.getvalue()
        assert out.getvalue().endswith('deployment "web" successfully rolled out\n')
        assert out.getvalue().count("\n") >= 2  # it waited: at least one progress line first
    finally:
        cluster.stop()


@pytest.mark.parametrize("line, err", [
    ("rollout status", "error: required resource not specified\n"),
    ("rollout status deployment/nope", 'Error from server (NotFound): deployments.apps "nope" not found\n'),
    ("rollout status deployment/web --revision=-1", "error: revision must be a positive integer: -1\n"),
    ("rollout status deployment/web --revision=7",
     "error: desired revision (7) is different from the running revision (1)\n"),
    ("rollout status rs/REPLICASET", "error: no status viewer has been implemented for ReplicaSet.apps\n"),
    ("rollout frobnicate", 'error: unknown command "frobnicate"\nSee \'kubectl rollout -h\' for help and examples\n'),
])
def test_status_errors(kube: Any, vcluster: Any, line: str, err: str) -> None:
    make(kube, vcluster)
    rs = vcluster.store.list("ReplicaSet", "default")[0]["metadata"]["name"]
    r = kube(line.replace("REPLICASET", rs))
    assert (r.out, r.err, r.rc) == ("", err, 1)


# ---- history / undo ------------------------------------------------------------------------


def test_history_table(kube: Any, vcluster: Any) -> None:
    make(kube, vcluster)
    set_image(kube, vcluster, V2)
    r = kube("rollout history deployment/web")
    assert r.out == ("deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n")
    assert r.rc == 0


def test_history_of_one_revision_prints_its_pod_template_with_raw_tabs(kube: Any, vcluster: Any, golden: Any) -> None:
    make(kube, vcluster)
    kube.client.patch("Deployment", "default", "web",
                      {"metadata": {"annotations": {"kubernetes.io/change-cause": "set image v2"}}}, "merge")
    set_image(kube, vcluster, V2)
    r = kube("rollout history deployment/web --revision=2")
    assert r.rc == 0 and r.out.startswith("deployment.apps/web with revision #2\nPod Template:\n  Labels:\tapp=web\n")
    assert "  Annotations:\tkubernetes.io/change-cause: set image v2\n" in r.out
    golden("rollout_history_revision", r.out)
    assert kube("rollout history deployment/web --revision=9").err == "error: unable to find the specified revision\n"


def test_history_as_yaml_lists_the_replica_sets(kube: Any, vcluster: Any) -> None:
    make(kube, vcluster)
    r = kube("rollout history deployment/web -o name")
    assert r.out == f"replicaset.apps/{vcluster.store.list('ReplicaSet', 'default')[0]['metadata']['name']}\n"


def test_undo_rolls_back_then_skips(kube: Any, vcluster: Any) -> None:
    make(kube, vcluster)
    r = kube("rollout undo deployment/web")
    assert (r.out, r.err, r.rc) == ("", 'error: no rollout history found for deployment "web"\n', 1)
    set_image(kube, vcluster, V2)
    r = kube("rollout undo deployment/web")
    assert (r.out, r.err, r.rc) == ("deployment.apps/web rolled back\n", "", 0)
    vcluster.wait_for(lambda: rolled_out(vcluster, "web"), timeout=120)
    assert kube("rollout history deployment/web").out.splitlines()[2:4] == ["2         <none>", "3         <none>"]
    r = kube("rollout undo deployment/web --to-revision=3")
    assert r.out == "deployment.apps/web skipped rollback (current template already matches revision 3)\n"
    r = kube("rollout undo deployment/web --to-revision=9")
    assert r.err == "error: unable to find specified revision 9 in history\n"


# ---- pause / resume / restart --------------------------------------------------------------


def test_pause_resume_and_their_errors(kube: Any, vcluster: Any) -> None:
    make(kube, vcluster)
    assert kube("rollout resume deployment/web").err == 'error: deployments.apps "web" is not paused\n'
    r = kube("rollout pause deployment/web")
    assert (r.out, r.rc) == ("deployment.apps/web paused\n", 0)
    assert vcluster.store.get("Deployment", "default", "web")["spec"]["paused"] is True
    r = kube("rollout pause deployment/web")
    assert (r.out, r.err, r.rc) == ("", 'error: deployments.apps "web" is already paused\n', 1)
    r = kube("rollout restart deployment/web")
    assert r.err == ('error: deployments.apps "web" can\'t restart paused deployment '
                     "(run rollout resume first)\n")
    r = kube("rollout undo deployment/web")
    assert r.err.startswith("error: ")
    assert (kube("rollout resume deployment/web").out) == "deployment.apps/web resumed\n"
    assert not vcluster.store.get("Deployment", "default", "web")["spec"].get("paused")


def test_restart_stamps_the_template_and_rolls(kube: Any, vcluster: Any) -> None:
    make(kube, vcluster)
    r = kube("rollout restart deploy/web")
    assert (r.out, r.rc) == ("deployment.apps/web restarted\n", 0)
    template = vcluster.store.get("Deployment", "default", "web")["spec"]["template"]
    stamp = template["metadata"]["annotations"]["kubectl.kubernetes.io/restartedAt"]
    assert stamp == vcluster.clock.now().strftime("%Y-%m-%dT%H:%M:%SZ")
    r = kube("rollout restart deploy/web")  # same second: kubectl refuses an empty patch
    assert r.err == ("error: failed to create patch for web: if restart has already been triggered within "
                     "the past second, please wait before attempting to trigger another\n")
    vcluster.wait_for(lambda: rolled_out(vcluster, "web"), timeout=120)
    assert kube("rollout history deploy/web").out.count("<none>") == 2


def test_pause_of_a_replicaset_is_not_supported(kube: Any, vcluster: Any) -> None:
    make(kube, vcluster)
    rs = vcluster.store.list("ReplicaSet", "default")[0]["metadata"]["name"]
    r = kube(f"rollout pause rs/{rs}")
    assert (r.err, r.rc) == (f'error: replicasets.apps "{rs}" pausing is not supported\n', 1)
    r = kube(f"rollout history rs/{rs}")
    assert r.err == 'error: no history viewer has been implemented for "ReplicaSet.apps"\n'
