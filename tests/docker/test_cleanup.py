"""Nothing with our labels outlives its cluster: stop, process exit, and a killed kernel
(whose leftovers the next start reaps)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
from typing import Any

import pytest

from kubenb.cluster import Cluster
from kubenb.node.runtime.docker_engine import L_OWNER, reap_orphans
from tests import builders
from tests.docker.conftest import FAST, answers, networks, ours, profile_name

pytestmark = pytest.mark.docker

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# A kernel stand-in: starts a cluster with one running pod, says so, then ends as `how` says.
KERNEL = textwrap.dedent("""
    import atexit, os, sys, threading
    from kubenb.cluster import Cluster
    c = Cluster(sys.argv[1], nodes=1, runtime="docker").start()
    c.store.create({"apiVersion": "v1", "kind": "Pod",
                    "metadata": {"name": "sleeper", "namespace": "default"},
                    "spec": {"containers": [{"name": "c", "image": "busybox",
                                             "command": ["sleep", "3600"]}]}})
    c.wait_for(lambda: "running" in ((c.store.get("Pod", "default", "sleeper").get("status") or {})
               .get("containerStatuses") or [{}])[0].get("state", {}), timeout=60)
    print("up", flush=True)
    if sys.argv[2] == "exit-without-stop":
        atexit.unregister(c.stop)  # only the runtime's own exit handler is left
    if sys.argv[2].startswith("exit"):
        sys.exit(0)
    threading.Event().wait()  # until killed
""")


def _kernel(profile: str, how: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": ROOT}
    return subprocess.Popen([sys.executable, "-c", KERNEL, profile, how], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)


def test_stop_removes_containers_and_network(engine: Any) -> None:
    name = profile_name("stop")
    c = Cluster(name, nodes=1, runtime="docker", timings=FAST).start()
    try:
        c.store.create(builders.pod("p", "busybox", command=["sleep", "3600"]))
        c.wait_for(lambda: len(ours(engine, name, all=False)) == 2, timeout=60)
        assert len(networks(engine, name)) == 1
    finally:
        c.stop()
        c.clock.loop.close()
    assert ours(engine, name) == [] and networks(engine, name) == []
    assert [t.name for t in threading.enumerate() if t.name.startswith("kubenb-docker")] == []


@pytest.mark.parametrize("how", ["exit", "exit-without-stop"])
def test_a_process_exit_removes_what_it_started(engine: Any, how: str) -> None:
    name = profile_name(how[:6])
    proc = _kernel(name, how)
    out, err = proc.communicate(timeout=120)
    assert out == "up\n", err
    assert "Traceback" not in err and "Exception ignored" not in err, err
    assert ours(engine, name) == [] and networks(engine, name) == []


def test_the_next_start_reaps_a_killed_kernels_leftovers(engine: Any) -> None:
    dead = profile_name("dead")
    proc = _kernel(dead, "wait")
    try:
        assert proc.stdout is not None and proc.stdout.readline() == "up\n"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
    left = ours(engine, dead)
    assert len(left) == 2 and len(networks(engine, dead)) == 1  # SIGKILL: no cleanup ran
    assert left[0]["Labels"][L_OWNER].split("/")[1] == str(proc.pid)

    name = profile_name("next")
    c = Cluster(name, nodes=1, runtime="docker", timings=FAST).start()
    try:
        c.wait_for(lambda: c.store.try_get("Node", None, name) is not None, timeout=30)
        assert ours(engine, dead) == [] and networks(engine, dead) == []
        assert len(networks(engine, name)) == 1  # the new cluster's own network
    finally:
        c.stop()
        c.clock.loop.close()


def test_reaping_spares_live_owners(engine: Any) -> None:
    me = f"{os.uname().nodename}/{os.getpid()}"
    mine = engine.api.create_container("busybox", ["true"], labels={
        L_OWNER: f"{me}/{int(__import__('psutil').Process().create_time())}",
        "kubenb.profile": profile_name("live")})
    recycled = engine.api.create_container("busybox", ["true"], labels={
        L_OWNER: f"{me}/1", "kubenb.profile": profile_name("recycled")})  # same pid, other start
    try:
        reaped = reap_orphans(engine)
        assert f"{me}/1" in reaped
        assert engine.api.containers(all=True, filters={"id": recycled["Id"]}) == []
        assert engine.api.containers(all=True, filters={"id": mine["Id"]}) != []
    finally:
        engine.api.remove_container(mine["Id"], force=True)


def test_a_stopped_cluster_starts_again_with_new_containers(engine: Any) -> None:
    name = profile_name("again")
    c = Cluster(name, nodes=1, runtime="docker", timings=FAST).start()
    try:
        c.store.create(builders.pod("web"))

        def serving() -> bool:
            p = c.store.get("Pod", "default", "web")
            st = ((p.get("status") or {}).get("containerStatuses") or [{}])[0]
            ip = (p.get("status") or {}).get("podIP")
            return bool(st.get("ready")) and bool(ip) and answers(f"http://{ip}/", "Welcome to nginx!")

        c.wait_for(serving, timeout=60)
        first = {x["Id"] for x in ours(engine, name)}
        c.stop()  # minikube stop
        assert ours(engine, name) == []
        c.start()  # minikube start: the pod comes back in a new sandbox
        c.wait_for(lambda: c.store.get("Pod", "default", "web")["status"]["containerStatuses"][0]
                   .get("restartCount", 0) >= 1, timeout=60)
        c.wait_for(serving, timeout=60)
        assert not first & {x["Id"] for x in ours(engine, name)}
    finally:
        c.stop()
        c.clock.loop.close()
    assert ours(engine, name) == [] and networks(engine, name) == []
