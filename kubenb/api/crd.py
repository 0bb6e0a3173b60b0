"""CustomResourceDefinition (apiextensions.k8s.io/v1): defaults, validation, conditions.

Defaults follow apiextensions v1 SetDefaults (singular and listKind from kind, conversion
strategy None); validation follows apiextensions validation.go (name must be
plural.group, exactly one storage version, scope, names as DNS-1035 labels, a structural
schema per version) in upstream's words. `accepted_names` and `status_conditions` are the
naming and establishing controllers' verdicts (controllers/crd.py writes them).
Serving a CRD's kind is crd_registry.py; its objects' schemas are crd_schema.py.
"""

from __future__ import annotations

from typing import Any

from kubenb.api import names
from kubenb.api.crd_schema import validate_schema_definition
from kubenb.api.errors import ErrorList, FieldError, GoText
from kubenb.api.objects import Obj
from kubenb.api.validation_meta import (
    as_dict,
    as_list,
    name_is_dns_subdomain,
    validate_immutable,
    validate_object_meta,
    validate_object_meta_update,
)

GROUP = "apiextensions.k8s.io"


def default_crd(crd: Obj) -> None:
    spec = crd.get("spec")
    if not isinstance(spec, dict):
        return
    nm = spec.get("names")
    if isinstance(nm, dict) and nm.get("kind"):
        nm.setdefault("singular", str(nm["kind"]).lower())
        nm.setdefault("listKind", f"{nm['kind']}List")
    if not isinstance(spec.get("conversion"), dict):
        spec["conversion"] = {"strategy": "None"}


def storage_version(crd: Obj) -> str | None:
    for v in as_list(as_dict(crd.get("spec")).get("versions")):
        if as_dict(v).get("storage"):
            return str(v.get("name", ""))
    return None


def prepare_status(crd: Obj, old: Obj | None) -> None:
    """The strategy's PrepareForCreate/Update: status.storedVersions gains the storage version."""
    status = crd.get("status") if isinstance(crd.get("status"), dict) else {}
    if old is None:
        status = {}
    stored = list(as_list(status.get("storedVersions")))
    sv = storage_version(crd)
    if sv and sv not in stored:
        stored.append(sv)
    status["storedVersions"] = stored
    status.setdefault("acceptedNames", {"kind": "", "plural": ""})
    crd["status"] = status


def _go_versions(versions: list[Any]) -> GoText:
    """The bad value of a `spec.versions` error (upstream prints a %#v of the Go structs,
    pointers included; the names and flags are what matter)."""
    parts = [f'apiextensions.CustomResourceDefinitionVersion{{Name:"{as_dict(v).get("name", "")}", '
             f'Served:{str(bool(as_dict(v).get("served"))).lower()}, '
             f'Storage:{str(bool(as_dict(v).get("storage"))).lower()}}}' for v in versions]
    return GoText("[]apiextensions.CustomResourceDefinitionVersion{" + ", ".join(parts) + "}")


def _dns1035(errs: ErrorList, value: Any, path: str, mixed_case: bool = False) -> None:
    text = str(value)
    found = names.dns1035_label_errors(text.lower() if mixed_case else text)
    if text and found:
        detail = ",".join(found)
        if mixed_case:
            detail = "may have mixed case, but should otherwise match: " + detail
        errs.invalid(path, text, detail)


def validate_names(errs: ErrorList, nm: Obj, path: str) -> None:
    _dns1035(errs, nm.get("plural", ""), f"{path}.plural")
    _dns1035(errs, nm.get("singular", ""), f"{path}.singular")
    _dns1035(errs, nm.get("kind", ""), f"{path}.kind", mixed_case=True)
    _dns1035(errs, nm.get("listKind", ""), f"{path}.listKind", mixed_case=True)
    for i, short in enumerate(as_list(nm.get("shortNames"))):
        _dns1035(errs, short, f"{path}.shortNames[{i}]")
    if nm.get("kind") and nm.get("kind") == nm.get("listKind"):
        errs.invalid(f"{path}.listKind", nm["listKind"], "kind and listKind may not be the same")
    for i, cat in enumerate(as_list(nm.get("categories"))):
        _dns1035(errs, cat, f"{path}.categories[{i}]")


def _validate_versions(errs: ErrorList, spec: Obj) -> None:
    versions = as_list(spec.get("versions"))
    if not versions:
        errs.add(FieldError("Invalid", "spec.versions", GoText("[]apiextensions.CustomResourceDefinitionVersion(nil)"),
                            "must have exactly one version marked as storage version"))
        return
    seen: set[str] = set()
    unique = True
    storage = 0
    for i, raw in enumerate(versions):
        v = as_dict(raw)
        name = str(v.get("name") or "")
        unique = unique and name not in seen
        seen.add(name)
        storage += bool(v.get("storage"))
        path = f"spec.versions[{i}]"
        if not name:
            errs.required(f"{path}.name")
        else:
            found = names.dns1035_label_errors(name)
            if found:
                errs.invalid(f"{path}.name", name, ",".join(found))
        schema = as_dict(v.get("schema")).get("openAPIV3Schema")
        if schema is None:
            errs.required(f"{path}.schema.openAPIV3Schema", "schemas are required")
        else:
            status_on = "status" in as_dict(v.get("subresources"))
            validate_schema_definition(errs, schema, f"{path}.schema.openAPIV3Schema", status_on)
        subs = as_dict(v.get("subresources"))
        scale = subs.get("scale")
        if scale is not None:
            scale = as_dict(scale)
            for key in ("specReplicasPath", "statusReplicasPath"):
                p = scale.get(key)
                if not p:
                    errs.required(f"{path}.subresources.scale.{key}")
                elif not str(p).startswith(".spec." if key == "specReplicasPath" else ".status."):
                    where = ".spec" if key == "specReplicasPath" else ".status"
                    errs.invalid(f"{path}.subresources.scale.{key}", p,
                                 f"should be a json path under {where}")
        for j, col in enumerate(as_list(v.get("additionalPrinterColumns"))):
            col = as_dict(col)
            cpath = f"{path}.additionalPrinterColumns[{j}]"
            if not col.get("name"):
                errs.required(f"{cpath}.name")
            if not col.get("type"):
                errs.required(f"{cpath}.type")
            elif col["type"] not in ("integer", "number", "string", "boolean", "date"):
                errs.not_supported(f"{cpath}.type", col["type"],
                                   ["boolean", "date", "integer", "number", "string"])
            if not col.get("jsonPath"):
                errs.required(f"{cpath}.jsonPath")
    if not unique:
        errs.invalid("spec.versions", _go_versions(versions), "must contain unique version names")
    if storage != 1:
        errs.invalid("spec.versions", _go_versions(versions),
                     "must have exactly one version marked as storage version")


def field_errors(crd: Obj, old: Obj | None = None) -> ErrorList:
    errs = ErrorList()
    spec = as_dict(crd.get("spec"))
    nm = as_dict(spec.get("names"))
    group = str(spec.get("group") or "")
    required = f"{nm.get('plural', '')}.{group}"

    def name_fn(name: str, prefix: bool) -> list[str]:
        out = name_is_dns_subdomain(name, prefix)
        if name != required:
            out.append('must be spec.names.plural+"."+spec.group')
        return out

    if old is None:
        validate_object_meta(errs, crd.get("metadata"), False, name_fn)
    else:
        validate_object_meta_update(errs, crd.get("metadata"), old.get("metadata"))
    if not group:
        errs.required("spec.group")
    else:
        found = names.dns1123_subdomain_errors(group)
        if found:
            errs.invalid("spec.group", group, ",".join(found))
        elif len(group.split(".")) < 2:
            errs.invalid("spec.group", group, "should be a domain with at least one dot")
    scope = spec.get("scope") or ""
    if not scope:
        errs.required("spec.scope")
    elif scope not in ("Cluster", "Namespaced"):
        errs.not_supported("spec.scope", scope, ["Cluster", "Namespaced"])
    _validate_versions(errs, spec)
    for key in ("plural", "singular", "kind", "listKind"):
        if not nm.get(key):
            errs.required(f"spec.names.{key}")
    validate_names(errs, nm, "spec.names")
    conversion = as_dict(spec.get("conversion"))
    strategy = conversion.get("strategy")
    if strategy not in ("None", "Webhook"):
        errs.not_supported("spec.conversion.strategy", strategy, ["None", "Webhook"])
    elif strategy == "Webhook" and not conversion.get("webhook"):
        errs.required("spec.conversion.webhook", "required when strategy is set to Webhook")
    if old is not None:
        ospec = as_dict(old.get("spec"))
        if is_established(old):
            validate_immutable(errs, scope, ospec.get("scope"), "spec.scope")
            validate_immutable(errs, nm.get("kind"), as_dict(ospec.get("names")).get("kind"),
                               "spec.names.kind")
        validate_immutable(errs, group, ospec.get("group"), "spec.group")
        validate_immutable(errs, nm.get("plural"), as_dict(ospec.get("names")).get("plural"),
                           "spec.names.plural")
        served = {as_dict(v).get("name") for v in as_list(spec.get("versions"))}
        for i, v in enumerate(as_list(as_dict(crd.get("status")).get("storedVersions"))):
            if v not in served:
                errs.invalid(f"status.storedVersions[{i}]", v, "must appear in spec.versions")
    return errs


def validate_crd(errs: ErrorList, crd: Obj, old: Obj | None) -> None:
    errs.errors.extend(field_errors(crd, old).errors)


# ---- conditions (naming and establishing controllers) ----------------------------------


def condition(crd: Obj, kind: str) -> Obj | None:
    for c in as_list(as_dict(crd.get("status")).get("conditions")):
        if as_dict(c).get("type") == kind:
            return c
    return None


def is_established(crd: Obj) -> bool:
    c = condition(crd, "Established")
    return bool(c) and c.get("status") == "True"


def accepted_names(crd: Obj, others: list[Obj], builtin: set[tuple[str, str]]) -> tuple[Obj, str, str]:
    """(accepted names, reason, message) as the naming controller decides: a plural, singular,
    short name or kind another CRD of the group (or a built-in kind of the group) already uses
    is refused, and the names accepted before stay."""
    spec = as_dict(crd.get("spec"))
    group = spec.get("group")
    nm = as_dict(spec.get("names"))
    used_plural: set[str] = {p for g, p in builtin if g == group}
    used_other: set[str] = set()
    used_kinds: set[str] = set()
    for o in others:
        if o["metadata"]["name"] == crd["metadata"]["name"]:
            continue
        if as_dict(o.get("spec")).get("group") != group:
            continue
        acc = as_dict(as_dict(o.get("status")).get("acceptedNames"))
        used_plural.add(acc.get("plural", ""))
        used_other |= {acc.get("singular", ""), *as_list(acc.get("shortNames"))}
        used_kinds |= {acc.get("kind", ""), acc.get("listKind", "")}
    checks = [
        ("PluralConflict", nm.get("plural") in used_plural, nm.get("plural")),
        ("SingularConflict", nm.get("singular") in used_plural | used_other, nm.get("singular")),
    ]
    for short in as_list(nm.get("shortNames")):
        checks.append(("ShortNamesConflict", short in used_plural | used_other, short))
    checks += [("KindConflict", nm.get("kind") in used_kinds, nm.get("kind")),
               ("ListKindConflict", nm.get("listKind") in used_kinds, nm.get("listKind"))]
    for reason, bad, value in checks:
        if bad:
            previous = as_dict(as_dict(crd.get("status")).get("acceptedNames"))
            return previous, reason, f'"{value}" is already in use'
    accepted = {k: nm[k] for k in ("categories", "kind", "listKind", "plural", "shortNames",
                                   "singular") if nm.get(k)}
    return accepted, "NoConflicts", "no conflicts found"


CLEANUP_FINALIZER = "customresourcecleanup.apiextensions.k8s.io"


def set_condition(crd: Obj, kind: str, status: str, reason: str, message: str, now: str) -> None:
    """Set one status condition, its lastTransitionTime moving only when the status does."""
    conditions = crd.setdefault("status", {}).setdefault("conditions", [])
    for c in conditions:
        if c.get("type") == kind:
            if c.get("status") != status:
                c["lastTransitionTime"] = now
            c.update(status=status, reason=reason, message=message)
            return
    conditions.append({"type": kind, "status": status, "lastTransitionTime": now,
                       "reason": reason, "message": message})


def mark_terminating(crd: Obj, now: str) -> None:
    """What deleting a CRD does first (its REST Delete): the cleanup finalizer holds it, and
    the Terminating condition says its objects are to go."""
    meta = crd["metadata"]
    if meta.get("deletionTimestamp"):
        return
    finalizers = list(meta.get("finalizers") or [])
    if CLEANUP_FINALIZER not in finalizers:
        meta["finalizers"] = finalizers + [CLEANUP_FINALIZER]
    set_condition(crd, "Terminating", "True", "InstanceDeletionPending",
                  "CustomResourceDefinition marked for deletion; CustomResource deletion will "
                  "begin soon", now)
