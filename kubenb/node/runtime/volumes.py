"""Where a runtime finds the directories behind a container's mounts (shared by the process
and docker runtimes).

A `Mount` (base.py) with a `source` is a host directory the kubelet resolved (hostPath, a
claim's volume); one without is an emptyDir, kept at
`<pod dir>/volumes/kubernetes.io~empty-dir/<volume>` (the kubelet's own layout) so that the
pod's containers share it and it goes when the pod's directory is removed. A `subPath` is a
directory below the source, made on first use.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass

from kubenb.node.runtime.base import Mount


@dataclass(frozen=True)
class Bind:
    source: str  # a directory on this machine
    target: str  # the mountPath
    read_only: bool


def empty_dir(pod_dir: str, volume: str) -> str:
    return os.path.join(pod_dir, "volumes", "kubernetes.io~empty-dir", volume)


def binds(mounts: Iterable[Mount], pod_dir: str) -> list[Bind]:
    """The mounts as host directories (made to exist; emptyDirs world-writable as upstream)."""
    out = []
    for m in mounts:
        source = m.source or empty_dir(pod_dir, m.volume)
        if m.sub_path:
            source = os.path.join(source, m.sub_path)
        os.makedirs(source, mode=0o777, exist_ok=True)
        if not m.source:
            os.chmod(source, 0o777)
        out.append(Bind(source, m.container_path, m.read_only))
    return out
