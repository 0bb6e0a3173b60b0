"""Validation and defaults of rbac.authorization.k8s.io/v1 kinds (pkg/apis/rbac/validation,
pkg/apis/rbac/v1/defaults.go).

Role and ClusterRole: names are path segments (`system:basic-user` is fine), every rule has
verbs, resource rules name API groups and resources, non-resource URLs only in cluster-wide
rules and never mixed with resources. RoleBinding and ClusterRoleBinding: a roleRef to a Role
or ClusterRole of this API group that never changes after creation, and subjects that are a
User, Group or ServiceAccount (with a namespace, in a ClusterRoleBinding).
"""

from __future__ import annotations

import json
from typing import Any

from kubenb.api.errors import ErrorList, GoText
from kubenb.api.objects import Obj
from kubenb.api.validation_meta import (
    as_dict,
    as_list,
    name_is_dns_subdomain,
    validate_object_meta,
    validate_object_meta_update,
)

GROUP = "rbac.authorization.k8s.io"


def path_segment_errors(name: str, prefix: bool = False) -> list[str]:
    """path.IsValidPathSegmentName (prefix: IsValidPathSegmentPrefix)."""
    errors = []
    if not prefix and name in (".", ".."):
        errors.append(f"may not be '{name}'")
    for bad in ("/", "%"):
        if bad in name:
            errors.append(f"may not contain '{bad}'")
    return errors


def _strings(values: list[Any]) -> GoText:
    return GoText("[]string{" + ", ".join(json.dumps(str(v)) for v in values) + "}")


def _rules(errs: ErrorList, rules: Any, namespaced: bool) -> None:
    for i, rule in enumerate(as_list(rules)):
        rule, path = as_dict(rule), f"rules[{i}]"
        if not as_list(rule.get("verbs")):
            errs.required(f"{path}.verbs", "verbs must contain at least one value")
        urls = as_list(rule.get("nonResourceURLs"))
        if urls:
            if namespaced:
                errs.invalid(f"{path}.nonResourceURLs", _strings(urls),
                             "namespaced rules cannot apply to non-resource URLs")
            if rule.get("apiGroups") or rule.get("resources") or rule.get("resourceNames"):
                errs.invalid(f"{path}.nonResourceURLs", _strings(urls),
                             "rules cannot apply to both regular resources and non-resource URLs")
            continue
        if not as_list(rule.get("apiGroups")):
            errs.required(f"{path}.apiGroups", "resource rules must supply at least one api group")
        if not as_list(rule.get("resources")):
            errs.required(f"{path}.resources", "resource rules must supply at least one resource")


def _meta(errs: ErrorList, obj: Obj, old: Obj | None, namespaced: bool) -> None:
    if old is None:
        validate_object_meta(errs, obj.get("metadata"), namespaced,
                             lambda n, p: path_segment_errors(n, p))
    else:
        validate_object_meta_update(errs, obj.get("metadata"), old.get("metadata"))


def validate_role(errs: ErrorList, obj: Obj, old: Obj | None) -> None:
    _meta(errs, obj, old, True)
    _rules(errs, obj.get("rules"), True)


def validate_cluster_role(errs: ErrorList, obj: Obj, old: Obj | None) -> None:
    _meta(errs, obj, old, False)
    _rules(errs, obj.get("rules"), False)
    agg = obj.get("aggregationRule")
    if agg is not None and not as_list(as_dict(agg).get("clusterRoleSelectors")):
        errs.required("aggregationRule.clusterRoleSelectors",
                      "at least one clusterRoleSelector required if aggregationRule is non-nil")


def _role_ref_text(ref: dict[str, Any]) -> GoText:
    return GoText(f'rbac.RoleRef{{APIGroup:{json.dumps(ref.get("apiGroup") or "")}, '
                  f'Kind:{json.dumps(ref.get("kind") or "")}, Name:{json.dumps(ref.get("name") or "")}}}')


def _subject(errs: ErrorList, s: dict[str, Any], namespaced: bool, path: str) -> None:
    name, kind, group = s.get("name") or "", s.get("kind") or "", s.get("apiGroup") or ""
    if not name:
        errs.required(f"{path}.name")
    if kind == "ServiceAccount":
        for msg in (name_is_dns_subdomain(name, False) if name else []):
            errs.invalid(f"{path}.name", name, msg)
        if group:
            errs.not_supported(f"{path}.apiGroup", group, [""])
        if not namespaced and not s.get("namespace"):
            errs.required(f"{path}.namespace")
    elif kind in ("User", "Group"):
        if group != GROUP:
            errs.not_supported(f"{path}.apiGroup", group, [GROUP])
    else:
        errs.not_supported(f"{path}.kind", kind, ["ServiceAccount", "User", "Group"])


def _binding(errs: ErrorList, obj: Obj, old: Obj | None, namespaced: bool) -> None:
    _meta(errs, obj, old, namespaced)
    ref = as_dict(obj.get("roleRef"))
    if ref.get("apiGroup") != GROUP:
        errs.not_supported("roleRef.apiGroup", ref.get("apiGroup") or "", [GROUP])
    kinds = ["Role", "ClusterRole"] if namespaced else ["ClusterRole"]
    if ref.get("kind") not in kinds:
        errs.not_supported("roleRef.kind", ref.get("kind") or "", kinds)
    if not ref.get("name"):
        errs.required("roleRef.name")
    else:
        for msg in path_segment_errors(ref["name"]):
            errs.invalid("roleRef.name", ref["name"], msg)
    for i, s in enumerate(as_list(obj.get("subjects"))):
        _subject(errs, as_dict(s), namespaced, f"subjects[{i}]")
    if old is not None and as_dict(old.get("roleRef")) != ref:
        errs.invalid("roleRef", _role_ref_text(ref), "cannot change roleRef")


def validate_role_binding(errs: ErrorList, obj: Obj, old: Obj | None) -> None:
    _binding(errs, obj, old, True)


def validate_cluster_role_binding(errs: ErrorList, obj: Obj, old: Obj | None) -> None:
    _binding(errs, obj, old, False)


def default_binding(obj: Obj) -> None:
    """SetDefaults_Subject: Users and Groups belong to the RBAC API group."""
    for s in as_list(obj.get("subjects")):
        if isinstance(s, dict) and not s.get("apiGroup") and s.get("kind") in ("User", "Group"):
            s["apiGroup"] = GROUP
