"""The probe handlers against tiny real servers on loopback (a real event loop): what
counts as success, and the Go wording of every failure."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from typing import Any

import pytest

from kubenb.node.prober_run import (
    ProbeOutcome,
    ProbeTarget,
    exec_probe,
    probe_url,
    resolve_port,
    run_probe,
)
from kubenb.node.runtime.base import ExecError
from tests.net.standin import NET, HttpServer

IP = f"{NET}7.2"


@pytest.fixture
def web() -> Iterator[HttpServer]:
    s = HttpServer(IP, 8080)
    yield s
    s.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind((IP, 0))
        return int(s.getsockname()[1])


def run(spec: dict[str, Any], container: dict[str, Any] | None = None,
        runtime: Any = None) -> ProbeOutcome:
    target = ProbeTarget(container or {"name": "app", "ports": [
        {"name": "http", "containerPort": 8080}]}, "cid", IP, runtime, "v1.32.0")
    return asyncio.run(run_probe(spec, target))


def test_http_success_sends_kubelet_headers(web: HttpServer) -> None:
    out = run({"httpGet": {"path": "/healthz", "port": "http",
                           "httpHeaders": [{"name": "X-Probe", "value": "yes"}]}})
    assert out == ProbeOutcome("Success", "status 200")
    path, headers = web.requests[0]
    assert path == "/healthz"
    assert headers["User-Agent"] == "kube-probe/1.32" and headers["X-Probe"] == "yes"
    assert headers["Host"] == f"{IP}:8080"


def test_http_error_status_fails_without_the_body(web: HttpServer) -> None:
    web.status = 500
    assert run({"httpGet": {"path": "/", "port": 8080}}) == ProbeOutcome(
        "Failure", "HTTP probe failed with statuscode: 500")
    web.status = 399  # 3xx to another host: not followed, a warning
    out = run({"httpGet": {"path": "/", "port": 8080}})
    assert out == ProbeOutcome("Warning", "Probe terminated redirects, Response body: status 399")


def test_http_refused_reads_like_go() -> None:
    port = free_port()
    assert run({"httpGet": {"path": "/ready", "port": port}}) == ProbeOutcome(
        "Failure", f'Get "http://{IP}:{port}/ready": dial tcp {IP}:{port}: connect: '
        "connection refused")


def test_http_timeout_reads_like_go() -> None:
    with socket.socket() as silent:  # accepts (backlog) and never answers
        silent.bind((IP, 0))
        silent.listen(1)
        port = silent.getsockname()[1]
        out = run({"httpGet": {"path": "/", "port": port}, "timeoutSeconds": 1})
    assert out == ProbeOutcome("Failure", f'Get "http://{IP}:{port}/": context deadline exceeded '
                               "(Client.Timeout exceeded while awaiting headers)")


def test_tcp_probe(web: HttpServer) -> None:
    assert run({"tcpSocket": {"port": 8080}}).result == "Success"
    port = free_port()
    assert run({"tcpSocket": {"port": port}}) == ProbeOutcome(
        "Failure", f"dial tcp {IP}:{port}: connect: connection refused")


def test_port_resolution_and_its_errors() -> None:
    c = {"name": "app", "ports": [{"name": "web", "containerPort": 80}]}
    assert resolve_port("web", c) == 80 and resolve_port("8081", c) == 8081
    out = run({"tcpSocket": {"port": "metrics"}}, c)
    assert out.error == "port metrics not found"
    assert run({"tcpSocket": {"port": 70000}}, c).error == "invalid port number: 70000"
    assert probe_url({"path": "healthz", "scheme": "HTTPS"}, "10.0.0.1", 443) == (
        "https://10.0.0.1:443/healthz")


class FakeExec:
    def __init__(self, result: Any) -> None:
        self.result = result

    async def exec(self, cid: str, argv: list[str]) -> tuple[int, str]:
        if isinstance(self.result, Exception):
            raise self.result
        if self.result == "hang":
            await asyncio.sleep(3600)
        return self.result  # type: ignore[no-any-return]


def test_exec_probe_exit_codes_timeout_and_errors() -> None:
    spec = {"exec": {"command": ["cat", "/tmp/healthy"]}, "timeoutSeconds": 1}
    assert run(spec, runtime=FakeExec((0, "ok\n"))) == ProbeOutcome("Success", "ok\n")
    assert run(spec, runtime=FakeExec((1, "nope\n"))) == ProbeOutcome("Failure", "nope\n")
    assert run(spec, runtime=FakeExec("hang")) == ProbeOutcome(
        "Failure", 'command "cat /tmp/healthy" timed out')
    out = asyncio.run(exec_probe(FakeExec(ExecError("no such file")), "abc", ["x"], 1))  # type: ignore[arg-type]
    assert out.error is not None and out.error.endswith('failed to start exec "abc": no such file')
