"""Label and field selectors: parsing the string forms and matching objects.

Label selectors come as strings (`app=web,tier!=db,env in (a,b),!canary`, what `-l` and
`?labelSelector=` carry) or as LabelSelector objects (`matchLabels` + `matchExpressions`,
what Deployments and Services hold). Both compile to one `Selector`. Field selectors support
the fields the API server indexes for each kind.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from kubenb.api.errors import BadRequest

Operator = str  # "=", "!=", "in", "notin", "exists", "!"


@dataclass(frozen=True)
class Requirement:
    key: str
    op: Operator
    values: tuple[str, ...] = ()

    def matches(self, labels: Mapping[str, str]) -> bool:
        has = self.key in labels
        if self.op == "exists":
            return has
        if self.op == "!":
            return not has
        if self.op in ("=", "in"):
            return has and labels[self.key] in self.values
        # "!=" and "notin" match objects without the key, as Kubernetes does.
        return not has or labels[self.key] not in self.values

    def __str__(self) -> str:
        if self.op == "exists":
            return self.key
        if self.op == "!":
            return "!" + self.key
        if self.op in ("=", "!="):
            return f"{self.key}{self.op}{self.values[0]}"
        return f"{self.key} {self.op} ({','.join(sorted(self.values))})"


@dataclass(frozen=True)
class Selector:
    requirements: tuple[Requirement, ...] = ()
    nothing: bool = False  # a nil LabelSelector object selects nothing

    def matches(self, labels: Mapping[str, str] | None) -> bool:
        if self.nothing:
            return False
        labels = labels or {}
        return all(r.matches(labels) for r in self.requirements)

    def empty(self) -> bool:
        return not self.requirements and not self.nothing

    def __str__(self) -> str:
        return ",".join(str(r) for r in self.requirements)


EVERYTHING = Selector()
NOTHING = Selector(nothing=True)

_TOKEN = re.compile(r"\s*(!=|==|=|!|\(|\)|,|[^\s!=(),]+)")


def _tokens(text: str) -> list[str]:
    out: list[str] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if not m:  # pragma: no cover - the pattern matches any non-space character
            raise BadRequest(f"unable to parse requirement: {text!r}")
        out.append(m.group(1))
        pos = m.end()
    return out


def parse_label_selector(text: str | None) -> Selector:
    """Parse the string form; raises BadRequest with Kubernetes-like wording."""
    if text is None or not text.strip():
        return EVERYTHING
    toks = _tokens(text)
    reqs: list[Requirement] = []
    i = 0

    def fail(why: str) -> BadRequest:
        return BadRequest(f"unable to parse requirement: {why}")

    while i < len(toks):
        tok = toks[i]
        if tok == "!":
            if i + 1 >= len(toks):
                raise fail("found '', expected: identifier")
            reqs.append(Requirement(toks[i + 1], "!"))
            i += 2
        else:
            key = tok
            i += 1
            nxt = toks[i] if i < len(toks) else ","
            if nxt == ",":
                reqs.append(Requirement(key, "exists"))
            elif nxt in ("=", "==", "!="):
                value = toks[i + 1] if i + 1 < len(toks) and toks[i + 1] != "," else ""
                reqs.append(Requirement(key, "!=" if nxt == "!=" else "=", (value,)))
                i += 2 if value else 1
            elif nxt in ("in", "notin"):
                if i + 1 >= len(toks) or toks[i + 1] != "(":
                    raise fail(f"found '{toks[i + 1] if i + 1 < len(toks) else ''}', expected: '('")
                j = i + 2
                values: list[str] = []
                while j < len(toks) and toks[j] != ")":
                    if toks[j] != ",":
                        values.append(toks[j])
                    j += 1
                if j >= len(toks):
                    raise fail("found '', expected: ')'")
                reqs.append(Requirement(key, nxt, tuple(values)))
                i = j + 1
            else:
                raise fail(f"found '{nxt}', expected: in, notin, =, ==, !=, gt, lt")
        if i < len(toks):
            if toks[i] != ",":
                raise fail(f"found '{toks[i]}', expected: ',' or 'end of string'")
            i += 1
            if i >= len(toks):
                raise fail("found '', expected: identifier after ','")
    return Selector(tuple(reqs))


def from_label_selector(obj: Mapping[str, Any] | None) -> Selector:
    """Compile a LabelSelector object (`matchLabels`, `matchExpressions`)."""
    if obj is None:
        return NOTHING
    reqs = [Requirement(k, "=", (str(v),)) for k, v in sorted((obj.get("matchLabels") or {}).items())]
    ops = {"In": "in", "NotIn": "notin", "Exists": "exists", "DoesNotExist": "!"}
    for expr in obj.get("matchExpressions") or []:
        reqs.append(Requirement(expr["key"], ops[expr["operator"]], tuple(expr.get("values") or ())))
    return Selector(tuple(reqs))


def from_map(labels: Mapping[str, str] | None) -> Selector:
    """A Service-style selector (`spec.selector` map). An empty map selects nothing."""
    if not labels:
        return NOTHING
    return Selector(tuple(Requirement(k, "=", (v,)) for k, v in sorted(labels.items())))


def format_labels(labels: Mapping[str, str] | None) -> str:
    """`a=b,c=d` sorted by key, or `<none>` (labels.FormatLabels)."""
    if not labels:
        return "<none>"
    return ",".join(f"{k}={v}" for k, v in sorted(labels.items()))


# ---- field selectors -------------------------------------------------------------------

def _get(path: str) -> Callable[[Mapping[str, Any]], str]:
    parts = path.split(".")

    def getter(obj: Mapping[str, Any]) -> str:
        cur: Any = obj
        for p in parts:
            if not isinstance(cur, Mapping):
                return ""
            cur = cur.get(p)
        if cur is None:
            return ""
        if isinstance(cur, bool):
            return "true" if cur else "false"
        return str(cur)

    return getter


_COMMON = ("metadata.name", "metadata.namespace")
FIELDS: dict[str, tuple[str, ...]] = {
    "Pod": _COMMON + ("spec.nodeName", "spec.restartPolicy", "spec.schedulerName",
                      "spec.serviceAccountName", "spec.hostNetwork", "status.phase",
                      "status.podIP", "status.nominatedNodeName"),
    "Node": _COMMON + ("spec.unschedulable",),
    "Event": _COMMON + ("involvedObject.kind", "involvedObject.namespace", "involvedObject.name",
                        "involvedObject.uid", "involvedObject.apiVersion",
                        "involvedObject.resourceVersion", "involvedObject.fieldPath", "reason",
                        "reportingComponent", "source", "type"),
    "Secret": _COMMON + ("type",),
    "Namespace": _COMMON + ("status.phase",),
    "ReplicaSet": _COMMON + ("status.replicas",),
}


@dataclass(frozen=True)
class FieldRequirement:
    field: str
    op: str  # "=" or "!="
    value: str
    getter: Callable[[Mapping[str, Any]], str]

    def matches(self, obj: Mapping[str, Any]) -> bool:
        got = self.getter(obj)
        if self.field == "source":  # events: source.component
            got = str((obj.get("source") or {}).get("component", ""))
        return (got == self.value) == (self.op == "=")


@dataclass(frozen=True)
class FieldSelector:
    requirements: tuple[FieldRequirement, ...] = ()

    def matches(self, obj: Mapping[str, Any]) -> bool:
        return all(r.matches(obj) for r in self.requirements)

    def empty(self) -> bool:
        return not self.requirements

    def value_of(self, field: str) -> str | None:
        """The value an `=` requirement pins the field to (lets the store use an index)."""
        for r in self.requirements:
            if r.field == field and r.op == "=":
                return r.value
        return None


ALL_FIELDS = FieldSelector()


def parse_field_selector(text: str | None, kind: str) -> FieldSelector:
    if text is None or not text.strip():
        return ALL_FIELDS
    allowed = FIELDS.get(kind, _COMMON)
    reqs: list[FieldRequirement] = []
    for term in text.split(","):
        term = term.strip()
        if not term:
            continue
        m = re.match(r"^([^=!]+)(==|!=|=)(.*)$", term)
        if not m:
            raise BadRequest(f"invalid selector: '{text}'; can't understand '{term}'")
        field, op, value = m.group(1).strip(), m.group(2), m.group(3).strip()
        if field not in allowed:
            raise BadRequest(f'field label not supported: {field}')
        reqs.append(FieldRequirement(field, "!=" if op == "!=" else "=", value, _get(field)))
    return FieldSelector(tuple(reqs))
