"""`kubenb.expect.statefulset/claim/pod_claim`: the StatefulSets chapter's exercise check fails
before the learner scales to 4 and passes after, in English and in Chinese."""

from __future__ import annotations

import json
from typing import Any

from kubenb.cli.expectations import expect
from tests import builders
from tests.cli.test_check import run


def ready(vcluster: Any, n: int) -> bool:
    sts = vcluster.store.get("StatefulSet", "default", "web")
    return (sts.get("status") or {}).get("readyReplicas", 0) == n


def claim_bound(vcluster: Any, name: str) -> bool:
    pvcs = [c for c in vcluster.store.list("PersistentVolumeClaim", "default")
            if c["metadata"]["name"] == name]
    return bool(pvcs) and (pvcs[0].get("status") or {}).get("phase") == "Bound"


def test_scale_to_four_fails_before_and_passes_after_in_both_languages(kube: Any, vcluster: Any) -> None:
    sts = builders.statefulset("web", "nginx", 3, selector={"app": "nginx"}, service_name="nginx",
                               container="nginx")
    assert kube("apply -f -", stdin=json.dumps(sts)).rc == 0
    vcluster.wait_for(lambda: ready(vcluster, 3), timeout=60)
    task = (expect.statefulset("web", replicas=4, ready=4), expect.claim("www-web-3"),
            expect.pod_claim("web-3", "www-web-3"))
    assert run(kube, *task) == (False, (
        "✘ statefulset/web wants 3 replicas, not 4\n"
        "✘ statefulset/web has 3 ready replicas, 4 wanted\n"
        "✘ persistentvolumeclaim/www-web-3 does not exist in namespace default\n"
        "✘ pod/web-3 does not exist in namespace default\n"
        "Not yet: 4 of 4 checks fail.\n"))
    assert run(kube, *task, lang="zh") == (False, (
        "✘ StatefulSet web 期望 3 个副本，而不是 4 个\n"
        "✘ StatefulSet web 有 3 个就绪副本，需要 4 个\n"
        "✘ 命名空间 default 中没有 PersistentVolumeClaim www-web-3\n"
        "✘ 命名空间 default 中没有 Pod web-3\n"
        "还没完成：4 项检查中有 4 项未通过。\n"))
    kube("scale statefulset web --replicas=4")
    vcluster.wait_for(lambda: ready(vcluster, 4) and claim_bound(vcluster, "www-web-3"), timeout=60)
    volume = vcluster.store.get("PersistentVolumeClaim", "default", "www-web-3")["spec"]["volumeName"]
    assert run(kube, *task) == (True, (
        "✔ statefulset/web wants 4 replicas\n"
        "✔ statefulset/web has 4 ready replicas\n"
        f"✔ persistentvolumeclaim/www-web-3 is Bound to {volume}\n"
        "✔ pod/web-3 mounts claim www-web-3\n"
        "All done.\n"))
    assert run(kube, *task, lang="zh") == (True, (
        "✔ StatefulSet web 期望 4 个副本\n"
        "✔ StatefulSet web 有 4 个就绪副本\n"
        f"✔ PersistentVolumeClaim www-web-3 的状态是 Bound，绑定到 {volume}\n"
        "✔ Pod web-3 挂载了申领 www-web-3\n"
        "全部完成。\n"))
    # a pod that mounts another claim, and a claim that should no longer be bound
    assert run(kube, expect.pod_claim("web-2", "www-web-3"), expect.claim("www-web-0", bound=False)) == (False, (
        "✘ pod/web-2 does not mount claim www-web-3: its claims are www-web-2\n"
        f"✘ persistentvolumeclaim/www-web-0 is Bound to "
        f"{vcluster.store.get('PersistentVolumeClaim', 'default', 'www-web-0')['spec']['volumeName']}"
        ", it should not be bound\n"
        "Not yet: 2 of 2 checks fail.\n"))


def test_a_pending_claim_and_a_missing_statefulset(kube: Any, vcluster: Any) -> None:
    claim = {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "manual"},
             "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "",
                      "resources": {"requests": {"storage": "1Gi"}}}}
    assert kube("apply -f -", stdin=json.dumps(claim)).rc == 0
    assert run(kube, expect.claim("manual"), expect.statefulset("db", ready=1)) == (False, (
        "✘ persistentvolumeclaim/manual is Pending, Bound wanted\n"
        "✘ statefulset/db does not exist in namespace default\n"
        "Not yet: 2 of 2 checks fail.\n"))
    assert run(kube, expect.claim("manual"), lang="zh") == (False, (
        "✘ PersistentVolumeClaim manual 的状态是 Pending，需要 Bound\n"
        "还没完成：1 项检查中有 1 项未通过。\n"))
    assert run(kube, expect.claim("gone", bound=False), expect.claim("manual", bound=False)) == (True, (
        "✔ persistentvolumeclaim/gone does not exist in namespace default\n"
        "✔ persistentvolumeclaim/manual is Pending\n"
        "All done.\n"))
