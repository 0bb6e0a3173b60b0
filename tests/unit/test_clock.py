from __future__ import annotations

import asyncio
import threading
import time

from kubenb.clock import RealClock, VirtualClock, parse_time, rfc3339


def test_virtual_time_jumps_to_the_next_timer() -> None:
    clock = VirtualClock()
    order: list[tuple[float, str]] = []

    async def sleeper(name: str, seconds: float) -> None:
        await clock.sleep(seconds)
        order.append((clock.monotonic(), name))

    started = time.monotonic()
    async def main() -> None:
        await asyncio.gather(sleeper("hour", 3600), sleeper("minute", 60), sleeper("day", 86400))

    clock.loop.run_until_complete(main())
    assert time.monotonic() - started < 2  # a virtual day takes no real time
    assert order == [(60, "minute"), (3600, "hour"), (86400, "day")]
    assert rfc3339(clock.now()) == "2025-01-07T10:00:00Z"
    clock.loop.close()


def test_virtual_loop_accepts_work_from_other_threads() -> None:
    clock = VirtualClock()
    got: list[str] = []

    async def wait_for_thread() -> None:
        done = asyncio.Event()
        threading.Thread(target=lambda: clock.loop.call_soon_threadsafe(done.set)).start()
        await done.wait()
        got.append("woken")

    clock.loop.run_until_complete(wait_for_thread())
    assert got == ["woken"]
    clock.loop.close()


def test_real_clock_and_time_format() -> None:
    clock = RealClock()
    assert abs(clock.now().timestamp() - time.time()) < 5
    assert parse_time("2025-01-06T10:00:00Z") == VirtualClock().start
    clock.loop.close()
