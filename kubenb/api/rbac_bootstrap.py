"""The roles and bindings a new cluster starts with (kube-apiserver's bootstrap policy, plus minikube's).

`bootstrap_objects()` returns the ClusterRoles and ClusterRoleBindings the cluster writes once
at start: `cluster-admin` bound to `system:masters`, the user-facing `admin`/`edit`/`view`
(aggregated from the `system:aggregate-to-*` roles by the clusterrole-aggregation controller),
`system:basic-user`, `system:discovery`, `system:public-info-viewer`, `system:auth-delegator`,
`system:service-account-issuer-discovery` (every ServiceAccount may read the token issuer's
OIDC discovery document and keys),
and minikube's `minikube-rbac` binding that makes kube-system's default ServiceAccount a
cluster admin. Rules follow plugin/pkg/auth/authorizer/rbac/bootstrappolicy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kubenb.api.store import Store

RBAC = "rbac.authorization.k8s.io/v1"
READ = ("get", "list", "watch")
WRITE = ("create", "delete", "deletecollection", "patch", "update")
ALL = ("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch")
AGG = "rbac.authorization.k8s.io/aggregate-to-"


def _r(groups: tuple[str, ...], resources: tuple[str, ...], verbs: tuple[str, ...],
       names: tuple[str, ...] = ()) -> dict[str, Any]:
    rule: dict[str, Any] = {"verbs": list(verbs), "apiGroups": list(groups),
                            "resources": list(resources)}
    if names:
        rule["resourceNames"] = list(names)
    return rule


def _urls(urls: tuple[str, ...], verbs: tuple[str, ...] = ("get",)) -> dict[str, Any]:
    return {"verbs": list(verbs), "nonResourceURLs": list(urls)}


_VIEW = [
    _r(("",), ("configmaps", "endpoints", "persistentvolumeclaims", "persistentvolumeclaims/status",
               "pods", "replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts",
               "services", "services/status"), READ),
    _r(("",), ("bindings", "events", "limitranges", "namespaces/status", "pods/log", "pods/status",
               "replicationcontrollers/status", "resourcequotas", "resourcequotas/status"), READ),
    _r(("",), ("namespaces",), READ),
    _r(("discovery.k8s.io",), ("endpointslices",), READ),
    _r(("apps",), ("controllerrevisions", "daemonsets", "daemonsets/status", "deployments",
                   "deployments/scale", "deployments/status", "replicasets", "replicasets/scale",
                   "replicasets/status", "statefulsets", "statefulsets/scale",
                   "statefulsets/status"), READ),
    _r(("autoscaling",), ("horizontalpodautoscalers", "horizontalpodautoscalers/status"), READ),
    _r(("batch",), ("cronjobs", "cronjobs/status", "jobs", "jobs/status"), READ),
    _r(("extensions",), ("daemonsets", "daemonsets/status", "deployments", "deployments/scale",
                         "deployments/status", "ingresses", "ingresses/status", "networkpolicies",
                         "replicasets", "replicasets/scale", "replicasets/status",
                         "replicationcontrollers/scale"), READ),
    _r(("policy",), ("poddisruptionbudgets", "poddisruptionbudgets/status"), READ),
    _r(("networking.k8s.io",), ("ingresses", "ingresses/status", "networkpolicies"), READ),
]

_EDIT = [
    _r(("",), ("pods/attach", "pods/exec", "pods/portforward", "pods/proxy", "secrets",
               "services/proxy"), READ),
    _r(("",), ("serviceaccounts",), ("impersonate",)),
    _r(("",), ("pods", "pods/attach", "pods/exec", "pods/portforward", "pods/proxy"), WRITE),
    _r(("",), ("pods/eviction",), ("create",)),
    _r(("",), ("configmaps", "events", "persistentvolumeclaims", "replicationcontrollers",
               "replicationcontrollers/scale", "secrets", "serviceaccounts", "services",
               "services/proxy"), WRITE),
    _r(("",), ("serviceaccounts/token",), ("create",)),
    _r(("apps",), ("daemonsets", "deployments", "deployments/rollback", "deployments/scale",
                   "replicasets", "replicasets/scale", "statefulsets", "statefulsets/scale"),
       WRITE),
    _r(("autoscaling",), ("horizontalpodautoscalers",), WRITE),
    _r(("batch",), ("cronjobs", "jobs"), WRITE),
    _r(("extensions",), ("daemonsets", "deployments", "deployments/rollback", "deployments/scale",
                         "ingresses", "networkpolicies", "replicasets", "replicasets/scale",
                         "replicationcontrollers/scale"), WRITE),
    _r(("policy",), ("poddisruptionbudgets",), WRITE),
    _r(("networking.k8s.io",), ("ingresses", "networkpolicies"), WRITE),
    _r(("coordination.k8s.io",), ("leases",), ALL),
]

_ADMIN = [
    _r(("authorization.k8s.io",), ("localsubjectaccessreviews",), ("create",)),
    _r(("rbac.authorization.k8s.io",), ("rolebindings", "roles"), ALL),
]

_DISCOVERY = ("/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez", "/openapi",
              "/openapi/*", "/readyz", "/version", "/version/")


def _meta(name: str, labels: dict[str, str] | None = None) -> dict[str, Any]:
    return {"name": name,
            "labels": {"kubernetes.io/bootstrapping": "rbac-defaults", **(labels or {})},
            "annotations": {"rbac.authorization.kubernetes.io/autoupdate": "true"}}


def _role(name: str, rules: list[dict[str, Any]] | None, labels: dict[str, str] | None = None,
          aggregate: str | None = None) -> dict[str, Any]:
    role: dict[str, Any] = {"apiVersion": RBAC, "kind": "ClusterRole",
                            "metadata": _meta(name, labels)}
    if aggregate:
        role["aggregationRule"] = {"clusterRoleSelectors": [
            {"matchLabels": {AGG + aggregate: "true"}}]}
    role["rules"] = rules or []
    return role


def _binding(name: str, role: str, subjects: list[dict[str, Any]],
             labels: bool = True) -> dict[str, Any]:
    meta = _meta(name) if labels else {"name": name}
    return {"apiVersion": RBAC, "kind": "ClusterRoleBinding", "metadata": meta,
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole",
                        "name": role},
            "subjects": subjects}


def _group(name: str) -> dict[str, Any]:
    return {"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": name}


def bootstrap_objects() -> list[dict[str, Any]]:
    """The default ClusterRoles, then their ClusterRoleBindings, in creation order."""
    roles = [
        _role("cluster-admin", [_r(("*",), ("*",), ("*",)), _urls(("*",), ("*",))]),
        _role("admin", None, aggregate="admin"),
        _role("edit", None, {AGG + "admin": "true"}, aggregate="edit"),
        _role("view", None, {AGG + "edit": "true"}, aggregate="view"),
        _role("system:aggregate-to-admin", _ADMIN, {AGG + "admin": "true"}),
        _role("system:aggregate-to-edit", _EDIT, {AGG + "edit": "true"}),
        _role("system:aggregate-to-view", _VIEW, {AGG + "view": "true"}),
        _role("system:auth-delegator", [
            _r(("authentication.k8s.io",), ("tokenreviews",), ("create",)),
            _r(("authorization.k8s.io",), ("subjectaccessreviews",), ("create",))]),
        _role("system:basic-user", [
            _r(("authorization.k8s.io",), ("selfsubjectaccessreviews",
                                           "selfsubjectrulesreviews"), ("create",)),
            _r(("authentication.k8s.io",), ("selfsubjectreviews",), ("create",))]),
        _role("system:discovery", [_urls(_DISCOVERY)]),
        _role("system:public-info-viewer", [
            _urls(("/healthz", "/livez", "/readyz", "/version", "/version/"))]),
        _role("system:service-account-issuer-discovery", [
            _urls(("/.well-known/openid-configuration", "/.well-known/openid-configuration/",
                   "/openid/v1/jwks", "/openid/v1/jwks/"))]),
    ]
    bindings = [
        _binding("cluster-admin", "cluster-admin", [_group("system:masters")]),
        _binding("system:basic-user", "system:basic-user", [_group("system:authenticated")]),
        _binding("system:discovery", "system:discovery", [_group("system:authenticated")]),
        _binding("system:public-info-viewer", "system:public-info-viewer",
                 [_group("system:authenticated"), _group("system:unauthenticated")]),
        _binding("system:service-account-issuer-discovery", "system:service-account-issuer-discovery",
                 [_group("system:serviceaccounts")]),
        _binding("minikube-rbac", "cluster-admin",
                 [{"kind": "ServiceAccount", "name": "default", "namespace": "kube-system"}],
                 labels=False),
    ]
    return roles + bindings


def ensure_policy(store: Store) -> None:
    """Create the default roles and bindings that are missing (a restart keeps edits)."""
    for obj in bootstrap_objects():
        if store.try_get(obj["kind"], None, obj["metadata"]["name"]) is None:
            store.create(obj)
