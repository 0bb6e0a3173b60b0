"""`kubectl describe TYPE [NAME_PREFIX] | TYPE/NAME … [-l SEL] [-A] [--show-events]`.

For each object this fetches, through the client, what kubectl's describer for that kind
fetches — its events (field selector on involvedObject name/namespace/kind/uid), a
Deployment's ReplicaSets, a ReplicaSet's pods, a node's pods, a Service's endpoints — and
hands them to the pure describers in `kubenb.cli.kubectl.describe`. Objects are separated as
kubectl separates them (`\\n\\n` before every one after the first); `describe TYPE NAME`
with no object of that exact name describes every object whose name starts with NAME.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kubenb.api.errors import ApiError, NotFound
from kubenb.api.objects import Obj
from kubenb.api.registry import ResourceType
from kubenb.api.tables.model import format_labels, selector_string
from kubenb.cli.kubectl import describe as d
from kubenb.cli.kubectl.app import Command, CommandError, Ctx, server_error
from kubenb.cli.kubectl.commands.scale import find_targets
from kubenb.cli.kubectl.describe.autoscaling import describe_hpa, describe_pdb
from kubenb.cli.kubectl.describe.batch import describe_cronjob, describe_job
from kubenb.cli.kubectl.describe.certificates import CSRParseError, describe_csr
from kubenb.cli.kubectl.describe.daemons import describe_daemonset, describe_replicationcontroller
from kubenb.cli.kubectl.describe.generic import describe_generic
from kubenb.cli.kubectl.describe.networking import (
    backend_text,
    describe_ingress,
    describe_ingress_class,
    describe_network_policy,
)
from kubenb.cli.kubectl.describe.policy import describe_limit_range, describe_quota
from kubenb.cli.kubectl.describe.rbac import describe_binding, describe_role
from kubenb.cli.kubectl.describe.stateful import describe_pvc, describe_statefulset
from kubenb.cli.kubectl.describe.storage import describe_pv, describe_storage_class
from kubenb.cli.kubectl.flags import Flag
from kubenb.cli.kubectl.resources import resolve

#: The kubectl release whose describe text we print (kubectl 1.32 is the referee).
KUBECTL_MINOR = 32
NEED_TYPE = ('You must specify the type of resource to describe. Use "kubectl api-resources" for a '
             "complete list of supported resources.")


class Fetcher:
    """What each describer needs, read through the client."""

    def __init__(self, ctx: Ctx) -> None:
        self.ctx = ctx
        self.client = ctx.client
        self.show_events = bool(ctx.flag("show-events"))

    def events(self, obj: Obj, *, with_kind: bool = True, uid: str | None = None) -> list[Obj]:
        """kubectl searchEvents: events whose involvedObject is this object."""
        meta = obj["metadata"]
        ns = meta.get("namespace") or ""
        fields = [f"involvedObject.name={meta['name']}", f"involvedObject.namespace={ns}"]
        if with_kind:
            fields.append(f"involvedObject.kind={obj['kind']}")
        ref_uid = uid if uid is not None else meta.get("uid")
        if ref_uid:
            fields.append(f"involvedObject.uid={ref_uid}")
        items, _ = self.client.list("Event", ns or None, field_selector=",".join(fields))
        return items

    def maybe_events(self, obj: Obj, **kw: Any) -> list[Obj] | None:
        return self.events(obj, **kw) if self.show_events else None

    def list_or_empty(self, kind: str, namespace: str | None, **kw: Any) -> list[Obj]:
        try:
            self.client.registry.by_kind(kind)
        except LookupError:
            return []  # a kind this API server does not serve: kubectl sees an empty list
        items, _ = self.client.list(kind, namespace, **kw)
        return items

    def get_or_none(self, kind: str, namespace: str | None, name: str) -> Obj | None:
        try:
            self.client.registry.by_kind(kind)
            return self.client.get(kind, namespace, name)
        except (LookupError, NotFound):
            return None

    # ---- one function per kind --------------------------------------------------------

    def pod(self, pod: Obj, now: Any) -> str:
        return d.describe_pod(pod, self.maybe_events(pod, with_kind=False), now, kubectl_minor=KUBECTL_MINOR)

    def deployment(self, dep: Obj, now: Any) -> str:
        ns = dep["metadata"]["namespace"]
        selector = selector_string((dep.get("spec") or {}).get("selector"))
        rss, _ = self.client.list("ReplicaSet", ns, label_selector=selector or None)
        return d.describe_deployment(dep, rss, self.maybe_events(dep), now, kubectl_minor=KUBECTL_MINOR)

    def replicaset(self, rs: Obj, now: Any) -> str:
        ns = rs["metadata"]["namespace"]
        selector = selector_string((rs.get("spec") or {}).get("selector"))
        pods, _ = self.client.list("Pod", ns, label_selector=selector or None)
        return d.describe_replicaset(rs, pods, self.maybe_events(rs), now, kubectl_minor=KUBECTL_MINOR)

    def daemonset(self, ds: Obj, now: Any) -> str:
        selector = selector_string((ds.get("spec") or {}).get("selector"))
        pods, _ = self.client.list("Pod", ds["metadata"]["namespace"], label_selector=selector or None)
        return describe_daemonset(ds, pods, self.maybe_events(ds), now, kubectl_minor=KUBECTL_MINOR)

    def replicationcontroller(self, rc: Obj, now: Any) -> str:
        selector = format_labels((rc.get("spec") or {}).get("selector"))
        pods, _ = self.client.list("Pod", rc["metadata"]["namespace"],
                                   label_selector=None if selector == "<none>" else selector)
        return describe_replicationcontroller(rc, pods, self.maybe_events(rc), now, kubectl_minor=KUBECTL_MINOR)

    def job(self, job: Obj, now: Any) -> str:
        return describe_job(job, self.maybe_events(job), now, kubectl_minor=KUBECTL_MINOR)

    def cronjob(self, cj: Obj, now: Any) -> str:
        return describe_cronjob(cj, self.maybe_events(cj), now, kubectl_minor=KUBECTL_MINOR)

    def service(self, svc: Obj, now: Any) -> str:
        meta = svc["metadata"]
        endpoints = self.list_or_empty("EndpointSlice", meta["namespace"],
                                       label_selector=f"kubernetes.io/service-name={meta['name']}")
        if not endpoints:
            found = self.get_or_none("Endpoints", meta["namespace"], meta["name"])
            endpoints = [found] if found else []
        return d.describe_service(svc, endpoints, self.maybe_events(svc), now, kubectl_minor=KUBECTL_MINOR)

    def node(self, node: Obj, now: Any) -> str:
        name = node["metadata"]["name"]
        pods, _ = self.client.list("Pod", None, field_selector=f"spec.nodeName={name}")
        events = None
        if self.show_events:  # controllers name the node by uid, kubelets by name
            events = self.events(node) + self.events(node, uid=name)
        lease = self.get_or_none("Lease", "kube-node-lease", name)
        return d.describe_node(node, pods, events, now, lease=lease, kubectl_minor=KUBECTL_MINOR)

    def namespace(self, ns: Obj, now: Any) -> str:
        name = ns["metadata"]["name"]
        quotas = self.list_or_empty("ResourceQuota", name)
        limits = self.list_or_empty("LimitRange", name)
        return d.describe_namespace(ns, quotas, limits, now, kubectl_minor=KUBECTL_MINOR)

    def configmap(self, cm: Obj, now: Any) -> str:
        return d.describe_configmap(cm, self.maybe_events(cm), now, kubectl_minor=KUBECTL_MINOR)

    def secret(self, secret: Obj, now: Any) -> str:
        return d.describe_secret(secret, None, now, kubectl_minor=KUBECTL_MINOR)

    def serviceaccount(self, sa: Obj, now: Any) -> str:
        secrets = self.list_or_empty("Secret", sa["metadata"]["namespace"])
        return d.describe_serviceaccount(sa, self.maybe_events(sa), now, secrets=secrets,
                                         kubectl_minor=KUBECTL_MINOR)

    def endpoints(self, ep: Obj, now: Any) -> str:
        return d.describe_endpoints(ep, self.maybe_events(ep), now, kubectl_minor=KUBECTL_MINOR)

    def statefulset(self, sts: Obj, now: Any) -> str:
        selector = selector_string((sts.get("spec") or {}).get("selector"))
        pods, _ = self.client.list("Pod", sts["metadata"]["namespace"], label_selector=selector or None)
        return describe_statefulset(sts, pods, self.maybe_events(sts), now, kubectl_minor=KUBECTL_MINOR)

    def pvc(self, pvc: Obj, now: Any) -> str:
        pods, _ = self.client.list("Pod", pvc["metadata"]["namespace"])
        return describe_pvc(pvc, pods, self.maybe_events(pvc), now, kubectl_minor=KUBECTL_MINOR)

    def backend_text(self, ns: str, backend: Obj) -> str:
        """describeBackendV1 reads the backend Service and its endpoints."""
        name = (backend.get("service") or {}).get("name", "") if isinstance(backend.get("service"), dict) else ""
        if not name:
            return backend_text(backend, None, [])
        slices = self.list_or_empty("EndpointSlice", ns, label_selector=f"kubernetes.io/service-name={name}")
        svc = self.get_or_none("Service", ns, name)
        if svc is not None and not slices:
            found = self.get_or_none("Endpoints", ns, name)
            slices = [found] if found else []
        return backend_text(backend, svc, slices)

    def ingress(self, ing: Obj, now: Any) -> str:
        return describe_ingress(ing, self.backend_text, self.maybe_events(ing), now,
                                kubectl_minor=KUBECTL_MINOR)

    def simple(self, describe: Callable[..., str]) -> Callable[[Obj, Any], str]:
        """A describer that needs only the object and its events."""
        return lambda obj, now: describe(obj, self.maybe_events(obj), now, kubectl_minor=KUBECTL_MINOR)

    def describer(self, rt: ResourceType) -> Callable[[Obj, Any], str]:
        table: dict[str, Callable[[Obj, Any], str]] = {
            "Pod": self.pod, "Deployment": self.deployment, "ReplicaSet": self.replicaset,
            "Service": self.service, "Node": self.node, "Namespace": self.namespace,
            "ConfigMap": self.configmap, "Secret": self.secret, "ServiceAccount": self.serviceaccount,
            "Endpoints": self.endpoints, "DaemonSet": self.daemonset,
            "ReplicationController": self.replicationcontroller,
            "StatefulSet": self.statefulset, "PersistentVolumeClaim": self.pvc,
            "LimitRange": self.simple(describe_limit_range), "ResourceQuota": self.simple(describe_quota),
            "PersistentVolume": self.simple(describe_pv), "StorageClass": self.simple(describe_storage_class),
            "Job": self.job, "CronJob": self.cronjob,
            "HorizontalPodAutoscaler": self.simple(describe_hpa), "PodDisruptionBudget": self.simple(describe_pdb),
            "Role": self.simple(describe_role), "ClusterRole": self.simple(describe_role),
            "RoleBinding": self.simple(describe_binding),
            "ClusterRoleBinding": self.simple(describe_binding),
            "CertificateSigningRequest": self.simple(describe_csr),
            "Ingress": self.ingress, "IngressClass": self.simple(describe_ingress_class),
            "NetworkPolicy": self.simple(describe_network_policy),
        }
        if rt.custom is not None or rt.kind == "CustomResourceDefinition":
            return self.simple(describe_generic)
        if rt.kind not in table:
            raise CommandError(f"no description has been implemented for {rt.kind}")
        return table[rt.kind]

    def describe(self, rt: ResourceType, obj: Obj) -> str:
        """Re-read the object (as kubectl's describers do) and describe it."""
        meta = obj["metadata"]
        fresh = self.client.get(rt.kind, meta.get("namespace") if rt.namespaced else None, meta["name"])
        return self.describer(rt)(fresh, self.client.now())


def _collect(ctx: Ctx, args: list[str]) -> tuple[list[tuple[ResourceType, Obj]], list[ApiError]]:
    return find_targets(ctx, args, ctx.flag("selector"), ctx.flag("all-namespaces"),
                        require_names=False)


def describe_prefix(ctx: Ctx, fetcher: Fetcher, kind: str, prefix: str, original: ApiError) -> int:
    """DescribeMatchingResources: every object of the type whose name starts with `prefix`."""
    rt = resolve(ctx.client.registry, [kind])[0].rt
    items, _ = ctx.client.list(rt.kind, ctx.namespace if rt.namespaced else None)
    matched = [obj for obj in items if obj["metadata"]["name"].startswith(prefix)]
    if not matched:
        ctx.err.write(server_error(original) + "\n")
        return 1
    for obj in matched:
        ctx.out.write(fetcher.describe(rt, obj) + "\n")
    return 0


def run(ctx: Ctx, args: list[str]) -> int:
    if not args and not ctx.flag("filename"):
        raise CommandError(NEED_TYPE)
    fetcher = Fetcher(ctx)
    found, errors = _collect(ctx, args)
    if errors and not found and len(args) == 2 and "/" not in args[0]:
        return describe_prefix(ctx, fetcher, args[0], args[1], errors[0])
    texts: list[str] = []
    failures: list[str] = []  # a describer's own error (kubectl prints `error: ...`)
    for rt, obj in found:
        try:
            texts.append(fetcher.describe(rt, obj))
        except NotFound as err:  # deleted between the list and the describe
            errors.append(err)
        except CSRParseError as err:
            failures.append(str(err))
    ctx.out.write("\n\n".join(texts))
    if not found and not errors:
        ctx.err.write("No resources found\n" if ctx.flag("all-namespaces")
                      else f"No resources found in {ctx.namespace} namespace.\n")
    for err in errors:
        ctx.err.write(server_error(err) + "\n")
    for failure in failures:
        ctx.err.write(f"error: {failure}\n")
    return 1 if errors or failures else 0


FLAGS = (
    Flag("selector", "string", short="l"),
    Flag("all-namespaces", "bool", short="A"),
    Flag("show-events", "bool", True),
    Flag("chunk-size", "int", 500),
    Flag("filename", "stringArray", short="f"),
    Flag("recursive", "bool", short="R"),
)

COMMAND = Command("describe", "Show details of a specific resource or group of resources", run, FLAGS)
