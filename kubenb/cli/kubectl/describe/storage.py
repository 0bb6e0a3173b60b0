"""`kubectl describe persistentvolume` and `kubectl describe storageclass` (describe.go).

describePersistentVolume: name, labels, annotations, finalizers, class, phase (Terminating
while deleted), claim, reclaim policy, access modes, volume mode, capacity, node affinity,
message, the volume source (hostPath, local, nfs, csi) and events. describeStorageClass:
name, whether it is the default class, annotations and parameters as `k=v,…`, the
expansion flag, mount options, reclaim policy, binding mode and events. Fed by the CLI's
describe command.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kubenb.api.storage import is_default_class, volume_class
from kubenb.api.tables.duration import age
from kubenb.api.tables.model import format_labels
from kubenb.api.tables.rows_stateful import access_modes_string
from kubenb.cli.kubectl.describe.common import labels_and_annotations
from kubenb.cli.kubectl.describe.events import write_events_if_shown
from kubenb.cli.kubectl.describe.volumes import write_shared_source
from kubenb.cli.kubectl.describe.writer import DEFAULT_KUBECTL_MINOR, DescribeWriter, meta

Obj = dict[str, Any]


def _source(w: DescribeWriter, spec: Obj, minor: int) -> None:
    for key in ("hostPath", "nfs"):
        if isinstance(spec.get(key), dict) and write_shared_source(w, key, spec[key], minor):
            return
    if isinstance(spec.get("local"), dict):
        w.write(2, "Type:\tLocalVolume (a persistent volume backed by local storage on a node)\n"
                   f"    Path:\t{spec['local'].get('path', '')}\n")
    elif isinstance(spec.get("csi"), dict):
        csi = spec["csi"]
        w.write(2, "Type:\tCSI (a Container Storage Interface (CSI) volume source)\n"
                   f"    Driver:\t{csi.get('driver', '')}\n"
                   f"    FSType:\t{csi.get('fsType', '')}\n"
                   f"    VolumeHandle:\t{csi.get('volumeHandle', '')}\n"
                   f"    ReadOnly:\t{'true' if csi.get('readOnly') else 'false'}\n")
        attrs = csi.get("volumeAttributes") or {}
        w.write(2, f"    VolumeAttributes:\t{'<none>' if not attrs else ''}\n")
        for k in sorted(attrs):
            w.write(2, f"    \t{k}={attrs[k]}\n")


def describe_pv(pv: Obj, events: list[Obj] | None, now: datetime, *,
                kubectl_minor: int = DEFAULT_KUBECTL_MINOR) -> str:
    m, spec, status = meta(pv), pv.get("spec") or {}, pv.get("status") or {}
    w = DescribeWriter()
    w.write(0, f"Name:\t{m.get('name', '')}\n")
    labels_and_annotations(w, m)
    w.write(0, f"Finalizers:\t[{' '.join(m.get('finalizers') or [])}]\n")
    w.write(0, f"StorageClass:\t{volume_class(pv)}\n")
    if spec.get("volumeAttributesClassName") is not None:
        w.write(0, f"VolumeAttributesClass:\t{spec['volumeAttributesClassName']}\n")
    if m.get("deletionTimestamp"):
        w.write(0, f"Status:\tTerminating (lasts {age(m['deletionTimestamp'], now)})\n")
    else:
        w.write(0, f"Status:\t{status.get('phase', '')}\n")
    ref = spec.get("claimRef")
    claim = f"{ref.get('namespace', '')}/{ref.get('name', '')}" if isinstance(ref, dict) else ""
    w.write(0, f"Claim:\t{claim}\n")
    w.write(0, f"Reclaim Policy:\t{spec.get('persistentVolumeReclaimPolicy', '')}\n")
    w.write(0, f"Access Modes:\t{access_modes_string(spec.get('accessModes'))}\n")
    if spec.get("volumeMode") is not None:
        w.write(0, f"VolumeMode:\t{spec['volumeMode']}\n")
    w.write(0, f"Capacity:\t{(spec.get('capacity') or {}).get('storage', '0')}\n")
    if not ((spec.get("nodeAffinity") or {}).get("required")):
        w.write(0, "Node Affinity:\t<none>\n")
    else:
        w.write(0, "Node Affinity:\t\n")
        w.write(1, "Required Terms:\t\n")
        terms = spec["nodeAffinity"]["required"].get("nodeSelectorTerms") or []
        for i, term in enumerate(terms):
            exprs = [f"{e.get('key', '')} {e.get('operator', '').lower()} [{', '.join(e.get('values') or [])}]"
                     for e in term.get("matchExpressions") or []]
            w.write(2, f"Term {i}:\t{', '.join(exprs)}\n")
    w.write(0, f"Message:\t{status.get('message', '')}\n")
    w.write(0, "Source:\n")
    _source(w, spec, kubectl_minor)
    write_events_if_shown(w, events, now, kubectl_minor)
    return w.render()


def describe_storage_class(sc: Obj, events: list[Obj] | None, now: datetime, *,
                           kubectl_minor: int = DEFAULT_KUBECTL_MINOR) -> str:
    m = meta(sc)
    w = DescribeWriter()
    w.write(0, f"Name:\t{m.get('name', '')}\n")
    w.write(0, f"IsDefaultClass:\t{'Yes' if is_default_class(sc) else 'No'}\n")
    w.write(0, f"Annotations:\t{format_labels(m.get('annotations'))}\n")
    w.write(0, f"Provisioner:\t{sc.get('provisioner', '')}\n")
    w.write(0, f"Parameters:\t{format_labels(sc.get('parameters'))}\n")
    expand = sc.get("allowVolumeExpansion")
    w.write(0, f"AllowVolumeExpansion:\t{'<unset>' if expand is None else str(bool(expand))}\n")
    options = sc.get("mountOptions") or []
    if not options:
        w.write(0, "MountOptions:\t<none>\n")
    else:
        w.write(0, "MountOptions:\n")
        for option in options:
            w.write(1, f"{option}\n")
    if sc.get("reclaimPolicy") is not None:
        w.write(0, f"ReclaimPolicy:\t{sc['reclaimPolicy']}\n")
    if sc.get("volumeBindingMode") is not None:
        w.write(0, f"VolumeBindingMode:\t{sc['volumeBindingMode']}\n")
    write_events_if_shown(w, events, now, kubectl_minor)
    return w.render()
