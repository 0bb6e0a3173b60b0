"""`kubenb.expect.exists(resource, name)`: any kind by the name a learner types, custom
resources included — missing before the step, present after, in both languages."""

from __future__ import annotations

import copy
from typing import Any

from kubenb.api.registry import UnknownResource
from kubenb.cli.check import expect
from tests.cli.test_check import run
from tests.crd.crontab import CRONTAB_CRD, crontab


def _served(kube: Any) -> bool:
    try:
        kube.client.registry.lookup("ct")
    except UnknownResource:
        return False
    return True


def test_a_custom_object_missing_then_there(kube: Any, vcluster: Any) -> None:
    assert run(kube, expect.exists("crontab", "nightly")) == (False, (
        '✘ the server doesn\'t have a resource type "crontab"\nNot yet: 1 of 1 checks fail.\n'))
    vcluster.store.create(copy.deepcopy(CRONTAB_CRD))
    vcluster.wait_for(lambda: _served(kube), timeout=30)
    assert run(kube, expect.exists("ct", "nightly"), lang="zh") == (False, (
        "✘ 命名空间 default 中没有 CronTab nightly\n还没完成：1 项检查中有 1 项未通过。\n"))
    vcluster.store.create(crontab("nightly"))
    assert run(kube, expect.exists("crontabs", "nightly")) == (
        True, "✔ crontab/nightly exists in namespace default\nAll done.\n")


def test_cluster_scoped_objects_have_no_namespace(kube: Any) -> None:
    assert run(kube, expect.exists("node", "minikube")) == (True, "✔ node/minikube exists\nAll done.\n")
    assert run(kube, expect.exists("ns", "nope"), lang="zh")[1].startswith("✘ 没有 Namespace nope\n")
