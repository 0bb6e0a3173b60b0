"""Multi-line blocks shared by many describers: labels, annotations, taints, tolerations.

Each function writes into a `DescribeWriter` exactly what kubectl's helper of the same
purpose writes (`printLabelsMultiline`, `printAnnotationsMultiline`,
`printNodeTaintsMultiline`, `printPodTolerationsMultiline`, `describeResources`,
`printController`). Fed into the per-kind describers of this package.
"""

from __future__ import annotations

from typing import Any

from kubenb.cli.kubectl.describe.writer import DescribeWriter, quantity_text, resource_names

#: Annotations kubectl never shows.
SKIPPED_ANNOTATIONS = frozenset({"kubectl.kubernetes.io/last-applied-configuration"})
MAX_ANNOTATION_LEN = 140


def labels_multiline(
    w: DescribeWriter, title: str, labels: dict[str, str] | None,
    initial_indent: str = "", inner_indent: str = "\t",
) -> None:
    """`Labels:\\tk=v`, one more `\\tk=v` line per further label (sorted), or `<none>`."""
    w.write(0, f"{initial_indent}{title}:{inner_indent}")
    if not labels:
        w.line("<none>")
        return
    for i, key in enumerate(sorted(labels)):
        if i:
            w.write(0, initial_indent)
            w.write(0, inner_indent)
        w.write(0, f"{key}={labels[key]}\n")


def labels_and_annotations(w: DescribeWriter, metadata: dict[str, Any]) -> None:
    """The object's `Labels:` then `Annotations:` blocks, as most describers print them."""
    labels_multiline(w, "Labels", metadata.get("labels"))
    annotations_multiline(w, "Annotations", metadata.get("annotations"))


def annotations_multiline(w: DescribeWriter, title: str, annotations: dict[str, str] | None) -> None:
    """Annotations as `key: value` lines; long or multi-line values go on their own lines."""
    w.write(0, f"{title}:\t")
    keys = sorted(k for k in (annotations or {}) if k not in SKIPPED_ANNOTATIONS)
    if not keys:
        w.line("<none>")
        return
    assert annotations is not None
    for i, key in enumerate(keys):
        if i:
            w.write(0, "\t")
        value = annotations[key]
        if value.endswith("\n"):
            value = value[:-1]
        # Go measures bytes here.
        if len(value.encode()) + len(key.encode()) + 2 > MAX_ANNOTATION_LEN or "\n" in value:
            w.write(0, f"{key}:\n")
            for part in value.split("\n"):
                w.write(0, f"\t  {_shorten_bytes(part, MAX_ANNOTATION_LEN - 2)}\n")
        else:
            w.write(0, f"{key}: {value}\n")


def _shorten_bytes(text: str, max_length: int) -> str:
    raw = text.encode()
    if len(raw) > max_length:
        return raw[:max_length].decode(errors="replace") + "..."
    return text


def taint_string(taint: dict[str, Any]) -> str:
    """`Taint.ToString()`: `key=value:Effect`, `key:Effect`, `key=value:` or `key`."""
    key, value, effect = taint.get("key", ""), taint.get("value", ""), taint.get("effect", "")
    if not effect:
        return f"{key}={value}:" if value else key
    return f"{key}={value}:{effect}" if value else f"{key}:{effect}"


def taints_multiline(w: DescribeWriter, title: str, taints: list[dict[str, Any]] | None) -> None:
    """`Taints:\\t<none>` or one taint per line, sorted by `effect,key`."""
    w.write(0, f"{title}:\t")
    if not taints:
        w.line("<none>")
        return
    ordered = sorted(taints, key=lambda t: f"{t.get('effect', '')},{t.get('key', '')}")
    for i, taint in enumerate(ordered):
        if i:
            w.write(0, "")
            w.write(0, "\t")
        w.write(0, taint_string(taint) + "\n")


def toleration_string(tol: dict[str, Any]) -> str:
    """One toleration as kubectl prints it: `key=value:Effect op=Exists for 300s`."""
    key, value, effect = tol.get("key", ""), tol.get("value", ""), tol.get("effect", "")
    text = key
    if value:
        text += f"={value}"
    if effect:
        text += f":{effect}"
    if tol.get("operator") == "Exists" and not value:
        text += " op=Exists" if key or effect else "op=Exists"
    if tol.get("tolerationSeconds") is not None:
        text += f" for {tol['tolerationSeconds']}s"
    return text


def tolerations_multiline(
    w: DescribeWriter, title: str, tolerations: list[dict[str, Any]] | None,
) -> None:
    """`Tolerations:\\t<none>` or one per line, sorted by key (stable, as Go's small sorts)."""
    w.write(0, f"{title}:\t")
    if not tolerations:
        w.line("<none>")
        return
    for i, tol in enumerate(sorted(tolerations, key=lambda t: t.get("key", ""))):
        if i:
            w.write(0, "")
            w.write(0, "\t")
        w.write(0, toleration_string(tol) + "\n")


def write_resources(w: DescribeWriter, resources: dict[str, Any] | None, level: int) -> None:
    """`Limits:` and `Requests:` blocks, each resource `name:\\tquantity`, sorted."""
    if resources is None:
        return
    for title, key in (("Limits", "limits"), ("Requests", "requests")):
        values = resources.get(key) or {}
        if values:
            w.write(level, f"{title}:\n")
        for name in resource_names(values):
            w.write(level + 1, f"{name}:\t{quantity_text(values[name])}\n")


def controller_of(obj: dict[str, Any]) -> dict[str, Any] | None:
    """`metav1.GetControllerOf`: the ownerReference with `controller: true`."""
    for ref in (obj.get("metadata") or {}).get("ownerReferences") or []:
        if ref.get("controller"):
            return ref
    return None


def controlled_by(w: DescribeWriter, obj: dict[str, Any]) -> None:
    """`Controlled By:\\tKind/name` when the object has a controller."""
    ref = controller_of(obj)
    if ref is not None:
        w.write(0, f"Controlled By:\t{ref.get('kind', '')}/{ref.get('name', '')}\n")
