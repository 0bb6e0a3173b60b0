"""Jobs and CronJobs on the whole control plane, on a virtual clock (upstream's documented behaviour)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from kubenb.api.errors import Invalid
from kubenb.api.objects import clone
from kubenb.clock import parse_time
from kubenb.cluster import Cluster
from tests import builders
from tests.scenario.virtual import ready_cluster

Obj = dict[str, Any]


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    yield from ready_cluster(nodes=2, seed=7)


def job(c: Cluster, name: str) -> Obj:
    return c.store.get("Job", "default", name)


def condition(j: Obj, ctype: str) -> Obj | None:
    return next((x for x in j["status"].get("conditions") or [] if x["type"] == ctype), None)


def finished(c: Cluster, name: str) -> bool:
    j = c.store.try_get("Job", "default", name)
    return j is not None and any(condition(j, t) for t in ("Complete", "Failed"))


def job_pods(c: Cluster, name: str) -> list[Obj]:
    return c.store.list("Pod", "default", label_selector=f"batch.kubernetes.io/job-name={name}")


def events(c: Cluster, name: str, reason: str | None = None) -> list[Obj]:
    return [e for e in c.store.list("Event", "default")
            if e["involvedObject"]["name"] == name and (reason is None or e["reason"] == reason)]


def test_parallelism_is_never_exceeded_and_the_job_completes(cluster: Cluster) -> None:
    most = {"running": 0}

    def observe(_ev: Any) -> None:
        live = [p for p in job_pods(cluster, "work") if p["status"].get("phase") in ("Pending", "Running")
                and not p["metadata"].get("deletionTimestamp")]
        most["running"] = max(most["running"], len(live))

    w = cluster.store.watch("Pod", observe)
    cluster.store.create(builders.job("work", command=("sh", "-c", "sleep 5"), completions=5, parallelism=2))
    cluster.wait_for(lambda: finished(cluster, "work"), timeout=300)
    w.stop()
    j = job(cluster, "work")
    assert most["running"] == 2
    assert j["status"]["succeeded"] == 5 and j["status"]["active"] == 0
    assert [c["type"] for c in j["status"]["conditions"]] == ["SuccessCriteriaMet", "Complete"]
    assert condition(j, "Complete")["reason"] == "CompletionsReached"
    assert j["status"]["completionTime"] == condition(j, "Complete")["lastTransitionTime"]
    assert len(job_pods(cluster, "work")) == 5
    assert all(p["status"]["phase"] == "Succeeded" and not p["metadata"].get("finalizers")
               for p in job_pods(cluster, "work"))
    assert len(events(cluster, "work", "SuccessfulCreate")) == 5
    assert [e["message"] for e in events(cluster, "work", "Completed")] == ["Job completed"]


def test_backoff_limit_fails_the_job_after_backed_off_retries(cluster: Cluster) -> None:
    cluster.store.create(builders.job("fail", command=("sh", "-c", "exit 1"), backoffLimit=3))
    cluster.wait_for(lambda: finished(cluster, "fail"), timeout=600)
    j = job(cluster, "fail")
    failed = condition(j, "Failed")
    assert failed is not None and (failed["reason"], failed["message"]) == (
        "BackoffLimitExceeded", "Job has reached the specified backoff limit")
    assert condition(j, "FailureTarget")["reason"] == "BackoffLimitExceeded"
    assert j["status"]["failed"] == 4 and "completionTime" not in j["status"]
    pods = sorted(job_pods(cluster, "fail"), key=lambda p: p["metadata"]["creationTimestamp"])
    assert len(pods) == 4
    starts = [parse_time(p["metadata"]["creationTimestamp"]) for p in pods]
    ends = [parse_time(p["status"]["containerStatuses"][0]["state"]["terminated"]["finishedAt"]) for p in pods]
    initial = cluster.ctx.timings.job_backoff_initial
    for i in range(1, 4):  # 2 s, 4 s, 8 s after the previous failure (upstream: 10 s doubling)
        assert starts[i] - ends[i - 1] >= timedelta(seconds=initial * 2 ** (i - 1))
    assert [e["type"] for e in events(cluster, "fail", "BackoffLimitExceeded")] == ["Warning"]


def test_active_deadline_fails_the_job_and_stops_its_pod(cluster: Cluster) -> None:
    cluster.store.create(builders.job("slow", command=("sh", "-c", "sleep 600"), activeDeadlineSeconds=30))
    cluster.wait_for(lambda: finished(cluster, "slow"), timeout=120)
    j = job(cluster, "slow")
    failed = condition(j, "Failed")
    assert (failed["reason"], failed["message"]) == ("DeadlineExceeded", "Job was active longer than specified deadline")
    assert parse_time(failed["lastTransitionTime"]) - parse_time(j["status"]["startTime"]) >= timedelta(seconds=30)
    assert j["status"]["active"] == 0 and j["status"]["failed"] == 1
    assert len(events(cluster, "slow", "SuccessfulDelete")) == 1
    assert [e["message"] for e in events(cluster, "slow", "DeadlineExceeded")] == [
        "Job was active longer than specified deadline"]


def test_indexed_job_runs_each_index_once(cluster: Cluster) -> None:
    cluster.store.create(builders.job("idx", command=("sh", "-c", "echo $JOB_COMPLETION_INDEX"),
                                      completions=3, parallelism=3, completionMode="Indexed"))
    cluster.wait_for(lambda: finished(cluster, "idx"), timeout=120)
    j = job(cluster, "idx")
    assert j["status"]["completedIndexes"] == "0-2" and j["status"]["succeeded"] == 3
    pods = job_pods(cluster, "idx")
    indexes = sorted(p["metadata"]["annotations"]["batch.kubernetes.io/job-completion-index"] for p in pods)
    assert indexes == ["0", "1", "2"]
    for p in pods:
        ix = p["metadata"]["labels"]["batch.kubernetes.io/job-completion-index"]
        assert p["spec"]["hostname"] == f"idx-{ix}" and p["metadata"]["name"].startswith(f"idx-{ix}-")
        env = p["spec"]["containers"][0]["env"]
        assert env[-1]["name"] == "JOB_COMPLETION_INDEX"


def test_suspend_deletes_active_pods_and_resume_restarts(cluster: Cluster) -> None:
    cluster.store.create(builders.job("s", command=("sh", "-c", "sleep 60"), parallelism=2, completions=2))
    cluster.wait_for(lambda: job(cluster, "s")["status"].get("active") == 2, timeout=60)
    j = clone(job(cluster, "s"))
    j["spec"]["suspend"] = True
    cluster.store.update(j)
    cluster.wait_for(lambda: job(cluster, "s")["status"].get("active") == 0
                     and condition(job(cluster, "s"), "Suspended") is not None, timeout=60)
    cond = condition(job(cluster, "s"), "Suspended")
    assert (cond["status"], cond["reason"], cond["message"]) == ("True", "JobSuspended", "Job suspended")
    assert len(events(cluster, "s", "SuccessfulDelete")) == 2 and events(cluster, "s", "Suspended")
    j = clone(job(cluster, "s"))
    j["spec"]["suspend"] = False
    cluster.store.update(j)
    cluster.wait_for(lambda: finished(cluster, "s"), timeout=300)
    j = job(cluster, "s")
    assert condition(j, "Suspended")["status"] == "False" and condition(j, "Suspended")["reason"] == "JobResumed"
    assert condition(j, "Complete") is not None and events(cluster, "s", "Resumed")


def test_ttl_after_finished_deletes_job_and_pods(cluster: Cluster) -> None:
    cluster.store.create(builders.job("t", ttlSecondsAfterFinished=100))
    cluster.wait_for(lambda: finished(cluster, "t"), timeout=60)
    done = parse_time(condition(job(cluster, "t"), "Complete")["lastTransitionTime"])
    cluster.wait_for(lambda: cluster.store.try_get("Job", "default", "t") is None, timeout=300)
    assert cluster.clock.now() - done >= timedelta(seconds=100)
    cluster.wait_for(lambda: not job_pods(cluster, "t"), timeout=60)


def test_pod_failure_policy_fail_job_on_exit_code(cluster: Cluster) -> None:
    policy = {"rules": [{"action": "FailJob", "onExitCodes": {"operator": "In", "values": [42]}}]}
    cluster.store.create(builders.job("pfp", command=("sh", "-c", "exit 42"), podFailurePolicy=policy))
    cluster.wait_for(lambda: finished(cluster, "pfp"), timeout=60)
    failed = condition(job(cluster, "pfp"), "Failed")
    assert failed["reason"] == "PodFailurePolicy"
    assert failed["message"].startswith("Container c for pod default/pfp-") and \
        failed["message"].endswith("failed with exit code 42 matching FailJob rule at index 0")
    assert len(job_pods(cluster, "pfp")) == 1


def test_pod_failure_policy_ignore_does_not_count(cluster: Cluster) -> None:
    policy = {"rules": [{"action": "Ignore", "onExitCodes": {"operator": "In", "values": [3]}}]}
    cluster.store.create(builders.job("ign", command=("sh", "-c", "exit 3"), podFailurePolicy=policy,
                                      backoffLimit=0))
    cluster.wait_for(lambda: len(job_pods(cluster, "ign")) >= 3, timeout=120)
    j = job(cluster, "ign")
    assert not j["status"].get("failed") and not finished(cluster, "ign")


# ---- CronJobs -------------------------------------------------------------------------

def cron_jobs(c: Cluster, cj: str) -> list[Obj]:
    return [j for j in c.store.list("Job", "default") if j["metadata"]["name"].startswith(f"{cj}-")]


def test_hourly_cronjob_creates_a_job_each_hour(cluster: Cluster) -> None:
    cluster.store.create(builders.cronjob("hourly", "@hourly"))
    start = cluster.clock.now()
    cluster.wait_for(lambda: len(events(cluster, "hourly", "SuccessfulCreate")) == 3, timeout=4 * 3600)
    names = [e["message"] for e in events(cluster, "hourly", "SuccessfulCreate")]
    first = start.replace(minute=0, second=0) + timedelta(hours=1)
    expected = [f"Created job hourly-{int((first + timedelta(hours=i)).timestamp()) // 60}" for i in range(3)]
    assert sorted(names) == expected
    j = cluster.store.get("Job", "default", expected[0].split()[-1])
    assert j["metadata"]["annotations"]["batch.kubernetes.io/cronjob-scheduled-timestamp"] == \
        first.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert j["metadata"]["ownerReferences"][0]["kind"] == "CronJob"
    cluster.wait_for(lambda: cluster.store.get("CronJob", "default", "hourly")["status"].get("lastSuccessfulTime"),
                     timeout=3600)
    status = cluster.store.get("CronJob", "default", "hourly")["status"]
    assert status["lastScheduleTime"] == (first + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert events(cluster, "hourly", "SawCompletedJob")


def test_history_limits_keep_the_newest_finished_jobs(cluster: Cluster) -> None:
    cluster.store.create(builders.cronjob("h", "*/1 * * * *", successfulJobsHistoryLimit=2))
    cluster.wait_for(lambda: len(events(cluster, "h", "SuccessfulDelete")) >= 2, timeout=3600)
    cluster.wait_for(lambda: len([j for j in cron_jobs(cluster, "h")
                                  if condition(j, "Complete")]) <= 2, timeout=120)
    assert events(cluster, "h", "SuccessfulDelete")[0]["message"].startswith("Deleted job h-")


def test_forbid_skips_while_a_job_runs(cluster: Cluster) -> None:
    cluster.store.create(builders.cronjob("f", "*/1 * * * *", command=("sh", "-c", "sleep 150"),
                                          concurrencyPolicy="Forbid"))
    cluster.wait_for(lambda: events(cluster, "f", "JobAlreadyActive"), timeout=600)
    assert len(cron_jobs(cluster, "f")) == 1
    assert events(cluster, "f", "JobAlreadyActive")[0]["message"] == (
        "Not starting job because prior execution is running and concurrency policy is Forbid")


def test_replace_deletes_the_running_job(cluster: Cluster) -> None:
    cluster.store.create(builders.cronjob("r", "*/1 * * * *", command=("sh", "-c", "sleep 600"),
                                          concurrencyPolicy="Replace"))
    cluster.wait_for(lambda: len(events(cluster, "r", "SuccessfulCreate")) == 2, timeout=600)
    first = events(cluster, "r", "SuccessfulCreate")[0]["message"].split()[-1]
    assert [e["message"] for e in events(cluster, "r", "SuccessfulDelete")] == [f"Deleted job {first}"]
    active = cluster.store.get("CronJob", "default", "r")["status"]["active"]
    assert len(active) == 1 and active[0]["name"] != first


def test_suspended_cronjob_creates_nothing(cluster: Cluster) -> None:
    cluster.store.create(builders.cronjob("z", "*/1 * * * *", suspend=True))
    cluster.advance(300)
    assert not cron_jobs(cluster, "z")


@pytest.mark.parametrize(("obj", "message"), [
    (builders.cronjob("c", "foo"), 'spec.schedule: Invalid value: "foo": expected exactly 5 fields, found 1: [foo]'),
    (builders.cronjob("c", "61 * * * *"),
     'spec.schedule: Invalid value: "61 * * * *": end of range (61) above maximum (59): 61'),
    (builders.cronjob("c", "@hourly", timeZone="Mars/Olympus"),
     'spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus'),
    (builders.cronjob("c", "TZ=UTC 0 * * * *"),
     'spec.schedule: Invalid value: "TZ=UTC 0 * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead'),
    (builders.job("j", parallelism=-1), "spec.parallelism: Invalid value: -1: must be greater than or equal to 0"),
    (builders.job("j", restart_policy="Always"),
     'spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"'),
])
def test_invalid_objects_are_rejected_in_the_api_servers_words(cluster: Cluster, obj: Obj, message: str) -> None:
    with pytest.raises(Invalid) as err:
        cluster.store.create(obj)
    kind = obj["kind"]
    assert str(err.value) == f'{kind}.batch "{obj["metadata"]["name"]}" is invalid: {message}'
    assert cluster.store.try_get(kind, "default", obj["metadata"]["name"]) is None


def test_template_and_completions_are_immutable(cluster: Cluster) -> None:
    cluster.store.create(builders.job("im", command=("sh", "-c", "sleep 600")))
    before = job(cluster, "im")
    changed = clone(before)
    changed["spec"]["completions"] = 3
    with pytest.raises(Invalid, match="spec.completions: Invalid value: 3: field is immutable"):
        cluster.store.update(changed)
    changed = clone(before)
    changed["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx"
    with pytest.raises(Invalid, match=r"spec.template: Invalid value: .*: field is immutable"):
        cluster.store.update(changed)
    assert job(cluster, "im")["spec"] == before["spec"]


def test_a_job_whose_pod_has_a_native_sidecar_completes(cluster: Cluster) -> None:
    """The sidecar never exits by itself: the pod succeeds once its app container did, and
    the kubelet then stops the sidecar (its exit code, SIGKILL's, does not fail the pod)."""
    spec = builders.job("withlog", command=("sh", "-c", "sleep 5; echo finished"))
    spec["spec"]["template"]["spec"]["initContainers"] = [builders.container(
        "shipper", "busybox", command=["sh", "-c", "sleep 3600"], restartPolicy="Always")]
    cluster.store.create(spec)
    cluster.wait_for(lambda: finished(cluster, "withlog"), timeout=120)
    assert condition(job(cluster, "withlog"), "Complete") is not None
    [pod] = job_pods(cluster, "withlog")
    assert pod["status"]["phase"] == "Succeeded"
    side = pod["status"]["initContainerStatuses"][0]["state"]["terminated"]
    assert side["exitCode"] == 137  # `sleep` as PID 1 ignores SIGTERM: SIGKILLed after the grace
