"""CronJob scheduling on the virtual clock: a time zone of its own, and a starting deadline
that has passed (upstream v2 controller: the missed time is skipped silently, since the
deadline bounds the search for missed times)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

import pytest

from kubenb.api.objects import clone
from kubenb.api.pods import condition_true
from kubenb.clock import VIRTUAL_EPOCH, VirtualClock, parse_time
from kubenb.cluster import Cluster
from tests import builders

Obj = dict[str, Any]


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    c = Cluster(nodes=1, clock=VirtualClock(), seed=7).start()
    c.wait_for(lambda: sum(condition_true(n, "Ready") for n in c.store.list("Node")) == 1, timeout=30)
    yield c
    c.stop()
    c.clock.loop.close()


def events(c: Cluster, name: str, reason: str) -> list[Obj]:
    return [e for e in c.store.list("Event", "default")
            if e["involvedObject"]["name"] == name and e["reason"] == reason]


def test_time_zone_schedules_at_that_zones_hour(cluster: Cluster) -> None:
    assert VIRTUAL_EPOCH.hour == 10  # 18:00 in Shanghai (UTC+8)
    cluster.store.create(builders.cronjob("sh8", "0 20 * * *", timeZone="Asia/Shanghai"))
    cluster.store.create(builders.cronjob("utc", "0 20 * * *"))
    cluster.wait_for(lambda: events(cluster, "sh8", "SuccessfulCreate"), timeout=6 * 3600)
    at = datetime(2025, 1, 6, 12, 0, tzinfo=timezone.utc)  # 20:00 in Shanghai
    assert cluster.clock.now() >= at
    assert [e["message"] for e in events(cluster, "sh8", "SuccessfulCreate")] == [
        f"Created job sh8-{int(at.timestamp()) // 60}"]
    assert cluster.store.get("CronJob", "default", "sh8")["status"]["lastScheduleTime"] == "2025-01-06T12:00:00Z"
    assert not events(cluster, "utc", "SuccessfulCreate")  # 20:00 UTC is hours away


def test_a_passed_starting_deadline_skips_the_missed_time(cluster: Cluster) -> None:
    cluster.store.create(builders.cronjob("late", "*/5 * * * *", startingDeadlineSeconds=10, suspend=True))
    cluster.advance(6 * 60)  # 10:05 passes while suspended
    cj = clone(cluster.store.get("CronJob", "default", "late"))
    cj["spec"]["suspend"] = False
    cluster.store.update(cj)
    cluster.advance(60)  # 10:07: the 10:05 run is 2 minutes late, its 10 s window long gone
    assert not [j for j in cluster.store.list("Job", "default") if j["metadata"]["name"].startswith("late-")]
    assert not events(cluster, "late", "MissSchedule") and not events(cluster, "late", "SuccessfulCreate")
    cluster.wait_for(lambda: events(cluster, "late", "SuccessfulCreate"), timeout=600)
    at = datetime(2025, 1, 6, 10, 10, tzinfo=timezone.utc)
    assert [e["message"] for e in events(cluster, "late", "SuccessfulCreate")] == [
        f"Created job late-{int(at.timestamp()) // 60}"]


def test_a_sped_up_schedule_runs_an_hourly_cronjob_every_few_seconds(cluster: Cluster) -> None:
    """`kubenb.io/schedule-speedup: "720"`: an hourly schedule fires every 5 s of cluster
    time; the Jobs keep their hourly names, LAST SCHEDULE is cluster time; other CronJobs
    keep the cluster's pace."""
    start = cluster.clock.now()
    fast = builders.cronjob("hourly", "0 * * * *")
    fast["metadata"]["annotations"] = {"kubenb.io/schedule-speedup": "720"}
    cluster.store.create(fast)
    cluster.store.create(builders.cronjob("plain", "0 * * * *"))
    cluster.wait_for(lambda: len(events(cluster, "hourly", "SuccessfulCreate")) >= 3, timeout=60)
    assert (cluster.clock.now() - start).total_seconds() < 20  # three hourly runs in 15 s
    minutes = [int(e["message"].removeprefix("Created job hourly-"))
               for e in events(cluster, "hourly", "SuccessfulCreate")][:3]
    assert [b - a for a, b in zip(minutes, minutes[1:], strict=False)] == [60, 60]  # one hour apart
    last = cluster.store.get("CronJob", "default", "hourly")["status"]["lastScheduleTime"]
    assert start <= parse_time(last) <= cluster.clock.now()  # when it acted, on the cluster clock
    assert not events(cluster, "plain", "SuccessfulCreate")  # 10:00:15: its next run is 11:00


@pytest.mark.parametrize("value", ["fast", "0.5", "-3", ""])
def test_a_speedup_that_is_not_a_number_from_1_up_changes_nothing(cluster: Cluster, value: str) -> None:
    cj = builders.cronjob("odd", "0 * * * *")
    cj["metadata"]["annotations"] = {"kubenb.io/schedule-speedup": value}
    cluster.store.create(cj)
    cluster.advance(30)
    assert not events(cluster, "odd", "SuccessfulCreate")
