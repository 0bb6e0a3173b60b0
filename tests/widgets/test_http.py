"""The view follows a cluster it only reaches over HTTP (the API server + HttpClient), as it
would a real cluster: watch threads over `Client.watch`, a flush thread, all stopped after."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import Kube
from tests.widgets.conftest import FrontEnd, wait_until

http_client = pytest.importorskip("kubenb.client.http")
server = pytest.importorskip("kubenb.server")


@pytest.fixture
def served() -> Iterator[tuple[Any, Any]]:
    from kubenb.clock import RealClock
    from kubenb.cluster import Cluster
    from tests.client_http.conftest import kubeconfig_for

    cluster = Cluster("served", runtime="sim", clock=RealClock(), seed=1, nodes=2)
    api = server.ApiServer()
    cluster.serve_api(api)
    cluster.start()
    cluster.wait_for(lambda: len(cluster.store.list("Node")) == 2, timeout=30)
    client = http_client.HttpClient.from_kubeconfig(config=kubeconfig_for(api), context="served")
    yield cluster, client
    client.close()
    cluster.stop()


def test_view_over_http_sees_a_deployment_come_up(served: tuple[Any, Any], comms: Any) -> None:
    from kubenb.widgets.clusterview import ClusterView

    cluster, client = served
    view = ClusterView(client, watch_timeout=0.5)
    try:
        assert type(view._feed).__name__ == "ClientFeed"
        assert [n["name"] for n in view.snapshot["nodes"]] == ["served", "served-m02"]
        fe = FrontEnd(view)
        kube = Kube(cluster)
        kube.client = client  # kubectl over HTTP too
        assert kube("create deployment web --image=nginx --replicas=2").rc == 0

        def running() -> bool:
            pods = [r for r in fe.state["pods"].values() if r["owner"] == "default/web"]
            return len(pods) == 2 and all(r["state"] == "Running" for r in pods)

        wait_until(view, fe, running)  # wait on messages, not on time
        dep = fe.state["deployments"]["default/web"]
        assert dep["desired"] == 2 and dep["revisions"][0]["pods"] == 2
        fe.matches_view()
    finally:
        view.close()
    assert not [t.name for t in threading.enumerate() if t.name.startswith("kubenb-view")]
