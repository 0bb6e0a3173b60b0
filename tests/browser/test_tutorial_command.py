"""The README's main command (`make tutorial`, i.e. `python tools/tutorial.py`) opens a
JupyterLab in which the ClusterView extension is installed and active, reaches both
languages' indexes, and runs the quickstart with its live picture.

The server is started exactly as the Makefile starts it (the venv's python running
tools/tutorial.py, which runs `jupyter lab` rooted at notebooks/ on notebooks/index.ipynb and
adds `--allow-root` itself when run as root — the test never adds it). The page must have the
`kubenb-clusterview` plugins activated; the landing page links the Chinese and the English
index; the quickstart's ClusterView draws, and after the lesson's `%minikube delete` it shows
the cluster as deleted with its controls off.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import psutil
import pytest

from .lab import LabServer, NotebookPage

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
QUICKSTART = "en/00-quickstart.ipynb"  # relative to notebooks/, the server's root
VERSION = json.loads((REPO / "labextension" / "package.json").read_text())["version"]


def jupyter() -> str:
    """The venv's `jupyter`, as `make tutorial` runs it."""
    return str(Path(sys.executable).parent / "jupyter")


def test_extension_is_installed_in_the_environment() -> None:
    out = subprocess.run([jupyter(), "labextension", "list"], capture_output=True, text=True,
                         timeout=120, check=False)
    listing = out.stdout + out.stderr
    assert f"kubenb-clusterview v{VERSION}" in listing, listing
    line = next(x for x in listing.splitlines() if "kubenb-clusterview" in x)
    assert "enabled" in line and "OK" in line, line


@pytest.fixture
def tutorial_server(chromium: str, tmp_path: Path) -> Any:
    if not (NOTEBOOKS / "index.ipynb").exists():
        pytest.skip("notebooks/index.ipynb does not exist (run notebooks/build.py)")
    # This checkout's built front end, ahead of the one the venv links (another checkout's).
    data = tmp_path / "data"
    (data / "labextensions").mkdir(parents=True)
    (data / "labextensions" / "kubenb-clusterview").symlink_to(REPO / "kubenb" / "labextension")
    env = {"JUPYTER_PATH": f"{data}{os.pathsep}{os.environ.get('JUPYTER_PATH', '')}"}
    server = LabServer.start(tmp_path, argv=[sys.executable, str(REPO / "tools" / "tutorial.py")],
                             root=NOTEBOOKS, allow_root=False, env=env)
    yield server
    left = server.stop()
    assert not left, f"processes left behind: {left}"


def test_tutorial_opens_both_indexes_and_the_quickstarts_live_picture(
        tutorial_server: LabServer, page: Any) -> None:
    # It started (as root, too) without the test adding --allow-root, on the landing page.
    cmdline = psutil.Process(tutorial_server.proc.pid).cmdline()
    assert cmdline[-1] == "index.ipynb" and ("--allow-root" in cmdline) == (os.geteuid() == 0)
    NotebookPage(page, tutorial_server, "index.ipynb").open()
    active = page.evaluate("""() => ['kubenb-clusterview:plugin', 'kubenb-clusterview:snapshot']
        .map(id => window.jupyterapp.hasPlugin(id) && window.jupyterapp.isPluginActivated(id))""")
    assert active == [True, True]
    for lang, link, heading in (("zh", "课程目录", "Kubernetes 基础"),
                                ("en", "All lessons", "Kubernetes Basics")):
        NotebookPage(page, tutorial_server, "index.ipynb").open()
        page.locator(".jp-RenderedMarkdown a", has_text=link).first.click()
        page.wait_for_function(
            """(path) => {
                const w = window.jupyterapp.shell.currentWidget;
                return !!w && !!w.context && w.context.path === path;
            }""", arg=f"{lang}/index.ipynb", timeout=60_000)
        page.wait_for_selector(f".jp-RenderedMarkdown h1:has-text('{heading}')", timeout=60_000)
    nb = NotebookPage(page, tutorial_server, QUICKSTART).open()
    nb.run_all()
    view = ".kubenb-clusterview:not(.kubenb-snapshot)"
    page.wait_for_selector(f"{view} .kubenb-node", timeout=180_000)
    nb.screenshot(view, "tutorial-clusterview.png")
    # The lesson ends with `%minikube delete`: the open picture must say so and switch off.
    page.wait_for_selector(f"{view}.kubenb-gone", timeout=600_000)
    reason = page.locator(f"{view} .kubenb-error").first.inner_text()
    assert 'cluster "minikube" was deleted' in reason, reason
    buttons = page.locator(f"{view} button")
    assert buttons.count() > 0
    assert all(buttons.nth(i).is_disabled() for i in range(buttons.count()))
    nb.screenshot(view, "tutorial-clusterview-deleted.png")
