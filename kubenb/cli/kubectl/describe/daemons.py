"""`kubectl describe daemonset` and `kubectl describe replicationcontroller` (describe.go
DaemonSetDescriber, ReplicationControllerDescriber).

Both count the phases of the pods they select and control (`Pods Status`), print the pod
template and the events. Fed by the CLI's describe command with the pods of the namespace
that match the selector.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kubenb.api.selectors import Selector, from_label_selector, from_map
from kubenb.api.tables.model import format_labels, selector_string
from kubenb.cli.kubectl.describe.common import (
    annotations_multiline,
    controller_of,
    labels_multiline,
)
from kubenb.cli.kubectl.describe.events import write_events
from kubenb.cli.kubectl.describe.pod import write_pod_template
from kubenb.cli.kubectl.describe.workloads import _write_conditions
from kubenb.cli.kubectl.describe.writer import DEFAULT_KUBECTL_MINOR, DescribeWriter, meta


def _phases(owner: dict[str, Any], selector: Selector, pods: list[dict[str, Any]]) -> str:
    """getPodStatusForController: `R Running / W Waiting / S Succeeded / F Failed`."""
    uid = meta(owner).get("uid")
    counts = {"Running": 0, "Pending": 0, "Succeeded": 0, "Failed": 0}
    for pod in pods:
        ref = controller_of(pod)
        if ref is None or ref.get("uid") != uid or not selector.matches(meta(pod).get("labels") or {}):
            continue
        phase = (pod.get("status") or {}).get("phase", "")
        if phase in counts:
            counts[phase] += 1
    return (f"{counts['Running']} Running / {counts['Pending']} Waiting / "
            f"{counts['Succeeded']} Succeeded / {counts['Failed']} Failed")


def describe_daemonset(
    ds: dict[str, Any], pods: list[dict[str, Any]], events: list[dict[str, Any]] | None,
    now: datetime, *, kubectl_minor: int = DEFAULT_KUBECTL_MINOR,
) -> str:
    """`kubectl describe daemonset` text; `pods` may be every pod of the namespace."""
    m, spec, status = meta(ds), ds.get("spec") or {}, ds.get("status") or {}
    template = spec.get("template") or {}
    w = DescribeWriter()
    w.write(0, f"Name:\t{m.get('name', '')}\n")
    w.write(0, f"Selector:\t{selector_string(spec.get('selector'))}\n")
    w.write(0, f"Node-Selector:\t{format_labels((template.get('spec') or {}).get('nodeSelector'))}\n")
    labels_multiline(w, "Labels", m.get("labels"))
    annotations_multiline(w, "Annotations", m.get("annotations"))
    for text, key in (("Desired Number of Nodes Scheduled", "desiredNumberScheduled"),
                      ("Current Number of Nodes Scheduled", "currentNumberScheduled"),
                      ("Number of Nodes Scheduled with Up-to-date Pods", "updatedNumberScheduled"),
                      ("Number of Nodes Scheduled with Available Pods", "numberAvailable"),
                      ("Number of Nodes Misscheduled", "numberMisscheduled")):
        w.write(0, f"{text}: {status.get(key, 0)}\n")
    w.write(0, f"Pods Status:\t{_phases(ds, from_label_selector(spec.get('selector')), pods)}\n")
    write_pod_template(w, template, kubectl_minor)
    if events is not None:
        write_events(w, events, now, field_path_prefix=kubectl_minor >= 35)
    return w.render()


def describe_replicationcontroller(
    rc: dict[str, Any], pods: list[dict[str, Any]], events: list[dict[str, Any]] | None,
    now: datetime, *, kubectl_minor: int = DEFAULT_KUBECTL_MINOR,
) -> str:
    """`kubectl describe replicationcontroller` text; `pods` may be every pod of the namespace."""
    m, spec, status = meta(rc), rc.get("spec") or {}, rc.get("status") or {}
    w = DescribeWriter()
    w.write(0, f"Name:\t{m.get('name', '')}\n")
    w.write(0, f"Namespace:\t{m.get('namespace', '')}\n")
    w.write(0, f"Selector:\t{format_labels(spec.get('selector'))}\n")
    labels_multiline(w, "Labels", m.get("labels"))
    annotations_multiline(w, "Annotations", m.get("annotations"))
    w.write(0, f"Replicas:\t{status.get('replicas', 0)} current / {spec.get('replicas', 1)} desired\n")
    w.write(0, f"Pods Status:\t{_phases(rc, from_map(spec.get('selector')), pods)}\n")
    write_pod_template(w, spec.get("template") or {}, kubectl_minor)
    _write_conditions(w, status.get("conditions"))
    if events is not None:
        write_events(w, events, now, field_path_prefix=kubectl_minor >= 35)
    return w.render()
