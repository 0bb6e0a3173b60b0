"""`kubenb.expect.service` and `kubenb.expect.ingress_route`: the Services chapter's exercise
check fails before the Service and the Ingress rule exist, says what is wrong in both
languages, and passes after."""

from __future__ import annotations

from typing import Any

from kubenb.api.errors import NotFound
from kubenb.cli.check import expect
from tests.cli.test_check import run
from tests.cli.test_rollout import make


def endpoints(vcluster: Any, name: str) -> int:
    try:
        obj = vcluster.store.get("Endpoints", "default", name)
    except NotFound:
        return 0
    return sum(len(s.get("addresses") or []) for s in (obj or {}).get("subsets") or [])


def test_service_type_and_endpoints_before_and_after(kube: Any, vcluster: Any) -> None:
    make(kube, vcluster, replicas=2)
    task = expect.service("web", type="LoadBalancer", endpoints=2)
    assert run(kube, task) == (False, (
        "✘ service/web does not exist in namespace default\nNot yet: 1 of 1 checks fail.\n"))
    assert run(kube, task, lang="zh") == (False, (
        "✘ 命名空间 default 中没有 Service web\n还没完成：1 项检查中有 1 项未通过。\n"))
    assert kube("expose deployment/web --port=80").rc == 0
    vcluster.wait_for(lambda: endpoints(vcluster, "web") == 2, timeout=60)
    assert run(kube, task) == (False, (
        "✘ service/web is of type ClusterIP, not LoadBalancer\n"
        "✔ service/web has 2 ready endpoints\n"
        "Not yet: 1 of 2 checks fail.\n"))
    assert run(kube, task, lang="zh")[1].startswith(
        "✘ Service web 的类型是 ClusterIP，而不是 LoadBalancer\n✔ Service web 有 2 个就绪的端点\n")
    assert run(kube, expect.service("web", endpoints=3), lang="zh") == (False, (
        "✘ Service web 有 2 个就绪的端点，需要 3 个\n还没完成：1 项检查中有 1 项未通过。\n"))
    assert kube("""patch service web -p '{"spec":{"type":"LoadBalancer"}}'""").rc == 0
    assert run(kube, task) == (True, (
        "✔ service/web is of type LoadBalancer\n✔ service/web has 2 ready endpoints\nAll done.\n"))


def test_a_service_without_endpoints_counts_zero(kube: Any, vcluster: Any) -> None:
    assert kube("create service clusterip lonely --tcp=80:80").rc == 0
    assert run(kube, expect.service("lonely", endpoints=1)) == (False, (
        "✘ service/lonely has 0 ready endpoints, 1 wanted\nNot yet: 1 of 1 checks fail.\n"))


def test_ingress_route_by_host_and_path(kube: Any, vcluster: Any) -> None:
    route = expect.ingress_route("fruit.example", "/banana", "banana", 5678)
    assert run(kube, route) == (False, (
        "✘ no ingress in namespace default routes fruit.example/banana, banana:5678 wanted\n"
        "Not yet: 1 of 1 checks fail.\n"))
    assert run(kube, route, lang="zh") == (False, (
        "✘ 命名空间 default 中没有 Ingress 路由 fruit.example/banana，需要路由到 banana:5678\n"
        "还没完成：1 项检查中有 1 项未通过。\n"))
    assert kube("create ingress fruit --rule=fruit.example/banana=apple:5678").rc == 0
    assert run(kube, route) == (False, (
        "✘ ingress routes fruit.example/banana to apple:5678, not banana:5678\n"
        "Not yet: 1 of 1 checks fail.\n"))
    assert run(kube, route, lang="zh")[1].startswith(
        "✘ Ingress 把 fruit.example/banana 路由到 apple:5678，而不是 banana:5678\n")
    # another host's rule does not count
    assert kube("create ingress other --rule=other.example/banana=banana:5678").rc == 0
    assert run(kube, route)[0] is False
    assert kube("create ingress fruit2 --rule=fruit.example/banana=banana:5678").rc == 0
    assert run(kube, route) == (True, (
        "✔ ingress routes fruit.example/banana to apple:5678, banana:5678\nAll done.\n"))


def test_ingress_route_without_host_and_a_named_port(kube: Any, vcluster: Any) -> None:
    route = expect.ingress_route(None, "/b", "banana", "http")
    assert kube("create ingress any --rule=/b=banana:http").rc == 0
    assert run(kube, route) == (True, "✔ ingress routes */b to banana:http\nAll done.\n")
    assert run(kube, expect.ingress_route("x.example", "/b", "banana", "http"))[0] is False
