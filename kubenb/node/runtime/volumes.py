"""Where a runtime finds the directories behind a container's mounts (shared by the process
and docker runtimes).

A `Mount` (base.py) with a `source` is a host directory the kubelet resolved (hostPath, a
claim's volume); one without is an emptyDir, kept at
`<pod dir>/volumes/kubernetes.io~empty-dir/<volume>` (the kubelet's own layout) so that the
pod's containers share it and it goes when the pod's directory is removed. A `subPath` is a
directory below the source, made on first use. A mount with `files` (a configMap, secret,
downwardAPI or projected volume) is written by the atomic writer (atomic_writer.py) into
`<pod dir>/volumes/<plugin>/<volume>`; its `subPath` names one file of it, bound as it is
now (later updates do not reach it, as upstream).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass

from kubenb.node.runtime.atomic_writer import write_payload
from kubenb.node.runtime.base import Mount


@dataclass(frozen=True)
class Bind:
    source: str  # a directory on this machine
    target: str  # the mountPath
    read_only: bool


def empty_dir(pod_dir: str, volume: str) -> str:
    return os.path.join(pod_dir, "volumes", "kubernetes.io~empty-dir", volume)


def payload_dir(pod_dir: str, m: Mount) -> str:
    return os.path.join(pod_dir, "volumes", m.plugin or "kubernetes.io~projected", m.volume)


def write_files(mounts: Iterable[Mount], pod_dir: str) -> None:
    """Bring every payload volume's directory up to date (unchanged ones are not written)."""
    done = set()
    for m in mounts:
        if m.files is not None and m.volume not in done:
            done.add(m.volume)
            write_payload(payload_dir(pod_dir, m), {p: (data, mode) for p, data, mode in m.files})


def _pin(pod_dir: str, m: Mount, path: str) -> str:
    """A subPath of a payload volume as the container got it: a hard link under
    `<pod dir>/volume-subpaths/<volume>/` that outlives the writer's next version."""
    pinned = os.path.join(pod_dir, "volume-subpaths", m.volume,
                          m.container_path.strip("/").replace("/", "~") or "root")
    os.makedirs(os.path.dirname(pinned), exist_ok=True)
    if os.path.lexists(pinned):
        os.unlink(pinned)
    if os.path.isdir(path):
        os.symlink(path, pinned)
        return path
    os.link(path, pinned)
    return pinned


def binds(mounts: Iterable[Mount], pod_dir: str) -> list[Bind]:
    """The mounts as host directories (made to exist; emptyDirs world-writable as upstream)."""
    out = []
    mounts = list(mounts)
    write_files(mounts, pod_dir)
    for m in mounts:
        if m.files is not None:
            source = payload_dir(pod_dir, m)
            if m.sub_path:
                source = _pin(pod_dir, m, os.path.realpath(os.path.join(source, m.sub_path)))
            out.append(Bind(source, m.container_path, True))  # read-only, as upstream
            continue
        source = m.source or empty_dir(pod_dir, m.volume)
        if m.sub_path:
            source = os.path.join(source, m.sub_path)
        os.makedirs(source, mode=0o777, exist_ok=True)
        if not m.source:
            os.chmod(source, 0o777)
        out.append(Bind(source, m.container_path, m.read_only))
    return out
