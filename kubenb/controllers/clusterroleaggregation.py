"""The clusterrole-aggregation controller (Kubernetes pkg/controller/clusterroleaggregation).

Watches ClusterRoles. For every ClusterRole with an `aggregationRule`, the rules become the
union, in name order and without repeats, of the rules of the ClusterRoles its
`clusterRoleSelectors` select (itself excluded); any change to any ClusterRole re-enqueues
every aggregated role. Writes the aggregated role's `rules`; the RBAC authorizer
(api/rbac.py) reads them.
"""

from __future__ import annotations

from typing import Any

from kubenb.api.objects import Key, WatchEvent, clone
from kubenb.api.selectors import from_label_selector
from kubenb.controllers.base import Controller, Watch


class ClusterRoleAggregationController(Controller):
    name = "clusterrole-aggregation-controller"

    def watches(self) -> list[Watch]:
        return [Watch("ClusterRole", self._aggregated_keys)]

    def _aggregated_keys(self, _event: WatchEvent) -> list[Key]:
        return [Key("ClusterRole", "", r["metadata"]["name"])
                for r in self.store.list("ClusterRole") if r.get("aggregationRule")]

    def reconcile(self, key: Key) -> float | None:
        role = self.store.try_get("ClusterRole", None, key.name)
        if role is None or not role.get("aggregationRule"):
            return None
        selectors = [from_label_selector(s) for s in
                     role["aggregationRule"].get("clusterRoleSelectors") or []]
        rules: list[dict[str, Any]] = []
        for other in sorted(self.store.list("ClusterRole"), key=lambda r: r["metadata"]["name"]):
            if other["metadata"]["name"] == key.name:
                continue
            labels = other["metadata"].get("labels") or {}
            if any(s.matches(labels) for s in selectors):
                rules.extend(r for r in other.get("rules") or [] if r not in rules)
        if rules != (role.get("rules") or []):
            updated = clone(role)
            updated["rules"] = rules
            self.store.update(updated)
        return None
