"""minikube's drivers, addresses and Services: which driver `start` picks and how it says so,
the Docker engine check, `ip`, `service NAME [--url]`, `service list`, and node stop
reaching the cluster's components (kube-proxy)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from kubenb.cli.minikube.commands import run_line
from kubenb.clock import VirtualClock
from kubenb.node.runtime import RUNTIMES, RuntimeEntry, docker_engine
from kubenb.node.runtime.docker_engine import EngineUnavailable
from kubenb.profiles import Profiles

HOME = "/home/jovyan/.minikube"


@pytest.fixture
def profiles() -> Iterator[Profiles]:
    reg = Profiles(VirtualClock, home=HOME, register_atexit=False)
    yield reg
    reg.close()


@pytest.fixture
def process_profiles(monkeypatch: pytest.MonkeyPatch) -> Iterator[Profiles]:
    """`process` by default; pods are the sim runtime's, claiming a real network."""
    monkeypatch.setitem(RUNTIMES, "process", RuntimeEntry("tests.net.standin", "StandInRuntime"))
    reg = Profiles(VirtualClock, home=HOME, register_atexit=False, default_driver="process")
    yield reg
    reg.close()


def node_ip(profiles: Profiles) -> str:
    """The first node's address: 127.49.0.2 unless another kernel holds that subnet."""
    return profiles.get("minikube").cluster.addresses.node_ip(1)  # type: ignore[union-attr]


def mk(profiles: Profiles, line: str) -> tuple[str, str, int]:
    return run_line(line, profiles, in_style=True)


def test_start_without_driver_uses_the_default(process_profiles: Profiles) -> None:
    out, err, rc = mk(process_profiles, "start --seed 1")
    assert (err, rc) == ("", 0)
    lines = out.splitlines()
    assert lines[1] == "✨  Automatically selected the process driver"
    assert "🔥  Creating process node (CPUs=2, Memory=4096MB) ..." in lines
    assert "📦  Preparing Kubernetes v1.32.0 on the process runtime ..." in lines
    assert process_profiles.get("minikube").driver == "process"  # type: ignore[union-attr]
    assert node_ip(process_profiles).endswith(".0.2")
    assert mk(process_profiles, "ip") == (f"{node_ip(process_profiles)}\n", "", 0)
    out, _, _ = mk(process_profiles, "start")
    assert '🏃  Updating the running process "minikube" node ...' in out
    assert mk(process_profiles, "delete")[0].startswith('🔥  Deleting "minikube" in process ...\n')


def test_explicit_driver_and_mismatch(process_profiles: Profiles) -> None:
    out, _, rc = mk(process_profiles, "start --driver=sim --seed 1")
    assert rc == 0 and "✨  Using the sim driver based on user configuration\n" in out
    assert mk(process_profiles, "ip") == ("192.168.49.2\n", "", 0)
    out, err, rc = mk(process_profiles, "start --driver=process")
    assert rc == 81
    assert err == ('💢  Exiting due to GUEST_DRIVER_MISMATCH: The existing "minikube" cluster was '
                   'created using the "sim" driver, which is incompatible with requested "process" '
                   "driver.\n💡  Suggestion: Delete the existing 'minikube' cluster using: "
                   "'minikube delete', or start the existing 'minikube' cluster using: "
                   "'minikube start --driver=sim'\n")


def test_a_driver_whose_runtime_is_missing(profiles: Profiles, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(RUNTIMES, "process", RuntimeEntry("kubenb.node.runtime.not_built", "Nothing"))
    out, err, rc = mk(profiles, "start --driver=process")
    assert rc == 65 and profiles.names() == []
    assert err == ("❌  Exiting due to PROVIDER_NOT_FOUND: The 'process' driver is not available "
                   "in this kubenb installation\n💡  Suggestion: Use --driver=sim\n")


def test_docker_engine_not_running(profiles: Profiles, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("kubenb.node.runtime.docker")
    message = ('"docker version --format <no value>-<no value>:<no value>" exit status 1: '
               "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the "
               "docker daemon running?")
    down = EngineUnavailable("PROVIDER_DOCKER_NOT_RUNNING", message, "Start the Docker service",
                             "https://minikube.sigs.k8s.io/docs/drivers/docker/")

    def check_engine() -> str:
        raise down

    monkeypatch.setattr(docker_engine, "check_engine", check_engine)
    out, err, rc = mk(profiles, "start --driver=docker")
    assert rc == 63 and profiles.names() == []
    assert out == "😄  minikube v1.35.0 on kubenb (in this Python kernel)\n\n\n"
    assert err == (f"💣  Exiting due to PROVIDER_DOCKER_NOT_RUNNING: {message}\n"
                   "💡  Suggestion: Start the Docker service\n"
                   "📘  Documentation: https://minikube.sigs.k8s.io/docs/drivers/docker/\n")


def test_unknown_driver(profiles: Profiles) -> None:
    _, err, rc = mk(profiles, "start --driver=kvm9")
    assert (rc, err) == (56, "❌  Exiting due to DRV_UNSUPPORTED_OS: The driver 'kvm9' is not "
                             "supported on linux/amd64\n")


# ---- service ---------------------------------------------------------------------------------


def _web(profiles: Profiles, running: bool = True) -> list[int]:
    client = profiles.current_client()
    if running:
        mk(profiles, "kubectl -- create deployment web --image=nginx")
        cluster = profiles.get("minikube").cluster  # type: ignore[union-attr]
        cluster.wait_for(lambda: any(p.get("status", {}).get("phase") == "Running"
                                     for p in cluster.store.list("Pod", "default")), 60)
    client.create({"apiVersion": "v1", "kind": "Service",
                   "metadata": {"name": "web", "namespace": "default"},
                   "spec": {"type": "NodePort", "selector": {"app": "web"},
                            "ports": [{"name": "http", "port": 8080}, {"name": "admin", "port": 9090}]}})
    return [p["nodePort"] for p in client.get("Service", "default", "web")["spec"]["ports"]]


def test_service_table_lists_every_port(process_profiles: Profiles) -> None:
    mk(process_profiles, "start --seed 1")
    a, b = _web(process_profiles)
    out, err, rc = mk(process_profiles, "service web")
    ip = node_ip(process_profiles)
    url_a, url_b = f"http://{ip}:{a}", f"http://{ip}:{b}"
    assert (err, rc) == ("", 0)
    w = len(url_a)
    assert out.splitlines()[:6] == [
        f"|-----------|------|-------------|{'-' * (w + 2)}|",
        f"| NAMESPACE | NAME | TARGET PORT | {'URL'.center(w)} |",
        f"|-----------|------|-------------|{'-' * (w + 2)}|",
        f"| default   | web  | http/8080   | {url_a} |",
        f"|           |      | admin/9090  | {url_b} |",
        f"|-----------|------|-------------|{'-' * (w + 2)}|",
    ]
    assert mk(process_profiles, "service web --url") == (f"{url_a}\n{url_b}\n", "", 0)
    client = process_profiles.current_client()
    client.create({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "one", "namespace": "default"},
                   "spec": {"type": "NodePort", "selector": {"app": "web"}, "ports": [{"port": 80}]}})
    out, _, _ = mk(process_profiles, "service one")
    assert out.splitlines()[3].startswith(f"| default   | one  |          80 | http://{ip}:")


def test_service_without_a_running_pod_is_unreachable(profiles: Profiles) -> None:
    mk(profiles, "start --seed 1")
    a, b = _web(profiles, running=False)
    out, err, rc = mk(profiles, "service web --url")
    assert rc == 115
    assert out == f"http://192.168.49.2:{a}\nhttp://192.168.49.2:{b}\n\n\n"  # URLs first
    assert err == ("❌  Exiting due to SVC_UNREACHABLE: service not available: no running pod "
                   "for service web found\n")


def test_service_list(profiles: Profiles) -> None:
    mk(profiles, "start --seed 1")
    a, b = _web(profiles)
    out, _, rc = mk(profiles, "service list")
    assert rc == 0
    rows = [line for line in out.splitlines() if not line.startswith("|--")]
    cells = [[c.strip() for c in row.strip("|").split("|")] for row in rows]
    assert cells == [
        ["NAMESPACE", "NAME", "TARGET PORT", "URL"],
        ["default", "kubernetes", "No node port", ""],
        ["default", "web", "http/8080", f"http://192.168.49.2:{a}"],
        ["", "", "admin/9090", f"http://192.168.49.2:{b}"],
        ["kube-system", "kube-dns", "No node port", ""],
    ]
    only = mk(profiles, "service list -n kube-system")[0]
    assert "kube-dns" in only and "kubernetes" not in only


def test_service_usage(profiles: Profiles) -> None:
    mk(profiles, "start --seed 1")
    assert mk(profiles, "service") == (
        "\n\n", "❌  Exiting due to MK_USAGE: You must specify service name(s) or --all\n", 14)


# ---- node stop reaches the components ---------------------------------------------------------


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    def start(self, cluster: Any) -> None:
        self.calls.append(("start", cluster.name))

    def stop(self) -> None:
        self.calls.append(("stop", ""))

    def node_down(self, name: str) -> None:
        self.calls.append(("down", name))

    def node_up(self, name: str) -> None:
        self.calls.append(("up", name))


def test_node_stop_and_start_reach_kube_proxy(profiles: Profiles) -> None:
    mk(profiles, "start --seed 1 --nodes 2")
    cluster = profiles.get("minikube").cluster  # type: ignore[union-attr]
    rec = Recorder()
    cluster.components.append(rec)
    assert mk(profiles, "node stop m02")[2] == 0
    assert not cluster.kubelets["minikube-m02"].running
    assert mk(profiles, "node start m02")[2] == 0
    assert rec.calls == [("down", "minikube-m02"), ("up", "minikube-m02")]
