"""Objects in and out of the writing commands (create, apply, delete, expose, run, label, patch).

In: `read_manifests(ctx, filenames)` reads `-f` arguments as kubectl's resource builder does —
files, directories (their .json/.yaml/.yml files, `-R` to descend), `-` for ctx.stdin —
splits multi-document YAML/JSON, flattens `List` kinds, maps each object to its resource type
and namespace, and raises kubectl's errors (`the path "x.yaml" does not exist`, `error parsing
x.yaml: error converting YAML to JSON: yaml: line 3: …`). URLs are refused: a notebook kernel
fetching remote manifests is out of kubenb's scope.

Out: `--dry-run` parsing, the `-o` formats these commands accept, the success line
(`deployment.apps/x created (dry run)`), `add_source` (`error when creating "f.yaml": …`),
and the two JSON encodings kubectl writes besides `-o json`: `typed_json` (objects kubectl
builds itself print in Go struct order, which our builders keep as dict order) and
`last_applied` (the compact, key-sorted `kubectl.kubernetes.io/last-applied-configuration`).
"""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

import yaml

from kubenb.api.errors import ApiError
from kubenb.api.patch_common import json_kind
from kubenb.api.registry import ResourceType, UnknownResource
from kubenb.cli.kubectl.app import CommandError, Ctx
from kubenb.cli.kubectl.output import (
    OutputSpec,
    parse_output,
    render_objects,
    without_managed_fields,
)
from kubenb.cli.kubectl.printers.formats import to_name, to_yaml
from kubenb.encoding.gonum import json_number

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
DryRun = Literal["none", "client", "server"]
_EXTENSIONS = (".json", ".yaml", ".yml")
# What `create`/`apply`/… accept for -o (kubectl's PrintFlags without the table formats).
WRITE_FORMATS = ("go-template", "go-template-file", "json", "jsonpath", "jsonpath-as-json",
                 "jsonpath-file", "name", "template", "templatefile", "yaml")


@dataclass
class Manifest:
    """One object read from `source` (a path, or "STDIN"), with its resource type."""

    source: str
    obj: dict[str, Any]
    rt: ResourceType
    # no apiVersion: kubectl's requests for it go to a path the server does not serve
    versionless: bool = False

    @property
    def name(self) -> str:
        return (self.obj.get("metadata") or {}).get("name", "")

    @property
    def namespace(self) -> str | None:
        return (self.obj.get("metadata") or {}).get("namespace") if self.rt.namespaced else None


# ---- reading ------------------------------------------------------------------------------


class _Loader(yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader):  # type: ignore[misc]
    """YAML as sigs.k8s.io/yaml reads it: timestamps stay strings."""


_Loader.add_constructor(
    "tag:yaml.org,2002:timestamp",
    lambda loader, node: loader.construct_scalar(node),  # type: ignore[no-any-return]
)


def _yaml_error(source: str, err: yaml.YAMLError) -> CommandError:
    """go-yaml's wording: `yaml: line N: problem` (parser lines 0-based, scanner 1-based)."""
    problem = getattr(err, "problem", None) or str(err)
    mark = getattr(err, "problem_mark", None)
    text = f"yaml: {problem}"
    if mark is not None and mark.line:
        line = mark.line + (1 if isinstance(err, yaml.scanner.ScannerError) else 0)
        text = f"yaml: line {line}: {problem}"
    return CommandError(f"error parsing {source}: error converting YAML to JSON: {text}")


def parse_documents(text: str, source: str) -> Iterator[tuple[Any, str | None]]:
    """Every non-empty document of a YAML/JSON stream, with the JSON text kubectl's decoder
    sees if it is not the document re-encoded: a JSON stream's own bytes, None for YAML (which
    sigs.k8s.io/yaml marshals with keys sorted: `compact_json`, computed only when quoted).
    Lazily: the documents before a syntax error are read, as kubectl's stream reader does."""
    if text.lstrip().startswith("{"):
        docs = _json_stream(text)
        if docs is not None:
            yield from docs
            return
    try:
        for doc in yaml.load_all(text, Loader=_Loader):
            if doc is not None:
                yield doc, None
    except yaml.YAMLError as err:
        raise _yaml_error(source, err) from None


def _json_stream(text: str) -> list[tuple[Any, str | None]] | None:
    """Concatenated JSON values with their own text (None: not JSON after all)."""
    decoder, at = json.JSONDecoder(), 0
    out: list[tuple[Any, str | None]] = []
    while True:
        while at < len(text) and text[at].isspace():
            at += 1
        if at == len(text):
            return out
        try:
            obj, end = decoder.raw_decode(text, at)
        except ValueError:
            return None
        if obj is not None:
            out.append((obj, text[at:end]))
        at = end


def _files(path: str, recursive: bool) -> list[str]:
    """A directory's manifest files in lexical order (filepath.Walk), top level unless -R."""
    found = []
    for root, dirs, names in os.walk(path):
        dirs.sort()
        if not recursive and root != path:
            continue
        found += [os.path.join(root, n) for n in sorted(names) if n.endswith(_EXTENSIONS)]
    return sorted(found)


def read_sources(ctx: Ctx, name: str, recursive: bool) -> list[tuple[str, str]]:
    """(source, text) pairs for one -f argument."""
    if name == "-":
        return [("STDIN", ctx.stdin or "")]
    if name.startswith(("http://", "https://")):
        raise CommandError(
            f'the URL "{name}" cannot be read: kubenb reads manifests from local files and '
            "stdin only (download it first, or pass its text as stdin)")
    if not os.path.exists(name):
        raise CommandError(f'the path "{name}" does not exist')
    paths = _files(name, recursive) if os.path.isdir(name) else [name]
    out = []
    for p in paths:
        with open(p, encoding="utf-8") as fh:
            out.append((p, fh.read()))
    return out


def _decode_error(source: str, why: str) -> CommandError:
    return CommandError(f'unable to decode "{source}": {why}')


def _check_shape(doc: Any, source: str, raw: str | None = None) -> None:
    """Refuse documents the API machinery could not decode, in its words (`raw`: the
    document's JSON text, which the missing-Kind message quotes)."""
    if not isinstance(doc, dict):
        raise _decode_error(source, f"json: cannot unmarshal {json_kind(doc)} into Go value of "
                                    "type unstructured.detector")
    version = doc.get("apiVersion")
    if version is not None and not isinstance(version, str):
        raise _decode_error(source, f"json: cannot unmarshal {json_kind(version)} into Go struct "
                                    "field metadataOnlyObject.apiVersion of type string")
    if not isinstance(doc.get("kind"), str) or not doc.get("kind") or \
            (version or "").count("/") > 1:
        raise _decode_error(source, f"Object 'Kind' is missing in "
                                    f"'{compact_json(doc) if raw is None else raw}'")
    meta = doc.get("metadata")
    if meta is not None and not isinstance(meta, dict):
        raise _decode_error(source, f"json: cannot unmarshal {json_kind(meta)} into Go struct "
                                    "field metadataOnlyObject.metadata of type v1.ObjectMeta")
    for key in ("name", "namespace", "generateName"):
        if isinstance(meta, dict) and meta.get(key) is not None and not isinstance(meta[key], str):
            raise _decode_error(source, f"json: cannot unmarshal {json_kind(meta[key])} into Go "
                                        f"struct field ObjectMeta.metadata.{key} of type string")


def flatten_list(doc: Any, source: str = "STDIN", raw: str | None = None) -> list[dict[str, Any]]:
    """A decoded document's objects: itself, or a `*List`'s items (refused as kubectl would)."""
    _check_shape(doc, source, raw)
    if doc["kind"].endswith("List") and isinstance(doc.get("items"), list):
        out: list[dict[str, Any]] = []
        for item in doc["items"]:
            out += flatten_list(item, source)
        return out
    return [doc]


def to_manifest(ctx: Ctx, obj: dict[str, Any], source: str, local: bool = False) -> Manifest:
    """Map one object to its resource type and settle its namespace (builder rules; a
    `--local` builder leaves the namespace as the file has it). Without an apiVersion kubectl
    maps the kind in the core group only, and its requests then go to a path with no version
    (`/api/namespaces/…`), which the server does not serve: see `versionless`."""
    if not obj.get("kind"):
        raise CommandError(f"unable to decode \"{source}\": Object 'Kind' is missing in "
                           f"'{compact_json(obj)}'")
    meta = obj.setdefault("metadata", {}) if isinstance(obj.get("metadata"), dict) else {}
    version = obj.get("apiVersion") or ""
    try:
        rt = ctx.client.registry.by_kind(obj["kind"])
        # a custom resource may come in any served version (`conversion: None` rewrites it)
        served = {rt.api_version_of(v) for v in rt.versions} if rt.custom is not None else {rt.api_version}
        if (version and version not in served) or (not version and rt.group):
            raise UnknownResource(obj["kind"])
    except UnknownResource:
        raise CommandError(
            f'resource mapping not found for name: "{meta.get("name", "")}" namespace: '
            f'"{meta.get("namespace", "")}" from "{source}": no matches for kind '
            f'"{obj["kind"]}" in version "{version}"\nensure CRDs are installed first') from None
    if rt.namespaced:
        given = meta.get("namespace")
        explicit = bool(ctx.flags and ctx.flags.given("namespace"))
        if given and explicit and given != ctx.namespace:
            raise CommandError(
                f'the namespace from the provided object "{given}" does not match the namespace '
                f'"{ctx.namespace}". You must pass \'--namespace={given}\' to perform this operation.')
        if not given and not local:
            meta["namespace"] = ctx.namespace
    return Manifest(source, obj, rt, versionless=not version)


def read_manifests(ctx: Ctx, filenames: list[str], recursive: bool = False,
                   local: bool = False) -> list[Manifest]:
    """Every object named by `-f` arguments, in kubectl's order."""
    out = []
    for name in filenames:
        for source, text in read_sources(ctx, name, recursive):
            for doc, raw in parse_documents(text, source):
                out += [to_manifest(ctx, o, source, local) for o in flatten_list(doc, source, raw)]
    return out


# ---- writing and printing -----------------------------------------------------------------


def dry_run_strategy(value: str) -> DryRun:
    """`--dry-run` as kubectl reads it (the deprecated boolean forms included)."""
    if value in ("client", "server", "none"):
        return value  # type: ignore[return-value]
    if value in ("true", "1", "t", "T", "TRUE", "True", "unchanged"):
        return "client"
    if value in ("false", "0", "f", "F", "FALSE", "False", ""):
        return "none"
    raise CommandError(f'Invalid dry-run value ({value}). Must be "none", "server", or "client".')


def operation_text(operation: str, dry_run: DryRun) -> str:
    """`created`, `created (dry run)`, `created (server dry run)`."""
    if dry_run == "client":
        return f"{operation} (dry run)"
    if dry_run == "server":
        return f"{operation} (server dry run)"
    return operation


def output_spec(ctx: Ctx) -> OutputSpec | None:
    """The command's `-o` (None: kubectl's default `<kind>/<name> <operation>` line)."""
    value = ctx.flag("output")
    template = ctx.flag("template") if ctx.flags and "template" in ctx.flags.values else ""
    if not value and not template:
        return None
    err = CommandError(
        f'unable to match a printer suitable for the output format "{value}", allowed formats '
        f"are: {','.join(WRITE_FORMATS)}")
    if value == "wide":
        raise err
    try:
        spec = parse_output(value, template)
    except CommandError as e:
        if e.message.startswith("unable to match a printer"):
            raise err from None
        raise
    spec.show_managed_fields = bool(ctx.flags and ctx.flags.values.get("show-managed-fields"))
    return spec


def print_object(ctx: Ctx, spec: OutputSpec | None, obj: dict[str, Any], operation: str,
                 typed: bool = False) -> None:
    """Print one written object: the success line, or `-o`. `typed`: an object kubectl built
    itself (its JSON keeps Go struct order, which our builders keep as dict order)."""
    if spec is not None and spec.kind == "yaml":
        # the YAML printer separates the documents it prints with `---`
        if getattr(ctx, "_yaml_printed", False):
            ctx.out.write("---\n")
        ctx._yaml_printed = True  # type: ignore[attr-defined]
    if spec is None:
        ctx.out.write(to_name([obj], operation))
    elif spec.kind == "name":
        ctx.out.write(to_name([obj]))
    elif spec.kind == "json" and typed:
        ctx.out.write(typed_json(obj if spec.show_managed_fields else without_managed_fields(obj)))
    elif spec.kind == "yaml":
        ctx.out.write(to_yaml(obj if spec.show_managed_fields else without_managed_fields(obj)))
    else:
        ctx.out.write(render_objects(spec, [obj], True, operation))


def add_source(verb: str, source: str, err: ApiError) -> ApiError:
    """kubectl's AddSourceToErr: `error when creating "f.yaml": <server message>`."""
    if not source:
        return err
    message = f'error when {verb} "{source}": {err.message}'
    new = type(err).__new__(type(err))
    new.__dict__.update(err.__dict__)
    Exception.__init__(new, message)
    new.message = message
    return new


# ---- JSON as Go writes it -------------------------------------------------------------------

_GO_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
               "\u2028": "\\u2028", "\u2029": "\\u2029"}


def _go_string(s: str) -> str:
    text = json.dumps(s, ensure_ascii=False)
    return "".join(_GO_ESCAPES.get(ch, ch) for ch in text) if any(
        ch in text for ch in _GO_ESCAPES) else text


def _encode(value: Any, indent: str | None, level: str, sort: bool) -> str:
    nl = "" if indent is None else "\n"
    sep = ":" if indent is None else ": "
    inner = level + (indent or "")
    if isinstance(value, dict):
        if not value:
            return "{}"
        keys = sorted(value) if sort else list(value)
        body = ("," + nl).join(f"{inner if indent is not None else ''}{_go_string(k)}{sep}"
                               f"{_encode(value[k], indent, inner, sort)}" for k in keys)
        return "{" + nl + body + nl + (level if indent is not None else "") + "}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        body = ("," + nl).join(f"{inner if indent is not None else ''}"
                               f"{_encode(v, indent, inner, sort)}" for v in value)
        return "[" + nl + body + nl + (level if indent is not None else "") + "]"
    if isinstance(value, str):
        return _go_string(value)
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    return json_number(value)


def typed_json(obj: dict[str, Any]) -> str:
    """`-o json` of an object kubectl built itself: 4-space indent, keys in dict order."""
    return _encode(obj, "    ", "", sort=False) + "\n"


def compact_json(obj: Any, sort: bool = True) -> str:
    """json.Marshal: no spaces, Go escaping; keys sorted (unstructured) or in dict order."""
    return _encode(obj, None, "", sort)


def last_applied(obj: dict[str, Any], sort: bool = True) -> str:
    """The last-applied-configuration value kubectl computes for `obj`: the object with the
    annotation itself removed, JSON-encoded, plus a newline. Unstructured objects (`sort`)
    keep an empty `annotations: {}`; typed ones (dict order) omit it, as Go's omitempty does."""
    clean = copy.deepcopy(obj)
    meta = clean["metadata"] = clean.get("metadata") or {}
    annotations = dict(meta.get("annotations") or {})
    annotations.pop(LAST_APPLIED, None)
    if annotations or sort:
        meta["annotations"] = annotations
    else:
        meta.pop("annotations", None)
    return compact_json(clean, sort) + "\n"


def with_last_applied(obj: dict[str, Any], sort: bool = True) -> dict[str, Any]:
    """A copy of `obj` carrying its own last-applied-configuration annotation."""
    value = last_applied(obj, sort)
    new = copy.deepcopy(obj)
    meta = new["metadata"] = new.get("metadata") or {}
    meta["annotations"] = {**(meta.get("annotations") or {}), LAST_APPLIED: value}
    return new


def strip_nulls(obj: Any) -> Any:
    """Drop null map values (kubectl prunes them before client-side apply creates)."""
    if isinstance(obj, dict):
        return {k: strip_nulls(v) for k, v in obj.items() if v is not None}
    if isinstance(obj, list):
        return [strip_nulls(v) for v in obj]
    return obj
