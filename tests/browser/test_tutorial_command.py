"""The README's main command (`make tutorial`: `.venv/bin/jupyter lab notebooks/en/...`) opens a
JupyterLab in which the ClusterView extension is installed and active.

The server is started exactly as the Makefile starts it (the venv's `jupyter lab`, the
repository as its root, the quickstart notebook as argument), with no extra extension paths;
the page must have the `kubenb-clusterview` plugins activated, and JupyterLab's extension
listing must report the version of labextension/package.json. If the quickstart shows a
ClusterView, it is run and the view must draw.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from .lab import LabServer, NotebookPage

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
QUICKSTART = "notebooks/en/00-quickstart.ipynb"
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
    if not (REPO / QUICKSTART).exists():
        pytest.skip(f"{QUICKSTART} does not exist")
    server = LabServer.start(tmp_path, argv=[jupyter(), "lab", QUICKSTART], root=REPO)
    yield server
    left = server.stop()
    assert not left, f"processes left behind: {left}"


def test_tutorial_command_opens_lab_with_clusterview(tutorial_server: LabServer,
                                                     page: Any) -> None:
    nb = NotebookPage(page, tutorial_server, QUICKSTART).open()
    active = page.evaluate("""() => ['kubenb-clusterview:plugin', 'kubenb-clusterview:snapshot']
        .map(id => window.jupyterapp.hasPlugin(id) && window.jupyterapp.isPluginActivated(id))""")
    assert active == [True, True]
    sources = [("".join(c["source"])) for c in
               json.loads((REPO / QUICKSTART).read_text())["cells"] if c["cell_type"] == "code"]
    if any("kubenb.show(" in s or "%minikube dashboard" in s for s in sources):
        nb.run_all()
        page.wait_for_selector(".kubenb-clusterview .kubenb-node", timeout=120_000)
        nb.screenshot(".kubenb-clusterview", "tutorial-clusterview.png")
