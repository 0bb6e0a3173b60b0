"""The kubelet's volume manager, for the volume types kubenb mounts: emptyDir, hostPath and
persistentVolumeClaim (whose bound volume is a hostPath or local volume).

`container_mounts(store, pod, container)` turns the container's volumeMounts into runtime
`Mount`s: a hostPath's own path (created first for `DirectoryOrCreate`), a claim's volume
path, or an emptyDir the runtime keeps with the pod. A mount whose volume is not in the pod,
a claim that is missing or not bound, or a hostPath of type Directory that does not exist
raise MountError with the kubelet's words (the pod stays ContainerCreating: FailedMount).
Other volume types (configMap, secret, projected, …) are not mounted. Used by podworker.py.
"""

from __future__ import annotations

import os
from typing import Any

from kubenb.api.store import Store
from kubenb.node.runtime.base import Mount


class MountError(Exception):
    """FailedMount: the message is the event's."""


def _claim_path(store: Store, namespace: str, claim: str) -> str:
    pvc = store.try_get("PersistentVolumeClaim", namespace, claim)
    if pvc is None:
        raise MountError(f'persistentvolumeclaim "{claim}" not found')
    name = (pvc.get("spec") or {}).get("volumeName") or ""
    if (pvc.get("status") or {}).get("phase") != "Bound" or not name:
        raise MountError(f'PVC {namespace}/{claim} has non-bound phase ("Pending") or empty pvc.Spec.VolumeName ("")')
    pv = store.try_get("PersistentVolume", None, name)
    spec = (pv or {}).get("spec") or {}
    source = spec.get("hostPath") or spec.get("local")
    if not isinstance(source, dict) or not source.get("path"):
        raise MountError(f'volume "{name}" has no host path kubenb can mount')
    return str(source["path"])


def _host_path(volume: dict[str, Any]) -> str:
    hp = volume["hostPath"]
    path, kind = str(hp.get("path") or ""), hp.get("type") or ""
    if kind == "DirectoryOrCreate":
        os.makedirs(path, mode=0o755, exist_ok=True)
    elif kind == "Directory" and not os.path.isdir(path):
        raise MountError(f"hostPath type check failed: {path} is not a directory")
    return path


def container_mounts(store: Store, pod: dict[str, Any], container: dict[str, Any]) -> tuple[Mount, ...]:
    volumes = {v.get("name"): v for v in (pod.get("spec") or {}).get("volumes") or [] if isinstance(v, dict)}
    namespace = pod["metadata"].get("namespace") or "default"
    mounts: list[Mount] = []
    for vm in container.get("volumeMounts") or []:
        volume = volumes.get(vm.get("name"))
        if volume is None:
            continue  # validation refuses this; an unknown volume has nothing to mount
        ro, sub = bool(vm.get("readOnly")), vm.get("subPath") or ""
        target = vm.get("mountPath") or ""
        if isinstance(volume.get("emptyDir"), dict):
            mounts.append(Mount(volume["name"], target, "", ro, sub))
            continue
        try:
            if isinstance(volume.get("hostPath"), dict):
                mounts.append(Mount(volume["name"], target, _host_path(volume), ro, sub))
            elif isinstance(volume.get("persistentVolumeClaim"), dict):
                pvc = volume["persistentVolumeClaim"]
                path = _claim_path(store, namespace, pvc.get("claimName") or "")
                mounts.append(Mount(volume["name"], target, path, ro or bool(pvc.get("readOnly")), sub))
        except (MountError, OSError) as err:
            raise MountError(f'MountVolume.SetUp failed for volume "{volume["name"]}" : {err}') from None
    return tuple(mounts)
