"""IPython magics: `%kubectl`, `%%kubectl`, `%minikube` — thin wrappers around the CLIs.

A line is split like a shell line (kubenb.cli.shellwords: quotes kept, `$NAME` expanded from
the notebook, then the environment), run through the same kubectl / minikube entry points
the tests use, and its output written to the cell as it is produced. The magic returns the
printed text as a `str` that does not display itself, so `x = %kubectl …` captures it and a
bare `%kubectl …` shows it exactly once. Errors print kubectl's words on stderr — never a
traceback — unless strict mode is on (`%kubectl --strict …`, `kubenb.magics.settings.strict`,
or `KUBENB_STRICT=1`), where they raise `KubectlFailed` so CI notebooks fail loudly.
"""

from __future__ import annotations

import io
import os
import sys
from dataclasses import dataclass, field
from typing import Any, TextIO

from IPython.core.magic import Magics, line_cell_magic, line_magic, magics_class, no_var_expand

from kubenb.cli import shellwords


@dataclass
class Settings:
    strict: bool = field(default_factory=lambda: os.environ.get("KUBENB_STRICT", "") == "1")


settings = Settings()


class KubectlFailed(Exception):
    """Raised in strict mode when a command exits non-zero."""


class Output(str):
    """The text a command printed; displays as nothing (it was already shown)."""

    exit_code: int = 0

    def _ipython_display_(self) -> None:
        return None


class _Tee(io.TextIOBase):
    """Write to the cell as output happens, and keep a copy."""

    def __init__(self, target: TextIO) -> None:
        self.target = target
        self.buffer_ = io.StringIO()

    def write(self, s: str) -> int:
        self.target.write(s)
        self.buffer_.write(s)
        return len(s)

    def flush(self) -> None:
        self.target.flush()

    def getvalue(self) -> str:
        return self.buffer_.getvalue()


def _run(tool: str, argv: list[str], stdin: str | None = None) -> Output:
    from kubenb.cli import session

    out, err = _Tee(sys.stdout), _Tee(sys.stderr)
    strict = settings.strict
    if argv[:1] == ["--strict"]:
        strict, argv = True, argv[1:]
    try:
        if tool == "kubectl":
            code = session.kubectl(argv, out, err, stdin=stdin)
        else:
            code = session.minikube(argv, out, err)
    except KeyboardInterrupt:
        code = 130
    result = Output(out.getvalue())
    result.exit_code = code
    if code and strict:
        raise KubectlFailed(err.getvalue().strip() or f"{tool} exited with code {code}")
    return result


def _dashboard(argv: list[str]) -> Any:
    """`%minikube dashboard`: display the profile's ClusterView (kubenb.widgets.dashboard)."""
    from kubenb.widgets.dashboard import dashboard

    view, code = dashboard(argv, sys.stdout, sys.stderr)
    if code and settings.strict:
        raise KubectlFailed(f"minikube exited with code {code}")
    if view is not None:
        from IPython.display import display

        display(view)
    return None


@magics_class
class KubenbMagics(Magics):
    def _split(self, line: str) -> list[str]:
        ns = self.shell.user_ns if self.shell is not None else {}

        def lookup(name: str) -> str | None:
            if name in ns:
                return str(ns[name]).strip()
            return os.environ.get(name)

        return shellwords.split(line, lookup)

    def _words(self, line: str) -> list[str] | None:
        try:
            return self._split(line)
        except shellwords.ShellSyntaxError as err:
            sys.stderr.write(f"error: {err}\n")
            if settings.strict:
                raise KubectlFailed(str(err)) from None
            return None

    @no_var_expand
    @line_cell_magic
    def kubectl(self, line: str, cell: str | None = None) -> Output | None:
        """Run kubectl: `%kubectl get pods`; `%%kubectl apply -f -` reads the cell as YAML."""
        if cell is None:
            argv = self._words(line)
            return None if argv is None else _run("kubectl", argv)
        head = self._words(line)
        if head is None:
            return None
        if head and "-" in head and ("-f" in head or "--filename" in head):
            return _run("kubectl", head, stdin=cell)
        printed: list[str] = []
        code = 0
        for raw in cell.splitlines():
            text = raw.strip()
            if not text or text.startswith("#"):
                continue
            if text.startswith("kubectl "):
                text = text[len("kubectl "):]
            argv = self._words(text)
            if argv is None:
                return None
            result = _run("kubectl", head + argv)
            printed.append(result)
            code = code or result.exit_code
        out = Output("".join(printed))
        out.exit_code = code
        return out

    @no_var_expand
    @line_magic
    def minikube(self, line: str) -> Output | None:
        """Run minikube: `%minikube start --nodes=3`, `%minikube status`, …"""
        argv = self._words(line)
        if argv is not None and argv[:1] == ["dashboard"]:
            return _dashboard(argv[1:])
        return None if argv is None else _run("minikube", argv)


def load(ipython: Any) -> None:
    ipython.register_magics(KubenbMagics)
    from kubenb.cli import completion

    completion.install(ipython)
