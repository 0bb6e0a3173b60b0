"""`kubectl get -o custom-columns=…` and `-o custom-columns-file=…` over Kubernetes JSON.

A spec is `HEADER:jsonpath,…` (each path relaxed: `.a.b`, `a.b`, `{.a.b}`); a file is a line
of headers and a line of paths, whitespace-separated. Each object (List items expanded) becomes
one row: a column's values are printed with Go's `%v` and joined by `,`, `<none>` when the path
finds nothing. Rows are aligned by kubectl's get tabwriter (minwidth 6, padding 3) from
`printers.tabwriter`. Errors (`TemplateError`) use kubectl's words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from kubenb.cli.kubectl.printers.tabwriter import get_tabbed

from .errors import TemplateError
from .govalues import sprint
from .jsonpath import compile_template, find_results, relaxed
from .jsonpath_parse import JSONPathError

_FILE_HINT = ("Expected format is one line of space separated headers, one line of space "
              "separated column specs.")


@dataclass(frozen=True)
class Column:
    header: str
    field_spec: str  # a complete JSONPath template, e.g. `{.metadata.name}`


def parse_spec(spec: str) -> list[Column]:
    """Columns from `-o custom-columns=SPEC` (kubectl's NewCustomColumnsPrinterFromSpec)."""
    if not spec:
        raise TemplateError("custom-columns format specified but no custom columns given")
    columns = []
    for part in spec.split(","):
        header, sep, path = part.partition(":")
        if not sep:
            raise TemplateError(f"unexpected custom-columns spec: {part}, "
                                "expected <header>:<json-path-expr>")
        columns.append(Column(header, relaxed(path)))
    return columns


def parse_file(text: str) -> list[Column]:
    """Columns from a custom-columns file: a header line and a spec line."""
    lines = text.splitlines()
    if not lines:
        raise TemplateError(f"invalid template, missing header line. {_FILE_HINT}")
    if len(lines) < 2:
        raise TemplateError(f"invalid template, missing spec line. {_FILE_HINT}")
    headers, specs = lines[0].split(), lines[1].split()
    if len(headers) != len(specs):
        raise TemplateError(f"number of headers ({len(headers)}) and field specifications "
                            f"({len(specs)}) don't match")
    return [Column(h, relaxed(s)) for h, s in zip(headers, specs, strict=True)]


def escape_terminal(text: str) -> str:
    """cli-runtime's EscapeTerminal: ESC and CR made visible."""
    return text.replace("\x1b", "^[").replace("\r", "\\r")


def _expand(objects: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for obj in objects:
        items = obj.get("items")
        if isinstance(items, list) and str(obj.get("kind", "")).endswith("List"):
            out.extend(items)
        else:
            out.append(obj)
    return out


def render(columns: Sequence[Column], objects: Sequence[dict[str, Any]],
           no_headers: bool = False) -> str:
    """The aligned table for `objects` (List objects contribute their items)."""
    try:
        parsers = [compile_template(c.field_spec) for c in columns]
    except JSONPathError as err:
        raise TemplateError(str(err)) from None
    lines = []
    if not no_headers:
        lines.append("\t".join(c.header for c in columns) + "\n")
    for obj in _expand(objects):
        cells = []
        for parser in parsers:
            try:
                results = find_results(parser, obj, allow_missing=True)
            except JSONPathError as err:
                raise TemplateError(str(err)) from None
            texts = [] if results and results[0] else ["<none>"]
            texts += [escape_terminal(sprint(v)) for r in results for v in r]
            cells.append(",".join(texts))
        lines.append("\t".join(cells) + "\n")
    return get_tabbed("".join(lines))


def custom_columns(spec: str, objects: Sequence[dict[str, Any]], *,
                   no_headers: bool = False) -> str:
    """What `kubectl get -o custom-columns=SPEC [--no-headers]` prints for `objects`."""
    return render(parse_spec(spec), objects, no_headers)


def custom_columns_file(text: str, objects: Sequence[dict[str, Any]]) -> str:
    """What `kubectl get -o custom-columns-file=F` prints (`text` is the file's content;
    kubectl always prints the headers in this form)."""
    return render(parse_file(text), objects, False)
