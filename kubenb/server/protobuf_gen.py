"""Development tool: regenerate `protobuf_schema.py` from Kubernetes' API definitions.

    python -m kubenb.server.protobuf_gen DIR > kubenb/server/protobuf_schema.py

DIR holds `<name>.proto` (k8s.io/api and k8s.io/apimachinery `generated.proto`) and
`<name>.types.go` files side by side (core_v1, apps_v1, batch_v1, autoscaling_v1,
autoscaling_v2, coordination_v1, policy_v1, rbac_v1, authentication_v1, authorization_v1,
certificates_v1, networking_v1, meta_v1, intstr, resource). The .proto gives each message's field numbers and
wire types; types.go gives what JSON does with a zero value (a pointer or a field without
`omitempty` keeps it) and which fields are inlined. Only messages reachable from `ROOTS` are written. Nothing reads
.proto files at run time.
"""

from __future__ import annotations

import os
import re
import sys
from typing import Any

ROOTS = [
    "k8s.io.api.core.v1." + k for k in (
        "ConfigMap", "Endpoints", "Event", "LimitRange", "Namespace", "Node", "PersistentVolumeClaim",
        "Pod", "ReplicationController", "ResourceQuota", "Secret", "ServiceAccount", "Service")
] + ["k8s.io.api.apps.v1." + k for k in (
        "ControllerRevision", "DaemonSet", "Deployment", "ReplicaSet", "StatefulSet")
] + ["k8s.io.api.batch.v1.CronJob", "k8s.io.api.batch.v1.Job",
     "k8s.io.api.autoscaling.v1.HorizontalPodAutoscaler",
     "k8s.io.api.autoscaling.v2.HorizontalPodAutoscaler",
     "k8s.io.api.coordination.v1.Lease",
     "k8s.io.api.policy.v1.Eviction", "k8s.io.api.policy.v1.PodDisruptionBudget",
     "k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions"
] + ["k8s.io.api.rbac.v1." + k for k in ("ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding")
] + ["k8s.io.api.authentication.v1." + k for k in ("SelfSubjectReview", "TokenRequest", "TokenReview")
] + ["k8s.io.api.authorization.v1." + k for k in (
        "LocalSubjectAccessReview", "SelfSubjectAccessReview", "SelfSubjectRulesReview",
        "SubjectAccessReview")
] + ["k8s.io.api.certificates.v1.CertificateSigningRequest"
] + ["k8s.io.api.networking.v1." + k for k in ("Ingress", "IngressClass", "NetworkPolicy")]
# Messages decoded by hand (protobuf.py), not walked into.
SPECIAL = {
    "k8s.io.apimachinery.pkg.apis.meta.v1.Time",
    "k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime",
    "k8s.io.apimachinery.pkg.api.resource.Quantity",
    "k8s.io.apimachinery.pkg.util.intstr.IntOrString",
    "k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1",
    "k8s.io.apimachinery.pkg.apis.meta.v1.Duration",
    "k8s.io.apimachinery.pkg.runtime.RawExtension",
}
_FIELD = re.compile(r"^\s*(optional|repeated)\s+([\w.]+)\s+(\w+)\s*=\s*(\d+)\s*;")
_MAP = re.compile(r"^\s*map<\s*([\w.]+)\s*,\s*([\w.]+)\s*>\s+(\w+)\s*=\s*(\d+)\s*;")
_SCALARS = {"string", "int32", "int64", "bool", "bytes", "double", "float", "uint32", "uint64",
            "sint32", "sint64", "fixed32", "fixed64"}


def parse_proto(text: str) -> dict[str, dict[int, tuple[str, str, bool]]]:
    """message full name -> number -> (proto name, type, repeated); maps as `map:<value>`."""
    package = re.search(r"^package\s+([\w.]+);", text, re.M).group(1)  # type: ignore[union-attr]

    def full(t: str) -> str:
        if t in _SCALARS:
            return t
        return t[1:] if t.startswith(".") else f"{package}.{t}"

    out: dict[str, dict[int, tuple[str, str, bool]]] = {}
    current: dict[int, tuple[str, str, bool]] | None = None
    for line in text.splitlines():
        m = re.match(r"^message\s+(\w+)\s*\{", line)
        if m:
            current = out.setdefault(f"{package}.{m.group(1)}", {})
            continue
        if line.startswith("}"):
            current = None
            continue
        if current is None:
            continue
        f = _FIELD.match(line)
        if f:
            current[int(f.group(4))] = (f.group(3), full(f.group(2)), f.group(1) == "repeated")
            continue
        f = _MAP.match(line)
        if f:
            current[int(f.group(4))] = (f.group(3), "map:" + full(f.group(2)), False)
    return out


def parse_go(text: str, package: str) -> dict[str, dict[int, tuple[str, bool, bool]]]:
    """message full name -> number -> (json name, keep zero, inline)."""
    out: dict[str, dict[int, tuple[str, bool, bool]]] = {}
    current: dict[int, tuple[str, bool, bool]] | None = None
    for line in text.splitlines():
        m = re.match(r"^type\s+(\w+)\s+struct\s*\{", line)
        if m:
            current = out.setdefault(f"{package}.{m.group(1)}", {})
            continue
        if line.startswith("}"):
            current = None
            continue
        if current is None or 'protobuf:"' not in line:
            continue
        head = line.split("`")[0].split()
        jm = re.search(r'json:"([^"]*)"', line)
        pm = re.search(r'protobuf:"([^"]*)"', line)
        if pm is None:
            continue
        number = int(pm.group(1).split(",")[1])
        jtag = (jm.group(1) if jm else "").split(",")
        inline = jtag[0] == "" and (len(head) == 1 or "inline" in jtag or jm is not None)
        gotype = head[-1]
        keep = gotype.startswith("*") or "omitempty" not in jtag[1:]
        current[number] = (jtag[0], keep, inline)
    return out


def generate(src: str) -> str:
    protos: dict[str, dict[int, tuple[str, str, bool]]] = {}
    gos: dict[str, dict[int, tuple[str, bool, bool]]] = {}
    for name in sorted(os.listdir(src)):
        path = os.path.join(src, name)
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
        if name.endswith(".proto"):
            protos.update(parse_proto(text))
    for name in sorted(os.listdir(src)):
        if name.endswith(".types.go"):
            base = name[: -len(".types.go")]
            with open(os.path.join(src, base + ".proto"), encoding="utf-8") as fh:
                package = re.search(r"^package\s+([\w.]+);", fh.read(), re.M).group(1)  # type: ignore[union-attr]
            with open(os.path.join(src, name), encoding="utf-8") as fh:
                gos.update(parse_go(fh.read(), package))
    todo, seen = list(ROOTS), set()
    table: dict[str, dict[int, tuple[str, str, int]]] = {}
    while todo:
        msg = todo.pop()
        if msg in seen or msg in SPECIAL:
            continue
        seen.add(msg)
        fields: dict[int, tuple[str, str, int]] = {}
        for num, (pname, ptype, repeated) in sorted(protos[msg].items()):
            jname, keep, inline = gos.get(msg, {}).get(num, (pname, False, False))
            flags = (1 if repeated else 0) | (2 if keep else 0) | (4 if inline else 0)
            fields[num] = (jname or pname, ptype, flags)
            value = ptype[4:] if ptype.startswith("map:") else ptype
            if value not in _SCALARS:
                todo.append(value)
        table[msg] = fields
    return render(table)


def render(table: dict[str, Any]) -> str:
    lines = [
        '"""Generated by `python -m kubenb.server.protobuf_gen` — do not edit by hand.',
        "",
        "Field tables of the Kubernetes protobuf messages kubenb decodes, derived from",
        "k8s.io/api and k8s.io/apimachinery `generated.proto` and `types.go` (Apache-2.0).",
        "message -> field number -> (JSON name, type, flags); flags: 1 repeated, 2 keep a zero",
        "value (a Go pointer, or no `omitempty`), 4 inlined into the parent's JSON object.",
        "Types are protobuf scalars, full message names, or `map:<value type>`.",
        '"""',
        "",
        "# ruff: noqa: E501",
        "MESSAGES: dict[str, dict[int, tuple[str, str, int]]] = {",
    ]
    for msg in sorted(table):
        lines.append(f"    {msg!r}: {{")
        for num, (name, typ, flags) in table[msg].items():
            lines.append(f"        {num}: ({name!r}, {typ!r}, {flags}),")
        lines.append("    },")
    lines.append("}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(generate(sys.argv[1]))
