"""Shared fixtures: a virtual clock, a bare store for reconcile tests, and virtual clusters."""

from __future__ import annotations

import difflib
import io
import random
import shlex
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from kubenb.api.store import Store
from kubenb.clock import VirtualClock
from kubenb.config import Context, Timings


class Writes(list):  # type: ignore[type-arg]
    """Every write the store accepted, as (verb, kind, name, subresource)."""

    def __call__(self, verb: str, kind: str, obj: dict[str, Any], sub: str | None) -> None:
        self.append((verb, kind, obj["metadata"]["name"], sub))

    def of(self, verb: str | None = None, kind: str | None = None) -> list[tuple[Any, ...]]:
        return [w for w in self if (verb is None or w[0] == verb) and (kind is None or w[1] == kind)]


@pytest.fixture(autouse=True)
def _private_kubeconfig(tmp_path_factory: Any, monkeypatch: Any) -> None:
    """Profiles on a real clock serve the API and merge a context into $KUBECONFIG (or
    ~/.kube/config): in tests that file is a temporary one, never the user's."""
    monkeypatch.setenv("KUBECONFIG", str(tmp_path_factory.mktemp("kube") / "config"))


@pytest.fixture
def clock() -> Iterator[VirtualClock]:
    c = VirtualClock()
    yield c
    c.loop.close()


@pytest.fixture
def store(clock: VirtualClock) -> Store:
    s = Store(clock, seed=1)
    s.ensure_namespaces()
    return s


@pytest.fixture
def writes(store: Store) -> Writes:
    w = Writes()
    store.write_listeners.append(w)
    return w


@pytest.fixture
def ctx(store: Store, clock: VirtualClock) -> Context:
    return Context(store, clock, Timings(), random.Random(1))


# ---- kubectl against a virtual cluster, and golden files --------------------------------


GOLDEN = Path(__file__).parent / "golden"


def pytest_addoption(parser: Any) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite tests/golden/* from the current output instead of comparing")


@dataclass
class Result:
    out: str
    err: str
    rc: int

    @property
    def text(self) -> str:
        return self.out + self.err


class Kube:
    """Run kubectl command lines against a cluster: `kube("get pods")`."""

    def __init__(self, cluster: Any) -> None:
        from kubenb.client.inprocess import InProcessClient

        self.cluster = cluster
        self.client = InProcessClient.for_cluster(cluster)
        self.kubeconfig: Any = None

    def __call__(self, line: str, stdin: str | None = None) -> Result:
        from kubenb.cli.kubectl.main import kubectl

        out, err = io.StringIO(), io.StringIO()
        rc = kubectl(shlex.split(line), self.client, out, err, stdin=stdin,
                     kubeconfig=self.kubeconfig)
        return Result(out.getvalue(), err.getvalue(), rc)


def run_cluster(cluster: Any, nodes: int = 1) -> Iterator[Any]:
    """For a fixture to `yield from`: `cluster` started and its `nodes` nodes registered; then
    stopped, and its event loop closed."""
    cluster.start()
    try:
        cluster.wait_for(lambda: len(cluster.store.list("Node")) == nodes, timeout=30)
        yield cluster
    finally:
        cluster.stop()
        cluster.clock.loop.close()


@pytest.fixture
def vcluster() -> Iterator[Any]:
    """A started 1-node `minikube` cluster on a virtual clock, seed 1."""
    from kubenb.cluster import Cluster

    yield from run_cluster(Cluster(clock=VirtualClock(), seed=1))


@pytest.fixture
def kube(vcluster: Any) -> Kube:
    return Kube(vcluster)


@pytest.fixture
def golden(request: Any) -> Any:
    """`golden("name", text)`: compare with tests/golden/name.txt (or rewrite it)."""
    update = request.config.getoption("--update-golden")

    def check(name: str, text: str) -> None:
        path = GOLDEN / f"{name}.txt"
        if update or not path.exists():
            if not update:
                pytest.fail(f"golden file {path} is missing; run pytest --update-golden")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
            return
        want = path.read_text()
        if text != want:
            diff = "".join(difflib.unified_diff(want.splitlines(True), text.splitlines(True),
                                                "golden", "actual"))
            pytest.fail(f"output differs from {path}:\n{diff}")

    return check
