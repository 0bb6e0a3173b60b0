"""Server-side apply and managedFields on the store: Update tracking, apply merge, prune,
conflicts and force."""

from __future__ import annotations

import copy
import json

import pytest

from kubenb.api.managed_fields import ApplyConflict, Manager
from kubenb.api.ssa import LAST_APPLIED, server_side_apply
from kubenb.api.store import Store
from kubenb.clock import VirtualClock


@pytest.fixture
def store():
    s = Store(VirtualClock(), seed=0)
    s.ensure_namespaces()
    return s


def manifest(replicas: int | None = 2, labels: dict | None = None,
             containers: list | None = None) -> dict:
    spec: dict = {"selector": {"matchLabels": {"app": "web"}},
                  "template": {"metadata": {"labels": {"app": "web"}},
                               "spec": {"containers": containers or [
                                   {"name": "web", "image": "nginx"}]}}}
    if replicas is not None:
        spec["replicas"] = replicas
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "labels": labels or {"app": "web"}}, "spec": spec}


def apply(store, config, manager="kubectl", force=False):
    return server_side_apply(store, store.resource("Deployment"), "default", "web", config,
                             manager, force)


def entries(obj) -> dict:
    return {(e["manager"], e["operation"], e.get("subresource", "")): e["fieldsV1"]
            for e in obj["metadata"]["managedFields"]}


def test_apply_creates_and_owns_what_it_names(store):
    obj = apply(store, manifest())
    assert obj["metadata"]["uid"] and obj["spec"]["replicas"] == 2
    (entry,) = obj["metadata"]["managedFields"]
    assert (entry["manager"], entry["operation"], entry["apiVersion"], entry["fieldsType"]) == (
        "kubectl", "Apply", "apps/v1", "FieldsV1")
    assert "f:progressDeadlineSeconds" not in entry["fieldsV1"]["f:spec"]  # defaults: nobody's
    assert list(entry) == ["manager", "operation", "apiVersion", "time", "fieldsType", "fieldsV1"]


def test_update_moves_ownership_and_apply_then_conflicts(store):
    apply(store, manifest())
    live = copy.deepcopy(store.get("Deployment", "default", "web"))
    live["spec"]["replicas"] = 5
    store.update(live, manager=Manager("kubectl-edit"))
    owners = entries(store.get("Deployment", "default", "web"))
    assert owners[("kubectl-edit", "Update", "")] == {"f:spec": {"f:replicas": {}}}
    assert "f:replicas" not in owners[("kubectl", "Apply", "")]["f:spec"]
    with pytest.raises(ApplyConflict) as err:
        apply(store, manifest(replicas=3))
    status = err.value.status()
    assert (status["code"], status["reason"], status["message"]) == (
        409, "Conflict",
        'Apply failed with 1 conflict: conflict with "kubectl-edit" using apps/v1: .spec.replicas')
    assert status["details"] == {"causes": [{"reason": "FieldManagerConflict", "message":
                                             'conflict with "kubectl-edit" using apps/v1',
                                             "field": ".spec.replicas"}]}
    assert store.get("Deployment", "default", "web")["spec"]["replicas"] == 5  # unchanged


def test_same_value_is_shared_not_a_conflict(store):
    apply(store, manifest())
    live = copy.deepcopy(store.get("Deployment", "default", "web"))
    live["spec"]["replicas"] = 5
    store.update(live, manager=Manager("kubectl-edit"))
    obj = apply(store, manifest(replicas=5))
    owners = entries(obj)
    assert owners[("kubectl", "Apply", "")]["f:spec"]["f:replicas"] == {}
    assert owners[("kubectl-edit", "Update", "")] == {"f:spec": {"f:replicas": {}}}


def test_force_takes_ownership(store):
    apply(store, manifest())
    live = copy.deepcopy(store.get("Deployment", "default", "web"))
    live["spec"]["replicas"] = 5
    store.update(live, manager=Manager("kubectl", "scale"))
    obj = apply(store, manifest(replicas=3), force=True)
    assert obj["spec"]["replicas"] == 3
    assert ("kubectl", "Update", "scale") not in entries(obj)  # its only field moved


def test_several_conflicts_are_grouped_by_manager(store):
    apply(store, manifest(), manager="a")
    with pytest.raises(ApplyConflict) as err:
        apply(store, manifest(replicas=4, containers=[{"name": "web", "image": "httpd"}]),
              manager="b")
    assert err.value.message == (
        'Apply failed with 2 conflicts: conflicts with "a":\n- .spec.replicas\n'
        '- .spec.template.spec.containers[name="web"].image')


def test_dropped_fields_are_removed_unless_someone_else_owns_them(store):
    apply(store, manifest(labels={"app": "web", "tier": "front", "team": "a"}))
    live = copy.deepcopy(store.get("Deployment", "default", "web"))
    live["metadata"]["labels"]["team"] = "b"  # another manager takes `team`
    store.update(live, manager=Manager("kubectl-label"))
    obj = apply(store, manifest(labels={"app": "web"}, replicas=None))
    assert obj["metadata"]["labels"] == {"app": "web", "team": "b"}
    assert obj["spec"]["replicas"] == 1  # nobody owns it any more: removed, then defaulted


def test_list_map_items_merge_by_key_and_dropped_items_go(store):
    two = [{"name": "web", "image": "nginx"}, {"name": "side", "image": "busybox"}]
    apply(store, manifest(containers=two))
    other = apply(store, manifest(containers=[{"name": "web", "image": "nginx",
                                               "env": [{"name": "A", "value": "1"}]}]),
                  manager="other")
    assert [c["name"] for c in other["spec"]["template"]["spec"]["containers"]] == ["web", "side"]
    obj = apply(store, manifest(containers=[{"name": "web", "image": "nginx"}]))
    (web,) = obj["spec"]["template"]["spec"]["containers"]
    assert web["env"] == [{"name": "A", "value": "1"}]  # still the other manager's


def test_status_writes_get_their_own_entry_and_no_op_writes_stay_no_ops(store):
    apply(store, manifest())
    live = copy.deepcopy(store.get("Deployment", "default", "web"))
    live["status"] = {"replicas": 2}
    after = store.update(live, subresource="status")
    assert entries(after)[("kube-controller-manager", "Update", "status")] == {
        "f:status": {"f:replicas": {}}}
    again = store.update(copy.deepcopy(after), manager=Manager("kubectl-edit"))
    assert again is store.get("Deployment", "default", "web")
    assert again["metadata"]["resourceVersion"] == after["metadata"]["resourceVersion"]


def test_objects_no_client_wrote_carry_no_managed_fields(store):
    obj = store.create(manifest())
    assert "managedFields" not in obj["metadata"]
    live = copy.deepcopy(obj)
    live["spec"]["replicas"] = 4
    assert "managedFields" not in store.update(live)["metadata"]


def test_kubectl_takes_over_from_client_side_apply_without_conflicts(store):
    last = json.dumps(manifest(replicas=2))
    first = manifest(replicas=2)
    first["metadata"]["annotations"] = {LAST_APPLIED: last}
    store.create(first, manager=Manager("kubectl-client-side-apply"))
    with pytest.raises(ApplyConflict):  # any other applier conflicts
        apply(store, manifest(replicas=4), manager="other")
    obj = apply(store, manifest(replicas=4))
    assert obj["spec"]["replicas"] == 4
    assert json.loads(obj["metadata"]["annotations"][LAST_APPLIED])["spec"]["replicas"] == 4
    live = copy.deepcopy(obj)
    live["spec"]["paused"] = True
    store.update(live, manager=Manager("kubectl-edit"))
    with pytest.raises(ApplyConflict):  # not a field the annotation holds with its live value
        apply(store, manifest(replicas=4) | {"spec": {**manifest()["spec"], "paused": False}})


def test_a_write_sending_an_empty_entry_clears_the_others(store):
    apply(store, manifest())
    live = copy.deepcopy(store.get("Deployment", "default", "web"))
    live["metadata"]["managedFields"] = [{}]
    live["spec"]["replicas"] = 7
    after = store.update(live, manager=Manager("kubectl-edit"))
    assert entries(after) == {("kubectl-edit", "Update", ""): {"f:spec": {"f:replicas": {}}}}
