"""kubectl's template dialects as pure functions over Kubernetes JSON (dicts and lists).

- `jsonpath(template, data)`: `-o jsonpath=…` / `jsonpath-as-json` (client-go JSONPath);
  `relaxed(expr)`: kubectl's RelaxedJSONPathExpression used by custom-columns and --sort-by.
- `go_template(template, data)`: `-o go-template=…` / `--template` (Go text/template with
  kubectl's `exists` and `base64decode`).
- `custom_columns(spec, objects)` / `custom_columns_file(text, objects)`: `-o custom-columns`.
- `sort_key(objects, expr)` / `sort_objects(objects, expr)`: `--sort-by`.
- `split_output(value)`: `jsonpath={.a}` → (`jsonpath`, `{.a}`).

Everything returns text or raises `TemplateError` (kubectl's message without `error: `);
nothing prints. The CLI's `get` printers call these.
"""

from __future__ import annotations

from .customcolumns import custom_columns, custom_columns_file
from .errors import TemplateError
from .gotemplate import go_template
from .jsonpath import jsonpath, relaxed
from .sorting import sort_key, sort_objects

TEMPLATE_FORMATS = ("custom-columns", "custom-columns-file", "go-template", "go-template-file",
                    "jsonpath", "jsonpath-as-json", "jsonpath-file", "template", "templatefile")


def split_output(value: str) -> tuple[str, str]:
    """Split an `-o` value into format and template: `jsonpath={.a}` → (`jsonpath`, `{.a}`).

    Values without `=` (or with an unknown format) come back as (value, "")."""
    for fmt in TEMPLATE_FORMATS:
        if value.startswith(fmt + "="):
            return fmt, value[len(fmt) + 1:]
    return value, ""


__all__ = ["TEMPLATE_FORMATS", "TemplateError", "custom_columns", "custom_columns_file",
           "go_template", "jsonpath", "relaxed", "sort_key", "sort_objects", "split_output"]
