"""The kubelet's volume manager, for the volume types kubenb mounts: emptyDir, hostPath,
persistentVolumeClaim (whose bound volume is a hostPath or local volume), ephemeral (the
claim `<pod>-<volume>`, mounted as a persistentVolumeClaim once it is bound, refused with
upstream's `PVC … was not created for pod …` when the pod does not own it), and the volumes
whose files the kubelet writes — configMap, secret, downwardAPI, projected
(kubelet_projection.py computes their files; the runtime writes them atomically).

`container_mounts(store, pod, container)` turns the container's volumeMounts into runtime
`Mount`s: a hostPath's own path (created first for `DirectoryOrCreate`), a claim's volume
path, or an emptyDir the runtime keeps with the pod. A mount whose volume is not in the pod,
a claim that is missing or not bound, or a hostPath of type Directory that does not exist
raise MountError with the kubelet's words (the pod stays ContainerCreating: FailedMount).
A missing ConfigMap/Secret or key does the same. Other volume types are not mounted.
`pod_mounts(store, pod)` is every payload volume once (the periodic refresh of their files).
Used by podworker.py.
"""

from __future__ import annotations

import os
from typing import Any

from kubenb.api.ephemeral import volume_claim_name, volume_is_for_pod
from kubenb.api.store import Store
from kubenb.node.kubelet_projection import MountError, plugin_of, volume_files
from kubenb.node.runtime.base import Mount

__all__ = ["MountError", "container_mounts", "pod_mounts"]


def _payload_mount(store: Store, pod: dict[str, Any], volume: dict[str, Any], container: str,
                   target: str, sub: str) -> Mount | None:
    try:
        files = volume_files(store, pod, volume, container)
    except MountError as err:
        raise MountError(f'MountVolume.SetUp failed for volume "{volume["name"]}" : {err}') from None
    if files is None:
        return None
    return Mount(volume["name"], target, "", True, sub,
                 tuple((p, data, mode) for p, (data, mode) in sorted(files.items())), plugin_of(volume))


def pod_mounts(store: Store, pod: dict[str, Any]) -> tuple[Mount, ...]:
    """Each payload volume of the pod that a container mounts, with its current files."""
    spec = pod.get("spec") or {}
    used = {(vm.get("name"), c.get("name")) for c in (spec.get("initContainers") or []) + (spec.get("containers") or [])
            for vm in c.get("volumeMounts") or []}
    out: list[Mount] = []
    seen: set[str] = set()
    for v in spec.get("volumes") or []:
        container = next((c for name, c in used if name == v.get("name")), None)
        if not isinstance(v, dict) or container is None or v["name"] in seen:
            continue
        mount = _payload_mount(store, pod, v, container or "", "", "")
        if mount is not None:
            seen.add(v["name"])
            out.append(mount)
    return tuple(out)


def _claim_path(store: Store, pod: dict[str, Any], claim: str, ephemeral: bool) -> str:
    namespace = pod["metadata"].get("namespace") or "default"
    pvc = store.try_get("PersistentVolumeClaim", namespace, claim)
    if pvc is None:
        raise MountError(f'persistentvolumeclaim "{claim}" not found')
    not_ours = volume_is_for_pod(pod, pvc) if ephemeral else None
    if not_ours:
        raise MountError(not_ours)
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


def container_mounts(store: Store, pod: dict[str, Any], container: dict[str, Any], *,
                     payloads: bool = True) -> tuple[Mount, ...]:
    """The container's volumeMounts as Mounts (`payloads`: configMap … volumes too)."""
    volumes = {v.get("name"): v for v in (pod.get("spec") or {}).get("volumes") or [] if isinstance(v, dict)}
    mounts: list[Mount] = []
    for vm in container.get("volumeMounts") or []:
        volume = volumes.get(vm.get("name"))
        if volume is None:
            continue  # validation refuses this; an unknown volume has nothing to mount
        ro, sub = bool(vm.get("readOnly")), vm.get("subPath") or ""
        target = vm.get("mountPath") or ""
        payload = _payload_mount(store, pod, volume, container.get("name") or "", target, sub) \
            if payloads else None
        if payload is not None:
            mounts.append(payload)
            continue
        if isinstance(volume.get("emptyDir"), dict):
            mounts.append(Mount(volume["name"], target, "", ro, sub))
            continue
        try:
            if isinstance(volume.get("hostPath"), dict):
                mounts.append(Mount(volume["name"], target, _host_path(volume), ro, sub))
            elif isinstance(volume.get("persistentVolumeClaim"), dict):
                pvc = volume["persistentVolumeClaim"]
                path = _claim_path(store, pod, pvc.get("claimName") or "", False)
                mounts.append(Mount(volume["name"], target, path, ro or bool(pvc.get("readOnly")), sub))
            elif isinstance(volume.get("ephemeral"), dict):  # its claim, made for this pod
                path = _claim_path(store, pod, volume_claim_name(pod, volume), True)
                mounts.append(Mount(volume["name"], target, path, ro, sub))
        except (MountError, OSError) as err:
            raise MountError(f'MountVolume.SetUp failed for volume "{volume["name"]}" : {err}') from None
    return tuple(mounts)
