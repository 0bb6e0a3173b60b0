"""The minikube command set over a registry of virtual-clock profiles (real clock only where
threads are the point)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest

from kubenb.cli.minikube.commands import run_line
from kubenb.clock import VirtualClock
from kubenb.profiles import NoCluster, Profiles

HOME = "/home/jovyan/.minikube"


@pytest.fixture
def profiles() -> Iterator[Profiles]:
    reg = Profiles(VirtualClock, home=HOME, register_atexit=False)
    yield reg
    reg.close()


def mk(profiles: Profiles, line: str, in_style: bool = True) -> tuple[str, str, int]:
    return run_line(line, profiles, in_style=in_style)


def running_pods(profiles: Profiles, name: str = "minikube") -> list[dict[str, Any]]:
    pods, _ = profiles.get(name).client().list("Pod", "default")  # type: ignore[union-attr]
    return [p for p in pods if (p.get("status") or {}).get("phase") == "Running"]


# ---- start ----------------------------------------------------------------------------------


def test_start_prints_minikube_lines(profiles: Profiles, golden: Any) -> None:
    out, err, rc = mk(profiles, "start --seed 1")
    assert (err, rc) == ("", 0)
    golden("minikube_start", out)
    assert out.endswith('🏄  Done! kubectl is now configured to use "minikube" cluster and '
                        '"default" namespace by default\n')
    assert "Docker" not in out and "docker" not in out


def test_start_low_fi_style(profiles: Profiles) -> None:
    out, _, _ = mk(profiles, "start --seed 1 --nodes 2", in_style=False)
    lines = out.splitlines()
    assert lines[0] == "* minikube v1.35.0 on kubenb (in this Python kernel)"
    assert "  - Booting up control plane ..." in lines
    assert '* Starting "minikube-m02" worker node in "minikube" cluster' in lines
    assert all(line.startswith(("* ", "  - ")) for line in lines)


def test_start_multinode_with_resources(profiles: Profiles) -> None:
    out, _, rc = mk(profiles, "start -n 3 --cpus 4 --memory 8g --kubernetes-version=v1.31.0 -p big")
    assert rc == 0
    assert out.count("🔥  Creating sim node (CPUs=4, Memory=8192MB) ...") == 3
    assert out.splitlines()[0] == "😄  [big] minikube v1.35.0 on kubenb (in this Python kernel)"
    nodes, _ = profiles.get("big").client().list("Node")  # type: ignore[union-attr]
    assert [n["metadata"]["name"] for n in nodes] == ["big", "big-m02", "big-m03"]
    assert {n["status"]["capacity"]["cpu"] for n in nodes} == {"4"}
    assert {n["status"]["nodeInfo"]["kubeletVersion"] for n in nodes} == {"v1.31.0"}
    assert profiles.kubeconfig.current_context == "big"


@pytest.mark.parametrize("line, reason, code", [
    ("start --driver=kvm9", "DRV_UNSUPPORTED_OS: The driver 'kvm9' is not supported on linux/amd64", 56),
    ("start --kubernetes-version=latest", 'MK_USAGE: Unable to parse "latest": No Major.Minor.Patch elements found', 14),
    ("start --addons=gvisor", "MK_ADDON_ENABLE: gvisor is not a valid addon", 10),
])
def test_start_errors(profiles: Profiles, line: str, reason: str, code: int) -> None:
    out, err, rc = mk(profiles, line)
    assert rc == code
    assert out.startswith("😄  minikube v1.35.0 on kubenb (in this Python kernel)\n\n")
    assert err.splitlines()[0] == f"❌  Exiting due to {reason}"
    assert profiles.names() == []


def test_start_again_while_running_updates(profiles: Profiles) -> None:
    mk(profiles, "start --seed 1")
    out, _, rc = mk(profiles, "start")
    assert rc == 0
    assert '🏃  Updating the running sim "minikube" node ...\n' in out
    assert "Creating" not in out


# ---- status / stop / restart ------------------------------------------------------------------


def test_status_without_a_profile(profiles: Profiles) -> None:
    assert mk(profiles, "status") == (
        '🤷  Profile "minikube" not found. Run "minikube profile list" to view all profiles.\n'
        '👉  To start a cluster, run: "minikube start"\n', "", 85)
    assert mk(profiles, "status -p x")[0].endswith('"minikube start -p x"\n')


def test_status_running_and_stopped(profiles: Profiles) -> None:
    mk(profiles, "start --seed 1 --nodes 2")
    assert mk(profiles, "status") == (
        "minikube\ntype: Control Plane\nhost: Running\nkubelet: Running\napiserver: Running\n"
        "kubeconfig: Configured\n\nminikube-m02\ntype: Worker\nhost: Running\nkubelet: Running\n\n",
        "", 0)
    out, _, rc = mk(profiles, "stop")
    assert (out, rc) == ('✋  Stopping node "minikube"  ...\n✋  Stopping node "minikube-m02"  ...\n'
                         "🛑  2 nodes stopped.\n", 0)
    assert mk(profiles, "status") == (
        "minikube\ntype: Control Plane\nhost: Stopped\nkubelet: Stopped\napiserver: Stopped\n"
        "kubeconfig: Stopped\n\nminikube-m02\ntype: Worker\nhost: Stopped\nkubelet: Stopped\n\n",
        "", 7)
    assert profiles.kubeconfig.current_context == ""
    with pytest.raises(NoCluster):
        profiles.current_client()


def test_stopped_worker_node(profiles: Profiles) -> None:
    mk(profiles, "start --seed 1 --nodes 2")
    assert mk(profiles, "node stop m02") == (
        '✋  Stopping node "minikube-m02"  ...\n🛑  Successfully stopped node minikube-m02\n', "", 0)
    out, _, rc = mk(profiles, "status")
    assert out.endswith("minikube-m02\ntype: Worker\nhost: Stopped\nkubelet: Stopped\n\n")
    assert rc == 3
    out, _, rc = mk(profiles, "node start minikube-m02")
    assert rc == 0 and out.endswith("😄  Successfully started node minikube-m02!\n")
    assert mk(profiles, "status")[2] == 0


def test_restart_keeps_objects_and_runs_pods_again(profiles: Profiles) -> None:
    mk(profiles, "start --seed 1")
    out, err, rc = mk(profiles, "kubectl -- create deployment web --image=nginx --replicas=2")
    assert (out, err, rc) == ("deployment.apps/web created\n", "", 0)
    prof = profiles.get("minikube")
    assert prof is not None
    prof.cluster.wait_for(lambda: len(running_pods(profiles)) == 2, 60)
    names = sorted(p["metadata"]["name"] for p in running_pods(profiles))
    mk(profiles, "stop")
    out, _, rc = mk(profiles, "start")
    assert rc == 0 and '🔄  Restarting existing sim node for "minikube" ...\n' in out
    assert "Creating" not in out
    prof.cluster.wait_for(lambda: len(running_pods(profiles)) == 2, 60)
    assert sorted(p["metadata"]["name"] for p in running_pods(profiles)) == names
    nodes, _ = prof.client().list("Node")
    assert [n["metadata"]["name"] for n in nodes] == ["minikube"]
    assert profiles.kubeconfig.current_context == "minikube"


def test_commands_needing_a_running_cluster_say_so(profiles: Profiles) -> None:
    mk(profiles, "start --seed 1")
    mk(profiles, "stop")
    assert mk(profiles, "ip") == (
        "🤷  The control-plane node minikube host is not running: state=Stopped\n"
        '👉  To start a cluster, run: "minikube start"\n', "", 83)


# ---- nodes, ip, service -----------------------------------------------------------------------


def test_node_add_list_delete(profiles: Profiles) -> None:
    mk(profiles, "start --seed 1")
    out, _, rc = mk(profiles, "node add")
    assert rc == 0
    assert out.splitlines()[0] == "😄  Adding node m02 to cluster minikube as [worker]"
    assert out.splitlines()[-1] == "🏄  Successfully added m02 to minikube!"
    assert mk(profiles, "node list") == ("minikube\t192.168.49.2\nminikube-m02\t192.168.49.3\n", "", 0)
    assert mk(profiles, "ip") == ("192.168.49.2\n", "", 0)
    assert mk(profiles, "ip -n m02") == ("192.168.49.3\n", "", 0)
    assert mk(profiles, "node delete m02") == (
        "🔥  Deleting node m02 from cluster minikube\n💀  Node m02 was successfully deleted.\n", "", 0)
    assert mk(profiles, "node list")[0] == "minikube\t192.168.49.2\n"
    nodes, _ = profiles.current_client().list("Node")
    assert [n["metadata"]["name"] for n in nodes] == ["minikube"]


def test_unknown_node(profiles: Profiles) -> None:
    mk(profiles, "start --seed 1")
    out, err, rc = mk(profiles, "node stop m09")
    assert (out, err, rc) == ("\n", "❌  Exiting due to GUEST_NODE_RETRIEVE: retrieving node: "
                              "Could not find node m09\n", 85) or (rc == 85 and "m09" in err)


def test_service_url(profiles: Profiles) -> None:
    mk(profiles, "start --seed 1")
    mk(profiles, "kubectl -- create deployment web --image=nginx")
    profiles.get("minikube").cluster.wait_for(lambda: bool(running_pods(profiles)), 60)  # type: ignore[union-attr]
    client = profiles.current_client()
    client.create({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "default"},
                   "spec": {"type": "NodePort", "selector": {"app": "web"},
                            "ports": [{"name": "http", "port": 8080}, {"name": "admin", "port": 9090}]}})
    ports = [p["nodePort"] for p in client.get("Service", "default", "web")["spec"]["ports"]]
    assert all(30000 <= p <= 32767 for p in ports)
    assert mk(profiles, "service web --url") == (
        "".join(f"http://192.168.49.2:{p}\n" for p in ports), "", 0)


def test_service_not_found(profiles: Profiles) -> None:
    mk(profiles, "start --seed 1")
    assert mk(profiles, "service nope --url") == (
        "\n\n",
        "❌  Exiting due to SVC_NOT_FOUND: Service 'nope' was not found in 'default' namespace.\n"
        "You may select another namespace by using 'minikube service nope -n <namespace>'. Or "
        "list out all the services using 'minikube service list'\n", 115)


def test_service_without_node_port(profiles: Profiles) -> None:
    mk(profiles, "start --seed 1")
    assert mk(profiles, "service kubernetes --url") == (
        "😿  service default/kubernetes has no node port\n",
        '❗  Services [default/kubernetes] have type "ClusterIP" not meant to be exposed, however '
        "for local development minikube allows you to access this !\n", 0)


# ---- kubectl, profiles, addons, version -------------------------------------------------------


def test_kubectl_passthrough_uses_the_profile(profiles: Profiles) -> None:
    mk(profiles, "start --seed 1")
    mk(profiles, "start --seed 1 -p p2")
    out, _, rc = mk(profiles, "kubectl -p minikube -- get nodes -o name")
    assert (out, rc) == ("node/minikube\n", 0)
    assert mk(profiles, "kubectl -p p2 -- config current-context") == ("p2\n", "", 0)
    assert mk(profiles, "kubectl -- get nodes -o name")[0] == "node/minikube\n"


@pytest.mark.parametrize("how", ["flag", "env"])
def test_seed_makes_names_reproducible(how: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """`--seed`, or KUBENB_SEED (what a lesson sets with %env, so it types minikube's own
    `minikube start`), fixes generated names."""
    names = []
    if how == "env":
        monkeypatch.setenv("KUBENB_SEED", "7")
    for _ in range(2):
        reg = Profiles(VirtualClock, home=HOME, register_atexit=False)
        try:
            mk(reg, "start --seed 7" if how == "flag" else "start")
            mk(reg, "kubectl -- create deployment web --image=nginx")
            reg.get("minikube").cluster.wait_for(lambda r=reg: bool(running_pods(r)), 60)  # type: ignore[union-attr]
            names.append([p["metadata"]["name"] for p in running_pods(reg)])
        finally:
            reg.close()
    assert names[0] == names[1] and names[0]


def test_a_bad_seed_in_the_environment_is_a_usage_error(profiles: Profiles,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KUBENB_SEED", "seven")
    out, err, rc = mk(profiles, "start")
    assert rc == 14 and 'KUBENB_SEED must be a number, not "seven"' in err
    assert profiles.names() == []  # nothing created


def test_profile_list(profiles: Profiles, golden: Any) -> None:
    out, err, rc = mk(profiles, "profile list")
    assert rc == 14
    assert out == "\n\n"
    assert err == ("🤹  Exiting due to MK_USAGE_NO_PROFILE: No minikube profile was found.\n"
                   "💡  Suggestion: You can create one using 'minikube start'.\n")
    mk(profiles, "start --seed 1")
    mk(profiles, "start --seed 1 -p p2 --nodes 2")
    mk(profiles, "stop -p p2 --keep-context-active")
    out, _, rc = mk(profiles, "profile list")
    assert rc == 0
    golden("minikube_profile_list", out)


def test_profile_switch(profiles: Profiles) -> None:
    mk(profiles, "start --seed 1")
    mk(profiles, "start --seed 1 -p p2")
    assert mk(profiles, "profile") == ("minikube\n", "", 0)
    assert mk(profiles, "profile minikube") == (
        "✅  minikube profile was successfully set to minikube\n", "", 0)
    assert profiles.kubeconfig.current_context == "minikube"


def test_addons(profiles: Profiles, golden: Any) -> None:
    mk(profiles, "start --seed 1")
    out, _, _ = mk(profiles, "addons enable metrics-server")
    assert out.endswith("    ▪ Using image registry.k8s.io/metrics-server/metrics-server:v0.7.2\n"
                        "🌟  The 'metrics-server' addon is enabled\n")
    assert profiles.get("minikube").addons == {"metrics-server": True}  # type: ignore[union-attr]
    golden("minikube_addons_list", mk(profiles, "addons list")[0])
    assert mk(profiles, "addons disable metrics-server") == (
        "🌑  The 'metrics-server' addon is disabled\n", "", 0)
    assert "| metrics-server | minikube | disabled | Kubernetes |" in mk(profiles, "addons list")[0]
    _, err, rc = mk(profiles, "addons enable gvisor")
    assert (err, rc) == ("❌  Exiting due to MK_ADDON_ENABLE: enable failed: run callbacks: "
                         "gvisor is not a valid addon\n", 10)


def test_start_with_the_ingress_addon(profiles: Profiles) -> None:
    out, err, rc = mk(profiles, "start --seed 1 --addons=ingress")
    assert rc == 0, err
    assert ("🔎  Verifying Kubernetes components...\n"
            "    ▪ Using image registry.k8s.io/ingress-nginx/controller:v1.11.3\n"
            "    ▪ Using image registry.k8s.io/ingress-nginx/kube-webhook-certgen:v1.4.4\n"
            "    ▪ Using image registry.k8s.io/ingress-nginx/kube-webhook-certgen:v1.4.4\n"
            "🔎  Verifying ingress addon...\n"
            "🌟  Enabled addons: ingress\n") in out
    store = profiles.get("minikube").cluster.store  # type: ignore[union-attr]
    assert store.try_get("IngressClass", None, "nginx") is not None


def test_ingress_addon_enable_and_disable(profiles: Profiles) -> None:
    mk(profiles, "start --seed 1")
    assert mk(profiles, "addons enable ingress") == (
        "💡  ingress is an addon maintained by Kubernetes. For any concerns contact minikube on "
        "GitHub.\nYou can view the list of minikube maintainers at: "
        "https://github.com/kubernetes/minikube/blob/master/OWNERS\n"
        "    ▪ Using image registry.k8s.io/ingress-nginx/controller:v1.11.3\n"
        "    ▪ Using image registry.k8s.io/ingress-nginx/kube-webhook-certgen:v1.4.4\n"
        "    ▪ Using image registry.k8s.io/ingress-nginx/kube-webhook-certgen:v1.4.4\n"
        "🔎  Verifying ingress addon...\n"
        "🌟  The 'ingress' addon is enabled\n", "", 0)
    assert "| ingress        | minikube | enabled ✅ | Kubernetes |" in mk(profiles, "addons list")[0]
    cluster = profiles.get("minikube").cluster  # type: ignore[union-attr]
    store = cluster.store
    assert [d["metadata"]["name"] for d in store.list("Deployment", "ingress-nginx")] == [
        "ingress-nginx-controller"]
    assert sorted(s["metadata"]["name"] for s in store.list("Service", "ingress-nginx")) == [
        "ingress-nginx-controller", "ingress-nginx-controller-admission"]
    assert store.get("Service", "ingress-nginx", "ingress-nginx-controller")["spec"]["type"] == "NodePort"
    klass = store.get("IngressClass", None, "nginx")
    assert klass["metadata"]["annotations"] == {"ingressclass.kubernetes.io/is-default-class": "true"}
    cluster.wait_for(lambda: all(j.get("status", {}).get("succeeded") == 1
                                 for j in store.list("Job", "ingress-nginx")), 60)
    store.create({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
                  "metadata": {"name": "web", "namespace": "default"},
                  "spec": {"defaultBackend": {"service": {"name": "web", "port": {"number": 80}}}}})
    cluster.wait_for(lambda: (store.get("Ingress", "default", "web").get("status") or {}) ==
                     {"loadBalancer": {"ingress": [{"ip": "192.168.49.2"}]}}, 30)
    assert store.get("Ingress", "default", "web")["spec"]["ingressClassName"] == "nginx"
    assert mk(profiles, "addons disable ingress") == ("🌑  The 'ingress' addon is disabled\n", "", 0)
    assert store.try_get("IngressClass", None, "nginx") is None
    assert store.get("Ingress", "default", "web")["status"] == {"loadBalancer": {}}
    cluster.wait_for(lambda: store.try_get("Namespace", None, "ingress-nginx") is None, 60)
    assert not store.list("Pod", "ingress-nginx")


def test_version(profiles: Profiles) -> None:
    assert mk(profiles, "version") == (
        "minikube version: v1.35.0\ncommit: dd5d320e41b5451cdf3c01891bc4e13d189586ed-dirty\n", "", 0)
    assert mk(profiles, "version --short") == ("v1.35.0\n", "", 0)


def test_usage_errors(profiles: Profiles) -> None:
    assert mk(profiles, "frobnicate") == (
        "", 'Error: unknown command "frobnicate" for "minikube"\n'
        "Run 'minikube --help' for usage.\n", 1)
    assert mk(profiles, "start --bogus") == (
        "", "Error: unknown flag: --bogus\nSee 'minikube start --help' for usage.\n", 1)


# ---- lifetime ----------------------------------------------------------------------------------


def test_delete(profiles: Profiles) -> None:
    mk(profiles, "start --seed 1")
    assert mk(profiles, "delete") == ('🔥  Deleting "minikube" in sim ...\n'
                                      '💀  Removed all traces of the "minikube" cluster.\n', "", 0)
    assert profiles.names() == [] and "minikube" not in profiles.kubeconfig.contexts
    assert mk(profiles, "delete") == ('🙄  "minikube" profile does not exist, trying anyways.\n'
                                      '💀  Removed all traces of the "minikube" cluster.\n', "", 0)


def test_delete_all(profiles: Profiles) -> None:
    mk(profiles, "start --seed 1")
    mk(profiles, "start --seed 1 -p p2")
    out, _, rc = mk(profiles, "delete --all")
    assert rc == 0 and out.endswith("🔥  Successfully deleted all profiles\n")
    assert profiles.names() == []


def _control_plane_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("kubenb-") and t.is_alive()]


def test_delete_stops_the_real_clock_cluster_thread() -> None:
    reg = Profiles(home=HOME, register_atexit=False)  # real clock: a control-plane thread
    try:
        before = set(_control_plane_threads())
        assert mk(reg, "start -p threaded")[2] == 0
        started = [t for t in _control_plane_threads() if t not in before]
        assert [t.name for t in started] == ["kubenb-threaded"]
        assert mk(reg, "kubectl -p threaded -- get nodes -o name")[0] == "node/threaded\n"
        mk(reg, "delete -p threaded")
        assert not started[0].is_alive()
    finally:
        reg.close()


def test_interpreter_exit_stops_every_cluster(monkeypatch: pytest.MonkeyPatch) -> None:
    import atexit

    hooks: list[Any] = []
    monkeypatch.setattr(atexit, "register", lambda fn, *a: hooks.append((fn, a)))
    reg = Profiles(VirtualClock, home=HOME)
    mk(reg, "start --seed 1")
    cluster = reg.get("minikube").cluster  # type: ignore[union-attr]
    ours = [(fn, args) for fn, args in hooks if fn.__name__ == "_close_all"]
    assert len(ours) == 1
    fn, args = ours[0]
    fn(*args)
    assert reg.names() == []
    assert cluster.clock.loop.is_closed()
    assert not any(k.running for k in cluster.kubelets.values())


def test_current_client_follows_the_kubeconfig(profiles: Profiles) -> None:
    with pytest.raises(NoCluster, match="The connection to the server localhost:8080 was refused"):
        profiles.current_client()
    mk(profiles, "start --seed 1")
    mk(profiles, "start --seed 1 -p p2")
    nodes, _ = profiles.current_client().list("Node")
    assert [n["metadata"]["name"] for n in nodes] == ["p2"]
    profiles.kubeconfig.use_context("minikube")
    nodes, _ = profiles.current_client().list("Node")
    assert [n["metadata"]["name"] for n in nodes] == ["minikube"]
