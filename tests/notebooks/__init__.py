"""Tests of the tutorial notebooks: `notebooks/` importable (its `lessons` package), and its
builder, notebooks/build.py, loaded as `build`."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
sys.path.insert(0, str(NOTEBOOKS))

_spec = importlib.util.spec_from_file_location("kubenb_notebooks_build", NOTEBOOKS / "build.py")
assert _spec and _spec.loader
build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build)
