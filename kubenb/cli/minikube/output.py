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
    "eyes": ("🙄  ", "* "), "celebrate": ("🎉  ", "* "), "fatal": ("💣  ", "X "),
    "documentation": ("📘  ", "* "), "conflict": ("💢  ", "! "), "docker": ("🐳  ", "* "),
}


def in_style_from_env() -> bool:
    """minikube's MINIKUBE_IN_STYLE switch (kubenb defaults to emoji: notebooks render them)."""
    return os.environ.get("MINIKUBE_IN_STYLE", "true").lower() not in ("false", "0", "no")


class MinikubeExit(Exception):
    """A fatal minikube error: `❌  Exiting due to <reason>: <message>`, exit `code`."""

    def __init__(self, reason: str, message: str, code: int, advice: str = "",
                 style: str = "failure", url: str = "") -> None:
        super().__init__(message)
        self.reason, self.message, self.code = reason, message, code
        self.advice, self.style, self.url = advice, style, url


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
        if exc.url:
            self.err_step("documentation", f"Documentation: {exc.url}")
        self.line()
        return exc.code


_NUMBER = re.compile(r"^-?(?:\d{1,3}(?:,\d{3})*|\d+)(?:\.\d+)?$")


def width(text: str) -> int:
    """Terminal cells a string takes (wide emoji and CJK count two), as go-runewidth."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """tablewriter's default ASCII table; a cell with newlines spans several lines."""
    cols = len(headers)
    split = [[c.split("\n") for c in r] for r in rows]
    widths = [max([width(headers[i])] + [width(line) for r in split for line in r[i]])
              for i in range(cols)]
    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|\n"

    def centre(text: str, w: int) -> str:
        gap = w - width(text)
        return " " * (gap // 2) + text + " " * (gap - gap // 2)

    def cell(text: str, w: int) -> str:
        pad = " " * (w - width(text))
        return pad + text if _NUMBER.match(text) else text + pad

    head = "|" + "|".join(f" {centre(h, w)} " for h, w in zip(headers, widths, strict=True)) + "|\n"
    body = []
    for r in split:
        for n in range(max(len(c) for c in r)):
            lines = [c[n] if n < len(c) else "" for c in r]
            body.append("|" + "|".join(f" {cell(t, w)} " for t, w in zip(lines, widths, strict=True))
                        + "|\n")
    return rule + head + rule + "".join(body) + rule
