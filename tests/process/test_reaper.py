"""No leaks: markers on every process, the reaper, and a clean stop."""

from __future__ import annotations

import os
import subprocess
import sys

import psutil

from kubenb.node.runtime import reaper
from tests.process.conftest import leftovers, listening
from tests.process.util import REQUIRES_LOOPBACK, pod, run_pod

pytestmark = REQUIRES_LOOPBACK


def _spawn_marked(owner: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, reaper.VAR: owner}
    return subprocess.Popen(["sleep", "600"], env=env, start_new_session=True)


def test_reaper_kills_leftovers_of_a_dead_owner_only(tmp_path):
    state = str(tmp_path / "state")
    os.makedirs(os.path.join(state, "pods", "old-uid"))
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead_started = psutil.Process(dead.pid).create_time()
    dead.wait()
    orphan = _spawn_marked(f"{dead.pid}:{dead_started:.2f}:proc:{state}")
    mine = _spawn_marked(str(reaper.me("proc", state)))
    other_dir = _spawn_marked(f"{dead.pid}:{dead_started:.2f}:proc:{state}-elsewhere")
    try:
        killed = reaper.reap(state, force=True)
        assert killed == [orphan.pid]
        orphan.wait(5)
        assert not psutil.pid_exists(orphan.pid)
        assert mine.poll() is None and other_dir.poll() is None
        # a live owner (this test process) shares the directory: its files stay
        assert os.path.isdir(os.path.join(state, "pods", "old-uid"))
    finally:
        for p in (orphan, mine, other_dir):
            p.kill()
            p.wait()


def test_every_process_carries_the_marker_and_stop_leaves_nothing(make_cluster):
    c = make_cluster()
    run_pod(c, pod("boot", "gcr.io/google-samples/kubernetes-bootcamp:v1"))
    run_pod(c, pod("sh", "busybox", command=["sh", "-c", "sleep 3600"]))
    procs = leftovers()  # every live child of this process (zombies are dead already)
    assert len(procs) >= 2
    for p in procs:
        owner = reaper.Owner.parse(p.environ().get(reaper.VAR, f"unmarked {p.cmdline()}"))
        assert owner is not None and owner.pid == os.getpid() and owner.state_dir == c.state_dir, \
            p.cmdline()
    assert listening() != []
    c.stop()
    assert leftovers() == [] and listening() == []


def test_agent_exits_with_its_children_when_the_kernel_side_goes(make_cluster):
    c = make_cluster()
    run_pod(c, pod("sh", "busybox", command=["sleep", "3600"]))
    agent = c.kubelets["proc0"].runtime.agent.proc
    tree = [psutil.Process(agent.pid), *psutil.Process(agent.pid).children(recursive=True)]
    agent.stdin.close()  # what the agent sees when the kernel dies
    gone, alive = psutil.wait_procs(tree, timeout=10)
    assert alive == []


def test_a_new_cluster_reaps_what_a_crashed_kernel_left(make_cluster, tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead_started = psutil.Process(dead.pid).create_time()
    dead.wait()
    state = str(tmp_path / "state0")  # the state directory make_cluster gives its first cluster
    orphan = _spawn_marked(f"{dead.pid}:{dead_started:.2f}:proc0:{state}")
    try:
        c = make_cluster()
        assert c.state_dir == state
        orphan.wait(5)
        assert not psutil.pid_exists(orphan.pid)
    finally:
        if orphan.poll() is None:
            orphan.kill()
            orphan.wait()
