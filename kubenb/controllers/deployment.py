"""The deployment controller: Deployments → ReplicaSets (Kubernetes pkg/controller/deployment).

Watches Deployments (own key), ReplicaSets (their controlling Deployment; an orphan RS
enqueues the Deployments whose selector matches it) and deleted Pods (the Deployment of
their ReplicaSet — Recreate waits for old pods to be gone). `reconcile` reads the
Deployment, claims its ReplicaSets, groups their pods and then, like syncDeployment:
being deleted → status only; paused → scale only; a replicas change → proportional
scaling; otherwise one step of the Recreate or RollingUpdate strategy
(`deployment_rolling`). ReplicaSets it writes are picked up by the replicaset
controller (kubenb.controllers.replicaset), whose status updates come back here.
"""

from __future__ import annotations

import logging
from collections.abc import Hashable

from kubenb.api.objects import Key, Obj, WatchEvent, clone
from kubenb.api.pods import controller_ref, owner_of
from kubenb.api.selectors import from_label_selector
from kubenb.controllers import deployment_rolling as rolling
from kubenb.controllers import deployment_util as du
from kubenb.controllers.base import Controller, Watch, own_key, owner_keys
from kubenb.controllers.deployment_sync import DeploymentSync

log = logging.getLogger("kubenb.controllers.deployment")


class DeploymentController(Controller):
    name = "deployment-controller"

    def watches(self) -> list[Watch]:
        return [
            Watch("Deployment", own_key),
            Watch("ReplicaSet", self._replica_set_keys),
            Watch("Pod", self._pod_keys, coalesce=self.ctx.timings.controller_coalesce),
        ]

    # ---- event → keys -----------------------------------------------------------------

    def _replica_set_keys(self, event: WatchEvent) -> list[Hashable]:
        keys = owner_keys("Deployment")(event)
        rs = event["object"]
        if keys or owner_of(rs) is not None:
            return keys
        ns = rs["metadata"].get("namespace") or ""
        labels = rs["metadata"].get("labels") or {}
        return [
            Key("Deployment", ns, d["metadata"]["name"])
            for d in self.store.list("Deployment", ns)
            if from_label_selector(d["spec"].get("selector")).matches(labels)
        ]

    def _pod_keys(self, event: WatchEvent) -> list[Hashable]:
        if event["type"] != "DELETED":
            return []
        pod = event["object"]
        ref = owner_of(pod, "ReplicaSet")
        if ref is None:
            return []
        ns = pod["metadata"].get("namespace") or ""
        rs = self.store.try_get("ReplicaSet", ns, ref["name"])
        dref = owner_of(rs, "Deployment") if rs is not None else None
        return [Key("Deployment", ns, dref["name"])] if dref else []

    # ---- reconcile --------------------------------------------------------------------

    def reconcile(self, key: Key) -> float | None:
        d = self.store.try_get("Deployment", key.namespace, key.name)
        if d is None:
            return None
        selector = d["spec"].get("selector")
        if selector is not None and not selector.get("matchLabels") and not selector.get("matchExpressions"):
            self.recorder.event(d, "Warning", "SelectingAll",
                                "This deployment is selecting all pods. A non-empty selector is required.")
            generation = int(d["metadata"].get("generation") or 0)
            if int((d.get("status") or {}).get("observedGeneration") or 0) < generation:
                new = clone(d)
                new.setdefault("status", {})["observedGeneration"] = generation
                self.store.update(new, subresource="status")
            return None
        rs_list = self.replica_sets_for(d)
        # only the Recreate strategy reads the pods (it waits for the old ones to go): a
        # RollingUpdate sync stays O(ReplicaSets), not O(pods)
        pod_map = {} if du.is_rolling_update(d) else self.pod_map_for(rs_list)
        s = DeploymentSync(self, d, rs_list, pod_map)
        if d["metadata"].get("deletionTimestamp"):
            new_rs, old_rss = s.get_all_rss_and_sync_revision(create=False)
            s.sync_deployment_status([*old_rss, new_rs], new_rs)
            return None
        s.check_paused_conditions()
        if d["spec"].get("paused") or s.is_scaling_event():
            return self._sync(s)
        if du.is_rolling_update(d):
            return rolling.rollout_rolling(s)
        return rolling.rollout_recreate(s)

    def _sync(self, s: DeploymentSync) -> None:
        """sync: scaling events and paused deployments (no rollout)."""
        new_rs, old_rss = s.get_all_rss_and_sync_revision(create=False)
        s.scale(new_rs, old_rss)
        if s.d["spec"].get("paused"):
            s.cleanup(old_rss)
        s.sync_deployment_status([*old_rss, new_rs], new_rs)
        return None

    def replica_sets_for(self, d: Obj) -> list[Obj]:
        """ReplicaSets this Deployment controls, adopting matching orphans (ClaimReplicaSets)."""
        meta = d["metadata"]
        owned: list[Obj] = []
        selector = from_label_selector(d["spec"].get("selector"))
        for rs in self.store.list("ReplicaSet", meta.get("namespace"), label_selector=selector):
            ref = owner_of(rs)
            if ref is not None:
                if ref.get("uid") == meta["uid"]:
                    owned.append(rs)
                continue
            if rs["metadata"].get("deletionTimestamp") or meta.get("deletionTimestamp"):
                continue
            adopted = clone(rs)
            adopted["metadata"]["ownerReferences"] = [
                *(adopted["metadata"].get("ownerReferences") or []), controller_ref(d)]
            owned.append(self.store.update(adopted))
            log.debug("deployment %s adopted replicaset %s", meta["name"], rs["metadata"]["name"])
        return owned

    def pod_map_for(self, rs_list: list[Obj]) -> dict[str, list[Obj]]:
        """Pods of each owned ReplicaSet, by RS uid (what Recreate waits on)."""
        out: dict[str, list[Obj]] = {}
        for rs in rs_list:
            uid = rs["metadata"]["uid"]
            out[uid] = [
                p for p in self.store.dependents(uid)
                if p.get("kind") == "Pod" and (owner_of(p) or {}).get("uid") == uid
            ]
        return out
