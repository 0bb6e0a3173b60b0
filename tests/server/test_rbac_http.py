"""RBAC over HTTP: ServiceAccount tokens are authorized, admins are not limited, impersonation
needs its verb, and kubenb's kubectl prints what real kubectl prints for the RBAC commands."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import Kube
from tests.server.conftest import KUBECTL_132, Served


@pytest.fixture
def account(served: Served) -> Iterator[str]:
    """A ServiceAccount `bot` in `default`, its token; bindings made by a test are removed."""
    assert served.kubectl("create", "serviceaccount", "bot").rc == 0
    token = served.kubectl("create", "token", "bot").out.strip()
    try:
        yield token
    finally:
        served.kubectl("delete", "rolebinding,role", "--all")
        served.kubectl("delete", "serviceaccount", "bot")


def test_a_token_without_bindings_is_refused_on_every_verb(served: Served, account: str) -> None:
    for args in (("get", "pods"), ("get", "nodes"), ("create", "deployment", "x", "--image=nginx"),
                 ("delete", "service", "kubernetes"), ("get", "pods", "-w")):
        run = served.kubectl("--token", account, *args, binary=KUBECTL_132)
        assert run.rc == 1, args
        assert " is forbidden: User \"system:serviceaccount:default:bot\" cannot" in run.err, args
    run = served.kubectl("--token", account, "get", "deploy", binary=KUBECTL_132)
    assert run.err == ('Error from server (Forbidden): deployments.apps is forbidden: User '
                       '"system:serviceaccount:default:bot" cannot list resource "deployments" in '
                       'API group "apps" in the namespace "default"\n')
    reply = served.request("GET", "/api/v1/namespaces/default/pods/web",
                           headers={"Authorization": f"Bearer {account}"}, token=False)
    assert reply.status == 403
    assert reply.json() == {
        "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
        "message": 'pods "web" is forbidden: User "system:serviceaccount:default:bot" cannot get '
                   'resource "pods" in API group "" in the namespace "default"',
        "reason": "Forbidden", "details": {"name": "web", "kind": "pods"}, "code": 403}
    assert served.store.try_get("Deployment", "default", "x") is None


def test_a_rolebinding_opens_exactly_its_rules(served: Served, account: str) -> None:
    assert served.kubectl("create", "role", "reader", "--verb=get,list",
                          "--resource=pods").out == "role.rbac.authorization.k8s.io/reader created\n"
    assert served.kubectl("create", "rolebinding", "bot-reads", "--role=reader",
                          "--serviceaccount=default:bot").rc == 0
    assert served.kubectl("--token", account, "get", "pods").rc == 0
    assert served.kubectl("--token", account, "get", "pods", "-n", "kube-system").rc == 1
    assert served.kubectl("--token", account, "auth", "can-i", "list", "pods").out == "yes\n"
    no = served.kubectl("--token", account, "auth", "can-i", "create", "pods")
    assert (no.out, no.rc) == ("no\n", 1)
    listing = served.kubectl("--token", account, "auth", "can-i", "--list", binary=KUBECTL_132)
    # the Non-Resource URLs column is as wide as the issuer discovery URL every account may get
    assert ("pods                                            []                                     []"
            "               [get list]") in listing.out
    who = served.kubectl("--token", account, "auth", "whoami", binary=KUBECTL_132)
    assert who.out.splitlines()[1] == "Username    system:serviceaccount:default:bot"


def test_impersonation_needs_the_impersonate_verb(served: Served, account: str) -> None:
    run = served.kubectl("--token", account, "get", "pods", "--as=jane")
    assert run.err == ('Error from server (Forbidden): users "jane" is forbidden: User '
                       '"system:serviceaccount:default:bot" cannot impersonate resource "users" '
                       'in API group "" at the cluster scope\n')
    assert served.kubectl("auth", "can-i", "get", "pods", "--as=jane").out == "no\n"
    assert served.kubectl("create", "clusterrolebinding", "jane-view", "--clusterrole=view",
                          "--user=jane").rc == 0
    try:
        served.cluster.wait_for(lambda: served.kubectl(
            "auth", "can-i", "get", "pods", "--as=jane").out == "yes\n", 60)
        assert served.kubectl("get", "pods", "--as=jane").rc == 0
        assert served.kubectl("delete", "svc", "kubernetes", "--as=jane").rc == 1
    finally:
        served.kubectl("delete", "clusterrolebinding", "jane-view")


def test_review_kinds_are_answered_not_stored(served: Served) -> None:
    body = {"apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectAccessReview",
            "spec": {"resourceAttributes": {"verb": "delete", "resource": "nodes"}}}
    reply = served.request("POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", body)
    assert reply.status == 201
    assert reply.json()["status"] == {"allowed": True}
    other = served.request("POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", body,
                           headers={"Impersonate-User": "jane"})
    assert other.json()["status"] == {"allowed": False}


@pytest.mark.parametrize("line", [
    "get clusterrolebindings -o wide",
    "get clusterroles",
    "auth can-i list pods",
    "auth can-i get nodes",
    "auth can-i get /version",
    "auth can-i frob widgets",
    "auth whoami",
    "auth can-i --list",
    "auth can-i --list -n kube-system --no-headers",
    "auth can-i --list pods",
    "create role r --verb=get --resource=deploy,pods,rs/scale --dry-run=server -o yaml",
    "create role r --resource=pods",
    "create role r --verb=get --resource=widgets",
    "create rolebinding b --role=r --clusterrole=c",
    "create rolebinding b --clusterrole=view --serviceaccount=bad --dry-run=server",
    "create clusterrolebinding b --clusterrole=view --user=u --group=g "
    "--serviceaccount=ns:sa -o yaml --dry-run=server",
])
def test_kubenb_kubectl_prints_what_kubectl_prints(served: Served, line: str) -> None:
    ours = Kube(served.cluster)(line)
    theirs = served.kubectl(*line.split(), binary=KUBECTL_132)
    if "-o json" in line or "-o yaml" in line:
        def strip(text: str) -> str:
            return "\n".join(x for x in text.splitlines()
                             if "creationTimestamp" not in x and '"uid"' not in x
                             and "uid:" not in x)
        assert strip(ours.out) == strip(theirs.out)
    else:
        assert re.sub(r"\d+s ", "AGE", ours.out) == re.sub(r"\d+s ", "AGE", theirs.out)
    assert (ours.err, ours.rc) == (theirs.err, theirs.rc)


def test_create_token_over_the_in_process_client_is_accepted_by_the_server(
        served: Served, account: str) -> None:
    token = Kube(served.cluster)("create token bot --duration=20m").out.strip()
    claims = json.loads(__import__("base64").urlsafe_b64decode(token.split(".")[1] + "=="))
    assert claims["exp"] - claims["iat"] == 1200
    assert claims["sub"] == "system:serviceaccount:default:bot"
    run = served.kubectl("--token", token, "auth", "whoami")
    assert run.rc == 0 and "system:serviceaccount:default:bot" in run.out


def test_apiservices_as_kubectl_lists_them(served: Served) -> None:
    run = served.kubectl("get", "apiservices", binary=KUBECTL_132)
    lines = run.out.splitlines()
    assert lines[0].split() == ["NAME", "SERVICE", "AVAILABLE", "AGE"]
    assert lines[1].split()[:3] == ["v1.", "Local", "True"]
    mine = Kube(served.cluster)("get apiservices").out.splitlines()[:2]
    # AGE (last column) may cross a second boundary between the two commands
    assert [line.split()[:-1] for line in mine] == [line.split()[:-1] for line in lines[:2]]
    assert [len(line) - len(line.split()[-1]) for line in mine] == [
        len(line) - len(line.split()[-1]) for line in lines[:2]]  # the same column widths


@pytest.mark.parametrize("line", [
    "describe clusterrole view", "describe clusterrole edit", "describe clusterrole cluster-admin",
    "describe clusterrole system:discovery", "describe clusterrolebinding cluster-admin",
    "describe clusterrolebinding minikube-rbac", "describe clusterrole mixed",
    "describe role mixed -n kube-public", "describe rolebinding mixed -n kube-public",
])
def test_describe_rbac_as_kubectl(served: Served, line: str) -> None:
    mixed = [{"apiGroups": ["", "apps"], "resources": ["pods", "deployments/scale"],
              "verbs": ["get", "update"], "resourceNames": ["a", "b"]},
             {"apiGroups": [""], "resources": ["pods"], "verbs": ["list"]},
             {"apiGroups": [""], "resources": ["pods"], "verbs": ["watch", "list"]}]
    store = served.store
    for kind, ns in (("ClusterRole", None), ("Role", "kube-public")):
        if store.try_get(kind, ns, "mixed") is None:
            meta = {"name": "mixed", **({"namespace": ns} if ns else {})}
            store.create({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": kind,
                          "metadata": meta, "rules": mixed})
    if store.try_get("RoleBinding", "kube-public", "mixed") is None:
        store.create({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
                      "metadata": {"name": "mixed", "namespace": "kube-public",
                                   "labels": {"a": "b"}},
                      "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role",
                                  "name": "mixed"},
                      "subjects": [{"kind": "User", "name": "u"},
                                   {"kind": "ServiceAccount", "name": "s", "namespace": "x"}]})
    served.cluster.wait_for(lambda: bool(store.get("ClusterRole", None, "edit").get("rules")), 30)
    ours = Kube(served.cluster)(line)
    theirs = served.kubectl(*line.split(), binary=KUBECTL_132)
    assert (ours.out, ours.err, ours.rc) == (theirs.out, theirs.err, theirs.rc)


def test_kubenb_kubectl_over_http_impersonates_with_headers(served: Served) -> None:
    import io

    from kubenb.cli.kubectl.main import kubectl
    from kubenb.client.http import HttpClient

    client = HttpClient.from_kubeconfig(str(served.kubeconfig))
    try:
        out, err = io.StringIO(), io.StringIO()
        rc = kubectl(["get", "pods", "--as=jane"], client, out, err)
        assert (rc, err.getvalue()) == (1, (
            'Error from server (Forbidden): pods is forbidden: User "jane" cannot list resource '
            '"pods" in API group "" in the namespace "default"\n'))
        out, err = io.StringIO(), io.StringIO()
        assert kubectl(["auth", "whoami", "--as=jane", "--as-group=devs"], client, out, err) == 0
        assert out.getvalue().splitlines()[1:] == ["Username    jane",
                                                   "Groups      [devs system:authenticated]"]
    finally:
        client.close()


def _cert_request(served: Served, path: str, cert: str, key: str) -> tuple[int, bytes]:
    import http.client
    import ssl

    ctx = ssl.create_default_context(cafile=served.api.ca_file)
    ctx.load_cert_chain(cert, key)
    conn = http.client.HTTPSConnection("127.0.0.1", served.api.port, context=ctx, timeout=30)
    try:
        conn.request("POST", path, body=json.dumps({
            "apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview"}),
            headers={"Content-Type": "application/json"})
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def test_client_certificates_name_the_user_and_groups(served: Served, tmp_path: Any) -> None:
    import shutil

    from kubenb.server.tls import issue_client_cert

    certs = served.api.certs
    assert certs is not None
    status, body = _cert_request(served, "/apis/authentication.k8s.io/v1/selfsubjectreviews",
                                 certs.client_cert_file, certs.client_key_file)
    assert status == 201
    assert json.loads(body)["status"]["userInfo"] == {
        "username": "minikube-user", "groups": ["system:masters", "system:authenticated"]}
    for name in ("ca.crt", "ca.key"):
        shutil.copy(os.path.join(os.path.dirname(certs.ca_file), name), tmp_path / name)
    issue_client_cert(str(tmp_path), "jane", "jane", ("devs", "qa"))
    status, body = _cert_request(served, "/apis/authentication.k8s.io/v1/selfsubjectreviews",
                                 str(tmp_path / "jane.crt"), str(tmp_path / "jane.key"))
    assert json.loads(body)["status"]["userInfo"] == {
        "username": "jane", "groups": ["devs", "qa", "system:authenticated"]}
    status, _ = _cert_request(served, "/api/v1/namespaces/default/pods",
                              str(tmp_path / "jane.crt"), str(tmp_path / "jane.key"))
    assert status == 403


def test_a_certificate_from_another_ca_is_refused(served: Served, tmp_path: Any) -> None:
    import ssl

    from kubenb.server.tls import make_certs

    other = make_certs(str(tmp_path / "other"))
    with pytest.raises((ssl.SSLError, ConnectionError)):
        _cert_request(served, "/api/v1/namespaces/default/pods", other.client_cert_file,
                      other.client_key_file)


def test_a_token_from_another_cluster_is_refused(served: Served) -> None:
    from kubenb.api.tokens import request_token
    from kubenb.cluster import Cluster

    other = Cluster(seed=7)
    other.store.ensure_namespaces()
    account = {"apiVersion": "v1", "kind": "ServiceAccount",
               "metadata": {"name": "twin", "namespace": "default"}}
    uid = other.store.create(account)["metadata"]["uid"]
    token = request_token(other.store, "default", "twin", {"spec": {}})["status"]["token"]
    served.store.create(account, uid=uid)  # a twin account: only the signing key differs
    try:
        reply = served.request("GET", "/api/v1/namespaces/default/pods", token=False,
                               headers={"Authorization": f"Bearer {token}"})
        assert reply.status == 401
        assert reply.json()["reason"] == "Unauthorized"
    finally:
        served.store.delete("ServiceAccount", "default", "twin")
