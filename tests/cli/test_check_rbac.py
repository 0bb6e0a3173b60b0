"""`kubenb.expect.access(...)`: the access-control chapter's check asks the API server what a
user or ServiceAccount may do (a SubjectAccessReview), fails before the learner's binding and
passes after it, in both languages."""

from __future__ import annotations

from typing import Any

from kubenb.cli.check import expect
from tests.cli.test_check import run

READER = "system:serviceaccount:default:reader"


def test_listing_services_is_refused_until_a_binding_allows_it(kube: Any) -> None:
    kube("create serviceaccount reader")
    task = (expect.access(READER, "list", "services"),
            expect.access(READER, "list", "secrets", allowed=False))
    assert run(kube, *task) == (False, (
        f"✘ {READER} cannot list services in namespace default, it should\n"
        f"✔ {READER} cannot list secrets in namespace default\n"
        "Not yet: 1 of 2 checks fail.\n"))
    assert run(kube, *task, lang="zh") == (False, (
        f"✘ {READER} 不能在命名空间 default 中对 services 执行 list，它应当可以\n"
        f"✔ {READER} 不能在命名空间 default 中对 secrets 执行 list\n"
        "还没完成：2 项检查中有 1 项未通过。\n"))
    kube("create role service-reader --verb=get,list,watch --resource=services")
    kube("create rolebinding reader-services --role=service-reader --serviceaccount=default:reader")
    assert run(kube, *task) == (True, (
        f"✔ {READER} can list services in namespace default\n"
        f"✔ {READER} cannot list secrets in namespace default\n"
        "All done.\n"))
    assert run(kube, *task, lang="zh")[1] == (
        f"✔ {READER} 可以在命名空间 default 中对 services 执行 list\n"
        f"✔ {READER} 不能在命名空间 default 中对 secrets 执行 list\n"
        "全部完成。\n")


def test_too_much_access_fails_and_the_namespace_matters(kube: Any, vcluster: Any) -> None:
    kube("create serviceaccount reader")
    vcluster.wait_for(lambda: vcluster.store.get("ClusterRole", None, "edit").get("rules"), timeout=60)
    kube("create rolebinding reader-edit --clusterrole=edit --serviceaccount=default:reader")
    assert run(kube, expect.access(READER, "list", "secrets", allowed=False)) == (False, (
        f"✘ {READER} can list secrets in namespace default, it should not\n"
        "Not yet: 1 of 1 checks fail.\n"))
    assert run(kube, expect.access(READER, "delete", "deploy", namespace="kube-system")) == (False, (
        f"✘ {READER} cannot delete deployments.apps in namespace kube-system, it should\n"
        "Not yet: 1 of 1 checks fail.\n"))
    assert run(kube, expect.access(READER, "delete", "deployments.apps")) == (True, (
        f"✔ {READER} can delete deployments.apps in namespace default\nAll done.\n"))


def test_a_group_binding_counts_for_service_accounts_as_for_their_tokens(kube: Any) -> None:
    kube("create role pod-reader --verb=get --resource=pods")
    kube("create rolebinding all-sa-read --role=pod-reader --group=system:serviceaccounts")
    assert run(kube, expect.access(READER, "get", "pods")) == (True, (
        f"✔ {READER} can get pods in namespace default\nAll done.\n"))
    assert run(kube, expect.access("jane", "get", "pods")) == (False, (
        "✘ jane cannot get pods in namespace default, it should\nNot yet: 1 of 1 checks fail.\n"))
