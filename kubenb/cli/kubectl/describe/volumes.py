"""The `Volumes:` block of pods and pod templates (kubectl `describeVolumes`).

One entry per volume: `name:` then `Type:` and the fields of its source. Sources a
learner meets are covered (HostPath, EmptyDir, Secret, ConfigMap, Projected — the
`kube-api-access-*` token volume —, PersistentVolumeClaim, Ephemeral, DownwardAPI, NFS,
CSI, Image); any other source prints `<unknown>`, which is also what kubectl does for a
source it does not know. Fed into `pod.py` (pods and pod templates).
"""

from __future__ import annotations

from typing import Any

from kubenb.api.quantity import parse_quantity
from kubenb.cli.kubectl.describe.common import annotations_multiline, labels_multiline
from kubenb.cli.kubectl.describe.writer import DescribeWriter, go_bool, quantity_text


def _optional(source: dict[str, Any]) -> str:
    return go_bool(source.get("optional") is True)


def _go_ptr_bool(source: dict[str, Any]) -> str:
    """Go `%v` of a `*bool` (kubectl < 1.33 printed the pointer): `<nil>` when unset."""
    return "<nil>" if source.get("optional") is None else "0xc000000000"


def _positive(value: Any) -> bool:
    try:
        return parse_quantity(value) > 0
    except (ValueError, TypeError):
        return False


def _host_path(w: DescribeWriter, src: dict[str, Any], minor: int) -> None:
    w.write(2, "Type:\tHostPath (bare host directory volume)\n"
               f"    Path:\t{src.get('path', '')}\n"
               f"    HostPathType:\t{src.get('type') if src.get('type') is not None else '<none>'}\n")


def _empty_dir(w: DescribeWriter, src: dict[str, Any], minor: int) -> None:
    size = src.get("sizeLimit")
    size_text = quantity_text(size) if size is not None and _positive(size) else "<unset>"
    w.write(2, "Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n"
               f"    Medium:\t{src.get('medium', '')}\n"
               f"    SizeLimit:\t{size_text}\n")


def _secret(w: DescribeWriter, src: dict[str, Any], minor: int) -> None:
    w.write(2, "Type:\tSecret (a volume populated by a Secret)\n"
               f"    SecretName:\t{src.get('secretName', '')}\n"
               f"    Optional:\t{_optional(src)}\n")


def _config_map(w: DescribeWriter, src: dict[str, Any], minor: int) -> None:
    w.write(2, "Type:\tConfigMap (a volume populated by a ConfigMap)\n"
               f"    Name:\t{src.get('name', '')}\n"
               f"    Optional:\t{_optional(src)}\n")


def _projected(w: DescribeWriter, src: dict[str, Any], minor: int) -> None:
    w.write(2, "Type:\tProjected (a volume that contains injected data from multiple sources)\n")
    for source in src.get("sources") or []:
        if source.get("secret") is not None:
            sec = source["secret"]
            if minor >= 33:
                w.write(2, f"SecretName:\t{sec.get('name', '')}\n    Optional:\t{_optional(sec)}\n")
            else:
                w.write(2, f"SecretName:\t{sec.get('name', '')}\n"
                           f"    SecretOptionalName:\t{_go_ptr_bool(sec)}\n")
        elif source.get("downwardAPI") is not None:
            w.write(2, "DownwardAPI:\ttrue\n")
        elif source.get("configMap") is not None:
            cm = source["configMap"]
            if minor >= 33:
                w.write(2, f"ConfigMapName:\t{cm.get('name', '')}\n    Optional:\t{_optional(cm)}\n")
            else:
                w.write(2, f"ConfigMapName:\t{cm.get('name', '')}\n"
                           f"    ConfigMapOptional:\t{_go_ptr_bool(cm)}\n")
        elif source.get("serviceAccountToken") is not None:
            w.write(2, f"TokenExpirationSeconds:\t{source['serviceAccountToken'].get('expirationSeconds', 0)}\n")


def _nfs(w: DescribeWriter, src: dict[str, Any], minor: int) -> None:
    w.write(2, "Type:\tNFS (an NFS mount that lasts the lifetime of a pod)\n"
               f"    Server:\t{src.get('server', '')}\n"
               f"    Path:\t{src.get('path', '')}\n"
               f"    ReadOnly:\t{go_bool(src.get('readOnly'))}\n")


def _pvc(w: DescribeWriter, src: dict[str, Any], minor: int) -> None:
    w.write(2, "Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)\n"
               f"    ClaimName:\t{src.get('claimName', '')}\n"
               f"    ReadOnly:\t{go_bool(src.get('readOnly'))}\n")


def _claim_template(w: DescribeWriter, template: dict[str, Any]) -> None:
    """`printPersistentVolumeClaim(..., isFullPVC=false)` for an ephemeral volume's template."""
    spec = template.get("spec") or {}
    tmeta = template.get("metadata") or {}
    annotations = tmeta.get("annotations") or {}
    if "volume.beta.kubernetes.io/storage-class" in annotations:
        storage_class = annotations["volume.beta.kubernetes.io/storage-class"]
    else:
        storage_class = spec.get("storageClassName") or ""
    w.write(0, f"StorageClass:\t{storage_class}\n")
    w.write(0, f"Volume:\t{spec.get('volumeName', '')}\n")
    labels_multiline(w, "Labels", tmeta.get("labels"))
    annotations_multiline(w, "Annotations", tmeta.get("annotations"))
    w.write(0, "Capacity:\t\n")
    w.write(0, "Access Modes:\t\n")
    if spec.get("volumeMode") is not None:
        w.write(0, f"VolumeMode:\t{spec['volumeMode']}\n")
    source = spec.get("dataSource")
    if source is not None:
        w.write(0, "DataSource:\n")
        if source.get("apiGroup") is not None:
            w.write(1, f"APIGroup:\t{source['apiGroup']}\n")
        w.write(1, f"Kind:\t{source.get('kind', '')}\n")
        w.write(1, f"Name:\t{source.get('name', '')}\n")


def _ephemeral(w: DescribeWriter, src: dict[str, Any], minor: int) -> None:
    w.write(2, "Type:\tEphemeralVolume (an inline specification for a volume that gets created "
               "and deleted with the pod)\n")
    if src.get("volumeClaimTemplate") is not None:
        _claim_template(w.nested(2), src["volumeClaimTemplate"])


def _downward_api(w: DescribeWriter, src: dict[str, Any], minor: int) -> None:
    w.write(2, "Type:\tDownwardAPI (a volume populated by information about the pod)\n    Items:\n")
    for item in src.get("items") or []:
        if item.get("fieldRef") is not None:
            w.write(3, f"{item['fieldRef'].get('fieldPath', '')} -> {item.get('path', '')}\n")
        if item.get("resourceFieldRef") is not None:
            w.write(3, f"{item['resourceFieldRef'].get('resource', '')} -> {item.get('path', '')}\n")


def _csi(w: DescribeWriter, src: dict[str, Any], minor: int) -> None:
    w.write(2, "Type:\tCSI (a Container Storage Interface (CSI) volume source)\n"
               f"    Driver:\t{src.get('driver', '')}\n"
               f"    FSType:\t{src.get('fsType') or ''}\n"
               f"    ReadOnly:\t{go_bool(src.get('readOnly') is True)}\n")
    attributes = src.get("volumeAttributes") or {}
    w.write(2, "VolumeAttributes:\t")
    if not attributes:
        w.line("<none>")
        return
    for i, key in enumerate(sorted(attributes)):
        if i:
            w.write(2, "")
            w.write(2, "\t")
        text = f"{key}={attributes[key]}"
        w.write(2, f"{text[:140]}...\n" if len(text) > 140 else f"{text}\n")


def _image(w: DescribeWriter, src: dict[str, Any], minor: int) -> None:
    w.write(2, "Type:\tImage (a container image or OCI artifact)\n"
               f"    Reference:\t{src.get('reference', '')}\n"
               f"    PullPolicy:\t{src.get('pullPolicy', '')}\n")


# kubectl's switch order (the first source present wins).
_SOURCES = (
    ("hostPath", _host_path), ("emptyDir", _empty_dir), ("secret", _secret),
    ("configMap", _config_map), ("nfs", _nfs), ("persistentVolumeClaim", _pvc),
    ("ephemeral", _ephemeral), ("downwardAPI", _downward_api), ("projected", _projected),
    ("csi", _csi), ("image", _image),
)


def write_shared_source(w: DescribeWriter, key: str, src: dict[str, Any], minor: int) -> bool:
    """The sources pods and PersistentVolumes print alike (hostPath, nfs); False: not one."""
    printer = {"hostPath": _host_path, "nfs": _nfs}.get(key)
    if printer is None:
        return False
    printer(w, src, minor)
    return True


def write_volumes(w: DescribeWriter, volumes: list[dict[str, Any]] | None, space: str, minor: int) -> None:
    """`Volumes:\\t<none>` or the `Volumes:` block (`space` is the pod-template indent)."""
    if not volumes:
        w.write(0, f"{space}Volumes:\t<none>\n")
        return
    w.write(0, f"{space}Volumes:\n")
    name_indent = " " if space else ""
    for volume in volumes:
        w.write(1, f"{name_indent}{volume.get('name', '')}:\n")
        for key, printer in _SOURCES:
            if volume.get(key) is not None:
                printer(w, volume[key], minor)
                break
        else:
            w.write(1, "<unknown>\n")
