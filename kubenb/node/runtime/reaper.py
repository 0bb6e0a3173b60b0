"""Markers on every process kubenb starts, and the reaper that cleans up after a dead kernel.

Every process the process runtime starts — node agents, the containers they spawn, `exec`
commands — carries `KUBENB_OWNER=<pid>:<start time>:<profile>:<state dir>` in its
environment: the kernel that owns it. If that kernel crashed (SIGKILL, OOM) its agents
notice their stdin closing and kill their children, but a process that escaped its group,
or an agent frozen at the time, can survive. `reap()` runs when a runtime starts: it finds
marked processes whose owner is gone (no such pid, or a pid reused by a newer process) and
kills them, then removes the stale per-pod state of that state directory.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
from dataclasses import dataclass

import psutil

log = logging.getLogger("kubenb.runtime.reaper")
VAR = "KUBENB_OWNER"
_reaped: set[str] = set()  # state dirs already swept by this kernel


@dataclass(frozen=True)
class Owner:
    pid: int
    started: float
    profile: str
    state_dir: str

    def __str__(self) -> str:
        return f"{self.pid}:{self.started:.2f}:{self.profile}:{self.state_dir}"

    @classmethod
    def parse(cls, text: str) -> Owner | None:
        parts = text.split(":", 3)
        if len(parts) != 4:
            return None
        try:
            return cls(int(parts[0]), float(parts[1]), parts[2], parts[3])
        except ValueError:
            return None

    def alive(self) -> bool:
        try:
            return abs(psutil.Process(self.pid).create_time() - self.started) < 1.0
        except psutil.Error:
            return False


def me(profile: str, state_dir: str) -> Owner:
    """The marker of this kernel for one profile."""
    return Owner(os.getpid(), psutil.Process().create_time(), profile, state_dir)


def marker(profile: str, state_dir: str) -> dict[str, str]:
    return {VAR: str(me(profile, state_dir))}


def orphans(state_dir: str | None = None) -> list[psutil.Process]:
    """Marked processes whose owner is gone (only those of `state_dir`, when given)."""
    return _scan(state_dir)[0]


def _scan(state_dir: str | None) -> tuple[list[psutil.Process], set[int]]:
    """(orphans, the live kernels — this one too — with processes on `state_dir`)."""
    found = []
    shared: set[int] = set()
    for proc in psutil.process_iter(["pid"]):
        try:
            value = proc.environ().get(VAR)
        except (psutil.Error, OSError):
            continue
        if not value:
            continue
        owner = Owner.parse(value)
        if owner is None or (state_dir is not None and owner.state_dir != state_dir):
            continue
        if owner.alive():
            shared.add(owner.pid)
            continue
        found.append(proc)
    return found, shared


def reap(state_dir: str, *, force: bool = False) -> list[int]:
    """Kill leftovers of dead owners of `state_dir` and clear its stale pod files.

    Runs once per state directory and kernel unless `force`."""
    if state_dir in _reaped and not force:
        return []
    _reaped.add(state_dir)
    procs, shared = _scan(state_dir)
    for p in procs:
        with contextlib.suppress(psutil.Error):
            p.suspend()
    for p in procs:
        with contextlib.suppress(psutil.Error):
            p.kill()
    psutil.wait_procs(procs, timeout=5)
    if procs:
        log.warning("killed %d leftover process(es) of a kubenb kernel that is gone: %s",
                    len(procs), ", ".join(str(p.pid) for p in procs))
    others = shared - {os.getpid()}
    if others:
        log.warning("another Python process (pid %s) runs a cluster with the state directory %s: "
                    "pods of both will compete for the same addresses",
                    ", ".join(map(str, sorted(others))), state_dir)
    if shared:  # a live kernel runs this profile: its files are not stale
        return [p.pid for p in procs]
    discard_files(state_dir)  # the dead kernel's volumes too
    return [p.pid for p in procs]


def discard_files(state_dir: str) -> None:
    """Remove what a profile's pods left on its disk: sandboxes, container logs and the
    hostpath provisioner's volumes (`minikube delete`, or the state of a kernel gone)."""
    for sub in ("pods", "logs", "hostpath-provisioner"):
        with contextlib.suppress(OSError):
            shutil.rmtree(os.path.join(state_dir, sub))
