"""`minikube tunnel` on the process runtime: a LoadBalancer Service is `<pending>` until the
tunnel runs, then its ClusterIP is its ingress (EXTERNAL-IP, `describe`'s `LoadBalancer
Ingress:`) and answers real HTTP; Services created later are picked up on the next check;
one tunnel per profile; `--stop`, `minikube stop` and `delete` end it and the ingress goes."""

from __future__ import annotations

import os
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from kubenb.cli.minikube.commands import run_line
from kubenb.net.tunnel import TunnelStatus
from kubenb.profiles import Profile, Profiles
from tests.net.standin import SUBNET

pytest.importorskip("kubenb.node.runtime.process")
IMAGE = "gcr.io/google-samples/kubernetes-bootcamp:v1"


@pytest.fixture
def reg(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Profiles]:
    profiles = Profiles(home=str(tmp_path / "home"), register_atexit=False, serve_api=False)
    monkeypatch.setattr(profiles, "_free_subnet", lambda *_: f"192.168.{SUBNET}")
    yield profiles
    profiles.close()


def ok(reg: Profiles, line: str) -> str:
    out, err, rc = run_line(line, reg)
    assert rc == 0, err
    return out


def external_ip(reg: Profiles, name: str) -> str:
    return ok(reg, f"kubectl -- get svc {name} --no-headers").split()[3]


def lb_app(reg: Profiles, name: str) -> Profile:
    ok(reg, f"kubectl -- create deployment {name} --image={IMAGE}")
    ok(reg, f"kubectl -- expose deployment {name} --type=LoadBalancer --port 8080")
    prof = reg.get("minikube")
    assert prof is not None
    return prof


def test_load_balancer_pending_until_tunnel_then_its_cluster_ip_answers(reg: Profiles) -> None:
    ok(reg, "start")
    prof = lb_app(reg, "kb")
    cluster = prof.cluster
    svc = cluster.store.get("Service", "default", "kb")
    cluster_ip, node_port = svc["spec"]["clusterIP"], svc["spec"]["ports"][0]["nodePort"]
    assert external_ip(reg, "kb") == "<pending>"
    cluster.wait_for(lambda: any((p.get("status") or {}).get("phase") == "Running"
                                 for p in cluster.store.list("Pod", "default")), timeout=60)
    assert ok(reg, "service kb --url") == f"http://{prof.ip()}:{node_port}\n"

    out = ok(reg, "tunnel")
    route = f"{cluster.addresses.service_cidr} -> {prof.ip()}"
    assert out == (f"Status:\t\n\tmachine: minikube\n\tpid: {os.getpid()}\n\troute: {route}\n"
                   "\tminikube: Running\n\tservices: [kb]\n    errors: \n"
                   "\t\tminikube: no errors\n\t\trouter: no errors\n"
                   "\t\tloadbalancer emulator: no errors\n")
    assert external_ip(reg, "kb") == cluster_ip  # patched before the command returned
    assert cluster.store.get("Service", "default", "kb")["status"] == {
        "loadBalancer": {"ingress": [{"ip": cluster_ip, "ipMode": "VIP"}]}}
    assert f"LoadBalancer Ingress:     {cluster_ip} (VIP)\n" in ok(reg, "kubectl -- describe svc kb")

    def answers() -> bool:
        try:
            with urllib.request.urlopen(f"http://{cluster_ip}:8080/", timeout=5) as r:
                return r.read().decode().startswith("Hello Kubernetes bootcamp!")
        except OSError:
            return False

    cluster.wait_for(answers, timeout=60)
    assert ok(reg, "service kb --url") == f"http://{prof.ip()}:{node_port}\n"

    out, err, rc = run_line("tunnel", reg)  # one tunnel per machine
    assert rc == 110 and out == "\n\n"
    assert err == ("❌  Exiting due to SVC_TUNNEL_START: error starting tunnel: error creating "
                   "tunnel: another tunnel is already running, shut it down first: ID { Route: "
                   f"{route}, machineName: minikube, Pid: {os.getpid()} }}\n")

    lb_app(reg, "late")  # created while the tunnel runs: the next check (5 s) patches it
    assert external_ip(reg, "late") == "<pending>"
    late_ip = cluster.store.get("Service", "default", "late")["spec"]["clusterIP"]
    cluster.wait_for(lambda: external_ip(reg, "late") == late_ip, timeout=30)
    assert prof.tunnel is not None and prof.tunnel.status.services == ["kb", "late"]

    assert ok(reg, "tunnel --stop") == ""
    assert external_ip(reg, "kb") == external_ip(reg, "late") == "<pending>"
    assert "LoadBalancer Ingress" not in ok(reg, "kubectl -- describe svc kb")
    assert cluster.store.get("Service", "default", "kb")["status"] == {"loadBalancer": {}}
    out, err, rc = run_line("tunnel --stop", reg)
    assert (out, rc) == ("", 0) and err == '❗  No tunnel is running for profile "minikube".\n'


def test_minikube_stop_ends_the_tunnel_and_a_restart_has_none(reg: Profiles) -> None:
    ok(reg, "start")
    prof = lb_app(reg, "kb")
    ok(reg, "tunnel")
    tunnel = prof.tunnel
    assert tunnel is not None and external_ip(reg, "kb") != "<pending>"
    ok(reg, "stop")
    assert not tunnel.running
    svc = prof.cluster.store.get("Service", "default", "kb")
    assert svc["status"] == {"loadBalancer": {}}  # cleaned up on the way out
    ok(reg, "start")
    assert tunnel not in prof.cluster.components or not tunnel.running
    assert external_ip(reg, "kb") == "<pending>"
    assert ok(reg, "tunnel").startswith("Status:\t\n")  # a new one may start
    assert external_ip(reg, "kb") != "<pending>"
    ok(reg, "delete")
    assert prof.tunnel is not None and not prof.tunnel.running


def test_status_report_names_errors() -> None:
    st = TunnelStatus("minikube", 7, "10.96.0.0/12 -> 192.168.49.2", services=["a", "b"],
                      lb_error="boom")
    assert st.report().splitlines() == [
        "Status:\t", "\tmachine: minikube", "\tpid: 7", "\troute: 10.96.0.0/12 -> 192.168.49.2",
        "\tminikube: Running", "\tservices: [a, b]", "    errors: ",
        "\t\tminikube: no errors", "\t\trouter: no errors", "\t\tloadbalancer emulator: boom"]
