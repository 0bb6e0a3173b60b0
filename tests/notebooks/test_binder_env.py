"""The Binder environment, built the way repo2docker builds it from `binder/`: a fresh venv
with `binder/requirements.txt`, then `binder/postBuild` run in a copy of the repository. The
ClusterView extension must be enabled there, and lessons must pass nbval in it (the lesson on
operators needs kopf, which only `binder/requirements.txt` brings)."""

from __future__ import annotations

import os
import shutil
import subprocess
import venv
from pathlib import Path

import pytest

from tests.notebooks import NOTEBOOKS

REPO = NOTEBOOKS.parent
LESSONS = ["notebooks/en/02-create-cluster.ipynb", "notebooks/zh/18-extending.ipynb"]
# What pip prints when the package index cannot be reached at all.
OFFLINE = ("Failed to establish a new connection", "Temporary failure in name resolution",
           "Network is unreachable", "No matching distribution found for jupyterlab")


def _run(cmd: list[str], cwd: Path, env: dict[str, str], timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, env=env, text=True, capture_output=True, timeout=timeout)


def _copy_checkout(dest: Path) -> None:
    """The repository's tracked files as they are in the working tree (repo2docker clones)."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True)
    for name in listed.stdout.decode().split("\0"):
        if name and (REPO / name).is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, dest / name)


@pytest.mark.timeout(1200)
def test_binder_environment_enables_the_extension_and_runs_lessons(tmp_path: Path) -> None:
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("needs the repository's git checkout (git ls-files) to copy what Binder clones")
    checkout, env_dir = tmp_path / "repo", tmp_path / "env"
    checkout.mkdir()
    _copy_checkout(checkout)
    venv.create(env_dir, with_pip=True)
    bin_dir = env_dir / "bin"
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "JUPYTER_PATH")}
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    env["KUBECONFIG"] = str(tmp_path / "kubeconfig")
    env["MINIKUBE_HOME"] = str(tmp_path / "minikube")
    env["KUBENB_STATE_HOME"] = str(tmp_path / "state")

    pip = _run([str(bin_dir / "python"), "-m", "pip", "install", "-q", "-r",
                "binder/requirements.txt"], checkout, env, 900)
    if pip.returncode and any(word in pip.stderr for word in OFFLINE):
        pytest.skip(f"the package index cannot be reached: {pip.stderr.strip().splitlines()[-1]}")
    assert pip.returncode == 0, pip.stderr[-3000:]

    post = _run(["bash", "binder/postBuild"], checkout, env, 900)
    assert post.returncode == 0, (post.stdout + post.stderr)[-3000:]
    listed = _run([str(bin_dir / "jupyter"), "labextension", "list"], checkout, env, 120)
    line = next((ln for ln in (listed.stdout + listed.stderr).splitlines() if "kubenb-clusterview" in ln), "")
    assert "enabled" in line and "OK" in line, listed.stdout + listed.stderr
    # kubenb comes from the copy, not from this checkout's editable install
    where = _run([str(bin_dir / "python"), "-c", "import kubenb; print(kubenb.__file__)"], tmp_path, env, 60)
    assert where.stdout.startswith(str(env_dir)), where.stdout + where.stderr

    specs = _run([str(bin_dir / "jupyter"), "kernelspec", "list"], checkout, env, 60)
    python3 = next(ln for ln in specs.stdout.splitlines() if ln.split()[:1] == ["python3"])
    assert str(env_dir) in python3, specs.stdout  # the lessons' kernel is the Binder venv's

    tools = _run([str(bin_dir / "python"), "-m", "pip", "install", "-q", "nbval", "pytest"], checkout, env, 600)
    assert tools.returncode == 0, tools.stderr[-3000:]
    run = _run([str(bin_dir / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval",
                "--nbval-sanitize-with", "notebooks/sanitize.cfg", *LESSONS], checkout, env, 900)
    assert run.returncode == 0, run.stdout[-5000:]
    assert " passed" in run.stdout and "failed" not in run.stdout, run.stdout[-2000:]
