"""The Table of a custom resource: NAME, then its CRD's additionalPrinterColumns.

As apiextensions' tableconvertor: each column's JSONPath is looked up in the object; a
`string` column prints what it finds, `integer`/`number`/`boolean` columns carry the JSON
value, a `date` column becomes an age; nothing found (or a value of the wrong type) is a
null cell, which kubectl prints as `<none>`. Feeds `columns.table()`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from kubenb.api.crd_registry import json_path
from kubenb.api.crd_schema import go_number
from kubenb.api.registry import ResourceType

from .duration import age
from .model import Cell, Column

RowFunc = Callable[[dict[str, Any], datetime], list[str]]


def _cell(kind: str, found: bool, value: Any, now: datetime) -> str:
    if not found or value is None:
        return Cell("<none>", None)
    if kind == "string":
        text = value if isinstance(value, str) else (
            go_number(value) if isinstance(value, (int, float)) else json.dumps(value, separators=(",", ":")))
        return text
    if kind == "integer" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return Cell(str(int(value)), int(value))
    if kind == "number" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return Cell(go_number(value), value)
    if kind == "boolean" and isinstance(value, bool):
        return Cell("true" if value else "false", value)
    if kind == "date" and isinstance(value, str):
        return age(value, now) if value else "<unknown>"
    return Cell("<none>", None)


def custom_columns(rt: ResourceType, version: str | None = None) -> tuple[list[Column], RowFunc]:
    specs = rt.custom.columns.get(version or rt.version) or rt.custom.columns.get(rt.custom.storage) or []
    columns = [Column("Name", format="name")] + [
        Column(str(c.get("name", "")), type=str(c.get("type", "string")),
               priority=int(c.get("priority") or 0), format=str(c.get("format") or ""),
               description=str(c.get("description") or ""))
        for c in specs]

    def row(obj: dict[str, Any], now: datetime) -> list[str]:
        cells = [obj.get("metadata", {}).get("name", "")]
        for c in specs:
            found, value = json_path(obj, str(c.get("jsonPath", "")))
            cells.append(_cell(str(c.get("type", "string")), found, value, now))
        return cells

    return columns, row
