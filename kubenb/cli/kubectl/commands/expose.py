"""`kubectl expose deployment|rs|pod|service NAME` (or `-f FILE`): a Service for an object.

Reads the object through the client (or from the manifest), derives the selector (the
deployment's or replica set's matchLabels, the pod's labels, the service's selector), the
ports (container ports / service ports) and labels (copied from the object), builds the
Service kubectl's generator builds (key order kept for `--dry-run=client -o json`), creates
it and prints `service/x exposed`.
"""

from __future__ import annotations

from typing import Any

from kubenb.cli.kubectl.app import Command, CommandError, Ctx
from kubenb.cli.kubectl.create_generators import meta, parse_labels
from kubenb.cli.kubectl.flags import Flag
from kubenb.cli.kubectl.manifests import (
    dry_run_strategy,
    operation_text,
    output_spec,
    print_object,
    read_manifests,
    with_last_applied,
)
from kubenb.cli.kubectl.resources import resolve
from kubenb.cli.kubectl.writes import FILE_FLAGS, PRINT_FLAGS, usage_error

FLAGS = PRINT_FLAGS + FILE_FLAGS + (
    Flag("dry-run", "string", "none"),
    Flag("protocol", "string"),
    Flag("port", "string"),
    Flag("type", "string"),
    Flag("load-balancer-ip", "string"),
    Flag("selector", "string"),
    Flag("labels", "string", short="l"),
    Flag("target-port", "string"),
    Flag("external-ip", "string"),
    Flag("name", "string"),
    Flag("session-affinity", "string"),
    Flag("cluster-ip", "string"),
    Flag("field-manager", "string", "kubectl-expose"),
    Flag("save-config", "bool"),
    Flag("override-type", "string", "merge"),
    Flag("overrides", "string"),
    Flag("record", "bool"),
)
_EXPOSABLE = {"Pod", "Service", "ReplicationController", "Deployment", "ReplicaSet"}
_WHAT = {"Deployment": "deployment", "ReplicaSet": "replicaset"}


def selector_of(obj: dict[str, Any]) -> dict[str, str]:
    """MapBasedSelectorForObject."""
    kind = obj["kind"]
    spec = obj.get("spec") or {}
    if kind == "Pod":
        labels = obj["metadata"].get("labels") or {}
        if not labels:
            raise CommandError("couldn't retrieve selectors via --selector flag or introspection: "
                               "the pod has no labels and cannot be exposed")
        return dict(labels)
    if kind == "Service":
        if spec.get("selector") is None:
            raise CommandError("couldn't retrieve selectors via --selector flag or introspection: "
                               "the service has no pod selector set")
        return dict(spec["selector"])
    sel = spec.get("selector") or {}
    if not sel.get("matchLabels"):
        raise CommandError("couldn't retrieve selectors via --selector flag or introspection: "
                           f"invalid {_WHAT.get(kind, kind.lower())}: no selectors, therefore "
                           "cannot be exposed")
    if sel.get("matchExpressions"):
        raise CommandError("couldn't retrieve selectors via --selector flag or introspection: "
                           "couldn't convert expressions to map-based selector format")
    return dict(sel["matchLabels"])


def ports_of(obj: dict[str, Any]) -> list[tuple[int, str]]:
    """(port, protocol) pairs: container ports of the pod (template), or service ports."""
    spec = obj.get("spec") or {}
    if obj["kind"] == "Service":
        return [(p["port"], p.get("protocol", "TCP")) for p in spec.get("ports") or []]
    pod_spec = spec if obj["kind"] == "Pod" else (spec.get("template") or {}).get("spec") or {}
    return [(p["containerPort"], p.get("protocol", "TCP"))
            for c in pod_spec.get("containers") or [] for p in c.get("ports") or []]


def build_service(ctx: Ctx, obj: dict[str, Any]) -> dict[str, Any]:
    """The Service expose generates for `obj` (createService)."""
    if obj["kind"] not in _EXPOSABLE:
        raise CommandError(f"cannot expose a {obj['kind']}")
    name = ctx.flag("name") or obj["metadata"]["name"][:63]
    selector = parse_labels(ctx.flag("selector")) if ctx.flag("selector") else selector_of(obj)
    found = ports_of(obj)
    protocols: dict[int, str] = {}
    for port, proto in found:
        protocols.setdefault(port, proto)
    if ctx.flag("port"):
        numbers = [ctx.flag("port")]
    else:
        if not found and ctx.flag("cluster-ip") != "None":
            raise CommandError("couldn't find port via --port flag or introspection")
        numbers = [str(p) for p in dict.fromkeys(p for p, _ in found)]
    labels = (parse_labels(ctx.flag("labels")) if ctx.flag("labels")
              else dict(obj["metadata"].get("labels") or {}))
    ports = []
    for i, text in enumerate(numbers):
        try:
            number = int(text)
        except ValueError:
            raise CommandError(f'strconv.Atoi: parsing "{text}": invalid syntax') from None
        p: dict[str, Any] = {}
        if len(numbers) > 1:
            p["name"] = f"port-{i + 1}"
        p["protocol"] = ctx.flag("protocol") or protocols.get(number, "TCP")
        p["port"] = number
        target = ctx.flag("target-port")
        p["targetPort"] = (int(target) if target.isdigit() else target) if target else number
        ports.append(p)
    spec: dict[str, Any] = {"ports": ports, "selector": selector}
    if ctx.flag("cluster-ip"):
        spec["clusterIP"] = ctx.flag("cluster-ip")
    if ctx.flag("type"):
        spec["type"] = ctx.flag("type")
    if ctx.flag("external-ip"):
        spec["externalIPs"] = [ctx.flag("external-ip")]
    affinity = ctx.flag("session-affinity")
    if affinity:
        if affinity not in ("None", "ClientIP"):
            raise CommandError(f"unknown session affinity: {affinity}")
        spec["sessionAffinity"] = affinity
    if spec.get("type") == "LoadBalancer" and ctx.flag("load-balancer-ip"):
        spec["loadBalancerIP"] = ctx.flag("load-balancer-ip")
    return {"kind": "Service", "apiVersion": "v1", "metadata": meta(name, labels=labels),
            "spec": spec, "status": {"loadBalancer": {}}}


def run(ctx: Ctx, args: list[str]) -> int:
    dry = dry_run_strategy(ctx.flag("dry-run"))
    spec = output_spec(ctx)
    if ctx.flag("filename"):
        objects = [m.obj for m in read_manifests(ctx, ctx.flag("filename"), ctx.flag("recursive"))]
    else:
        if not args:
            raise usage_error(ctx, "You must provide one or more resources by argument or "
                              "filename.\nExample resource specifications include:\n"
                              "   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n"
                              "   '<resource> <name>'\n   '<resource>'")
        objects = []
        for req in resolve(ctx.client.registry, args):
            if req.names is None:
                raise CommandError("resource(s) were provided, but no name was specified")
            ns = ctx.namespace if req.rt.namespaced else None
            objects += [ctx.client.get(req.rt.kind, ns, n) for n in req.names]
    explicit = bool(ctx.flags and ctx.flags.given("namespace"))
    for obj in objects:
        svc = build_service(ctx, obj)
        if dry == "client":
            if explicit:
                svc["metadata"] = {"name": svc["metadata"]["name"], "namespace": ctx.namespace,
                                   **{k: v for k, v in svc["metadata"].items() if k != "name"}}
            print_object(ctx, spec, svc, operation_text("exposed", dry), typed=True)
            continue
        if ctx.flag("save-config"):
            svc = with_last_applied(svc, sort=False)
        svc["metadata"]["namespace"] = ctx.namespace
        created = ctx.client.create(svc, dry_run=dry == "server")
        print_object(ctx, spec, created, operation_text("exposed", dry))
    return 0


COMMAND = Command("expose", "Take a replication controller, service, deployment or pod and "
                  "expose it as a new Kubernetes service", run, FLAGS)
