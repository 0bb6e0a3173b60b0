"""Pure parts of `describe job|cronjob` (the full texts are compared with real kubectl 1.32
in tests/server/test_kubectl_batch.py)."""

from __future__ import annotations

from datetime import datetime, timezone

from kubenb.cli.kubectl.describe.batch import cap_indexes, describe_cronjob, describe_job


def test_completed_indexes_are_cut_after_the_soft_limit() -> None:
    assert cap_indexes("") == "<none>"
    assert cap_indexes("0-2") == "0-2"
    many = ",".join(str(i) for i in range(0, 60, 2))
    assert cap_indexes(many) == many[:many.index(",", 50) + 1] + "..."


NOW = datetime(2025, 1, 6, 10, 5, tzinfo=timezone.utc)


def test_job_optional_fields_and_duration() -> None:
    job = {"metadata": {"name": "j", "namespace": "default"},
           "spec": {"completions": 2, "activeDeadlineSeconds": 30, "ttlSecondsAfterFinished": 100,
                    "template": {"spec": {"containers": []}}},
           "status": {"startTime": "2025-01-06T10:00:00Z", "completionTime": "2025-01-06T10:03:12Z",
                      "succeeded": 2}}
    text = describe_job(job, None, NOW)
    assert "Parallelism" not in text and "Backoff Limit" not in text
    assert "TTL Seconds After Finished:  100\n" in text
    assert "Duration:                    3m12s\n" in text
    assert "Active Deadline Seconds:     30s\n" in text
    assert "Pods Statuses:               0 Active / 2 Succeeded / 0 Failed\n" in text


def test_cronjob_unset_fields_and_active_jobs() -> None:
    cj = {"metadata": {"name": "c", "namespace": "default"}, "spec": {"schedule": "@hourly"},
          "status": {"active": [{"name": "c-1"}, {"name": "c-2"}]}}
    text = describe_cronjob(cj, None, NOW)
    assert "Suspend:                       <unset>\n" in text
    assert "Starting Deadline Seconds:     <unset>\n" in text
    assert text.endswith("Last Schedule Time:  <unset>\nActive Jobs:         c-1, c-2\n")
