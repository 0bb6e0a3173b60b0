"""Fixtures: kubenb clusters served by their HTTP API server, and HttpClients to them.

- `served`: a real-clock sim cluster with an `ApiServer` (module scope), `http` an
  `HttpClient` to it through a kubeconfig document, as `%kubectl --context` builds it.
- `kube` (overriding tests/conftest.py's): the same virtual-clock cluster the CLI golden
  tests use, but every command goes over HTTP through its `ApiServer`, so modules that
  import tests from tests/cli re-run them over HTTP unchanged.

Every fixture checks on the way out that no server, proxy or watch thread is left.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest

from kubenb.client.http import HttpClient
from tests.conftest import Kube

LEAK_PREFIXES = ("kubenb-apiserver", "kubectl-proxy", "kubenb-http-watch")


def kubeconfig_for(api: Any, name: str = "served") -> dict[str, Any]:
    """The kubeconfig document of an ApiServer (as minikube writes it, CA as a file)."""
    return {"apiVersion": "v1", "kind": "Config", "current-context": name,
            "clusters": [{"name": name, "cluster": {"server": api.url,
                                                    "certificate-authority": api.ca_file}}],
            "users": [{"name": name, "user": {"token": api.token}}],
            "contexts": [{"name": name, "context": {"cluster": name, "user": name}}]}


def leaked_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith(LEAK_PREFIXES)]


def serve(cluster: Any) -> Any:
    from kubenb.server import ApiServer

    api = ApiServer(cluster)
    api.start(cluster)
    return api


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[Any, Any]]:
    from kubenb.clock import RealClock
    from kubenb.cluster import Cluster
    from kubenb.server import ApiServer

    cluster = Cluster("served", runtime="sim", clock=RealClock(), seed=1)
    api = ApiServer()
    cluster.serve_api(api)
    cluster.start()
    cluster.wait_for(lambda: bool(cluster.store.list("Node")), timeout=30)
    yield cluster, api
    cluster.stop()
    assert not leaked_threads(), leaked_threads()


@pytest.fixture
def http(served: tuple[Any, Any]) -> Iterator[HttpClient]:
    client = HttpClient.from_kubeconfig(config=kubeconfig_for(served[1]), context="served")
    yield client
    client.close()


class HttpKube(Kube):
    """`kube("get pods")` over HTTP: an ApiServer serving the cluster, an HttpClient to it."""

    def __init__(self, cluster: Any, api: Any) -> None:
        super().__init__(cluster)
        self.api = api
        self.client = HttpClient.from_kubeconfig(config=kubeconfig_for(api),  # type: ignore[assignment]
                                                 context="served", local=cluster)
        self._http = self.client


@pytest.fixture(scope="module")
def shared_api() -> Iterator[dict[str, Any]]:
    """One ApiServer per module (its certificate costs a moment), serving each test's
    cluster in turn: `ApiServer.cluster` is what every handler reads."""
    holder: dict[str, Any] = {}
    yield holder
    if "api" in holder:
        holder["api"].stop()
    assert not leaked_threads(), leaked_threads()


@pytest.fixture
def kube(vcluster: Any, shared_api: dict[str, Any]) -> Iterator[Kube]:
    api = shared_api.get("api")
    if api is None:
        api = shared_api["api"] = serve(vcluster)
    api.cluster = vcluster
    k = HttpKube(vcluster, api)
    yield k
    k._http.close()
    assert not [t for t in leaked_threads() if not t.startswith("kubenb-apiserver")]
