"""What a ClusterView shows: the `options` trait of the protocol (labextension/PROTOCOL.md §1).

`state.py` filters by these; `clusterview.py` syncs them with the front end, whose
kube-system checkbox sets `show_system`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

DEFAULT_AGGREGATE_ABOVE = 2000
SYSTEM_NAMESPACE = "kube-system"


@dataclass
class ViewOptions:
    """What the view shows: `options` on the wire (PROTOCOL.md §1). `show_system`: also the
    pods (and workloads, services, events) of `kube-system`; off by default."""

    namespace: str | None = None
    selector: str | None = None
    aggregate_above: int = DEFAULT_AGGREGATE_ABOVE
    show_system: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"namespace": self.namespace, "selector": self.selector,
                "aggregate_above": self.aggregate_above, "show_system": self.show_system}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ViewOptions:
        above = data.get("aggregate_above")
        return cls(data.get("namespace") or None, data.get("selector") or None,
                   DEFAULT_AGGREGATE_ABOVE if above is None else int(above),
                   bool(data.get("show_system", False)))
