"""`kubenb.check(...)`: an exercise's check fails before the step, says what is missing in
the lesson's language, and passes after it — the same lines for the same cluster state."""

from __future__ import annotations

import io
from typing import Any

import kubenb
from kubenb.cli.check import check, expect
from tests.cli.test_rollout import V1, V2, make, rolled_out, set_image


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


def test_image_of_every_running_pod(kube: Any, vcluster: Any) -> None:
    make(kube, vcluster, replicas=2)
    task = expect.pods("app=web", count=2, image=V2)
    assert run(kube, task) == (False, (
        "✔ 2 running pods with labels app=web\n"
        f"✘ 0 of 2 running pods with labels app=web run {V2}, the others run {V1}\n"
        "Not yet: 1 of 2 checks fail.\n"))
    assert run(kube, task, lang="zh")[1].splitlines()[1] == (
        f"✘ 2 个带标签 app=web 的运行中的 Pod 里有 0 个运行镜像 {V2}，其余运行的是 {V1}")
    set_image(kube, vcluster, V2)
    assert run(kube, task) == (True, (
        "✔ 2 running pods with labels app=web\n"
        f"✔ 2 of 2 running pods with labels app=web run {V2}\n"
        "All done.\n"))
    assert run(kube, expect.pods("app=none", image=V2)) == (False, (
        f"✘ 0 of 0 running pods with labels app=none run {V2}\nNot yet: 1 of 1 checks fail.\n"))


def test_a_deleted_pod_is_gone(kube: Any, vcluster: Any) -> None:
    make(kube, vcluster)
    name = vcluster.store.list("Pod", "default")[0]["metadata"]["name"]
    gone = expect.pod(name, running=False)
    assert run(kube, gone) == (False, (
        f"✘ pod/{name} is running, it should be gone\nNot yet: 1 of 1 checks fail.\n"))
    assert run(kube, expect.pod(name), lang="zh") == (True, f"✔ Pod {name} 正在运行\n全部完成。\n")
    kube(f"delete pod {name} --grace-period=0 --force")
    assert run(kube, gone) == (True, f"✔ pod/{name} is gone\nAll done.\n")
    assert run(kube, expect.pod(name), lang="zh") == (False, (
        f"✘ Pod {name} 已不存在，它应当在运行\n还没完成：1 项检查中有 1 项未通过。\n"))


def test_nodes_ready_and_cordoned(kube: Any, vcluster: Any) -> None:
    task = expect.node("minikube", ready=True, schedulable=True)
    assert run(kube, task) == (True, (
        "✔ node/minikube is Ready\n✔ node/minikube accepts new pods\nAll done.\n"))
    assert run(kube, expect.node("minikube-m02", ready=True), lang="zh") == (False, (
        "✘ 没有名为 minikube-m02 的节点\n还没完成：1 项检查中有 1 项未通过。\n"))
    kube("cordon minikube")
    assert run(kube, task) == (False, (
        "✔ node/minikube is Ready\n"
        "✘ node/minikube is cordoned (SchedulingDisabled), it should accept new pods\n"
        "Not yet: 1 of 2 checks fail.\n"))
    assert run(kube, task, lang="zh") == (False, (
        "✔ 节点 minikube 已就绪（Ready）\n"
        "✘ 节点 minikube 已被封锁（SchedulingDisabled），它应当可以调度新的 Pod\n"
        "还没完成：2 项检查中有 1 项未通过。\n"))
    assert run(kube, expect.node("minikube", ready=False, schedulable=False))[1].splitlines()[0] == (
        "✘ node/minikube is Ready, NotReady wanted")
