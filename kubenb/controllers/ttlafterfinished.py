"""The TTL-after-finished controller (Kubernetes pkg/controller/ttlafterfinished).

Watches Jobs (own key). A finished Job (a true Complete or Failed condition) with
spec.ttlSecondsAfterFinished is deleted, with Background propagation so the garbage
collector removes its pods, once the condition's lastTransitionTime plus the TTL has passed
on the cluster clock; until then `reconcile` returns the seconds left and the work queue
wakes it again. Feeds the garbage collector (controllers/gc.py).
"""

from __future__ import annotations

from datetime import timedelta

from kubenb.api.errors import NotFound
from kubenb.api.objects import Key
from kubenb.clock import parse_time
from kubenb.controllers.base import Controller, Watch, own_key
from kubenb.controllers.job import find_condition


class TTLAfterFinishedController(Controller):
    name = "ttl-after-finished-controller"

    def watches(self) -> list[Watch]:
        return [Watch("Job", own_key)]

    def reconcile(self, key: Key) -> float | None:
        job = self.store.try_get("Job", key.namespace, key.name)
        if job is None or job["metadata"].get("deletionTimestamp"):
            return None
        ttl = job["spec"].get("ttlSecondsAfterFinished")
        finished = next((c for c in (find_condition(job, "Complete"), find_condition(job, "Failed"))
                         if c is not None and c.get("status") == "True"), None)
        if ttl is None or finished is None or not finished.get("lastTransitionTime"):
            return None
        expire = parse_time(finished["lastTransitionTime"]) + timedelta(seconds=int(ttl))
        left = (expire - self.clock.now()).total_seconds()
        if left > 0:
            return left
        try:
            self.store.delete("Job", key.namespace, key.name, propagation="Background",
                              uid=job["metadata"]["uid"])
        except NotFound:
            pass
        return None
