"""The RBAC authorizer: may this user do this verb on this resource? (plugin/pkg/auth/authorizer/rbac)

`authorize(store, attrs)` reads ClusterRoleBindings, then the RoleBindings of the request's
namespace, and allows as soon as one rule of a role bound to the user covers the request
(`RuleAllows`: verb, API group, `resource/subresource`, resource names, or non-resource URLs).
Members of `system:masters` pass before RBAC is asked, as kube-apiserver's privileged-group
authorizer lets them. `forbidden(attrs)` is the 403 the API server answers otherwise, in
its words (`forbiddenMessage`). Callers: the HTTP server for every request, and the access
reviews (api/reviews.py) that `kubectl auth can-i` creates.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kubenb.api.errors import Forbidden

if TYPE_CHECKING:
    from kubenb.api.store import Store

MASTERS = "system:masters"
AUTHENTICATED = "system:authenticated"
SA_PREFIX = "system:serviceaccount:"


@dataclass(frozen=True)
class UserInfo:
    name: str
    groups: tuple[str, ...] = ()
    uid: str = ""
    extra: dict[str, list[str]] = field(default_factory=dict, compare=False, hash=False)

    def as_json(self) -> dict[str, Any]:
        """authentication.k8s.io UserInfo (what SelfSubjectReview and TokenReview return)."""
        out: dict[str, Any] = {"username": self.name}
        if self.uid:
            out["uid"] = self.uid
        if self.groups:
            out["groups"] = list(self.groups)
        if self.extra:
            out["extra"] = self.extra
        return out


# What minikube's kubeconfig user is: its client certificate says CN=minikube-user,
# O=system:masters. The API server's bearer token stands for that certificate.
ADMIN = UserInfo("minikube-user", (MASTERS, AUTHENTICATED))


def service_account_user(namespace: str, name: str, uid: str = "") -> UserInfo:
    return UserInfo(f"{SA_PREFIX}{namespace}:{name}",
                    ("system:serviceaccounts", f"system:serviceaccounts:{namespace}",
                     AUTHENTICATED), uid)


@dataclass(frozen=True)
class Attributes:
    """authorizer.Attributes: one request as the authorizer sees it."""

    user: UserInfo
    verb: str
    namespace: str = ""
    api_group: str = ""
    resource: str = ""
    subresource: str = ""
    name: str = ""
    path: str = ""
    resource_request: bool = True


def _verb(rule: dict[str, Any], verb: str) -> bool:
    verbs = rule.get("verbs") or []
    return "*" in verbs or verb in verbs


def _rule_allows(rule: dict[str, Any], a: Attributes) -> bool:
    if not _verb(rule, a.verb):
        return False
    if not a.resource_request:
        for url in rule.get("nonResourceURLs") or []:
            if url == "*" or url == a.path or (url.endswith("*") and a.path.startswith(url[:-1])):
                return True
        return False
    groups = rule.get("apiGroups") or []
    if "*" not in groups and a.api_group not in groups:
        return False
    resources = rule.get("resources") or []
    combined = f"{a.resource}/{a.subresource}" if a.subresource else a.resource
    if not ("*" in resources or combined in resources
            or (a.subresource and f"*/{a.subresource}" in resources)):
        return False
    names = rule.get("resourceNames") or []
    return not names or a.name in names


def _applies(subject: dict[str, Any], user: UserInfo, namespace: str) -> bool:
    kind = subject.get("kind")
    if kind == "User":
        return subject.get("name") == user.name
    if kind == "Group":
        return subject.get("name") in user.groups
    if kind == "ServiceAccount":
        ns = subject.get("namespace") or namespace
        return bool(ns) and user.name == f"{SA_PREFIX}{ns}:{subject.get('name')}"
    return False


def _role_rules(store: Store, ref: dict[str, Any], namespace: str) -> list[dict[str, Any]]:
    if ref.get("kind") == "ClusterRole":
        role = store.try_get("ClusterRole", None, ref.get("name", ""))
    else:
        role = store.try_get("Role", namespace, ref.get("name", ""))
    return list((role or {}).get("rules") or [])


def _bindings(store: Store, namespace: str) -> Iterator[tuple[dict[str, Any], str]]:
    for b in store.list("ClusterRoleBinding"):
        yield b, ""
    if namespace:
        for b in store.list("RoleBinding", namespace):
            yield b, namespace


def rules_for(store: Store, user: UserInfo, namespace: str) -> Iterator[dict[str, Any]]:
    """Every rule that applies to `user` in `namespace` ("" = cluster-wide rules only)."""
    for binding, ns in _bindings(store, namespace):
        if any(_applies(s, user, ns) for s in binding.get("subjects") or []):
            yield from _role_rules(store, binding.get("roleRef") or {}, ns)


def allowed(store: Store, a: Attributes) -> bool:
    if MASTERS in a.user.groups:
        return True
    return any(_rule_allows(r, a) for r in rules_for(store, a.user, a.namespace))


def forbidden_message(a: Attributes) -> str:
    """kube-apiserver's forbiddenMessage."""
    if not a.resource_request:
        return f'User "{a.user.name}" cannot {a.verb} path "{a.path}"'
    resource = f"{a.resource}/{a.subresource}" if a.subresource else a.resource
    where = (f'in the namespace "{a.namespace}"' if a.namespace else "at the cluster scope")
    return (f'User "{a.user.name}" cannot {a.verb} resource "{resource}" in API group '
            f'"{a.api_group}" {where}')


def forbidden(a: Attributes) -> Forbidden:
    """The 403 Status: `pods "x" is forbidden: User … cannot get resource …`."""
    message = forbidden_message(a)
    if not a.resource_request:
        return Forbidden(f"forbidden: {message}")
    qualified = f"{a.resource}.{a.api_group}" if a.api_group else a.resource
    head = f'{qualified} "{a.name}"' if a.name else qualified
    details: dict[str, Any] = {"name": a.name, "group": a.api_group, "kind": a.resource}
    return Forbidden(f"{head} is forbidden: {message}",
                     details={k: v for k, v in details.items() if v})


def authorize(store: Store, a: Attributes) -> None:
    """Raise the API server's Forbidden unless `a` is allowed."""
    if not allowed(store, a):
        raise forbidden(a)


def match_any(rules: Iterable[dict[str, Any]], a: Attributes) -> bool:
    return any(_rule_allows(r, a) for r in rules)


def impersonate(store: Store, user: UserInfo, name: str, groups: tuple[str, ...] = (),
                uid: str = "") -> UserInfo:
    """Whom `user` becomes by impersonating `name` (and `groups`, `uid`), once RBAC allows
    the `impersonate` verb on each (kube-apiserver's impersonation filter)."""
    if name.startswith(SA_PREFIX) and name.count(":") == 3:
        ns, account = name[len(SA_PREFIX):].split(":")
        authorize(store, Attributes(user, "impersonate", ns, "", "serviceaccounts", name=account))
        target_groups = groups or service_account_user(ns, account).groups
    else:
        authorize(store, Attributes(user, "impersonate", "", "", "users", name=name))
        target_groups = groups
    for group in groups:
        authorize(store, Attributes(user, "impersonate", "", "", "groups", name=group))
    if uid:
        authorize(store, Attributes(user, "impersonate", "", "authentication.k8s.io", "uids",
                                    name=uid))
    if AUTHENTICATED not in target_groups and name != "system:anonymous":
        target_groups = (*target_groups, AUTHENTICATED)
    return UserInfo(name, tuple(target_groups), uid)
