"""`kubectl describe node`.

Header (Name, Roles, Labels, Annotations, CreationTimestamp, Taints, Unschedulable), the
node Lease (HolderIdentity / AcquireTime / RenewTime, or kubectl's
`Failed to get lease: ...` line when there is none), Conditions, Addresses,
Capacity/Allocatable, System Info, PodCIDR(s), the `Non-terminated Pods` table with each
pod's cpu/memory requests and limits and their share of allocatable, the
`Allocated resources` table, then Events. Fed by the CLI's describe command (the node,
the pods bound to it, its lease and the events about it).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kubenb.api.tables.duration import age
from kubenb.cli.kubectl.describe.common import (
    annotations_multiline,
    labels_multiline,
    taints_multiline,
)
from kubenb.cli.kubectl.describe.events import write_events
from kubenb.cli.kubectl.describe.podresources import (
    Amount,
    amount,
    pod_limits,
    pod_requests,
    sum_totals,
)
from kubenb.cli.kubectl.describe.writer import (
    DEFAULT_KUBECTL_MINOR,
    DescribeWriter,
    go_bool,
    meta,
    quantity_text,
    resource_names,
    rfc1123z,
)

ROLE_PREFIX = "node-role.kubernetes.io/"
ROLE_LABEL = "kubernetes.io/role"
_GO_MIN_INT64 = -(2**63)  # what int64(+Inf or NaN) gives on amd64


def node_roles(node: dict[str, Any]) -> list[str]:
    """kubectl `findNodeRoles`: `node-role.kubernetes.io/<role>` labels and `kubernetes.io/role`."""
    roles = set()
    for key, value in (meta(node).get("labels") or {}).items():
        if key.startswith(ROLE_PREFIX) and key[len(ROLE_PREFIX):]:
            roles.add(key[len(ROLE_PREFIX):])
        elif key == ROLE_LABEL and value:
            roles.add(value)
    return sorted(roles)


def _percent(part: int, whole: int) -> int:
    """Go `int64(float64(part) / float64(whole) * 100)`."""
    if whole == 0:
        return _GO_MIN_INT64
    return int(float(part) / float(whole) * 100)


def _guarded_percent(part: int, whole: int) -> int:
    return int(float(part) / float(whole) * 100) if whole != 0 else 0


def _write_lease(w: DescribeWriter, node_name: str, lease: dict[str, Any] | None) -> None:
    if lease is None:
        w.write(0, f'Lease:\tFailed to get lease: leases.coordination.k8s.io "{node_name}" not found\n')
        return
    spec = lease.get("spec") or {}
    w.write(0, "Lease:\n")
    holder = spec.get("holderIdentity")
    w.write(1, f"HolderIdentity:\t{holder if holder is not None else '<unset>'}\n")
    for title, key in (("AcquireTime", "acquireTime"), ("RenewTime", "renewTime")):
        value = rfc1123z(spec[key]) if spec.get(key) else "<unset>"
        w.write(1, f"{title}:\t{value}\n")


def _write_pods(w: DescribeWriter, node: dict[str, Any], pods: list[dict[str, Any]], now: datetime) -> None:
    status = node.get("status") or {}
    allocatable = status.get("allocatable") or status.get("capacity") or {}
    alloc_cpu = amount(allocatable["cpu"]).milli() if "cpu" in allocatable else 0
    alloc_mem = amount(allocatable["memory"]).whole() if "memory" in allocatable else 0
    w.write(0, f"Non-terminated Pods:\t({len(pods)} in total)\n")
    w.write(1, "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n")
    w.write(1, "---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n")
    zero = Amount()
    for pod in pods:
        req, lim = pod_requests(pod), pod_limits(pod)
        cpu_req, cpu_lim = req.get("cpu", zero), lim.get("cpu", zero)
        mem_req, mem_lim = req.get("memory", zero), lim.get("memory", zero)
        m = meta(pod)
        w.write(1, f"{m.get('namespace', '')}\t{m.get('name', '')}\t\t"
                   f"{cpu_req.text()} ({_percent(cpu_req.milli(), alloc_cpu)}%)\t"
                   f"{cpu_lim.text()} ({_percent(cpu_lim.milli(), alloc_cpu)}%)\t"
                   f"{mem_req.text()} ({_percent(mem_req.whole(), alloc_mem)}%)\t"
                   f"{mem_lim.text()} ({_percent(mem_lim.whole(), alloc_mem)}%)\t"
                   f"{age(m.get('creationTimestamp'), now)}\n")

    w.write(0, "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n")
    w.write(1, "Resource\tRequests\tLimits\n")
    w.write(1, "--------\t--------\t------\n")
    reqs, limits = sum_totals(pods)
    for name, scale in (("cpu", "milli"), ("memory", "whole"), ("ephemeral-storage", "whole")):
        total_r, total_l = reqs.get(name, zero), limits.get(name, zero)
        whole = getattr(amount(allocatable[name]), scale)() if name in allocatable else 0
        w.write(1, f"{name}\t{total_r.text()} ({_guarded_percent(getattr(total_r, scale)(), whole)}%)\t"
                   f"{total_l.text()} ({_guarded_percent(getattr(total_l, scale)(), whole)}%)\n")
    hugepages = sorted(n for n in allocatable if n.startswith("hugepages-"))
    extended = sorted(n for n in allocatable
                      if not n.startswith("hugepages-")
                      and n not in ("cpu", "memory", "ephemeral-storage", "pods"))
    for name in hugepages:
        total_r, total_l = reqs.get(name, zero), limits.get(name, zero)
        whole = amount(allocatable[name]).whole()
        w.write(1, f"{name}\t{total_r.text()} ({_guarded_percent(total_r.whole(), whole)}%)\t"
                   f"{total_l.text()} ({_guarded_percent(total_l.whole(), whole)}%)\n")
    for name in extended:
        w.write(1, f"{name}\t{reqs.get(name, zero).text()}\t{limits.get(name, zero).text()}\n")


def _non_terminated_pods_on(node_name: str, pods: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What kubectl lists: pods bound to the node, not Succeeded or Failed, in key order."""
    chosen = [p for p in pods
              if (p.get("spec") or {}).get("nodeName") == node_name
              and (p.get("status") or {}).get("phase") not in ("Succeeded", "Failed")]
    return sorted(chosen, key=lambda p: (meta(p).get("namespace", ""), meta(p).get("name", "")))


def describe_node(
    node: dict[str, Any], pods: list[dict[str, Any]], events: list[dict[str, Any]] | None,
    now: datetime, *, lease: dict[str, Any] | None = None, kubectl_minor: int = DEFAULT_KUBECTL_MINOR,
) -> str:
    """`kubectl describe node` text.

    `pods` may be all pods (those bound elsewhere or finished are left out); `lease` is the
    node's Lease in `kube-node-lease`, or None when there is none.
    """
    m, spec, status = meta(node), node.get("spec") or {}, node.get("status") or {}
    name = m.get("name", "")
    w = DescribeWriter()
    w.write(0, f"Name:\t{name}\n")
    w.write(0, f"Roles:\t{','.join(node_roles(node)) or '<none>'}\n")
    labels_multiline(w, "Labels", m.get("labels"))
    annotations_multiline(w, "Annotations", m.get("annotations"))
    w.write(0, f"CreationTimestamp:\t{rfc1123z(m.get('creationTimestamp'))}\n")
    taints_multiline(w, "Taints", spec.get("taints"))
    w.write(0, f"Unschedulable:\t{go_bool(spec.get('unschedulable'))}\n")
    _write_lease(w, name, lease)
    conditions = status.get("conditions") or []
    if conditions:
        w.write(0, "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n")
        w.write(1, "----\t------\t-----------------\t------------------\t------\t-------\n")
        for c in conditions:
            w.write(1, f"{c.get('type', '')} \t{c.get('status', '')} \t{rfc1123z(c.get('lastHeartbeatTime'))} \t"
                       f"{rfc1123z(c.get('lastTransitionTime'))} \t{c.get('reason', '')} \t{c.get('message', '')}\n")
    w.write(0, "Addresses:\n")
    for address in status.get("addresses") or []:
        w.write(1, f"{address.get('type', '')}:\t{address.get('address', '')}\n")
    for title, key in (("Capacity", "capacity"), ("Allocatable", "allocatable")):
        values = status.get(key) or {}
        if values:
            w.write(0, f"{title}:\n")
            for resource in resource_names(values):
                w.write(0, f"  {resource}:\t{quantity_text(values[resource])}\n")
    info = status.get("nodeInfo") or {}
    w.write(0, "System Info:\n")
    for title, key in (("Machine ID", "machineID"), ("System UUID", "systemUUID"), ("Boot ID", "bootID"),
                       ("Kernel Version", "kernelVersion"), ("OS Image", "osImage"),
                       ("Operating System", "operatingSystem"), ("Architecture", "architecture"),
                       ("Container Runtime Version", "containerRuntimeVersion"),
                       ("Kubelet Version", "kubeletVersion")):
        w.write(0, f"  {title}:\t{info.get(key, '')}\n")
    if kubectl_minor < 36:
        w.write(0, f"  Kube-Proxy Version:\t{info.get('kubeProxyVersion', '')}\n")
    if spec.get("podCIDR"):
        w.write(0, f"PodCIDR:\t{spec['podCIDR']}\n")
    if spec.get("podCIDRs"):
        w.write(0, f"PodCIDRs:\t{','.join(spec['podCIDRs'])}\n")
    if spec.get("providerID"):
        w.write(0, f"ProviderID:\t{spec['providerID']}\n")
    _write_pods(w, node, _non_terminated_pods_on(name, pods), now)
    if events is not None:
        write_events(w, events, now, field_path_prefix=kubectl_minor >= 35)
    return w.render()
