"""`rollout undo` / `rollout history` (kubenb.api.rollback) against the real controllers."""

from __future__ import annotations

import pytest

from kubenb.api.errors import NotFound
from kubenb.api.rollback import RollbackError, history, rollback
from kubenb.api.store import Store
from kubenb.controllers import deployment_util as du
from tests.unit.test_deployment_controller import Sim, deploy_obj, rs_name, set_image, sim  # noqa: F401


def rolled_out(sim: Sim, store: Store, *images: str, cause: bool = True) -> list[str]:  # noqa: F811
    """Create `web` and roll it through `images`; returns the RS name of each revision."""
    names = []
    for i, image in enumerate(images):
        if i == 0:
            obj = deploy_obj(replicas=2, image=image)
            if cause:
                obj["metadata"]["annotations"] = {du.CHANGE_CAUSE: f"create {image}"}
            store.create(obj)
        else:
            def change(d: dict, image: str = image) -> None:
                set_image(image)(d)
                if cause:
                    d["metadata"].setdefault("annotations", {})[du.CHANGE_CAUSE] = f"set image {image}"
            sim.edit(change)
        names.append(rs_name(sim.deployment()))
        sim.run_to_completion()
    return names


def test_undo_reuses_the_old_replica_set_and_bumps_its_revision(sim: Sim, store: Store) -> None:  # noqa: F811
    v1, v2 = rolled_out(sim, store, "nginx:1", "nginx:2")
    assert rollback(store, "default", "web") == "rolled back"
    d = sim.deployment()
    assert d["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1"
    assert "pod-template-hash" not in d["spec"]["template"]["metadata"]["labels"]
    # kubectl keeps the Deployment's own annotations and takes the RS's others (change-cause).
    assert d["metadata"]["annotations"] == {du.REVISION: "2", du.CHANGE_CAUSE: "create nginx:1"}
    sim.run_to_completion()
    rss = sim.rss()
    assert set(rss) == {v1, v2}  # no third ReplicaSet
    assert du.annotations(rss[v1])[du.REVISION] == "3"
    assert du.annotations(rss[v1])[du.REVISION_HISTORY] == "1"
    assert rss[v1]["spec"]["replicas"] == 2 and rss[v2]["spec"]["replicas"] == 0
    assert sim.deployment()["metadata"]["annotations"][du.REVISION] == "3"
    assert [(rev, cause) for rev, cause, _ in history(store, "default", "web")] == [
        (2, "set image nginx:2"), (3, "create nginx:1")]
    # Undo again goes back to revision 2, whose RS then becomes revision 4.
    assert rollback(store, "default", "web") == "rolled back"
    sim.run_to_completion()
    assert du.annotations(sim.rss()[v2])[du.REVISION] == "4"
    assert du.annotations(sim.rss()[v2])[du.REVISION_HISTORY] == "2"


def test_undo_to_a_revision(sim: Sim, store: Store) -> None:  # noqa: F811
    v1, v2, v3 = rolled_out(sim, store, "nginx:1", "nginx:2", "nginx:3")
    assert rollback(store, "default", "web", to_revision=1) == "rolled back"
    sim.run_to_completion()
    assert du.annotations(sim.rss()[v1])[du.REVISION] == "4"
    assert [rev for rev, _, _ in history(store, "default", "web")] == [2, 3, 4]


@pytest.mark.parametrize("to_revision,message", [
    (9, "unable to find specified revision 9 in history"),
    (-1, "unable to find specified revision -1 in history"),
])
def test_undo_to_a_missing_revision(sim: Sim, store: Store, to_revision: int, message: str) -> None:  # noqa: F811
    rolled_out(sim, store, "nginx:1", "nginx:2")
    with pytest.raises(RollbackError) as err:
        rollback(store, "default", "web", to_revision=to_revision)
    assert str(err.value) == message


def test_undo_without_history(sim: Sim, store: Store) -> None:  # noqa: F811
    rolled_out(sim, store, "nginx:1")
    with pytest.raises(RollbackError, match='^no rollout history found for deployment "web"$'):
        rollback(store, "default", "web")
    with pytest.raises(NotFound, match='deployments.apps "nope" not found'):
        rollback(store, "default", "nope")


def test_undo_to_the_current_template_is_skipped(sim: Sim, store: Store) -> None:  # noqa: F811
    rolled_out(sim, store, "nginx:1", "nginx:2")
    before = sim.deployment()["metadata"]["resourceVersion"]
    assert rollback(store, "default", "web", to_revision=2) == (
        "skipped rollback (current template already matches revision 2)")
    assert sim.deployment()["metadata"]["resourceVersion"] == before


def test_undo_of_a_paused_deployment_is_refused(sim: Sim, store: Store) -> None:  # noqa: F811
    rolled_out(sim, store, "nginx:1", "nginx:2")
    sim.edit(lambda d: d["spec"].update(paused=True))
    with pytest.raises(RollbackError, match="you cannot rollback a paused deployment; resume it first with "
                                            "'kubectl rollout resume' and try again"):
        rollback(store, "default", "web")


def test_history_lists_revisions_with_change_cause(sim: Sim, store: Store) -> None:  # noqa: F811
    v1, v2 = rolled_out(sim, store, "nginx:1", "nginx:2", cause=False)
    entries = history(store, "default", "web")
    assert [(rev, cause, rs["metadata"]["name"]) for rev, cause, rs in entries] == [(1, "", v1), (2, "", v2)]
