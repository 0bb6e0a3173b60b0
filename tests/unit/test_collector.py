"""The garbage collector's settings while clusters run (kubenb/collector.py)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from kubenb import collector
from kubenb.clock import VirtualClock
from kubenb.cluster import Cluster


@pytest.fixture
def defaults() -> Iterator[None]:
    saved = gc.get_threshold()
    gc.set_threshold(*collector.DEFAULT)
    gc.unfreeze()
    try:
        yield
    finally:
        gc.set_threshold(*saved)


def test_a_running_cluster_raises_the_thresholds_and_freezes_what_exists(defaults: None) -> None:
    c = Cluster(clock=VirtualClock(), seed=1).start()
    try:
        assert gc.get_threshold() == (collector.YOUNG, collector.MIDDLE, collector.OLD)
        assert gc.get_freeze_count() > 0
    finally:
        c.stop()
    assert gc.get_threshold() == collector.DEFAULT
    assert gc.get_freeze_count() == 0


def test_the_settings_come_back_only_after_the_last_cluster_stops(defaults: None) -> None:
    a = Cluster("a", clock=VirtualClock(), seed=1).start()
    b = Cluster("b", clock=VirtualClock(), seed=2).start()
    a.stop()
    try:
        assert gc.get_threshold() == (collector.YOUNG, collector.MIDDLE, collector.OLD)
    finally:
        b.stop()
    assert gc.get_threshold() == collector.DEFAULT
    a.stop()  # a second stop changes nothing
    assert gc.get_threshold() == collector.DEFAULT


def test_thresholds_someone_else_chose_are_left_alone(defaults: None) -> None:
    gc.set_threshold(1000, 15, 15)
    c = Cluster(clock=VirtualClock(), seed=1).start()
    try:
        assert gc.get_threshold() == (1000, 15, 15)
        assert gc.get_freeze_count() == 0
    finally:
        c.stop()
    assert gc.get_threshold() == (1000, 15, 15)
