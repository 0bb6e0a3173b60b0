"""Server-side Table printing (Kubernetes pkg/printers): the columns and cells of `kubectl get`.

The API server computes these tables; `kubectl get` and the HTTP `as=Table` response both
come from `table(kind, objects, now)`, so there is one source of truth for every cell.
"""

from __future__ import annotations

from .columns import table
from .duration import age, human_duration
from .model import Column, Row, Table, format_label_selector, format_labels

__all__ = ["Column", "Row", "Table", "age", "format_label_selector", "format_labels",
           "human_duration", "table"]
