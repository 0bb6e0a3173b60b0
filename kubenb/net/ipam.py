"""Address and port ranges the Service allocator draws from (the API server's allocators).

`IPRange` is a CIDR such as the Service range 10.96.0.0/12; `PortRange` is the NodePort
range 30000-32767. Both pick free values the way Kubernetes' bitmap allocators do: a random
value from the upper, "dynamic" part of the range first (the lower band is kept for values
people ask for by hand, KEP-3070), then anything free. Randomness comes from a seeded
`random.Random`, so a seeded cluster hands out the same addresses every run.
Used by kubenb.net.services; nothing here touches the store.
"""

from __future__ import annotations

import ipaddress
import random
from collections.abc import Callable, Container
from dataclasses import dataclass


class RangeFull(Exception):
    """No free value is left in the range."""


def _static_band(size: int, lo: int, hi: int, step: int) -> int:
    """How many values at the start of a range are kept for static requests."""
    if size < lo:
        return 0  # too small to split
    return max(lo, min(hi, size // step))


@dataclass(frozen=True)
class IPRange:
    """An IPv4 CIDR whose host addresses (not network or broadcast) can be allocated."""

    cidr: str

    @property
    def network(self) -> ipaddress.IPv4Network:
        return ipaddress.IPv4Network(self.cidr)

    @property
    def first(self) -> int:
        return int(self.network.network_address) + 1

    @property
    def last(self) -> int:
        return int(self.network.broadcast_address) - 1

    def contains(self, ip: str) -> bool:
        try:
            addr = int(ipaddress.IPv4Address(ip))
        except ValueError:
            return False
        return self.first <= addr <= self.last

    def nth(self, n: int) -> str:
        """The n-th address of the network (10.96.0.0/12, 1 -> 10.96.0.1)."""
        return str(ipaddress.IPv4Address(int(self.network.network_address) + n))

    def allocate_next(self, rng: random.Random, used: Container[str]) -> str:
        """A random free address, preferring the dynamic (upper) part of the range."""
        size = self.last - self.first + 1
        offset = _static_band(size, 16, 256, 16)
        for lo, hi in ((self.first + offset, self.last), (self.first, self.first + offset - 1)):
            found = _pick(rng, lo, hi, lambda v: str(ipaddress.IPv4Address(v)) in used)
            if found is not None:
                return str(ipaddress.IPv4Address(found))
        raise RangeFull(f"range is full: {self.cidr}")


@dataclass(frozen=True)
class PortRange:
    """An inclusive port range (`--service-node-port-range`)."""

    base: int = 30000
    size: int = 2768

    @property
    def last(self) -> int:
        return self.base + self.size - 1

    def __str__(self) -> str:
        return f"{self.base}-{self.last}"

    def contains(self, port: int) -> bool:
        return self.base <= port <= self.last

    def allocate_next(self, rng: random.Random, used: Container[int]) -> int:
        offset = _static_band(self.size, 16, 128, 32)
        for lo, hi in ((self.base + offset, self.last), (self.base, self.base + offset - 1)):
            found = _pick(rng, lo, hi, lambda v: v in used)
            if found is not None:
                return found
        raise RangeFull(f"range is full: {self}")


def _pick(rng: random.Random, lo: int, hi: int, taken: Callable[[int], bool]) -> int | None:
    """A random value in [lo, hi] that `taken(v)` rejects; scan on from a random start."""
    if hi < lo:
        return None
    count = hi - lo + 1
    start = rng.randrange(count)
    for i in range(count):
        v = lo + (start + i) % count
        if not taken(v):
            return v
    return None
