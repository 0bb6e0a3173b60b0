"""The pieces every runtime shares (kubenb/node/runtime/base.py): `SingleFlight` for image
pulls (also behind the Docker runtime's pulls, docker_pull.py, here without an engine) and
`PodIPs` (also under the Docker runtime's `NodeState`, docker_state.py)."""

from __future__ import annotations

import asyncio
import ipaddress

import pytest

from kubenb.node import docker_images
from kubenb.node.runtime.base import ImageInfo, ImagePullError, PodIPs, SingleFlight
from kubenb.node.runtime.docker_pull import RPC, Images
from kubenb.node.runtime.docker_state import NodeState


def go(clock, coro):
    return clock.loop.run_until_complete(coro)


def test_concurrent_calls_share_one_and_the_key_is_forgotten(clock):
    flight: SingleFlight[str, int] = SingleFlight()
    calls: list[str] = []

    async def work(key: str) -> int:
        calls.append(key)
        n = len(calls)
        await clock.sleep(1)
        return n

    async def three():
        return await asyncio.gather(*(flight.run(k, lambda k=k: work(k)) for k in "aab"))

    assert go(clock, three()) == [1, 1, 2] and calls == ["a", "b"]
    assert go(clock, flight.run("a", lambda: work("a"))) == 3  # done: a new call runs afresh


def test_every_waiter_gets_the_exception(clock):
    flight: SingleFlight[str, int] = SingleFlight()

    async def fail() -> int:
        await clock.sleep(1)
        raise ImagePullError("not found")

    async def both():
        return await asyncio.gather(flight.run("x", fail), flight.run("x", fail),
                                    return_exceptions=True)

    first, second = go(clock, both())
    assert first is second and isinstance(first, ImagePullError)


def test_a_cancelled_first_caller_fails_its_waiters_too(clock):
    flight: SingleFlight[str, int] = SingleFlight()

    async def slow() -> int:
        await clock.sleep(10)
        return 1

    async def scenario():
        first = asyncio.ensure_future(flight.run("x", slow))
        waiter = asyncio.ensure_future(flight.run("x", slow))
        clock.call_later(1, first.cancel)  # both are in by then (virtual time)
        return await asyncio.gather(first, waiter, return_exceptions=True)

    first, waiter = go(clock, scenario())
    assert isinstance(first, asyncio.CancelledError)
    assert isinstance(waiter, ImagePullError) and waiter.message == "cancelled"


def test_a_cancelled_waiter_leaves_the_call_running(clock):
    flight: SingleFlight[str, int] = SingleFlight()

    async def slow() -> int:
        await clock.sleep(10)
        return 7

    async def scenario():
        first = asyncio.ensure_future(flight.run("x", slow))
        waiter = asyncio.ensure_future(flight.run("x", slow))
        clock.call_later(1, waiter.cancel)
        return await asyncio.gather(first, waiter, return_exceptions=True)

    first, waiter = go(clock, scenario())
    assert first == 7 and isinstance(waiter, asyncio.CancelledError) and clock.t == 10


class _Engine:
    """Runs the 'blocking' call on the loop after a virtual second (no engine, no threads)."""

    def __init__(self, clock) -> None:
        self.clock = clock

    async def run(self, fn, *args):
        await self.clock.sleep(1)
        return fn(*args)


class _Images(Images):
    def __init__(self, clock, fail: Exception | None = None) -> None:
        super().__init__(_Engine(clock))  # type: ignore[arg-type]
        self.fail = fail
        self.pulled: list[str] = []

    def _pull_blocking(self, ref: str) -> ImageInfo:
        self.pulled.append(ref)
        if self.fail is not None:
            raise self.fail
        return ImageInfo(ref, f"{ref}@sha256:1", "sha256:2", 1)


def test_docker_pulls_of_one_reference_share_one(clock):
    images = _Images(clock)
    images._listed = (0.0, [])

    async def both():
        return await asyncio.gather(images.pull("nginx"), images.pull("docker.io/library/nginx"))

    a, b = go(clock, both())
    assert a == b and images.pulled == ["docker.io/library/nginx:latest"] and clock.t == 1
    assert images._listed is None  # the next list() asks the engine again
    with pytest.raises(ImagePullError) as err:
        go(clock, images.pull("Bad_Name"))
    assert err.value.reason == "InvalidImageName" and images.pulled == [
        "docker.io/library/nginx:latest"]


def test_docker_pull_without_busybox_fails_every_caller_in_the_daemons_words(clock):
    images = _Images(clock, fail=docker_images.NoBusybox("no static busybox"))

    async def both():
        return await asyncio.gather(images.pull("nginx"), images.pull("nginx"),
                                    return_exceptions=True)

    for err in go(clock, both()):
        assert isinstance(err, ImagePullError) and err.message == f"{RPC}no static busybox"
    assert len(images.pulled) == 1


def test_pod_ips_lowest_free_first_and_reused():
    ips = PodIPs("10.244.1.0/24")
    assert [ips.allocate() for _ in range(3)] == ["10.244.1.2", "10.244.1.3", "10.244.1.4"]
    ips.release("10.244.1.3")
    assert ips.allocate() == "10.244.1.3"
    ips.release_all()
    assert ips.allocate() == "10.244.1.2"


def test_docker_node_state_hands_out_pod_ips_of_its_subnet():
    state = NodeState()
    state.release_ip("192.168.49.2")  # before the network is known: nothing to release
    state.use_subnet(ipaddress.ip_network("192.168.50.0/24"))
    assert [state.allocate_ip() for _ in range(2)] == ["192.168.50.2", "192.168.50.3"]
    state.release_ip("192.168.51.2")  # another node's address: not ours
    state.release_ip("192.168.50.2")
    state.use_subnet(ipaddress.ip_network("192.168.50.0/24"))  # same /24: keeps .3
    assert state.allocate_ip() == "192.168.50.2" and state.allocate_ip() == "192.168.50.4"
    state.forget_all()
    assert state.allocate_ip() == "192.168.50.2"
    with pytest.raises(Exception, match="no free pod IPs left in 192.168.50.0/24"):
        for _ in range(300):
            state.allocate_ip()
