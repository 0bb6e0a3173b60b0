"""The metrics-server addon: NodeMetrics and PodMetrics (metrics.k8s.io/v1beta1) from the runtime.

The `sim` runtime runs no processes, so it reports a fixed, small footprint per running
container (what an idle web app uses) and a fixed system overhead per node; runtimes with
real processes can report measured usage through the same function later. A simulated
container's usage is sim data like its exit code (kubenb/node/stages.py): the pod annotations
`sim.kubenb.io/cpu-millicores[.<container>]` and `sim.kubenb.io/memory-mi[.<container>]`
set it (what a load test or the autoscaler lessons need).
"""

from __future__ import annotations

from typing import Any

from kubenb.api.objects import clone
from kubenb.api.selectors import parse_label_selector
from kubenb.api.store import Store
from kubenb.clock import rfc3339
from kubenb.node.stages import sim_annotation

CONTAINER_CPU_M = 1  # millicores per running container in sim
CONTAINER_MEMORY_MI = 12
NODE_SYSTEM_CPU_M = 150  # kubelet, runtime and system daemons
NODE_SYSTEM_MEMORY_MI = 600


def _running(cs: dict[str, Any]) -> bool:
    return "running" in (cs.get("state") or {})


def _usage(meta: dict[str, Any], container: str) -> dict[str, str]:
    notes = meta.get("annotations") or {}
    cpu = sim_annotation(notes, "cpu-millicores", container)
    memory = sim_annotation(notes, "memory-mi", container)
    return {"cpu": f"{int(cpu) if cpu and cpu.isdigit() else CONTAINER_CPU_M}m",
            "memory": f"{int(memory) if memory and memory.isdigit() else CONTAINER_MEMORY_MI}Mi"}


def pod_metrics(store: Store, namespace: str | None, name: str | None = None,
                label_selector: str | None = None) -> list[dict[str, Any]]:
    now = rfc3339(store.clock.now())
    sel = parse_label_selector(label_selector)
    out = []
    for pod in store.list("Pod", namespace):
        meta = pod["metadata"]
        if (name and meta["name"] != name) or not sel.matches(meta.get("labels")):
            continue
        containers = [cs for cs in (pod.get("status") or {}).get("containerStatuses") or []
                      if _running(cs)]
        if not containers:
            continue
        out.append({
            "kind": "PodMetrics", "apiVersion": "metrics.k8s.io/v1beta1",
            "metadata": {"name": meta["name"], "namespace": meta["namespace"],
                         "labels": clone(meta.get("labels") or {}), "creationTimestamp": now},
            "timestamp": now, "window": "15s",
            "containers": [{"name": cs["name"], "usage": _usage(meta, cs["name"])}
                           for cs in containers],
        })
    return out


def node_metrics(store: Store, name: str | None = None,
                 label_selector: str | None = None) -> list[dict[str, Any]]:
    now = rfc3339(store.clock.now())
    sel = parse_label_selector(label_selector)
    out = []
    for node in store.list("Node"):
        meta = node["metadata"]
        if (name and meta["name"] != name) or not sel.matches(meta.get("labels")):
            continue
        ready = any(c.get("type") == "Ready" and c.get("status") == "True"
                    for c in (node.get("status") or {}).get("conditions") or [])
        if not ready:
            continue  # metrics-server has no fresh scrape of a dead node
        running = sum(
            1 for p in store.list("Pod", field_selector=f"spec.nodeName={meta['name']}")
            for cs in (p.get("status") or {}).get("containerStatuses") or [] if _running(cs))
        out.append({
            "kind": "NodeMetrics", "apiVersion": "metrics.k8s.io/v1beta1",
            "metadata": {"name": meta["name"], "labels": clone(meta.get("labels") or {}),
                         "creationTimestamp": now},
            "timestamp": now, "window": "20s",
            "usage": {"cpu": f"{NODE_SYSTEM_CPU_M + running * CONTAINER_CPU_M}m",
                      "memory": f"{(NODE_SYSTEM_MEMORY_MI + running * CONTAINER_MEMORY_MI) * 1024}Ki"},
        })
    return out
