"""Build the tutorial notebooks from their cell lists and run them, storing the real outputs.

Usage (from the repository root, in the project's venv)::

    python notebooks/build.py                 # every notebook, both languages
    python notebooks/build.py 05 self-healing # only modules whose file name contains a word
    python notebooks/build.py --lang zh       # one language
    python notebooks/build.py --list          # what would be built, and the optional parts found

The cell lists live in notebooks/lessons/ (one file per module, prose in English and Chinese side
by side). Each module becomes notebooks/<lang>/<slug>.ipynb, run top to bottom in a fresh
kernel whose working directory is the notebook's own; notebooks/<lang>/index.ipynb links them,
and notebooks/index.ipynb (what `make tutorial` opens) links both languages' indexes.
The stored outputs are exactly what that run printed; nothing is edited by hand. To check that
a fresh run still prints them (what CI does)::

    pytest -p no:cacheprovider --nbval --nbval-sanitize-with notebooks/sanitize.cfg notebooks

A cell that needs an optional part of kubenb (the ClusterView widget) is left out
when the part is missing, and the notebook's metadata records which parts it was built with.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import nbformat
from nbclient import NotebookClient

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from lessons import MODULES, index_cells, landing_cells  # noqa: E402
from lessons.cells import LANGS, Cell, Module  # noqa: E402

KERNEL = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


def _has_show() -> bool:
    import kubenb

    return hasattr(kubenb, "show")


FEATURES: dict[str, Callable[[], bool]] = {
    "widget": _has_show,
}


def available_features() -> set[str]:
    return {name for name, probe in FEATURES.items() if _safe(probe)}


def _safe(probe: Callable[[], bool]) -> bool:
    try:
        return bool(probe())
    except Exception:  # a half-installed optional part counts as missing
        return False


def selected(cells: list[Cell], features: set[str]) -> list[Cell]:
    """The cells a notebook built with these optional parts contains."""
    return [c for c in cells
            if (c.needs is None or c.needs in features) and (c.unless is None or c.unless not in features)]


def render(module: Module, lang: str, features: set[str]) -> nbformat.NotebookNode:
    """The notebook for one module and language, not yet run."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = dict(KERNEL)
    nb.metadata["language_info"] = {"name": "python"}
    nb.metadata["kubenb"] = {"module": module.slug, "lang": lang,
                             "features": sorted(f for f in features if _used(module, f))}
    for cell in selected(module.cells, features):
        text = cell.source(lang)
        if cell.kind == "markdown":
            nb.cells.append(nbformat.v4.new_markdown_cell(text))
        else:
            new = nbformat.v4.new_code_cell(text)
            if cell.tags:
                new.metadata["tags"] = list(cell.tags)
            nb.cells.append(new)
    return nb


def _used(module: Module, feature: str) -> bool:
    return any(feature in (c.needs, c.unless) for c in module.cells)


def render_index(lang: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = dict(KERNEL)
    nb.metadata["language_info"] = {"name": "python"}
    nb.metadata["kubenb"] = {"module": "index", "lang": lang, "features": []}
    for cell in index_cells(lang):
        nb.cells.append(nbformat.v4.new_markdown_cell(cell))
    return nb


def render_landing() -> nbformat.NotebookNode:
    """notebooks/index.ipynb: what `make tutorial` opens; links both languages' indexes."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = dict(KERNEL)
    nb.metadata["language_info"] = {"name": "python"}
    nb.metadata["kubenb"] = {"module": "landing", "lang": "*", "features": []}
    for cell in landing_cells():
        nb.cells.append(nbformat.v4.new_markdown_cell(cell))
    return nb


def run(nb: nbformat.NotebookNode, cwd: Path, timeout: int = 300) -> None:
    # No saved widget state: with it, nbconvert (and nbviewer) would draw the widget through
    # a script they cannot load instead of the output's PNG/HTML picture; JupyterLab draws
    # the output's snapshot (this package's renderer) until the kernel runs again.
    NotebookClient(nb, timeout=timeout, kernel_name=KERNEL["name"], store_widget_state=False,
                   resources={"metadata": {"path": str(cwd)}}).execute()


def stderr_cells(nb: nbformat.NotebookNode) -> list[tuple[int, str]]:
    """(cell index, first stderr line) for every cell that wrote to stderr: review them."""
    found = []
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                found.append((i, out["text"].strip().splitlines()[0] if out["text"].strip() else ""))
                break
    return found


# Another cluster on the same machine (a second kernel, a test run) holding the addresses of
# the profile "minikube": the run says so on stderr, and its outputs are not the lesson's
# (another subnet's addresses, or none at all).
BUSY = ("Address already in use", "runs a cluster with the state directory")
SUBNET = 49  # the loopback subnet of the lessons' profile (127.49.x, minikube's 192.168.49.x)


# Loopback addresses of another subnet than the lessons' (127.49.x nodes and pods, 127.50.x
# Services; 127.0.0.1 is every machine's): the kernel found 127.49 taken and chose another.
_FOREIGN = re.compile(r"\b127\.(?!(?:0|49|50)\.)\d{1,3}\.\d{1,3}\.\d{1,3}\b")


def foreign_addresses(nb: nbformat.NotebookNode) -> bool:
    """Whether an output shows addresses of another subnet than the lessons' one."""
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            text = out.get("text", "") + "".join(
                v for k, v in (out.get("data") or {}).items() if k.startswith("text/"))
            if _FOREIGN.search(text):
                return True
    return False


def wait_for_addresses(timeout: float = 3600.0) -> None:
    """Block until no other live process on this machine holds the lessons' subnet: wait for
    each holder to end (another kernel running a notebook, a test run)."""
    import psutil

    from kubenb.net import claims

    deadline = time.monotonic() + timeout
    while (pid := claims.holder(SUBNET)) is not None:
        print(f"waiting for pid {pid}, another kubenb cluster on 127.{SUBNET}.x, to end",
              file=sys.stderr)
        try:
            psutil.Process(pid).wait(timeout=max(1.0, deadline - time.monotonic()))
        except psutil.NoSuchProcess:
            pass
        except psutil.TimeoutExpired:
            raise RuntimeError(f"pid {pid} still holds 127.{SUBNET}.x: stop it and rebuild") from None


def build_one(module: Module, lang: str, features: set[str],
              attempts: int = 10) -> tuple[Path, float, list[tuple[int, str]]]:
    target = HERE / lang / f"{module.slug}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    for attempt in range(1, attempts + 1):
        wait_for_addresses()
        nb = render(module, lang, features)
        started = time.monotonic()
        run(nb, target.parent)
        took = time.monotonic() - started
        errs = stderr_cells(nb)
        if not any(b in line for _, line in errs for b in BUSY) and not foreign_addresses(nb):
            break
        print(f"{lang}/{module.slug}: another cluster on this machine holds our addresses "
              f"(attempt {attempt} of {attempts})", file=sys.stderr)
    else:
        raise RuntimeError("another cluster holds our addresses: stop the other kubenb clusters "
                           "on this machine and rebuild")
    nbformat.write(nb, target)
    return target, took, errs


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("only", nargs="*", help="build modules whose slug contains one of these words")
    ap.add_argument("--lang", choices=LANGS, action="append", help="default: both")
    ap.add_argument("--list", action="store_true", help="list what would be built and exit")
    args = ap.parse_args(argv)

    langs = args.lang or list(LANGS)
    modules = [m for m in MODULES if not args.only or any(w in m.slug for w in args.only)]
    features = available_features()
    missing = sorted(set(FEATURES) - features)
    print(f"optional parts found: {sorted(features) or 'none'}; missing: {missing or 'none'}",
          file=sys.stderr)
    if args.list:
        for lang in langs:
            for m in modules:
                print(f"{lang}/{m.slug}.ipynb")
        return 0

    nbformat.write(render_landing(), HERE / "index.ipynb")
    for lang in langs:
        (HERE / lang).mkdir(exist_ok=True)
        nbformat.write(render_index(lang), HERE / lang / "index.ipynb")
    # The kernels get their own kubeconfig and minikube home: the build never touches yours.
    scratch = tempfile.mkdtemp(prefix="kubenb-notebooks-")
    os.environ["KUBECONFIG"] = os.path.join(scratch, "kubeconfig")
    os.environ["MINIKUBE_HOME"] = os.path.join(scratch, "minikube")
    # Pod files of their own too: another kernel running the profile minikube (a test run)
    # shares no state directory with them, only the machine's loopback subnets (claims).
    os.environ["KUBENB_STATE_HOME"] = os.path.join(scratch, "state")
    # One kernel at a time: every lesson's cluster is the profile "minikube", whose kubeconfig
    # context and loopback addresses a second kernel would share.
    failed = 0
    for lang in langs:
        for m in modules:
            try:
                path, took, errs = build_one(m, lang, features)
            except Exception as exc:  # report and go on with the others
                failed += 1
                print(f"FAILED {lang}/{m.slug}: {type(exc).__name__}: {str(exc)[-3000:]}", file=sys.stderr)
                continue
            print(f"{path.relative_to(HERE.parent)}  {took:5.1f}s", file=sys.stderr)
            for i, line in errs:
                print(f"    cell {i} wrote to stderr: {line}", file=sys.stderr)
    shutil.rmtree(scratch, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
