"""Docker runtime tests: a real engine, real containers. Skipped when no engine answers."""

from __future__ import annotations

import os
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from kubenb.cluster import Cluster
from kubenb.config import Timings
from kubenb.node.runtime.docker_engine import EngineUnavailable, check_engine
from tests import builders
from tests.conftest import run_cluster

# Nodes fail and pods move in seconds, not a minute.
FAST = Timings().with_(node_status_update=1.0, node_monitor_period=0.5, node_monitor_grace=3.0,
                       toleration_seconds=2)


def _engine() -> str | None:
    try:
        check_engine()
        return None
    except EngineUnavailable as err:
        return err.message


@pytest.fixture(scope="session")
def engine() -> Any:
    """The Docker SDK client; skips the test when the engine is not reachable."""
    reason = _engine()
    if reason is not None:
        pytest.skip(f"Docker engine not reachable ({reason}); start dockerd to run these tests")
    import docker

    client = docker.from_env()
    yield client
    client.close()


def profile_name(tag: str) -> str:
    """A profile of this test process only: parallel runs do not meet."""
    return f"dk{os.getpid()}{tag}"


def ours(engine: Any, profile: str, *, all: bool = True) -> list[dict[str, Any]]:
    return engine.api.containers(all=all, filters={"label": [f"kubenb.profile={profile}"]})


def networks(engine: Any, profile: str) -> list[dict[str, Any]]:
    return engine.api.networks(filters={"label": [f"kubenb.profile={profile}"]})


@pytest.fixture(scope="module")
def dcluster(engine: Any, request: Any) -> Iterator[Cluster]:
    """A started 2-node Docker cluster for one test module; nothing of it left afterwards."""
    name = profile_name(request.module.__name__.rsplit(".", 1)[-1].replace("test_", "")[:6])
    yield from run_cluster(Cluster(name, nodes=2, runtime="docker", timings=FAST), nodes=2)
    assert ours(engine, name) == []
    assert networks(engine, name) == []


def get(url: str, timeout: float = 5) -> str:
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.read().decode()


def answers(url: str, text: str = "") -> bool:
    """Whether `url` answers (with `text` in the body): a pod without a readiness probe is
    Ready once its container runs, a moment before its server listens."""
    try:
        return text in get(url, timeout=2)
    except OSError:
        return False


def pods(c: Cluster, ns: str = "default", selector: dict[str, str] | None = None) -> list[dict[str, Any]]:
    found = c.store.list("Pod", ns)
    if selector:
        found = [p for p in found
                 if all((p["metadata"].get("labels") or {}).get(k) == v for k, v in selector.items())]
    return found


def is_ready(pod: dict[str, Any]) -> bool:
    return any(x["type"] == "Ready" and x["status"] == "True"
               for x in (pod.get("status") or {}).get("conditions") or [])


def deployment(c: Cluster, name: str, image: str, replicas: int = 2,
               ns: str = "default") -> dict[str, Any]:
    return c.store.create(builders.deployment(name, image, replicas, namespace=ns, container=name,
                                              pod_spec={"terminationGracePeriodSeconds": 1}))


def pod(c: Cluster, name: str, containers: list[dict[str, Any]], ns: str = "default",
        **spec: Any) -> dict[str, Any]:
    return c.store.create(builders.pod(name, namespace=ns, grace=1, containers=containers, **spec))


def wait_ready(c: Cluster, app: str, n: int, check: Callable[[dict[str, Any]], bool] | None = None,
               timeout: float = 60) -> list[dict[str, Any]]:
    def live() -> list[dict[str, Any]]:
        return [p for p in pods(c, selector={"app": app}) if not p["metadata"].get("deletionTimestamp")]

    def done() -> bool:
        found = live()
        return len(found) == n and all(is_ready(p) and (check is None or check(p)) for p in found)

    c.wait_for(done, timeout=timeout)
    return live()


def container_state(c: Cluster, name: str, ns: str = "default") -> dict[str, Any]:
    p = c.store.try_get("Pod", ns, name) or {}
    statuses = (p.get("status") or {}).get("containerStatuses") or [{}]
    return statuses[0]
