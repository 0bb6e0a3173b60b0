"""Streaming exec on the docker runtime, driven by real kubectl through the API server:
stdin piped in, bytes out as they are, stderr apart, exit codes, `kubectl cp` both ways,
a missing executable, a terminal; and `%kubectl cp` in-process."""

from __future__ import annotations

import asyncio
import fcntl
import os
import pty
import random
import select
import struct
import subprocess
import termios
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kubenb.api.errors import InternalError
from kubenb.cluster import Cluster
from kubenb.node.runtime.docker_engine import Engine
from kubenb.node.runtime.docker_exec import DockerStart
from kubenb.server import ApiServer
from tests.conftest import Kube, run_cluster
from tests.docker.conftest import FAST, container_state, ours, pod, profile_name
from tests.server.conftest import KUBECTL_132, KUBECTL_137, KUBECTLS, write_kubeconfig


class Served:
    def __init__(self, cluster: Cluster, api: ApiServer, home: Path) -> None:
        self.cluster, self.home = cluster, home
        self.kubeconfig = home / "config"
        write_kubeconfig(self.kubeconfig, api)
        self.env = {"PATH": "/usr/bin:/bin", "KUBECONFIG": str(self.kubeconfig),
                    "HOME": str(home)}

    def kubectl(self, *args: str, stdin: bytes | None = None, binary: str = KUBECTL_132,
                timeout: float = 120) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run([binary, *args], env=self.env, input=stdin, capture_output=True,
                              timeout=timeout, check=False)


@pytest.fixture(scope="module")
def served(engine: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """A 1-node docker cluster behind an API server, with a busybox pod `box` running."""
    home = tmp_path_factory.mktemp("dexec")
    name = profile_name("exec")
    cluster = Cluster(name, nodes=1, runtime="docker", timings=FAST,
                      state_dir=str(home / "state"))
    api = ApiServer()
    cluster.serve_api(api)
    for c in run_cluster(cluster, nodes=1):
        pod(c, "box", [{"name": "box", "image": "busybox", "command": ["sleep", "3600"]}])
        c.wait_for(lambda: "running" in container_state(cluster, "box").get("state", {}),
                   timeout=120)
        yield Served(c, api, home)
    assert ours(engine, name) == []


@pytest.mark.parametrize("binary", KUBECTLS)
def test_exec_pipes_stdin_to_cat(served: Served, binary: str) -> None:
    run = served.kubectl("exec", "-i", "box", "--", "cat", stdin=b"hello\nworld\n", binary=binary)
    assert (run.returncode, run.stdout, run.stderr) == (0, b"hello\nworld\n", b"")


def test_exec_output_and_input_are_byte_exact(served: Served) -> None:
    data = random.Random(5).randbytes(1_000_000)
    up = served.kubectl("exec", "-i", "box", "--", "sh", "-c", "cat > /tmp/up.bin", stdin=data)
    assert (up.returncode, up.stderr) == (0, b"")
    down = served.kubectl("exec", "box", "--", "cat", "/tmp/up.bin")
    assert down.returncode == 0 and down.stdout == data
    urandom = served.kubectl("exec", "box", "--", "sh", "-c",
                             "head -c 100000 /dev/urandom > /tmp/r.bin; cat /tmp/r.bin")
    again = served.kubectl("exec", "box", "--", "cat", "/tmp/r.bin")
    assert len(urandom.stdout) == 100_000 and urandom.stdout == again.stdout


def test_exec_keeps_stderr_apart_and_reports_the_exit_code(served: Served) -> None:
    run = served.kubectl("exec", "box", "--", "sh", "-c", "echo out; echo err >&2; exit 3")
    assert run.returncode == 3
    assert run.stdout == b"out\n"
    assert run.stderr == b"err\ncommand terminated with exit code 3\n"


def test_exec_of_a_missing_executable_is_the_runtime_error(served: Served) -> None:
    run = served.kubectl("exec", "box", "--", "no-such-program")
    assert run.returncode == 1 and run.stdout == b""
    err = run.stderr.decode()
    assert err.startswith("error: Internal error occurred: error executing command in "
                          "container: failed to exec in container: failed to start exec \"")
    assert err.endswith('exec: "no-such-program": executable file not found in $PATH: '
                        "unknown\n"), err


def test_exec_on_a_terminal_has_the_clients_size(served: Served) -> None:
    """kubectl on a terminal (a pty here) of 33 rows and 101 columns: `-it` gives the
    command a terminal of that size, and what is typed reaches it. (The engine takes the
    size once the command has started, as with cri-dockerd: the command asks after its
    first input.)"""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 33, 101, 0, 0))
    proc = subprocess.Popen([KUBECTL_132, "exec", "-it", "box", "--", "sh", "-c",
                             # the size follows the start (docker takes it only then): wait for it
                             "echo ready; read line; tty; "
                             "until [ \"$(stty size 2>/dev/null)\" = \"33 101\" ]; do sleep 0.1; done; "
                             "stty size; echo got:$line"],
                            env=served.env, stdin=slave, stdout=slave, stderr=slave,
                            start_new_session=True)
    os.close(slave)
    seen = b""
    try:
        while b"ready" not in seen:
            chunk = _read(master)
            assert chunk, seen
            seen += chunk
        os.write(master, b"typed\r")
        while chunk := _read(master):
            seen += chunk
        assert proc.wait(timeout=60) == 0, seen
    finally:
        os.close(master)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert b"/dev/pts/" in seen and b"33 101\r\n" in seen and b"got:typed" in seen, seen


def _read(fd: int) -> bytes:
    """What kubectl wrote next on its terminal (b"" once it has gone, or after 60 s)."""
    if not select.select([fd], [], [], 60)[0]:
        return b""
    try:
        return os.read(fd, 65536)
    except OSError:  # EIO: kubectl has gone
        return b""


def test_cp_both_ways_is_tar_over_exec(served: Served, tmp_path: Path) -> None:
    data = random.Random(11).randbytes(300_000)
    (tmp_path / "local.bin").write_bytes(data)
    up = served.kubectl("cp", str(tmp_path / "local.bin"), "box:/tmp/copied.bin")
    assert (up.returncode, up.stderr) == (0, b"")
    inside = served.kubectl("exec", "box", "--", "cat", "/tmp/copied.bin")
    assert inside.stdout == data
    down = served.kubectl("cp", "box:/tmp/copied.bin", str(tmp_path / "back.bin"))
    assert down.returncode == 0, down.stderr
    assert (tmp_path / "back.bin").read_bytes() == data


def test_cp_in_process_goes_both_ways(served: Served, tmp_path: Path) -> None:
    data = random.Random(13).randbytes(200_000)
    (tmp_path / "in.bin").write_bytes(data)
    kube = Kube(served.cluster)
    assert kube(f"cp {tmp_path / 'in.bin'} box:/tmp/in.bin").rc == 0
    assert served.kubectl("exec", "box", "--", "cat", "/tmp/in.bin").stdout == data
    assert kube(f"cp box:/tmp/in.bin {tmp_path / 'out.bin'}").rc == 0
    assert (tmp_path / "out.bin").read_bytes() == data


def test_kubectl_137_exec_closes_stdin(served: Served) -> None:
    """v5 of the channel protocol: kubectl 1.37 closes stdin with a CLOSE frame."""
    if KUBECTL_137 not in KUBECTLS:
        pytest.skip("no kubectl 1.37 binary")
    run = served.kubectl("exec", "-i", "box", "--", "wc", "-c", stdin=b"x" * 70_000,
                         binary=KUBECTL_137)
    assert (run.returncode, run.stdout.strip(), run.stderr) == (0, b"70000", b"")


def _running_execs(served: Served, engine: Any) -> list[dict[str, Any]]:
    box = served.cluster.store.get("Pod", "default", "box")
    cid = box["status"]["containerStatuses"][0]["containerID"].split("://", 1)[1]
    ids = engine.api.inspect_container(cid).get("ExecIDs") or []
    found = []
    for exec_id in ids:
        try:
            info = engine.api.exec_inspect(exec_id)
        except Exception:  # noqa: BLE001 - pruned meanwhile
            continue
        if info.get("Running"):
            found.append(info)
    return found


def test_output_streams_as_written_and_a_leaving_client_ends_the_command(
        served: Served, engine: Any) -> None:
    """The first line arrives while the command still waits for its input; when kubectl
    goes, the command is killed (no exec left running in the container)."""
    proc = subprocess.Popen([KUBECTL_132, "exec", "-i", "box", "--", "sh", "-c",
                             "echo ready; read x; echo got:$x; sleep 3600"], env=served.env,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    assert proc.stdin is not None and proc.stdout is not None
    try:
        assert proc.stdout.readline() == b"ready\n"
        proc.stdin.write(b"line\n")
        proc.stdin.flush()
        assert proc.stdout.readline() == b"got:line\n"
        assert len(_running_execs(served, engine)) == 1
    finally:
        proc.kill()
        proc.communicate(timeout=60)
    served.cluster.wait_for(lambda: _running_execs(served, engine) == [], timeout=60)


def test_attach_streams_the_containers_output(served: Served) -> None:
    pod(served.cluster, "talker", [{"name": "talker", "image": "busybox", "command": [
        "sh", "-c", "i=0; while true; do echo tick-$i; i=$((i+1)); sleep 0.2; done"]}])
    served.cluster.wait_for(
        lambda: "running" in container_state(served.cluster, "talker").get("state", {}),
        timeout=120)
    proc = subprocess.Popen([KUBECTL_132, "attach", "talker"], env=served.env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL)
    assert proc.stdout is not None
    try:
        assert proc.stdout.readline().startswith(b"tick-")
    finally:
        proc.kill()
        proc.communicate(timeout=60)


def test_exec_io_of_a_missing_executable_is_the_kubelets_failure(served: Served) -> None:
    """`%kubectl cp` runs tar through the same session in-process: a command that cannot
    start is the kubelet's InternalError, not the engine's line on stdout."""
    with pytest.raises(InternalError) as err:
        served.cluster.pod_exec_io("default", "box", None, ["no-such-tar", "cf", "-"], None)
    assert str(err.value).endswith('exec: "no-such-tar": executable file not found in $PATH: '
                                   "unknown")
    assert "failed to exec in container: failed to start exec" in str(err.value)


def test_plain_spdy_exec_pipes_stdin_and_closes_it(served: Served) -> None:
    """kubectl with `KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false` speaks SPDY/3.1: stdin's end is
    a FIN on its stream."""
    env = {**served.env, "KUBECTL_REMOTE_COMMAND_WEBSOCKETS": "false"}
    run = subprocess.run([KUBECTL_132, "exec", "-i", "box", "--", "sh", "-c",
                          "wc -c; echo bye >&2; exit 4"], env=env, input=b"y" * 50_000,
                         capture_output=True, timeout=120, check=False)
    assert (run.returncode, run.stdout.strip()) == (4, b"50000")
    assert run.stderr == b"bye\ncommand terminated with exit code 4\n"


def test_a_command_ends_with_its_pod(served: Served, engine: Any) -> None:
    """Deleting the pod removes its container: the exec ends with 137, its connection to
    the engine closed."""
    pod(served.cluster, "victim", [{"name": "victim", "image": "busybox",
                                    "command": ["sleep", "3600"]}])
    served.cluster.wait_for(
        lambda: "running" in container_state(served.cluster, "victim").get("state", {}),
        timeout=120)
    proc = subprocess.Popen([KUBECTL_132, "exec", "-i", "victim", "--", "sh", "-c",
                             "echo in; cat"], env=served.env, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None
    try:
        assert proc.stdout.readline() == b"in\n"
        served.kubectl("delete", "pod", "victim", "--grace-period=0", "--force")
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert (proc.returncode, err) == (137, b"command terminated with exit code 137\n")


def test_a_terminals_end_of_input_is_ctrl_d(served: Served) -> None:
    """A client that ends stdin on a terminal (the Python client's `stream()`, v5's CLOSE):
    `cat` on the terminal reads EOF and exits 0, as on the process runtime's terminal."""
    box = served.cluster.store.get("Pod", "default", "box")
    cid = box["status"]["containerStatuses"][0]["containerID"].split("://", 1)[1]

    async def session() -> tuple[int, bytes]:
        engine = Engine()
        try:
            s = await DockerStart(engine, cid, ["cat"]).start(True, True, (80, 24))
            s.write_stdin(b"typed\r")
            await s.drain()
            seen = b""
            while seen.count(b"typed") < 2:  # the terminal's echo, then cat's copy
                chunk = await s.read_stdout()
                assert chunk, seen
                seen += chunk
            s.close_stdin()
            while chunk := await s.read_stdout():
                seen += chunk
            return await s.wait(), seen
        finally:
            engine.close()

    code, seen = asyncio.run(asyncio.wait_for(session(), 60))
    assert code == 0 and seen.count(b"typed") == 2, seen


def test_a_command_that_closes_its_output_still_reports_its_exit_code(served: Served) -> None:
    """A command that closes stdout and stderr and exits later: its output so far, then
    its own exit code."""
    run = served.kubectl("exec", "-i", "box", "--", "sh", "-c",
                         "echo early; exec >&- 2>&-; read x; exit 5", stdin=b"go\n")
    assert (run.returncode, run.stdout) == (5, b"early\n"), run.stderr
