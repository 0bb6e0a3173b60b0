"""Turn server-side Tables into `kubectl get` text: decoration, header rules and layout.

The client half of `kubectl get` (cli-runtime tableprinter.go + kubectl get.go): add the
NAMESPACE column for `-A`, `-L` label columns and LABELS, the `kind/` prefix when several
types are printed, hide priority-1 columns unless `-o wide`, then align with the get
tabwriter. `WatchPrinter` keeps its widths across `-w` events. Callers write the returned
text to stdout and `no_resources_message()` to stderr.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kubenb.api.tables.model import Table, format_labels

from .tabwriter import TableWriter

_CELL_BREAKS = "\f\n\r"
_EVENT_TYPES = {"ADDED": "ADDED   ", "MODIFIED": "MODIFIED", "DELETED": "DELETED ", "ERROR": "ERROR   "}


@dataclass(frozen=True)
class Options:
    wide: bool = False
    no_headers: bool = False
    show_kind: bool = False
    with_namespace: bool = False
    show_labels: bool = False
    label_columns: tuple[str, ...] = ()


def _cell(value: str) -> str:
    """Cut a cell at its first line break, as kubectl's table printer does."""
    if "\n" not in value and "\r" not in value and "\f" not in value:
        return value
    for i, ch in enumerate(value):
        if ch in _CELL_BREAKS:
            return value[:i] + "..."
    return value


def label_headers(label_columns: Iterable[str]) -> list[str]:
    """`-L app.kubernetes.io/name` → `NAME`: the part after the last `/`, upper-cased."""
    return [key.split("/")[-1].upper() for key in label_columns]


def decorate(
    table: Table, opts: Options, with_namespace: bool, event_type: str | None = None
) -> tuple[list[str], list[list[str]]]:
    """Headers and cell rows after decoration and the wide filter (no layout yet)."""
    name_col = -1
    if opts.show_kind:
        for i, col in enumerate(table.columns):
            if col.format == "name" and col.type == "string":
                name_col = i
                break
    shown = [i for i, c in enumerate(table.columns) if opts.wide or c.priority == 0]
    headers = [table.columns[i].header for i in shown]
    headers += label_headers(opts.label_columns)
    if opts.show_labels:
        headers.append("LABELS")
    if with_namespace:
        headers.insert(0, "NAMESPACE")
    if event_type is not None:
        headers.insert(0, "EVENT")
    rows = []
    for row in table.rows:
        cells = list(row.cells)
        if name_col >= 0:
            cells[name_col] = f"{table.qualified_kind}/{cells[name_col]}"
        out = [_cell(cells[i]) for i in shown if i < len(cells)]
        meta = row.object.get("metadata") or {}
        labels = meta.get("labels") or {}
        out += [labels.get(key, "") for key in opts.label_columns]
        if opts.show_labels:
            out.append(format_labels(labels))
        if with_namespace:
            out.insert(0, meta.get("namespace", ""))
        if event_type is not None:
            out.insert(0, _EVENT_TYPES.get(event_type, event_type))
        rows.append(out)
    return headers, rows


def _lines(headers: list[str] | None, rows: list[list[str]]) -> str:
    text = "\t".join(headers) + "\n" if headers is not None else ""
    return text + "".join("\t".join(r) + "\n" for r in rows)


def render_tables(
    groups: Sequence[Table],
    *,
    wide: bool = False,
    no_headers: bool = False,
    show_kind: bool = False,
    with_namespace: bool = False,
    show_labels: bool = False,
    label_columns: Sequence[str] = (),
) -> str:
    """Render Tables as one `kubectl get` call prints them (stdout text, maybe empty).

    Consecutive tables of the same kind share a header and column widths; a new kind gets
    its own header and widths, preceded by one blank line if something was printed before
    (and headers are on). Tables without rows print nothing. `with_namespace` (from `-A`)
    only adds NAMESPACE to namespaced kinds.
    """
    opts = Options(wide, no_headers, show_kind, with_namespace, show_labels, tuple(label_columns))
    writer = TableWriter()
    out: list[str] = []
    separator_ready = False  # get.go's separatorWriterWrapper: one blank line before new output
    pending = ""  # the current kind's unflushed lines
    last_kind: tuple[str, str] | None = None
    printed_headers = False
    last_columns = None

    def flush() -> None:
        nonlocal pending, separator_ready
        if pending:
            if separator_ready:
                out.append("\n")
                separator_ready = False
            out.append(writer.write(pending))
            pending = ""

    for table in groups:
        kind = (table.group, table.kind)
        if kind != last_kind:
            flush()
            writer.reset()
            if last_kind is not None and not no_headers and out:
                separator_ready = True
            last_kind, printed_headers, last_columns = kind, False, None
        if table.columns != last_columns:
            last_columns, printed_headers = table.columns, False
        headers, rows = decorate(table, opts, with_namespace and table.namespaced)
        if not rows:
            continue
        show_header = not (no_headers or printed_headers)
        printed_headers = True
        pending += _lines(headers if show_header else None, rows)
    flush()
    return "".join(out)


def multiple_kinds(groups: Sequence[Table]) -> bool:
    """`multipleGVKsRequested`: True when the tables are of more than one kind."""
    return len({(t.group, t.kind) for t in groups}) > 1


def no_resources_message(namespace: str | None) -> str:
    """What `kubectl get` writes to stderr when it printed nothing.

    Pass the request namespace when every requested kind is namespaced and `-A` is off;
    pass None for `-A` or when a cluster-scoped kind was requested.
    """
    if namespace is not None:
        return f"No resources found in {namespace} namespace.\n"
    return "No resources found\n"


class WatchPrinter:
    """`kubectl get -w`: the first table, then one row per watch event, widths remembered.

    Headers print once (again only if the column set changes or nothing was printed yet).
    With `output_watch_events` an EVENT column comes first (`ADDED   `, `MODIFIED`, …).
    As in kubectl, `with_namespace` adds NAMESPACE whatever the kind's scope.
    """

    def __init__(
        self,
        *,
        wide: bool = False,
        no_headers: bool = False,
        with_namespace: bool = False,
        show_labels: bool = False,
        label_columns: Sequence[str] = (),
        output_watch_events: bool = False,
    ) -> None:
        self._opts = Options(wide, no_headers, False, with_namespace, show_labels,
                             tuple(label_columns))
        self._events = output_watch_events
        self._writer = TableWriter()
        self._printed_headers = False
        self._last_columns = None

    def _print(self, table: Table, event_type: str) -> str:
        if table.columns != self._last_columns:
            self._last_columns, self._printed_headers = table.columns, False
        no_headers = self._opts.no_headers or self._printed_headers
        if table.rows:
            self._printed_headers = True
        headers, rows = decorate(table, self._opts, self._opts.with_namespace,
                                 event_type if self._events else None)
        if not rows:
            return ""
        return self._writer.write(_lines(None if no_headers else headers, rows))

    def initial(self, table: Table) -> str:
        """The current list, printed before the watch starts (rows count as ADDED)."""
        return self._print(table, "ADDED")

    def event(self, event_type: str, table: Table) -> str:
        """One watch event (`ADDED`/`MODIFIED`/`DELETED`) carrying a one-row table."""
        return self._print(table, event_type)
