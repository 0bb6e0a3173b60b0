"""Loopback subnet claims across processes: who holds one, and the notebook build waiting
for another kernel to let go of the lessons' subnet."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

from kubenb.net import claims

REPO = Path(__file__).resolve().parents[2]
HOLD = ("import sys; from kubenb.net import claims; assert claims.claim(int(sys.argv[1])); "
        "print('held', flush=True); sys.stdin.read()")


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    return tmp_path


def hold(subnet: int) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(subnet)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None and proc.stdout.readline() == "held\n"
    return proc


def test_holder_names_the_other_live_process(private_tmp: Path) -> None:
    assert claims.holder(251) is None
    proc = hold(251)
    try:
        assert claims.holder(251) == proc.pid and claims.held_elsewhere(251)
        assert not claims.claim(251)
    finally:
        proc.communicate("")
    assert claims.holder(251) is None  # a stale claim: its owner is gone
    assert claims.claim(251) and claims.holder(251) is None  # ours now
    claims.release(251)


def test_the_build_waits_for_the_holder_to_end(private_tmp: Path, monkeypatch: Any) -> None:
    sys.path.insert(0, str(REPO / "notebooks"))
    try:
        import build
    finally:
        sys.path.remove(str(REPO / "notebooks"))
    monkeypatch.setattr(build, "SUBNET", 252)
    proc = hold(252)
    assert proc.stdin is not None
    proc.stdin.close()  # it ends on its own now; the build must wait for that, not guess
    build.wait_for_addresses(timeout=120)
    assert proc.wait() == 0 and claims.holder(252) is None


def test_the_build_notices_another_subnets_addresses() -> None:
    import nbformat

    sys.path.insert(0, str(REPO / "notebooks"))
    try:
        import build
    finally:
        sys.path.remove(str(REPO / "notebooks"))

    def nb(text: str) -> nbformat.NotebookNode:
        cell = nbformat.v4.new_code_cell("%kubectl get pods -o wide")
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=text)]
        return nbformat.v4.new_notebook(cells=[cell])

    ours = "web-1   1/1   Running   0   1s   127.49.1.2   minikube\nkubernetes   127.50.0.1\n"
    assert not build.foreign_addresses(nb(ours + "Starting to serve on 127.0.0.1:8001\n"))
    assert build.foreign_addresses(nb("web-1   1/1   Running   0   1s   127.58.1.2   minikube\n"))


def test_a_state_home_of_its_own(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from kubenb.config import default_state_dir

    monkeypatch.delenv("KUBENB_STATE_HOME", raising=False)
    assert default_state_dir("minikube") == os.path.join(
        tempfile.gettempdir(), f"kubenb-{os.getuid()}", "minikube")
    monkeypatch.setenv("KUBENB_STATE_HOME", str(tmp_path))
    assert default_state_dir("minikube") == str(tmp_path / "minikube")
