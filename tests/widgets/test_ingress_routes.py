"""Ingresses in the picture: an entry beside the Services with its routes, whose endpoints
are the pods of every backend Service — kept up to date as those pods come and go."""

from __future__ import annotations

from typing import Any

from kubenb.widgets.records_ingress import ingress_routes, routes_text
from tests.widgets.conftest import front_end
from tests.widgets.test_deltas import available, pods_of


def test_routes_of_rules_and_default_backend() -> None:
    ing = {"spec": {"defaultBackend": {"service": {"name": "fallback", "port": {"name": "http"}}},
                    "rules": [{"host": "hello.example", "http": {"paths": [
                        {"path": "/", "pathType": "Prefix",
                         "backend": {"service": {"name": "web", "port": {"number": 80}}}}]}},
                              {"http": {"paths": [{"path": "/files", "pathType": "Prefix",
                                                   "backend": {"resource": {"kind": "Bucket"}}}]}}]}}
    assert routes_text(ingress_routes(ing)) == "*/ → fallback:http, hello.example/ → web:80"


def test_an_ingress_lights_the_pods_of_its_services(vcluster: Any, view_factory: Any) -> None:
    kube, view, fe = front_end(vcluster, view_factory, 1)
    kube("create deployment web --image=nginx --replicas=2")
    kube("expose deployment web --port=80")
    vcluster.wait_for(lambda: available(vcluster, "web", 2))
    assert kube("create ingress site --rule=hello.example/=web:80").rc == 0
    vcluster.advance(2)
    fe.catch_up()
    entry = fe.state["services"]["ingress/default/site"]
    assert (entry["type"], entry["routes"]) == (
        "Ingress", [{"host": "hello.example", "path": "/", "service": "web", "port": "80"}])
    web = {p["metadata"]["uid"] for p in pods_of(vcluster, "web")}
    assert set(entry["endpoints"]) == web == set(fe.state["services"]["default/web"]["endpoints"])

    kube("scale deployment web --replicas=3")
    vcluster.wait_for(lambda: available(vcluster, "web", 3))
    vcluster.advance(2)
    fe.catch_up()
    assert len(fe.state["services"]["ingress/default/site"]["endpoints"]) == 3

    kube("delete ingress site")
    vcluster.advance(1)
    fe.catch_up()
    assert "ingress/default/site" not in fe.state["services"]
    fe.matches_view()
