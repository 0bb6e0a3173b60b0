"""`kubectl describe deployment` and `kubectl describe replicaset`.

The Deployment describer finds its ReplicaSets the way kubectl's `deploymentutil` does:
ReplicaSets controlled by the Deployment (ownerReference uid), sorted by creation time then
name; the new one is the oldest whose pod template equals the Deployment's ignoring the
`pod-template-hash` label; the old ones shown are the others with `spec.replicas != 0`.
The ReplicaSet describer counts the phases of the pods it controls for `Pods Status`.
Fed by the CLI's describe command (the object, the ReplicaSets or pods of its namespace,
and the events about it).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kubenb.api.selectors import Selector, from_label_selector
from kubenb.api.tables.duration import parse_time
from kubenb.api.tables.model import format_label_selector, selector_string
from kubenb.cli.kubectl.describe.common import (
    controlled_by,
    controller_of,
    labels_and_annotations,
)
from kubenb.cli.kubectl.describe.events import write_events_if_shown
from kubenb.cli.kubectl.describe.pod import write_pod_template
from kubenb.cli.kubectl.describe.writer import (
    DEFAULT_KUBECTL_MINOR,
    DescribeWriter,
    int_or_string,
    meta,
    rfc1123z,
)

POD_TEMPLATE_HASH = "pod-template-hash"


def _semantic(value: Any) -> Any:
    """Drop what Go's semantic DeepEqual cannot tell from missing: nulls, empty maps and lists."""
    if isinstance(value, dict):
        out = {k: _semantic(v) for k, v in value.items()}
        return {k: v for k, v in out.items() if v not in (None, {}, [])}
    if isinstance(value, list):
        return [_semantic(v) for v in value]
    return value


def templates_equal_ignoring_hash(a: dict[str, Any] | None, b: dict[str, Any] | None) -> bool:
    """`EqualIgnoreHash`: pod templates equal once `pod-template-hash` labels are removed."""
    def strip(template: dict[str, Any] | None) -> Any:
        template = dict(template or {})
        tmeta = dict(template.get("metadata") or {})
        labels = dict(tmeta.get("labels") or {})
        labels.pop(POD_TEMPLATE_HASH, None)
        tmeta["labels"] = labels
        template["metadata"] = tmeta
        return _semantic(template)
    return bool(strip(a) == strip(b))


def _by_creation(rs: dict[str, Any]) -> tuple[Any, str]:
    when = parse_time(meta(rs).get("creationTimestamp"))
    return (when.timestamp() if when is not None else float("-inf"), meta(rs).get("name", ""))


def split_replicasets(
    deploy: dict[str, Any], replicasets: list[dict[str, Any]],
) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """(old ReplicaSets with replicas != 0, the new ReplicaSet or None), as kubectl finds them."""
    uid = meta(deploy).get("uid")
    owned = []
    for rs in replicasets:
        ref = controller_of(rs)
        if ref is not None and ref.get("uid") == uid and meta(rs).get("namespace") == meta(deploy).get("namespace"):
            owned.append(rs)
    owned.sort(key=_by_creation)
    template = (deploy.get("spec") or {}).get("template")
    new = next((rs for rs in owned
                if templates_equal_ignoring_hash((rs.get("spec") or {}).get("template"), template)), None)
    old = [rs for rs in owned
           if rs is not new and (rs.get("spec") or {}).get("replicas", 1) != 0]
    return old, new


def _replicasets_text(replicasets: list[dict[str, Any]]) -> str:
    texts = [f"{meta(rs).get('name', '')} ({(rs.get('status') or {}).get('replicas', 0)}/"
             f"{(rs.get('spec') or {}).get('replicas', 1)} replicas created)" for rs in replicasets]
    return ", ".join(texts) or "<none>"


def write_conditions(w: DescribeWriter, conditions: list[dict[str, Any]] | None) -> None:
    """A controller's `Conditions:` table (Type, Status, Reason), or nothing when it has none."""
    if conditions:
        w.write(0, "Conditions:\n  Type\tStatus\tReason\n")
        w.write(1, "----\t------\t------\n")
        for c in conditions:
            w.write(1, f"{c.get('type', '')} \t{c.get('status', '')}\t{c.get('reason', '')}\n")


def describe_deployment(
    deploy: dict[str, Any], replicasets: list[dict[str, Any]], events: list[dict[str, Any]] | None,
    now: datetime, *, kubectl_minor: int = DEFAULT_KUBECTL_MINOR,
) -> str:
    """`kubectl describe deployment` text; `replicasets` may be every ReplicaSet of the namespace."""
    m, spec, status = meta(deploy), deploy.get("spec") or {}, deploy.get("status") or {}
    w = DescribeWriter()
    w.write(0, f"Name:\t{m.get('name', '')}\n")
    w.write(0, f"Namespace:\t{m.get('namespace', '')}\n")
    w.write(0, f"CreationTimestamp:\t{rfc1123z(m.get('creationTimestamp'))}\n")
    labels_and_annotations(w, m)
    w.write(0, f"Selector:\t{selector_string(spec.get('selector'))}\n")
    w.write(0, f"Replicas:\t{spec.get('replicas', 1)} desired | {status.get('updatedReplicas', 0)} updated | "
               f"{status.get('replicas', 0)} total | {status.get('availableReplicas', 0)} available | "
               f"{status.get('unavailableReplicas', 0)} unavailable\n")
    strategy = spec.get("strategy") or {}
    w.write(0, f"StrategyType:\t{strategy.get('type', '')}\n")
    w.write(0, f"MinReadySeconds:\t{spec.get('minReadySeconds', 0)}\n")
    rolling = strategy.get("rollingUpdate")
    if rolling is not None:
        w.write(0, f"RollingUpdateStrategy:\t{int_or_string(rolling.get('maxUnavailable'))} max unavailable, "
                   f"{int_or_string(rolling.get('maxSurge'))} max surge\n")
    write_pod_template(w, spec.get("template") or {}, kubectl_minor)
    write_conditions(w, status.get("conditions"))
    old, new = split_replicasets(deploy, replicasets)
    if old or new is not None:
        w.write(0, f"OldReplicaSets:\t{_replicasets_text(old)}\n")
        w.write(0, f"NewReplicaSet:\t{_replicasets_text([new] if new is not None else [])}\n")
    write_events_if_shown(w, events, now, kubectl_minor)
    return w.render()


def pod_phase_counts(
    owner: dict[str, Any], pods: list[dict[str, Any]], selector: Selector | None = None,
) -> tuple[int, int, int, int]:
    """(running, waiting, succeeded, failed) of the pods the owner selects and controls;
    `selector` defaults to the owner's `spec.selector` read as a LabelSelector."""
    if selector is None:
        selector = from_label_selector((owner.get("spec") or {}).get("selector"))
    uid = meta(owner).get("uid")
    counts = {"Running": 0, "Pending": 0, "Succeeded": 0, "Failed": 0}
    for pod in pods:
        ref = controller_of(pod)
        if ref is None or ref.get("uid") != uid or not selector.matches(meta(pod).get("labels") or {}):
            continue
        phase = (pod.get("status") or {}).get("phase", "")
        if phase in counts:
            counts[phase] += 1
    return counts["Running"], counts["Pending"], counts["Succeeded"], counts["Failed"]


def write_pods_status(
    w: DescribeWriter, owner: dict[str, Any], pods: list[dict[str, Any]], selector: Selector | None = None,
) -> None:
    """getPodStatusForController: `Pods Status:\tR Running / W Waiting / S Succeeded / F Failed`."""
    running, waiting, succeeded, failed = pod_phase_counts(owner, pods, selector)
    w.write(0, f"Pods Status:\t{running} Running / {waiting} Waiting / {succeeded} Succeeded / {failed} Failed\n")


def describe_replicaset(
    rs: dict[str, Any], pods: list[dict[str, Any]], events: list[dict[str, Any]] | None,
    now: datetime, *, kubectl_minor: int = DEFAULT_KUBECTL_MINOR,
) -> str:
    """`kubectl describe replicaset` text; `pods` may be every pod of the namespace."""
    m, spec, status = meta(rs), rs.get("spec") or {}, rs.get("status") or {}
    w = DescribeWriter()
    w.write(0, f"Name:\t{m.get('name', '')}\n")
    w.write(0, f"Namespace:\t{m.get('namespace', '')}\n")
    w.write(0, f"Selector:\t{format_label_selector(spec.get('selector'))}\n")
    labels_and_annotations(w, m)
    controlled_by(w, rs)
    w.write(0, f"Replicas:\t{status.get('replicas', 0)} current / {spec.get('replicas', 1)} desired\n")
    write_pods_status(w, rs, pods)
    write_pod_template(w, spec.get("template") or {}, kubectl_minor)
    write_conditions(w, status.get("conditions"))
    write_events_if_shown(w, events, now, kubectl_minor)
    return w.render()
