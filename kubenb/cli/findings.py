"""What an exercise's expectations say: facts in both lessons' languages.

An expectation reads the cluster through a client (`get`, `list`, as `%kubectl` does) and
returns findings: `(ok, {"en": ..., "zh": ...})`, one per fact it checks, with the value found
and, when wrong, the value wanted. `kubenb.check` prints them; the `expect_*` modules define
them, one module per topic of the course.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

LANGS = ("en", "zh")
Text = dict[str, str]
Finding = tuple[bool, Text]
Expectation = Callable[[Any], list[Finding]]


def t(en: str, zh: str) -> Text:
    """One sentence in both languages."""
    return {"en": en, "zh": zh}


def plural(n: int) -> str:
    """English plural ending for a count."""
    return "" if n == 1 else "s"
