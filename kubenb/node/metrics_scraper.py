"""The metrics-server's scrape loop: measured container usage, averaged over a window.

metrics-server scrapes every kubelet's resource metrics (cumulative CPU time and the memory
working set of each container) every `--metric-resolution` (15 s in minikube's addon; here
`Timings.metrics_resolution`) and reports CPU as the rate between a container's last two
samples, memory as the last sample. `ResourceScraper` does the same on the cluster clock:
while the addon is enabled it asks each node's runtime for `container_stats(id)` of every
running container (kubenb/node/runtime/base.py; the process runtime measures real processes,
process_stats.py), keeps the last two samples per container, and `usage(pod_uid, name)`
answers one of

  a `Usage` (cores, bytes, the window and the time of the last sample),
  PENDING   — not scraped twice yet (new, restarted, or the addon just enabled):
              metrics-server leaves such a pod out of PodMetrics until a second scrape,
  None      — the runtime measures nothing for it (a notebook function, a runtime without
              stats): metrics.py reports its fixed footprint instead.

The sim runtime measures nothing at all; a sim cluster has no scraper (its usage is sim data).

Samples of containers that are gone are dropped at the next scrape; a new container id
under the same name starts afresh. Nothing here writes to the store.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Final, Literal

from kubenb.clock import Clock
from kubenb.node.runtime.base import ContainerStats, Runtime

log = logging.getLogger("kubenb.metrics")

PENDING: Final = "pending"


@dataclass(frozen=True)
class Usage:
    cpu_cores: float
    memory_bytes: int
    window: float  # seconds between the two samples the rate comes from
    timestamp: datetime


@dataclass(frozen=True)
class _Sample:
    container_id: str
    at: float  # the clock's monotonic time
    wall: datetime
    stats: ContainerStats


class ResourceScraper:
    """Scrapes every runtime each `resolution` seconds while `enabled()` holds."""

    def __init__(self, clock: Clock, resolution: float, runtimes: Callable[[], Iterable[Runtime]],
                 enabled: Callable[[], bool]) -> None:
        self.clock = clock
        self.resolution = resolution
        self.runtimes = runtimes
        self.enabled = enabled
        # (pod uid, container name) → (latest sample, the one before it), None: unmeasured
        self._samples: dict[tuple[str, str], tuple[_Sample, _Sample | None] | None] = {}
        self._timer: asyncio.TimerHandle | None = None
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Begin scraping (on the control-plane loop)."""
        if self._timer is None:
            self._timer = self.clock.call_later(0, self._tick)

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._task is not None:
            self._task.cancel()
            self._task = None
        self._samples = {}

    def _tick(self) -> None:
        self._timer = self.clock.call_later(self.resolution, self._tick)
        if not self.enabled():
            self._samples = {}
            return
        if self._task is None or self._task.done():
            self._task = self.clock.loop.create_task(self._scrape_logged(), name="metrics-scrape")

    async def _scrape_logged(self) -> None:
        try:
            await self.scrape()
        except Exception:  # noqa: BLE001 - a failed scrape is retried at the next tick
            log.exception("metrics scrape failed")

    async def scrape(self) -> None:
        """One scrape of every node: take a sample of each running container."""
        seen: dict[tuple[str, str], tuple[_Sample, _Sample | None] | None] = {}
        for runtime in list(self.runtimes()):
            for status in await runtime.list_containers():
                if status.state != "running":
                    continue
                key = (status.pod_uid, status.name)
                if key in seen:
                    continue  # newest first: an older attempt of the same container
                stats = await runtime.container_stats(status.id)
                if stats is None:
                    seen[key] = None
                    continue
                sample = _Sample(status.id, self.clock.monotonic(), self.clock.now(), stats)
                last = self._samples.get(key)
                prev = last[0] if last is not None and last[0].container_id == status.id else None
                seen[key] = (sample, prev)
        self._samples = seen

    def usage(self, pod_uid: str, container: str) -> Usage | Literal["pending"] | None:
        key = (pod_uid, container)
        if key not in self._samples:
            return PENDING
        found = self._samples[key]
        if found is None:
            return None
        latest, prev = found
        if prev is None or latest.at <= prev.at:
            return PENDING
        window = latest.at - prev.at
        cpu = max(0.0, latest.stats.cpu_seconds - prev.stats.cpu_seconds) / window
        return Usage(cpu, latest.stats.memory_bytes, window, latest.wall)
