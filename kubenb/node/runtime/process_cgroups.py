"""Memory and CPU limits of the process runtime's command containers, enforced by the kernel.

Where a memory cgroup can be made (cgroup v2 with the memory controller, else the cgroup v1
memory hierarchy; both need root or a delegated subtree), each command container with
`resources.limits.memory` runs in its own cgroup `<root>/kubenb/<marker>-<container id>`
with `memory.max` (v2) or `memory.limit_in_bytes` (v1) set to the limit: the container's
program is started by a shell that first moves itself into the cgroup, so every process it
starts is counted. Past the limit the kernel's OOM killer ends it; the runtime reads the
cgroup's `oom_kill` counter (`memory.events` on v2, `memory.oom_control` on v1) when the
container exits and reports `OOMKilled` with exit code 137, as the kubelet does.

Where no cgroup can be made, a watchdog polls the resident memory of the container's
process tree (psutil, every `WATCH_INTERVAL` seconds) and SIGKILLs it past the limit, also
reported as OOMKilled/137 — coarser: a fast allocation can overshoot between two looks.
`mode` says which one runs ("cgroup v2", "cgroup v1", "watchdog").

CPU: a container with `limits.cpu` or `requests.cpu` also gets a cgroup of the CPU
controller (the same one on v2; on v1 one in the `cpu` hierarchy and one in `cpuacct`, which
counts its usage) with the kubelet's quota and shares (process_cpu.py). Without a CPU
controller there is no CPU limit; `cpu_mode` says which ("cgroup v2", "cgroup v1", "none").
Built-in apps served
inside the node agent and notebook functions share a process and are not limited.
Cgroups (and the shared `kubenb` parent, once empty) are removed when their container is
removed or the runtime closes; `reap` removes
those a crashed kernel left behind (empty ones only).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Callable
from typing import Any

from kubenb.api.quantity import to_bytes
from kubenb.node.runtime import process_cpu

log = logging.getLogger("kubenb.runtime.process")

WATCH_INTERVAL = 0.25
OOM_EXIT_CODE = 137
_ENTER = 'IFS=:; for d in $0; do echo $$ > "$d/cgroup.procs" || exit; done; unset IFS; exec "$@"'


def _mounts() -> list[tuple[str, str, str]]:
    try:
        with open("/proc/mounts", encoding="utf-8") as fh:
            return [(p[1], p[2], p[3]) for p in (line.split() for line in fh) if len(p) >= 4]
    except OSError:
        return []


def _read(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.read()
    except OSError:
        return ""


def _write(path: str, text: str) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)


def find_root() -> tuple[str, int] | None:
    """(mount point, version) of a memory cgroup hierarchy, v2 preferred."""
    mounts = _mounts()
    for point, fstype, _ in mounts:
        if fstype == "cgroup2" and "memory" in _read(os.path.join(point, "cgroup.controllers")).split():
            return point, 2
    for point, fstype, options in mounts:
        if fstype == "cgroup" and "memory" in options.split(","):
            return point, 1
    return None


def find_cpu_roots() -> list[tuple[str, int, str]]:
    """(mount point, version, controller) of the hierarchies for CPU limits ("cpu") and
    usage ("cpuacct"; the same point on v2 and where v1 mounts them together)."""
    mounts = _mounts()
    for point, fstype, _ in mounts:
        if fstype == "cgroup2" and "cpu" in _read(os.path.join(point, "cgroup.controllers")).split():
            return [(point, 2, "cpu")]
    found: dict[str, tuple[str, int, str]] = {}
    for point, fstype, options in mounts:
        for ctl in ("cpu", "cpuacct"):
            if fstype == "cgroup" and ctl in options.split(",") and ctl not in found:
                found[ctl] = (point, 1, ctl)
    if "cpu" not in found:
        return []
    if found.get("cpuacct", ("",))[0] == found["cpu"][0]:
        del found["cpuacct"]
    return list(found.values())


def memory_limit(container: dict[str, Any]) -> int | None:
    """The container's memory limit in bytes, if it has one."""
    value = (((container.get("resources") or {}).get("limits")) or {}).get("memory")
    try:
        return to_bytes(value) if value is not None else None
    except (ValueError, TypeError):
        return None


def _make_base(point: str, version: int, controller: str) -> str:
    """`<point>/kubenb`, made, with `controller` enabled for its children on v2."""
    base = os.path.join(point, "kubenb")
    os.makedirs(base, exist_ok=True)
    if version == 2:
        _write(os.path.join(point, "cgroup.subtree_control"), f"+{controller}")
        _write(os.path.join(base, "cgroup.subtree_control"), f"+{controller}")
    return base


def _oom_kills(path: str, version: int) -> int:
    text = _read(os.path.join(path, "memory.events" if version == 2 else "memory.oom_control"))
    for line in text.splitlines():
        key, _, value = line.partition(" ")
        if key == "oom_kill" and value.strip().isdigit():
            return int(value)
    return 0


class MemoryLimits:
    """One per process runtime: makes, reads and removes the containers' memory cgroups."""

    def __init__(self, marker: str, root: tuple[str, int] | None = None, *, detect: bool = True,
                 cpu_roots: list[tuple[str, int, str]] | None = None) -> None:
        self.marker = marker
        if cpu_roots is None:
            cpu_roots = find_cpu_roots() if root is None and detect else []
        self.cpu_bases = [b for b in (self._cpu_base(*r) for r in cpu_roots) if b is not None]
        self._cpu: dict[str, list[tuple[str, int, str]]] = {}
        found = root if root is not None or not detect else find_root()
        self.base: str | None = None
        self.version = 0
        if found is not None:
            point, version = found
            try:
                self.base, self.version = _make_base(point, version, "memory"), version
            except OSError as err:
                log.info("no memory cgroups (%s): memory limits use the RSS watchdog", err)
        self._paths: dict[str, str] = {}
        self._watch: dict[str, asyncio.TimerHandle] = {}
        self._oom: set[str] = set()

    @staticmethod
    def _cpu_base(point: str, version: int, ctl: str) -> tuple[str, int, str] | None:
        try:
            return _make_base(point, version, "cpu"), version, ctl
        except OSError as err:
            log.info("no %s cgroups (%s): CPU limits are not enforced", ctl, err)
            return None

    @property
    def mode(self) -> str:
        return f"cgroup v{self.version}" if self.base else "watchdog"

    @property
    def cpu_mode(self) -> str:
        return f"cgroup v{self.cpu_bases[0][1]}" if self.cpu_bases else "none"

    def _enter_cpu(self, cid: str, container: dict[str, Any]) -> list[str]:
        """The container's CPU cgroups, made and set (none without CPU resources)."""
        made: list[tuple[str, int, str]] = []
        for base, version, ctl in self.cpu_bases:
            wanted = process_cpu.files(container, version)
            if not wanted:
                return []
            path = os.path.join(base, f"{self.marker}-{cid[:16]}")
            try:
                os.makedirs(path, exist_ok=True)
                if ctl == "cpu":
                    for name, value in wanted.items():
                        _write(os.path.join(path, name), value)
            except OSError as err:
                log.warning("cpu cgroup %s: %s", path, err)
                continue
            made.append((path, version, ctl))
        self._cpu[cid] = made
        return [path for path, _, _ in made]

    def cpu_usage_usec(self, cid: str) -> int | None:
        """CPU time the container's cgroup counted, in µs (None: it has no CPU cgroup)."""
        for path, version, ctl in self._cpu.get(cid, []):
            if version == 2 or ctl == "cpuacct":
                return process_cpu.usage_usec(path, version)
        return None

    def enter(self, cid: str, container: dict[str, Any], argv: list[str]) -> list[str]:
        """argv, wrapped to start inside new cgroups limited to the container's memory and CPU."""
        paths = self._enter_cpu(cid, container)
        limit = memory_limit(container)
        if limit is not None and self.base is not None:
            path = os.path.join(self.base, f"{self.marker}-{cid[:16]}")
            try:
                os.makedirs(path, exist_ok=True)
                _write(os.path.join(path, "memory.max" if self.version == 2 else "memory.limit_in_bytes"), str(limit))
                if self.version == 2:
                    with contextlib.suppress(OSError):
                        _write(os.path.join(path, "memory.swap.max"), "0")
                self._paths[cid] = path
                paths = [path] if path in paths else [path, *paths]
            except OSError as err:
                log.warning("memory cgroup %s: %s", path, err)
        return ["/bin/sh", "-c", _ENTER, ":".join(paths), *argv] if paths else argv

    def watch(self, cid: str, container: dict[str, Any], pid: int, kill: Callable[[], None]) -> None:
        """Without cgroups: SIGKILL (through `kill`) the container past its limit."""
        limit = memory_limit(container)
        if limit is None or cid in self._paths or not pid:
            return
        loop = asyncio.get_running_loop()

        def look() -> None:
            if _tree_rss(pid) > limit:
                self._oom.add(cid)
                self._watch.pop(cid, None)
                kill()
                return
            self._watch[cid] = loop.call_later(WATCH_INTERVAL, look)

        self._watch[cid] = loop.call_later(WATCH_INTERVAL, look)

    def exited(self, cid: str, code: int) -> bool:
        """Whether the container's end was an OOM kill; stops watching it."""
        handle = self._watch.pop(cid, None)
        if handle is not None:
            handle.cancel()
        path = self._paths.get(cid)
        killed = cid in self._oom or (path is not None and _oom_kills(path, self.version) > 0)
        return killed and code in (OOM_EXIT_CODE, -9)

    def release(self, cid: str) -> None:
        self.exited(cid, 0)
        self._oom.discard(cid)
        path = self._paths.pop(cid, None)
        for p in {path, *(c[0] for c in self._cpu.pop(cid, []))} - {None}:
            with contextlib.suppress(OSError):
                os.rmdir(str(p))

    def _bases(self) -> list[str]:
        return list(dict.fromkeys([*([self.base] if self.base else []), *(b[0] for b in self.cpu_bases)]))

    def close(self) -> None:
        for cid in list(self._paths) + list(self._watch) + list(self._cpu):
            self.release(cid)
        for base in self._bases():
            with contextlib.suppress(OSError):  # another cluster's cgroups keep it
                os.rmdir(base)

    def reap(self) -> None:
        """Remove this marker's empty cgroups a crashed kernel left."""
        for base in self._bases():
            for name in _listdir(base):
                if name.startswith(f"{self.marker}-"):
                    with contextlib.suppress(OSError):
                        os.rmdir(os.path.join(base, name))


def _listdir(path: str) -> list[str]:
    try:
        return os.listdir(path)
    except OSError:
        return []


def _tree_rss(pid: int) -> int:
    import psutil

    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0
    total = 0
    for p in procs:
        with contextlib.suppress(psutil.Error):
            total += p.memory_info().rss
    return total
