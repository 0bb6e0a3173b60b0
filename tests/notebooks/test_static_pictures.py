"""Every stored lesson shows its cluster picture where no widget script runs.

nbconvert's HTML (what nbviewer shows) is made from each stored lesson notebook: it must
contain at least one `<img>` with PNG data from a ClusterView output, and need no widget
script (no saved widget state, so no `application/vnd.jupyter.widget-view+json` is drawn).
Every output that carries a ClusterView carries image/png and text/html too.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
LESSONS = sorted(p for lang in ("en", "zh") for p in (NOTEBOOKS / lang).glob("[0-9][0-9]-*.ipynb"))
WIDGET = "application/vnd.jupyter.widget-view+json"
SNAPSHOT = "application/vnd.kubenb.clusterview+json"


def views(nb: nbformat.NotebookNode) -> list[dict]:
    return [o["data"] for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
            if SNAPSHOT in o.get("data", {})]


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_clusterview_output_carries_a_png_and_html(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    found = views(nb)
    assert found, f"{path.name} shows no ClusterView"
    for data in found:
        assert data["image/png"] and data["text/html"].startswith('<img class="kubenb-picture"')
    assert "widgets" not in nb.metadata, "saved widget state would hide the picture in nbconvert"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_nbconvert_html_shows_the_picture_without_a_widget_script(path: Path) -> None:
    from nbconvert import HTMLExporter

    nb = nbformat.read(path, as_version=4)
    html, _ = HTMLExporter().from_notebook_node(nb)
    pictures = [tag for tag in re.findall(r"<img [^>]*>", html)
                if 'class="kubenb-picture"' in tag and 'alt="ClusterView · minikube' in tag
                and 'src="data:image/png;base64,iVBORw0KGgo' in tag]  # a PNG's signature
    assert pictures, path.name
    assert f'type="{WIDGET}"' not in html and "application/vnd.jupyter.widget-state+json" not in html
