"""The RBAC authorizer, bootstrap policy and ServiceAccount tokens, on a bare store."""

from __future__ import annotations

from typing import Any

import pytest

from kubenb.api.errors import Invalid
from kubenb.api.rbac import (
    ADMIN,
    Attributes,
    UserInfo,
    allowed,
    forbidden,
    service_account_user,
)
from kubenb.api.rbac_bootstrap import ensure_policy
from kubenb.api.reviews import review
from kubenb.api.store import Store
from kubenb.api.tokens import request_token, user_for
from kubenb.clock import VirtualClock

RBAC = "rbac.authorization.k8s.io/v1"
JANE = UserInfo("jane", ("system:authenticated",))


@pytest.fixture
def store() -> Store:
    s = Store(VirtualClock(), seed=1)
    s.ensure_namespaces(("default", "kube-system", "prod", "team", "other"))
    ensure_policy(s)
    return s


def role(name: str, rules: list[dict[str, Any]], namespace: str | None = "default") -> dict[str, Any]:
    kind = "Role" if namespace else "ClusterRole"
    meta = {"name": name, **({"namespace": namespace} if namespace else {})}
    return {"apiVersion": RBAC, "kind": kind, "metadata": meta, "rules": rules}


def binding(name: str, ref_kind: str, ref: str, subjects: list[dict[str, Any]],
            namespace: str | None = "default") -> dict[str, Any]:
    kind = "RoleBinding" if namespace else "ClusterRoleBinding"
    meta = {"name": name, **({"namespace": namespace} if namespace else {})}
    return {"apiVersion": RBAC, "kind": kind, "metadata": meta,
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": ref_kind, "name": ref},
            "subjects": subjects}


def can(store: Store, user: UserInfo, verb: str, resource: str, namespace: str = "default",
        group: str = "", sub: str = "", name: str = "") -> bool:
    return allowed(store, Attributes(user, verb, namespace, group, resource, sub, name))


def test_nobody_but_masters_may_do_anything_at_first(store: Store) -> None:
    assert can(store, ADMIN, "delete", "nodes", "")
    assert not can(store, JANE, "list", "pods")
    # every authenticated user may discover the API and review itself
    assert allowed(store, Attributes(JANE, "get", path="/apis/apps", resource_request=False))
    assert not allowed(store, Attributes(JANE, "get", path="/metrics", resource_request=False))
    assert can(store, JANE, "create", "selfsubjectaccessreviews", "", "authorization.k8s.io")


def test_a_rolebinding_grants_its_roles_rules_in_its_namespace_only(store: Store) -> None:
    store.create(role("reader", [{"apiGroups": [""], "resources": ["pods", "pods/log"],
                                  "verbs": ["get", "list"]}]))
    store.create(binding("jane-reads", "Role", "reader",
                         [{"kind": "User", "name": "jane"}]))
    assert can(store, JANE, "list", "pods")
    assert can(store, JANE, "get", "pods", sub="log", name="web")
    assert not can(store, JANE, "get", "pods", sub="exec", name="web")
    assert not can(store, JANE, "watch", "pods")
    assert not can(store, JANE, "list", "pods", namespace="kube-system")
    assert not can(store, JANE, "list", "pods", namespace="")  # all namespaces


def test_resource_names_groups_and_wildcards(store: Store) -> None:
    store.create(role("scaler", [
        {"apiGroups": ["apps"], "resources": ["*/scale"], "verbs": ["update"]},
        {"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["get"],
         "resourceNames": ["web"]}], namespace=None))
    store.create(binding("ops", "ClusterRole", "scaler",
                         [{"kind": "Group", "name": "ops"}], namespace="prod"))
    ops = UserInfo("sam", ("ops", "system:authenticated"))
    assert can(store, ops, "update", "deployments", "prod", "apps", "scale", "web")
    assert can(store, ops, "update", "statefulsets", "prod", "apps", "scale", "db")
    assert not can(store, ops, "update", "deployments", "prod", "", "scale", "web")  # group
    assert can(store, ops, "get", "deployments", "prod", "apps", name="web")
    assert not can(store, ops, "get", "deployments", "prod", "apps", name="api")
    assert not can(store, ops, "list", "deployments", "prod", "apps")
    assert not can(store, ops, "get", "deployments", "default", "apps", name="web")


def test_service_account_subjects_default_to_the_bindings_namespace(store: Store) -> None:
    store.create(role("reader", [{"apiGroups": [""], "resources": ["pods"], "verbs": ["list"]}],
                      namespace="team"))
    store.create(binding("bot", "Role", "reader", [{"kind": "ServiceAccount", "name": "bot"}],
                         namespace="team"))
    assert can(store, service_account_user("team", "bot"), "list", "pods", "team")
    assert not can(store, service_account_user("other", "bot"), "list", "pods", "team")


def test_kube_system_default_service_account_is_admin_as_on_minikube(store: Store) -> None:
    assert can(store, service_account_user("kube-system", "default"), "delete", "nodes", "")
    assert not can(store, service_account_user("default", "default"), "get", "pods")


def test_forbidden_message_and_details_are_kube_apiservers() -> None:
    err = forbidden(Attributes(JANE, "get", "default", "apps", "deployments", "", "web"))
    assert err.code == 403 and err.reason == "Forbidden"
    assert err.message == ('deployments.apps "web" is forbidden: User "jane" cannot get '
                           'resource "deployments" in API group "apps" in the namespace "default"')
    assert err.details == {"name": "web", "group": "apps", "kind": "deployments"}
    listing = forbidden(Attributes(JANE, "list", "", "", "nodes"))
    assert listing.message == ('nodes is forbidden: User "jane" cannot list resource "nodes" in '
                               'API group "" at the cluster scope')
    assert listing.details == {"kind": "nodes"}
    url = forbidden(Attributes(JANE, "get", path="/metrics", resource_request=False))
    assert url.message == 'forbidden: User "jane" cannot get path "/metrics"'


def test_access_reviews_answer_for_the_requester_or_the_named_user(store: Store) -> None:
    store.create(binding("jane-view", "ClusterRole", "view", [{"kind": "User", "name": "jane"}],
                         namespace=None))
    store.create(role("agg", [{"apiGroups": [""], "resources": ["pods"], "verbs": ["list"]}],
                      namespace=None))
    sar = {"apiVersion": "authorization.k8s.io/v1", "kind": "SubjectAccessReview",
           "spec": {"user": "jane", "resourceAttributes": {"verb": "list", "resource": "pods",
                                                            "namespace": "default"}}}
    # `view` is aggregated by its controller; on a bare store it has no rules yet
    assert review(store, sar)["status"] == {"allowed": False}
    self_review = {**sar, "kind": "SelfSubjectAccessReview"}
    assert review(store, self_review, JANE)["status"] == {"allowed": False}
    assert review(store, self_review)["status"] == {"allowed": True}  # the admin
    who = review(store, {"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview"})
    assert who["status"]["userInfo"] == {
        "username": "minikube-user", "groups": ["system:masters", "system:authenticated"]}
    with pytest.raises(Invalid, match="exactly one of nonResourceAttributes or resourceAttributes"):
        review(store, {**sar, "spec": {"user": "jane"}})


def _account(store: Store, name: str = "bot") -> dict[str, Any]:
    return store.create({"apiVersion": "v1", "kind": "ServiceAccount",
                         "metadata": {"name": name, "namespace": "default"}})


def _token(store: Store, seconds: int | None = None) -> str:
    spec = {} if seconds is None else {"expirationSeconds": seconds}
    answer = request_token(store, "default", "bot", {"spec": spec})
    return answer["status"]["token"]


def test_tokens_stand_for_their_account_until_they_expire(store: Store) -> None:
    sa = _account(store)
    token = _token(store)
    user = user_for(store, token)
    assert user == service_account_user("default", "bot", sa["metadata"]["uid"])
    assert user_for(store, token[:-2] + "xx") is None  # signature
    assert user_for(store, "not-a-token") is None
    store.clock.advance(3599)  # type: ignore[attr-defined]
    assert user_for(store, token) is not None
    store.clock.advance(1)  # type: ignore[attr-defined]
    assert user_for(store, token) is None


def test_a_token_dies_with_its_account_and_in_another_cluster(store: Store) -> None:
    _account(store)
    token = _token(store)
    other = Store(VirtualClock(), seed=1)
    other.ensure_namespaces()
    _account(other)
    assert user_for(other, token) is None
    store.delete("ServiceAccount", "default", "bot")
    _account(store)  # same name, new uid
    assert user_for(store, token) is None


def test_token_requests_are_validated(store: Store) -> None:
    _account(store)
    with pytest.raises(Invalid) as err:
        _token(store, 10)
    assert err.value.message == ('TokenRequest.authentication.k8s.io "bot" is invalid: '
                                 'spec.expirationSeconds: Invalid value: 10: may not specify a '
                                 'duration less than 10 minutes')
