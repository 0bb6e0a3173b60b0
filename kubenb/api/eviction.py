"""The Eviction subresource (pods/NAME/eviction): a delete that PodDisruptionBudgets may refuse.

Kubernetes pkg/registry/core/pod/storage/eviction.go. Both doors use it: the HTTP API server
(kubenb/server/subresources.py `eviction`) and the in-process client's `evict`, which is what
`kubectl drain` calls. The flow:

- a pod that is Pending, Succeeded, Failed or already terminating is deleted at once;
- more than one PodDisruptionBudget selecting the pod: 500, the eviction API cannot say;
- no budget: deleted;
- a pod that is not Ready is deleted without spending the budget when the budget is already
  met (IfHealthyBudget, the default) or the budget says AlwaysAllow;
- otherwise the budget must have been observed by the disruption controller (observedGeneration)
  and allow a disruption: then disruptionsAllowed is decremented, the pod is recorded in
  status.disruptedPods (so the controller does not count it healthy while it goes) and the
  pod is deleted. A budget with no disruption to spare answers 429 TooManyRequests with the
  DisruptionBudget cause; clients (drain) retry.

Deviation: the store's delete has no resourceVersion precondition, so the race the upstream
precondition guards (an unready pod turning ready between check and delete) is not guarded.
"""

from __future__ import annotations

from typing import Any

from kubenb.api.errors import Conflict, Forbidden, InternalError, NotFound, TooManyRequests
from kubenb.api.objects import Obj, clone
from kubenb.api.pods import is_pod_ready, set_condition
from kubenb.api.store import Store
from kubenb.api.validation_meta import selector_is_empty, selector_matches
from kubenb.clock import rfc3339

VIOLATES = "Cannot evict pod as it would violate the pod's disruption budget."
MAX_DISRUPTED_PODS = 2000
_RETRIES = 16


def budgets_for(store: Store, pod: Obj) -> list[Obj]:
    """The PodDisruptionBudgets of the pod's namespace whose selector selects it.

    A nil or empty selector selects nothing (getPodDisruptionBudgets)."""
    labels = pod["metadata"].get("labels") or {}
    out = []
    for pdb in store.list("PodDisruptionBudget", pod["metadata"]["namespace"]):
        selector = (pdb.get("spec") or {}).get("selector")
        if selector is None or selector_is_empty(selector):
            continue
        if selector_matches(selector, labels):
            out.append(pdb)
    return out


def _too_many(message: str, retry_after: int = 0) -> TooManyRequests:
    details: dict[str, Any] = {"causes": [{"reason": "DisruptionBudget", "message": message}]}
    if retry_after:
        details["retryAfterSeconds"] = retry_after
    return TooManyRequests(VIOLATES, details=details)


def disruption_allowed_condition(status: Obj, generation: int, now: str) -> None:
    """pdbhelper.UpdateDisruptionAllowedCondition."""
    allowed = int(status.get("disruptionsAllowed") or 0) > 0
    set_condition(status, "DisruptionAllowed", "True" if allowed else "False", now,
                  "SufficientPods" if allowed else "InsufficientPods", "")
    for c in status["conditions"]:
        if c["type"] == "DisruptionAllowed":
            c["observedGeneration"] = generation


def _check_and_decrement(store: Store, pdb: Obj, pod_name: str, dry_run: bool) -> None:
    meta, status = pdb["metadata"], pdb.get("status") or {}
    name = meta["name"]
    if int(status.get("observedGeneration") or 0) < int(meta.get("generation") or 0):
        raise _too_many(f"The disruption budget {name} is still being processed by the server.", 10)
    allowed = int(status.get("disruptionsAllowed") or 0)
    if allowed < 0:
        raise Forbidden(f'poddisruptionbudgets.policy "{name}" is forbidden: '
                        "pdb disruptions allowed is negative")
    if len(status.get("disruptedPods") or {}) > MAX_DISRUPTED_PODS:
        raise Forbidden(f'poddisruptionbudgets.policy "{name}" is forbidden: DisruptedPods map too '
                        "big - too many evictions not confirmed by PDB controller")
    if allowed == 0:
        raise _too_many(f"The disruption budget {name} needs {int(status.get('desiredHealthy') or 0)} "
                        f"healthy pods and has {int(status.get('currentHealthy') or 0)} currently")
    new = clone(pdb)
    new_status = new.setdefault("status", {})
    new_status["disruptionsAllowed"] = allowed - 1
    now = rfc3339(store.clock.now())
    if allowed - 1 == 0:
        disruption_allowed_condition(new_status, int(new_status.get("observedGeneration") or 0), now)
    if dry_run:
        return
    new_status.setdefault("disruptedPods", {})[pod_name] = now
    store.update(new, subresource="status")


def evict(store: Store, namespace: str, name: str, *, grace_period_seconds: int | None = None,
          uid: str | None = None, dry_run: bool = False) -> None:
    """Evict one pod, or raise what the API server answers (NotFound, TooManyRequests, …)."""
    pod = store.try_get("Pod", namespace, name)
    if pod is None:
        raise NotFound("pods", name)
    phase = (pod.get("status") or {}).get("phase")
    if phase in ("Pending", "Succeeded", "Failed") or pod["metadata"].get("deletionTimestamp"):
        store.delete("Pod", namespace, name, grace_period_seconds=grace_period_seconds, uid=uid,
                     dry_run=dry_run)
        return
    budgets = budgets_for(store, pod)
    if len(budgets) > 1:
        raise InternalError("This pod has more than one PodDisruptionBudget, which the eviction "
                            "subresource does not support.")
    if budgets:
        pdb = budgets[0]
        spec, status = pdb.get("spec") or {}, pdb.get("status") or {}
        desired, current = int(status.get("desiredHealthy") or 0), int(status.get("currentHealthy") or 0)
        unhealthy_ok = not is_pod_ready(pod) and (
            spec.get("unhealthyPodEvictionPolicy") == "AlwaysAllow" or (current >= desired and desired > 0))
        if not unhealthy_ok:
            for _ in range(_RETRIES):
                try:
                    _check_and_decrement(store, pdb, name, dry_run)
                    break
                except Conflict:
                    pdb = store.get("PodDisruptionBudget", namespace, pdb["metadata"]["name"])
            else:
                raise InternalError(f'couldn\'t update PodDisruptionBudget "{pdb["metadata"]["name"]}" '
                                    "due to conflicts")
    store.delete("Pod", namespace, name, grace_period_seconds=grace_period_seconds, uid=uid,
                 dry_run=dry_run)
