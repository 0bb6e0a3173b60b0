"""The whole path with the process runtime: `minikube start` (process driver by default on
the real clock), the bootcamp app behind a NodePort, `minikube service --url` answering a
real HTTP client, `kubectl port-forward`, a node failure closing its NodePort, and nothing
left listening or running after `minikube delete`."""

from __future__ import annotations

import socket
import urllib.request
from typing import Any

import psutil
import pytest

from kubenb.api.pods import is_pod_ready
from kubenb.cli.minikube.commands import run_line
from kubenb.profiles import Profiles
from tests.net.standin import SUBNET

pytest.importorskip("kubenb.node.runtime.process")


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as r:
        return str(r.read().decode())


def _listening(ips: tuple[str, ...]) -> list[Any]:
    return [c for c in psutil.Process().net_connections("tcp")
            if c.status == psutil.CONN_LISTEN and c.laddr and c.laddr.ip.startswith(ips)]


def test_bootcamp_through_node_port_and_port_forward(tmp_path: Any,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    reg = Profiles(home=str(tmp_path / "home"), register_atexit=False, serve_api=False)
    # this test process's own addresses, not the default plan other runs may be using
    monkeypatch.setattr(reg, "_free_subnet", lambda *_: f"192.168.{SUBNET}")
    try:
        out, err, rc = run_line("start -p live --nodes 2", reg)
        assert rc == 0, err
        assert "Automatically selected the process driver" in out
        ip = run_line("ip -p live", reg)[0].strip()
        assert ip.startswith("127.") and ip.endswith(".0.2")
        subnet = ip.split(".")[1]
        ours = (f"127.{subnet}.", f"127.{int(subnet) + 1}.")  # nodes and pods, Services
        for line in ("create deployment kb --image=gcr.io/google-samples/kubernetes-bootcamp:v1 "
                     "--replicas=2", "expose deployment kb --type=NodePort --port 8080"):
            assert run_line(f"kubectl -p live -- {line}", reg)[2] == 0
        cluster = reg.get("live").cluster  # type: ignore[union-attr]
        cluster.wait_for(lambda: sum(is_pod_ready(p) for p in cluster.store.list("Pod", "default")) == 2,
                         timeout=60)
        url = run_line("service kb --url -p live", reg)[0].strip()
        port = int(url.rsplit(":", 1)[1])
        cluster.wait_for(lambda: (ip, port) in cluster.kube_proxy.addresses(), timeout=10)
        answers: set[str] = set()

        def both_pods_answer() -> bool:  # an app may bind its port just after it started
            answers.update(get(url) for _ in range(4))
            return len(answers) == 2

        cluster.wait_for(both_pods_answer, timeout=30)
        assert all(a.startswith("Hello Kubernetes bootcamp! | Running on: kb-") for a in answers), answers

        pod = cluster.store.list("Pod", "default")[0]["metadata"]["name"]
        out, _, rc = run_line(f"kubectl -p live -- port-forward pod/{pod} :8080", reg)
        assert rc == 0
        local = int(out.splitlines()[0].split(":")[1].split(" ")[0])
        assert get(f"http://127.0.0.1:{local}/") == (
            f"Hello Kubernetes bootcamp! | Running on: {pod} | v=1\n")

        second = cluster.addresses.node_ip(2)
        assert run_line("node stop m02 -p live", reg)[2] == 0
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection((second, port), timeout=5).close()
        assert (ip, port) in cluster.kube_proxy.addresses()  # the first node still listens
        assert _listening(ours)
    finally:
        reg.close()
    assert _listening(ours) == []
    assert [c for c in _listening(("127.0.0.1", "::1")) if c.laddr.port == local] == []
    assert psutil.Process().children(recursive=True) == []
