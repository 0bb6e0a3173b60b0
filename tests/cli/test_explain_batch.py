"""`kubectl explain` for the batch/v1 kinds: Job, CronJob and their nested types."""

from __future__ import annotations

from typing import Any

import pytest

from kubenb.api.explain.docs import SCHEMAS


@pytest.mark.parametrize("kind", ["Job", "JobSpec", "JobStatus", "JobCondition", "PodFailurePolicy",
                                  "PodFailurePolicyRule", "SuccessPolicy", "CronJob", "CronJobSpec",
                                  "CronJobStatus", "JobTemplateSpec", "UncountedTerminatedPods"])
def test_batch_types_are_documented(kind: str) -> None:
    assert SCHEMAS[kind].description and SCHEMAS[kind].fields


def test_explain_cronjob_field_with_enum(kube: Any) -> None:
    out = kube("explain cronjob.spec.concurrencyPolicy").out
    assert out.startswith("GROUP:      batch\nKIND:       CronJob\nVERSION:    v1\n\n"
                          "FIELD: concurrencyPolicy <string>\nENUM:\n    Allow\n    Forbid\n    Replace\n")


def test_explain_walks_into_the_pod_failure_policy(kube: Any) -> None:
    out = kube("explain job.spec.podFailurePolicy.rules").out
    assert "FIELD: rules <[]PodFailurePolicyRule>" in out
    assert "  action\t<string> -required-\n  enum: Count, FailIndex, FailJob, Ignore\n" in out
    assert kube("explain cj.spec.jobTemplate.spec.template").out.count("PodTemplateSpec") >= 1
