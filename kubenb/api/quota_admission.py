"""The ResourceQuota admission plugin (plugin/pkg/admission/resourcequota, the quota evaluator
of k8s.io/apiserver): a validating hook the store runs after an object passed validation.

Reads the ResourceQuotas of the object's namespace; on a create (or an update that costs
more) it refuses, with the API server's Forbidden words, an object that a quota tracks
while the quota's usage is still unknown (`status unknown for quota: q, resources: pods`),
a pod that leaves out a tracked cpu/memory request or limit (`failed quota: q: must
specify limits.cpu for: app`), and anything that would take usage past `status.hard`
(`exceeded quota: q, requested: cpu=2, used: cpu=1, limited: cpu=2`). An admitted object's
cost is added to each matching quota's `status.used` at once (the controller recounts).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kubenb.api import quota_usage as qu
from kubenb.api.errors import admission_forbidden

if TYPE_CHECKING:
    from kubenb.api.store import Op, Store


class ResourceQuotaAdmission:
    def __init__(self, store: Store) -> None:
        self.store = store

    def admit(self, op: Op, obj: dict[str, Any], old: dict[str, Any] | None) -> None:
        meta = obj.get("metadata") or {}
        ns = meta.get("namespace")
        kind = obj.get("kind", "")
        if not ns or kind in ("Event", "Namespace") or op not in ("CREATE", "UPDATE"):
            return
        quotas = self.store.list("ResourceQuota", ns)
        if not quotas:
            return
        rt = self.store.resource(kind)
        name_of = meta.get("name", "")
        chosen = []
        for quota in sorted(quotas, key=lambda q: q["metadata"]["name"]):
            status = quota.get("status") or {}
            hard_names = list(status.get("hard") or {})
            tracked = qu.matching_resources(kind, rt.plural, rt.group, hard_names)
            if not tracked or not qu.scopes_match(quota, obj):
                continue
            name = quota["metadata"]["name"]
            if kind == "Pod":
                why = qu.pod_constraints(tracked, obj)
                if why:
                    raise admission_forbidden(rt.qualified, name_of, f"failed quota: {name}: {why}")
            used = status.get("used") or {}
            if any(r not in used for r in tracked):
                raise admission_forbidden(rt.qualified, name_of, f"status unknown for quota: {name}, "
                                                                 f"resources: {','.join(tracked)}")
            chosen.append(quota)
        if not chosen:
            return
        delta = qu.usage(obj, rt.plural, rt.group)
        if op == "UPDATE" and old is not None:
            delta = qu.subtract(delta, qu.usage(old, rt.plural, rt.group))
        delta = {n: v for n, v in delta.items() if v.value != 0}
        if not delta:
            return
        updates = []
        for quota in chosen:
            status = quota["status"]
            hard, used = qu.resource_list(status.get("hard")), qu.resource_list(status.get("used"))
            requested = qu.mask(delta, hard)
            new_used = qu.add(used, requested)
            exceeded = sorted(n for n in requested if new_used[n].value > hard[n].value)
            if exceeded:
                raise admission_forbidden(
                    rt.qualified, name_of, f"exceeded quota: {quota['metadata']['name']}, "
                    f"requested: {qu.pretty(qu.mask(requested, exceeded))}, "
                    f"used: {qu.pretty(qu.mask(used, exceeded))}, "
                    f"limited: {qu.pretty(qu.mask(hard, exceeded))}")
            if requested:
                updates.append((quota, new_used))
        for quota, new_used in updates:
            fresh = {**quota, "status": {**quota["status"], "used": qu.to_api(new_used)}}
            self.store.update(fresh, subresource="status")

    def release(self, obj: dict[str, Any]) -> None:
        return None
