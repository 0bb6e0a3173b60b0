"""`kubenb.expect`: every expectation an exercise's check cell can state, by name.

One line per expectation; each topic of the course keeps its expectations in its own
`expect_*` module.
"""

from __future__ import annotations

from types import SimpleNamespace

from kubenb.cli import expect_lifecycle, expect_workloads

expect = SimpleNamespace(
    deployment=expect_workloads.deployment,
    pods=expect_workloads.pods,
    pod=expect_workloads.pod,
    node=expect_workloads.node,
    qos=expect_lifecycle.qos,
    probe=expect_lifecycle.probe,
    restarts=expect_lifecycle.restarts,
    pdb=expect_lifecycle.pdb,
)
