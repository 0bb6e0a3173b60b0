"""Fast paths for big clusters (issue 17): each gives what the slow path gave and is used.

Covered: a RollingUpdate Deployment's sync does not read its pods (only Recreate waits on
them, as upstream's getPodMapForDeployment feeds rolloutRecreate alone).
"""

from __future__ import annotations

from typing import Any

import pytest

from kubenb.config import Context
from kubenb.controllers.deployment import DeploymentController
from tests.unit.test_deployment_controller import Sim, deploy_obj, set_image


@pytest.mark.parametrize("strategy, reads_pods", [("RollingUpdate", False), ("Recreate", True)])
def test_only_a_recreate_sync_reads_the_pods(ctx: Context, monkeypatch: pytest.MonkeyPatch,
                                             strategy: str, reads_pods: bool) -> None:
    calls: list[int] = []
    real = DeploymentController.pod_map_for

    def counting(self: DeploymentController, rs_list: list[Any]) -> dict[str, list[Any]]:
        calls.append(len(rs_list))
        return real(self, rs_list)

    monkeypatch.setattr(DeploymentController, "pod_map_for", counting)
    sim = Sim(ctx)
    sim.store.create(deploy_obj(strategy={"type": strategy}))
    sim.run_to_completion()
    sim.edit(set_image("nginx:2"))
    sim.run_to_completion()
    assert bool(calls) is reads_pods
    assert sim.deployment()["status"]["updatedReplicas"] == 3
