"""Defaulting: fill the fields the real API server fills before it stores an object.

`apply_defaults(obj)` mutates an object in place, dispatching on `obj["kind"]`, with
Kubernetes' SetDefaults_* (pkg/apis/core/v1/defaults.go, pkg/apis/apps/v1/defaults.go,
the generated declarative defaults), the create-time parts of the Namespace strategy,
and what the ServiceAccount and Priority admission plugins add to every pod
(DefaultTolerationSeconds lives in api/admission.py). Resource quantities are rounded
up to 1m and re-printed in canonical form, as the API serves them ("0.5" -> "500m").

Pods and pod templates are defaulted by defaults_pod.py; workload kinds with more to fill
have modules of their own (defaults_batch, defaults_stateful, defaults_autoscaling).
The store calls it on create and update, then `validation.validate`. Everything here is
idempotent. Not done here: cluster IP / node port allocation, the service-account
token volume (needs a random suffix), pod status (the pod strategy's job).
"""

from __future__ import annotations

import base64
from collections.abc import Callable

from kubenb.api import defaults_autoscaling
from kubenb.api.crd import default_crd
from kubenb.api.defaults_batch import default_cronjob, default_job
from kubenb.api.defaults_pod import canonical_resources, default_pod, default_template
from kubenb.api.defaults_stateful import default_claim, make_statefulset_defaulter
from kubenb.api.limitranger import default_limit_range
from kubenb.api.networking import default_ingress_class, default_network_policy
from kubenb.api.objects import Obj
from kubenb.api.storage import default_persistent_volume, default_storage_class
from kubenb.api.validation_rbac import default_binding


def _default_rolling_strategy(
    spec: Obj, key: str, max_unavailable: int | str, max_surge: int | str, *, fill_nulls: bool = True,
) -> None:
    """`spec[key]`: type RollingUpdate when unset, and then its maxUnavailable/maxSurge
    defaults (also over explicit nulls when `fill_nulls`, as the Deployment defaulter does)."""
    strategy = spec.get(key)
    if not isinstance(strategy, dict):
        strategy = spec[key] = {}
    if not strategy.get("type"):
        strategy["type"] = "RollingUpdate"
    if strategy["type"] == "RollingUpdate":
        ru = strategy.get("rollingUpdate")
        if not isinstance(ru, dict):
            ru = strategy["rollingUpdate"] = {}
        for name, value in (("maxUnavailable", max_unavailable), ("maxSurge", max_surge)):
            if name not in ru or (fill_nulls and ru[name] is None):
                ru[name] = value


def _default_deployment(d: Obj) -> None:
    spec = d.setdefault("spec", {})
    if spec.get("replicas") is None:
        spec["replicas"] = 1
    _default_rolling_strategy(spec, "strategy", "25%", "25%")
    if spec.get("revisionHistoryLimit") is None:
        spec["revisionHistoryLimit"] = 10
    if spec.get("progressDeadlineSeconds") is None:
        spec["progressDeadlineSeconds"] = 600
    default_template(spec.get("template"))


def _default_replicaset(rs: Obj) -> None:
    spec = rs.setdefault("spec", {})
    if spec.get("replicas") is None:
        spec["replicas"] = 1
    default_template(spec.get("template"))


def _default_daemonset(ds: Obj) -> None:
    """SetDefaults_DaemonSet: RollingUpdate with maxUnavailable 1 / maxSurge 0, history 10."""
    spec = ds.setdefault("spec", {})
    _default_rolling_strategy(spec, "updateStrategy", 1, 0, fill_nulls=False)
    if spec.get("revisionHistoryLimit") is None:
        spec["revisionHistoryLimit"] = 10
    default_template(spec.get("template"))


def _default_replicationcontroller(rc: Obj) -> None:
    """SetDefaults_ReplicationController: selector and labels from the template's labels."""
    spec = rc.setdefault("spec", {})
    template = spec.get("template")
    labels = ((template or {}).get("metadata") or {}).get("labels") if isinstance(template, dict) else None
    if labels is not None:
        if not spec.get("selector"):
            spec["selector"] = dict(labels)
        meta = rc.setdefault("metadata", {})
        if not meta.get("labels"):
            meta["labels"] = dict(labels)
    if spec.get("replicas") is None:
        spec["replicas"] = 1
    default_template(template)


def _default_service(svc: Obj) -> None:
    spec = svc.setdefault("spec", {})
    if not spec.get("sessionAffinity"):
        spec["sessionAffinity"] = "None"
    if spec["sessionAffinity"] == "None":
        spec.pop("sessionAffinityConfig", None)
    elif spec["sessionAffinity"] == "ClientIP":
        client_ip = (spec.get("sessionAffinityConfig") or {}).get("clientIP") or {}
        if client_ip.get("timeoutSeconds") is None:
            spec["sessionAffinityConfig"] = {"clientIP": {"timeoutSeconds": 10800}}
    if not spec.get("type"):
        spec["type"] = "ClusterIP"
    svc_type = spec["type"]
    for port in spec.get("ports") or []:
        if not isinstance(port, dict):
            continue
        if not port.get("protocol"):
            port["protocol"] = "TCP"
        if port.get("targetPort") in (None, 0, ""):
            port["targetPort"] = port.get("port")
    externally = svc_type in ("LoadBalancer", "NodePort") or (
        svc_type == "ClusterIP" and bool(spec.get("externalIPs")))
    if externally and not spec.get("externalTrafficPolicy"):
        spec["externalTrafficPolicy"] = "Cluster"
    if spec.get("internalTrafficPolicy") is None and svc_type in ("ClusterIP", "NodePort", "LoadBalancer"):
        spec["internalTrafficPolicy"] = "Cluster"
    if svc_type == "LoadBalancer" and spec.get("allocateLoadBalancerNodePorts") is None:
        spec["allocateLoadBalancerNodePorts"] = True
    # The strategy keeps clusterIP and clusterIPs in step (NormalizeClusterIPs).
    if spec.get("clusterIP") and not spec.get("clusterIPs"):
        spec["clusterIPs"] = [spec["clusterIP"]]
    elif spec.get("clusterIPs") and not spec.get("clusterIP"):
        spec["clusterIP"] = spec["clusterIPs"][0]
    if svc_type != "ExternalName":
        headless_without_selector = spec.get("clusterIP") == "None" and not spec.get("selector")
        if spec.get("ipFamilyPolicy") is None:
            spec["ipFamilyPolicy"] = "RequireDualStack" if headless_without_selector else "SingleStack"
        if not spec.get("ipFamilies"):
            dual = spec["ipFamilyPolicy"] in ("RequireDualStack",)
            spec["ipFamilies"] = ["IPv4", "IPv6"] if dual else ["IPv4"]


def _default_secret(secret: Obj) -> None:
    if not secret.get("type"):
        secret["type"] = "Opaque"
    # v1 -> internal conversion: stringData is write-only and lands in data, base64-encoded.
    string_data = secret.pop("stringData", None)
    if isinstance(string_data, dict) and string_data:
        data = secret.get("data") if isinstance(secret.get("data"), dict) else {}
        for key, value in string_data.items():
            data[key] = base64.b64encode(str(value).encode("utf-8")).decode("ascii")
        secret["data"] = data


def _default_namespace(ns: Obj) -> None:
    meta = ns.setdefault("metadata", {})
    if meta.get("name"):
        meta["labels"] = {**(meta.get("labels") or {}), "kubernetes.io/metadata.name": meta["name"]}
    # The strategy adds the finalizer on create; it must stay removable while the
    # namespace is being finalized, so never re-add it once deletion has started.
    if not meta.get("deletionTimestamp"):
        spec = ns.setdefault("spec", {})
        finalizers = spec.get("finalizers") or []
        if "kubernetes" not in finalizers:
            spec["finalizers"] = [*finalizers, "kubernetes"]
    status = ns.setdefault("status", {})
    if not status.get("phase"):
        status["phase"] = "Active"


def _default_node(node: Obj) -> None:
    status = node.get("status")
    if not isinstance(status, dict):
        return
    if status.get("allocatable") is None and isinstance(status.get("capacity"), dict):
        status["allocatable"] = dict(status["capacity"])
    canonical_resources({"limits": status.get("capacity"), "requests": status.get("allocatable")})


def _default_endpoints(ep: Obj) -> None:
    for subset in ep.get("subsets") or []:
        for port in (subset or {}).get("ports") or []:
            if isinstance(port, dict) and not port.get("protocol"):
                port["protocol"] = "TCP"


_DEFAULTERS: dict[str, Callable[[Obj], None]] = {
    "CustomResourceDefinition": default_crd,
    "StatefulSet": make_statefulset_defaulter(default_template),
    "PersistentVolumeClaim": default_claim,
    "PersistentVolume": default_persistent_volume,
    "StorageClass": default_storage_class,
    "NetworkPolicy": default_network_policy,
    "IngressClass": default_ingress_class,
    "Pod": default_pod,
    "Deployment": _default_deployment,
    "ReplicaSet": _default_replicaset,
    "DaemonSet": _default_daemonset,
    "ReplicationController": _default_replicationcontroller,
    "Service": _default_service,
    "Secret": _default_secret,
    "Namespace": _default_namespace,
    "Node": _default_node,
    "Endpoints": _default_endpoints,
    "Job": default_job,
    "CronJob": default_cronjob,
    "HorizontalPodAutoscaler": defaults_autoscaling.default_hpa,
    "PodDisruptionBudget": defaults_autoscaling.default_pdb,
    "RoleBinding": default_binding,
    "ClusterRoleBinding": default_binding,
    "Lease": defaults_autoscaling.default_lease,
    "LimitRange": default_limit_range,
}


def apply_defaults(obj: Obj) -> None:
    """Fill Kubernetes' defaults into `obj` in place (unknown kinds are left alone)."""
    defaulter = _DEFAULTERS.get(obj.get("kind", ""))
    if defaulter is not None:
        defaulter(obj)

