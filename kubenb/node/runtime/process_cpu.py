"""CPU limits and weights of the process runtime's command containers, as the kubelet sets them.

`limits.cpu` becomes a CFS quota over a 100000 µs period (the kubelet's `MilliCPUToQuota`:
milliCPU × period / 1000, at least 1000 µs) — `cpu.max` "<quota> 100000" on cgroup v2,
`cpu.cfs_period_us` / `cpu.cfs_quota_us` on v1. `requests.cpu` becomes CPU shares (the
kubelet's `MilliCPUToShares`: milliCPU × 1024 / 1000, between 2 and 262144) — `cpu.shares` on
v1, `cpu.weight` on v2 through runc's conversion 1 + (shares − 2) × 9999 / 262142. A
container without either stays out of the CPU hierarchy (no cgroup: no CPU limit).
`usage_usec` reads what the kernel counted: `cpu.stat` usage_usec (v2) or `cpuacct.usage`
(v1, its own hierarchy). process_cgroups.py makes and removes the cgroups.
"""

from __future__ import annotations

import os
from typing import Any

from kubenb.api.quantity import cpu_millis

PERIOD_USEC = 100000
MIN_QUOTA_USEC = 1000
MIN_SHARES, MAX_SHARES = 2, 262144


def quota(milli: int) -> int:
    """The kubelet's CFS quota (µs per 100 ms period) for a CPU limit in millicores."""
    return max(milli * PERIOD_USEC // 1000, MIN_QUOTA_USEC)


def shares(milli: int) -> int:
    """The kubelet's cgroup v1 CPU shares for a CPU request in millicores."""
    return min(max(milli * 1024 // 1000, MIN_SHARES), MAX_SHARES)


def weight(cpu_shares: int) -> int:
    """runc's cgroup v2 `cpu.weight` for CPU shares."""
    return 1 + (cpu_shares - 2) * 9999 // 262142


def cpu_resources(container: dict[str, Any]) -> tuple[int | None, int | None]:
    """(limit, request) of the container's CPU in millicores (None: not set)."""
    resources = container.get("resources") or {}

    def milli(kind: str) -> int | None:
        value = (resources.get(kind) or {}).get("cpu")
        try:
            return cpu_millis(value) if value is not None else None
        except (ValueError, TypeError):
            return None

    return milli("limits"), milli("requests")


def files(container: dict[str, Any], version: int) -> dict[str, str]:
    """The CPU controller's files to write for the container (empty: no CPU cgroup)."""
    limit, request = cpu_resources(container)
    out: dict[str, str] = {}
    if version == 2:
        if request is not None:
            out["cpu.weight"] = str(weight(shares(request)))
        if limit:
            out["cpu.max"] = f"{quota(limit)} {PERIOD_USEC}"
    else:
        if request is not None:
            out["cpu.shares"] = str(shares(request))
        if limit:
            out["cpu.cfs_period_us"] = str(PERIOD_USEC)
            out["cpu.cfs_quota_us"] = str(quota(limit))
    return out


def usage_usec(path: str, version: int) -> int | None:
    """CPU time the cgroup at `path` used, in µs (cpu.stat on v2, cpuacct.usage on v1)."""
    try:
        if version == 2:
            with open(os.path.join(path, "cpu.stat"), encoding="utf-8") as fh:
                for line in fh:
                    key, _, value = line.partition(" ")
                    if key == "usage_usec":
                        return int(value)
            return None
        with open(os.path.join(path, "cpuacct.usage"), encoding="utf-8") as fh:
            return int(fh.read()) // 1000
    except (OSError, ValueError):
        return None
