"""`kubectl create role|clusterrole|rolebinding|clusterrolebinding|serviceaccount|token`
(kubectl pkg/cmd/create/create_role.go, create_clusterrole.go, create_rolebinding.go,
create_clusterrolebinding.go, create_serviceaccount.go, create_token.go).

The builders check their flags with kubectl's words, resolve `--resource` names through the
registry (`deploy` → `deployments` in `apps`, one rule per API group), and go through
`writes.submit` like every builder. `create token` asks the TokenRequest API through the
client and prints the token.
"""

from __future__ import annotations

from typing import Any

from kubenb.api.errors import ApiError
from kubenb.api.registry import UnknownResource
from kubenb.cli.kubectl.app import Command, CommandError, Ctx
from kubenb.cli.kubectl.flags import Flag, parse_duration
from kubenb.cli.kubectl.writes import WRITE_FLAGS, enforced_namespace, name_arg, submit

RBAC = "rbac.authorization.k8s.io"
_VERBS = ("get", "list", "watch", "create", "update", "patch", "delete", "deletecollection",
          "use", "bind", "escalate", "impersonate", "*")
_NON_RESOURCE_VERBS = ("get", "put", "post", "head", "options", "delete", "patch", "*")
# resources that exist only for a verb (kubectl's specialVerbs): no RESTMapper lookup
_SPECIAL = {"use": {("policy", "podsecuritypolicies"), ("extensions", "podsecuritypolicies")},
            "bind": {(RBAC, "roles"), (RBAC, "clusterroles")},
            "escalate": {(RBAC, "roles"), (RBAC, "clusterroles")},
            "impersonate": {("", "users"), ("", "serviceaccounts"), ("", "groups"),
                            ("authentication.k8s.io", "userextras"),
                            ("authentication.k8s.io", "uids")}}


class _NoMatch(Exception):
    """A RESTMapper miss: kubectl prints its message bare, without `error: `."""


def _meta(name: str, namespace: str) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name}
    if namespace:
        meta["namespace"] = namespace
    return meta


def _resource_rules(ctx: Ctx, verbs: list[str], resources: list[str],
                    names: list[str]) -> list[dict[str, Any]]:
    by_group: dict[str, list[str]] = {}
    for text in resources:
        head, _, sub = text.partition("/")
        resource, _, group = head.partition(".")
        if not resource:
            raise CommandError("resource must be specified if apiGroup/subresource specified")
        special = any((group, resource) in _SPECIAL.get(v, ()) for v in verbs)
        if resource != "*" and not special:
            try:
                rt = ctx.client.registry.lookup(head)
            except UnknownResource:
                raise _NoMatch(f'the server doesn\'t have a resource type "{resource}"') from None
            resource, group = rt.plural, rt.group
        full = f"{resource}/{sub}" if sub else resource
        if full not in by_group.setdefault(group, []):
            by_group[group].append(full)
    rules = []
    for group in sorted(by_group):
        rule: dict[str, Any] = {"verbs": verbs, "apiGroups": [group], "resources": by_group[group]}
        if names:
            rule["resourceNames"] = names
        rules.append(rule)
    return rules


def _role(ctx: Ctx, kind: str) -> dict[str, Any]:
    name = name_arg(ctx)
    verbs, resources = ctx.flag("verb"), ctx.flag("resource")
    urls = ctx.flag("non-resource-url") if kind == "ClusterRole" else []
    aggregation = ctx.flag("aggregation-rule") if kind == "ClusterRole" else ""
    if aggregation:
        if verbs or resources or urls:
            raise CommandError("aggregation rule must be specified without nonResourceURLs, "
                               "resources, verbs or resourceNames")
    else:
        if not verbs:
            raise CommandError("at least one verb must be specified")
        if not resources and not urls:
            raise CommandError("at least one resource must be specified" if kind == "Role" else
                               "one of resource or nonResourceURL must be specified")
        for verb in verbs:
            allowed = _VERBS if resources else _NON_RESOURCE_VERBS
            if verb not in allowed:
                ctx.err.write(f"Warning: '{verb}' is not a standard resource verb\n")
    rules = _resource_rules(ctx, verbs, resources, ctx.flag("resource-name")) if resources else []
    if urls:
        rules.append({"verbs": verbs, "nonResourceURLs": urls})
    obj: dict[str, Any] = {"kind": kind, "apiVersion": f"{RBAC}/v1",
                           "metadata": _meta(name, enforced_namespace(ctx) if kind == "Role" else ""),
                           "rules": rules}
    if aggregation:
        labels = dict(part.split("=", 1) for part in aggregation.split(",") if "=" in part)
        obj["aggregationRule"] = {"clusterRoleSelectors": [{"matchLabels": labels}]}
    return obj


def _subjects(ctx: Ctx) -> list[dict[str, Any]]:
    subjects: list[dict[str, Any]] = []
    for user in ctx.flag("user"):
        subjects.append({"kind": "User", "apiGroup": RBAC, "name": user})
    for group in ctx.flag("group"):
        subjects.append({"kind": "Group", "apiGroup": RBAC, "name": group})
    for account in ctx.flag("serviceaccount"):
        namespace, sep, name = account.partition(":")
        if not sep or not namespace or not name or ":" in name:
            raise CommandError("serviceaccount must be <namespace>:<name>")
        subjects.append({"kind": "ServiceAccount", "namespace": namespace, "name": name})
    return subjects


def _binding(ctx: Ctx, kind: str) -> dict[str, Any]:
    name = name_arg(ctx)
    role, cluster_role = (ctx.flag("role") if kind == "RoleBinding" else ""), ctx.flag("clusterrole")
    if kind == "RoleBinding" and bool(role) == bool(cluster_role):
        raise CommandError("exactly one of clusterrole or role must be specified")
    if kind == "ClusterRoleBinding" and not cluster_role:
        raise CommandError('required flag(s) "clusterrole" not set')
    ref = {"apiGroup": RBAC, "kind": "Role" if role else "ClusterRole", "name": role or cluster_role}
    namespace = enforced_namespace(ctx) if kind == "RoleBinding" else ""
    return {"kind": kind, "apiVersion": f"{RBAC}/v1", "metadata": _meta(name, namespace),
            "subjects": _subjects(ctx), "roleRef": ref}


def _runner(build: Any, kind: str, wrap: str) -> Any:
    def run(ctx: Ctx, args: list[str]) -> int:
        try:
            obj = build(ctx, kind)
        except _NoMatch as err:
            ctx.err.write(f"{err}\n")
            return 1
        return submit(ctx, obj, wrap)
    return run


def run_serviceaccount(ctx: Ctx, args: list[str]) -> int:
    obj = {"kind": "ServiceAccount", "apiVersion": "v1",
           "metadata": _meta(name_arg(ctx), enforced_namespace(ctx))}
    return submit(ctx, obj, "failed to create serviceaccount: ")


def run_token(ctx: Ctx, args: list[str]) -> int:
    name = name_arg(ctx)
    spec: dict[str, Any] = {"audiences": ctx.flag("audience") or None}
    seconds = parse_duration(ctx.flag("duration"))
    if seconds < 0:
        raise CommandError("--duration must be positive")
    if seconds:
        if seconds != int(seconds):
            raise CommandError("--duration cannot be expressed in units less than seconds")
        spec["expirationSeconds"] = int(seconds)
    request = {"apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest",
               "metadata": {"name": name, "namespace": ctx.namespace},
               "spec": {k: v for k, v in spec.items() if v is not None}}
    try:
        answer = ctx.client.request_token(ctx.namespace, name, request)
    except ApiError as err:
        raise CommandError(f"failed to create token: {err.message}") from None
    ctx.out.write(answer["status"]["token"] + "\n")
    return 0


_RULE_FLAGS = (Flag("verb", "strings"), Flag("resource", "strings"),
               Flag("resource-name", "stringArray"))
_SUBJECT_FLAGS = (Flag("user", "stringArray"), Flag("group", "stringArray"),
                  Flag("serviceaccount", "stringArray"))

COMMANDS = (
    Command("clusterrole", "Create a cluster role", _runner(_role, "ClusterRole",
            "failed to create clusterrole: "),
            WRITE_FLAGS + _RULE_FLAGS + (Flag("non-resource-url", "strings"),
                                         Flag("aggregation-rule", "string"))),
    Command("clusterrolebinding", "Create a cluster role binding for a particular cluster role",
            _runner(_binding, "ClusterRoleBinding", "failed to create clusterrolebinding: "),
            WRITE_FLAGS + (Flag("clusterrole", "string"),) + _SUBJECT_FLAGS),
    Command("role", "Create a role with single rule", _runner(_role, "Role",
            "failed to create role: "), WRITE_FLAGS + _RULE_FLAGS),
    Command("rolebinding", "Create a role binding for a particular role or cluster role",
            _runner(_binding, "RoleBinding", "failed to create rolebinding: "),
            WRITE_FLAGS + (Flag("role", "string"), Flag("clusterrole", "string")) + _SUBJECT_FLAGS),
    Command("serviceaccount", "Create a service account with the specified name",
            run_serviceaccount, WRITE_FLAGS, aliases=("sa",)),
    Command("token", "Request a service account token", run_token,
            WRITE_FLAGS + (Flag("audience", "stringArray"), Flag("duration", "duration"),
                           Flag("bound-object-kind", "string"),
                           Flag("bound-object-name", "string"),
                           Flag("bound-object-uid", "string"))),
)
