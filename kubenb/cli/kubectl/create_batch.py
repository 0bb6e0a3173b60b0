"""`kubectl create job` and `kubectl create cronjob` (kubectl 1.32 create_job.go,
create_cronjob.go).

`create job NAME --image=I [-- CMD…]` builds a Job with one container named NAME and
restartPolicy Never; `create job NAME --from=cronjob/CJ` reads the CronJob through the client
and copies its job template, adding the annotation `cronjob.kubernetes.io/instantiate: manual`
and a controller ownerReference to the CronJob. `create cronjob NAME --image=I --schedule=S
[--restart=P] [-- CMD…]` builds a CronJob (restartPolicy OnFailure unless given; kubectl
itself does not check P, the API server does). Objects keep Go struct order so `-o json`
matches kubectl byte for byte; they go through commands/create.py `submit`, which creates
them (or not, for --dry-run=client) and prints them.
"""

from __future__ import annotations

from kubenb.api.objects import Obj, clone
from kubenb.cli.kubectl.app import Command, CommandError, Ctx
from kubenb.cli.kubectl.create_generators import meta
from kubenb.cli.kubectl.flags import Flag
from kubenb.cli.kubectl.resources import resolve
from kubenb.cli.kubectl.writes import enforced_namespace, name_arg, require, submit

MANUAL_ANNOTATION = "cronjob.kubernetes.io/instantiate"


def _container(name: str, image: str, command: list[str]) -> Obj:
    c: Obj = {"name": name, "image": image}
    if command:
        c["command"] = list(command)
    c["resources"] = {}
    return c


def _pod_template(name: str, image: str, command: list[str], restart: str) -> Obj:
    return {"metadata": {"creationTimestamp": None},
            "spec": {"containers": [_container(name, image, command)], "restartPolicy": restart}}


def job(name: str, image: str, command: list[str], namespace: str = "") -> Obj:
    """createJob: a Job running `image` (and `command`) once, never restarted."""
    return {"kind": "Job", "apiVersion": "batch/v1", "metadata": meta(name, namespace),
            "spec": {"template": _pod_template(name, image, command, "Never")}, "status": {}}


def job_from_cronjob(name: str, cronjob: Obj, namespace: str = "") -> Obj:
    """createJobFromCronJob: the CronJob's job template, marked as started by hand."""
    template = (cronjob.get("spec") or {}).get("jobTemplate") or {}
    tmeta = template.get("metadata") or {}
    annotations = {MANUAL_ANNOTATION: "manual", **(tmeta.get("annotations") or {})}
    m = meta(name, namespace, labels=tmeta.get("labels"), annotations=dict(sorted(annotations.items())))
    cmeta = cronjob["metadata"]
    m["ownerReferences"] = [{"apiVersion": "batch/v1", "kind": "CronJob", "name": cmeta["name"],
                             "uid": cmeta.get("uid", ""), "controller": True}]
    spec = clone(template.get("spec") or {})
    pod = spec.setdefault("template", {})
    pod["metadata"] = {"creationTimestamp": None, **(pod.get("metadata") or {})}
    return {"kind": "Job", "apiVersion": "batch/v1", "metadata": m, "spec": spec, "status": {}}


def cronjob(name: str, image: str, schedule: str, restart: str, command: list[str],
            namespace: str = "") -> Obj:
    """createCronJob: a CronJob whose jobs run `image` on `schedule`."""
    return {
        "kind": "CronJob", "apiVersion": "batch/v1", "metadata": meta(name, namespace),
        "spec": {"schedule": schedule,
                 "jobTemplate": {"metadata": meta(name),
                                 "spec": {"template": _pod_template(name, image, command, restart)}}},
        "status": {},
    }


def _go_type(obj: Obj) -> str:
    """The Go type kubectl names in `unknown object type %T` (`*v1.Deployment`)."""
    return f"*{obj.get('apiVersion', '').rpartition('/')[2]}.{obj.get('kind', '')}"


def _source_cronjob(ctx: Ctx, source: str) -> Obj:
    """ResourceTypeOrNameArgs(false, --from), then the check that it is a CronJob."""
    if "/" not in source:
        raise CommandError("resource(s) were provided, but no name was specified")
    request = resolve(ctx.client.registry, [source])[0]
    assert request.names is not None
    rt = request.rt
    obj = ctx.client.get(rt.kind, ctx.namespace if rt.namespaced else None, request.names[0])
    if obj.get("kind") != "CronJob":
        raise CommandError(f"unknown object type {_go_type(obj)}")
    return obj


def run_job(ctx: Ctx, args: list[str]) -> int:

    name = name_arg(ctx)
    assert ctx.flags is not None
    image, source, command = ctx.flag("image"), ctx.flag("from"), ctx.flags.dash_args
    if bool(image) == bool(source):
        raise CommandError("either --image or --from must be specified")
    if command and source:
        raise CommandError("cannot specify --from and command")
    if image:
        obj = job(name, image, command, enforced_namespace(ctx))
    else:
        obj = job_from_cronjob(name, _source_cronjob(ctx, source), enforced_namespace(ctx))
    return submit(ctx, obj, "failed to create job: ")


def run_cronjob(ctx: Ctx, args: list[str]) -> int:

    require(ctx, "image", "schedule")
    name = name_arg(ctx)
    assert ctx.flags is not None
    obj = cronjob(name, ctx.flag("image"), ctx.flag("schedule"), ctx.flag("restart") or "OnFailure",
                  ctx.flags.dash_args, enforced_namespace(ctx))
    return submit(ctx, obj, "failed to create cronjob: ")


def commands(write_flags: tuple[Flag, ...]) -> tuple[Command, Command]:
    """The `create job` and `create cronjob` subcommands, with create's common flags."""
    return (
        Command("job", "Create a job with the specified name", run_job,
                write_flags + (Flag("image", "string"), Flag("from", "string")), takes_dash_args=True),
        Command("cronjob", "Create a cron job with the specified name", run_cronjob,
                write_flags + (Flag("image", "string"), Flag("schedule", "string"),
                               Flag("restart", "string")),
                aliases=("cj",), takes_dash_args=True),
    )

