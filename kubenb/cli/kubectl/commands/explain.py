"""`kubectl explain TYPE[.field.path] [--recursive]`: field documentation for kubenb's kinds.

Renders the layout of kubectl 1.32's OpenAPI v3 `plaintext` template (pkg/explain/v2):
GROUP/KIND/VERSION, `FIELD: name <type>` (+ ENUM) for a field path, DESCRIPTION wrapped at
76 columns with go-wordwrap's rules, then FIELDS (`  name\\t<type> -required-` with the
description below, or one short line per field, nested, with --recursive). The
documentation itself is data in `kubenb.api.explain.docs`.
"""

from __future__ import annotations

from kubenb.api.explain.docs import SCHEMAS
from kubenb.api.explain.schema import Field, Schema
from kubenb.api.registry import ResourceType, UnknownResource
from kubenb.cli.kubectl.app import Command, CommandError, Ctx
from kubenb.cli.kubectl.explain_custom import CustomField, custom_schema
from kubenb.cli.kubectl.flags import Flag
from kubenb.cli.kubectl.templates.errors import TemplateError

FLAGS = (
    Flag("recursive", "bool"),
    Flag("api-version", "string"),
    Flag("output", "string", "plaintext", short="o"),
)


def wrap(text: str, limit: int) -> str:
    """mitchellh/go-wordwrap's WrapString: break at spaces, keep newlines, long words whole."""
    out: list[str] = []
    current = 0
    word: list[str] = []
    space: list[str] = []
    for ch in text:
        if ch == "\n":
            if not word:
                if current + len(space) <= limit:
                    out += space
            else:
                out += space + word
            space, word = [], []
            out.append(ch)
            current = 0
        elif ch.isspace() and ch != "\u00a0":
            if not space or word:
                current += len(space) + len(word)
                out += space + word
                space, word = [], []
            space.append(ch)
        else:
            word.append(ch)
            if current + len(space) + len(word) > limit and len(word) < limit:
                out.append("\n")
                current = 0
                space = []
    if not word:
        if current + len(space) <= limit:
            out += space
    else:
        out += space + word
    return "".join(out)


def indent(amount: int, text: str) -> str:
    pad = " " * amount
    return pad + text.replace("\n", "\n" + pad)


def ref_name(type_: str) -> str:
    """The schema a field type points into: `[]Container` → `Container`."""
    while True:
        if type_.startswith("[]"):
            type_ = type_[2:]
        elif type_.startswith("map[string]"):
            type_ = type_[len("map[string]"):]
        else:
            return type_


def _schema_of(type_: str, field: Field | None = None) -> Schema | None:
    if isinstance(field, CustomField):  # a custom resource's nested object
        return field.sub
    return SCHEMAS.get(ref_name(type_))


def _enum(values: tuple[str, ...], long: bool, indent_amount: int = 0, limit: int = -1) -> str:
    if not values:
        return ""
    shown = [v if v else '""' for v in values]
    if long:
        return "ENUM:" + "".join(f"\n    {v}" for v in shown)
    if limit > -1 and len(shown) > limit:
        shown = shown[:limit] + ["...."]
        return "\n" + " " * indent_amount + "enum: " + ", ".join(shown[:-1]) + ", ...."
    return "\n" + " " * indent_amount + "enum: " + ", ".join(shown)


def field_list(schema: Schema, level: int, recursive: bool, seen: frozenset[str]) -> str:
    """The FIELDS block of one schema (nested lines when recursive)."""
    out: list[str] = []
    for name in sorted(schema.fields):
        f = schema.fields[name]
        amount = level * 2
        line = indent(amount, name) + f"\t<{f.type}>" + (" -required-" if f.required else "")
        out.append(line + _enum(f.enum, False, amount, 4) + "\n")
        if not recursive:
            out.append(indent(amount + 2, wrap(f.description or "<no description>", 78 - amount))
                       + "\n\n")
            continue
        target = ref_name(f.type) if not isinstance(f, CustomField) else f"{id(f)}"
        sub = _schema_of(f.type, f)
        if sub is not None and target not in seen:
            out.append(field_list(sub, level + 1, recursive, seen | {target}))
    return "".join(out)


def description_block(text: str, schema: Schema | None, recursive: bool, seen: frozenset[str]) -> str:
    out = "DESCRIPTION:\n" + indent(4, wrap(text or "<empty>", 76)) + "\n"
    if schema is not None and schema.fields:
        out += "FIELDS:\n" + field_list(schema, 1, recursive, seen)
    return out


def explain(rt: ResourceType, path: list[str], recursive: bool) -> str:
    """The whole explain text for a resource and a field path within it."""
    head = (f"GROUP:      {rt.group}\n" if rt.group else "") + \
        f"KIND:       {rt.kind}\nVERSION:    {rt.version}\n\n"
    schema = custom_schema(rt) if rt.custom is not None else SCHEMAS.get(rt.kind)
    if schema is None:
        gvk = f"map[group:{rt.group} kind:{rt.kind} version:{rt.version}]"
        raise TemplateError(f"GVK {gvk} not found in OpenAPI schema", stdout=head)
    if not path:
        body = description_block(schema.description + "\n" if schema.description else "", schema, recursive,
                                 frozenset({rt.kind}))
        return head + body + "\n"
    field: Field | None = None
    current: Schema | None = schema
    for step in path:
        field = current.fields.get(step) if current is not None else None
        if field is None:  # the template has printed the header when it throws
            raise TemplateError(f'field "{path[-1]}" does not exist', stdout=head)
        current = _schema_of(field.type, field)
    assert field is not None
    # The template writes the FIELD line, the (possibly empty) ENUM block, then "\n" twice: a
    # field without an enum is followed by two blank lines.
    text = f"FIELD: {path[-1]} <{field.type}>\n" + _enum(field.enum, True) + "\n\n"
    desc = field.description + "\n" if field.description else ""
    if current is not None and current.description:
        desc += current.description + "\n"
    seen = frozenset({ref_name(field.type)})
    return head + text + description_block(desc, current, recursive, seen) + "\n"


def resolve(ctx: Ctx, arg: str) -> tuple[ResourceType, list[str]]:
    """Split `deployments.apps.spec.strategy` into the resource type and the field path
    (UnknownResource when the first part names no resource type)."""
    parts = arg.split(".")
    rt = ctx.client.registry.lookup(parts[0])
    for prefix in (f"{rt.plural}.{rt.group}", f"{rt.singular}.{rt.group}"):
        if rt.group and (arg == prefix or arg.startswith(prefix + ".")):
            rest = arg[len(prefix) + 1:]
            return rt, rest.split(".") if rest else []
    return rt, [p for p in parts[1:]]


def run(ctx: Ctx, args: list[str]) -> int:
    if not args:
        raise CommandError('You must specify the type of resource to explain. Use "kubectl '
                           'api-resources" for a complete list of supported resources.')
    if len(args) > 1:
        raise CommandError("We accept only this format: explain RESOURCE")
    output = ctx.flag("output")
    try:
        rt, path = resolve(ctx, args[0])
    except UnknownResource:  # a RESTMapper miss: kubectl prints it bare, without `error: `
        ctx.err.write(f'the server doesn\'t have a resource type "{args[0].split(".")[0]}"\n')
        return 1
    if any(p == "" for p in path):
        raise CommandError("invalid jsonpath syntax, first node must be field node")
    if output == "plaintext-openapiv2":
        raise CommandError("--output plaintext-openapiv2 is not available yet in kubenb")
    if output != "plaintext":
        raise CommandError(f"unrecognized format: {output}")
    api_version = ctx.flag("api-version")
    if api_version and api_version != rt.api_version:
        group, _, version = api_version.rpartition("/")
        raise CommandError(f'couldn\'t find resource for "{group}/{version}, Resource={rt.plural}"')
    ctx.out.write(explain(rt, path, ctx.flag("recursive")))
    return 0


COMMAND = Command("explain", "Get documentation for a resource", run, FLAGS)
