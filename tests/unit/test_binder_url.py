"""tools/binder_url.py: the README's Binder link comes from the repository's GitHub remote."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[2]


def tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("binder_url", REPO / "tools" / "binder_url.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.parametrize("remote", ["https://github.com/acme/kubenb.git", "git@github.com:acme/kubenb.git",
                                    "https://github.com/acme/kubenb", "ssh://git@github.com/acme/kubenb.git\n"])
def test_github_remotes_give_the_landing_page_link(remote: str) -> None:
    assert tool().binder_url(remote) == (
        "https://mybinder.org/v2/gh/acme/kubenb/HEAD?urlpath=lab/tree/notebooks/index.ipynb")


def test_other_remotes_give_none() -> None:
    assert tool().binder_url("https://gitlab.com/acme/kubenb.git") is None


def test_a_checkout_without_the_remote_says_how_to_add_one(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    out = subprocess.run([sys.executable, str(REPO / "tools" / "binder_url.py")], cwd=tmp_path,
                         capture_output=True, text=True, check=False)
    assert (out.returncode, out.stdout) == (1, "")
    assert out.stderr == ("no git remote 'origin': push this repository to GitHub first "
                          "(git remote add origin https://github.com/OWNER/REPO.git)\n")


def test_the_readme_has_no_placeholder_link() -> None:
    text = (REPO / "README.md").read_text()
    assert "<owner>/<repo>" not in text and "make binder-url" in text
