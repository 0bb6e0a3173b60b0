"""Defaulting: fill the fields the real API server fills before it stores an object.

`apply_defaults(obj)` mutates an object in place, dispatching on `obj["kind"]`, with
Kubernetes' SetDefaults_* (pkg/apis/core/v1/defaults.go, pkg/apis/apps/v1/defaults.go,
the generated declarative defaults), the create-time parts of the Namespace strategy,
and what the ServiceAccount and Priority admission plugins add to every pod
(DefaultTolerationSeconds lives in api/admission.py). Resource quantities are rounded
up to 1m and re-printed in canonical form, as the API serves them ("0.5" -> "500m").

The store calls it on create and update, then `validation.validate`. Everything here is
idempotent. Not done here: cluster IP / node port allocation, the service-account
token volume (needs a random suffix), pod status (the pod strategy's job).
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable

from kubenb.api import defaults_autoscaling
from kubenb.api.defaults_batch import default_cronjob, default_job
from kubenb.api.defaults_stateful import default_claim, make_statefulset_defaulter
from kubenb.api.objects import Obj
from kubenb.api.quantity import round_up_milli

DEFAULT_FILE_MODE = 420  # 0644

# docker/distribution reference grammar, enough to find a tag the way ParseImageName does.
_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_DOMAIN_PART = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN = rf"(?:{_DOMAIN_PART}(?:\.{_DOMAIN_PART})*|\[[0-9a-fA-F:.]+\])(?::[0-9]+)?"
_REFERENCE = re.compile(
    rf"(?:{_DOMAIN}/)?{_COMPONENT}(?:/{_COMPONENT})*"
    r"(?::(?P<tag>[\w][\w.-]{0,127}))?"
    r"(?:@(?P<digest>[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}))?"
)


def image_tag(image: str) -> str:
    """The tag ParseImageName reports: "latest" when neither tag nor digest, "" if unparsable."""
    m = _REFERENCE.fullmatch(image)
    if m is None:
        return ""
    if m.group("tag"):
        return m.group("tag")
    return "" if m.group("digest") else "latest"


def _unset(d: Obj, key: str) -> bool:
    """Go zero value for a string or int field, or a nil pointer."""
    return d.get(key) in (None, "", 0) and d.get(key) is not False


def _canonical_resources(resources: Obj) -> None:
    for key in ("limits", "requests"):
        rl = resources.get(key)
        if not isinstance(rl, dict):
            continue
        for name, value in rl.items():
            try:
                rl[name] = round_up_milli(value)
            except (ValueError, TypeError):
                pass  # left for validation to reject


def _default_http_get(action: Obj | None) -> None:
    if isinstance(action, dict):
        if not action.get("path"):
            action["path"] = "/"
        if not action.get("scheme"):
            action["scheme"] = "HTTP"


def _default_probe(probe: Obj | None) -> None:
    if not isinstance(probe, dict):
        return
    for key, value in (("timeoutSeconds", 1), ("periodSeconds", 10),
                       ("successThreshold", 1), ("failureThreshold", 3)):
        if _unset(probe, key):
            probe[key] = value
    _default_http_get(probe.get("httpGet"))


def _default_container(c: Obj) -> None:
    if not c.get("imagePullPolicy"):
        c["imagePullPolicy"] = "Always" if image_tag(c.get("image") or "") == "latest" else "IfNotPresent"
    if not c.get("terminationMessagePath"):
        c["terminationMessagePath"] = "/dev/termination-log"
    if not c.get("terminationMessagePolicy"):
        c["terminationMessagePolicy"] = "File"
    if c.get("resources") is None:
        c["resources"] = {}
    _canonical_resources(c["resources"])
    for port in c.get("ports") or []:
        if isinstance(port, dict) and not port.get("protocol"):
            port["protocol"] = "TCP"
    for env in c.get("env") or []:
        field_ref = ((env or {}).get("valueFrom") or {}).get("fieldRef")
        if isinstance(field_ref, dict) and not field_ref.get("apiVersion"):
            field_ref["apiVersion"] = "v1"
    for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
        _default_probe(c.get(probe))
    for hook in ("postStart", "preStop"):
        _default_http_get(((c.get("lifecycle") or {}).get(hook) or {}).get("httpGet"))


def _default_volume(v: Obj) -> None:
    if not any(k != "name" for k in v):
        v["emptyDir"] = {}
    for source in ("secret", "configMap", "downwardAPI", "projected"):
        if isinstance(v.get(source), dict) and v[source].get("defaultMode") is None:
            v[source]["defaultMode"] = DEFAULT_FILE_MODE
    if isinstance(v.get("hostPath"), dict) and v["hostPath"].get("type") is None:
        v["hostPath"]["type"] = ""
    for src in (v.get("projected") or {}).get("sources") or []:
        token = (src or {}).get("serviceAccountToken")
        if isinstance(token, dict) and token.get("expirationSeconds") is None:
            token["expirationSeconds"] = 3600


def _all_containers(spec: Obj) -> list[Obj]:
    out = []
    for key in ("initContainers", "containers", "ephemeralContainers"):
        out.extend(c for c in spec.get(key) or [] if isinstance(c, dict))
    return out


def default_pod_spec(spec: Obj) -> None:
    """SetDefaults_PodSpec and what it reaches: containers, probes, volumes."""
    if not spec.get("dnsPolicy"):
        spec["dnsPolicy"] = "ClusterFirst"
    if not spec.get("restartPolicy"):
        spec["restartPolicy"] = "Always"
    if spec.get("securityContext") is None:
        spec["securityContext"] = {}
    if spec.get("terminationGracePeriodSeconds") is None:
        spec["terminationGracePeriodSeconds"] = 30
    if not spec.get("schedulerName"):
        spec["schedulerName"] = "default-scheduler"
    for c in _all_containers(spec):
        _default_container(c)
    for v in spec.get("volumes") or []:
        if isinstance(v, dict):
            _default_volume(v)


def _default_pod(pod: Obj) -> None:
    spec = pod.setdefault("spec", {})
    # SetDefaults_Pod: requests default to limits (pods only, not templates).
    for c in (spec.get("containers") or []) + (spec.get("initContainers") or []):
        resources = (c or {}).get("resources") or {}
        if isinstance(resources.get("limits"), dict):
            requests = resources.setdefault("requests", {})
            for name, value in resources["limits"].items():
                requests.setdefault(name, value)
    default_pod_spec(spec)
    if spec.get("enableServiceLinks") is None:
        spec["enableServiceLinks"] = True
    if spec.get("hostNetwork"):
        for c in (spec.get("containers") or []) + (spec.get("initContainers") or []):
            for port in (c or {}).get("ports") or []:
                if not port.get("hostPort"):
                    port["hostPort"] = port.get("containerPort")
    # Admission: ServiceAccount and Priority (DefaultTolerationSeconds is api/admission.py).
    if not spec.get("serviceAccountName"):
        spec["serviceAccountName"] = spec.get("serviceAccount") or "default"
    spec["serviceAccount"] = spec["serviceAccountName"]
    if not spec.get("priorityClassName") and spec.get("priority") is None:
        spec["priority"] = 0
    if spec.get("preemptionPolicy") is None:
        spec["preemptionPolicy"] = "PreemptLowerPriority"


def _default_template(template: Obj | None) -> None:
    if isinstance(template, dict):
        default_pod_spec(template.setdefault("spec", {}))


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
    _default_template(spec.get("template"))


def _default_replicaset(rs: Obj) -> None:
    spec = rs.setdefault("spec", {})
    if spec.get("replicas") is None:
        spec["replicas"] = 1
    _default_template(spec.get("template"))


def _default_daemonset(ds: Obj) -> None:
    """SetDefaults_DaemonSet: RollingUpdate with maxUnavailable 1 / maxSurge 0, history 10."""
    spec = ds.setdefault("spec", {})
    _default_rolling_strategy(spec, "updateStrategy", 1, 0, fill_nulls=False)
    if spec.get("revisionHistoryLimit") is None:
        spec["revisionHistoryLimit"] = 10
    _default_template(spec.get("template"))


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
    _default_template(template)


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
    _canonical_resources({"limits": status.get("capacity"), "requests": status.get("allocatable")})


def _default_endpoints(ep: Obj) -> None:
    for subset in ep.get("subsets") or []:
        for port in (subset or {}).get("ports") or []:
            if isinstance(port, dict) and not port.get("protocol"):
                port["protocol"] = "TCP"


_DEFAULTERS: dict[str, Callable[[Obj], None]] = {
    "StatefulSet": make_statefulset_defaulter(_default_template),
    "PersistentVolumeClaim": default_claim,
    "Pod": _default_pod,
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
}


def apply_defaults(obj: Obj) -> None:
    """Fill Kubernetes' defaults into `obj` in place (unknown kinds are left alone)."""
    defaulter = _DEFAULTERS.get(obj.get("kind", ""))
    if defaulter is not None:
        defaulter(obj)

