"""kubectl explain, autoscale and create poddisruptionbudget for autoscaling/v2 and policy/v1."""

from __future__ import annotations

import pytest

from tests.conftest import Kube


def test_explain_hpa_spec_behavior_and_metric_target(kube: Kube) -> None:
    out = kube("explain hpa.spec.behavior")
    assert out.rc == 0, out.err
    assert out.out.startswith("GROUP:      autoscaling\nKIND:       HorizontalPodAutoscaler\nVERSION:    v2\n")
    assert "FIELD: behavior <HorizontalPodAutoscalerBehavior>" in out.out
    assert "  scaleDown\t<HPAScalingRules>" in out.out
    target = kube("explain horizontalpodautoscalers.spec.metrics.resource.target").out
    assert "  averageUtilization\t<integer>" in target and "  type\t<string> -required-" in target


def test_explain_pdb_spec_lists_the_eviction_policy_enum(kube: Kube) -> None:
    out = kube("explain pdb.spec.unhealthyPodEvictionPolicy")
    assert out.rc == 0, out.err
    assert out.out.startswith("GROUP:      policy\nKIND:       PodDisruptionBudget\nVERSION:    v1\n")
    assert 'ENUM:\n    AlwaysAllow\n    IfHealthyBudget\n' in out.out
    assert "  minAvailable\t<IntOrString>" in kube("explain pdb.spec").out


# Recorded from kubectl 1.32 (`--dry-run=client` is computed by kubectl itself).
AUTOSCALE_YAML = """apiVersion: autoscaling/v1
kind: HorizontalPodAutoscaler
metadata:
  creationTimestamp: null
  name: web
spec:
  maxReplicas: 5
  minReplicas: 2
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: web
  targetCPUUtilizationPercentage: 50
status:
  currentReplicas: 0
  desiredReplicas: 0
"""
PDB_YAML = """apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  creationTimestamp: null
  name: web3
  namespace: other
spec:
  minAvailable: 1
  selector:
    matchLabels:
      app: web
status:
  currentHealthy: 0
  desiredHealthy: 0
  disruptionsAllowed: 0
  expectedPods: 0
"""


def _web(kube: Kube) -> None:
    assert kube("create deployment web --image=nginx").rc == 0


def test_autoscale_dry_run_prints_kubectl_132s_v1_object(kube: Kube) -> None:
    _web(kube)
    out = kube("autoscale deployment/web --min=2 --max=5 --cpu-percent=50 --dry-run=client -o yaml")
    assert (out.rc, out.out) == (0, AUTOSCALE_YAML)
    named = kube("autoscale deploy/web --max=3 --name=x --dry-run=client")
    assert named.out == "horizontalpodautoscaler.autoscaling/x created (dry run)\n"
    assert kube("get hpa").err == "No resources found in default namespace.\n"


def test_autoscale_creates_a_v2_hpa_named_after_the_target(kube: Kube) -> None:
    _web(kube)
    out = kube("autoscale deployment web --min=2 --max=4 --cpu-percent=60")
    assert (out.rc, out.out) == (0, "horizontalpodautoscaler.autoscaling/web autoscaled\n")
    hpa = kube.client.get("HorizontalPodAutoscaler", "default", "web")
    assert hpa["spec"]["minReplicas"] == 2 and hpa["spec"]["maxReplicas"] == 4
    assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}
    assert hpa["spec"]["metrics"] == [{"type": "Resource", "resource": {
        "name": "cpu", "target": {"type": "Utilization", "averageUtilization": 60}}}]
    again = kube("autoscale deployment web --max=4")
    assert again.rc == 1 and "already exists" in again.err


def test_autoscale_errors_in_kubectls_words(kube: Kube) -> None:
    _web(kube)
    assert kube("autoscale deployment/web --max=0").err == (
        "error: --max=MAXPODS is required and must be at least 1, max: 0\n")
    assert kube("autoscale deployment/web --min=3 --max=2").err == (
        "error: --max=MAXPODS must be larger or equal to --min=MINPODS, max: 2, min: 3\n")
    assert kube("autoscale deploy/nope --max=3").err == (
        'Error from server (NotFound): deployments.apps "nope" not found\n')
    assert kube("autoscale --max=3").err.startswith(
        "error: You must provide one or more resources by argument or filename.\n")


def test_create_pdb_dry_run_and_create(kube: Kube) -> None:
    out = kube("create pdb web3 --selector=app=web --min-available=1 --dry-run=client -n other -o yaml")
    assert (out.rc, out.out) == (0, PDB_YAML)
    made = kube("create poddisruptionbudget web --selector=app=web --max-unavailable=50%")
    assert (made.rc, made.out) == (0, "poddisruptionbudget.policy/web created\n")
    spec = kube.client.get("PodDisruptionBudget", "default", "web")["spec"]
    assert (spec["maxUnavailable"], spec["selector"]) == ("50%", {"matchLabels": {"app": "web"}})


@pytest.mark.parametrize("line, err", [
    ("create pdb web --selector=app=web", "error: one of min-available or max-unavailable must be specified\n"),
    ("create pdb web --min-available=1", "error: a selector must be specified\n"),
    ("create pdb --selector=app=web --min-available=1",
     "error: exactly one NAME is required, got 0\nSee 'kubectl create poddisruptionbudget -h' for help and examples\n"),
    ("create pdb web --selector=app=web --min-available=1 --max-unavailable=1",
     "error: min-available and max-unavailable cannot be both specified\n"),
    ("create pdb web --selector=app=web --min-available=abc", "error: invalid format specified for min-available\n"),
    ("create pdb web --selector=app=web --max-unavailable=1x%", "error: invalid format specified for max-unavailable\n"),
])
def test_create_pdb_errors_in_kubectls_words(kube: Kube, line: str, err: str) -> None:
    out = kube(line)
    assert (out.rc, out.err) == (1, err)
