"""What `kubectl apply --server-side` does after its apply when the object was client-side applied.

With kubectl's default manager (`kubectl`), an object that carries the last-applied annotation:
1. keeps the annotation owned by an applier — if no Apply entry owns it, kubectl applies the
   annotation alone as `kubectl-last-applied` (saveLastApplyAnnotationIfNecessary);
2. hands the fields of the `Update` entries owning that annotation (the client-side appliers)
   to its own Apply entry: a JSON patch replacing `metadata.managedFields`, guarded by a test of
   the resourceVersion (client-go's csaupgrade), and then sends the apply patch again so that
   fields the configuration no longer names go.
Reads and writes only through the client.
"""

from __future__ import annotations

from typing import Any

from kubenb.api import fieldset
from kubenb.api.errors import ApiError
from kubenb.cli.kubectl.app import Ctx, writing_as
from kubenb.cli.kubectl.manifests import LAST_APPLIED, Manifest

LAST_APPLIED_MANAGER = "kubectl-last-applied"
SSA_MANAGER = "kubectl"
_ANNOTATION_PATH = ("f:metadata", "f:annotations", "f:" + LAST_APPLIED)


def _owns_annotation(entry: dict[str, Any]) -> bool:
    node: Any = entry.get("fieldsV1") or {}
    for el in _ANNOTATION_PATH:
        if not isinstance(node, dict) or el not in node:
            return False
        node = node[el]
    return True


def _owners(obj: dict[str, Any], operation: str) -> list[dict[str, Any]]:
    return [e for e in obj["metadata"].get("managedFields") or []
            if e.get("operation") == operation and _owns_annotation(e)]


def after_apply(ctx: Ctx, m: Manifest, obj: dict[str, Any], dry: bool) -> dict[str, Any]:
    """The object once kubectl's take-over from client-side apply is done (errors: warnings
    kubectl prints, as it does)."""
    if ctx.client.field_manager != SSA_MANAGER or dry:  # type: ignore[attr-defined]
        return obj
    annotations = obj["metadata"].get("annotations") or {}
    if LAST_APPLIED not in annotations:
        return obj
    try:
        if not _owners(obj, "Apply"):
            note = {"apiVersion": obj["apiVersion"], "kind": obj["kind"],
                    "metadata": {"name": m.name, "annotations": {
                        LAST_APPLIED: annotations[LAST_APPLIED]}}}
            if obj["metadata"].get("namespace"):
                note["metadata"]["namespace"] = obj["metadata"]["namespace"]
            with writing_as(ctx.client, LAST_APPLIED_MANAGER, False):
                obj = ctx.client.patch(m.rt.kind, m.namespace, m.name, note, "apply")
    except ApiError as err:
        ctx.err.write(f"Warning: failed to migrate kubectl.kubernetes.io/last-applied-"
                      f"configuration for Server-Side Apply. This is non-fatal and will be "
                      f"retried next time you apply. Error: {err.message}\n")
        return obj
    csa = {e["manager"] for e in _owners(obj, "Update")}
    entries = obj["metadata"].get("managedFields") or []
    for name in sorted(csa):
        entries = upgraded(entries, name, SSA_MANAGER)
    if not csa or entries == obj["metadata"].get("managedFields"):
        return obj
    patch = [{"op": "replace", "path": "/metadata/managedFields", "value": entries},
             {"op": "test", "path": "/metadata/resourceVersion",
              "value": obj["metadata"]["resourceVersion"]}]
    try:
        ctx.client.patch(m.rt.kind, m.namespace, m.name, patch, "json")
        return ctx.client.patch(m.rt.kind, m.namespace, m.name, m.obj, "apply")
    except ApiError as err:
        ctx.err.write(f"Warning: failed to migrate managed fields from Client-Side Apply to "
                      f"Server-Side Apply. This is non-fatal and will be retried next time "
                      f"you apply. Error: {err.message}\n")
        return obj


def upgraded(entries: list[dict[str, Any]], csa: str, ssa: str) -> list[dict[str, Any]]:
    """client-go's csaupgrade: the `csa` Update entries folded into the `ssa` Apply entry
    (the newest `csa` entry becomes it when there is none)."""
    out = [dict(e) for e in entries]

    def first(pred: Any) -> int:
        return next((i for i, e in enumerate(out) if pred(e)), -1)

    def is_csa(e: dict[str, Any]) -> bool:
        return (e.get("manager") == csa and e.get("operation") == "Update"
                and not e.get("subresource"))

    target = first(lambda e: e.get("manager") == ssa and e.get("operation") == "Apply"
                   and not e.get("subresource"))
    if target < 0:
        target = first(is_csa)
        if target < 0:
            return entries
        out[target].update(operation="Apply", manager=ssa)
    version = out[target].get("apiVersion")
    source = first(lambda e: is_csa(e) and e.get("apiVersion") == version)
    fields = fieldset.decode(out[target].get("fieldsV1") or {})
    if source >= 0:
        fields = fieldset.union(fields, fieldset.decode(out[source].get("fieldsV1") or {}))
    out[target]["fieldsV1"] = fieldset.encode(fields)
    return [e for e in out if not is_csa(e)]
