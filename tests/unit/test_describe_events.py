"""The Events section: empty form, ordering, repeated-event ages, sources and fieldPath prefix."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest

from kubenb.cli.kubectl.describe import describe_events
from kubenb.cli.kubectl.describe.events import event_age, event_message

NOW = datetime(2025, 1, 6, 10, 30, 0, tzinfo=timezone.utc)


def ev(reason: str, last: str, *, first: str | None = None, count: int = 1, etype: str = "Normal",
       message: str = "m", component: str = "kubelet", field_path: str = "") -> dict[str, Any]:
    involved = {"kind": "Pod", "name": "p"}
    if field_path:
        involved["fieldPath"] = field_path
    return {"reason": reason, "type": etype, "message": message, "count": count,
            "firstTimestamp": first or last, "lastTimestamp": last,
            "source": {"component": component} if component else {}, "involvedObject": involved}


def test_no_events() -> None:
    assert describe_events([], NOW) == "Events:  <none>\n"


def test_table_sorted_oldest_first_with_counts_and_prefix() -> None:
    events = [
        ev("BackOff", "2025-01-06T10:29:00Z", first="2025-01-06T10:20:00Z", count=5, etype="Warning",
           message="Back-off restarting failed container app in pod p", field_path="spec.containers{app}"),
        ev("Scheduled", "2025-01-06T10:00:00Z", component="default-scheduler",
           message="Successfully assigned default/p to minikube"),
        ev("Pulled", "2025-01-06T10:19:00Z", message='  Container image "nginx" already present on machine\n',
           field_path="spec.containers{app}"),
    ]
    assert describe_events(events, NOW) == """\
Events:
  Type     Reason     Age                From               Message
  ----     ------     ----               ----               -------
  Normal   Scheduled  30m                default-scheduler  Successfully assigned default/p to minikube
  Normal   Pulled     11m                kubelet            spec.containers{app}: Container image "nginx" already present on machine
  Warning  BackOff    60s (x5 over 10m)  kubelet            spec.containers{app}: Back-off restarting failed container app in pod p
"""


def test_older_kubectl_prints_the_bare_message() -> None:
    e = ev("Started", "2025-01-06T10:29:00Z", message="Started container app", field_path="spec.containers{app}")
    assert event_message(e) == "spec.containers{app}: Started container app"
    assert event_message(e, field_path_prefix=False) == "Started container app"
    assert describe_events([e], NOW, field_path_prefix=False).endswith("kubelet  Started container app\n")


@pytest.mark.parametrize(("event", "expected"), [
    ({"firstTimestamp": "2025-01-06T10:29:50Z", "lastTimestamp": "2025-01-06T10:29:50Z", "count": 1}, "10s"),
    ({"eventTime": "2025-01-06T10:25:00.123456Z", "firstTimestamp": None}, "4m59s"),
    ({"eventTime": "2025-01-06T10:00:00.000000Z",
      "series": {"count": 3, "lastObservedTime": "2025-01-06T10:28:00.000000Z"}}, "2m (x3 over 30m)"),
    ({}, "<unknown>"),
])
def test_event_age(event: dict[str, Any], expected: str) -> None:
    assert event_age(event, NOW) == expected


def test_reporting_controller_used_when_source_is_empty() -> None:
    e = ev("Scheduled", "2025-01-06T10:29:00Z", component="")
    e["reportingController"] = "default-scheduler"
    assert "  Normal  Scheduled  60s   default-scheduler  m\n" in describe_events([e], NOW)
