"""`kubectl create ingress NAME --rule=host/path=svc:port[,tls[=secret]] [--class=]
[--default-backend=svc:port] [--annotation=k=v]` (kubectl pkg/cmd/create/create_ingress.go):
a networking.k8s.io/v1 Ingress. A path ending in `*` is a Prefix path (the `*` dropped),
any other path Exact; rules of the same host share one rule; the first `,tls` rule of a host
adds a TLS entry for it (with the `=secret` given; a rule without a host adds none). Checked
client-side with kubectl's words, then created through `writes.submit`.
"""

from __future__ import annotations

import re
from typing import Any

from kubenb.cli.kubectl.app import Command, CommandError, Ctx
from kubenb.cli.kubectl.flags import Flag
from kubenb.cli.kubectl.writes import WRITE_FLAGS, enforced_namespace, name_arg, submit

_RULE = re.compile(r"^(?P<host>[\w\*\-\.]*)(?P<path>/.*)=(?P<svcname>[\w\-]+):(?P<svcport>[\w\-]+)"
                   r"(,(?P<istls>tls)=?(?P<secretname>[\w\-]+)?)?$")
_BACKEND = re.compile(r"^(?P<svcname>[\w\-]+):(?P<svcport>[\w\-]+)$")
_ANNOTATION = re.compile(r"^(?P<key>[\w\-\./]+)=(?P<value>.*)$")


def _port(text: str) -> dict[str, Any]:
    """parseServiceBackendPort: a number when intstr.Parse makes one, else a name."""
    try:
        return {"number": int(text)}
    except ValueError:
        return {"name": text}


def _backend(text: str) -> dict[str, Any]:
    name, port = text.split(":")[0], text.split(":")[1]
    return {"service": {"name": name, "port": _port(port)}}


def _path(text: str) -> dict[str, Any]:
    path, service = text.split("=")[0], text.split("=")[1]
    path = "/" + path
    path_type = "Exact"
    if path.endswith("*"):
        path_type, path = "Prefix", path[:-1]
    return {"path": path, "pathType": path_type, "backend": _backend(service)}


def build_ingress(name: str, rules: list[str], klass: str, default_backend: str,
                  annotations: list[str], namespace: str = "") -> dict[str, Any]:
    """The object kubectl builds, in Go struct order (for typed `-o json`)."""
    if not rules and not default_backend:
        raise CommandError("not enough information provided: every ingress has to either specify "
                           "a default-backend (which catches all traffic) or a list of rules "
                           "(which catch specific paths)")
    for rule in rules:
        if not _RULE.match(rule):
            raise CommandError(f"rule {rule} is invalid and should be in format "
                               "host/path=svcname:svcport[,tls[=secret]]")
    if default_backend and not _BACKEND.match(default_backend):
        raise CommandError("default-backend should be in format servicename:serviceport")
    ann: dict[str, str] = {}
    for item in annotations:
        found = _ANNOTATION.match(item)
        if not found:
            raise CommandError(f"annotation {item} is invalid and should be in format key=[value]")
        ann[found["key"]] = found["value"]
    meta: dict[str, Any] = {"name": name}
    if namespace:
        meta["namespace"] = namespace
    meta["creationTimestamp"] = None
    if ann:
        meta["annotations"] = ann
    spec: dict[str, Any] = {}
    if klass:
        spec["ingressClassName"] = klass
    if default_backend:
        spec["defaultBackend"] = _backend(default_backend)
    tls, seen = [], set()
    for rule in rules:
        parts = rule.split(",")
        host = rule.split("/", 1)[0]
        if len(parts) == 1 or not host or host in seen:
            continue
        seen.add(host)
        pieces = parts[1].split("=")
        entry: dict[str, Any] = {"hosts": [host]}
        if len(pieces) > 1 and pieces[1]:
            entry["secretName"] = pieces[1]
        tls.append(entry)
    if tls:
        spec["tls"] = tls
    out: list[dict[str, Any]] = []
    for rule in rules:
        host, path = re.sub(",tls.*", "", rule).split("/", 1)
        item = _path(path)
        same = next((r for r in out if r.get("host", "") == host), None)
        if same is not None:
            same["http"]["paths"].append(item)
            continue
        entry = {"host": host} if host else {}
        entry["http"] = {"paths": [item]}
        out.append(entry)
    if out:
        spec["rules"] = out
    return {"kind": "Ingress", "apiVersion": "networking.k8s.io/v1", "metadata": meta, "spec": spec,
            "status": {"loadBalancer": {}}}


def run(ctx: Ctx, args: list[str]) -> int:
    name = name_arg(ctx)
    obj = build_ingress(name, list(ctx.flag("rule") or []), ctx.flag("class") or "",
                        ctx.flag("default-backend") or "", list(ctx.flag("annotation") or []),
                        enforced_namespace(ctx))
    return submit(ctx, obj, "failed to create ingress: ")


COMMAND = Command(
    "ingress", "Create an ingress with the specified name", run,
    WRITE_FLAGS + (Flag("rule", "stringArray"), Flag("class", "string"),
                   Flag("default-backend", "string"), Flag("annotation", "stringArray")),
    aliases=("ing",))
