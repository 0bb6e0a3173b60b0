"""Who is asking, and may they: authentication, impersonation and authorization of API requests.

`authenticate(api, headers, cert)`: a client certificate the cluster's CA signed names its
user (CN) and groups (O), as kube-apiserver's x509 authenticator reads them — the
kubeconfig's admin is `minikube-user` in `system:masters`, as on minikube; the server's own
bearer token stands for that admin too; any other bearer token must be a ServiceAccount token
this cluster issued (api/tokens.py); else None (401). `effective_user` applies `Impersonate-User`/`-Group`/`-Uid` headers after checking the
`impersonate` verb, as kube-apiserver's impersonation filter does. `request_attributes` is
kube-apiserver's RequestInfoFactory: verb, namespace, group, resource, subresource, name of
a path, or a non-resource URL. `check(api, user, method, path, query)` raises the RBAC
authorizer's Forbidden (api/rbac.py).
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from kubenb.api.rbac import (
    ADMIN,
    AUTHENTICATED,
    MASTERS,
    Attributes,
    UserInfo,
    authorize,
    impersonate,
)
from kubenb.api.tokens import user_for

if TYPE_CHECKING:
    from kubenb.server.app import ApiServer

_NAMESPACE_SUBRESOURCES = ("status", "finalize")
_STREAMS = ("exec", "attach", "portforward")
_VERBS = {"POST": "create", "PUT": "update", "PATCH": "patch", "DELETE": "delete"}


def from_certificate(cert: dict[str, Any] | None) -> UserInfo | None:
    """The user a verified client certificate names: CN the user, each O a group."""
    if not cert:
        return None
    name, groups = "", []
    for rdn in cert.get("subject") or ():
        for key, value in rdn:
            if key == "commonName":
                name = value
            elif key == "organizationName":
                groups.append(value)
    if not name:
        return None
    return UserInfo(name, (*groups, AUTHENTICATED))


def authenticate(api: ApiServer, headers: Mapping[str, str],
                 cert: dict[str, Any] | None = None) -> UserInfo | None:
    """The requester: a verified client certificate, else a bearer token, else None."""
    user = from_certificate(cert)
    if user is not None:
        return user
    parts = headers.get("Authorization", "").strip().split(" ", 2)
    if len(parts) < 2 or parts[0].lower() != "bearer":  # bearertoken.go: any case (client libraries
        return None                                     # in a pod send "bearer")
    token = parts[1]
    if hmac.compare_digest(token.encode("utf-8", "replace"), api.token.encode("utf-8")):
        return ADMIN
    return user_for(api.store, token)


def request_attributes(user: UserInfo, method: str, path: str, watch: bool) -> Attributes:
    parts = [p for p in path.split("?")[0].split("/") if p]
    if parts[:1] == ["api"] and len(parts) >= 3:
        group, rest = "", parts[2:]
    elif parts[:1] == ["apis"] and len(parts) >= 4:
        group, rest = parts[1], parts[3:]
    else:
        verb = "get" if method in ("GET", "HEAD") else _VERBS.get(method, method.lower())
        return Attributes(user, verb, path=path.split("?")[0], resource_request=False)
    if rest[0] == "watch":
        watch, rest = True, rest[1:]
    namespace = ""
    if rest and rest[0] == "namespaces" and len(rest) > 1:
        namespace = rest[1]
        if len(rest) > 2 and rest[2] not in _NAMESPACE_SUBRESOURCES:
            rest = rest[2:]
    resource = rest[0] if rest else ""
    name = rest[1] if len(rest) > 1 else ""
    sub = rest[2] if len(rest) > 2 else ""
    if method in ("GET", "HEAD"):
        verb = "watch" if watch else ("get" if name else "list")
    elif method == "DELETE" and not name:
        verb = "deletecollection"
    else:
        verb = _VERBS.get(method, method.lower())
    if sub in _STREAMS:
        verb = "create"  # a WebSocket upgrade (GET) needs create, as in Kubernetes 1.32
    return Attributes(user, verb, namespace, group, resource, sub, name)


def effective_user(api: ApiServer, user: UserInfo, headers: Any) -> UserInfo:
    """`user`, or whom it impersonates once RBAC has allowed the `impersonate` verb."""
    name = headers.get("Impersonate-User")
    if not name:
        return user
    groups = tuple(headers.get_list("Impersonate-Group")) if hasattr(headers, "get_list") else ()
    return impersonate(api.store, user, name, groups, headers.get("Impersonate-Uid") or "")


def check(api: ApiServer, user: UserInfo, method: str, path: str, watch: bool) -> None:
    """Raise Forbidden unless `user` may make this request."""
    if MASTERS in user.groups:
        return
    authorize(api.store, request_attributes(user, method, path, watch))
