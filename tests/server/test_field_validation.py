"""`fieldValidation`: unknown fields fail (Strict), warn (Warn, the default) or vanish (Ignore),
with kube-apiserver's messages and Warning headers; real kubectl prints them as it would."""

from __future__ import annotations

import json
from typing import Any

import pytest

from kubenb.api.registry import REGISTRY
from kubenb.server.fields import drop_unknown, go_value
from tests import builders

from .conftest import KUBECTL_132, Served

DEPLOY = "/apis/apps/v1/namespaces/default/deployments"


def with_unknown(name: str) -> dict[str, Any]:
    d = builders.deployment(name, namespace=None)
    d["spec"] = {"foo": 1, **d["spec"]}  # the decoder reports in document order
    d["spec"]["template"]["spec"]["containers"][0]["bogus"] = True
    return d


def test_strict_create_is_refused_with_the_decoders_words(served: Served) -> None:
    r = served.request("POST", f"{DEPLOY}?fieldValidation=Strict", with_unknown("strict"))
    assert r.status == 400
    assert r.json()["message"] == (
        'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: '
        'unknown field "spec.foo", unknown field "spec.template.spec.containers[0].bogus"')
    assert served.store.try_get("Deployment", "default", "strict") is None


@pytest.mark.parametrize("query", ["", "?fieldValidation=Warn"])
def test_warn_drops_the_fields_and_says_so_in_warning_headers(served: Served,
                                                              query: str) -> None:
    conn = served.connection()
    try:
        conn.request("POST", DEPLOY + query, body=json.dumps(with_unknown("warned")),
                     headers={"Authorization": f"Bearer {served.api.token}",
                              "Content-Type": "application/json"})
        resp = conn.getresponse()
        warnings = resp.headers.get_all("Warning")
        body = json.loads(resp.read())
    finally:
        conn.close()
    assert resp.status == 201
    assert warnings == ['299 - "unknown field \\"spec.foo\\""',
                        '299 - "unknown field \\"spec.template.spec.containers[0].bogus\\""']
    assert "foo" not in body["spec"]
    assert "bogus" not in served.store.get("Deployment", "default", "warned")["spec"][
        "template"]["spec"]["containers"][0]
    served.request("DELETE", f"{DEPLOY}/warned")


def test_warnings_stay_on_an_error_answer(served: Served) -> None:
    bad = with_unknown("Bad_Name")
    r = served.request("POST", DEPLOY, bad)
    assert r.status == 422
    assert r.headers["warning"].startswith('299 - "unknown field \\"spec.')


def test_ignore_drops_the_fields_silently(served: Served) -> None:
    r = served.request("POST", f"{DEPLOY}?fieldValidation=Ignore", with_unknown("ignored"))
    assert r.status == 201 and "warning" not in r.headers and "foo" not in r.json()["spec"]
    served.request("DELETE", f"{DEPLOY}/ignored")


def test_strict_strategic_patch_is_a_422_showing_the_patch_map(served: Served) -> None:
    served.request("POST", DEPLOY, builders.deployment("patched", namespace=None))
    r = served.request("PATCH", f"{DEPLOY}/patched?fieldValidation=Strict",
                       b'{"spec":{"foo":2,"replicas":2}}',
                       headers={"Content-Type": "application/strategic-merge-patch+json"})
    assert r.status == 422
    assert r.json()["message"] == (
        ' "" is invalid: patch: Invalid value: "map[spec:map[foo:2 replicas:2]]": strict '
        'decoding error: unknown field "spec.foo"')
    assert r.json()["details"] == {"causes": [{
        "reason": "FieldValueInvalid", "message": 'Invalid value: "map[spec:map[foo:2 '
        'replicas:2]]": strict decoding error: unknown field "spec.foo"', "field": "patch"}]}
    assert served.store.get("Deployment", "default", "patched")["spec"]["replicas"] == 1
    r = served.request("PATCH", f"{DEPLOY}/patched", b'{"spec":{"foo":2,"replicas":2}}',
                       headers={"Content-Type": "application/merge-patch+json"})
    assert r.status == 200 and r.headers["warning"] == '299 - "unknown field \\"spec.foo\\""'
    assert "foo" not in served.store.get("Deployment", "default", "patched")["spec"]
    served.request("DELETE", f"{DEPLOY}/patched")


def test_kubectl_apply_prints_the_servers_warnings_and_errors(served: Served) -> None:
    manifest = json.dumps(with_unknown("kubectl-fv"))
    run = served.kubectl("apply", "-f", "-", stdin=manifest, binary=KUBECTL_132)
    assert run.rc == 1
    assert run.err == (
        'Error from server (BadRequest): error when creating "STDIN": Deployment in version '
        '"v1" cannot be handled as a Deployment: strict decoding error: unknown field '
        '"spec.foo", unknown field "spec.template.spec.containers[0].bogus"\n')
    run = served.kubectl("apply", "--validate=warn", "-f", "-", stdin=manifest,
                         binary=KUBECTL_132)
    assert (run.rc, run.out) == (0, "deployment.apps/kubectl-fv created\n")
    assert run.err == ('Warning: unknown field "spec.foo"\n'
                       'Warning: unknown field "spec.template.spec.containers[0].bogus"\n')
    run = served.kubectl("delete", "deploy", "kubectl-fv", binary=KUBECTL_132)
    assert run.out == 'deployment.apps "kubectl-fv" deleted\n'


def test_kubectl_delete_of_a_service_prints_its_name(served: Served) -> None:
    served.kubectl("create", "service", "clusterip", "kdel", "--tcp=80:80", binary=KUBECTL_132)
    run = served.kubectl("delete", "svc", "kdel", binary=KUBECTL_132)
    assert (run.rc, run.out, run.err) == (0, 'service "kdel" deleted\n', "")


def test_every_field_of_stored_objects_is_known(served: Served) -> None:
    for rt in REGISTRY:
        for obj in served.store.list(rt.kind):
            assert drop_unknown(dict(obj), rt) == [], (rt.kind, obj["metadata"]["name"])


def test_go_value_prints_maps_as_fmt_does() -> None:
    assert go_value({"b": [1, {"z": None, "a": True}], "a": "x y", "c": 1.5, "d": 2.0}) == \
        "map[a:x y b:[1 map[a:true z:<nil>]] c:1.5 d:2]"


def test_server_side_apply_refuses_fields_the_schema_lacks(served: Served) -> None:
    config = with_unknown("ssa-unknown")
    config["metadata"]["namespace"] = "default"
    r = served.request("PATCH", f"{DEPLOY}/ssa-unknown?fieldManager=me", config,
                       headers={"Content-Type": "application/apply-patch+yaml"})
    assert r.status == 500
    assert r.body == (
        b'{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":'
        b'"failed to create typed patch object (default/ssa-unknown; apps/v1, Kind=Deployment):'
        b' errors:\\n  .spec.foo: field not declared in schema\\n  .spec.template.spec.'
        b'containers[name=\\"c\\"].bogus: field not declared in schema","code":500}\n')
    assert served.store.try_get("Deployment", "default", "ssa-unknown") is None
