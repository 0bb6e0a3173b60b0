"""Pod requests and limits as `kubectl describe node` adds them up.

A port of component-helpers `PodRequests` / `PodLimits`: app containers are summed,
restartable (sidecar) init containers are added too, each plain init container is
compared (with the sidecars started before it) and the larger amount wins, then pod
overhead is added; pod-level `spec.resources` replaces cpu/memory when set. Amounts keep
the format Go's `Quantity.Add` would keep (the first non-zero one), so the printed text
matches (`1536Mi`, `250m`). Fed into `node.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from kubenb.api.quantity import QuantityFormat, format_quantity, parse_quantity, quantity_format


@dataclass(frozen=True)
class Amount:
    """An exact quantity with the format it prints in."""

    value: Fraction = Fraction(0)
    fmt: QuantityFormat = "DecimalSI"

    def __add__(self, other: Amount) -> Amount:
        fmt = other.fmt if self.value == 0 else self.fmt
        return Amount(self.value + other.value, fmt)

    def text(self) -> str:
        """`Quantity.String()`."""
        return format_quantity(self.value, self.fmt)

    def milli(self) -> int:
        """`MilliValue()` (rounded up)."""
        return _ceil(self.value * 1000)

    def whole(self) -> int:
        """`Value()` (rounded up)."""
        return _ceil(self.value)


def _ceil(x: Fraction) -> int:
    return -((-x.numerator) // x.denominator)


def amount(raw: Any) -> Amount:
    """Parse an API quantity into an Amount (zero when malformed)."""
    try:
        return Amount(parse_quantity(raw), quantity_format(raw))
    except (ValueError, TypeError):
        return Amount()


ResourceTotals = dict[str, Amount]


def _add_into(acc: ResourceTotals, values: dict[str, Any] | ResourceTotals) -> None:
    for name, raw in values.items():
        q = raw if isinstance(raw, Amount) else amount(raw)
        acc[name] = acc[name] + q if name in acc else q


def _max_into(acc: ResourceTotals, values: ResourceTotals) -> None:
    for name, q in values.items():
        if name not in acc or q.value > acc[name].value:
            acc[name] = q


def _pod_totals(pod: dict[str, Any], key: str) -> ResourceTotals:
    spec = pod.get("spec") or {}
    totals: ResourceTotals = {}
    for c in spec.get("containers") or []:
        _add_into(totals, (c.get("resources") or {}).get(key) or {})
    sidecars: ResourceTotals = {}
    init_max: ResourceTotals = {}
    for c in spec.get("initContainers") or []:
        own: ResourceTotals = {}
        _add_into(own, (c.get("resources") or {}).get(key) or {})
        if c.get("restartPolicy") == "Always":
            _add_into(totals, own)
            _add_into(sidecars, own)
            effective = dict(sidecars)
        else:
            effective = dict(own)
            _add_into(effective, sidecars)
        _max_into(init_max, effective)
    _max_into(totals, init_max)
    pod_level = (spec.get("resources") or {}).get(key) or {}
    for name in ("cpu", "memory"):
        if name in pod_level:
            totals[name] = amount(pod_level[name])
    overhead = spec.get("overhead") or {}
    if key == "requests":
        _add_into(totals, overhead)
    else:
        _add_into(totals, {k: v for k, v in overhead.items() if k in totals})
    return totals


def pod_requests(pod: dict[str, Any]) -> ResourceTotals:
    """component-helpers `PodRequests`."""
    return _pod_totals(pod, "requests")


def pod_limits(pod: dict[str, Any]) -> ResourceTotals:
    """component-helpers `PodLimits` (overhead only added to limits that are set)."""
    return _pod_totals(pod, "limits")


def sum_totals(pods: list[dict[str, Any]]) -> tuple[ResourceTotals, ResourceTotals]:
    """kubectl `getPodsTotalRequestsAndLimits`: requests and limits summed over pods."""
    reqs: ResourceTotals = {}
    limits: ResourceTotals = {}
    for pod in pods:
        _add_into(reqs, pod_requests(pod))
        _add_into(limits, pod_limits(pod))
    return reqs, limits
