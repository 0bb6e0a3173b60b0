"""`-f` read as kubectl's resource builder reads it with ContinueOnError (create, apply, delete).

`visit_manifests(ctx, filenames, …)` yields, in kubectl's order, each object of every file
(a `Manifest`) or the text of the error met instead. Per file, a document that fails
client-side validation (`error validating "x.yaml": error validating data: apiVersion not
set; …`) or a YAML syntax error ends that file — the documents before it still count — while
a document that cannot be decoded or mapped (`unable to decode …`, `resource mapping not
found …`) is skipped and the file goes on; the next file is read either way.

Validation is kubectl's `getObjectKind` check (apiVersion and kind present and strings, a
parseable group/version), run unless `--validate=false|ignore`; `validation_directive` reads
the flag as kubectl does. `report` prints collected errors as kubectl's CheckErr does: one
error as `error: …` (or `Error from server …`), several one per line without the prefix.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from kubenb.api.errors import ApiError
from kubenb.cli.kubectl.app import CommandError, Ctx, server_error
from kubenb.cli.kubectl.manifests import (
    Manifest,
    flatten_list,
    parse_documents,
    read_sources,
    to_manifest,
)

STOP_VALIDATE = "if you choose to ignore these errors, turn validation off with --validate=false"
_TRUE = ("1", "t", "T", "TRUE", "true", "True")
_FALSE = ("0", "f", "F", "FALSE", "false", "False")
Failure = ApiError | str


def validation_directive(ctx: Ctx) -> str:
    """`--validate` as cmdutil.GetValidationDirective reads it: Strict, Warn or Ignore."""
    value = ctx.flag("validate")
    if value in _TRUE or value == "strict":
        return "Strict"
    if value in _FALSE or value == "ignore":
        return "Ignore"
    if value == "warn":
        return "Warn"
    raise CommandError(f'invalid - validate option "{value}"; must be one of: strict (or true), '
                       "warn, ignore (or false)")


def object_kind_errors(doc: object) -> list[str]:
    """What kubectl's schema validation says before it asks the server anything."""
    if not isinstance(doc, dict):
        return ["invalid object to validate"]
    errors = []
    version, kind = doc.get("apiVersion"), doc.get("kind")
    if version is None:
        errors.append("apiVersion not set")
    elif not isinstance(version, str):
        errors.append("apiVersion isn't string type")
    elif version.count("/") > 1:
        errors.append(f"unexpected GroupVersion string: {version}")
    if kind is None:
        errors.append("kind not set")
    elif not isinstance(kind, str):
        errors.append("kind isn't string type")
    return errors


def aggregate(messages: Sequence[str]) -> str:
    """utilerrors.Aggregate's text: one message as it is, several as `[a, b]` (deduplicated)."""
    unique = list(dict.fromkeys(messages))
    return unique[0] if len(unique) == 1 else "[" + ", ".join(unique) + "]"


def visit_manifests(ctx: Ctx, filenames: list[str], recursive: bool = False,
                    validate: bool = True, local: bool = False) -> Iterator[Manifest | str]:
    """Every object named by `-f`, or the error met in its place (see the module docstring).
    Paths that do not exist are refused before anything is read, as kubectl does."""
    sources = [pair for name in filenames for pair in read_sources(ctx, name, recursive)]
    for source, text in sources:
        try:
            for doc, raw in parse_documents(text, source):
                problems = object_kind_errors(doc) if validate else []
                if problems:
                    yield (f'error validating "{source}": error validating data: '
                           f"{aggregate(problems)}; {STOP_VALIDATE}")
                    break
                try:
                    objects = flatten_list(doc, source, raw)
                except CommandError as err:
                    yield err.message
                    continue
                for obj in objects:
                    try:
                        yield to_manifest(ctx, obj, source, local)
                    except CommandError as err:
                        yield err.message
        except CommandError as err:  # a syntax error ends the file
            yield err.message


def report(ctx: Ctx, errors: Sequence[Failure]) -> None:
    """Print errors as kubectl's CheckErr does (API errors as `Error from server (…): …`)."""
    for err in errors:
        if isinstance(err, ApiError):
            ctx.err.write(server_error(err) + "\n")
        elif len(errors) == 1 and not err.startswith("error: "):
            ctx.err.write(f"error: {err}\n")
        else:
            ctx.err.write(err + "\n")
