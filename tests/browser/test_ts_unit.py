"""The front end's own tests, run from pytest: vitest unit tests of the model, layout, actions
and DOM picture (labextension/test/), and a check that the built assets committed in
kubenb/labextension/ are exactly what the TypeScript sources build to.

Needs Node (node ≥ 20.19) and `jlpm` (from the jupyter-builder package); skipped with a reason
when either is missing. The first run installs labextension/node_modules (`jlpm install`,
about 30 s, from the npm registry).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXT = REPO / "labextension"
BUILT = REPO / "kubenb" / "labextension"
STAMPED = ["package.json", "tsconfig.json", "yarn.lock", "src", "style"]  # as stamp.mjs


def _env() -> dict[str, str]:
    """PATH with the venv's bin first: package scripts call `jlpm` and `jupyter-builder`."""
    bindir = str(Path(sys.executable).parent)
    return {**os.environ, "PATH": bindir + os.pathsep + os.environ.get("PATH", ""),
            "CI": "1", "FORCE_COLOR": "0", "NO_COLOR": "1"}


def _run(argv: list[str], cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=cwd, env=_env(), capture_output=True, text=True,
                          timeout=timeout, check=False)


@pytest.fixture(scope="module")
def jlpm() -> Iterator[str]:
    if shutil.which("node") is None:
        pytest.skip("node is not installed (the front end's tests need Node ≥ 20.19)")
    path = shutil.which("jlpm", path=_env()["PATH"])
    if path is None:
        pytest.skip("jlpm is not installed (it comes with the jupyter-builder package)")
    if not (EXT / "node_modules" / ".yarn-state.yml").exists():
        done = _run([path, "install"], EXT, timeout=600)
        assert done.returncode == 0, f"jlpm install failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}"
    yield path


def test_ts_unit(jlpm: str) -> None:
    done = _run([jlpm, "test"], EXT)
    out = done.stdout + done.stderr
    assert done.returncode == 0, out[-5000:]
    passed = re.search(r"Tests\s+(\d+) passed", out)
    assert passed and int(passed.group(1)) >= 50, out[-2000:]
    assert "failed" not in out.split("Test Files", 1)[-1], out[-2000:]


def sources_hash(root: Path) -> str:
    """The hash labextension/scripts/stamp.mjs writes into kubenb/labextension/sources.sha256."""
    files: list[str] = []
    for name in STAMPED:
        path = root / name
        if path.is_dir():
            files += [str(p.relative_to(root)) for p in path.rglob("*") if p.is_file()]
        else:
            files.append(name)
    digest = hashlib.sha256()
    for rel in sorted(files):
        digest.update(f"{rel}\n".encode())
        digest.update((root / rel).read_bytes())
        digest.update(b"\n")
    return digest.hexdigest()


def test_built_assets_match_the_sources() -> None:
    """kubenb/labextension/ (shipped in the wheel) was built from these sources; after
    changing the TypeScript or CSS run `cd labextension && jlpm build:prod`."""
    stamp = BUILT / "sources.sha256"
    assert stamp.exists(), "kubenb/labextension is missing: run `cd labextension && jlpm build:prod`"
    assert stamp.read_text().strip() == sources_hash(EXT), (
        "kubenb/labextension is stale: run `cd labextension && jlpm build:prod`")
    assert (BUILT / "package.json").exists()
    assert list((BUILT / "static").glob("remoteEntry.*.js"))


def test_extension_builds_from_a_copy(jlpm: str, tmp_path: Path) -> None:
    """The production build (tsc + rspack) succeeds from the sources alone."""
    work = tmp_path / "labextension"
    work.mkdir()
    for name in [*STAMPED, ".yarnrc.yml", "scripts"]:
        src = EXT / name
        if src.is_dir():
            shutil.copytree(src, work / name)
        else:
            shutil.copy2(src, work / name)
    (work / "node_modules").symlink_to(EXT / "node_modules")
    done = _run([jlpm, "build:prod"], work)
    assert done.returncode == 0, (done.stdout + done.stderr)[-5000:]
    out = tmp_path / "kubenb" / "labextension"
    assert (out / "sources.sha256").read_text().strip() == sources_hash(EXT)
    built = json.loads((out / "package.json").read_text())
    assert built["jupyterlab"]["_build"]["load"].startswith(
        "static/remoteEntry.")
