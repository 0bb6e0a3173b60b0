"""The kubelet's AtomicWriter: a configMap/secret/downwardAPI/projected volume's files written
so that a reader never sees half an update.

`write_payload(target, files)` lays out the directory as upstream's atomic_writer.go does:

    target/..2026_12_07_15_52_07.123456789/<path>   the files of this version
    target/..data -> ..2026_12_07_15_52_07.123456789
    target/<first path element> -> ..data/<first path element>

A new version is written into a fresh timestamped directory, then `..data` is swapped to it
with one rename (atomic), then user-visible links are added/removed and the old version goes.
A payload equal to what is on disk (bytes and modes) writes nothing. A container that mounts
the whole directory sees every update; one that mounts a single file (`subPath`) keeps the
file it got (upstream does the same). Used by volumes.py; touches only `target`.
"""

from __future__ import annotations

import os
import shutil
import stat
import time
from collections.abc import Mapping

DATA = "..data"


def _current(target: str) -> dict[str, tuple[bytes, int]] | None:
    data = os.path.join(target, DATA)
    if not os.path.islink(data):
        return None
    out: dict[str, tuple[bytes, int]] = {}
    for root, _dirs, names in os.walk(data, followlinks=True):
        for name in names:
            path = os.path.join(root, name)
            with open(path, "rb") as f:
                out[os.path.relpath(path, data)] = (f.read(), stat.S_IMODE(os.stat(path).st_mode))
    return out


def _version_name() -> str:
    now = time.time_ns()
    return time.strftime("..%Y_%m_%d_%H_%M_%S", time.gmtime(now // 10**9)) + f".{now % 10**9:09d}"


def write_payload(target: str, files: Mapping[str, tuple[bytes, int]]) -> bool:
    """Make `target` show `files` ({relative path: (content, mode)}); True if it changed."""
    os.makedirs(target, mode=0o755, exist_ok=True)
    payload = {os.path.normpath(p): v for p, v in files.items()}
    if _current(target) == payload:
        return False
    old = os.readlink(os.path.join(target, DATA)) if os.path.islink(os.path.join(target, DATA)) else None
    version = _version_name()
    vdir = os.path.join(target, version)
    os.mkdir(vdir, 0o755)
    for path, (content, mode) in payload.items():
        full = os.path.join(vdir, path)
        os.makedirs(os.path.dirname(full), mode=0o755, exist_ok=True)
        with open(full, "wb") as f:
            f.write(content)
        os.chmod(full, mode)
    tmp = os.path.join(target, "..data_tmp")
    if os.path.lexists(tmp):
        os.unlink(tmp)
    os.symlink(version, tmp)
    os.rename(tmp, os.path.join(target, DATA))
    tops = {p.split(os.sep)[0] for p in payload}
    for top in tops:
        link = os.path.join(target, top)
        if not os.path.lexists(link):
            os.symlink(os.path.join(DATA, top), link)
    for name in os.listdir(target):
        if not name.startswith("..") and name not in tops:
            os.unlink(os.path.join(target, name))
    if old and old != version:
        shutil.rmtree(os.path.join(target, old), ignore_errors=True)
    return True
