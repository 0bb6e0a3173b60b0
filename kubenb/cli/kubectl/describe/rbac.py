"""`kubectl describe` for Role, ClusterRole, RoleBinding and ClusterRoleBinding.

Roles: rules broken down to one group/resource/name each, simple ones compacted back per
resource (kubectl util/rbac BreakdownRule, CompactRules), sorted as kubectl sorts them (by the
protobuf String() of each rule: verbs first), then printed as the PolicyRule table with
`resource.group/subresource` names. Bindings: the role reference and the subjects table.
Fed by the CLI's describe command.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kubenb.cli.kubectl.describe.common import annotations_multiline, labels_multiline
from kubenb.cli.kubectl.describe.writer import DEFAULT_KUBECTL_MINOR, DescribeWriter, meta

Rule = dict[str, list[str]]
_FIELDS = ("verbs", "apiGroups", "resources", "resourceNames", "nonResourceURLs")


def _breakdown(rule: dict[str, Any]) -> list[Rule]:
    verbs = list(rule.get("verbs") or [])
    out: list[Rule] = []
    for group in rule.get("apiGroups") or []:
        for resource in rule.get("resources") or []:
            names = rule.get("resourceNames") or []
            for name in names or [None]:
                r: Rule = {"verbs": verbs, "apiGroups": [group], "resources": [resource]}
                if name is not None:
                    r["resourceNames"] = [name]
                out.append(r)
    for url in rule.get("nonResourceURLs") or []:
        out.append({"verbs": verbs, "nonResourceURLs": [url]})
    return out


def _compact(rules: list[Rule]) -> list[Rule]:
    compacted: list[Rule] = []
    simple: dict[tuple[str, str, str | None], Rule] = {}
    for rule in rules:
        names = rule.get("resourceNames") or []
        if rule.get("nonResourceURLs") or len(names) > 1:
            compacted.append(rule)
            continue
        key = (rule["apiGroups"][0], rule["resources"][0], names[0] if names else None)
        if key in simple:
            existing = simple[key]["verbs"]
            existing.extend(v for v in rule["verbs"] if v not in existing)
        else:
            simple[key] = {k: list(v) for k, v in rule.items()}
    return compacted + list(simple.values())


def _go_string(rule: Rule) -> str:
    """The generated PolicyRule String(): `&PolicyRule{Verbs:[get list],APIGroups:[],…}`."""
    parts = [f"{f[0].upper()}{f[1:]}:[{' '.join(rule.get(f) or [])}]" for f in _FIELDS]
    return "&PolicyRule{" + ",".join(parts).replace("ApiGroups", "APIGroups").replace(
        "NonResourceURLs", "NonResourceURLs") + ",}"


def _combine(resources: list[str], groups: list[str]) -> str:
    if not resources:
        return ""
    head, _, sub = resources[0].partition("/")
    combined = f"{head}.{groups[0]}" if groups and groups[0] else head
    return f"{combined}/{sub}" if sub else combined


def _list(values: list[str] | None) -> str:
    return "[" + " ".join(values or []) + "]"


def access_rules(rules: list[dict[str, Any]]) -> list[tuple[str, str, str, str]]:
    """Rules as kubectl lists them (describe, `auth can-i --list`): broken down, compacted,
    sorted; each as (resources, non-resource URLs, resource names, verbs) cells."""
    compact = _compact([r for rule in rules for r in _breakdown(rule)])
    compact.sort(key=_go_string)
    return [(_combine(r.get("resources") or [], r.get("apiGroups") or []),
             _list(r.get("nonResourceURLs")), _list(r.get("resourceNames")), _list(r.get("verbs")))
            for r in compact]


def describe_role(role: dict[str, Any], events: list[dict[str, Any]] | None, now: datetime, *,
                  kubectl_minor: int = DEFAULT_KUBECTL_MINOR) -> str:
    m = meta(role)
    w = DescribeWriter()
    w.write(0, f"Name:\t{m.get('name', '')}\n")
    labels_multiline(w, "Labels", m.get("labels"))
    annotations_multiline(w, "Annotations", m.get("annotations"))
    w.write(0, "PolicyRule:\n")
    w.write(1, "Resources\tNon-Resource URLs\tResource Names\tVerbs\n")
    w.write(1, "---------\t-----------------\t--------------\t-----\n")
    for cells in access_rules(role.get("rules") or []):
        w.write(1, "\t".join(cells) + "\n")
    return w.render()


def describe_binding(binding: dict[str, Any], events: list[dict[str, Any]] | None, now: datetime,
                     *, kubectl_minor: int = DEFAULT_KUBECTL_MINOR) -> str:
    m = meta(binding)
    ref = binding.get("roleRef") or {}
    w = DescribeWriter()
    w.write(0, f"Name:\t{m.get('name', '')}\n")
    labels_multiline(w, "Labels", m.get("labels"))
    annotations_multiline(w, "Annotations", m.get("annotations"))
    w.write(0, "Role:\n")
    w.write(1, f"Kind:\t{ref.get('kind', '')}\n")
    w.write(1, f"Name:\t{ref.get('name', '')}\n")
    w.write(0, "Subjects:\n")
    w.write(1, "Kind\tName\tNamespace\n")
    w.write(1, "----\t----\t---------\n")
    for s in binding.get("subjects") or []:
        w.write(1, f"{s.get('kind', '')}\t{s.get('name', '')}\t{s.get('namespace', '')}\n")
    return w.render()
