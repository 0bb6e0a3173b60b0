"""Expectations about access: may a user or a ServiceAccount do something (RBAC)?

`kubenb.expect.access("system:serviceaccount:default:reader", "list", "services")` asks the
API server the question `kubectl auth can-i --as=...` asks: it creates a SubjectAccessReview
(written nowhere; the server answers it from the Roles, ClusterRoles and bindings it holds)
for that user — with the groups the API server gives a ServiceAccount's token — and reads
`status.allowed`.
"""

from __future__ import annotations

from typing import Any

from kubenb.api.registry import UnknownResource
from kubenb.cli.findings import Expectation, Finding, t

_SA = "system:serviceaccount:"


def _groups(user: str) -> list[str]:
    """The groups the authenticator adds to `user`'s requests (ServiceAccounts: their own)."""
    if user.startswith(_SA) and user.count(":") == 3:
        namespace = user.split(":")[2]
        return ["system:serviceaccounts", f"system:serviceaccounts:{namespace}", "system:authenticated"]
    return ["system:authenticated"]


def _resource(client: Any, text: str) -> tuple[str, str]:
    """(group, resource) of `pods`, `svc`, `deployments.apps`, as kubectl resolves the name;
    a name the server does not know is asked about as written."""
    try:
        rt = client.registry.lookup(text.lower())
    except UnknownResource:
        resource, _, group = text.lower().partition(".")
        return group, resource
    return rt.group, rt.plural


def access(user: str, verb: str, resource: str, *, namespace: str = "default",
           allowed: bool = True) -> Expectation:
    """`user` may (`allowed=True`) or may not (`allowed=False`) `verb` `resource` in `namespace`."""

    def evaluate(client: Any) -> list[Finding]:
        group, plural = _resource(client, resource)
        attrs = {"namespace": namespace, "verb": verb, "group": group, "resource": plural}
        answer = client.create({
            "apiVersion": "authorization.k8s.io/v1", "kind": "SubjectAccessReview", "metadata": {},
            "spec": {"user": user, "groups": _groups(user),
                     "resourceAttributes": {k: v for k, v in attrs.items() if v}}})
        have = bool((answer.get("status") or {}).get("allowed"))
        ok = have == allowed
        what = f"{plural}.{group}" if group else plural
        return [(ok, t(
            f"{user} {'can' if have else 'cannot'} {verb} {what} in namespace {namespace}"
            + ("" if ok else (", it should" if allowed else ", it should not")),
            f"{user} {'可以' if have else '不能'}在命名空间 {namespace} 中对 {what} 执行 {verb}"
            + ("" if ok else ("，它应当可以" if allowed else "，它不应当可以"))))]

    return evaluate
