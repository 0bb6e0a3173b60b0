"""Pods grouped by their top workload, completed/failed Job pods, HPAs beside their target and
the kube-system toggle — on a virtual cluster, through the deltas a front end receives."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from kubenb.cluster import Cluster
from kubenb.widgets.options import ViewOptions
from kubenb.widgets.state import ClusterState
from tests import builders
from tests.conftest import Kube
from tests.scenario.virtual import metrics_cluster
from tests.widgets.conftest import FrontEnd

CPU = "sim.kubenb.io/cpu-millicores"


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    yield from metrics_cluster(nodes=2, seed=3)


def system_pods(c: Cluster) -> None:
    """What a real minikube runs in kube-system: a DaemonSet, a Deployment and a static
    (mirror) pod owned by its Node. Created here where the cluster has not made them, so the
    test depends on nothing else."""
    if c.store.try_get("DaemonSet", "kube-system", "kube-proxy") is None:
        c.store.create(builders.daemonset("kube-proxy", "nginx", namespace="kube-system"))
    if c.store.try_get("Deployment", "kube-system", "coredns") is None:
        c.store.create(builders.deployment("coredns", "nginx", 1, namespace="kube-system"))
    if c.store.try_get("Service", "kube-system", "kube-dns") is None:
        c.store.create(builders.service("kube-dns", namespace="kube-system",
                                        selector={"k8s-app": "kube-dns"}, port=53))
    if c.store.try_get("Pod", "kube-system", "etcd-minikube") is not None:
        return
    node = c.store.get("Node", None, "minikube")
    etcd = builders.pod("etcd-minikube", "nginx",
                        namespace="kube-system")
    etcd["metadata"]["ownerReferences"] = [{
        "apiVersion": "v1", "kind": "Node", "name": "minikube",
        "uid": node["metadata"]["uid"], "controller": True}]
    etcd["spec"]["nodeName"] = "minikube"
    c.store.create(etcd)


def workloads(c: Cluster) -> None:
    c.store.create(builders.deployment("web", "nginx", 2))
    c.store.create(builders.job("pi", command=("sh", "-c", "exit 0")))
    c.store.create(builders.job("bad", command=("sh", "-c", "exit 1"), backoffLimit=0))
    c.store.create(builders.daemonset("fluentd", "nginx"))
    c.store.create(builders.statefulset("db", "redis", 1, claims=()))
    c.store.create(builders.replicationcontroller("legacy", "nginx", 1))
    c.store.create(builders.cronjob("hello", "*/1 * * * *"))
    c.store.create(builders.pod("solo", "nginx"))


def finished(c: Cluster, name: str) -> bool:
    job = c.store.try_get("Job", "default", name) or {}
    return any(x.get("status") == "True" and x["type"] in ("Complete", "Failed")
               for x in (job.get("status") or {}).get("conditions") or [])


@pytest.fixture
def busy(cluster: Cluster, view_factory: Any) -> tuple[Kube, Any, FrontEnd]:
    """A view that watched every workload (and kube-system) arrive, caught up."""
    kube = Kube(cluster)
    view = view_factory(kube.client)
    fe = FrontEnd(view)
    system_pods(cluster)
    workloads(cluster)
    def ready(kind: str, ns: str, name: str, field: str, n: int) -> bool:
        obj = cluster.store.try_get(kind, ns, name) or {}
        return (obj.get("status") or {}).get(field) == n

    cluster.wait_for(lambda: finished(cluster, "pi") and finished(cluster, "bad")
                     and ready("DaemonSet", "default", "fluentd", "numberReady", 2)
                     and ready("DaemonSet", "kube-system", "kube-proxy", "numberReady", 2)
                     and ready("StatefulSet", "default", "db", "readyReplicas", 1)
                     and ready("Deployment", "default", "web", "readyReplicas", 2)
                     and any(j["metadata"]["name"].startswith("hello-")
                             for j in cluster.store.list("Job", "default")), timeout=300)
    cluster.advance(5)
    fe.catch_up()
    return kube, view, fe


def by_name(fe: FrontEnd) -> dict[str, dict[str, Any]]:
    return {r["name"]: r for r in fe.state["pods"].values()}


def test_pods_know_their_top_workload_and_each_workload_its_colour(busy: Any) -> None:
    kube, view, fe = busy
    pods = by_name(fe)
    top = {name: rec["workload"] for name, rec in pods.items()}
    web = [n for n in pods if n.startswith("web-")]
    hello = [n for n in pods if n.startswith("hello-")]
    assert len(web) == 2 and len(hello) >= 1
    assert {top[n] for n in web} == {"deployment/default/web"}
    assert {pods[n]["owner"] for n in web} == {"default/web"}     # as before
    assert {top[n] for n in hello} == {"cronjob/default/hello"}   # Pod → Job → CronJob
    assert {pods[n]["owner"] for n in hello} == {None}
    assert top["solo"] is None and pods["solo"]["color"] is None
    named = {top[n] for n in pods if n.startswith(("pi-", "bad-", "fluentd-"))}
    assert named == {"job/default/pi", "job/default/bad", "daemonset/default/fluentd"}
    assert top["db-0"] == "statefulset/default/db"
    assert {top[n] for n in pods if n.startswith("legacy-")} == {
        "replicationcontroller/default/legacy"}

    # The legend: every top workload but the Deployment (drawn with its rollout), in
    # kubectl's words; the Jobs a CronJob made are not entries of their own.
    legend = fe.state["workloads"]
    assert sorted(legend) == ["cronjob/default/hello", "daemonset/default/fluentd",
                              "job/default/bad", "job/default/pi",
                              "replicationcontroller/default/legacy", "statefulset/default/db"]
    assert {w["label"] for w in legend.values()} == {
        "cronjob/hello", "ds/fluentd", "job/bad", "job/pi", "rc/legacy", "sts/db"}
    jobs = {row.split()[0]: row.split() for row in kube("get jobs").out.splitlines()[1:]}
    assert legend["job/default/pi"]["summary"] == " ".join(jobs["pi"][1:3]) == "Complete 1/1"
    assert legend["job/default/bad"]["summary"] == " ".join(jobs["bad"][1:3]) == "Failed 0/1"
    ds = kube("get ds fluentd").out.splitlines()[1].split()
    assert legend["daemonset/default/fluentd"]["summary"] == f"{ds[3]}/{ds[1]} ready" == "2/2 ready"
    assert legend["daemonset/default/fluentd"]["pods"] == 2
    assert legend["statefulset/default/db"]["summary"] == "1/1 ready"
    assert legend["cronjob/default/hello"]["summary"].startswith("*/1 * * * *, ")

    # One stable colour per workload, the same on the workload and on its pods.
    by_key = {"deployment/default/web": fe.state["deployments"]["default/web"]["color"]}
    by_key.update({w["key"]: w["color"] for w in legend.values()})
    assert len(set(by_key.values())) == len(by_key) == 7
    for rec in pods.values():
        if rec["workload"] is not None:
            assert rec["color"] == by_key[rec["workload"]], rec["name"]
    assert fe.state["deployments"]["default/web"]["label"] == "deployment/web"
    fe.matches_view()


def test_finished_job_pods_stay_on_their_node_completed_or_failed(cluster: Cluster,
                                                                 busy: Any) -> None:
    kube, view, fe = busy
    pods = by_name(fe)
    rows = {row.split()[0]: row.split() for row in kube("get pods -o wide").out.splitlines()[1:]}
    pi = next(r for n, r in pods.items() if n.startswith("pi-"))
    bad = next(r for n, r in pods.items() if n.startswith("bad-"))
    assert (pi["phase"], pi["state"]) == ("Succeeded", "Completed")
    assert (bad["phase"], bad["state"]) == ("Failed", "Error")
    for rec in (pi, bad):
        assert rec["node"] is not None and rec["node"] == rows[rec["name"]][6]
        assert rec["state"] == rows[rec["name"]][2]
    # Finished pods hold no resources: the node card counts only the others …
    node = fe.state["nodes"][pi["node"]]
    live = [p for p in view.client.list("Pod")[0] if p["spec"].get("nodeName") == pi["node"]
            and p["status"].get("phase") not in ("Succeeded", "Failed")]
    assert node["pods"] == len(live)
    # … and the chip goes only when the pod is deleted.
    cluster.advance(30)
    fe.catch_up()
    assert fe.state["pods"][pi["uid"]]["state"] == "Completed"
    assert kube(f"delete pod {pi['name']} --wait=false").rc == 0
    cluster.wait_for(lambda: cluster.store.try_get("Pod", "default", pi["name"]) is None)
    view.flush()
    fe.catch_up()
    assert pi["uid"] not in fe.state["pods"]


def test_hpa_shows_beside_its_target(cluster: Cluster, view_factory: Any) -> None:
    kube = Kube(cluster)
    view = view_factory(kube.client)
    fe = FrontEnd(view)
    dep = builders.deployment("web", "nginx", 2)
    tmpl = dep["spec"]["template"]
    tmpl["metadata"]["annotations"] = {CPU: "40"}
    tmpl["spec"]["containers"][0]["resources"] = {"requests": {"cpu": "100m"}}
    cluster.store.create(dep)
    cluster.store.create(builders.statefulset("db", "redis", 1, claims=()))
    cluster.wait_for(lambda: (cluster.store.get("Deployment", "default", "web").get("status")
                              or {}).get("readyReplicas") == 2, 60)
    cluster.advance(20)  # past the metric window after the pods turned ready
    cluster.store.create(builders.hpa("web", max_replicas=10))
    cluster.store.create(builders.hpa("db", kind="StatefulSet", max_replicas=3))
    cluster.advance(30)
    fe.catch_up()
    row = kube("get hpa web").out.splitlines()[1]
    hpa = fe.state["deployments"]["default/web"]["hpa"]
    status = cluster.store.get("HorizontalPodAutoscaler", "default", "web")["status"]
    assert hpa == {"name": "web", "min": 1, "max": 10, "current": status["currentReplicas"],
                   "desired": status["desiredReplicas"], "targets": "cpu: 40%/50%"}
    assert "cpu: 40%/50%" in row
    db = fe.state["workloads"]["statefulset/default/db"]["hpa"]
    assert (db["name"], db["min"], db["max"]) == ("db", 1, 3)
    kube("delete hpa web")
    cluster.advance(1)
    fe.catch_up()
    assert fe.state["deployments"]["default/web"]["hpa"] is None
    fe.matches_view()


def test_kube_system_is_hidden_until_the_toggle_shows_it(busy: Any) -> None:
    kube, view, fe = busy
    assert view.options["show_system"] is False
    assert not [r for r in fe.state["pods"].values() if r["namespace"] == "kube-system"]
    assert not [k for k in fe.state["workloads"] if "/kube-system/" in k]
    assert "kube-system/coredns" not in fe.state["deployments"]
    assert "kube-system/kube-dns" not in fe.state["services"]
    assert not [e for e in fe.state["events"] if e["namespace"] == "kube-system"]
    # Node cards still count every pod bound to them, as `kubectl describe node` does.
    on_node = [p for p in view.client.list("Pod")[0] if p["spec"].get("nodeName") == "minikube"
               and p["status"].get("phase") not in ("Succeeded", "Failed")]
    assert any(p["metadata"]["namespace"] == "kube-system" for p in on_node)
    assert fe.state["nodes"]["minikube"]["pods"] == len(on_node)
    html = view._repr_mimebundle_()["text/html"]
    assert "etcd-minikube" not in html and "kube-proxy" not in html

    view.options = {**view.options, "show_system": True}   # what the toggle sends
    fe.catch_up()
    names = {r["name"]: r for r in fe.state["pods"].values()}
    assert names["etcd-minikube"]["workload"] is None      # a mirror pod: owned by its Node
    proxy = [r for n, r in names.items() if n.startswith("kube-proxy-")]
    assert len(proxy) == 2 and {r["workload"] for r in proxy} == {
        "daemonset/kube-system/kube-proxy"}
    assert fe.state["workloads"]["daemonset/kube-system/kube-proxy"]["label"] == (
        "kube-system/ds/kube-proxy")
    assert fe.state["deployments"]["kube-system/coredns"]["label"] == (
        "kube-system/deployment/coredns")
    assert "etcd-minikube" in view._repr_mimebundle_()["text/html"]
    assert "kube-system/kube-dns" in fe.state["services"]
    fe.matches_view()
    view.options = {**view.options, "show_system": False}
    fe.catch_up()
    assert not [r for r in fe.state["pods"].values() if r["namespace"] == "kube-system"]
    # Asking for the namespace itself shows it, toggle or not.
    view.options = {**view.options, "namespace": "kube-system"}
    fe.catch_up()
    assert {r["namespace"] for r in fe.state["pods"].values()} == {"kube-system"}


def test_a_pod_seen_before_its_replicaset_moves_to_the_deployment() -> None:
    """Watch order is not guaranteed across kinds: the pod's workload is resolved again
    when its ReplicaSet (and so its Deployment) becomes known."""
    state = ClusterState(ViewOptions())
    dep = builders.deployment("web")
    rs = builders.replicaset("web-5f6c7d8e9")
    rs["metadata"]["uid"] = "rs-1"
    p = builders.pod("web-5f6c7d8e9-abcde")
    p["metadata"]["uid"] = "pod-1"
    p["metadata"]["ownerReferences"] = [{"apiVersion": "apps/v1", "kind": "ReplicaSet",
                                         "name": "web-5f6c7d8e9", "uid": "rs-1",
                                         "controller": True}]
    state.apply("ADDED", p)
    first = state.take_snapshot()
    assert first["pods"][0]["workload"] == "replicaset/default/web-5f6c7d8e9"
    assert [w["key"] for w in first["workloads"]] == []          # not known yet
    state.apply("ADDED", rs)
    delta = state.take_delta()
    assert delta is not None and delta["upsert"]["workloads"][0]["label"] == "rs/web-5f6c7d8e9"
    rs["metadata"]["ownerReferences"] = [{"apiVersion": "apps/v1", "kind": "Deployment",
                                          "name": "web", "uid": "d-1", "controller": True}]
    state.apply("ADDED", dep)
    state.apply("MODIFIED", rs)
    delta = state.take_delta()
    assert delta is not None
    assert delta["remove"]["workloads"] == ["replicaset/default/web-5f6c7d8e9"]
    (pod,) = delta["upsert"]["pods"]
    assert (pod["workload"], pod["owner"]) == ("deployment/default/web", "default/web")
    assert pod["color"] == delta["upsert"]["deployments"][0]["color"]


def test_static_renderings_draw_workloads_and_finished_pods(busy: Any) -> None:
    kube, view, fe = busy
    pods = by_name(fe)
    pi = next(r for n, r in pods.items() if n.startswith("pi-"))
    bad = next(r for n, r in pods.items() if n.startswith("bad-"))
    bundle = view._repr_mimebundle_()
    html = bundle["text/html"]
    chips = dict(re.findall(r'<span class="kubenb-pod" data-state="([^"]+)" style="[^"]*'
                            r'opacity:\.55;color:#1f2328" title="[^"]*">(.)</span>', html))
    assert chips == {"Completed": "✓"}                     # only finished pods are faded
    assert re.search(r'data-state="Error" style="[^"]*border-color:#d62728;[^"]*" '
                     r'title="[^"]*">✗</span>', html)
    legend = re.findall(r'<tr data-key="([^"]+)"><td><span class="cv-swatch" style="background:'
                        r'(#[0-9a-f]+)"></span>([^<]+)</td><td>([^<]+)</td>', html)
    assert ("job/default/pi", "job/pi", "Complete 1/1") in [(k, lab, s) for k, _, lab, s in legend]
    fill = {k: c for k, c, _, _ in legend}["daemonset/default/fluentd"]
    fluentd = next(r for n, r in pods.items() if n.startswith("fluentd-"))
    assert re.search(f'style="background:{fill};[^"]*" title="default/{fluentd["name"]}', html)
    assert "deployment/web" in html
    text = bundle["text/plain"]
    assert "  job/pi: Complete 1/1" in text.splitlines() and "  ds/fluentd: 2/2 ready" in text

    fig = view.figure()
    patches = {p.get_gid(): p for p in fig.axes[0].patches if p.get_gid()}
    assert "workload:job/default/pi" in patches and "workload:deployment/default/web" in patches
    assert patches[f"pod:{pi['uid']}"].get_alpha() == pytest.approx(0.45)
    assert patches[f"pod:{bad['uid']}"].get_alpha() is None
    marks = [t.get_text() for t in fig.axes[0].texts if t.get_text() in ("✓", "✗")]
    assert sorted(marks).count("✓") >= 2 and marks.count("✗") == 1   # pi and hello's pods
    assert not any(g.startswith("workload:") and "/kube-system/" in g for g in patches)
