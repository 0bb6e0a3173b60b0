"""An idle sim cluster: how long N nodes take to come up Ready, and what they cost at rest.

Measures, on the real clock and the real background thread a notebook uses:
- seconds from `Cluster.start()` to every node Ready,
- CPU seconds the process spends per wall second while the cluster idles (heartbeats, node
  leases, the node lifecycle controller's checks), over `--idle` seconds,
- store writes per second while idling, by kind.

Usage: PYTHONPATH=. python benchmarks/bench_idle.py [--nodes 1000] [--idle 30]
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
import time
from typing import Any

from kubenb.cluster import Cluster


def all_ready(cluster: Cluster, nodes: int) -> bool:
    found = cluster.store.list("Node")
    return len(found) == nodes and all(
        any(c.get("type") == "Ready" and c.get("status") == "True"
            for c in (n.get("status") or {}).get("conditions") or []) for n in found)


def run(nodes: int, idle: float) -> dict[str, Any]:
    started = time.perf_counter()
    cluster = Cluster("bench", nodes=nodes, runtime="sim", seed=1).start()
    writes: collections.Counter[str] = collections.Counter()
    watchers = []
    try:
        cluster.wait_for(lambda: all_ready(cluster, nodes), timeout=600)
        up = time.perf_counter() - started
        for kind in ("Node", "Lease", "Event"):
            if kind in {r.kind for r in cluster.store.registry}:
                watchers.append(cluster.store.watch(
                    kind, lambda ev, k=kind: writes.update([k])))  # type: ignore[misc]
        cpu0, wall0 = time.process_time(), time.perf_counter()
        time.sleep(idle)  # the measurement window itself, not synchronisation
        cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
        return {"nodes": nodes, "start_to_all_ready_s": round(up, 2),
                "idle_cpu_fraction": round(cpu / wall, 3),
                "idle_writes_per_s": {k: round(v / wall, 1) for k, v in sorted(writes.items())}}
    finally:
        for w in watchers:
            w.stop()
        cluster.stop()


def main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nodes", type=int, default=1000)
    ap.add_argument("--idle", type=float, default=30.0)
    args = ap.parse_args(argv)
    print(json.dumps(run(args.nodes, args.idle), indent=2))


if __name__ == "__main__":
    main(sys.argv[1:])
