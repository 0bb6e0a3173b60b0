"""`make tutorial`'s command line (tools/tutorial.py) and the landing page it opens."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[2]


def launcher() -> ModuleType:
    spec = importlib.util.spec_from_file_location("tutorial", REPO / "tools" / "tutorial.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_root_gets_allow_root_and_a_user_does_not() -> None:
    t = launcher()
    as_root = t.command(["--no-browser"], jupyter="/v/bin/jupyter", euid=0)
    assert as_root == ["/v/bin/jupyter", "lab", "--allow-root", "--no-browser", "index.ipynb"]
    assert t.NOTEBOOKS == REPO / "notebooks"  # main() runs it from there: the server's root
    as_user = t.command([], jupyter="/v/bin/jupyter", euid=1000)
    assert "--allow-root" not in as_user and as_user[-1] == "index.ipynb"


def test_the_makefile_runs_the_launcher() -> None:
    text = (REPO / "Makefile").read_text()
    recipe = text.split("\ntutorial: setup\n", 1)[1].split("\n\n", 1)[0]
    assert recipe.strip() == "$(PY) tools/tutorial.py $(ARGS)"


def test_the_landing_page_links_both_indexes_and_quickstarts() -> None:
    import sys

    sys.path.insert(0, str(REPO / "notebooks"))
    try:
        from lessons import landing_cells
    finally:
        sys.path.remove(str(REPO / "notebooks"))
    text = "\n".join(landing_cells())
    links = re.findall(r"\]\(([^)]+)\)", text)
    assert links == ["zh/index.ipynb", "zh/00-quickstart.ipynb", "en/index.ipynb",
                     "en/00-quickstart.ipynb"]
    for link in links:
        assert (REPO / "notebooks" / link).exists(), link
    stored = json.loads((REPO / "notebooks" / "index.ipynb").read_text())
    assert ["".join(c["source"]) for c in stored["cells"]] == landing_cells()
