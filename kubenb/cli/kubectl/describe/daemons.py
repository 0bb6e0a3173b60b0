"""`kubectl describe daemonset` and `kubectl describe replicationcontroller` (describe.go
DaemonSetDescriber, ReplicationControllerDescriber).

Both count the phases of the pods they select and control (`Pods Status`), print the pod
template and the events. Fed by the CLI's describe command with the pods of the namespace
that match the selector.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kubenb.api.selectors import from_label_selector, from_map
from kubenb.api.tables.model import format_labels, selector_string
from kubenb.cli.kubectl.describe.common import labels_and_annotations
from kubenb.cli.kubectl.describe.events import write_events_if_shown
from kubenb.cli.kubectl.describe.pod import write_pod_template
from kubenb.cli.kubectl.describe.workloads import write_conditions, write_pods_status
from kubenb.cli.kubectl.describe.writer import DEFAULT_KUBECTL_MINOR, DescribeWriter, meta


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
    labels_and_annotations(w, m)
    for text, key in (("Desired Number of Nodes Scheduled", "desiredNumberScheduled"),
                      ("Current Number of Nodes Scheduled", "currentNumberScheduled"),
                      ("Number of Nodes Scheduled with Up-to-date Pods", "updatedNumberScheduled"),
                      ("Number of Nodes Scheduled with Available Pods", "numberAvailable"),
                      ("Number of Nodes Misscheduled", "numberMisscheduled")):
        w.write(0, f"{text}: {status.get(key, 0)}\n")
    write_pods_status(w, ds, pods, from_label_selector(spec.get("selector")))
    write_pod_template(w, template, kubectl_minor)
    write_events_if_shown(w, events, now, kubectl_minor)
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
    labels_and_annotations(w, m)
    w.write(0, f"Replicas:\t{status.get('replicas', 0)} current / {spec.get('replicas', 1)} desired\n")
    write_pods_status(w, rc, pods, from_map(spec.get("selector")))
    write_pod_template(w, spec.get("template") or {}, kubectl_minor)
    write_conditions(w, status.get("conditions"))
    write_events_if_shown(w, events, now, kubectl_minor)
    return w.render()
