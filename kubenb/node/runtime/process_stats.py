"""What the process runtime can measure of a container: CPU time and memory, with psutil.

The process runtime (process.py) asks `measure(kind, pid, agent_pid, apps)` for a running
container; the metrics-server addon (kubenb/node/metrics_scraper.py) takes two such samples
and reports the rate. What each kind of container is made of, and so what is measured:

command  (busybox/alpine `sh -c …`, `python:*`, an image's own program) — a child process of
         the node agent in its own session. Measured exactly: the CPU time (user + system)
         of the main process and every live descendant, plus what their already reaped
         children used (`children_user`/`children_system`), and the summed RSS of the live
         processes (the working set, counting shared pages once per process). A process that
         left the tree (double-forked to init) is not followed.
app      (bootcamp, nginx, http-echo, echoserver, generic servers) — a server inside the
         node agent's one Python process, next to every other app of the node; the agent's
         CPU and memory cannot be split per pod. Reported: the agent's own CPU time and RSS
         (not its command children) divided equally among the node's running app
         containers (`ContainerStats.shared`). With one app pod on a node that is its real
         usage plus the agent's small overhead.
function (a notebook's handler) — runs in the kernel next to the control plane: nothing is
         measured (None); the metrics addon reports its fixed footprint (metrics.py).
"""

from __future__ import annotations

import contextlib

import psutil

from kubenb.node.runtime.base import ContainerStats


def _tree(pid: int) -> list[psutil.Process]:
    root = psutil.Process(pid)
    return [root, *root.children(recursive=True)]


def tree_stats(pid: int) -> ContainerStats | None:
    """CPU seconds and RSS of a process and all its descendants (None once it is gone)."""
    try:
        procs = _tree(pid)
    except psutil.Error:
        return None
    cpu, rss = 0.0, 0
    for p in procs:
        with contextlib.suppress(psutil.Error), p.oneshot():
            t = p.cpu_times()
            cpu += t.user + t.system + t.children_user + t.children_system
            rss += p.memory_info().rss
    return ContainerStats(cpu, rss)


def own_stats(pid: int, share: int) -> ContainerStats | None:
    """One of `share` equal parts of a process's own CPU time and RSS (not its children's)."""
    try:
        p = psutil.Process(pid)
        with p.oneshot():
            t = p.cpu_times()
            rss = p.memory_info().rss
    except psutil.Error:
        return None
    share = max(share, 1)
    return ContainerStats((t.user + t.system) / share, rss // share, shared=share > 1)


def measure(kind: str, pid: int, agent_pid: int | None, apps: int) -> ContainerStats | None:
    """A running container's stats by its kind (see the module docstring)."""
    if kind == "command":
        return tree_stats(pid) if pid else None
    if kind == "app" and agent_pid:
        return own_stats(agent_pid, apps)
    return None
