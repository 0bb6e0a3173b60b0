"""The metrics-server scrape loop on the virtual clock: rates over a window, pending pods."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

from kubenb.clock import VirtualClock
from kubenb.node.metrics_scraper import PENDING, ResourceScraper, Usage
from kubenb.node.runtime.base import ContainerStats, ContainerStatus

T0 = datetime(2025, 1, 1, tzinfo=timezone.utc)


class FakeRuntime:
    """Containers whose cumulative CPU seconds the test sets (None: not measured)."""

    def __init__(self) -> None:
        self.cpu: dict[str, float | None] = {}
        self.ids: dict[str, str] = {}  # container name → current id

    async def list_containers(self, pod_uid: str | None = None) -> list[ContainerStatus]:
        return [ContainerStatus(cid, "uid1", "sb", name, 0, "img", "digest", "running", T0)
                for name, cid in self.ids.items()]

    async def container_stats(self, container_id: str) -> ContainerStats | None:
        cpu = self.cpu[container_id]
        return None if cpu is None else ContainerStats(cpu, 50 * 1024 * 1024)


def run(clock: VirtualClock, seconds: float) -> None:
    clock.loop.run_until_complete(asyncio.sleep(seconds))


def test_cpu_is_the_rate_between_the_last_two_samples_and_a_new_container_starts_afresh():
    clock, rt = VirtualClock(), FakeRuntime()
    enabled = [True]
    scraper = ResourceScraper(clock, 5.0, lambda: [rt], lambda: enabled[0])  # type: ignore[list-item]
    rt.ids, rt.cpu = {"app": "c1", "fn": "f1"}, {"c1": 10.0, "f1": None}
    assert scraper.usage("uid1", "app") == PENDING  # not scraped yet
    scraper.start()
    run(clock, 1)  # first scrape at t=0
    assert scraper.usage("uid1", "app") == PENDING
    assert scraper.usage("uid1", "fn") is None  # the runtime measures nothing for it
    rt.cpu["c1"] = 12.5
    run(clock, 5)  # second scrape at t=5
    u = scraper.usage("uid1", "app")
    assert isinstance(u, Usage)
    assert (u.cpu_cores, u.memory_bytes, u.window) == (0.5, 50 * 1024 * 1024, 5.0)
    rt.ids, rt.cpu["c2"] = {"app": "c2", "fn": "f1"}, 0.1  # restarted: a new container id
    run(clock, 5)
    assert scraper.usage("uid1", "app") == PENDING
    enabled[0] = False  # the addon is disabled: nothing is kept
    run(clock, 5)
    assert scraper.usage("uid1", "app") == PENDING and scraper.usage("uid1", "fn") == PENDING
    scraper.stop()
    clock.loop.close()
