"""`kubectl describe pod` and the `Pod Template:` block of workload describers.

`describe_pod` follows kubectl `describePod` key by key: optional keys (Priority Class
Name, Reason, Message, NominatedNodeName, Init Containers, Readiness Gates, Topology Spread
Constraints, Events) appear only when set; a pod being deleted shows
`Terminating (lasts <age>)` and its grace period. `write_pod_template` is
`DescribePodTemplate`, shared by the Deployment and ReplicaSet describers.
Fed by the CLI's describe command (the pod, and the events about it).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kubenb.api.pods import qos_class
from kubenb.api.tables.duration import age
from kubenb.api.tables.model import format_label_selector
from kubenb.cli.kubectl.describe.common import (
    annotations_multiline,
    controlled_by,
    labels_multiline,
    tolerations_multiline,
    write_resources,
)
from kubenb.cli.kubectl.describe.containers import write_containers
from kubenb.cli.kubectl.describe.events import write_events
from kubenb.cli.kubectl.describe.volumes import write_volumes
from kubenb.cli.kubectl.describe.writer import DEFAULT_KUBECTL_MINOR, DescribeWriter, meta, rfc1123z


def _write_topology_spread(w: DescribeWriter, constraints: list[dict[str, Any]] | None, space: str) -> None:
    if not constraints:
        return
    w.write(0, f"{space}Topology Spread Constraints:\t")
    for i, tsc in enumerate(sorted(constraints, key=lambda t: t.get("topologyKey", ""))):
        if i:
            w.write(0, space)
            w.write(0, "\t")
        text = f"{tsc.get('topologyKey', '')}:{tsc.get('whenUnsatisfiable', '')}"
        text += f" when max skew {tsc.get('maxSkew', 0)} is exceeded"
        if tsc.get("labelSelector") is not None:
            text += f" for selector {format_label_selector(tsc['labelSelector'])}"
        w.write(0, text + "\n")


def _write_conditions(w: DescribeWriter, pod: dict[str, Any]) -> None:
    spec, status = pod.get("spec") or {}, pod.get("status") or {}
    conditions = status.get("conditions") or []
    gates = spec.get("readinessGates") or []
    if gates:
        w.write(0, "Readiness Gates:\n  Type\tStatus\n")
        for gate in gates:
            found = next((c for c in conditions if c.get("type") == gate.get("conditionType")), None)
            value = found.get("status", "") if found is not None else "<none>"
            w.write(1, f"{gate.get('conditionType', '')} \t{value} \n")
    if conditions:
        w.write(0, "Conditions:\n  Type\tStatus\n")
        for c in conditions:
            w.write(1, f"{c.get('type', '')} \t{c.get('status', '')} \n")


def describe_pod(
    pod: dict[str, Any], events: list[dict[str, Any]] | None, now: datetime, *,
    kubectl_minor: int = DEFAULT_KUBECTL_MINOR,
) -> str:
    """`kubectl describe pod` text. `events=None` leaves the Events section out (--show-events=false)."""
    m, spec, status = meta(pod), pod.get("spec") or {}, pod.get("status") or {}
    w = DescribeWriter()
    w.write(0, f"Name:\t{m.get('name', '')}\n")
    w.write(0, f"Namespace:\t{m.get('namespace', '')}\n")
    if spec.get("priority") is not None:
        w.write(0, f"Priority:\t{spec['priority']}\n")
    if spec.get("priorityClassName"):
        w.write(0, f"Priority Class Name:\t{spec['priorityClassName']}\n")
    if spec.get("runtimeClassName"):
        w.write(0, f"Runtime Class Name:\t{spec['runtimeClassName']}\n")
    if spec.get("serviceAccountName"):
        w.write(0, f"Service Account:\t{spec['serviceAccountName']}\n")
    if not spec.get("nodeName"):
        w.write(0, "Node:\t<none>\n")
    else:
        w.write(0, f"Node:\t{spec['nodeName']}/{status.get('hostIP', '')}\n")
    if status.get("startTime"):
        w.write(0, f"Start Time:\t{rfc1123z(status['startTime'])}\n")
    labels_multiline(w, "Labels", m.get("labels"))
    annotations_multiline(w, "Annotations", m.get("annotations"))
    phase = status.get("phase", "")
    if m.get("deletionTimestamp") and phase not in ("Failed", "Succeeded"):
        w.write(0, f"Status:\tTerminating (lasts {age(m['deletionTimestamp'], now)})\n")
        w.write(0, f"Termination Grace Period:\t{m.get('deletionGracePeriodSeconds', 0)}s\n")
    else:
        w.write(0, f"Status:\t{phase}\n")
    if status.get("reason"):
        w.write(0, f"Reason:\t{status['reason']}\n")
    if status.get("message"):
        w.write(0, f"Message:\t{status['message']}\n")
    seccomp = (spec.get("securityContext") or {}).get("seccompProfile")
    if seccomp is not None:
        w.write(0, f"SeccompProfile:\t{seccomp.get('type', '')}\n")
        if seccomp.get("type") == "Localhost":
            w.write(0, f"LocalhostProfile:\t{seccomp.get('localhostProfile', '')}\n")
    w.write(0, f"IP:\t{status.get('podIP', '')}\n")
    pod_ips = status.get("podIPs") or []
    if not pod_ips:
        w.write(0, "IPs:\t<none>\n")
    else:
        w.write(0, "IPs:\n")
        for ip in pod_ips:
            w.write(1, f"IP:\t{ip.get('ip', '')}\n")
    controlled_by(w, pod)
    if status.get("nominatedNodeName"):
        w.write(0, f"NominatedNodeName:\t{status['nominatedNodeName']}\n")
    if spec.get("resources") is not None:
        w.write(0, "Resources:\n")
        write_resources(w, spec["resources"], 1)
    if spec.get("initContainers"):
        write_containers(w, "Init Containers", spec["initContainers"],
                         status.get("initContainerStatuses"), pod, "", kubectl_minor)
    write_containers(w, "Containers", spec.get("containers"), status.get("containerStatuses"),
                     pod, "", kubectl_minor)
    if spec.get("ephemeralContainers"):
        write_containers(w, "Ephemeral Containers", spec["ephemeralContainers"],
                         status.get("ephemeralContainerStatuses"), pod, "", kubectl_minor)
    _write_conditions(w, pod)
    write_volumes(w, spec.get("volumes"), "", kubectl_minor)
    w.write(0, f"QoS Class:\t{status.get('qosClass') or qos_class(pod)}\n")
    labels_multiline(w, "Node-Selectors", spec.get("nodeSelector"))
    tolerations_multiline(w, "Tolerations", spec.get("tolerations"))
    _write_topology_spread(w, spec.get("topologySpreadConstraints"), "")
    if events is not None:
        write_events(w, events, now, field_path_prefix=kubectl_minor >= 35)
    return w.render()


def write_pod_template(w: DescribeWriter, template: dict[str, Any] | None, minor: int) -> None:
    """kubectl `DescribePodTemplate`: the `Pod Template:` block of Deployments and ReplicaSets."""
    w.write(0, "Pod Template:\n")
    if template is None:
        w.write(1, "<unset>")
        return
    tmeta, spec = template.get("metadata") or {}, template.get("spec") or {}
    labels_multiline(w, "  Labels", tmeta.get("labels"))
    if tmeta.get("annotations"):
        annotations_multiline(w, "  Annotations", tmeta["annotations"])
    if spec.get("serviceAccountName"):
        w.write(1, f"Service Account:\t{spec['serviceAccountName']}\n")
    if spec.get("initContainers"):
        write_containers(w, "Init Containers", spec["initContainers"], None, None, "  ", minor)
    write_containers(w, "Containers", spec.get("containers"), None, None, "  ", minor)
    write_volumes(w, spec.get("volumes"), "  ", minor)
    _write_topology_spread(w, spec.get("topologySpreadConstraints"), "  ")
    if spec.get("priorityClassName"):
        w.write(1, f"Priority Class Name:\t{spec['priorityClassName']}\n")
    labels_multiline(w, "  Node-Selectors", spec.get("nodeSelector"))
    tolerations_multiline(w, "  Tolerations", spec.get("tolerations"))
