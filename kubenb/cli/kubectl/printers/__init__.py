"""kubectl's printers as pure functions over Kubernetes JSON objects.

Data flow: `kubenb.api.tables.table(kind, objects, now)` builds the server-side Table (also
what the HTTP API serves for `as=Table`); `render.render_tables()` / `render.WatchPrinter` turn Tables
into `kubectl get` text; `formats` gives `-o name|json|yaml`; `tabwriter` is shared with
describe and rollout history. Nothing here prints: callers
write the returned strings to the streams they own.
"""

from kubenb.api.tables.columns import table
from kubenb.api.tables.duration import age, human_duration
from kubenb.api.tables.model import Column, Row, Table, format_label_selector, format_labels

from .formats import as_list, object_name, printable, to_json, to_name, to_yaml
from .render import WatchPrinter, multiple_kinds, no_resources_message, render_tables
from .tabwriter import TableWriter, TabWriter, describe_tabbed, get_tabbed, history_tabbed

__all__ = [
    "Column", "Row", "Table", "TableWriter", "TabWriter", "WatchPrinter", "age", "as_list",
    "describe_tabbed", "format_label_selector", "format_labels", "get_tabbed", "history_tabbed",
    "human_duration", "multiple_kinds", "no_resources_message", "object_name", "printable",
    "render_tables", "table", "to_json", "to_name", "to_yaml",
]
