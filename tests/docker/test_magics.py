"""The Kubernetes Basics flow through the magics with `%minikube start --driver=docker`:
real containers, NodePort answers from several pods, v2 rollout, v10 ImagePullBackOff and
undo, logs, exec, node stop and rescheduling, and nothing left after `minikube delete`."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from typing import Any

import pytest
from IPython.core.interactiveshell import InteractiveShell

from kubenb.cli import session
from kubenb.profiles import Profiles
from tests.docker.conftest import FAST, answers, get, networks, ours, profile_name

pytestmark = pytest.mark.docker


@pytest.fixture
def ip(engine: Any) -> Iterator[InteractiveShell]:
    old = session.reset(Profiles(timings=FAST))
    if old is not None:
        old.close()
    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "kubenb")
    yield shell
    reg = session.reset(None)
    if reg is not None:
        reg.close()


def test_kubernetes_basics_on_docker(ip: InteractiveShell, engine: Any, capsys: Any) -> None:
    name = profile_name("magic")

    def mk(line: str) -> str:
        ip.run_line_magic("minikube", line)
        return capsys.readouterr().out

    def kc(line: str) -> str:
        ip.run_line_magic("kubectl", line)
        cap = capsys.readouterr()
        return cap.out + cap.err

    cluster = None
    try:
        started = mk(f"start --driver=docker --nodes=2 -p {name}")
        assert "Using the docker driver based on user configuration" in started
        assert f"Preparing Kubernetes v1.32.0 on Docker {engine.version()['Version']} ..." in started
        prof = session.profiles().current()
        assert prof is not None
        cluster = prof.cluster
        kc("create deployment kubernetes-bootcamp --image=gcr.io/google-samples/kubernetes-bootcamp:v1")
        kc("scale deployments/kubernetes-bootcamp --replicas=4")
        assert 'deployment "kubernetes-bootcamp" successfully rolled out' in \
            kc("rollout status deployment/kubernetes-bootcamp --timeout=90s")
        ps = subprocess.run(["docker", "ps", "--filter", f"label=kubenb.profile={name}",
                             "--format", "{{.Image}}"], capture_output=True, text=True).stdout
        assert ps.split().count("gcr.io/google-samples/kubernetes-bootcamp:v1") == 4
        assert ps.split().count("registry.k8s.io/pause:3.10") == 4

        assert kc("expose deployment/kubernetes-bootcamp --type=NodePort --port 8080") == \
            "service/kubernetes-bootcamp exposed\n"
        url = mk(f"service kubernetes-bootcamp --url -p {name}").strip()
        answered: set[str] = set()

        def several() -> bool:
            try:
                answered.add(get(url, timeout=2).split("Running on: ")[1].split(" |")[0])
            except OSError:
                pass
            return len(answered) >= 2

        cluster.wait_for(several, timeout=30)

        kc("set image deployments/kubernetes-bootcamp kubernetes-bootcamp=jocatalin/kubernetes-bootcamp:v2")
        kc("rollout status deployments/kubernetes-bootcamp --timeout=90s")
        cluster.wait_for(lambda: answers(url, "| v=2\n"), timeout=30)

        kc("set image deployments/kubernetes-bootcamp "
           "kubernetes-bootcamp=gcr.io/google-samples/kubernetes-bootcamp:v10")
        cluster.wait_for(lambda: "ImagePullBackOff" in kc("get pods")
                         or "ErrImagePull" in kc("get pods"), timeout=30)
        assert "rolled back" in kc("rollout undo deployments/kubernetes-bootcamp")
        kc("rollout status deployments/kubernetes-bootcamp --timeout=90s")

        pod = kc("get pods -o jsonpath={.items[0].metadata.name}").strip()
        assert "Kubernetes Bootcamp App Started At:" in kc(f"logs {pod}")
        assert f"HOSTNAME={pod}" in kc(f"exec {pod} -- env")
        assert kc(f"exec {pod} -- curl -s localhost:8080") == \
            f"Hello Kubernetes bootcamp! | Running on: {pod} | v=2\n"

        mk(f"node stop {name}-m02 -p {name}")

        def all_on_first() -> bool:
            pods = [p for p in cluster.store.list("Pod", "default")
                    if not p["metadata"].get("deletionTimestamp")]
            return len(pods) == 4 and all(
                p["spec"].get("nodeName") == name and p.get("status", {}).get("podIP") and
                any(c["type"] == "Ready" and c["status"] == "True"
                    for c in p["status"].get("conditions") or []) for p in pods)

        cluster.wait_for(all_on_first, timeout=90)
        cluster.wait_for(lambda: answers(url, "Hello Kubernetes bootcamp!"), timeout=30)
    finally:
        deleted = mk(f"delete -p {name}")
    assert "Removed all traces" in deleted
    assert ours(engine, name) == [] and networks(engine, name) == []


def test_start_without_a_running_engine_says_so_and_creates_nothing(
        ip: InteractiveShell, capsys: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
    name = profile_name("nodock")
    ip.run_line_magic("minikube", f"start --driver=docker -p {name}")
    cap = capsys.readouterr()
    text = cap.out + cap.err
    assert "Exiting due to PROVIDER_DOCKER_NOT_RUNNING: " in text
    assert "Cannot connect to the Docker daemon at unix:///nonexistent/docker.sock. " \
           "Is the docker daemon running?" in text
    assert "Start the Docker service" in text
    assert session.profiles().current() is None
