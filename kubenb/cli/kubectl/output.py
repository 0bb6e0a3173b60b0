"""`-o` formats shared by get and the mutating commands: parse the flag, print objects.

Tables are get's business; everything else (yaml, json, name, jsonpath, go-template,
custom-columns) is here so `create … -o yaml`, `get -o yaml` and `expose -o name` agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kubenb.cli.kubectl.app import CommandError
from kubenb.cli.kubectl.printers.formats import printable, to_json, to_name, to_yaml

_TEMPLATED = ("jsonpath", "jsonpath-as-json", "jsonpath-file", "go-template", "go-template-file",
              "custom-columns", "custom-columns-file", "template", "templatefile")
ALLOWED = ("json", "yaml", "name", "go-template", "go-template-file", "template",
           "templatefile", "jsonpath", "jsonpath-as-json", "jsonpath-file", "custom-columns",
           "custom-columns-file", "wide")


@dataclass
class OutputSpec:
    kind: str  # "" (table), wide, json, yaml, name, jsonpath, go-template, custom-columns
    template: str = ""
    show_managed_fields: bool = False  # json/yaml hide metadata.managedFields unless asked

    @property
    def table(self) -> bool:
        return self.kind in ("", "wide")


def parse_output(value: str, template_flag: str = "") -> OutputSpec:
    """Read `-o` (and `--template`) the way kubectl's PrintFlags do."""
    if not value:
        if template_flag:
            return OutputSpec("go-template", template_flag)
        return OutputSpec("")
    name, eq, arg = value.partition("=")
    if name in ("json", "yaml", "name", "wide") and not eq:
        return OutputSpec(name)
    if name in _TEMPLATED:
        if name.endswith("-file") or name == "templatefile":
            try:
                with open(arg, encoding="utf-8") as fh:
                    arg = fh.read()
            except OSError as err:
                raise CommandError(f"error reading --template {arg}, {err.strerror}") from None
            name = name.removesuffix("-file").replace("templatefile", "go-template")
        if name == "template":
            name = "go-template"
        arg = arg or template_flag
        if not arg:
            if name == "custom-columns":
                raise CommandError("custom-columns format specified but no custom columns given")
            raise CommandError("template format specified but no template given")
        return OutputSpec(name, arg)
    raise CommandError(
        f'unable to match a printer suitable for the output format "{value}", allowed formats '
        f"are: {','.join(ALLOWED)}"
    )


def without_managed_fields(obj: dict[str, Any]) -> dict[str, Any]:
    """The object as kubectl's OmitManagedFieldsPrinter shows it."""
    meta = obj.get("metadata")
    if not isinstance(meta, dict) or "managedFields" not in meta:
        return obj
    return {**obj, "metadata": {k: v for k, v in meta.items() if k != "managedFields"}}


def render_objects(spec: OutputSpec, objects: list[dict[str, Any]], single: bool,
                   operation: str = "") -> str:
    """Text for non-table formats; `single` prints one object instead of a List."""
    if spec.kind == "name":
        return to_name(objects, operation)
    if spec.kind in ("json", "yaml") and not spec.show_managed_fields:
        objects = [without_managed_fields(o) for o in objects]
    data = printable(objects, single)
    if spec.kind == "json":
        return to_json(data)
    if spec.kind == "yaml":
        return to_yaml(data)
    from kubenb.cli.kubectl import templates

    if spec.kind in ("jsonpath", "jsonpath-as-json"):
        return templates.jsonpath(spec.template, data, as_json=spec.kind == "jsonpath-as-json")
    if spec.kind == "go-template":
        return templates.go_template(spec.template, data)
    if spec.kind == "custom-columns":
        return templates.custom_columns(spec.template, objects, no_headers=False)
    raise CommandError(f"output format {spec.kind!r} is not supported here")
