"""`kubenb.expect`: every expectation an exercise's check cell can state, by name.

One line per expectation; each topic of the course keeps its expectations in its own
`expect_*` module.
"""

from __future__ import annotations

from types import SimpleNamespace

from kubenb.cli import (
    expect_autoscaling,
    expect_batch,
    expect_config,
    expect_daemonsets,
    expect_lifecycle,
    expect_network,
    expect_objects,
    expect_rbac,
    expect_storage,
    expect_workloads,
)

expect = SimpleNamespace(
    deployment=expect_workloads.deployment,
    pods=expect_workloads.pods,
    pod=expect_workloads.pod,
    node=expect_workloads.node,
    exists=expect_objects.exists,
    access=expect_rbac.access,
    hpa=expect_autoscaling.hpa,
    hpa_replicas=expect_autoscaling.hpa_replicas,
    job=expect_batch.job,
    cronjob=expect_batch.cronjob,
    daemonset=expect_daemonsets.daemonset,
    statefulset=expect_storage.statefulset,
    claim=expect_storage.claim,
    pod_claim=expect_storage.pod_claim,
    configmap=expect_config.configmap,
    pods_env=expect_config.pods_env,
    service=expect_network.service,
    ingress_route=expect_network.ingress_route,
    qos=expect_lifecycle.qos,
    probe=expect_lifecycle.probe,
    restarts=expect_lifecycle.restarts,
    pdb=expect_lifecycle.pdb,
)
