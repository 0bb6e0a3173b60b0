from __future__ import annotations

import asyncio

from kubenb.clock import VirtualClock
from kubenb.controllers.queue import WorkQueue


def test_dedup_and_requeue_while_processing(clock: VirtualClock) -> None:
    q = WorkQueue(clock)
    q.add("a")
    q.add("a")
    q.add("b")
    assert len(q) == 2
    key = q.get_nowait()
    assert key == "a"
    q.add("a")  # changed while being processed: must come back after done
    assert len(q) == 1
    q.done("a")
    assert [q.get_nowait(), q.get_nowait()] == ["b", "a"]


def test_add_after_uses_the_clock(clock: VirtualClock) -> None:
    q = WorkQueue(clock)

    async def scenario() -> tuple[float, object]:
        q.add_after("k", 30)
        q.add_after("k", 60)  # the earlier timer wins
        key = await q.get()
        return clock.monotonic(), key

    t, key = clock.loop.run_until_complete(scenario())
    assert key == "k"
    assert t == 30


def test_rate_limited_backoff_grows_and_forget_resets(clock: VirtualClock) -> None:
    q = WorkQueue(clock, base_delay=1, max_delay=4)
    times = []

    async def scenario() -> None:
        for _ in range(4):
            q.add_rate_limited("k")
            await q.get()
            q.done("k")
            times.append(clock.monotonic())

    clock.loop.run_until_complete(scenario())
    assert times == [1, 3, 7, 11]  # 1, 2, 4, then capped at 4
    q.forget("k")
    assert q.failures("k") == 0


def test_get_waits_for_add_from_another_task(clock: VirtualClock) -> None:
    q = WorkQueue(clock)

    async def scenario() -> object:
        clock.loop.call_later(5, q.add, "late")
        return await asyncio.wait_for(q.get(), 10)

    assert clock.loop.run_until_complete(scenario()) == "late"
