"""The lifecycle chapter's expectations: QoS class, probes, restarts and disruption budgets fail
before the step and pass after it, in both languages."""

from __future__ import annotations

from typing import Any

import pytest

from kubenb.cli.check import expect
from tests.cli.test_check import run
from tests.cli.test_rollout import make, rolled_out

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: steady
spec:
  restartPolicy: {policy}
  containers:
  - name: app
    image: busybox
    command: ["sh", "-c", "{command}"]
{resources}"""
GUARANTEED = """\
    resources:
      limits:
        cpu: 100m
        memory: 64Mi"""


def pod(kube: Any, vcluster: Any, resources: str = "", command: str = "sleep 3600",
        policy: str = "Always") -> None:
    kube("delete pod steady --ignore-not-found --grace-period=0 --force")
    vcluster.wait_for(lambda: not vcluster.store.list("Pod", "default"), timeout=30)
    assert kube("apply -f -", stdin=POD.format(resources=resources, command=command, policy=policy)).rc == 0


def test_qos_class_before_and_after(kube: Any, vcluster: Any) -> None:
    task = expect.qos("steady", "Guaranteed")
    assert run(kube, task) == (False, (
        "✘ pod/steady does not exist in namespace default\nNot yet: 1 of 1 checks fail.\n"))
    pod(kube, vcluster)
    assert run(kube, task) == (False, (
        "✘ pod/steady has QoS class BestEffort, not Guaranteed\nNot yet: 1 of 1 checks fail.\n"))
    assert run(kube, task, lang="zh") == (False, (
        "✘ Pod steady 的 QoS 类别是 BestEffort，而不是 Guaranteed\n还没完成：1 项检查中有 1 项未通过。\n"))
    pod(kube, vcluster, GUARANTEED)
    assert run(kube, task) == (True, "✔ pod/steady has QoS class Guaranteed\nAll done.\n")
    assert run(kube, task, lang="zh") == (True, "✔ Pod steady 的 QoS 类别是 Guaranteed\n全部完成。\n")


def test_a_probe_in_the_pod_template(kube: Any, vcluster: Any) -> None:
    make(kube, vcluster)
    task = expect.probe("Deployment", "web", "readiness")
    assert run(kube, task) == (False, (
        "✘ deployment/web: no container has a readiness probe\nNot yet: 1 of 1 checks fail.\n"))
    assert run(kube, task, lang="zh")[1].splitlines()[0] == "✘ Deployment web：没有容器带 readiness 探针"
    patch = '{"spec":{"template":{"spec":{"containers":[{"name":"web",' \
            '"readinessProbe":{"tcpSocket":{"port":8080}}}]}}}}'
    assert kube(f"patch deployment web -p '{patch}'").rc == 0
    assert run(kube, task) == (True, (
        "✔ deployment/web: container web has a readiness probe\nAll done.\n"))
    assert run(kube, expect.probe("Deployment", "web", "liveness", container="web"),
               lang="zh") == (False, (
        "✘ Deployment web：容器 web 没有 liveness 探针\n还没完成：1 项检查中有 1 项未通过。\n"))
    with pytest.raises(ValueError):
        expect.probe("Pod", "x", "alive")


def test_restarts_and_the_last_reason(kube: Any, vcluster: Any) -> None:
    task = expect.restarts("steady", reason="Error")
    pod(kube, vcluster)
    assert run(kube, task) == (False, (
        "✘ pod/steady restarted 0 times, at least 1 wanted\n"
        "✘ pod/steady last terminated with reason (none), not Error\n"
        "Not yet: 2 of 2 checks fail.\n"))
    pod(kube, vcluster, command="exit 3")

    def restarted() -> bool:
        st = (vcluster.store.get("Pod", "default", "steady").get("status") or {})
        return any(s.get("restartCount", 0) >= 1 for s in st.get("containerStatuses") or [])

    vcluster.wait_for(restarted, timeout=60)
    passed, text = run(kube, task)
    assert passed and text.splitlines()[1:] == [
        "✔ pod/steady last terminated with reason Error", "All done."]
    assert run(kube, task, lang="zh")[1].splitlines()[1] == "✔ Pod steady 上次终止的原因是 Error"


def test_disruptions_allowed_by_a_budget(kube: Any, vcluster: Any) -> None:
    task = expect.pdb("web", allowed=1)
    assert run(kube, task, lang="zh") == (False, (
        "✘ 命名空间 default 中没有 PodDisruptionBudget web\n还没完成：1 项检查中有 1 项未通过。\n"))
    make(kube, vcluster, replicas=2)
    vcluster.wait_for(lambda: rolled_out(vcluster, "web"), timeout=60)
    assert kube("create pdb web --selector=app=web --min-available=2").rc == 0

    def allowed() -> int:
        return int((vcluster.store.get("PodDisruptionBudget", "default", "web").get("status") or {})
                   .get("disruptionsAllowed") or 0)

    vcluster.wait_for(lambda: (vcluster.store.get("PodDisruptionBudget", "default", "web")
                               .get("status") or {}).get("expectedPods") == 2, timeout=60)
    assert allowed() == 0
    assert run(kube, task) == (False, (
        "✘ poddisruptionbudget/web allows 0 disruptions, 1 wanted\nNot yet: 1 of 1 checks fail.\n"))
    kube("scale deployment/web --replicas=3")
    vcluster.wait_for(lambda: allowed() == 1, timeout=60)
    assert run(kube, task) == (True, "✔ poddisruptionbudget/web allows 1 disruption\nAll done.\n")
    assert run(kube, expect.pdb("web"), lang="zh") == (True, (
        "✔ PodDisruptionBudget web 允许 1 次干扰\n全部完成。\n"))
