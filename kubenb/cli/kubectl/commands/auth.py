"""`kubectl auth can-i VERB TYPE[/NAME]|URL` and `kubectl auth whoami` (kubectl pkg/cmd/auth).

`can-i` creates a SelfSubjectAccessReview through the client (resource names resolved the
way kubectl's RESTMapper does, with its warnings for unknown or cluster-scoped types),
prints `yes` or `no` (with the server's reason, if any) and exits 1 on `no`. `whoami`
creates a SelfSubjectReview and prints the user as kubectl's ATTRIBUTE/VALUE table.
"""

from __future__ import annotations

from typing import Any

from kubenb.api.registry import UnknownResource
from kubenb.cli.kubectl.app import Command, CommandError, Ctx
from kubenb.cli.kubectl.describe.rbac import access_rules
from kubenb.cli.kubectl.flags import Flag

_RESOURCE_VERBS = ("get", "list", "watch", "create", "update", "patch", "delete",
                   "deletecollection", "use", "bind", "impersonate", "*", "approve", "sign",
                   "escalate", "attest")
_NON_RESOURCE_VERBS = ("get", "put", "post", "head", "options", "delete", "patch", "*")


def _resource(ctx: Ctx, text: str) -> tuple[str, str, bool]:
    """(group, plural, namespaced) of what the user typed; unknown names go as typed."""
    if text == "*":
        return "", "*", True
    try:
        rt = ctx.client.registry.lookup(text.lower())
        return rt.group, rt.plural, rt.namespaced
    except UnknownResource:
        resource, _, group = text.lower().partition(".")
        if text.lower() in ("users", "groups"):  # kubectl's nonStandardResourceNames
            return group, resource, False
        where = f" in group '{group}'" if group else ""
        ctx.err.write(f"Warning: the server doesn't have a resource type '{resource}'{where}\n\n")
        return "", text, True


def run_can_i(ctx: Ctx, args: list[str]) -> int:
    if ctx.flag("list"):
        if args:
            raise CommandError("list option must be specified with no arguments")
        return _list_rules(ctx)
    if len(args) != 2:
        raise CommandError("you must specify two arguments: verb resource or verb "
                           "resource/resourceName.\nSee 'kubectl auth can-i -h' for help and "
                           "examples.")
    verb, target = args
    all_ns = ctx.flag("all-namespaces")
    sub = ctx.flag("subresource")
    spec: dict[str, Any]
    if target.startswith("/"):
        if sub:
            raise CommandError("--subresource can not be used with NonResourceURL")
        if verb not in _NON_RESOURCE_VERBS:
            ctx.err.write(f"Warning: verb '{verb}' is not a known verb\n\n")
        spec = {"nonResourceAttributes": {"path": target, "verb": verb}}
    else:
        head, _, name = target.partition("/")
        group, resource, namespaced = _resource(ctx, head)
        if not namespaced and not all_ns:
            where = f" in group '{group}'" if group else ""
            ctx.err.write(f"Warning: resource '{resource}' is not namespace scoped{where}\n\n")
        if verb not in _RESOURCE_VERBS:
            ctx.err.write(f"Warning: verb '{verb}' is not a known verb\n\n")
        attrs = {"namespace": "" if all_ns else ctx.namespace, "verb": verb, "group": group,
                 "resource": resource, "subresource": sub, "name": name}
        spec = {"resourceAttributes": {k: v for k, v in attrs.items() if v}}
    answer = ctx.client.create({"apiVersion": "authorization.k8s.io/v1",
                                "kind": "SelfSubjectAccessReview", "metadata": {},
                                "spec": spec})
    status = answer.get("status") or {}
    if not ctx.flag("quiet"):
        if status.get("allowed"):
            ctx.out.write("yes\n")
        else:
            extra = "".join(f" - {status[k]}" for k in ("reason", "evaluationError")
                            if status.get(k))
            ctx.out.write(f"no{extra}\n")
    return 0 if status.get("allowed") else 1


def _layout(rows: list[tuple[str, ...]]) -> str:
    """kubectl's printer tabwriter (minimum width 6, padding 3)."""
    widths = [max(max(len(r[i]) for r in rows) + 3, 6) for i in range(len(rows[0]) - 1)]
    return "".join("".join(c.ljust(w) for c, w in zip(r[:-1], widths, strict=True)) + r[-1] + "\n"
                   for r in rows)


def _list_rules(ctx: Ctx) -> int:
    namespace = "" if ctx.flag("all-namespaces") else ctx.namespace
    answer = ctx.client.create({"apiVersion": "authorization.k8s.io/v1",
                                "kind": "SelfSubjectRulesReview", "metadata": {},
                                "spec": {"namespace": namespace}})
    status = answer.get("status") or {}
    if status.get("incomplete"):
        ctx.err.write(f"warning: the list may be incomplete: {status.get('evaluationError', '')}\n")
    rules = list(status.get("resourceRules") or []) + list(status.get("nonResourceRules") or [])
    rows: list[tuple[str, ...]] = [] if ctx.flag("no-headers") else [
        ("Resources", "Non-Resource URLs", "Resource Names", "Verbs")]
    rows += access_rules(rules)
    if rows:
        ctx.out.write(_layout(rows))
    return 0


def run_whoami(ctx: Ctx, args: list[str]) -> int:
    answer = ctx.client.create({"apiVersion": "authentication.k8s.io/v1",
                                "kind": "SelfSubjectReview", "metadata": {}})
    info = (answer.get("status") or {}).get("userInfo") or {}
    rows = [("ATTRIBUTE", "VALUE"), ("Username", info.get("username", ""))]
    if info.get("uid"):
        rows.append(("UID", info["uid"]))
    if info.get("groups"):
        rows.append(("Groups", "[" + " ".join(info["groups"]) + "]"))
    for key in sorted(info.get("extra") or {}):
        rows.append((f"Extra: {key}", "[" + " ".join(info["extra"][key]) + "]"))
    ctx.out.write(_layout(rows))
    return 0


COMMAND = Command("auth", "Inspect authorization").add(
    Command("can-i", "Check whether an action is allowed", run_can_i, (
        Flag("all-namespaces", "bool", short="A"), Flag("list", "bool"),
        Flag("no-headers", "bool"), Flag("quiet", "bool", short="q"),
        Flag("subresource", "string"))),
    Command("whoami", "Experimental: Check self subject attributes", run_whoami,
            (Flag("output", "string", short="o"),)),
)
