"""Shared fixtures: a virtual clock, a bare store for reconcile tests, and virtual clusters."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import pytest

from kubenb.api.store import Store
from kubenb.clock import VirtualClock
from kubenb.config import Context, Timings


class Writes(list):  # type: ignore[type-arg]
    """Every write the store accepted, as (verb, kind, name, subresource)."""

    def __call__(self, verb: str, kind: str, obj: dict[str, Any], sub: str | None) -> None:
        self.append((verb, kind, obj["metadata"]["name"], sub))

    def of(self, verb: str | None = None, kind: str | None = None) -> list[tuple[Any, ...]]:
        return [w for w in self if (verb is None or w[0] == verb) and (kind is None or w[1] == kind)]


@pytest.fixture
def clock() -> Iterator[VirtualClock]:
    c = VirtualClock()
    yield c
    c.loop.close()


@pytest.fixture
def store(clock: VirtualClock) -> Store:
    s = Store(clock, seed=1)
    s.ensure_namespaces()
    return s


@pytest.fixture
def writes(store: Store) -> Writes:
    w = Writes()
    store.write_listeners.append(w)
    return w


@pytest.fixture
def ctx(store: Store, clock: VirtualClock) -> Context:
    return Context(store, clock, Timings(), random.Random(1))
