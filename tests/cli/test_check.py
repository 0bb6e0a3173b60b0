"""`kubenb.check(...)`: an exercise's check fails before the step, says what is missing in
the lesson's language, and passes after it — the same lines for the same cluster state."""

from __future__ import annotations

import io
from typing import Any

import kubenb
from kubenb.cli.check import check, expect
from tests.cli.test_rollout import make, rolled_out


def run(kube: Any, *expectations: Any, lang: str = "en") -> tuple[bool, str]:
    out = io.StringIO()
    report = check(*expectations, lang=lang, client=kube.client, out=out)
    assert report.lines == out.getvalue().splitlines()
    return report.passed, out.getvalue()


def test_scale_exercise_fails_before_and_passes_after_in_both_languages(kube: Any, vcluster: Any) -> None:
    make(kube, vcluster)
    task = (expect.deployment("web", replicas=3, available=3),
            expect.pods("app=web", node="minikube", at_least=3))
    assert run(kube, *task) == (False, (
        "✘ deployment/web wants 1 replica, not 3\n"
        "✘ deployment/web has 1 available replica, 3 wanted\n"
        "✘ 1 running pod with labels app=web on minikube, at least 3 wanted\n"
        "Not yet: 3 of 3 checks fail.\n"))
    assert run(kube, *task, lang="zh") == (False, (
        "✘ Deployment web 期望 1 个副本，而不是 3 个\n"
        "✘ Deployment web 有 1 个可用副本，需要 3 个\n"
        "✘ 在 minikube 上有 1 个带标签 app=web 的运行中的 Pod，需要至少 3 个\n"
        "还没完成：3 项检查中有 3 项未通过。\n"))
    kube("scale deployment/web --replicas=3")
    vcluster.wait_for(lambda: rolled_out(vcluster, "web"), timeout=60)
    assert run(kube, *task) == (True, (
        "✔ deployment/web wants 3 replicas\n"
        "✔ deployment/web has 3 available replicas\n"
        "✔ 3 running pods with labels app=web on minikube\n"
        "All done.\n"))
    assert run(kube, *task, lang="zh")[1].endswith("全部完成。\n")


def test_missing_objects_and_labels(kube: Any, vcluster: Any) -> None:
    assert run(kube, expect.deployment("nope", replicas=1)) == (False, (
        "✘ deployment/nope does not exist in namespace default\nNot yet: 1 of 1 checks fail.\n"))
    make(kube, vcluster)
    label = expect.pods("env=tutorial", count=1)
    assert run(kube, label, lang="zh") == (False, (
        "✘ 有 0 个带标签 env=tutorial 的运行中的 Pod，需要 1 个\n还没完成：1 项检查中有 1 项未通过。\n"))
    pod = vcluster.store.list("Pod", "default")[0]["metadata"]["name"]
    kube(f"label pods {pod} env=tutorial")
    assert run(kube, label) == (True, "✔ 1 running pod with labels env=tutorial\nAll done.\n")


def test_the_public_names_and_no_cluster(capsys: Any) -> None:
    from kubenb.cli import session
    from kubenb.clock import VirtualClock
    from kubenb.profiles import Profiles

    assert kubenb.check is check and kubenb.expect is expect
    old = session.reset(Profiles(clock_factory=VirtualClock, kubeconfig_path="/nonexistent/kubenb"))
    if old is not None:
        old.close()
    try:
        report = check(expect.pods("app=web", count=1), lang="zh")
    finally:
        reg = session.reset(None)
        if reg is not None:
            reg.close()
    assert not report and capsys.readouterr().out == "✘ 没有正在运行的集群：先用 %minikube start 启动一个\n"
