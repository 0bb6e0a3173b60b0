"""Plain SPDY/3.1 exec and port-forward (kubectl with its WebSocket paths switched off, as
kubectl < 1.30 / 1.31 and client-go's SPDY dialers speak them)."""

from __future__ import annotations

import random
import subprocess
from pathlib import Path

from kubenb.server.spdy_upgrade import RawLink
from tests.process.test_api_streams import Api, _forwarded_port, assert_nginx_answers, served
from tests.process.util import REQUIRES_LOOPBACK
from tests.server.conftest import KUBECTL_132

pytestmark = REQUIRES_LOOPBACK
__all__ = ["served"]  # the module's cluster and API server

NO_WEBSOCKETS = {"KUBECTL_REMOTE_COMMAND_WEBSOCKETS": "false",
                 "KUBECTL_PORT_FORWARD_WEBSOCKETS": "false"}


def spdy(served: Api) -> Api:
    served.env.update(NO_WEBSOCKETS)
    return served


def test_exec_over_spdy_pipes_bytes_both_ways(served: Api, tmp_path: Path) -> None:
    api = spdy(served)
    data = random.Random(11).randbytes(700_000)
    proc = subprocess.Popen([KUBECTL_132, "exec", "-i", "web", "--", "cat"], env=api.env,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    try:
        api.cluster.wait_for(lambda: any(isinstance(link, RawLink)
                                         for link in list(api.api.websockets)), 30)
        out, err = proc.communicate(data, timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert (proc.returncode, err) == (0, b"") and out == data


def test_exec_over_spdy_keeps_stderr_apart_and_reports_the_exit_code(served: Api) -> None:
    run = spdy(served).kubectl("exec", "web", "--", "sh", "-c", "echo out; echo err >&2; exit 5")
    assert (run.returncode, run.stdout) == (5, b"out\n")
    assert run.stderr == b"err\ncommand terminated with exit code 5\n"


def test_port_forward_over_spdy(served: Api) -> None:
    api = spdy(served)
    proc = api.popen("port-forward", "pod/web", ":80")
    try:
        assert_nginx_answers(_forwarded_port(proc))
        assert any(isinstance(link, RawLink) for link in list(api.api.websockets))
    finally:
        proc.terminate()
        proc.communicate(timeout=30)
