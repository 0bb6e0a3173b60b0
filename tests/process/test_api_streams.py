"""exec, attach, cp and port-forward of real kubectl (and the Python client) through the API
server, against real processes: bytes in and out as they are, stderr apart, exit codes."""

from __future__ import annotations

import http.client
import random
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kubenb.cluster import Cluster
from kubenb.server import ApiServer
from kubenb.server.exec_stream import AttachHandler, ExecHandler
from tests.process.conftest import served_cluster
from tests.process.util import REQUIRES_LOOPBACK, pod, run_pod
from tests.server.conftest import KUBECTL_132, write_kubeconfig

pytestmark = REQUIRES_LOOPBACK

ECHO = """
import socket, sys, threading
def serve(port):
    s = socket.create_server((sys.argv[1], port))
    while True:
        c, _ = s.accept()
        threading.Thread(target=lambda c=c: [c.sendall(d) for d in iter(lambda: c.recv(65536), b"")] and c.close(), daemon=True).start()
for p in (7001, 7002):
    threading.Thread(target=serve, args=(p,), daemon=True).start()
threading.Event().wait()
"""


class Api:
    def __init__(self, cluster: Cluster, api: ApiServer, home: Path) -> None:
        self.cluster, self.api, self.home = cluster, api, home
        self.kubeconfig = home / "config"
        write_kubeconfig(self.kubeconfig, api)
        self.env = {"PATH": "/usr/bin:/bin", "KUBECONFIG": str(self.kubeconfig),
                    "HOME": str(home)}

    def kubectl(self, *args: str, stdin: bytes | None = None,
                timeout: float = 90) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run([KUBECTL_132, *args], env=self.env, input=stdin,
                              capture_output=True, timeout=timeout, check=False)

    def popen(self, *args: str) -> subprocess.Popen[bytes]:
        return subprocess.Popen([KUBECTL_132, *args], env=self.env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    home = tmp_path_factory.mktemp("streams")
    with served_cluster("streams", home) as (cluster, api):
        run_pod(cluster, pod("web", "nginx"))
        yield Api(cluster, api, home)


def test_exec_pipes_stdin_to_the_command(served: Api) -> None:
    run = served.kubectl("exec", "-i", "web", "--", "cat", stdin=b"hi\n")
    assert (run.returncode, run.stdout, run.stderr) == (0, b"hi\n", b"")


def test_exec_output_and_input_are_byte_exact(served: Api, tmp_path: Path) -> None:
    data = random.Random(7).randbytes(1_500_000)
    src = tmp_path / "data.bin"
    src.write_bytes(data)
    down = served.kubectl("exec", "web", "--", "cat", str(src))
    assert down.returncode == 0 and down.stdout == data
    up = tmp_path / "up.bin"
    run = served.kubectl("exec", "-i", "web", "--", "sh", "-c", f"cat > {up}", stdin=data)
    assert run.returncode == 0 and up.read_bytes() == data


def test_exec_keeps_stderr_apart_and_reports_the_exit_code(served: Api) -> None:
    run = served.kubectl("exec", "web", "--", "sh", "-c", "echo out; echo err >&2; exit 3")
    assert run.returncode == 3
    assert run.stdout == b"out\n"
    assert run.stderr == b"err\ncommand terminated with exit code 3\n"


def test_exec_of_a_missing_program_is_the_runtime_error(served: Api) -> None:
    run = served.kubectl("exec", "web", "--", "no-such-program")
    assert run.returncode == 1 and run.stdout == b""
    assert b'exec: "no-such-program": executable file not found in $PATH' in run.stderr


def test_cp_both_ways_is_tar_over_exec(served: Api, tmp_path: Path) -> None:
    data = random.Random(3).randbytes(200_000)
    (tmp_path / "local.bin").write_bytes(data)
    remote = tmp_path / "remote"
    remote.mkdir()
    up = served.kubectl("cp", str(tmp_path / "local.bin"), f"web:{remote}/copied.bin")
    assert up.returncode == 0, up.stderr
    assert (remote / "copied.bin").read_bytes() == data
    down = served.kubectl("cp", f"web:{remote}/copied.bin", str(tmp_path / "back.bin"))
    assert down.returncode == 0, down.stderr
    assert (tmp_path / "back.bin").read_bytes() == data


def _forwarded_port(proc: subprocess.Popen[bytes]) -> int:
    assert proc.stdout is not None
    line = proc.stdout.readline().decode()
    found = re.match(r"Forwarding from 127\.0\.0\.1:(\d+) -> 80$", line.strip())
    assert found, line
    return int(found.group(1))


def assert_nginx_answers(port: int) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", "/")
        resp = conn.getresponse()
        assert resp.status == 200 and b"Welcome to nginx!" in resp.read()
    finally:
        conn.close()


def test_port_forward_through_the_api_serves_http(served: Api) -> None:
    proc = served.popen("port-forward", "pod/web", ":80")
    try:
        port = _forwarded_port(proc)
        for _ in range(3):  # one tunnel, several connections
            assert_nginx_answers(port)
    finally:
        proc.terminate()
        proc.communicate(timeout=30)


def test_attach_streams_the_containers_output(served: Api, tmp_path: Path) -> None:
    flag = tmp_path / "go"
    run_pod(served.cluster, pod("talker", "busybox", command=[
        "sh", "-c", f"while [ ! -e {flag} ]; do sleep 0.05; done; echo attached-output; "
                    "sleep 0.5"]), timeout=30)
    proc = served.popen("attach", "talker")
    try:
        served.cluster.wait_for(lambda: any(isinstance(ws, AttachHandler)
                                            for ws in list(served.api.websockets)), 30)
        flag.touch()
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert out == b"attached-output\n", err
    assert proc.returncode == 0


def _python_api(served: Api) -> Any:
    from kubernetes import client, config

    return client.CoreV1Api(config.new_client_from_config(str(served.kubeconfig)))


def test_python_client_exec_closes_stdin_with_v5(served: Api) -> None:
    from kubernetes.stream import stream

    api = _python_api(served)
    resp = stream(api.connect_post_namespaced_pod_exec, "web", "default",
                  command=["sh", "-c", "cat; echo done >&2"], stdin=True, stdout=True,
                  stderr=True, tty=False, binary=True, _preload_content=False)
    try:
        assert resp.subprotocol == "v5.channel.k8s.io"
        resp.write_stdin(b"\x00\xffbytes\n")
        assert resp.readline_stdout(timeout=30) == b"\x00\xffbytes"
        resp.close_channel(0)
        resp.run_forever(timeout=30)
        assert resp.returncode == 0
        assert resp.read_stderr() == b"done\n"
    finally:
        resp.close()


def test_python_client_port_forward_channels(served: Api) -> None:
    from kubernetes.stream import portforward

    ip = run_pod(served.cluster, pod("echo", "python", command=["python", "-c", ECHO, "0.0.0.0"],
                                     readinessProbe={"tcpSocket": {"port": 7002},
                                                     "periodSeconds": 1}), timeout=30)
    api = _python_api(served)
    pf = portforward(api.connect_get_namespaced_pod_portforward, "echo", "default",
                     ports="7001,7002,7003")
    socks = [pf.socket(p) for p in (7001, 7002)]
    try:
        for i, s in enumerate(socks):
            s.setblocking(True)
            s.sendall(b"ping %d" % i)
        for i, s in enumerate(socks):
            got = b""
            while len(got) < 6:
                got += s.recv(1024)
            assert got == b"ping %d" % i
        refused = pf.socket(7003)
        refused.setblocking(True)
        assert refused.recv(1024) == b""
        assert pf.error(7003) == (
            f"error forwarding port 7003 to pod {_uid(served, 'echo')}, uid : failed to connect "
            f'to localhost:7003 inside namespace "{_uid(served, "echo")}", IPv4: dial tcp4 '
            f"{ip}:7003: connect: connection refused ")
        assert pf.error(7001) is None
    finally:
        for s in socks:
            s.close()
        served.cluster.wait_for(lambda: not pf.connected, 30)  # the client closes the socket


def _uid(served: Api, name: str) -> str:
    return str(served.cluster.store.get("Pod", "default", name)["metadata"]["uid"])


def test_exec_with_a_terminal_sees_the_clients_window_size(served: Api) -> None:
    import fcntl
    import os
    import pty
    import struct
    import termios

    pid, fd = pty.fork()
    if pid == 0:  # the child: kubectl on a terminal of 40 rows, 100 columns
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 100, 0, 0))
        os.execve(KUBECTL_132, ["kubectl", "exec", "-it", "web", "--", "sh", "-c",
                                "stty size; tty >/dev/null && echo on-a-tty; exit 4"], served.env)
    out = b""
    try:
        while True:
            try:
                data = os.read(fd, 65536)
            except OSError:  # EIO: kubectl has exited
                break
            if not data:
                break
            out += data
    finally:
        os.close(fd)
        _, status = os.waitpid(pid, 0)
    assert b"40 100\r\non-a-tty\r\n" in out
    assert out.endswith(b"command terminated with exit code 4\r\n")
    assert os.waitstatus_to_exitcode(status) == 4


def test_a_client_that_leaves_ends_the_command(served: Api) -> None:
    import psutil
    from kubernetes.stream import stream

    from tests.process.util import cmdline_of

    def sleeping() -> list[psutil.Process]:
        return [p for p in psutil.Process().children(recursive=True)
                if cmdline_of(p).endswith("sleep 987") and cmdline_of(p).split()[1:] == ["987"]]

    resp = stream(_python_api(served).connect_get_namespaced_pod_exec, "web", "default",
                  command=["sleep", "987"], stdin=True, stdout=True, stderr=True, tty=False,
                  _preload_content=False)
    served.cluster.wait_for(lambda: bool(sleeping()), 30)
    resp.close()
    served.cluster.wait_for(lambda: not sleeping(), 30)


def test_exec_refusals_are_kubectls_words(served: Api) -> None:
    from tests import builders

    manifest = builders.pod("two", namespace="default", labels={"app": "two"}, restart="Never",
                            containers=[builders.container("a", "nginx"),
                                        builders.container("b", "busybox",
                                                           command=["sh", "-c", "exit 0"])])
    served.cluster.store.create(manifest)

    def b_done() -> bool:
        pod = served.cluster.store.get("Pod", "default", "two")
        states = {s["name"]: s.get("state") or {} for s in
                  (pod.get("status") or {}).get("containerStatuses") or []}
        return "running" in states.get("a", {}) and "terminated" in states.get("b", {})

    served.cluster.wait_for(b_done, 30)
    run = served.kubectl("exec", "two", "-c", "nope", "--", "true")
    assert (run.returncode, run.stderr) == (
        1, b"Error from server (BadRequest): container nope is not valid for pod two\n")
    run = served.kubectl("exec", "two", "-c", "b", "--", "true")
    assert (run.returncode, run.stderr) == (
        1, b'error: unable to upgrade connection: container not found ("b")\n')
    assert served.kubectl("exec", "two", "-c", "a", "--", "true").returncode == 0


def test_a_command_ends_with_its_pod(served: Api) -> None:
    run_pod(served.cluster, pod("victim", "busybox", command=["sleep", "3600"]), timeout=30)
    proc = served.popen("exec", "victim", "--", "sleep", "986")
    try:
        served.cluster.wait_for(lambda: any(isinstance(ws, ExecHandler) and ws.session
                                            for ws in list(served.api.websockets)), 30)
        served.kubectl("delete", "pod", "victim", "--grace-period=0", "--force")
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert (proc.returncode, err) == (137, b"command terminated with exit code 137\n")
