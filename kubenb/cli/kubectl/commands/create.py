"""`kubectl create -f FILE|-` and the builders `create deployment|namespace|configmap|secret
generic|service clusterip|nodeport|loadbalancer`.

Objects come from manifests (kubenb.cli.kubectl.manifests) or from the builders in
create_generators; they go to `client.create` (with `dry_run=True` for `--dry-run=server`,
not at all for `--dry-run=client`) and are printed as kubectl prints them: the success line
`deployment.apps/x created`, or `-o`. Errors keep kubectl's wrapping: builders say
`failed to create deployment: …`, `-f` says `error when creating "f.yaml": …`.
"""

from __future__ import annotations

from typing import Any

from kubenb.api.errors import ApiError
from kubenb.api.selectors import parse_label_selector
from kubenb.cli.kubectl import create_batch
from kubenb.cli.kubectl import create_generators as gen
from kubenb.cli.kubectl.app import Command, CommandError, Ctx, server_error
from kubenb.cli.kubectl.flags import Flag
from kubenb.cli.kubectl.manifests import (
    add_source,
    dry_run_strategy,
    operation_text,
    output_spec,
    print_object,
    read_manifests,
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


# ---- create -f -----------------------------------------------------------------------------


def run_create(ctx: Ctx, args: list[str]) -> int:
    if args:
        raise usage_error(ctx, f"Unexpected args: [{' '.join(args)}]")
    dry = dry_run_strategy(ctx.flag("dry-run"))
    spec = output_spec(ctx)
    if ctx.flag("kustomize"):
        raise CommandError("kustomize directories (-k) are not supported by kubenb; use -f")
    if not ctx.flag("filename"):
        raise CommandError("must specify one of -f and -k")
    if ctx.flag("edit"):
        raise CommandError('unable to launch the editor "vi"\n'
                           "(a notebook has no terminal editor: edit the file, then create -f it)")
    if ctx.flag("raw"):
        raise CommandError("--raw is not supported by kubenb")
    selector = parse_label_selector(ctx.flag("selector")) if ctx.flag("selector") else None
    errors: list[str] = []
    count = 0
    for m in read_manifests(ctx, ctx.flag("filename"), ctx.flag("recursive")):
        if selector is not None and not selector.matches(m.obj["metadata"].get("labels") or {}):
            continue
        obj = with_last_applied(m.obj) if ctx.flag("save-config") else m.obj
        if dry != "client":
            try:
                obj = ctx.client.create(obj, dry_run=dry == "server")
            except ApiError as err:
                errors.append(server_error(add_source("creating", m.source, err)))
                continue
        count += 1
        print_object(ctx, spec, obj, operation_text("created", dry))
    for line in errors:
        ctx.err.write(line + "\n")
    if errors:
        return 1
    if count == 0:
        raise CommandError("no objects passed to create")
    return 0


# ---- builders ------------------------------------------------------------------------------


def run_deployment(ctx: Ctx, args: list[str]) -> int:
    require(ctx, "image")
    name = name_arg(ctx)
    assert ctx.flags is not None
    obj = gen.deployment(name, ctx.flag("image"), ctx.flag("replicas"), ctx.flag("port"),
                         ctx.flags.dash_args, enforced_namespace(ctx))
    dry_run_strategy(ctx.flag("dry-run"))
    return submit(ctx, obj, "failed to create deployment: ")


def run_namespace(ctx: Ctx, args: list[str]) -> int:
    name = name_arg(ctx)
    return submit(ctx, gen.namespace(name), None)


def run_configmap(ctx: Ctx, args: list[str]) -> int:
    name = name_arg(ctx)
    dry_run_strategy(ctx.flag("dry-run"))
    output_spec(ctx)
    obj = gen.configmap(name, ctx.flag("from-file"), ctx.flag("from-literal"),
                        ctx.flag("from-env-file"), enforced_namespace(ctx))
    return submit(ctx, obj, "failed to create configmap: ")


def run_secret_generic(ctx: Ctx, args: list[str]) -> int:
    name = name_arg(ctx)
    dry_run_strategy(ctx.flag("dry-run"))
    output_spec(ctx)
    obj = gen.secret(name, ctx.flag("from-file"), ctx.flag("from-literal"),
                     ctx.flag("from-env-file"), ctx.flag("type"), enforced_namespace(ctx))
    return submit(ctx, obj, "failed to create secret ")


def _service_runner(svc_type: str) -> Any:
    def run(ctx: Ctx, args: list[str]) -> int:
        name = name_arg(ctx)
        dry_run_strategy(ctx.flag("dry-run"))
        output_spec(ctx)
        values = ctx.flags.values if ctx.flags else {}
        obj = gen.service(name, svc_type, ctx.flag("tcp"), values.get("clusterip", ""),
                          values.get("node-port", 0), enforced_namespace(ctx))
        return submit(ctx, obj, f"failed to create {svc_type} service: ")

    return run


_SOURCES = (
    Flag("from-file", "strings"),
    Flag("from-literal", "stringArray"),
    Flag("from-env-file", "strings"),
    Flag("append-hash", "bool"),
)
_TCP = Flag("tcp", "strings")

SERVICE = Command("service", "Create a service using a specified subcommand", None,
                  aliases=("svc",)).add(
    Command("clusterip", "Create a ClusterIP service", _service_runner("ClusterIP"),
            WRITE_FLAGS + (_TCP, Flag("clusterip", "string"))),
    Command("nodeport", "Create a NodePort service", _service_runner("NodePort"),
            WRITE_FLAGS + (_TCP, Flag("node-port", "int"))),
    Command("loadbalancer", "Create a LoadBalancer service", _service_runner("LoadBalancer"),
            WRITE_FLAGS + (_TCP,)),
)

SECRET = Command("secret", "Create a secret using a specified subcommand").add(
    Command("generic", "Create a secret from a local file, directory, or literal value",
            run_secret_generic, WRITE_FLAGS + _SOURCES + (Flag("type", "string"),)),
)

COMMAND = Command(
    "create", "Create a resource from a file or from stdin", run_create,
    WRITE_FLAGS + FILE_FLAGS + (
        Flag("selector", "string", short="l"),
        Flag("edit", "bool"),
        Flag("raw", "string"),
        Flag("windows-line-endings", "bool"),
        Flag("record", "bool"),
    ),
).add(
    Command("deployment", "Create a deployment with the specified name", run_deployment,
            WRITE_FLAGS + (Flag("image", "strings"), Flag("port", "int", -1),
                           Flag("replicas", "int", 1, short="r")),
            aliases=("deploy",), takes_dash_args=True),
    Command("namespace", "Create a namespace with the specified name", run_namespace,
            WRITE_FLAGS, aliases=("ns",)),
    Command("configmap", "Create a config map from a local file, directory or literal value",
            run_configmap, WRITE_FLAGS + _SOURCES, aliases=("cm",)),
    SECRET,
    SERVICE,
    *create_batch.commands(WRITE_FLAGS),
)

from kubenb.cli.kubectl.commands import create_pdb  # noqa: E402  (it builds on this module)

COMMAND.add(create_pdb.COMMAND)
