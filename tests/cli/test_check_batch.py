"""`kubenb.expect.job` and `kubenb.expect.cronjob`: the Jobs chapter's checks fail before the
learner's step and pass after it, in both languages."""

from __future__ import annotations

from typing import Any

from kubenb.cli.check import expect
from tests import builders
from tests.cli.test_check import run


def complete(vcluster: Any, name: str) -> bool:
    j = vcluster.store.try_get("Job", "default", name)
    return j is not None and any(c["type"] == "Complete" and c["status"] == "True"
                                 for c in (j.get("status") or {}).get("conditions") or [])


def test_job_exercise_fails_before_and_passes_after_in_both_languages(kube: Any, vcluster: Any) -> None:
    task = (expect.job("work", completions=3, parallelism=2, succeeded=3, complete=True),)
    assert run(kube, *task) == (False, (
        "✘ job/work does not exist in namespace default\nNot yet: 1 of 1 checks fail.\n"))
    assert run(kube, *task, lang="zh") == (False, (
        "✘ 命名空间 default 中没有 Job work\n还没完成：1 项检查中有 1 项未通过。\n"))
    vcluster.store.create(builders.job("work", command=("sh", "-c", "sleep 1")))
    vcluster.wait_for(lambda: complete(vcluster, "work"), timeout=120)
    assert run(kube, *task) == (False, (
        "✘ job/work asks for 1 completion, not 3\n"
        "✘ job/work asks for 1 pod at a time, not 2\n"
        "✘ job/work has 1 succeeded pod, 3 wanted\n"
        "✔ job/work is complete\n"
        "Not yet: 3 of 4 checks fail.\n"))
    assert run(kube, *task, lang="zh") == (False, (
        "✘ Job work 要求完成 1 次，而不是 3\n"
        "✘ Job work 要求同时运行 1 个 Pod，而不是 2\n"
        "✘ Job work 有 1 个成功的 Pod，需要 3 个\n"
        "✔ Job work 已完成\n"
        "还没完成：4 项检查中有 3 项未通过。\n"))
    kube("delete job work")
    vcluster.wait_for(lambda: vcluster.store.try_get("Job", "default", "work") is None, timeout=60)
    vcluster.store.create(builders.job("work", command=("sh", "-c", "sleep 1"), completions=3, parallelism=2))
    assert run(kube, *task)[1].startswith(
        "✔ job/work asks for 3 completions\n✔ job/work asks for 2 pods at a time\n")
    vcluster.wait_for(lambda: complete(vcluster, "work"), timeout=120)
    assert run(kube, *task) == (True, (
        "✔ job/work asks for 3 completions\n"
        "✔ job/work asks for 2 pods at a time\n"
        "✔ job/work has 3 succeeded pods\n"
        "✔ job/work is complete\n"
        "All done.\n"))
    assert run(kube, *task, lang="zh")[1].endswith("全部完成。\n")


def test_cronjob_suspended_and_run_by_hand(kube: Any, vcluster: Any) -> None:
    task = (expect.cronjob("hello", schedule="0 * * * *", suspended=True, has_run=True),)
    assert run(kube, *task, lang="zh") == (False, (
        "✘ 命名空间 default 中没有 CronJob hello\n还没完成：1 项检查中有 1 项未通过。\n"))
    kube("create cronjob hello --image=busybox --schedule='0 * * * *' -- date")
    assert run(kube, *task) == (False, (
        '✔ cronjob/hello runs on "0 * * * *"\n'
        "✘ cronjob/hello is not suspended\n"
        "✘ cronjob/hello has 0 jobs\n"
        "Not yet: 2 of 3 checks fail.\n"))
    assert run(kube, *task, lang="zh") == (False, (
        '✔ CronJob hello 的调度是 "0 * * * *"\n'
        "✘ CronJob hello 没有暂停\n"
        "✘ CronJob hello 有 0 个 Job\n"
        "还没完成：3 项检查中有 2 项未通过。\n"))
    kube("patch cronjob hello -p '{\"spec\":{\"suspend\":true}}'")
    kube("create job --from=cronjob/hello hello-now")
    assert run(kube, *task) == (True, (
        '✔ cronjob/hello runs on "0 * * * *"\n'
        "✔ cronjob/hello is suspended\n"
        "✔ cronjob/hello has 1 job\n"
        "All done.\n"))
    assert run(kube, expect.cronjob("hello", schedule="*/5 * * * *"), lang="zh") == (False, (
        '✘ CronJob hello 的调度是 "0 * * * *"，而不是 "*/5 * * * *"\n'
        "还没完成：1 项检查中有 1 项未通过。\n"))
