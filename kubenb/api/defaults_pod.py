"""Pod defaulting: what the API server fills into a pod spec and its containers, volumes and
probes (pkg/apis/core/v1/defaults.go plus the ServiceAccount and Priority admission parts),
for pods and for every workload's pod template. `defaults.py` dispatches by kind and calls
`default_pod` / `default_template`; the workload defaulters of their own modules
(defaults_batch.py, defaults_stateful.py) call `default_pod_spec`.
"""

from __future__ import annotations

import re

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


def canonical_resources(resources: Obj) -> None:
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
    canonical_resources(c["resources"])
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


# scheduling.SystemPriorityClasses(): the classes the API server creates at start
SYSTEM_PRIORITY_CLASSES = {"system-node-critical": 2000001000,
                           "system-cluster-critical": 2000000000}


def default_pod(pod: Obj) -> None:
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
    annotations = (pod.get("metadata") or {}).get("annotations") or {}
    if "kubernetes.io/config.mirror" not in annotations:  # a mirror pod has no service account
        if not spec.get("serviceAccountName"):
            spec["serviceAccountName"] = spec.get("serviceAccount") or "default"
        spec["serviceAccount"] = spec["serviceAccountName"]
    if spec.get("priority") is None:
        # the Priority admission plugin: the system classes every cluster has, or 0
        name = spec.get("priorityClassName") or ""
        if not name or name in SYSTEM_PRIORITY_CLASSES:
            spec["priority"] = SYSTEM_PRIORITY_CLASSES.get(name, 0)
    if spec.get("preemptionPolicy") is None:
        spec["preemptionPolicy"] = "PreemptLowerPriority"


def default_template(template: Obj | None) -> None:
    if isinstance(template, dict):
        default_pod_spec(template.setdefault("spec", {}))
