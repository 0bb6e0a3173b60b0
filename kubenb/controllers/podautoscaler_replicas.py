"""The HPA's arithmetic: replicas from resource metrics, and the rules that bound a change.

Kubernetes pkg/controller/podautoscaler/replica_calculator.go (GetResourceReplicas, groupPods,
calculatePodRequests, GetResourceUtilizationRatio; GetRawResourceReplicas with
calcPlainMetricReplicas for AverageValue targets) and the normalisation half of
horizontal.go (convertDesiredReplicasWithRules, the behavior rate limits). Pure functions over
pods, metrics and numbers; kubenb/controllers/podautoscaler.py feeds them and writes results.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from kubenb.api.objects import Obj
from kubenb.api.pods import get_condition
from kubenb.api.quantity import cpu_millis, to_bytes
from kubenb.clock import parse_time

TOLERANCE = 0.1
CPU_INITIALIZATION_PERIOD = 300.0  # --horizontal-pod-autoscaler-cpu-initialization-period
INITIAL_READINESS_DELAY = 30.0  # --horizontal-pod-autoscaler-initial-readiness-delay
METRIC_WINDOW = 15.0  # the window of a PodMetrics that does not say its own
SCALE_UP_LIMIT_FACTOR = 2.0
SCALE_UP_LIMIT_MINIMUM = 4.0


class MetricError(Exception):
    """A metric could not be turned into a replica count (the text is upstream's)."""


@dataclass
class Proposal:
    replicas: int
    utilization: int | None  # percent of request (None for an AverageValue target)
    raw: int  # average usage, milli-units


def _milli(resource: str, value: str) -> int:
    return cpu_millis(value) if resource == "cpu" else to_bytes(value) * 1000


def pod_usage(metrics: list[Obj], resource: str) -> dict[str, int]:
    """PodMetrics → pod name → summed container usage, milli-units."""
    return {m["metadata"]["name"]: sum(_milli(resource, c["usage"].get(resource, "0"))
                                       for c in m.get("containers") or [])
            for m in metrics}


_DURATION = re.compile(r"(\d+(?:\.\d+)?)(h|ms|m|s)")
_UNIT = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}


def _window(value: str | None) -> float:
    """A Go duration (`15s`, `5.003s`, `1m0s`) in seconds."""
    found = _DURATION.findall(value or "")
    return sum(float(n) * _UNIT[u] for n, u in found) if found else METRIC_WINDOW


def pod_samples(metrics: list[Obj], now: datetime) -> dict[str, tuple[datetime, float]]:
    """PodMetrics → pod name → (metric timestamp, window seconds)."""
    return {m["metadata"]["name"]: (parse_time(m["timestamp"]) if m.get("timestamp") else now,
                                    _window(m.get("window")))
            for m in metrics}


def pod_requests(pods: list[Obj], resource: str) -> dict[str, int]:
    """calculatePodRequests: every container must request the resource."""
    out = {}
    for pod in pods:
        total = 0
        for c in (pod.get("spec") or {}).get("containers") or []:
            request = ((c.get("resources") or {}).get("requests") or {}).get(resource)
            if request is None:
                raise MetricError(f"missing request for {resource} in container {c['name']} "
                                  f"of Pod {pod['metadata']['name']}")
            total += _milli(resource, str(request))
        out[pod["metadata"]["name"]] = total
    return out


def group_pods(pods: list[Obj], usage: dict[str, int], resource: str, now: datetime,
               samples: dict[str, tuple[datetime, float]] | None = None,
               ) -> tuple[int, set[str], set[str], set[str]]:
    """groupPods: (ready count, unready, missing, ignored) pod names. A pod still in its CPU
    initialization period counts as unready until one metric window (of its own PodMetrics,
    `samples`) was collected after its last readiness change."""
    ready, unready, missing, ignored = 0, set(), set(), set()
    for pod in pods:
        name, status = pod["metadata"]["name"], pod.get("status") or {}
        if pod["metadata"].get("deletionTimestamp") or status.get("phase") == "Failed":
            ignored.add(name)
            continue
        if status.get("phase") == "Pending":
            unready.add(name)
            continue
        if name not in usage:
            missing.add(name)
            continue
        if resource == "cpu":
            cond = get_condition(pod, "Ready")
            if cond is None or not status.get("startTime"):
                unready.add(name)
                continue
            start = parse_time(status["startTime"])
            since = parse_time(cond["lastTransitionTime"]) if cond.get("lastTransitionTime") else start
            if start + timedelta(seconds=CPU_INITIALIZATION_PERIOD) > now:
                stamp, window = (samples or {}).get(name, (now, METRIC_WINDOW))
                late = stamp < since + timedelta(seconds=window)
                if cond.get("status") == "False" or late:
                    unready.add(name)
                    continue
            elif cond.get("status") == "False" and start + timedelta(seconds=INITIAL_READINESS_DELAY) > since:
                unready.add(name)
                continue
        ready += 1
    return ready, unready, missing, ignored


def utilization_ratio(usage: dict[str, int], requests: dict[str, int], target: int) -> tuple[float, int, int]:
    """GetResourceUtilizationRatio: (usage ratio, utilization %, average raw usage)."""
    total = requested = n = 0
    for name, value in usage.items():
        if name not in requests:
            continue
        total += value
        requested += requests[name]
        n += 1
    if requested == 0:
        raise MetricError("no metrics returned matched known pods")
    utilization = total * 100 // requested
    return utilization / target, utilization, total // n


def _measured(pods: list[Obj], metrics: list[Obj], resource: str,
              now: datetime) -> tuple[dict[str, int], int, set[str], set[str]]:
    """The usage of the pods that count (ready ones with metrics), the number of ready pods,
    and the unready and missing pods: the start of both replica calculations."""
    usage = pod_usage(metrics, resource)
    if not pods:
        raise MetricError("no pods returned by selector while calculating replica count")
    ready, unready, missing, ignored = group_pods(pods, usage, resource, now,
                                                  pod_samples(metrics, now))
    for name in ignored | unready:
        usage.pop(name, None)
    if not usage:
        raise MetricError("did not receive metrics for targeted pods (pods might be unready)")
    return usage, ready, unready, missing


def _propose(current: int, ready: int, ratio: float, usage: dict[str, int], unready: set[str],
             missing: set[str], fill_missing: Callable[[str], int | None],
             ratio_of: Callable[[dict[str, int]], float], utilization: int | None,
             raw: int) -> Proposal:
    """The shared rest: within tolerance nothing changes; missing pods are filled as the
    metric type says (None: left out) and unready pods count as 0 on a scale-up; a change
    that flips the direction or crosses back into tolerance is dropped."""
    up_with_unready = bool(unready) and ratio > 1.0
    if not up_with_unready and not missing:
        if abs(1.0 - ratio) <= TOLERANCE:
            return Proposal(current, utilization, raw)
        return Proposal(math.ceil(ratio * ready), utilization, raw)
    for name in missing:
        value = fill_missing(name)
        if value is not None:
            usage[name] = value
    if up_with_unready:
        for name in unready:
            usage[name] = 0
    new_ratio = ratio_of(usage)
    if abs(1.0 - new_ratio) <= TOLERANCE or (ratio < 1.0 < new_ratio) or (ratio > 1.0 > new_ratio):
        return Proposal(current, utilization, raw)
    replicas = math.ceil(new_ratio * len(usage))
    if (new_ratio < 1.0 and replicas > current) or (new_ratio > 1.0 and replicas < current):
        return Proposal(current, utilization, raw)
    return Proposal(replicas, utilization, raw)


def resource_replicas(current: int, target: int, resource: str, pods: list[Obj],
                      metrics: list[Obj], now: datetime) -> Proposal:
    """GetResourceReplicas: utilization of the pods' requests against a percentage target."""
    usage, ready, unready, missing = _measured(pods, metrics, resource, now)
    requests = pod_requests(pods, resource)
    ratio, utilization, raw = utilization_ratio(usage, requests, target)
    fallback = max(100, target) if ratio < 1.0 else 0

    def fill(name: str) -> int | None:
        return requests[name] * fallback // 100 if ratio != 1.0 else None

    return _propose(current, ready, ratio, usage, unready, missing, fill,
                    lambda u: utilization_ratio(u, requests, target)[0], utilization, raw)


def raw_replicas(current: int, target: int, resource: str, pods: list[Obj], metrics: list[Obj],
                 now: datetime) -> Proposal:
    """GetRawResourceReplicas (calcPlainMetricReplicas): usage / target over the average
    value, milli-units, no requests needed; missing pods count as the target on a scale-down,
    as 0 on a scale-up."""
    usage, ready, unready, missing = _measured(pods, metrics, resource, now)
    raw = sum(usage.values()) // len(usage)
    ratio = raw / target
    return _propose(current, ready, ratio, usage, unready, missing,
                    lambda _name: target if ratio < 1.0 else 0,
                    lambda u: (sum(u.values()) // len(u)) / target, None, raw)


# ---- bounds ----------------------------------------------------------------------------

def within_rules(current: int, desired: int, min_r: int, max_r: int) -> tuple[int, str, str]:
    """convertDesiredReplicasWithRules (an HPA without behavior)."""
    up_limit = int(max(SCALE_UP_LIMIT_FACTOR * current, SCALE_UP_LIMIT_MINIMUM))
    if max_r > up_limit:
        highest, reason, message = up_limit, "ScaleUpLimit", \
            "the desired replica count is increasing faster than the maximum scale rate"
    else:
        highest, reason, message = max_r, "TooManyReplicas", \
            "the desired replica count is more than the maximum replica count"
    if desired < min_r:
        return min_r, "TooFewReplicas", "the desired replica count is less than the minimum replica count"
    if desired > highest:
        return highest, reason, message
    return desired, "DesiredWithinRange", "the desired count is within the acceptable range"


def _changed_in(events: list[tuple[datetime, int]], period: int, now: datetime) -> int:
    cutoff = now - timedelta(seconds=period)
    return sum(n for t, n in events if t > cutoff)


def scale_up_limit(current: int, events: list[tuple[datetime, int]], rules: Obj, now: datetime) -> int:
    """calculateScaleUpLimitWithScalingRules."""
    select = rules.get("selectPolicy", "Max")
    if select == "Disabled":
        return current
    proposals = []
    for policy in rules.get("policies") or []:
        start = current - _changed_in(events, int(policy["periodSeconds"]), now)
        if policy["type"] == "Pods":
            proposals.append(start + int(policy["value"]))
        else:
            proposals.append(math.ceil(start * (1 + int(policy["value"]) / 100)))
    if not proposals:
        return current
    return min(proposals) if select == "Min" else max(proposals)


def scale_down_limit(current: int, events: list[tuple[datetime, int]], rules: Obj, now: datetime) -> int:
    """calculateScaleDownLimitWithBehaviors."""
    select = rules.get("selectPolicy", "Max")
    if select == "Disabled":
        return current
    proposals = []
    for policy in rules.get("policies") or []:
        start = current + _changed_in(events, int(policy["periodSeconds"]), now)
        if policy["type"] == "Pods":
            proposals.append(start - int(policy["value"]))
        else:
            proposals.append(int(start * (1 - int(policy["value"]) / 100)))
    if not proposals:
        return current
    return max(proposals) if select == "Min" else min(proposals)
