"""The APIService availability controller (k8s.io/kube-aggregator pkg/controllers/status).

Watches APIServices (own key) and Services and Endpoints (every APIService backed by that
Service). Writes each backed APIService's `Available` condition from
api/apiservices.availability (ServiceNotFound, MissingEndpoints, FailedDiscoveryCheck); local
APIServices keep theirs. `kubectl get apiservices` shows the result.
"""

from __future__ import annotations

from kubenb.api.apiservices import availability, condition
from kubenb.api.objects import Key, WatchEvent, clone
from kubenb.controllers.base import Controller, Watch, own_key


class APIServiceAvailabilityController(Controller):
    name = "apiservice-availability-controller"

    def watches(self) -> list[Watch]:
        return [Watch("APIService", own_key), Watch("Service", self._backed_by),
                Watch("Endpoints", self._backed_by)]

    def _backed_by(self, event: WatchEvent) -> list[Key]:
        meta = event["object"]["metadata"]
        return [Key("APIService", "", s["metadata"]["name"]) for s in self.store.list("APIService")
                if ((s.get("spec") or {}).get("service") or {}).get("name") == meta.get("name")
                and s["spec"]["service"].get("namespace") == meta.get("namespace")]

    def reconcile(self, key: Key) -> float | None:
        svc = self.store.try_get("APIService", None, key.name)
        if svc is None or not (svc.get("spec") or {}).get("service"):
            return None
        status, reason, message = availability(self.store, svc)
        current = next((c for c in (svc.get("status") or {}).get("conditions") or []
                        if c.get("type") == "Available"), None)
        if current and (current.get("status"), current.get("reason"),
                        current.get("message")) == (status, reason, message):
            return None
        updated = clone(svc)
        cond = condition(self.store, status, reason, message)
        if current and current.get("status") == status:
            cond["lastTransitionTime"] = current.get("lastTransitionTime")
        updated.setdefault("status", {})["conditions"] = [cond]
        self.store.update(updated, subresource="status")
        return None
