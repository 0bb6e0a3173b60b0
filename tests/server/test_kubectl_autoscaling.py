"""HorizontalPodAutoscalers and PodDisruptionBudgets through real kubectl 1.32: its describe
text (computed client-side) and its `get` tables (the server's Table) are the expected text
for kubenb's own. Creation times and ages are pinned in the golden files."""

from __future__ import annotations

import re
from typing import Any

import pytest

from .conftest import KUBECTL_132, Served
from .test_kubectl_daemons import ours, real

pytestmark = pytest.mark.skipif(not __import__("shutil").which(KUBECTL_132), reason="needs kubectl 1.32")

WEB = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
      annotations: {sim.kubenb.io/cpu-millicores: "50"}
    spec:
      containers:
      - name: web
        image: nginx
        resources:
          requests: {cpu: 100m}
"""

HPA = """apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {name}
  labels: {{team: a}}
spec:
  scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: {target}}}
  minReplicas: 1
  maxReplicas: 5
  metrics:
  - type: Resource
    resource:
      name: cpu
      target: {{type: Utilization, averageUtilization: 50}}
  behavior:
    scaleDown:
      stabilizationWindowSeconds: 60
      policies:
      - {{type: Pods, value: 1, periodSeconds: 30}}
      - {{type: Percent, value: 50, periodSeconds: 60}}
      selectPolicy: Min
"""

PDBS = """apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web-min
spec:
  minAvailable: 1
  selector:
    matchLabels: {app: web}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web-max
spec:
  maxUnavailable: 50%
  selector:
    matchLabels: {app: web}
"""

_STAMP = re.compile(r"[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d [+-]\d{4}")
_TRAILING_AGE = re.compile(r"(?<=\s)(\d+[smhd])+$", re.M)


_AGE_WORD = re.compile(r"^(\d+[smhd])+\)?$")


def words(text: str) -> list[list[str]]:
    """Whitespace-split lines with every age (also `15s)` of `(x2 over 15s)`) as AGE."""
    return [["AGE" if _AGE_WORD.match(w) else w for w in line.split()] for line in text.splitlines()]


def pinned(text: str) -> str:
    """Creation times and trailing AGE cells replaced by fixed text (alignment unchanged)."""
    return _TRAILING_AGE.sub("<age>", _STAMP.sub("Mon, 06 Jan 2025 10:00:00 +0000", text))


def status(served: Served, kind: str, name: str) -> dict[str, Any]:
    return served.store.get(kind, "default", name).get("status") or {}


def conditions(served: Served, name: str) -> dict[str, str]:
    return {c["type"]: c["reason"] for c in status(served, "HorizontalPodAutoscaler", name).get("conditions") or []}


def test_hpa_with_real_kubectl(served: Served, golden: Any) -> None:
    served.cluster.metrics_enabled = True
    try:
        assert real(served, "apply", "-f", "-", stdin=WEB) == "deployment.apps/web created\n"
        real(served, "rollout", "status", "deployment/web", "--timeout=60s")
        hpa = HPA.format(name="web", target="web")
        assert real(served, "apply", "-f", "-", stdin=hpa) == (
            "horizontalpodautoscaler.autoscaling/web created\n")
        served.cluster.wait_for(lambda: conditions(served, "web").get("ScalingActive") == "ValidMetricFound"
                                and len(status(served, "HorizontalPodAutoscaler", "web")
                                        .get("currentMetrics") or []) == 1, timeout=90)
        ghost = HPA.format(name="ghost", target="missing")
        real(served, "apply", "-f", "-", stdin=ghost)
        served.cluster.wait_for(lambda: conditions(served, "ghost").get("AbleToScale") == "FailedGetScale",
                                timeout=60)
        for name in ("web", "ghost"):
            described = real(served, "describe", "hpa", name, "--show-events=false")
            golden(f"describe_hpa_{name}_132", pinned(described))
            assert ours(served, "describe", "hpa", name, "--show-events=false") == described
            assert words(ours(served, "describe", "hpa", name)) == words(real(served, "describe", "hpa", name))
        assert "FailedGetScale" in real(served, "describe", "hpa", "ghost")
        for args, name in ((["get", "hpa"], "get_hpa_132"), (["get", "hpa", "-o", "wide"], "get_hpa_wide_132")):
            table = real(served, *args)
            golden(name, pinned(table))
            assert words(ours(served, *args)) == words(table)
        real(served, "delete", "hpa", "web", "ghost")
    finally:
        served.cluster.metrics_enabled = False


def test_pdb_with_real_kubectl(served: Served, golden: Any) -> None:
    if not served.store.list("Deployment", "default"):
        real(served, "apply", "-f", "-", stdin=WEB)
        real(served, "rollout", "status", "deployment/web", "--timeout=60s")
    real(served, "apply", "-f", "-", stdin=PDBS)
    for name in ("web-min", "web-max"):
        served.cluster.wait_for(lambda n=name: status(served, "PodDisruptionBudget", n)  # type: ignore[misc]
                                .get("observedGeneration") == 1, timeout=60)
        described = real(served, "describe", "pdb", name)
        golden(f"describe_pdb_{name}_132", described)
        assert ours(served, "describe", "pdb", name) == described
    table = real(served, "get", "pdb")
    golden("get_pdb_132", pinned(table))
    assert words(ours(served, "get", "pdb")) == words(table)
    real(served, "delete", "pdb", "web-min", "web-max")


@pytest.mark.parametrize("line", [
    "autoscale deployment/web --min=2 --max=5 --cpu-percent=50 --dry-run=client -o yaml",
    "autoscale deployment web --max=3 --dry-run=client -o json",
    "autoscale deploy/web --max=3 --name=x --dry-run=client",
    "create pdb web --selector=app=web --min-available=1 --dry-run=client -o yaml",
    "create pdb web --selector=app=web,!canary --max-unavailable=50% --dry-run=client -o json -n other",
])
def test_client_side_builders_match_real_kubectl(served: Served, line: str) -> None:
    if not served.store.list("Deployment", "default"):
        real(served, "apply", "-f", "-", stdin=WEB)
    assert ours(served, *line.split()) == real(served, *line.split())


@pytest.mark.parametrize("line", [
    "autoscale deployment/web --max=0", "autoscale deployment/web --min=3 --max=2",
    "create pdb web --selector=app=web", "create pdb web --min-available=1",
    "create pdb web --selector=app=web --min-available=1 --max-unavailable=1",
    "create pdb web --selector=app=web --min-available=abc",
    "create pdb web --selector=app=web,tier!=db --min-available=1",
])
def test_builder_errors_match_real_kubectl(served: Served, line: str) -> None:
    assert ours(served, *line.split()) == real(served, *line.split(), rc=1)
