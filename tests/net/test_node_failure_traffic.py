"""A node killed under traffic, on the process runtime (and docker, when there): requests
routed to the dead node's pods fail — time out, as packets DNATed to an unreachable pod are
dropped — for as long as those pods are still ready endpoints; once the node controller has
marked them not ready and the endpoints controller has moved them out, none fail.

Waits are conditions on the cluster (`wait_for`), never sleeps; the requests' own client
timeout is the only clock a failure needs."""

from __future__ import annotations

import os
import threading
import urllib.request
from typing import Any

import pytest

from kubenb.api.pods import is_pod_ready
from kubenb.cli.minikube.commands import run_line
from kubenb.profiles import Profiles
from tests.net.standin import SUBNET

pytest.importorskip("kubenb.node.runtime.process")


class Traffic:
    """A thread sending requests one after another; each is recorded with the number of the
    phase it was sent in (`phase` is moved on by the test) and whether it was answered."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.phase = 0
        self.log: list[tuple[int, bool]] = []
        self.cond = threading.Condition()
        self.stopped = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stopped:
            phase = self.phase
            try:
                with urllib.request.urlopen(self.url, timeout=1) as reply:
                    ok = reply.status == 200
            except OSError:
                ok = False
            with self.cond:
                self.log.append((phase, ok))
                self.cond.notify_all()

    def wait(self, phase: int, count: int, timeout: float = 120) -> list[bool]:
        with self.cond:
            assert self.cond.wait_for(
                lambda: sum(p == phase for p, _ in self.log) >= count, timeout)
            return [ok for p, ok in self.log if p == phase]

    def stop(self) -> None:
        self.stopped = True
        self.thread.join(10)


def _node_failure_window(driver: str, tmp_path: Any, monkeypatch: pytest.MonkeyPatch,
                         profile: str = "nf") -> None:
    reg = Profiles(home=str(tmp_path / "home"), register_atexit=False, serve_api=False)
    monkeypatch.setattr(reg, "_free_subnet", lambda *_: f"192.168.{SUBNET}")
    traffic: Traffic | None = None
    try:
        out, err, rc = run_line(f"start -p {profile} --nodes 2 --driver={driver}", reg)
        assert rc == 0, err
        for line in ("create deployment kb --image=gcr.io/google-samples/kubernetes-bootcamp:v1 "
                     "--replicas=4", "expose deployment kb --type=NodePort --port 8080"):
            assert run_line(f"kubectl -p {profile} -- {line}", reg)[2] == 0
        cluster = reg.get(profile).cluster  # type: ignore[union-attr]
        store = cluster.store

        def on(node: str) -> list[dict[str, Any]]:
            return [p for p in store.list("Pod", "default") if p["spec"].get("nodeName") == node]

        first, second = profile, f"{profile}-m02"  # minikube names nodes after the profile
        cluster.wait_for(lambda: sum(is_pod_ready(p) for p in store.list("Pod", "default")) == 4
                         and on(first) and on(second), timeout=90)
        url = run_line(f"service kb --url -p {profile}", reg)[0].strip()  # minikube's node port

        def answers(target: str) -> bool:
            try:
                with urllib.request.urlopen(target, timeout=5) as reply:
                    return bool(reply.status == 200)
            except OSError:
                return False

        # an app binds its port just after it started (it has no readiness probe)
        cluster.wait_for(lambda: all(answers(f"http://{p['status']['podIP']}:8080/")
                                     for p in store.list("Pod", "default")), timeout=60)
        cluster.wait_for(lambda: answers(url), timeout=30)
        traffic = Traffic(url)
        assert all(traffic.wait(0, 20)), "every request answered before the failure"

        victims = {p["status"]["podIP"] for p in on(second)}
        traffic.phase = 1
        assert run_line(f"node stop {second} -p {profile}", reg)[2] == 0

        def endpoint_ips() -> set[str]:
            ep = store.get("Endpoints", "default", "kb")
            return {a["ip"] for s in ep.get("subsets") or [] for a in s.get("addresses") or []}

        # the window: the dead node's pods are still endpoints, and their share fails
        traffic.wait(1, 12)
        cluster.wait_for(lambda: not victims & endpoint_ips(), timeout=120)
        window = [ok for p, ok in traffic.log if p == 1]
        assert False in window, "requests routed to the dead node's pods must fail"
        assert True in window, "the live node's pods go on answering"

        cluster.kube_proxy.sync()  # the proxy has applied the Endpoints without them
        traffic.phase = 2
        healed = traffic.wait(2, 30)
        assert all(healed), "no request fails once the dead pods left the endpoints"
    finally:
        if traffic is not None:
            traffic.stop()
        reg.close()


def test_node_killed_under_traffic_fails_then_heals_process(
        tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    _node_failure_window("process", tmp_path, monkeypatch)


def test_node_killed_under_traffic_fails_then_heals_docker(
        tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from kubenb.node.runtime.docker_engine import EngineUnavailable, check_engine

    try:
        check_engine()
    except EngineUnavailable as err:
        pytest.skip(f"Docker engine not reachable ({err.message})")
    _node_failure_window("docker", tmp_path, monkeypatch, profile=f"nf{os.getpid()}")
