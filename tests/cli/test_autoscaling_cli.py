"""kubectl explain, autoscale and create poddisruptionbudget for autoscaling/v2 and policy/v1."""

from __future__ import annotations

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
