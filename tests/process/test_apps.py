"""Built-in images as real servers: bootcamp v1/v2, nginx, http-echo, echoserver, logs."""

from __future__ import annotations

import re

import pytest

from tests.process.util import REQUIRES_LOOPBACK, SUBNET, get, pod, run_pod

pytestmark = REQUIRES_LOOPBACK

V1 = "gcr.io/google-samples/kubernetes-bootcamp:v1"
V2 = "docker.io/jocatalin/kubernetes-bootcamp:v2"


def test_bootcamp_v1_and_v2_answer_on_their_own_ips(cluster):
    ip1 = run_pod(cluster, pod("boot-a", V1))
    ip2 = run_pod(cluster, pod("boot-b", V2))
    assert ip1 != ip2 and ip1.startswith(f"127.{SUBNET}.1.")
    assert get(ip1, 8080) == (200, "Hello Kubernetes bootcamp! | Running on: boot-a | v=1\n")
    assert get(ip2, 8080, "/any/path") == (200, "Hello Kubernetes bootcamp! | Running on: boot-b | v=2\n")
    node = cluster.store.get("Node", None, "proc0")
    assert node["status"]["nodeInfo"]["containerRuntimeVersion"].startswith("process://")


def test_bootcamp_logs_start_line_and_one_line_per_request(cluster):
    ip = run_pod(cluster, pod("boot", V1))
    for _ in range(3):
        get(ip, 8080)
    text = cluster.pod_logs("default", "boot")
    lines = text.split("\n")
    assert re.fullmatch(r"Kubernetes Bootcamp App Started At: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z "
                        r"\| Running On:  boot ", lines[0])
    assert lines[1] == ""
    for n, line in enumerate(lines[2:5], 1):
        assert re.fullmatch(rf"Running On: boot \| Total Requests: {n} \| App Uptime: [\d.]+ seconds "
                            r"\| Log Time: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", line), line
    assert cluster.pod_logs("default", "boot", tail=1) == lines[4] + "\n"
    stamped = cluster.pod_logs("default", "boot", tail=1, timestamps=True)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z Running On: boot .*\n", stamped)


def _can_bind_80() -> bool:
    import socket

    with socket.socket() as s:
        try:
            s.bind((f"127.{SUBNET}.1.250", 80))
        except OSError:
            return False
    return True


@pytest.mark.skipif(not _can_bind_80(), reason="port 80 needs root (or a low ip_unprivileged_port_start)")
def test_nginx_welcome_page_and_access_log(cluster):
    ip = run_pod(cluster, pod("web", "nginx"))
    code, body = get(ip, 80)
    assert code == 200 and "<title>Welcome to nginx!</title>" in body
    assert get(ip, 80, "/missing")[0] == 404
    logs = cluster.pod_logs("default", "web")
    assert "/docker-entrypoint.sh: Configuration complete; ready for start up" in logs
    assert re.search(r'\d+\.\d+\.\d+\.\d+ - - \[\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d \+0000\] '
                     r'"GET / HTTP/1.1" 200 615 "-" "-" "-"', logs), logs


def test_http_echo_text_and_listen_flags(cluster):
    ip = run_pod(cluster, pod("echo", "hashicorp/http-echo", args=["-text=hello kubenb", "-listen=:5679"]))
    assert get(ip, 5679) == (200, "hello kubenb\n")
    assert "[INFO] server is listening on :5679" in cluster.pod_logs("default", "echo")


def test_http_echo_unknown_flag_exits_2(cluster):
    cluster.store.create(pod("bad-echo", "hashicorp/http-echo", args=["-nope=1"]))
    from tests.process.util import container_status

    cluster.wait_for(lambda: (container_status(cluster, "bad-echo").get("lastState") or {})
                     .get("terminated", {}).get("exitCode") == 2, 20)
    assert "flag provided but not defined: -nope" in cluster.pod_logs("default", "bad-echo",
                                                                      previous=True)


def test_echoserver_echoes_the_request(cluster):
    ip = run_pod(cluster, pod("echoes", "registry.k8s.io/echoserver:1.4"))
    code, body = get(ip, 8080, "/hello?x=1")
    assert code == 200
    assert "CLIENT VALUES:" in body and "real path=/hello" in body and "query=x=1" in body
    assert f"request_uri=http://{ip}:8080/hello?x=1" in body


def test_echoserver_1_10_shows_pod_information_from_its_env(cluster):
    env = [{"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}]
    ip = run_pod(cluster, pod("echo10", "registry.k8s.io/echoserver:1.10", env=env))
    code, body = get(ip, 8080, "/p")
    assert code == 200
    assert body.startswith("\n\nHostname: echo10\n\nPod Information:\n\tpod name=echo10\n")
    assert "\treal path=/p\n" in body and "Request Body:\n\t-no body in request-" in body


def test_a_system_without_pod_addresses_fails_with_a_clear_message():
    from kubenb.node.runtime.process import LoopbackUnavailable, check_loopback

    with pytest.raises(LoopbackUnavailable, match="cannot bind 192.0.2.1: .*own addresses"):
        check_loopback("192.0.2.1")  # TEST-NET: no local interface has it
