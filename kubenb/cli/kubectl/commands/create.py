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

from kubenb.api.errors import ApiError, NoRoute
from kubenb.api.selectors import parse_label_selector
from kubenb.cli.kubectl import create_batch, create_ingress, create_pdb, create_quota, create_rbac
from kubenb.cli.kubectl import create_generators as gen
from kubenb.cli.kubectl.app import Command, CommandError, Ctx
from kubenb.cli.kubectl.flags import Flag
from kubenb.cli.kubectl.manifest_visit import Failure, report, validation_directive, visit_manifests
from kubenb.cli.kubectl.manifests import (
    add_source,
    dry_run_strategy,
    operation_text,
    output_spec,
    print_object,
    with_last_applied,
)
from kubenb.cli.kubectl.writes import (
    FILE_FLAGS,
    WRITE_FLAGS,
    enforced_namespace,
    name_arg,
    require,
    submit,
    usage_error,
)

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
    validate = validation_directive(ctx) != "Ignore"
    selector = parse_label_selector(ctx.flag("selector")) if ctx.flag("selector") else None
    errors: list[Failure] = []
    count = 0
    # each object is created as it is read; errors are printed at the end, in the order met
    for m in visit_manifests(ctx, ctx.flag("filename"), ctx.flag("recursive"), validate):
        if isinstance(m, str):
            errors.append(m)
            continue
        if selector is not None and not selector.matches(m.obj["metadata"].get("labels") or {}):
            continue
        obj = with_last_applied(m.obj) if ctx.flag("save-config") else m.obj
        if dry != "client":
            try:
                if m.versionless:  # kubectl posts it to a path without a version
                    raise NoRoute()
                obj = ctx.client.create(obj, dry_run=dry == "server")
            except ApiError as err:
                errors.append(add_source("creating", m.source, err))
                continue
        count += 1
        print_object(ctx, spec, obj, operation_text("created", dry))
    report(ctx, errors)
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
    create_pdb.COMMAND,
    create_quota.COMMAND,
    create_ingress.COMMAND,
    *create_rbac.COMMANDS,
)
