"""`kubenb.expect.hpa` / `hpa_replicas`: the autoscaling chapter's exercise fails before the
learner caps the HPA at 3 pods and passes after, in both languages."""

from __future__ import annotations

from typing import Any

from kubenb.cli.check import expect
from tests.cli.test_check import run
from tests.cli.test_rollout import make

CAP = (expect.hpa("web", target="Deployment/web", min_replicas=1, max_replicas=3, cpu_percent=50),
       expect.hpa_replicas("web"))


def autoscaled(kube: Any, vcluster: Any) -> None:
    make(kube, vcluster)
    assert kube("autoscale deployment web --cpu-percent=50 --min=1 --max=5").rc == 0
    vcluster.advance(16)  # one HPA sync period: its status counts the Deployment's replica


def test_capping_the_hpa_fails_before_and_passes_after_in_both_languages(kube: Any, vcluster: Any) -> None:
    autoscaled(kube, vcluster)
    assert run(kube, *CAP) == (False, (
        "✔ hpa/web scales Deployment/web\n"
        "✔ hpa/web runs at least 1 replica\n"
        "✘ hpa/web runs at most 5 replicas, 3 wanted\n"
        "✔ hpa/web has a CPU target of 50%\n"
        "✔ hpa/web has 1 current replica, within 1–5\n"
        "Not yet: 1 of 5 checks fail.\n"))
    assert run(kube, *CAP, lang="zh") == (False, (
        "✔ HPA web 扩缩的是 Deployment/web\n"
        "✔ HPA web 最少运行 1 个副本\n"
        "✘ HPA web 最多运行 5 个副本，需要 3 个\n"
        "✔ HPA web 的 CPU 目标是 50%\n"
        "✔ HPA web 当前有 1 个副本，在 1–5 之间\n"
        "还没完成：5 项检查中有 1 项未通过。\n"))
    assert kube("""patch hpa web --patch '{"spec":{"maxReplicas":3}}'""").rc == 0
    assert run(kube, *CAP) == (True, (
        "✔ hpa/web scales Deployment/web\n"
        "✔ hpa/web runs at least 1 replica\n"
        "✔ hpa/web runs at most 3 replicas\n"
        "✔ hpa/web has a CPU target of 50%\n"
        "✔ hpa/web has 1 current replica, within 1–3\n"
        "All done.\n"))
    assert run(kube, *CAP, lang="zh")[1].endswith("全部完成。\n")


def test_missing_hpa_wrong_target_and_replicas_out_of_range(kube: Any, vcluster: Any) -> None:
    assert run(kube, expect.hpa("web", max_replicas=3), lang="zh") == (False, (
        "✘ 命名空间 default 中没有 HorizontalPodAutoscaler web\n还没完成：1 项检查中有 1 项未通过。\n"))
    assert run(kube, expect.hpa_replicas("web")) == (False, (
        "✘ horizontalpodautoscaler/web does not exist in namespace default\nNot yet: 1 of 1 checks fail.\n"))
    autoscaled(kube, vcluster)
    assert run(kube, expect.hpa("web", target="Deployment/api", cpu_percent=80),
               expect.hpa_replicas("web", at_least=2)) == (False, (
        "✘ hpa/web scales Deployment/web, not Deployment/api\n"
        "✘ hpa/web has a CPU target of 50%, 80% wanted\n"
        "✘ hpa/web has 1 current replica, 2–5 wanted\n"
        "Not yet: 3 of 3 checks fail.\n"))
    assert run(kube, expect.hpa_replicas("web", at_least=2), lang="zh")[1].startswith(
        "✘ HPA web 当前有 1 个副本，需要在 2–5 之间\n")
