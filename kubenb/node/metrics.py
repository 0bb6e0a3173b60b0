"""The metrics-server addon: NodeMetrics and PodMetrics (metrics.k8s.io/v1beta1) from the runtime.

Runtimes with real processes are measured: the cluster's `ResourceScraper`
(kubenb/node/metrics_scraper.py) samples each running container's CPU time and working set
every `Timings.metrics_resolution` and hands `pod_metrics` a `usage(pod_uid, container)`
lookup. A measured container reports CPU in nanocores (the rate over the window between its
last two samples, as metrics-server does) and memory in Ki; a pod with a container not yet
sampled twice is left out, as metrics-server leaves it out. What a sample of a process
runtime container covers (a command's process tree, an app's share of the node agent) is
kubenb/node/runtime/process_stats.py.

The `sim` runtime runs no processes, so it reports a fixed, small footprint per running
container (what an idle web app uses); so do containers nothing measures (a notebook
function). A simulated container's usage is sim data like its exit code
(kubenb/node/stages.py): the pod annotations `sim.kubenb.io/cpu-millicores[.<container>]` and
`sim.kubenb.io/memory-mi[.<container>]` set it (what a load test or the autoscaler lessons
need). A node reports a fixed system overhead plus the usage of its running containers.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, Literal

from kubenb.api.objects import clone
from kubenb.api.selectors import parse_label_selector
from kubenb.api.store import Store
from kubenb.clock import rfc3339
from kubenb.node.metrics_scraper import PENDING, Usage
from kubenb.node.stages import sim_annotation

UsageLookup = Callable[[str, str], Usage | Literal["pending"] | None]

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


def _go_duration(seconds: float) -> str:
    text = f"{seconds:.3f}".rstrip("0").rstrip(".")
    return f"{text}s"


def _measured(pod: dict[str, Any], containers: list[dict[str, Any]],
              usage: UsageLookup | None) -> list[Usage | None] | None:
    """Each container's measured usage (None: not measured); None if the pod must wait."""
    uid = pod["metadata"].get("uid", "")
    found: list[Usage | None] = []
    for cs in containers:
        u = usage(uid, cs["name"]) if usage is not None else None
        if u == PENDING:
            return None
        found.append(u if isinstance(u, Usage) else None)
    return found


def pod_metrics(store: Store, namespace: str | None, name: str | None = None,
                label_selector: str | None = None,
                usage: UsageLookup | None = None) -> list[dict[str, Any]]:
    """PodMetrics of running pods; `usage` looks up measured containers (module docstring)."""
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
        measured = _measured(pod, containers, usage)
        if measured is None:
            continue
        real = [u for u in measured if u is not None]
        out.append({
            "kind": "PodMetrics", "apiVersion": "metrics.k8s.io/v1beta1",
            "metadata": {"name": meta["name"], "namespace": meta["namespace"],
                         "labels": clone(meta.get("labels") or {}), "creationTimestamp": now},
            "timestamp": rfc3339(max(u.timestamp for u in real)) if real else now,
            "window": _go_duration(max(u.window for u in real)) if real else "15s",
            "containers": [{"name": cs["name"],
                            "usage": _usage(meta, cs["name"]) if u is None else _quantities(u)}
                           for cs, u in zip(containers, measured, strict=True)],
        })
    return out


def _quantities(u: Usage) -> dict[str, str]:
    """metrics-server's units: nanocores and Ki."""
    return {"cpu": f"{round(u.cpu_cores * 1e9)}n", "memory": f"{u.memory_bytes // 1024}Ki"}


def _container_m_mi(meta: dict[str, Any], cs: dict[str, Any],
                    usage: UsageLookup | None) -> tuple[int, float]:
    u = usage(meta.get("uid", ""), cs["name"]) if usage is not None else None
    if isinstance(u, Usage):
        return math.ceil(u.cpu_cores * 1000), u.memory_bytes / (1024 * 1024)
    fixed = _usage(meta, cs["name"])
    return int(fixed["cpu"][:-1]), int(fixed["memory"][:-2])


def node_metrics(store: Store, name: str | None = None, label_selector: str | None = None,
                 usage: UsageLookup | None = None) -> list[dict[str, Any]]:
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
        cpu_m, memory_mi = NODE_SYSTEM_CPU_M, float(NODE_SYSTEM_MEMORY_MI)
        for p in store.list("Pod", field_selector=f"spec.nodeName={meta['name']}"):
            for cs in (p.get("status") or {}).get("containerStatuses") or []:
                if _running(cs):
                    m, mi = _container_m_mi(p["metadata"], cs, usage)
                    cpu_m, memory_mi = cpu_m + m, memory_mi + mi
        out.append({
            "kind": "NodeMetrics", "apiVersion": "metrics.k8s.io/v1beta1",
            "metadata": {"name": meta["name"], "labels": clone(meta.get("labels") or {}),
                         "creationTimestamp": now},
            "timestamp": now, "window": "20s",
            "usage": {"cpu": f"{cpu_m}m", "memory": f"{round(memory_mi * 1024)}Ki"},
        })
    return out
