"""The describe text builder: kubectl's `PrefixWriter` feeding a Go tabwriter.

Describers call `w.write(level, text)` exactly where kubectl calls `w.Write(LEVEL_n, ...)`:
the level's indent (two spaces per level) goes in front of the text of that one call, not
in front of every line it contains, which matters for a few multi-line writes. `flush()`
marks the point where kubectl flushes its tabwriter (before a non-empty Events table), so
the text before and after is aligned separately. `render()` escapes terminal control
characters as cli-runtime's `WriteEscaped` does and lays each part out with
`describe_tabbed` (minwidth 0, tabwidth 8, padding 2).

Also here: the small value formatters every describer shares (RFC1123Z times, Go bools,
canonical quantities). Fed into every module of this package.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from kubenb.api.quantity import canonical_quantity
from kubenb.api.tables.duration import parse_time
from kubenb.cli.kubectl.printers.tabwriter import describe_tabbed

#: The kubectl minor version whose describe output we reproduce by default.
DEFAULT_KUBECTL_MINOR = 35

_GO_ZERO_TIME = "Mon, 01 Jan 0001 00:00:00 +0000"


class DescribeWriter:
    """Collects describe text the way kubectl's PrefixWriter writes it."""

    def __init__(self) -> None:
        self._parts: list[list[str]] = [[]]
        self._indent = 0

    def nested(self, indent: int) -> DescribeWriter:
        """kubectl `NewNestedPrefixWriter`: the same output, every level shifted by `indent`."""
        view = DescribeWriter.__new__(DescribeWriter)
        view._parts = self._parts
        view._indent = self._indent + indent
        return view

    def write(self, level: int, text: str) -> None:
        """Write `text` with `level` indentation in front (kubectl `Write(level, ...)`)."""
        self._parts[-1].append("  " * (level + self._indent) + text)

    def line(self, text: str) -> None:
        """kubectl `WriteLine`: the text and a newline (indented only in a nested writer)."""
        self._parts[-1].append("  " * self._indent + text + "\n")

    def flush(self) -> None:
        """Lay out what came before separately from what comes after (tabwriter Flush)."""
        if self._parts[-1]:
            self._parts.append([])

    def render(self) -> str:
        """The laid-out text."""
        return "".join(describe_tabbed(escape_terminal("".join(p))) for p in self._parts if p)


def escape_terminal(text: str) -> str:
    """cli-runtime `EscapeTerminal`: ESC becomes `^[`, CR becomes a literal `\\r`."""
    return text.replace("\x1b", "^[").replace("\r", "\\r")


def rfc1123z(timestamp: str | None) -> str:
    """Go `time.RFC1123Z` of an API timestamp, in UTC (`Mon, 06 Jan 2025 10:00:00 +0000`).

    A missing timestamp is Go's zero time, which kubectl prints as such.
    """
    when = parse_time(timestamp)
    if when is None:
        return _GO_ZERO_TIME
    when = when.astimezone(timezone.utc)
    return format_rfc1123z(when)


def format_rfc1123z(when: datetime) -> str:
    """Format a datetime as RFC1123Z in its own offset (English day and month names)."""
    days = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    months = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    offset = when.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "+" if minutes >= 0 else "-"
    minutes = abs(minutes)
    return (
        f"{days[when.weekday()]}, {when.day:02d} {months[when.month - 1]} {when.year:04d} "
        f"{when.hour:02d}:{when.minute:02d}:{when.second:02d} {sign}{minutes // 60:02d}{minutes % 60:02d}"
    )


def go_bool(value: Any) -> str:
    """Go `%v` of a bool: `true` / `false`."""
    return "true" if value else "false"


def title_bool(value: Any) -> str:
    """kubectl `printBool`: `True` / `False`."""
    return "True" if value else "False"


def quantity_text(value: Any) -> str:
    """`Quantity.String()` of an API quantity (its canonical text)."""
    try:
        return canonical_quantity(value)
    except (ValueError, TypeError):
        return str(value)


def int_or_string(value: Any) -> str:
    """`IntOrString.String()`: the number or the string as written."""
    if value is None:
        return ""
    return str(value)


def meta(obj: dict[str, Any]) -> dict[str, Any]:
    """`obj["metadata"]`, or an empty dict."""
    return obj.get("metadata") or {}


def resource_names(resources: dict[str, Any] | None) -> list[str]:
    """Resource names in kubectl's `SortedResourceNames` order (plain string order)."""
    return sorted(resources or {})
