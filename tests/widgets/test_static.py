"""Static output: text/html and text/plain in the mimebundle, the matplotlib figure, the
aggregated mode, and the timeline recorder."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from kubenb.clock import VirtualClock
from kubenb.cluster import Cluster
from tests.conftest import Kube

HUGE = """
apiVersion: v1
kind: Pod
metadata: {name: huge}
spec:
  containers:
  - name: huge
    image: nginx
    resources: {requests: {cpu: "64"}}
"""


@pytest.fixture
def busy() -> Iterator[tuple[Cluster, Kube]]:
    """3 nodes, a 4-replica deployment, one pod that cannot be scheduled."""
    c = Cluster(clock=VirtualClock(), seed=1, nodes=3).start()
    c.wait_for(lambda: len(c.store.list("Node")) == 3, timeout=30)
    kube = Kube(c)
    kube("create deployment web --image=nginx --replicas=4")
    kube("create -f -", stdin=HUGE)
    c.wait_for(lambda: sum(1 for p in c.store.list("Pod", "default")
                           if p["status"].get("phase") == "Running") == 4)
    c.advance(2)
    yield c, kube
    c.stop()
    c.clock.loop.close()


def test_mimebundle_has_html_cards_chips_and_a_pending_lane(busy: Any, view_factory: Any) -> None:
    c, kube = busy
    view = view_factory(kube.client)
    bundle = view._repr_mimebundle_()
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == view.model_id
    html = bundle["text/html"]
    assert re.findall(r'class="kubenb-node[^"]*" data-node="([^"]*)"', html) == [
        "minikube", "minikube-m02", "minikube-m03", ""]
    chips = re.findall(r'<span class="kubenb-pod" data-state="([^"]+)" style="background:'
                       r'([^;]+);border-color:([^;]+);', html)
    assert sorted(s for s, _, _ in chips) == ["Pending"] + ["Running"] * 4
    running = [(fill, border) for s, fill, border in chips if s == "Running"]
    assert set(running) == {("#4e79a7", "#2e8b57")}  # owner colour 0, Running border
    assert "Insufficient cpu" in html and "<script" not in html
    snap = bundle["application/vnd.kubenb.clusterview+json"]
    assert snap["seq"] == view.seq and len(snap["pods"]) == 5 and snap["unscheduled"] == 1
    text = bundle["text/plain"]
    assert text.splitlines()[0] == "ClusterView minikube: 3 nodes, 5 pods (1 Pending, 4 Running)"
    assert "Pending (unscheduled): 1" in text


def test_matplotlib_figure_has_a_card_per_node_and_a_chip_per_pod(busy: Any,
                                                                  view_factory: Any) -> None:
    from matplotlib.figure import Figure

    from kubenb.widgets import snapshot

    c, kube = busy
    view = view_factory(kube.client)
    fig = snapshot(view)
    assert isinstance(fig, Figure)
    gids = [p.get_gid() for p in fig.axes[0].patches if p.get_gid()]
    assert [g for g in gids if g.startswith("node:")] == [
        "node:minikube", "node:minikube-m02", "node:minikube-m03"]
    assert "pending" in gids
    pods = {p["metadata"]["uid"] for p in c.store.list("Pod", "default")}
    assert {g[4:] for g in gids if g.startswith("pod:")} == pods
    c.stop_node("minikube-m03")
    c.wait_for(lambda: any(n["ready"] != "Ready" for n in view.current()["nodes"]), timeout=60)
    fig = view.figure()
    card = next(p for p in fig.axes[0].patches if p.get_gid() == "node:minikube-m03")
    assert card.get_edgecolor()[:3] == pytest.approx((214 / 255, 39 / 255, 40 / 255))


def test_aggregated_mode_counts_pods_per_node(busy: Any, view_factory: Any) -> None:
    c, kube = busy
    view = view_factory(kube.client, aggregate_above=3)
    snap = view.snapshot
    assert snap["aggregated"] is True and snap["unscheduled"] == 1
    assert [p["name"] for p in snap["pods"]] == ["huge"]  # only the Pending lane
    assert sum(n["states"].get("Running", 0) for n in snap["nodes"]) == 4
    # while aggregated, deltas carry node counts, never scheduled pods
    kube("scale deployment web --replicas=5")
    c.wait_for(lambda: sum(1 for p in c.store.list("Pod", "default")
                           if p["status"].get("phase") == "Running") == 5)
    c.advance(1)
    deltas = view.comm.deltas()
    assert deltas and all(r["node"] is None for d in deltas for r in d["upsert"]["pods"])
    nodes = {}
    for d in deltas:
        nodes.update({r["name"]: r for r in d["upsert"]["nodes"]})
    assert sum(nodes.get(n["name"], n)["states"].get("Running", 0)
               for n in snap["nodes"]) == 5
    # dropping below the threshold sends a fresh, non-aggregated snapshot
    kube("scale deployment web --replicas=1")
    c.wait_for(lambda: len(c.store.list("Pod", "default")) == 2)
    c.advance(1)
    snap = view.comm.updates()[-1]["snapshot"]
    assert snap["aggregated"] is False and len(snap["pods"]) == 2
    assert "states" not in snap["nodes"][0]
    assert "Running: " not in view._repr_mimebundle_()["text/html"]


def test_timeline_records_a_node_failure(busy: Any) -> None:
    from kubenb.widgets import timeline

    c, kube = busy
    rec = timeline(kube.client, by="node")
    try:
        before = dict(rec.samples[-1][1]) if rec.samples else {}
        victim = "minikube-m02"
        had = before.get(victim, 0)
        assert had > 0
        c.stop_node(victim)
        c.wait_for(lambda: sum(1 for p in c.store.list("Pod", "default")
                               if p["status"].get("phase") == "Running"
                               and p["spec"].get("nodeName") != victim) == 4, timeout=120)
        c.advance(1)
    finally:
        rec.stop()
    after = rec.samples[-1][1]
    assert after.get(victim, 0) == 0
    assert sum(v for k, v in after.items() if k not in (victim, "(unscheduled)")) == 4
    assert [text for _, text in rec.marks] == [f"{victim} NotReady"]
    times = [t for t, _ in rec.samples]
    assert times == sorted(times) and times[-1] > times[0]
    fig = rec.plot()
    gids = {a.get_gid() for a in [*fig.axes[0].lines, *fig.axes[0].collections]}
    assert f"series:{victim}" in gids and f"mark:{victim} NotReady" in gids
    by_rs = timeline(kube.client)
    try:
        assert set(by_rs.samples[-1][1]) >= {"(no ReplicaSet)"}
    finally:
        by_rs.stop()


def test_show_and_dashboard_magic_display_the_view(comms: Any) -> None:
    from IPython.core.interactiveshell import InteractiveShell

    import kubenb
    from kubenb.cli import session
    from kubenb.profiles import Profiles
    from kubenb.widgets.clusterview import ClusterView

    old = session.reset(Profiles(clock_factory=VirtualClock))
    if old is not None:
        old.close()
    shown: list[Any] = []
    try:
        shell = InteractiveShell.instance()
        shell.run_line_magic("load_ext", "kubenb")
        shell.run_line_magic("minikube", "start --nodes=2 --seed=1")
        import IPython.display

        original = IPython.display.display
        IPython.display.display = lambda *objs, **kw: shown.extend(objs)
        try:
            assert shell.run_line_magic("minikube", "dashboard") is None
        finally:
            IPython.display.display = original
        assert len(shown) == 1 and isinstance(shown[0], ClusterView)
        assert shown[0].cluster_name == "minikube" and len(shown[0].snapshot["nodes"]) == 2
        view = kubenb.show(namespace="kube-system")
        assert view.options["namespace"] == "kube-system"
        view.close()
    finally:
        for v in shown:
            v.close()
        reg = session.reset(None)
        if reg is not None:
            reg.close()


SMALL = """
apiVersion: v1
kind: Pod
metadata: {name: small}
spec:
  nodeName: minikube-m02
  containers:
  - name: a
    image: nginx
    resources: {requests: {cpu: 250m, memory: 64Mi}}
  - name: b
    image: nginx
    resources: {requests: {cpu: "1", memory: 1Gi}}
"""


def test_node_requests_sum_the_pods_bound_to_it(busy: Any, view_factory: Any) -> None:
    c, kube = busy
    view = view_factory(kube.client)
    before = {n["name"]: n for n in view.snapshot["nodes"]}["minikube-m02"]
    assert kube("create -f -", stdin=SMALL).rc == 0
    c.wait_for(lambda: c.store.get("Pod", "default", "small")["status"].get("phase") == "Running")
    c.advance(1)
    after = {n["name"]: n for n in view.current()["nodes"]}["minikube-m02"]
    assert after["cpu"]["requested"] - before["cpu"]["requested"] == 1250
    assert after["memory"]["requested"] - before["memory"]["requested"] == (64 + 1024) * 2**20
    assert after["pods"] == before["pods"] + 1
    described = kube("describe node minikube-m02").out
    assert f"cpu                {after['cpu']['requested']}m" in described


def test_timeline_of_a_rollout_hands_pods_from_the_old_replicaset_to_the_new(
        busy: Any) -> None:
    from kubenb.widgets import timeline

    c, kube = busy
    old_rs = c.store.list("ReplicaSet", "default")[0]["metadata"]["name"]
    with timeline(kube.client, selector="app=web") as rec:
        kube("set image deployment/web nginx=nginx:1.26")
        c.wait_for(lambda: all(p["spec"]["containers"][0]["image"] == "nginx:1.26"
                               for p in c.store.list("Pod", "default", label_selector="app=web")
                               ) and len(c.store.list("Pod", "default",
                                                      label_selector="app=web")) == 4,
                   timeout=120)
        c.advance(1)
    new_rs = next(rs["metadata"]["name"] for rs in c.store.list("ReplicaSet", "default")
                  if rs["metadata"]["name"] != old_rs)
    assert rec.groups() == [old_rs, new_rs]
    old, new = [n for _, n in rec.series(old_rs)], [n for _, n in rec.series(new_rs)]
    assert (old[0], new[0]) == (4, 0) and (old[-1], new[-1]) == (0, 4)
    assert all(a + b <= 4 + 1 for a, b in zip(old, new, strict=True))  # maxSurge 25% → 1
    assert max(new) == 4 and not rec.marks


def test_show_without_a_cluster_prints_one_line_and_no_traceback(
        capsys: pytest.CaptureFixture[str]) -> None:
    import kubenb
    from kubenb.cli import session
    from kubenb.profiles import Profiles
    from kubenb.widgets import NO_CLUSTER

    old = session.reset(Profiles(clock_factory=VirtualClock, kubeconfig_path="/nonexistent/kubenb"))
    if old is not None:
        old.close()
    try:
        assert kubenb.show() is None
    finally:
        reg = session.reset(None)
        if reg is not None:
            reg.close()
    out, err = capsys.readouterr()
    assert (out, err) == ("", NO_CLUSTER + "\n")
    assert "%minikube start" in NO_CLUSTER and "\n" not in NO_CLUSTER


def test_the_bundle_carries_a_png_and_html_that_shows_it_without_a_script(
        busy: Any, view_factory: Any) -> None:
    import base64

    c, kube = busy
    view = view_factory(kube.client)
    bundle = view._repr_mimebundle_()
    png = base64.b64decode(bundle["image/png"])
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 2000
    html = bundle["text/html"]
    assert html.startswith(f'<img class="kubenb-picture" alt="ClusterView · minikube" '
                           f'src="data:image/png;base64,{bundle["image/png"]}"/>')
    assert "<script" not in html and 'data-node="minikube-m03"' in html
