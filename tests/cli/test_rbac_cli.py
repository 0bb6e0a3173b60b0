"""RBAC from %kubectl on an in-process cluster: builders, can-i, whoami and --as."""

from __future__ import annotations

from typing import Any

from tests.conftest import Kube

FORBIDDEN_LIST = ('Error from server (Forbidden): pods is forbidden: User "jane" cannot list '
                  'resource "pods" in API group "" in the namespace "default"\n')


def test_as_a_user_without_bindings_everything_is_forbidden(kube: Kube) -> None:
    run = kube("get pods --as=jane")
    assert (run.out, run.err, run.rc) == ("", FORBIDDEN_LIST, 1)
    run = kube("create deployment web --image=nginx --as=jane")
    assert run.err == ('error: failed to create deployment: deployments.apps is forbidden: User '
                       '"jane" cannot create resource "deployments" in API group "apps" in the '
                       'namespace "default"\n')
    assert kube.cluster.store.try_get("Deployment", "default", "web") is None
    assert (kube("auth can-i list pods --as=jane").out, kube("auth can-i list pods").out) == (
        "no\n", "yes\n")


def test_a_binding_lets_the_user_do_what_its_role_says(kube: Kube, vcluster: Any) -> None:
    assert kube("create role reader --verb=get,list,watch --resource=pods,deploy").out == (
        "role.rbac.authorization.k8s.io/reader created\n")
    assert kube("create rolebinding jane-reads --role=reader --user=jane").out == (
        "rolebinding.rbac.authorization.k8s.io/jane-reads created\n")
    assert kube("get pods --as=jane").rc == 0
    assert kube("get deploy --as=jane").rc == 0
    assert kube("get pods -n kube-system --as=jane").rc == 1
    assert kube("run web --image=nginx").rc == 0
    assert kube("delete pod web --as=jane").err == (
        'Error from server (Forbidden): pods "web" is forbidden: User "jane" cannot delete '
        'resource "pods" in API group "" in the namespace "default"\n')
    assert kube("auth can-i delete pods --as=jane").out == "no\n"
    assert kube("auth can-i watch deployments.apps --as=jane").out == "yes\n"
    assert kube("get rolebinding jane-reads -o wide").out.splitlines()[1].split() == [
        "jane-reads", "Role/reader", "0s", "jane"]


def test_groups_and_service_accounts_can_be_impersonated(kube: Kube) -> None:
    kube("create clusterrolebinding devs-view --clusterrole=cluster-admin --group=devs")
    assert kube("get nodes --as=jane --as-group=devs").rc == 0
    assert kube("get nodes --as=jane").rc == 1
    who = kube("auth whoami --as=system:serviceaccount:default:default")
    assert who.out == ("ATTRIBUTE   VALUE\n"
                       "Username    system:serviceaccount:default:default\n"
                       "Groups      [system:serviceaccounts system:serviceaccounts:default "
                       "system:authenticated]\n")
    run = kube("get pods --as-group=devs")
    assert (run.err, run.rc) == ("error: requesting uid or groups without impersonating a user\n", 1)


def test_impersonation_itself_is_authorized(kube: Kube) -> None:
    kube("create clusterrole impersonator --verb=impersonate --resource=users --resource-name=bob")
    kube("create clusterrolebinding jane-imp --clusterrole=impersonator --user=jane")
    kube("create clusterrolebinding bob-view --clusterrole=cluster-admin --user=bob")
    # jane may become bob, but not alice; kubectl --as only works for the kubeconfig's user,
    # so ask the authorizer the way the API server would for a request from jane
    assert kube("auth can-i impersonate users/bob --as=jane").out == "yes\n"
    assert kube("auth can-i impersonate users/alice --as=jane").out == "no\n"


def test_create_token_and_whoami(kube: Kube) -> None:
    assert kube("create serviceaccount bot").out == "serviceaccount/bot created\n"
    token = kube("create token bot").out.strip()
    assert token.count(".") == 2
    run = kube("create token ghost")
    assert (run.err, run.rc) == (
        'error: failed to create token: serviceaccounts "ghost" not found\n', 1)
    assert kube("auth whoami").out == ("ATTRIBUTE   VALUE\nUsername    minikube-user\n"
                                       "Groups      [system:masters system:authenticated]\n")


def test_builders_reject_bad_flags_in_kubectls_words(kube: Kube) -> None:
    cases = {
        "create role r --resource=pods": "error: at least one verb must be specified\n",
        "create role r --verb=get": "error: at least one resource must be specified\n",
        "create rolebinding b --user=u": "error: exactly one of clusterrole or role must be specified\n",
        "create rolebinding b --role=r --serviceaccount=nocolon":
            "error: serviceaccount must be <namespace>:<name>\n",
        "create role r --verb=get --resource=widgets":
            "the server doesn't have a resource type \"widgets\"\n",
    }
    for line, err in cases.items():
        run = kube(line)
        assert (run.err, run.rc) == (err, 1), line
    assert kube.cluster.store.list("Role", "default") == []


def test_service_accounts_may_read_the_issuer_discovery_documents(kube: Any) -> None:
    """kube-apiserver's bootstrap policy binds system:service-account-issuer-discovery to the
    group system:serviceaccounts, so `can-i --list` of any account shows the OIDC URLs."""
    sa = "--as=system:serviceaccount:default:default"
    assert kube(f"auth can-i get /openid/v1/jwks {sa}").out == "yes\n"
    assert kube("auth can-i get /.well-known/openid-configuration --as=jane").out == "no\n"
    listed = kube(f"auth can-i --list {sa}").out.splitlines()
    assert [line.split()[0] for line in listed if "openid" in line] == [
        "[/.well-known/openid-configuration/]", "[/.well-known/openid-configuration]",
        "[/openid/v1/jwks/]", "[/openid/v1/jwks]"]


def test_a_review_without_apiversion_is_refused_as_kubectl_does(kube: Any) -> None:
    """Found by the manifest fuzzer: a TokenReview without apiVersion crashed `-o name`.
    kubectl refuses it before sending anything (and, not validating, finds no mapping)."""
    r = kube("apply -f -", stdin="apiVersion: null\nkind: TokenReview\nmetadata: null\n")
    assert (r.rc, r.out, r.err) == (1, "", 'error: error validating "STDIN": error validating data: '
                                    "apiVersion not set; if you choose to ignore these errors, turn "
                                    "validation off with --validate=false\n")
    r = kube("apply -f - --validate=false", stdin="apiVersion: null\nkind: TokenReview\nmetadata: null\n")
    assert r.rc == 1 and 'no matches for kind "TokenReview" in version ""' in r.err
