"""StatefulSet controller: ordinal pods, claims, ordering, rolling update, revisions, status."""

from __future__ import annotations

from typing import Any

import pytest

from kubenb.api.errors import Invalid
from kubenb.api.objects import Key, clone
from kubenb.api.store import Store
from kubenb.config import Context
from kubenb.controllers.statefulset import StatefulSetController
from tests import builders
from tests.unit.test_replicaset_controller import run_pod

Obj = dict[str, Any]
KEY = Key("StatefulSet", "default", "web")


@pytest.fixture
def ctrl(ctx: Context) -> StatefulSetController:
    return StatefulSetController(ctx)


def names(store: Store, kind: str = "Pod", *, active: bool = True) -> list[str]:
    return sorted(o["metadata"]["name"] for o in store.list(kind, "default")
                  if not active or not o["metadata"].get("deletionTimestamp"))


def messages(store: Store) -> list[str]:
    events = sorted(store.list("Event", "default"), key=lambda e: int(e["metadata"]["resourceVersion"]))
    return [f"{e['reason']}: {e['message']}" for e in events]


def make_ready(store: Store, *pod_names: str) -> None:
    for name in pod_names:
        run_pod(store, store.get("Pod", "default", name))


def finish_delete(store: Store, name: str) -> None:
    """What the kubelet does once a pod's containers stopped: delete it for good."""
    store.delete("Pod", "default", name, grace_period_seconds=0)


def sts_status(store: Store) -> Obj:
    return store.get("StatefulSet", "default", "web")["status"]


def test_ordered_ready_creates_the_claim_then_web_0_only(store: Store, ctrl: StatefulSetController) -> None:
    store.create(builders.statefulset("web", replicas=3, service_name="nginx"))
    ctrl.reconcile(KEY)
    assert names(store) == ["web-0"]
    assert names(store, "PersistentVolumeClaim") == ["www-web-0"]
    assert messages(store) == [
        "SuccessfulCreate: create Claim www-web-0 Pod web-0 in StatefulSet web success",
        "SuccessfulCreate: create Pod web-0 in StatefulSet web successful",
    ]
    pod = store.get("Pod", "default", "web-0")
    revision = store.list("ControllerRevision", "default")[0]["metadata"]["name"]
    assert pod["metadata"]["labels"] == {
        "app": "web", "statefulset.kubernetes.io/pod-name": "web-0",
        "apps.kubernetes.io/pod-index": "0", "controller-revision-hash": revision}
    assert pod["metadata"]["generateName"] == "web-"
    assert (pod["spec"]["hostname"], pod["spec"]["subdomain"]) == ("web-0", "nginx")
    assert pod["spec"]["volumes"] == [{"name": "www", "persistentVolumeClaim": {"claimName": "www-web-0"}}]
    claim = store.get("PersistentVolumeClaim", "default", "www-web-0")
    assert claim["status"] == {"phase": "Pending"}
    assert claim["metadata"]["labels"] == {"app": "web"}
    assert "ownerReferences" not in claim["metadata"]  # Retain / Retain

    ctrl.reconcile(KEY)  # web-0 is Pending: nothing more
    assert names(store) == ["web-0"]
    make_ready(store, "web-0")
    ctrl.reconcile(KEY)
    assert names(store) == ["web-0", "web-1"]
    ctrl.reconcile(KEY)
    assert names(store) == ["web-0", "web-1"]
    make_ready(store, "web-1")
    ctrl.reconcile(KEY)
    assert names(store) == ["web-0", "web-1", "web-2"]


def test_parallel_creates_every_pod_at_once(store: Store, ctrl: StatefulSetController) -> None:
    store.create(builders.statefulset("web", replicas=3, podManagementPolicy="Parallel"))
    ctrl.reconcile(KEY)
    assert names(store) == ["web-0", "web-1", "web-2"]
    assert names(store, "PersistentVolumeClaim") == ["www-web-0", "www-web-1", "www-web-2"]


def _running(store: Store, ctrl: StatefulSetController, replicas: int, **spec: Any) -> None:
    store.create(builders.statefulset("web", replicas=replicas, **spec))
    for i in range(replicas):
        ctrl.reconcile(KEY)
        make_ready(store, f"web-{i}")
    ctrl.reconcile(KEY)


def _scale(store: Store, replicas: int) -> None:
    sts = clone(store.get("StatefulSet", "default", "web"))
    sts["spec"]["replicas"] = replicas
    store.update(sts)


def test_scale_down_deletes_the_highest_ordinal_first_and_waits(store: Store, ctrl: StatefulSetController) -> None:
    _running(store, ctrl, 3)
    _scale(store, 1)
    ctrl.reconcile(KEY)
    assert names(store) == ["web-0", "web-1"]  # web-2 terminating
    ctrl.reconcile(KEY)
    assert names(store) == ["web-0", "web-1"]  # still waiting for web-2 to go
    finish_delete(store, "web-2")
    ctrl.reconcile(KEY)
    assert names(store) == ["web-0"]
    assert messages(store)[-2:] == ["SuccessfulDelete: delete Pod web-2 in StatefulSet web successful",
                                    "SuccessfulDelete: delete Pod web-1 in StatefulSet web successful"]
    # The claims stay (Retain) and come back to the same ordinals on scale-up.
    assert names(store, "PersistentVolumeClaim") == ["www-web-0", "www-web-1", "www-web-2"]
    finish_delete(store, "web-1")
    claims_before = {c["metadata"]["name"]: c["metadata"]["uid"] for c in store.list("PersistentVolumeClaim", "default")}
    _scale(store, 2)
    ctrl.reconcile(KEY)
    assert names(store) == ["web-0", "web-1"]
    assert {c["metadata"]["name"]: c["metadata"]["uid"] for c in store.list("PersistentVolumeClaim", "default")} == claims_before
    assert messages(store)[-1] == "SuccessfulCreate: create Pod web-1 in StatefulSet web successful"
    assert store.get("Pod", "default", "web-1")["spec"]["volumes"][0]["persistentVolumeClaim"] == {"claimName": "www-web-1"}


def test_status_counts_and_revisions(store: Store, ctrl: StatefulSetController) -> None:
    _running(store, ctrl, 2)
    rev = store.list("ControllerRevision", "default")[0]
    assert rev["revision"] == 1 and rev["data"]["spec"]["template"]["$patch"] == "replace"
    assert rev["metadata"]["name"].startswith("web-")
    assert rev["metadata"]["labels"]["controller.kubernetes.io/hash"] == rev["metadata"]["name"][4:]
    assert sts_status(store) == {
        "observedGeneration": 1, "replicas": 2, "readyReplicas": 2, "currentReplicas": 2,
        "updatedReplicas": 2, "currentRevision": rev["metadata"]["name"],
        "updateRevision": rev["metadata"]["name"], "collisionCount": 0, "availableReplicas": 2}


def _set_image(store: Store, image: str, partition: int | None = None) -> None:
    sts = clone(store.get("StatefulSet", "default", "web"))
    sts["spec"]["template"]["spec"]["containers"][0]["image"] = image
    if partition is not None:
        sts["spec"]["updateStrategy"]["rollingUpdate"]["partition"] = partition
    store.update(sts)


def _image(store: Store, name: str) -> str:
    return str(store.get("Pod", "default", name)["spec"]["containers"][0]["image"])


def _roll(store: Store, ctrl: StatefulSetController, steps: int) -> list[str]:
    """Reconcile, finishing deletions and readying recreated pods; returns the deletion order."""
    order = []
    for _ in range(steps):
        ctrl.reconcile(KEY)
        for p in store.list("Pod", "default"):
            if p["metadata"].get("deletionTimestamp"):
                order.append(p["metadata"]["name"])
                finish_delete(store, p["metadata"]["name"])
            elif not p["spec"].get("nodeName"):
                make_ready(store, p["metadata"]["name"])
    return order


def test_rolling_update_with_partition_updates_only_ordinals_at_or_above_it(
        store: Store, ctrl: StatefulSetController) -> None:
    _running(store, ctrl, 4)
    _set_image(store, "nginx:1.27", partition=2)
    order = _roll(store, ctrl, 8)
    assert order == ["web-3", "web-2"]
    assert [_image(store, f"web-{i}") for i in range(4)] == ["nginx", "nginx", "nginx:1.27", "nginx:1.27"]
    status = sts_status(store)
    assert status["updatedReplicas"] == 2 and status["currentReplicas"] == 2
    assert status["currentRevision"] != status["updateRevision"]
    # A pod below the partition that is deleted comes back at the current revision.
    store.delete("Pod", "default", "web-0", grace_period_seconds=0)
    _roll(store, ctrl, 2)
    assert _image(store, "web-0") == "nginx"
    # Lowering the partition to 0 finishes the rollout, highest ordinal first.
    sts = clone(store.get("StatefulSet", "default", "web"))
    sts["spec"]["updateStrategy"]["rollingUpdate"]["partition"] = 0
    store.update(sts)
    assert _roll(store, ctrl, 8) == ["web-1", "web-0"]
    status = sts_status(store)
    assert status["currentRevision"] == status["updateRevision"] and status["currentReplicas"] == 4


def test_deleted_pod_comes_back_with_the_same_name_and_claim(store: Store, ctrl: StatefulSetController) -> None:
    _running(store, ctrl, 2)
    uid = store.get("Pod", "default", "web-1")["metadata"]["uid"]
    store.delete("Pod", "default", "web-1", grace_period_seconds=0)
    ctrl.reconcile(KEY)
    pod = store.get("Pod", "default", "web-1")
    assert pod["metadata"]["uid"] != uid
    assert pod["spec"]["volumes"][0]["persistentVolumeClaim"]["claimName"] == "www-web-1"
    assert names(store, "PersistentVolumeClaim") == ["www-web-0", "www-web-1"]


def test_failed_pod_is_deleted_and_recreated(store: Store, ctrl: StatefulSetController) -> None:
    _running(store, ctrl, 1)
    run_pod(store, store.get("Pod", "default", "web-0"), phase="Failed", ready=False)
    ctrl.reconcile(KEY)
    assert messages(store)[-2:] == [
        "RecreatingFailedPod: StatefulSet default/web is recreating failed Pod web-0",
        "SuccessfulDelete: delete Pod web-0 in StatefulSet web successful"]
    assert store.try_get("Pod", "default", "web-0") is None  # a terminated pod goes at once
    ctrl.reconcile(KEY)
    assert store.get("Pod", "default", "web-0")["status"]["phase"] == "Pending"


def test_history_keeps_revision_history_limit_old_revisions(store: Store, ctrl: StatefulSetController) -> None:
    _running(store, ctrl, 1, revisionHistoryLimit=1)
    for image in ("nginx:1", "nginx:2", "nginx:3"):
        _set_image(store, image)
        _roll(store, ctrl, 4)
    revisions = sorted(r["revision"] for r in store.list("ControllerRevision", "default"))
    assert revisions == [3, 4]


def test_rollback_to_an_old_template_reuses_its_revision(store: Store, ctrl: StatefulSetController) -> None:
    _running(store, ctrl, 1)
    first = sts_status(store)["updateRevision"]
    _set_image(store, "nginx:2")
    _roll(store, ctrl, 4)
    _set_image(store, "nginx")
    _roll(store, ctrl, 4)
    assert sts_status(store)["updateRevision"] == first
    assert {r["metadata"]["name"]: r["revision"] for r in store.list("ControllerRevision", "default")}[first] == 3


# ---- defaults and validation ------------------------------------------------------------

def test_defaults(store: Store) -> None:
    spec = store.create(builders.statefulset("web", replicas=None))["spec"]
    assert spec["replicas"] == 1 and spec["revisionHistoryLimit"] == 10
    assert spec["podManagementPolicy"] == "OrderedReady"
    assert spec["updateStrategy"] == {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}}
    assert spec["persistentVolumeClaimRetentionPolicy"] == {"whenDeleted": "Retain", "whenScaled": "Retain"}
    assert spec["volumeClaimTemplates"][0]["spec"]["volumeMode"] == "Filesystem"
    assert spec["volumeClaimTemplates"][0]["status"] == {"phase": "Pending"}
    assert spec["template"]["spec"]["restartPolicy"] == "Always"


def test_service_name_is_optional_in_1_32(store: Store) -> None:
    store.create(builders.statefulset("web", service_name=""))


def test_selector_mismatch_is_rejected(store: Store) -> None:
    sts = builders.statefulset("web")
    sts["spec"]["template"]["metadata"]["labels"] = {"app": "other"}
    with pytest.raises(Invalid) as err:
        store.create(sts)
    assert str(err.value) == (
        'StatefulSet.apps "web" is invalid: spec.template.metadata.labels: Invalid value: '
        '{"app":"other"}: `selector` does not match template `labels`')
    assert store.list("StatefulSet", "default") == []


def test_forbidden_spec_update_is_rejected_and_nothing_changes(store: Store) -> None:
    created = store.create(builders.statefulset("web"))
    sts = clone(created)
    sts["spec"]["volumeClaimTemplates"][0]["spec"]["resources"]["requests"]["storage"] = "2Gi"
    with pytest.raises(Invalid) as err:
        store.update(sts)
    assert str(err.value) == (
        'StatefulSet.apps "web" is invalid: spec: Forbidden: updates to statefulset spec for fields '
        "other than 'replicas', 'ordinals', 'template', 'updateStrategy', "
        "'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden")
    assert store.get("StatefulSet", "default", "web") == created
    allowed = clone(created)
    allowed["spec"]["replicas"] = 3
    allowed["spec"]["updateStrategy"]["rollingUpdate"]["partition"] = 1
    allowed["spec"]["minReadySeconds"] = 5
    assert store.update(allowed)["metadata"]["generation"] == 2


def test_bad_policy_values_are_rejected(store: Store) -> None:
    with pytest.raises(Invalid) as err:
        store.create(builders.statefulset("web", podManagementPolicy="Random",
                                          persistentVolumeClaimRetentionPolicy={"whenDeleted": "Keep"}))
    assert str(err.value) == (
        'StatefulSet.apps "web" is invalid: [spec.podManagementPolicy: Invalid value: "Random": must be '
        "'OrderedReady' or 'Parallel', spec.persistentVolumeClaimRetentionPolicy.whenDeleted: "
        'Unsupported value: "Keep": supported values: "Retain", "Delete"]')
