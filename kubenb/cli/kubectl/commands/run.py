"""`kubectl run NAME --image=IMAGE [--restart] [--env] [--labels] [--port] [-- ARGS…]`.

Builds the pod kubectl's run generator builds (labels `run=NAME`, dnsPolicy ClusterFirst,
restartPolicy from --restart), optionally a ClusterIP Service for `--expose`, creates them and
prints `pod/NAME created`. `--rm` without attaching is kubectl's usage error. Attaching
(`-i`, `-it`, `--attach`) needs a terminal a notebook cell does not have: kubenb says so and
shows the non-interactive form instead.
"""

from __future__ import annotations

import re

from kubenb.cli.kubectl import create_generators as gen
from kubenb.cli.kubectl.app import Command, CommandError, Ctx
from kubenb.cli.kubectl.flags import Flag
from kubenb.cli.kubectl.manifests import (
    dry_run_strategy,
    operation_text,
    output_spec,
    print_object,
    with_last_applied,
)
from kubenb.cli.kubectl.writes import PRINT_FLAGS, require, usage_error

FLAGS = PRINT_FLAGS + (
    Flag("image", "string"),
    Flag("image-pull-policy", "string"),
    Flag("restart", "string", "Always"),
    Flag("env", "stringArray"),
    Flag("labels", "string", short="l"),
    Flag("annotations", "stringArray"),
    Flag("port", "string"),
    Flag("command", "bool"),
    Flag("rm", "bool"),
    Flag("stdin", "bool", short="i"),
    Flag("tty", "bool", short="t"),
    Flag("attach", "bool"),
    Flag("leave-stdin-open", "bool"),
    Flag("expose", "bool"),
    Flag("quiet", "bool", short="q"),
    Flag("privileged", "bool"),
    Flag("dry-run", "string", "none"),
    Flag("save-config", "bool"),
    Flag("field-manager", "string", "kubectl-run"),
    Flag("pod-running-timeout", "duration", "1m0s"),
    Flag("override-type", "string", "merge"),
    Flag("overrides", "string"),
    Flag("serviceaccount", "string"),
    Flag("record", "bool"),
)

# docker/distribution's reference grammar, as kubectl checks --image.
_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*"
_DOMAIN = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(?::[0-9]+)?"
_REFERENCE = re.compile(
    rf"^(?:(?:{_DOMAIN})/)?{_COMPONENT}(?:/{_COMPONENT})*(?::[\w][\w.-]{{0,127}})?"
    r"(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$")

NO_TERMINAL = (
    "kubenb cannot attach to a container: a notebook cell has no terminal for -i/-t/--attach.\n"
    "Run it without them, then read its output:\n"
    "  %kubectl run {name} --image={image} --restart=Never{rest}\n"
    "  %kubectl logs {name}"
)


def _validate(ctx: Ctx, args: list[str]) -> tuple[str, str, bool]:
    assert ctx.flags is not None
    require(ctx, "image")
    if not ctx.flags.args:
        raise usage_error(ctx, "NAME is required for run")
    image = ctx.flag("image")
    if not image:
        raise CommandError("--image is required")
    if not _REFERENCE.match(image):
        raise CommandError(f'Invalid image name "{image}": invalid reference format')
    interactive = ctx.flag("stdin")
    attach = ctx.flag("attach") or interactive
    if ctx.flag("tty") and not interactive:
        raise usage_error(ctx, "-i/--stdin is required for containers with -t/--tty=true")
    if ctx.flag("expose") and not ctx.flag("port"):
        raise usage_error(ctx, "--port must be set when exposing a service")
    restart = ctx.flag("restart")
    if not ctx.flags.given("restart") and interactive:
        restart = "OnFailure"
    if restart not in ("Always", "OnFailure", "Never"):
        raise usage_error(ctx, f"invalid restart policy: {restart}")
    if ctx.flag("rm") and not attach:
        raise usage_error(ctx, "--rm should only be used for attached containers")
    dry = dry_run_strategy(ctx.flag("dry-run"))
    if attach and dry != "none":
        raise usage_error(ctx, "--dry-run=[server|client] can't be used with attached "
                          "containers options (--attach, --stdin, or --tty)")
    policy = ctx.flag("image-pull-policy")
    if policy not in ("", "Always", "IfNotPresent", "Never"):
        raise usage_error(ctx, f"invalid image pull policy: {policy}")
    return image, restart, attach


def run(ctx: Ctx, args: list[str]) -> int:
    image, restart, attach = _validate(ctx, args)
    assert ctx.flags is not None
    name = ctx.flags.args[0] if ctx.flags.args else args[0]
    extra = ctx.flags.args[1:] + ctx.flags.dash_args
    if attach:
        rest = "".join(f" --{f}" for f in ("command",) if ctx.flag(f))
        rest += " -- " + " ".join(extra) if extra else ""
        raise CommandError(NO_TERMINAL.format(name=name, image=image, rest=rest))
    dry = dry_run_strategy(ctx.flag("dry-run"))
    spec = output_spec(ctx)
    explicit = ctx.namespace if ctx.flags.given("namespace") else ""
    pod = gen.pod(name, image, labels=ctx.flag("labels"), annotations=ctx.flag("annotations"),
                  env=ctx.flag("env"), port=ctx.flag("port"), args=extra,
                  command=ctx.flag("command"), restart=restart,
                  pull_policy=ctx.flag("image-pull-policy"), privileged=ctx.flag("privileged"),
                  service_account=ctx.flag("serviceaccount"),
                  namespace=explicit if dry == "client" else "")
    objects = [pod]
    if ctx.flag("expose"):
        selector = gen.parse_labels(ctx.flag("labels")) if ctx.flag("labels") else {"run": name}
        port = int(ctx.flag("port"))
        svc = {"kind": "Service", "apiVersion": "v1",
               "metadata": gen.meta(name, explicit if dry == "client" else ""),
               "spec": {"ports": [{"protocol": "TCP", "port": port, "targetPort": port}],
                        "selector": selector},
               "status": {"loadBalancer": {}}}
        objects.insert(0, svc)  # kubectl prints the service first
    for i, obj in enumerate(objects):
        typed = True
        if dry != "client":
            body = with_last_applied(obj, sort=False) if ctx.flag("save-config") else obj
            body = {**body, "metadata": {**body["metadata"], "namespace": ctx.namespace}}
            obj = ctx.client.create(body, dry_run=dry == "server")
            typed = False
        print_object(ctx, spec, obj, operation_text("created", dry), typed)
        if i == 0 and len(objects) > 1 and spec is not None and spec.kind == "yaml":
            ctx.out.write("---\n")
    return 0


COMMAND = Command("run", "Run a particular image on the cluster", run, FLAGS,
                  takes_dash_args=True)
