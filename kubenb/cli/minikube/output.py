"""How minikube talks: styled step lines, exit errors, and its ASCII tables.

Every line is `<emoji><two spaces><text>` (sub-steps `    ▪ text`) when minikube is "in
style", or the low-fi prefixes (`* `, `  - `, `! `, `X `) with `MINIKUBE_IN_STYLE=false`.
Fatal errors print a blank line, `❌  Exiting due to <ID>: <message>` on stderr, a blank
line, and give the reason's exit code. Tables are olekukonko/tablewriter's default look
(`|---|` borders, centred headers, numbers right-aligned). Only `commands.py` uses this.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TextIO

# name -> (emoji prefix, low-fi prefix)
STYLES: dict[str, tuple[str, str]] = {
    "happy": ("😄  ", "* "), "sparkle": ("✨  ", "* "), "thumbs_up": ("👍  ", "* "),
    "creating": ("🔥  ", "* "), "preparing": ("📦  ", "* "), "option": ("    ▪ ", "  - "),
    "verifying": ("🔎  ", "* "), "addons": ("🌟  ", "* "), "done": ("🏄  ", "* "),
    "stopping": ("✋  ", "* "), "stopped": ("🛑  ", "* "), "deleting": ("🔥  ", "* "),
    "deleted": ("💀  ", "* "), "shrug": ("🤷  ", "* "), "pointer": ("👉  ", "* "),
    "failure": ("❌  ", "X "), "warning": ("❗  ", "! "), "tip": ("💡  ", "* "),
    "restarting": ("🔄  ", "* "), "running": ("🏃  ", "* "), "addon_disable": ("🌑  ", "* "),
    "success": ("✅  ", "* "), "caching": ("🤹  ", "* "), "sad": ("😿  ", "* "),
    "eyes": ("🙄  ", "* "), "celebrate": ("🎉  ", "* "),
}


def in_style_from_env() -> bool:
    """minikube's MINIKUBE_IN_STYLE switch (kubenb defaults to emoji: notebooks render them)."""
    return os.environ.get("MINIKUBE_IN_STYLE", "true").lower() not in ("false", "0", "no")


class MinikubeExit(Exception):
    """A fatal minikube error: `❌  Exiting due to <reason>: <message>`, exit `code`."""

    def __init__(self, reason: str, message: str, code: int, advice: str = "",
                 style: str = "failure") -> None:
        super().__init__(message)
        self.reason, self.message, self.code = reason, message, code
        self.advice, self.style = advice, style


@dataclass
class Out:
    out: TextIO
    err: TextIO
    in_style: bool = True

    def prefix(self, style: str) -> str:
        fancy, low = STYLES[style]
        return fancy if self.in_style else low

    def step(self, style: str, text: str) -> None:
        self.out.write(self.prefix(style) + text + "\n")

    def err_step(self, style: str, text: str) -> None:
        self.err.write(self.prefix(style) + text + "\n")

    def line(self, text: str = "") -> None:
        self.out.write(text + "\n")

    def fatal(self, exc: MinikubeExit) -> int:
        self.line()
        self.err_step(exc.style, f"Exiting due to {exc.reason}: {exc.message}")
        if exc.advice:
            self.err_step("tip", f"Suggestion: {exc.advice}")
        self.line()
        return exc.code


_NUMBER = re.compile(r"^-?(?:\d{1,3}(?:,\d{3})*|\d+)(?:\.\d+)?$")


def width(text: str) -> int:
    """Terminal cells a string takes (wide emoji and CJK count two), as go-runewidth."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """tablewriter's default ASCII table."""
    cols = len(headers)
    widths = [max([width(headers[i])] + [width(r[i]) for r in rows]) for i in range(cols)]
    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|\n"

    def centre(text: str, w: int) -> str:
        gap = w - width(text)
        return " " * (gap // 2) + text + " " * (gap - gap // 2)

    def cell(text: str, w: int) -> str:
        pad = " " * (w - width(text))
        return pad + text if _NUMBER.match(text) else text + pad

    head = "|" + "|".join(f" {centre(h, w)} " for h, w in zip(headers, widths, strict=True)) + "|\n"
    body = "".join("|" + "|".join(f" {cell(c, w)} " for c, w in zip(r, widths, strict=True)) + "|\n"
                   for r in rows)
    return rule + head + rule + body + rule
