"""What every writing command shares: kubectl's print/write/file flag sets, the NAME argument
and usage errors, and `submit` — create a builder's object (or not, for `--dry-run=client`)
and print it as kubectl does. `create` and its builder subcommands (create.py,
create_batch.py, create_pdb.py), `autoscale`, `apply`, `expose`, `patch`, `edit`, `label`
and `delete` build on it.
"""

from __future__ import annotations

from typing import Any

from kubenb.api.errors import ApiError
from kubenb.cli.kubectl.app import CommandError, Ctx
from kubenb.cli.kubectl.flags import Flag
from kubenb.cli.kubectl.manifests import (
    dry_run_strategy,
    operation_text,
    output_spec,
    print_object,
    with_last_applied,
)

PRINT_FLAGS = (
    Flag("output", "string", short="o"),
    Flag("template", "string"),
    Flag("allow-missing-template-keys", "bool", True),
    Flag("show-managed-fields", "bool"),
)
WRITE_FLAGS = PRINT_FLAGS + (
    Flag("dry-run", "string", "none"),
    Flag("save-config", "bool"),
    Flag("validate", "string", "strict"),
    Flag("field-manager", "string", "kubectl-create"),
)
FILE_FLAGS = (
    Flag("filename", "stringArray", short="f"),
    Flag("recursive", "bool", short="R"),
    Flag("kustomize", "string", short="k"),
)


def usage_error(ctx: Ctx, message: str) -> CommandError:
    """cmdutil.UsageErrorf: the message plus kubectl's `See '… -h'` line."""
    return CommandError(f"{message}\nSee '{ctx.path} -h' for help and examples")


def name_arg(ctx: Ctx) -> str:
    """NameFromCommandArgs: exactly one word before any `--`."""
    assert ctx.flags is not None
    if len(ctx.flags.args) != 1:
        raise usage_error(ctx, f"exactly one NAME is required, got {len(ctx.flags.args)}")
    return ctx.flags.args[0]


def require(ctx: Ctx, *names: str) -> None:
    """cobra's MarkFlagRequired check. kubectl 1.32 reports it through klog
    (`E… run.go:72] "command failed" err="required flag(s) \\"image\\" not set"`, with a
    timestamp and pid); kubenb prints the same words as a plain `error:` line."""
    missing = [n for n in names if not (ctx.flags and ctx.flags.given(n))]
    if missing:
        raise CommandError("required flag(s) " + ", ".join(f'"{n}"' for n in missing) + " not set")


def enforced_namespace(ctx: Ctx) -> str:
    """The namespace builders write into the object: only when -n was given."""
    return ctx.namespace if ctx.flags and ctx.flags.given("namespace") else ""


def submit(ctx: Ctx, obj: dict[str, Any], wrap: str | None) -> int:
    """Create a builder's object (or not, for --dry-run=client) and print it."""
    dry = dry_run_strategy(ctx.flag("dry-run"))
    spec = output_spec(ctx)
    if ctx.flag("save-config"):
        obj = gen_with_annotation(obj)
    typed = True
    if dry != "client":
        body = dict(obj)
        rt = ctx.client.registry.by_kind(obj["kind"])
        if rt.namespaced:
            body["metadata"] = {**obj["metadata"], "namespace": ctx.namespace}
        try:
            obj = ctx.client.create(body, dry_run=dry == "server")
        except ApiError as err:
            if wrap is None:
                raise
            raise CommandError(f"{wrap}{server_message(err)}") from None
        typed = False
    print_object(ctx, spec, obj, operation_text("created", dry), typed)
    return 0


def server_message(err: ApiError) -> str:
    """What `%v` of a client-go StatusError prints: its message, without kubectl's prefix."""
    return err.message


def gen_with_annotation(obj: dict[str, Any]) -> dict[str, Any]:
    """--save-config on a typed object: the annotation JSON keeps struct order."""
    return with_last_applied(obj, sort=False)
