"""The statefulset controller: ordered, named pods with their own claims (pkg/controller/statefulset).

Watches StatefulSets (own key), Pods and ControllerRevisions (the set controlling them;
an orphan pod enqueues the sets whose selector matches it). `reconcile`:

1. claims the set's pods (controller ref + selector; orphans named `<set>-<n>` adopted);
2. finds or creates the ControllerRevision of the current template (update revision,
   `<set>-<hash>`, collision count on a name clash) and the current revision
   (status.currentRevision) — kubenb.api.stateful_history;
3. `sync`: pod `web-i` for each ordinal below spec.replicas, from the current revision
   below the partition and the update revision above it; claims `<tmpl>-web-i` created
   before their pod and never deleted here (Retain); failed pods deleted to be recreated;
   ordinals at or above spec.replicas deleted from the highest down. OrderedReady waits
   for every pod to be Running and Ready (and available) before the next step and does
   one create or delete per sync; Parallel does them all at once;
4. rolling update: the highest ordinal ≥ partition not at the update revision is deleted
   (it comes back at the update revision), one at a time, waiting for health;
5. writes status (replicas, readyReplicas, currentReplicas, updatedReplicas,
   availableReplicas, currentRevision, updateRevision, collisionCount,
   observedGeneration) and prunes non-live revisions beyond revisionHistoryLimit.

Events are upstream's: `create Pod web-0 in StatefulSet web successful`, `create Claim
www-web-0 Pod web-0 in StatefulSet web success`, `delete Pod web-2 in StatefulSet web
successful`. Pods go on to the scheduler and kubelets; nothing here binds claims (that
is a provisioner's job) and nothing in kubenb waits for a claim to be bound.

Deviations: the store is read consistently, so there are no expectations; Parallel
creates every missing pod in one sync (upstream uses slow-start batches of 1, 2, 4 …);
maxUnavailable (alpha) and the whenScaled=Delete claim policy are not implemented.
"""

from __future__ import annotations

from collections.abc import Hashable

from kubenb.api.errors import AlreadyExists, ApiError, NotFound
from kubenb.api.objects import Key, Obj, WatchEvent, clone
from kubenb.api.pods import controller_ref, owner_of
from kubenb.api.revisions import delete_revisions, history_limit
from kubenb.api.selectors import Selector, from_label_selector
from kubenb.api.stateful_history import (
    equal_revisions,
    new_revision,
    owned_revisions,
    template_of,
)
from kubenb.controllers.base import Controller, Watch, own_key, owner_keys
from kubenb.controllers.replicaset import available_in
from kubenb.controllers.statefulset_pods import (
    claims_for,
    identity_matches,
    is_created,
    is_failed,
    is_healthy,
    is_member_of,
    is_running_and_available,
    is_running_and_ready,
    is_succeeded,
    is_terminating,
    new_pod,
    ordinal_of,
    pod_revision,
    storage_matches,
    update_identity,
    update_storage,
)

_COLLISION_RETRIES = 16


def apply_revision(sts: Obj, revision: Obj) -> Obj:
    """ApplyRevision: the set with the template the revision holds."""
    out = clone(sts)
    out["spec"]["template"] = template_of(revision)
    return out


class StatefulSetController(Controller):
    name = "statefulset-controller"

    def watches(self) -> list[Watch]:
        return [Watch("StatefulSet", own_key),
                Watch("Pod", self._pod_keys, coalesce=self.ctx.timings.controller_coalesce),
                Watch("ControllerRevision", owner_keys("StatefulSet"))]

    def _pod_keys(self, event: WatchEvent) -> list[Hashable]:
        keys = owner_keys("StatefulSet")(event)
        pod = event["object"]
        if keys or owner_of(pod) is not None or event["type"] == "DELETED":
            return keys
        ns = pod["metadata"].get("namespace") or ""
        labels = pod["metadata"].get("labels") or {}
        return [Key("StatefulSet", ns, s["metadata"]["name"]) for s in self.store.list("StatefulSet", ns)
                if from_label_selector(s["spec"].get("selector")).matches(labels)]

    # ---- reconcile --------------------------------------------------------------------

    def reconcile(self, key: Key) -> float | None:
        sts = self.store.try_get("StatefulSet", key.namespace, key.name)
        if sts is None:
            return None
        selector = from_label_selector(sts["spec"].get("selector"))
        pods = self._claim_pods(sts, selector)
        revisions = owned_revisions(self.store, sts)
        current, update, collisions = self._revisions(sts, revisions)
        status = self._count(sts, pods, current, update, collisions)
        if not sts["metadata"].get("deletionTimestamp"):
            self._sync(sts, pods, current, update, status)
        self._complete_rolling_update(sts, status)
        self._write_status(sts, status)
        self._truncate_history(sts, pods, owned_revisions(self.store, sts), current, update)
        return self._available_wait(sts, pods)

    def _claim_pods(self, sts: Obj, selector: Selector) -> list[Obj]:
        uid = sts["metadata"]["uid"]
        out = []
        for p in self.store.dependents(uid):
            if p.get("kind") == "Pod" and (owner_of(p) or {}).get("uid") == uid \
                    and selector.matches(p["metadata"].get("labels")):
                out.append(p)
        if sts["metadata"].get("deletionTimestamp") or selector.empty() or selector.nothing \
                or len(out) >= int(sts["spec"].get("replicas", 1)):
            return out
        for p in self.store.list("Pod", sts["metadata"]["namespace"], label_selector=selector):
            if owner_of(p) is None and is_member_of(sts, p) and not is_terminating(p):
                new = clone(p)
                new["metadata"]["ownerReferences"] = [
                    *(new["metadata"].get("ownerReferences") or []), controller_ref(sts)]
                try:
                    out.append(self.store.update(new))
                except NotFound:
                    continue
        return out

    # ---- revisions --------------------------------------------------------------------

    def _revisions(self, sts: Obj, revisions: list[Obj]) -> tuple[Obj, Obj, int]:
        """getStatefulSetRevisions: (current, update, collision count)."""
        collisions = int((sts.get("status") or {}).get("collisionCount") or 0)
        next_number = max((int(r.get("revision") or 0) for r in revisions), default=0) + 1
        wanted = new_revision(sts, next_number, collisions)
        equal = [r for r in revisions if equal_revisions(r, wanted)]
        if equal and equal[-1] is revisions[-1]:
            update = revisions[-1]
        elif equal:
            bumped = clone(equal[-1])
            bumped["revision"] = next_number
            update = self.store.update(bumped)
        else:
            update, collisions = self._create_revision(sts, next_number, collisions)
        name = (sts.get("status") or {}).get("currentRevision")
        current = next((r for r in revisions if r["metadata"]["name"] == name), update)
        return current, update, collisions

    def _create_revision(self, sts: Obj, number: int, collisions: int) -> tuple[Obj, int]:
        for _ in range(_COLLISION_RETRIES):
            revision = new_revision(sts, number, collisions)
            try:
                return self.store.create(revision, adopt=True), collisions
            except AlreadyExists:
                existing = self.store.get("ControllerRevision", sts["metadata"]["namespace"],
                                          revision["metadata"]["name"])
                if equal_revisions(existing, revision):
                    return existing, collisions
                collisions += 1
        raise AlreadyExists("controllerrevisions.apps", sts["metadata"]["name"])

    # ---- status -----------------------------------------------------------------------

    def _count(self, sts: Obj, pods: list[Obj], current: Obj, update: Obj, collisions: int) -> Obj:
        """computeReplicaStatus over the pods as read."""
        now = self.clock.now()
        min_ready = int(sts["spec"].get("minReadySeconds") or 0)
        counts = {"replicas": 0, "readyReplicas": 0, "availableReplicas": 0,
                  "currentReplicas": 0, "updatedReplicas": 0}
        for pod in pods:
            if is_created(pod):
                counts["replicas"] += 1
            if is_running_and_ready(pod):
                counts["readyReplicas"] += 1
                if is_running_and_available(pod, min_ready, now):
                    counts["availableReplicas"] += 1
            if is_created(pod) and not is_terminating(pod):
                revision = pod_revision(pod)
                counts["currentReplicas"] += revision == current["metadata"]["name"]
                counts["updatedReplicas"] += revision == update["metadata"]["name"]
        return {"observedGeneration": int(sts["metadata"].get("generation") or 0), **counts,
                "currentRevision": current["metadata"]["name"],
                "updateRevision": update["metadata"]["name"], "collisionCount": collisions}

    @staticmethod
    def _complete_rolling_update(sts: Obj, status: Obj) -> None:
        strategy = sts["spec"].get("updateStrategy") or {}
        if strategy.get("type") == "RollingUpdate" and status["updatedReplicas"] == status["replicas"] \
                and status["readyReplicas"] == status["replicas"]:
            status["currentReplicas"] = status["updatedReplicas"]
            status["currentRevision"] = status["updateRevision"]

    def _write_status(self, sts: Obj, status: Obj) -> None:
        out: Obj = {}
        for key in ("observedGeneration", "replicas", "readyReplicas", "currentReplicas",
                    "updatedReplicas", "currentRevision", "updateRevision", "collisionCount"):
            if status[key] or key in ("replicas", "collisionCount"):
                out[key] = status[key]
        conditions = (sts.get("status") or {}).get("conditions")
        if conditions:
            out["conditions"] = conditions
        out["availableReplicas"] = status["availableReplicas"]
        if out != (sts.get("status") or {}):
            new = clone(sts)
            new["status"] = out
            self.store.update(new, subresource="status")

    def _available_wait(self, sts: Obj, pods: list[Obj]) -> float | None:
        min_ready = int(sts["spec"].get("minReadySeconds") or 0)
        if min_ready <= 0:
            return None
        now = self.clock.now()
        waits = [w for p in pods if (w := available_in(p, min_ready, now))]
        return min(waits) if waits else None

    def _truncate_history(self, sts: Obj, pods: list[Obj], revisions: list[Obj],
                          current: Obj, update: Obj) -> None:
        live = {current["metadata"]["name"], update["metadata"]["name"], *(pod_revision(p) for p in pods)}
        old = [r for r in revisions if r["metadata"]["name"] not in live]
        delete_revisions(self.store, old[:max(0, len(old) - history_limit(sts))])

    # ---- pods -------------------------------------------------------------------------

    def _sync(self, sts: Obj, pods: list[Obj], current: Obj, update: Obj, status: Obj) -> None:
        """updateStatefulSet: create, repair, delete and roll pods (see the module docstring)."""
        spec = sts["spec"]
        count = int(spec.get("replicas", 1))
        monotonic = spec.get("podManagementPolicy") != "Parallel"
        replicas: list[Obj | None] = [None] * count
        condemned: list[Obj] = []
        for pod in pods:
            ordinal = ordinal_of(pod)
            if 0 <= ordinal < count:
                replicas[ordinal] = pod
            elif ordinal >= count:
                condemned.append(pod)
        condemned.sort(key=ordinal_of)
        current_set, update_set = apply_revision(sts, current), apply_revision(sts, update)
        strategy = spec.get("updateStrategy") or {}
        partition = int((strategy.get("rollingUpdate") or {}).get("partition") or 0)
        rolling = strategy.get("type") == "RollingUpdate" and strategy.get("rollingUpdate") is not None
        slots: list[Obj] = []
        for i, pod in enumerate(replicas):
            if pod is None:
                if rolling and i < partition:
                    pod = new_pod(current_set, current, i)
                else:
                    pod = new_pod(update_set, update, i)
            slots.append(pod)
        existing = [p for p in slots if is_created(p)] + condemned
        first_unhealthy = next((p for p in existing if not is_healthy(p)), None)
        now = self.clock.now()
        min_ready = int(spec.get("minReadySeconds") or 0)

        for pod in slots:
            if is_failed(pod) or is_succeeded(pod):
                if not is_terminating(pod):
                    if is_failed(pod):
                        self.recorder.event(sts, "Warning", "RecreatingFailedPod",
                                            f"StatefulSet {self._nsname(sts)} is recreating failed Pod "
                                            f"{pod['metadata']['name']}")
                    else:
                        self.recorder.event(sts, "Normal", "RecreatingTerminatedPod",
                                            f"StatefulSet {self._nsname(sts)} is recreating terminated Pod "
                                            f"{pod['metadata']['name']}")
                    if not self._delete_pod(sts, pod):
                        return
                if monotonic:
                    return
                continue
            if not is_created(pod):
                if not self._create_pod(sts, pod) or monotonic:
                    return
                continue
            if not is_terminating(pod):
                self._create_claims(sts, pod)
            if is_terminating(pod) or not is_running_and_ready(pod) \
                    or not is_running_and_available(pod, min_ready, now):
                if monotonic:
                    return
                continue
            if not identity_matches(sts, pod) or not storage_matches(sts, pod):
                self._repair_pod(sts, pod)

        for pod in reversed(condemned):
            if is_terminating(pod):
                if monotonic:
                    return
                continue
            if monotonic and not is_running_and_ready(pod) and pod is not first_unhealthy:
                return
            if not self._delete_pod(sts, pod):
                return
            status["currentReplicas"] -= pod_revision(pod) == status["currentRevision"]
            if monotonic:
                return

        if not rolling:
            return  # OnDelete: pods are replaced only when someone deletes them
        for target in range(count - 1, partition - 1, -1):
            pod = slots[target]
            if pod_revision(pod) != update["metadata"]["name"] and not is_terminating(pod):
                if self._delete_pod(sts, pod):
                    status["currentReplicas"] -= 1
                return
            if not is_healthy(pod):
                return

    @staticmethod
    def _nsname(sts: Obj) -> str:
        return f"{sts['metadata']['namespace']}/{sts['metadata']['name']}"

    def _pod_event(self, verb: str, sts: Obj, pod: Obj, err: Exception | str | None) -> None:
        """recordPodEvent."""
        name, set_name = pod["metadata"]["name"], sts["metadata"]["name"]
        if err is None:
            self.recorder.event(sts, "Normal", f"Successful{verb.title()}",
                                f"{verb} Pod {name} in StatefulSet {set_name} successful")
        else:
            self.recorder.event(sts, "Warning", f"Failed{verb.title()}",
                                f"{verb} Pod {name} in StatefulSet {set_name} failed error: {err}")

    def _claim_event(self, sts: Obj, pod: Obj, claim: str, err: ApiError | None) -> None:
        """recordClaimEvent for "create"."""
        name, set_name = pod["metadata"]["name"], sts["metadata"]["name"]
        if err is None:
            self.recorder.event(sts, "Normal", "SuccessfulCreate",
                                f"create Claim {claim} Pod {name} in StatefulSet {set_name} success")
        else:
            self.recorder.event(sts, "Warning", "FailedCreate",
                                f"create Claim {claim} for Pod {name} in StatefulSet {set_name} failed error: {err}")

    def _create_claims(self, sts: Obj, pod: Obj) -> str | None:
        """createPersistentVolumeClaims: the error text ("" joined) or None when all exist."""
        errors = []
        for _, claim in claims_for(sts, ordinal_of(pod)):
            name = claim["metadata"]["name"]
            if self.store.try_get("PersistentVolumeClaim", claim["metadata"]["namespace"], name) is not None:
                continue
            try:
                self.store.create(claim, adopt=True)
            except ApiError as err:
                errors.append(f"failed to create PVC {name}: {err}")
                self._claim_event(sts, pod, name, err)
                continue
            self._claim_event(sts, pod, name, None)
        if not errors:
            return None
        return errors[0] if len(errors) == 1 else "[" + ", ".join(errors) + "]"

    def _create_pod(self, sts: Obj, pod: Obj) -> bool:
        """CreateStatefulPod: claims first, then the pod."""
        failed = self._create_claims(sts, pod)
        if failed is not None:
            self._pod_event("create", sts, pod, failed)
            return False
        try:
            self.store.create(pod, adopt=True)
        except AlreadyExists:
            return False
        except ApiError as err:
            self._pod_event("create", sts, pod, err)
            return False
        self._pod_event("create", sts, pod, None)
        return True

    def _delete_pod(self, sts: Obj, pod: Obj) -> bool:
        try:
            self.store.delete("Pod", pod["metadata"]["namespace"], pod["metadata"]["name"])
        except NotFound:
            return True
        except ApiError as err:
            self._pod_event("delete", sts, pod, err)
            return False
        self._pod_event("delete", sts, pod, None)
        return True

    def _repair_pod(self, sts: Obj, pod: Obj) -> None:
        """UpdateStatefulPod: put identity labels and claim volumes back."""
        new = clone(pod)
        update_identity(sts, new, ordinal_of(pod))
        if not storage_matches(sts, new):
            update_storage(sts, new)
            self._create_claims(sts, new)
        try:
            self.store.update(new)
        except ApiError as err:
            self._pod_event("update", sts, pod, err)
            return
        self._pod_event("update", sts, pod, None)
