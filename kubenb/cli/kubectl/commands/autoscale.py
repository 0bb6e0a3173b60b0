"""`kubectl autoscale (-f FILE | TYPE NAME | TYPE/NAME) [--min=MINPODS] --max=MAXPODS
[--cpu-percent=CPU] [--name=NAME]` as kubectl 1.32 does it (pkg/cmd/autoscale/autoscale.go).

kubectl 1.32 builds an autoscaling/v1 HorizontalPodAutoscaler (targetCPUUtilizationPercentage)
named after the target unless --name is given; that is what `--dry-run=client -o yaml`
prints. The store keeps HPAs as autoscaling/v2, so the object goes through the API server's
conversion (`kubenb.api.conversion`: the CPU percentage becomes a Resource cpu Utilization
metric) before it is created, and the created object is printed back in its v1 shape. Success: `horizontalpodautoscaler.autoscaling/NAME
autoscaled`.
"""

from __future__ import annotations

from typing import Any

from kubenb.api.conversion import from_version, to_version
from kubenb.cli.kubectl.app import Command, CommandError, Ctx
from kubenb.cli.kubectl.flags import Flag
from kubenb.cli.kubectl.manifests import (
    dry_run_strategy,
    operation_text,
    output_spec,
    print_object,
    read_manifests,
)
from kubenb.cli.kubectl.resources import resolve
from kubenb.cli.kubectl.writes import (
    FILE_FLAGS,
    WRITE_FLAGS,
    enforced_namespace,
    require,
    usage_error,
)

V1 = "autoscaling/v1"
SCALABLE = ("Deployment", "ReplicaSet", "StatefulSet", "ReplicationController")
NO_RESOURCES = ("You must provide one or more resources by argument or filename.\nExample resource "
                "specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n"
                "   '<resource> <name>'\n   '<resource>'")


def build_v1(target: dict[str, Any], name: str, min_pods: int, max_pods: int, cpu: int,
             namespace: str = "") -> dict[str, Any]:
    """The autoscaling/v1 object kubectl 1.32 builds, in Go struct order."""
    meta: dict[str, Any] = {"name": name or target["metadata"]["name"]}
    if namespace:
        meta["namespace"] = namespace
    meta["creationTimestamp"] = None
    spec: dict[str, Any] = {"scaleTargetRef": {
        "kind": target["kind"], "name": target["metadata"]["name"], "apiVersion": target["apiVersion"]}}
    if min_pods > 0:
        spec["minReplicas"] = min_pods
    spec["maxReplicas"] = max_pods
    if cpu >= 0:
        spec["targetCPUUtilizationPercentage"] = cpu
    return {"kind": "HorizontalPodAutoscaler", "apiVersion": "autoscaling/v1", "metadata": meta,
            "spec": spec, "status": {"currentReplicas": 0, "desiredReplicas": 0}}


def _targets(ctx: Ctx, args: list[str]) -> list[dict[str, Any]]:
    if ctx.flag("filename"):
        return [m.obj for m in read_manifests(ctx, ctx.flag("filename"), ctx.flag("recursive"))]
    if not args:
        raise usage_error(ctx, NO_RESOURCES)
    found = []
    for req in resolve(ctx.client.registry, args):
        if req.names is None:
            raise CommandError("resource(s) were provided, but no name was specified")
        ns = ctx.namespace if req.rt.namespaced else None
        found += [ctx.client.get(req.rt.kind, ns, n) for n in req.names]
    return found


def run(ctx: Ctx, args: list[str]) -> int:
    require(ctx, "max")
    min_pods, max_pods = int(ctx.flag("min")), int(ctx.flag("max"))
    if max_pods < 1:
        raise CommandError(f"--max=MAXPODS is required and must be at least 1, max: {max_pods}")
    if max_pods < min_pods:
        raise CommandError(f"--max=MAXPODS must be larger or equal to --min=MINPODS, max: {max_pods}, "
                           f"min: {min_pods}")
    dry = dry_run_strategy(ctx.flag("dry-run"))
    spec = output_spec(ctx)
    count = 0
    for target in _targets(ctx, args):
        if target["kind"] not in SCALABLE:
            raise CommandError(f"cannot autoscale a {target['kind']}: no scale subresource")
        hpa = build_v1(target, ctx.flag("name") or "", min_pods, max_pods, int(ctx.flag("cpu-percent")),
                       enforced_namespace(ctx))
        if dry == "client":
            print_object(ctx, spec, hpa, operation_text("created", dry), typed=True)
        else:
            hpa["metadata"] = {k: v for k, v in hpa["metadata"].items() if v is not None}
            hpa["metadata"]["namespace"] = ctx.namespace
            body = from_version(hpa, V1)
            created = ctx.client.create(body, dry_run=dry == "server")
            print_object(ctx, spec, to_version(created, V1), operation_text("autoscaled", dry))
        count += 1
    if count == 0:
        raise CommandError("no objects passed to autoscale")
    return 0


COMMAND = Command(
    "autoscale", "Auto-scale a deployment, replica set, stateful set, or replication controller", run,
    WRITE_FLAGS + FILE_FLAGS + (
        Flag("min", "int", -1), Flag("max", "int", -1), Flag("cpu-percent", "int", -1),
        Flag("name", "string"), Flag("record", "bool")),
)
