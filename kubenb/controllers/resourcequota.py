"""The resourcequota controller (pkg/controller/resourcequota): keeps every ResourceQuota's
`status.hard` equal to its `spec.hard` and `status.used` equal to what the namespace's
objects cost (api/quota_usage.py), for each resource the quota names that an evaluator
knows (pods, compute requests/limits, services, configmaps, secrets, claims, storage,
`count/<resource>`).

Watches ResourceQuotas and the objects quotas count (pods, services, claims, configmaps,
secrets, replication controllers, the apps and batch workloads); a change queues the quotas
of its namespace, which are recounted from the store (a replenishment: a deleted or
finished pod gives its share back). Writes only ResourceQuota status; looks again every
5 minutes as upstream's full resync does.
"""

from __future__ import annotations

from collections.abc import Hashable
from fractions import Fraction
from typing import Any

from kubenb.api import quota_usage as qu
from kubenb.api.objects import Key, WatchEvent
from kubenb.api.quantity import canonical_quantity, is_quantity
from kubenb.controllers.base import Controller, Watch, own_key

_COUNTED = ("Pod", "Service", "PersistentVolumeClaim", "ConfigMap", "Secret", "ReplicationController",
            "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob")
RESYNC = 300.0


class ResourceQuotaController(Controller):
    name = "resourcequota-controller"

    def watches(self) -> list[Watch]:
        return [Watch("ResourceQuota", own_key), *(Watch(kind, self._quota_keys) for kind in _COUNTED)]

    def _quota_keys(self, event: WatchEvent) -> list[Hashable]:
        ns = event["object"]["metadata"].get("namespace") or ""
        return [Key("ResourceQuota", ns, q["metadata"]["name"]) for q in self.store.list("ResourceQuota", ns)]

    def _kinds(self, hard: dict[str, Any]) -> set[str]:
        kinds = {"Pod", "Service", "PersistentVolumeClaim", "ConfigMap", "Secret",
                 "ReplicationController", "ResourceQuota"}
        for name in hard:
            if name.startswith("count/"):
                try:
                    kinds.add(self.store.registry.lookup(name[len("count/"):]).kind)
                except LookupError:
                    continue
        return kinds

    def usage(self, quota: dict[str, Any], hard: dict[str, Any]) -> qu.ResourceList:
        ns = quota["metadata"].get("namespace") or ""
        used: qu.ResourceList = {}
        for kind in sorted(self._kinds(hard)):
            rt = self.store.registry.by_kind(kind)
            tracked = qu.matching_resources(kind, rt.plural, rt.group, hard)
            if not tracked:
                continue
            total: qu.ResourceList = {n: qu.Amount(Fraction(0)) for n in tracked}
            for obj in self.store.list(kind, ns):
                if qu.scopes_match(quota, obj):
                    total = qu.add(total, qu.mask(qu.usage(obj, rt.plural, rt.group), tracked))
            used.update(total)
        return used

    def reconcile(self, key: Key) -> float | None:
        quota = self.store.try_get("ResourceQuota", key.namespace, key.name)
        if quota is None or quota["metadata"].get("deletionTimestamp"):
            return None
        hard = {n: canonical_quantity(v) for n, v in sorted(((quota.get("spec") or {}).get("hard") or {}).items())
                if is_quantity(v)}
        status = {"hard": hard, "used": qu.to_api(self.usage(quota, hard))}
        if quota.get("status") != status:
            self.store.update({**quota, "status": status}, subresource="status")
        return RESYNC
