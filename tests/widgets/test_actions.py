"""Controls: an action message runs kubectl / minikube and answers with its words."""

from __future__ import annotations

import html
import io
from collections.abc import Iterator
from typing import Any

import pytest

from kubenb.cli.minikube.commands import run_line
from kubenb.clock import VirtualClock
from kubenb.profiles import Profiles
from kubenb.widgets.dashboard import dashboard

HOME = "/tmp/kubenb-widget-tests-minikube"


@pytest.fixture
def profiles() -> Iterator[Profiles]:
    reg = Profiles(VirtualClock, home=HOME, register_atexit=False)
    out, err, code = run_line("start --nodes=2 --seed=1", reg)
    assert code == 0, err
    yield reg
    reg.close()


@pytest.fixture
def view(profiles: Profiles, comms: Any) -> Iterator[Any]:
    v, code = dashboard([], io.StringIO(), io.StringIO(), profiles=profiles)
    assert code == 0
    yield v
    v.close()


def act(view: Any, verb: str, target: dict[str, Any], args: dict[str, Any] | None = None,
        id: str = "a1") -> dict[str, Any]:
    view.comm.receive({"method": "custom", "content": {
        "type": "action", "id": id, "verb": verb, "target": target, "args": args or {}}})
    view.wait_actions()
    replies = [m for m in view.comm.custom() if m.get("id") == id]
    assert replies[0] == {"type": "action-started", "id": id}
    assert replies[-1]["type"] == "action-result"
    return replies[-1]


def kubectl(profiles: Profiles, line: str) -> str:
    out, err, _ = run_line(f"kubectl -- {line}", profiles)
    return out + err


def cluster(profiles: Profiles) -> Any:
    prof = profiles.get("minikube")
    assert prof is not None
    return prof.cluster


def test_scale_runs_kubectl_scale(profiles: Profiles, view: Any) -> None:
    kubectl(profiles, "create deployment web --image=nginx")
    result = act(view, "scale", {"namespace": "default", "name": "web"}, {"replicas": 3})
    assert result == {"type": "action-result", "id": "a1", "ok": True,
                      "output": "deployment.apps/web scaled\n", "error": ""}
    c = cluster(profiles)
    c.wait_for(lambda: (c.store.get("Deployment", "default", "web").get("status") or {})
               .get("availableReplicas") == 3)
    assert "web    3/3     3            3" in kubectl(profiles, "get deploy")
    assert "Scaled up replica set web-" in kubectl(profiles, "get events")


def test_scaling_a_missing_deployment_returns_kubectls_error(view: Any) -> None:
    result = act(view, "scale", {"namespace": "default", "name": "x"}, {"replicas": 2})
    assert result["ok"] is False and result["output"] == ""
    assert result["error"] == 'Error from server (NotFound): deployments.apps "x" not found\n'


def test_malformed_and_unknown_actions_say_why(view: Any) -> None:
    assert act(view, "scale", {"namespace": "default", "name": "web"}, {"replicas": "2"},
               id="b")["error"] == 'error: action "scale" needs args.replicas (an integer)\n'
    assert act(view, "explode", {}, id="c")["error"].startswith('error: unknown action "explode"')
    assert act(view, "cordon", {}, id="d")["error"] == 'error: action "cordon" needs target.node\n'


def test_cordon_uncordon_and_drain(profiles: Profiles, view: Any) -> None:
    assert act(view, "cordon", {"node": "minikube-m02"})["output"] == \
        "node/minikube-m02 cordoned\n"
    assert "SchedulingDisabled" in kubectl(profiles, "get node minikube-m02")
    assert act(view, "uncordon", {"node": "minikube-m02"}, id="u")["output"] == \
        "node/minikube-m02 uncordoned\n"
    drained = act(view, "drain", {"node": "minikube-m02"}, id="dr")
    assert drained["ok"] and drained["output"].endswith("node/minikube-m02 drained\n")


def test_set_image_and_delete_pod(profiles: Profiles, view: Any) -> None:
    kubectl(profiles, "create deployment web --image=nginx")
    c = cluster(profiles)
    c.wait_for(lambda: len(c.store.list("Pod", "default")) == 1)
    result = act(view, "set-image", {"namespace": "default", "name": "web"},
                 {"image": "nginx:1.26"}, id="s")
    assert result["output"] == "deployment.apps/web image updated\n"
    name = c.store.list("Pod", "default")[0]["metadata"]["name"]
    result = act(view, "delete-pod", {"namespace": "default", "name": name}, id="dp")
    assert result["output"] == f'pod "{name}" deleted\n'
    missing = act(view, "delete-pod", {"namespace": "default", "name": "nope"}, id="dp2")
    assert missing["error"] == 'Error from server (NotFound): pods "nope" not found\n'


def test_stop_and_start_node_run_minikube(profiles: Profiles, view: Any) -> None:
    result = act(view, "stop-node", {"node": "minikube-m02"})
    assert result["ok"], result
    assert "Stopping node" in result["output"] or "Successfully stopped" in result["output"]
    out, _, _ = run_line("node list", profiles)
    c = cluster(profiles)
    assert not c.kubelets["minikube-m02"].running
    c.wait_for(lambda: "NotReady" in kubectl(profiles, "get node minikube-m02"), timeout=60)
    started = act(view, "start-node", {"node": "minikube-m02"}, id="st")
    assert started["ok"], started
    assert c.kubelets["minikube-m02"].running


def test_node_actions_without_a_profile_use_the_clients_node_lifecycle(comms: Any,
                                                                        vcluster: Any) -> None:
    from kubenb.client.base import NO_NODE_LIFECYCLE
    from kubenb.client.inprocess import InProcessClient
    from kubenb.widgets.clusterview import ClusterView

    v = ClusterView(InProcessClient.for_cluster(vcluster))
    bare = ClusterView(InProcessClient(vcluster.store))  # no cluster behind: no machines
    try:
        result = act(v, "stop-node", {"node": "minikube"})
        assert result["ok"] and result["output"] == "Successfully stopped node minikube\n"
        assert not vcluster.kubelets["minikube"].running
        refused = act(bare, "start-node", {"node": "minikube"})
        assert refused["ok"] is False and refused["error"] == f"error: {NO_NODE_LIFECYCLE}\n"
        assert not vcluster.kubelets["minikube"].running
    finally:
        v.close()
        bare.close()


def test_dashboard_of_a_missing_profile_prints_minikubes_lines(profiles: Profiles) -> None:
    out, err = io.StringIO(), io.StringIO()
    view, code = dashboard(["-p", "nope"], out, err, profiles=profiles)
    assert view is None and code == 85
    assert out.getvalue() == ('🤷  Profile "nope" not found. Run "minikube profile list" to '
                              'view all profiles.\n👉  To start a cluster, run: '
                              '"minikube start -p nope"\n')


def test_a_deleted_cluster_greys_the_view_its_buttons_do_nothing_and_a_new_start_reconnects(
        profiles: Profiles, view: Any) -> None:
    from kubenb.widgets.html import render_html, render_text

    kubectl(profiles, "create deployment web --image=nginx")
    view.flush()
    assert view.snapshot["gone"] is None
    out, err, code = run_line("delete", profiles)
    assert code == 0, err
    reason = 'cluster "minikube" was deleted (minikube delete): start it again to reconnect'
    assert view.snapshot["gone"] == reason
    assert len(view.snapshot["nodes"]) == 2  # the last picture stays, greyed
    assert 'class="kubenb-cv cv-gone"' in render_html(view.current())
    assert html.escape(reason) in render_html(view.current())
    assert reason in render_text(view.current())
    result = act(view, "scale", {"namespace": "default", "name": "web"}, {"replicas": 3})
    assert result == {"type": "action-result", "id": "a1", "ok": False, "output": "",
                      "error": f"error: {reason}: nothing done\n"}
    assert act(view, "stop-node", {"node": "minikube-m02"}, id="n")["ok"] is False
    out, err, code = run_line("start --nodes=1 --seed=2", profiles)
    assert code == 0, err
    snap = view.snapshot
    assert snap["gone"] is None and [n["name"] for n in snap["nodes"]] == ["minikube"]
    assert snap["deployments"] == []  # the new cluster's state, not the old one's
    kubectl(profiles, "create deployment again --image=nginx")
    c = cluster(profiles)
    c.advance(1)
    view.flush()
    assert any(d["key"].endswith("again") for d in view.current()["deployments"])
    result = act(view, "scale", {"namespace": "default", "name": "again"}, {"replicas": 2}, id="z")
    assert result["ok"] is True, result


def test_a_stopped_cluster_says_so_and_comes_back_on_start(profiles: Profiles, view: Any) -> None:
    out, err, code = run_line("stop", profiles)
    assert code == 0, err
    assert view.snapshot["gone"] == ('cluster "minikube" is stopped (minikube stop): '
                                     "start it again to reconnect")
    out, err, code = run_line("start", profiles)
    assert code == 0, err
    assert view.snapshot["gone"] is None and len(view.snapshot["nodes"]) == 2


def test_a_closed_view_stops_listening_to_its_profile(profiles: Profiles, view: Any) -> None:
    assert view._on_profile in profiles.listeners
    view.close()
    assert view._on_profile not in profiles.listeners
