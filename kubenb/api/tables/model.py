"""The server-side Table model (meta.k8s.io/v1 Table) and the label/selector formatters.

`columns.table()` builds these from Kubernetes JSON; `render.py` decorates and lays them
out as kubectl does; the HTTP API can serve them as `as=Table` via `Table.to_json()`.
Cells are strings exactly as the server computes them; columns whose server value is an
integer are marked `json_int` so the wire form can carry numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Column:
    """A TableColumnDefinition. `name` is the server's spelling (`Cluster-IP`)."""

    name: str
    type: str = "string"
    priority: int = 0
    format: str = ""
    json_int: bool = False  # the server puts an integer (not a string) in this cell
    description: str = ""

    @property
    def header(self) -> str:
        return self.name.upper()


class Cell(str):
    """A cell whose wire value is not its text: a custom resource's null, integer, number
    or boolean printer column (printed as its text, served as `value`)."""

    value: Any

    def __new__(cls, text: str, value: Any) -> Cell:
        cell = super().__new__(cls, text)
        cell.value = value
        return cell


@dataclass
class Row:
    cells: list[str]
    object: dict[str, Any]


@dataclass
class Table:
    """One kind's table. `kind`/`group` give the `kind.group/` prefix used by `get all`."""

    kind: str
    group: str
    namespaced: bool
    columns: list[Column]
    rows: list[Row] = field(default_factory=list)

    @property
    def qualified_kind(self) -> str:
        k = self.kind.lower()
        return f"{k}.{self.group}" if self.group else k

    def to_json(self, include_object: str = "Metadata") -> dict[str, Any]:
        """The `meta.k8s.io/v1` Table body; include_object is `None`, `Metadata` or `Object`."""
        rows = []
        for row in self.rows:
            cells: list[Any] = [
                c.value if isinstance(c, Cell) else
                int(c) if col.json_int and c.lstrip("-").isdigit() else str(c)
                for col, c in zip(self.columns, row.cells, strict=True)
            ]
            out: dict[str, Any] = {"cells": cells}
            if include_object == "Object":
                out["object"] = row.object
            elif include_object == "Metadata":
                out["object"] = {
                    "kind": "PartialObjectMetadata",
                    "apiVersion": "meta.k8s.io/v1",
                    "metadata": row.object.get("metadata", {}),
                }
            rows.append(out)
        return {
            "kind": "Table",
            "apiVersion": "meta.k8s.io/v1",
            "metadata": {},
            "columnDefinitions": [
                {"name": c.name, "type": c.type, "format": c.format, "description": c.description,
                 "priority": c.priority}
                for c in self.columns
            ],
            "rows": rows,
        }


def format_labels(labels: dict[str, str] | None) -> str:
    """apimachinery `labels.FormatLabels`: `k=v` sorted by key, `<none>` when empty."""
    if not labels:
        return "<none>"
    return ",".join(f"{k}={labels[k]}" for k in sorted(labels))


def selector_string(selector: dict[str, Any] | None) -> str:
    """`LabelSelectorAsSelector(sel).String()`: requirements sorted by key; `""` if empty."""
    if not selector:
        return ""
    reqs: list[tuple[str, str]] = []
    for k, v in (selector.get("matchLabels") or {}).items():
        reqs.append((k, f"{k}={v}"))
    for expr in selector.get("matchExpressions") or []:
        key, op = expr.get("key", ""), expr.get("operator", "")
        values = sorted(expr.get("values") or [])
        if op == "In":
            reqs.append((key, f"{key} in ({','.join(values)})"))
        elif op == "NotIn":
            reqs.append((key, f"{key} notin ({','.join(values)})"))
        elif op == "Exists":
            reqs.append((key, key))
        elif op == "DoesNotExist":
            reqs.append((key, f"!{key}"))
        else:
            return "<error>"
    reqs.sort(key=lambda r: r[0])
    return ",".join(text for _, text in reqs)


def format_label_selector(selector: dict[str, Any] | None) -> str:
    """`metav1.FormatLabelSelector`: like `selector_string`, but `<none>` when empty."""
    text = selector_string(selector)
    return text or "<none>"


def container_cells(pod_spec: dict[str, Any] | None) -> tuple[str, str]:
    """`layoutContainerCells`: container names and images, each joined with `,`."""
    containers = (pod_spec or {}).get("containers") or []
    return (",".join(c.get("name", "") for c in containers),
            ",".join(c.get("image", "") for c in containers))
