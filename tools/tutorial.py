"""`make tutorial`: JupyterLab on the course, as a user or as root.

The server's root is notebooks/, so both languages are reachable, and it opens
notebooks/index.ipynb, which links the Chinese and the English index (and each quickstart).
Run as root — common in containers — it passes `--allow-root`, without which JupyterLab
refuses to start ("Running as root is not recommended. Use --allow-root to bypass.").
Extra arguments go to `jupyter lab` unchanged (`make tutorial ARGS="--port=9999"`).

    python tools/tutorial.py [JUPYTER-LAB-ARGS...]
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"
LANDING = "index.ipynb"  # relative to NOTEBOOKS


def command(extra: list[str], *, jupyter: str | None = None, euid: int | None = None) -> list[str]:
    """The `jupyter lab` command line `make tutorial` runs from the directory NOTEBOOKS, which
    is then the server's root (JupyterLab's default root is where it starts)."""
    jupyter = jupyter or str(Path(sys.executable).parent / "jupyter")
    argv = [jupyter, "lab"]
    if (os.geteuid() if euid is None else euid) == 0:
        argv.append("--allow-root")
    return [*argv, *extra, LANDING]


def main(extra: list[str]) -> None:
    argv = command(extra)
    os.chdir(NOTEBOOKS)
    os.execv(argv[0], argv)


if __name__ == "__main__":
    main(sys.argv[1:])
