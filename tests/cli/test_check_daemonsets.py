"""`kubenb.expect.daemonset(...)`: the DaemonSet exercise's check fails before the learner's step
(label a node) and passes after it, in both languages, with the values found and wanted."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest

from kubenb.cli.check import check, expect
from kubenb.cluster import Cluster
from tests import builders
from tests.conftest import Kube
from tests.scenario.virtual import ready_cluster


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    yield from ready_cluster(nodes=3, seed=12)


def run(kube: Kube, *expectations: Any, lang: str = "en") -> tuple[bool, str]:
    out = io.StringIO()
    report = check(*expectations, lang=lang, client=kube.client, out=out)
    return report.passed, out.getvalue()


def settled(c: Cluster, want: int) -> bool:
    ds = c.store.get("DaemonSet", "default", "agent")
    st = ds.get("status") or {}
    return (st.get("observedGeneration", 0) >= ds["metadata"]["generation"]
            and st.get("desiredNumberScheduled") == want and st.get("numberReady") == want)


def test_edge_exercise_fails_before_and_passes_after(cluster: Cluster) -> None:
    kube = Kube(cluster)
    task = (expect.daemonset("agent", desired=1, ready=1),
            expect.pods("app=agent", node="minikube-m02", count=1),
            expect.pods("app=agent", node="minikube", count=0))
    assert run(kube, *task) == (False, (
        "✘ daemonset/agent does not exist in namespace default\n"
        "✘ 0 running pods with labels app=agent on minikube-m02, 1 wanted\n"
        "✔ 0 running pods with labels app=agent on minikube\n"
        "Not yet: 2 of 3 checks fail.\n"))
    cluster.store.create(builders.daemonset("agent", "busybox", pod_spec={"nodeSelector": {"role": "edge"}}))
    cluster.wait_for(lambda: settled(cluster, 0), timeout=60)
    assert run(kube, *task) == (False, (
        "✘ daemonset/agent should run on 0 nodes, not 1\n"
        "✘ daemonset/agent has 0 ready pods, 1 wanted\n"
        "✘ 0 running pods with labels app=agent on minikube-m02, 1 wanted\n"
        "✔ 0 running pods with labels app=agent on minikube\n"
        "Not yet: 3 of 4 checks fail.\n"))
    assert run(kube, *task, lang="zh") == (False, (
        "✘ DaemonSet agent 应当运行在 0 个节点上，而不是 1 个\n"
        "✘ DaemonSet agent 有 0 个就绪的 Pod，需要 1 个\n"
        "✘ 在 minikube-m02 上有 0 个带标签 app=agent 的运行中的 Pod，需要 1 个\n"
        "✔ 在 minikube 上有 0 个带标签 app=agent 的运行中的 Pod\n"
        "还没完成：4 项检查中有 3 项未通过。\n"))
    assert kube("label nodes minikube-m02 role=edge").rc == 0
    cluster.wait_for(lambda: settled(cluster, 1), timeout=60)
    assert run(kube, *task) == (True, (
        "✔ daemonset/agent should run on 1 node\n"
        "✔ daemonset/agent has 1 ready pod\n"
        "✔ 1 running pod with labels app=agent on minikube-m02\n"
        "✔ 0 running pods with labels app=agent on minikube\n"
        "All done.\n"))
    assert run(kube, *task, lang="zh") == (True, (
        "✔ DaemonSet agent 应当运行在 1 个节点上\n"
        "✔ DaemonSet agent 有 1 个就绪的 Pod\n"
        "✔ 在 minikube-m02 上有 1 个带标签 app=agent 的运行中的 Pod\n"
        "✔ 在 minikube 上有 0 个带标签 app=agent 的运行中的 Pod\n"
        "全部完成。\n"))


def test_image_of_the_template(cluster: Cluster) -> None:
    kube = Kube(cluster)
    cluster.store.create(builders.daemonset("agent", "nginx:1.26"))
    want = expect.daemonset("agent", image="nginx:1.27")
    assert run(kube, want) == (False, "✘ daemonset/agent runs nginx:1.26, not nginx:1.27\n"
                                      "Not yet: 1 of 1 checks fail.\n")
    assert run(kube, want, lang="zh")[1].startswith("✘ DaemonSet agent 运行的镜像是 nginx:1.26，而不是 nginx:1.27\n")
    assert kube("set image ds/agent c=nginx:1.27").rc == 0
    assert run(kube, want) == (True, "✔ daemonset/agent runs nginx:1.27\nAll done.\n")
