"""`kubectl describe` of kinds without a describer of their own (custom resources, CRDs).

kubectl's genericDescriber: Name, Namespace, Labels, Annotations, then every other field of
the object in key order (printUnstructuredContent) with kubectl's smart labels
(`cronSpec` → `Cron Spec`, `apiVersion` → `API Version`), maps nested a level deeper, list
items one after another, scalars as Go's %v prints them; then the Events.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kubenb.api.crd_schema import go_number
from kubenb.cli.kubectl.describe.common import annotations_multiline, labels_multiline
from kubenb.cli.kubectl.describe.events import write_events_if_shown
from kubenb.cli.kubectl.describe.writer import DEFAULT_KUBECTL_MINOR, DescribeWriter, meta

_SKIP = (".metadata.name", ".metadata.namespace", ".metadata.labels", ".metadata.annotations")
_ACRONYMS = ("API", "URL", "UID", "OSB", "GUID")


def _char_class(ch: str) -> int:
    if ch.islower():
        return 1
    if ch.isupper():
        return 2
    if ch.isdigit():
        return 3
    return 4


def camel_split(word: str) -> list[str]:
    """fatih/camelcase Split: runs of one character class, an upper letter before a lower
    run joining that run (`HTMLParser` → `HTML`, `Parser`)."""
    runs: list[list[str]] = []
    last = 0
    for ch in word:
        cls = _char_class(ch)
        if runs and cls == last:
            runs[-1].append(ch)
        else:
            runs.append([ch])
        last = cls
    for i in range(len(runs) - 1):
        if runs[i][0].isupper() and runs[i + 1][0].islower():
            runs[i + 1].insert(0, runs[i].pop())
    return ["".join(r) for r in runs if r]


def smart_label(field: str) -> str:
    if any(not (ch.isalpha() or ch == "-") for ch in field):
        return field
    parts = []
    for part in camel_split(field):
        if part == "_":
            continue
        parts.append(part.upper() if part.upper() in _ACRONYMS else part[:1].upper() + part[1:])
    return " ".join(parts)


def _scalar(value: Any) -> str:
    if value is None:
        return "<nil>"
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**63:
        return str(int(value))
    return go_number(value) if isinstance(value, (bool, float)) else str(value)


def write_content(w: DescribeWriter, level: int, content: dict[str, Any], prefix: str) -> None:
    for field in sorted(content):
        value = content[field]
        at = f"{prefix}.{field}"
        if at in _SKIP:
            continue
        if isinstance(value, dict):
            w.write(level, f"{smart_label(field)}:\n")
            write_content(w, level + 1, value, at)
        elif isinstance(value, list):
            w.write(level, f"{smart_label(field)}:\n")
            for child in value:
                if isinstance(child, dict):
                    write_content(w, level + 1, child, at)
                else:
                    w.write(level + 1, f"{_scalar(child)}\n")
        else:
            w.write(level, f"{smart_label(field)}:\t{_scalar(value)}\n")


def describe_generic(obj: dict[str, Any], events: list[dict[str, Any]] | None, now: datetime, *,
                     kubectl_minor: int = DEFAULT_KUBECTL_MINOR) -> str:
    m = meta(obj)
    w = DescribeWriter()
    w.write(0, f"Name:\t{m.get('name', '')}\n")
    w.write(0, f"Namespace:\t{m.get('namespace', '')}\n")
    labels_multiline(w, "Labels", m.get("labels"))
    annotations_multiline(w, "Annotations", m.get("annotations"))
    content = dict(obj)
    content["metadata"] = {k: v for k, v in m.items() if k != "managedFields"}
    write_content(w, 0, content, "")
    write_events_if_shown(w, events, now, kubectl_minor)
    return w.render()
