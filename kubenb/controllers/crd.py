"""The CustomResourceDefinition controllers: naming, establishing, serving and cleanup.

Watches CustomResourceDefinitions (own key). For each one writes `status.acceptedNames`,
the `NamesAccepted` and `Established` conditions (apiextensions' naming and establishing
controllers: names another CRD of the group or a built-in kind already uses are refused)
and `status.storedVersions`; once Established its kind is served by the store's registry
(api/crd_registry.py), so `kubectl get <plural>`, discovery and the HTTP API know it. A deleted
CRD is held by the `customresourcecleanup` finalizer (store.delete adds it, with the
Terminating condition) while every object of its kind is deleted (their watchers see
DELETED) and the kind stops being served; then the finalizer goes, and the CRD with it. Each served group-version gets a Local APIService
(`v1.stable.example.com`, automanaged), removed with the last kind it serves.
"""

from __future__ import annotations

from typing import Any

from kubenb.api import crd_registry
from kubenb.api.apiservices import condition as apiservice_condition
from kubenb.api.crd import (
    CLEANUP_FINALIZER,
    accepted_names,
    condition,
    set_condition,
    storage_version,
)
from kubenb.api.errors import NotFound
from kubenb.api.objects import Key, clone
from kubenb.api.registry import ResourceType
from kubenb.clock import rfc3339
from kubenb.controllers.base import Controller, Watch, own_key

KIND = "CustomResourceDefinition"


class CRDController(Controller):
    name = "crd-controller"

    def watches(self) -> list[Watch]:
        return [Watch(KIND, own_key)]

    def reconcile(self, key: Key) -> float | None:
        crd = self.store.try_get(KIND, None, key.name)
        if crd is None:
            return self._cleanup(key.name)
        if crd["metadata"].get("deletionTimestamp"):
            return self._finalize(crd)
        builtin = {(rt.group, rt.plural) for rt in self.store.registry if rt.custom is None}
        names, reason, message = accepted_names(crd, self.store.list(KIND), builtin)
        kind = ((crd.get("spec") or {}).get("names") or {}).get("kind")
        taken = {rt.kind for rt in self.store.registry
                 if rt.custom is None or rt.custom.crd_name != key.name}
        if reason == "NoConflicts" and kind in taken:
            # kubenb keeps objects by kind: a kind another group serves cannot be served twice
            names = (crd.get("status") or {}).get("acceptedNames") or {}
            reason, message = "KindConflict", f'"{kind}" is already in use'
        view = {"status": clone(crd.get("status") or {})}
        status = view["status"]
        status["acceptedNames"] = names or {"kind": "", "plural": ""}
        ok = reason == "NoConflicts"
        now = rfc3339(self.clock.now())
        set_condition(view, "NamesAccepted", "True" if ok else "False", reason, message, now)
        established = condition(crd, "Established")
        if ok or (established and established.get("status") == "True"):
            set_condition(view, "Established", "True", "InitialNamesAccepted",
                          "the initial names have been accepted", now)
        else:
            set_condition(view, "Established", "False", "NotAccepted", "not all names are accepted", now)
        stored = list(status.get("storedVersions") or [])
        sv = storage_version(crd)
        if sv and sv not in stored:
            stored.append(sv)
        status["storedVersions"] = stored
        if status != crd.get("status"):
            updated = dict(crd)
            updated["status"] = status
            crd = self.store.update(updated, subresource="status", adopt=True)
        if condition(view, "Established")["status"] == "True" and status["acceptedNames"].get("kind"):
            existing = crd_registry.served_by(self.store, key.name)
            rt = crd_registry.custom_type(crd)
            if existing is not None and existing.kind != rt.kind:
                self.store.unserve_kind(existing.kind)
            self.store.serve_kind(rt)
            self._register_apiservices(rt)
        return None

    def _register_apiservices(self, rt: ResourceType) -> None:
        """kube-apiserver's CRD registration: a Local APIService per served group-version."""
        for version in rt.versions:
            name = f"{version}.{rt.group}"
            if self.store.try_get("APIService", None, name) is not None:
                continue
            created = self.store.create({
                "apiVersion": "apiregistration.k8s.io/v1", "kind": "APIService",
                "metadata": {"name": name, "labels": {"kube-aggregator.kubernetes.io/automanaged": "true"}},
                "spec": {"group": rt.group, "version": version, "groupPriorityMinimum": 1000,
                         "versionPriority": 100}})
            created["status"] = {"conditions": [apiservice_condition(
                self.store, "True", "Local", "Local APIServices are always available")]}
            self.store.update(created, subresource="status")

    def _unregister_apiservices(self, gone: ResourceType) -> None:
        still = {(rt.group, v) for rt in self.store.registry for v in rt.versions}
        for version in gone.versions:
            if (gone.group, version) in still:
                continue
            svc = self.store.try_get("APIService", None, f"{version}.{gone.group}")
            labels = ((svc or {}).get("metadata") or {}).get("labels") or {}
            if labels.get("kube-aggregator.kubernetes.io/automanaged") == "true":
                try:
                    self.store.delete("APIService", None, f"{version}.{gone.group}")
                except NotFound:
                    pass

    def _finalize(self, crd: dict[str, Any]) -> float | None:
        """The finalizer controller: the objects go, then the cleanup finalizer."""
        self._terminating(crd, "InstanceDeletionInProgress", "CustomResource deletion is in progress")
        again = self._cleanup(crd["metadata"]["name"])
        if again is not None:
            return again
        crd = self._terminating(crd, "InstanceDeletionCompleted", "removed all instances")
        finalizers = [f for f in crd["metadata"].get("finalizers") or [] if f != CLEANUP_FINALIZER]
        if finalizers != crd["metadata"].get("finalizers"):
            self.store.update({**crd, "metadata": {**crd["metadata"], "finalizers": finalizers}})
        return None

    def _terminating(self, crd: dict[str, Any], reason: str, message: str) -> dict[str, Any]:
        view = {"status": clone(crd.get("status") or {})}
        set_condition(view, "Terminating", "True", reason, message, rfc3339(self.clock.now()))
        if view["status"] == crd.get("status"):
            return crd
        return self.store.update({**crd, "status": view["status"]}, subresource="status", adopt=True)

    def _cleanup(self, crd_name: str) -> float | None:
        rt = crd_registry.served_by(self.store, crd_name)
        if rt is None:
            return None
        left = 0
        for obj in list(self.store.list(rt.kind)):
            meta = obj["metadata"]
            try:
                gone = self.store.delete(rt.kind, meta.get("namespace"), meta["name"])
            except NotFound:
                continue
            if gone["metadata"].get("finalizers"):
                left += 1
        if left:
            return 1.0  # finalizers hold some: look again, as the finalizer controller does
        self.store.unserve_kind(rt.kind)
        self._unregister_apiservices(rt)
        return None
