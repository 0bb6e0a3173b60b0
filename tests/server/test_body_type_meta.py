"""A create's body without (or with null) kind/apiVersion, as kube-apiserver decodes it.

The apiserver's decoder takes the URL's group/version/kind for what the body leaves out, so
`POST /api/v1/namespaces/default/configmaps` with no apiVersion creates the ConfigMap
(kubectl --validate=false never gets this far: it posts to a path without a version, which
404s — tests/cli/test_manifest_validation.py). What the body does say must match the URL.
Review kinds (answered, not stored) go through the same decoding.
"""

from __future__ import annotations

import pytest

from tests.server.conftest import Served

CONFIGMAPS = "/api/v1/namespaces/default/configmaps"
REVIEWS = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"


@pytest.mark.parametrize("head", [{}, {"apiVersion": None}, {"kind": None},
                                  {"apiVersion": None, "kind": None},
                                  {"apiVersion": "", "kind": ""}])
def test_missing_type_meta_takes_the_urls(served: Served, head: dict[str, None]) -> None:
    name = f"tm{len(head)}{''.join(sorted(head))}".lower()
    reply = served.request("POST", CONFIGMAPS, {**head, "metadata": {"name": name}})
    assert reply.status == 201, reply.body
    obj = reply.json()
    assert (obj["apiVersion"], obj["kind"]) == ("v1", "ConfigMap")
    stored = served.store.get("ConfigMap", "default", name)
    assert (stored["apiVersion"], stored["kind"]) == ("v1", "ConfigMap")
    served.store.delete("ConfigMap", "default", name)


@pytest.mark.parametrize(("path", "head", "message"), [
    (CONFIGMAPS, {"apiVersion": "apps/v1"},
     "the API version in the data (apps/v1) does not match the expected API version (v1)"),
    (CONFIGMAPS, {"kind": "Pod"},
     "the kind in the data (Pod) does not match the expected kind (ConfigMap)"),
    (REVIEWS, {"kind": "SubjectAccessReview"}, "the kind in the data (SubjectAccessReview) "
     "does not match the expected kind (SelfSubjectAccessReview)"),
    (REVIEWS, {"apiVersion": "v1"}, "the API version in the data (v1) does not match the "
     "expected API version (authorization.k8s.io/v1)"),
])
def test_type_meta_must_match_the_url(served: Served, path: str, head: dict[str, str],
                                      message: str) -> None:
    body = {**head, "metadata": {"name": "x"},
            "spec": {"resourceAttributes": {"verb": "get", "resource": "pods"}}}
    reply = served.request("POST", path, body)
    assert (reply.status, reply.json()["reason"], reply.json()["message"]) == \
        (400, "BadRequest", message)


@pytest.mark.parametrize("head", [{}, {"apiVersion": None, "kind": None}])
def test_a_review_without_type_meta_is_answered(served: Served, head: dict[str, None]) -> None:
    body = {**head, "spec": {"resourceAttributes": {"verb": "get", "resource": "pods"}}}
    reply = served.request("POST", REVIEWS, body)
    assert reply.status == 201
    out = reply.json()
    assert (out["apiVersion"], out["kind"], out["status"]["allowed"]) == \
        ("authorization.k8s.io/v1", "SelfSubjectAccessReview", True)
