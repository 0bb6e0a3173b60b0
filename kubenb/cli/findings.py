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


def find(client: Any, kind: str, namespace: str | None, name: str) -> dict[str, Any] | None:
    """The object, or None when it does not exist."""
    from kubenb.api.errors import NotFound

    try:
        return client.get(kind, namespace, name)
    except NotFound:
        return None


def missing(kind: str, name: str, namespace: str) -> Finding:
    """`deployment/web does not exist in namespace default`, in both languages."""
    return (False, t(f"{kind.lower()}/{name} does not exist in namespace {namespace}",
                     f"命名空间 {namespace} 中没有 {kind} {name}"))
