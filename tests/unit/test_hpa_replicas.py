"""The HPA's replica arithmetic (podautoscaler_replicas.py) on hand-made pods and metrics."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from kubenb.clock import rfc3339
from kubenb.controllers.podautoscaler_replicas import group_pods, pod_samples

T0 = datetime(2025, 1, 1, tzinfo=timezone.utc)


def ready_pod(name: str, ready_at: datetime) -> dict:
    return {"metadata": {"name": name},
            "status": {"phase": "Running", "startTime": rfc3339(ready_at),
                       "conditions": [{"type": "Ready", "status": "True",
                                       "lastTransitionTime": rfc3339(ready_at)}]}}


def metric(name: str, at: datetime, window: str) -> dict:
    return {"metadata": {"name": name}, "timestamp": rfc3339(at), "window": window,
            "containers": [{"name": "c", "usage": {"cpu": "100m"}}]}


def test_a_new_pod_is_ready_for_cpu_once_its_own_metric_window_was_collected_after_readiness():
    # groupPods: unready = metric.Timestamp.Before(readyTransition + metric.Window)
    now = T0 + timedelta(seconds=12)
    pods = [ready_pod("a", T0), ready_pod("b", T0)]
    metrics = [metric("a", T0 + timedelta(seconds=10), "5.004s"),  # a full 5 s window after ready
               metric("b", T0 + timedelta(seconds=3), "5s")]  # the window began before ready
    samples = pod_samples(metrics, now)
    ready, unready, missing, ignored = group_pods(pods, {"a": 100, "b": 100}, "cpu", now, samples)
    assert (ready, unready, missing, ignored) == (1, {"b"}, set(), set())
    assert samples["a"][1] == 5.004 and pod_samples([metric("a", T0, "1m0.5s")], now)["a"][1] == 60.5
