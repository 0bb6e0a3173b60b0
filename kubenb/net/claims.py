"""Loopback subnets claimed across processes: two kernels must not bind the same addresses.

Runtimes that bind real addresses (process, docker) take their profile's plan from
127.<subnet>.0.0 (kubenb/net/addresses.py). A second kernel on the same machine — a learner
with two notebooks open — must pick another subnet, as minikube picks another Docker
network. A claim is a file `<tmp>/kubenb-<uid>/subnets/<subnet>` holding the owner's pid and
start time; a claim whose owner is gone is stale and may be taken over.
"""

from __future__ import annotations

import contextlib
import os
import tempfile

import psutil


def _dir() -> str:
    uid = os.getuid() if hasattr(os, "getuid") else 0
    return os.path.join(tempfile.gettempdir(), f"kubenb-{uid}", "subnets")


def _me() -> str:
    return f"{os.getpid()} {psutil.Process().create_time():.3f}"


def _alive(owner: str) -> bool:
    try:
        pid_text, started = owner.split()
        proc = psutil.Process(int(pid_text))
        return f"{proc.create_time():.3f}" == started
    except (ValueError, psutil.Error):
        return False


def held_elsewhere(subnet: int) -> bool:
    """Whether another live process holds `subnet`."""
    return holder(subnet) is not None


def holder(subnet: int) -> int | None:
    """The pid of the other live process that holds `subnet`, if any."""
    try:
        with open(os.path.join(_dir(), str(subnet))) as f:
            owner = f.read().strip()
    except OSError:
        return None
    if owner == _me() or not _alive(owner):
        return None
    return int(owner.split()[0])


def claim(subnet: int) -> bool:
    """Take `subnet` for this process; False when another live process holds it."""
    os.makedirs(_dir(), exist_ok=True)
    path = os.path.join(_dir(), str(subnet))
    for _ in range(2):
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except FileExistsError:
            if held_elsewhere(subnet):
                return False
            with contextlib.suppress(OSError):
                with open(path) as f:
                    if f.read().strip() == _me():
                        return True
                os.unlink(path)  # a stale claim: its owner is gone
            continue
        with os.fdopen(fd, "w") as f:
            f.write(_me())
        return True
    return False


def release(subnet: int) -> None:
    """Give `subnet` back if this process holds it."""
    path = os.path.join(_dir(), str(subnet))
    with contextlib.suppress(OSError):
        with open(path) as f:
            if f.read().strip() != _me():
                return
        os.unlink(path)
