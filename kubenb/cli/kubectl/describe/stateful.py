"""`kubectl describe statefulset` and `kubectl describe persistentvolumeclaim`.

describeStatefulSet: identity, replicas `N desired | M total`, the update strategy (with
its partition), pod phase counts of the pods it controls, the pod template, the volume
claim templates and events. describePersistentVolumeClaim: class, phase, volume,
labels, finalizers, capacity/access modes (once bound), volume mode, the pods that mount
it (`Used By`), conditions and events. Fed by the CLI's describe command.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kubenb.api.ephemeral import pod_claims, volume_is_for_pod
from kubenb.api.tables.duration import age
from kubenb.api.tables.model import selector_string
from kubenb.api.tables.rows_stateful import access_modes_string, claim_class
from kubenb.cli.kubectl.describe.common import labels_and_annotations
from kubenb.cli.kubectl.describe.events import write_events_if_shown
from kubenb.cli.kubectl.describe.pod import write_pod_template
from kubenb.cli.kubectl.describe.workloads import write_pods_status
from kubenb.cli.kubectl.describe.writer import (
    DEFAULT_KUBECTL_MINOR,
    DescribeWriter,
    int_or_string,
    meta,
    rfc1123z,
)

Obj = dict[str, Any]


def _go_list(items: list[str] | None) -> str:
    """Go's %v of a []string: `[a b]`."""
    return "[" + " ".join(items or []) + "]"


def _indented_map(w: DescribeWriter, title: str, values: dict[str, str] | None) -> None:
    """printLabelsMultilineWithIndent(w, "  ", title, "\t", values): `key=value` lines."""
    if not values:
        w.write(1, f"{title}:\t<none>\n")
        return
    for i, key in enumerate(sorted(values)):
        w.write(1, (f"{title}:\t" if i == 0 else "\t") + f"{key}={values[key]}\n")


def _claim_templates(w: DescribeWriter, templates: list[Obj] | None) -> None:
    """describeVolumeClaimTemplates."""
    if not templates:
        w.write(0, "Volume Claims:\t<none>\n")
        return
    w.write(0, "Volume Claims:\n")
    for pvc in templates:
        tmeta = pvc.get("metadata") or {}
        spec = pvc.get("spec") or {}
        w.write(1, f"Name:\t{tmeta.get('name', '')}\n")
        w.write(1, f"StorageClass:\t{claim_class(pvc)}\n")
        _indented_map(w, "Labels", tmeta.get("labels"))
        _indented_map(w, "Annotations", tmeta.get("annotations"))
        storage = ((spec.get("resources") or {}).get("requests") or {}).get("storage")
        w.write(1, f"Capacity:\t{storage if storage is not None else '<default>'}\n")
        w.write(1, f"Access Modes:\t{_go_list(spec.get('accessModes'))}\n")


def describe_statefulset(sts: Obj, pods: list[Obj], events: list[Obj] | None, now: datetime, *,
                         kubectl_minor: int = DEFAULT_KUBECTL_MINOR) -> str:
    """`kubectl describe statefulset` text; `pods` may be every pod of the namespace."""
    m, spec, status = meta(sts), sts.get("spec") or {}, sts.get("status") or {}
    w = DescribeWriter()
    w.write(0, f"Name:\t{m.get('name', '')}\n")
    w.write(0, f"Namespace:\t{m.get('namespace', '')}\n")
    w.write(0, f"CreationTimestamp:\t{rfc1123z(m.get('creationTimestamp'))}\n")
    w.write(0, f"Selector:\t{selector_string(spec.get('selector'))}\n")
    labels_and_annotations(w, m)
    w.write(0, f"Replicas:\t{spec.get('replicas', 1)} desired | {status.get('replicas', 0)} total\n")
    strategy = spec.get("updateStrategy") or {}
    w.write(0, f"Update Strategy:\t{strategy.get('type', '')}\n")
    ru = strategy.get("rollingUpdate")
    if isinstance(ru, dict) and ru.get("partition") is not None:
        w.write(1, f"Partition:\t{ru['partition']}\n")
        if ru.get("maxUnavailable") is not None:
            w.write(1, f"MaxUnavailable:\t{int_or_string(ru['maxUnavailable'])}\n")
    write_pods_status(w, sts, pods)
    write_pod_template(w, spec.get("template") or {}, kubectl_minor)
    _claim_templates(w, spec.get("volumeClaimTemplates"))
    write_events_if_shown(w, events, now, kubectl_minor)
    return w.render()


def _uses_claim(pod: Obj, pvc: Obj) -> bool:
    """getPodsForPVC: the pod mounts the claim, directly or as its ephemeral volume's claim
    (which it must control)."""
    name = meta(pvc).get("name")
    return any(c.claim == name and (not c.ephemeral or volume_is_for_pod(pod, pvc) is None)
               for c in pod_claims(pod))


def describe_pvc(pvc: Obj, pods: list[Obj], events: list[Obj] | None, now: datetime, *,
                 kubectl_minor: int = DEFAULT_KUBECTL_MINOR) -> str:
    """`kubectl describe persistentvolumeclaim` text; `pods` are searched for `Used By`."""
    m, spec, status = meta(pvc), pvc.get("spec") or {}, pvc.get("status") or {}
    w = DescribeWriter()
    w.write(0, f"Name:\t{m.get('name', '')}\n")
    w.write(0, f"Namespace:\t{m.get('namespace', '')}\n")
    w.write(0, f"StorageClass:\t{claim_class(pvc)}\n")
    if m.get("deletionTimestamp"):
        w.write(0, f"Status:\tTerminating (lasts {age(m['deletionTimestamp'], now)})\n")
    else:
        w.write(0, f"Status:\t{status.get('phase', '')}\n")
    w.write(0, f"Volume:\t{spec.get('volumeName', '')}\n")
    labels_and_annotations(w, m)
    w.write(0, f"Finalizers:\t{_go_list(m.get('finalizers'))}\n")
    capacity = modes = ""
    if spec.get("volumeName"):
        modes = access_modes_string(status.get("accessModes"))
        capacity = str((status.get("capacity") or {}).get("storage", "0"))
    w.write(0, f"Capacity:\t{capacity}\n")
    w.write(0, f"Access Modes:\t{modes}\n")
    if spec.get("volumeMode") is not None:
        w.write(0, f"VolumeMode:\t{spec['volumeMode']}\n")
    users = [meta(p).get("name", "") for p in pods if _uses_claim(p, pvc)]
    if not users:
        w.write(0, "Used By:\t<none>\n")
    else:
        w.write(0, f"Used By:\t{users[0]}\n")
        for name in users[1:]:
            w.write(0, f"\t{name}\n")
    conditions = status.get("conditions") or []
    if conditions:
        w.write(0, "Conditions:\n")
        w.write(1, "Type\tStatus\tLastProbeTime\tLastTransitionTime\tReason\tMessage\n")
        w.write(1, "----\t------\t-----------------\t------------------\t------\t-------\n")
        for c in conditions:
            w.write(1, f"{c.get('type', '')} \t{c.get('status', '')} \t{rfc1123z(c.get('lastProbeTime'))} \t"
                       f"{rfc1123z(c.get('lastTransitionTime'))} \t{c.get('reason', '')} \t{c.get('message', '')}\n")
    write_events_if_shown(w, events, now, kubectl_minor)
    return w.render()
