"""`kubectl explain` for the access-control kinds: rbac.authorization.k8s.io, authentication.k8s.io
and authorization.k8s.io v1. Expected texts are kubectl 1.32's output for the v1.32 API."""

from __future__ import annotations

from typing import Any

import pytest

from kubenb.api.explain.docs import SCHEMAS


@pytest.mark.parametrize("kind", [
    "Role", "ClusterRole", "PolicyRule", "AggregationRule", "RoleBinding", "ClusterRoleBinding",
    "RoleRef", "Subject", "TokenReview", "TokenReviewSpec", "TokenReviewStatus", "UserInfo",
    "SelfSubjectReview", "SelfSubjectReviewStatus", "SubjectAccessReview", "LocalSubjectAccessReview",
    "SelfSubjectAccessReview", "SubjectAccessReviewSpec", "SelfSubjectAccessReviewSpec",
    "ResourceAttributes", "NonResourceAttributes", "FieldSelectorAttributes",
    "LabelSelectorAttributes", "FieldSelectorRequirement", "SubjectAccessReviewStatus",
    "SelfSubjectRulesReview", "SelfSubjectRulesReviewSpec", "SubjectRulesReviewStatus",
    "ResourceRule", "NonResourceRule"])
def test_access_control_types_are_documented(kind: str) -> None:
    assert SCHEMAS[kind].description and SCHEMAS[kind].fields


@pytest.mark.parametrize("line, field", [
    ("explain rolebinding", "  roleRef\t<RoleRef> -required-\n"),
    ("explain clusterrolebinding.roleRef", "  apiGroup\t<string> -required-\n"),
    ("explain role.rules", "  verbs\t<[]string> -required-\n"),
    ("explain subjectaccessreview", "  spec\t<SubjectAccessReviewSpec> -required-\n"),
    ("explain selfsubjectaccessreview.status", "  allowed\t<boolean> -required-\n"),
    ("explain selfsubjectrulesreview.status", "  incomplete\t<boolean> -required-\n"),
    ("explain tokenreview.status.user", "  extra\t<map[string][]string>\n"),
    ("explain selfsubjectreview.status", "  userInfo\t<UserInfo>\n"),
])
def test_field_types_and_required_markers(kube: Any, line: str, field: str) -> None:
    r = kube(line)
    assert (r.err, r.rc) == ("", 0)
    assert field in r.out


def test_an_indented_comment_line_keeps_its_own_line(kube: Any) -> None:
    out = kube("explain selfsubjectrulesreview.status.resourceRules.resources").out
    assert out == (
        "GROUP:      authorization.k8s.io\nKIND:       SelfSubjectRulesReview\nVERSION:    v1\n\n"
        "FIELD: resources <[]string>\n\n\nDESCRIPTION:\n"
        "    Resources is a list of resources this rule applies to.  \"*\" means all in the\n"
        "    specified apiGroups.\n"
        "     \"*/foo\" represents the subresource 'foo' for all resources in the specified\n"
        "    apiGroups.\n    \n\n")


def test_a_blank_comment_line_is_a_paragraph_break(kube: Any) -> None:
    out = kube("explain subjectaccessreview.spec.resourceAttributes.fieldSelector").out
    assert ("    only limit access, not broaden it.\n    \n    This field  is alpha-level. To use "
            "this field, you must enable the\n    `AuthorizeWithSelectors` feature gate (disabled "
            "by default).\n    FieldSelectorAttributes indicates") in out
    assert "  requirements\t<[]FieldSelectorRequirement>\n" in out


def test_explain_walks_into_the_selector_requirements(kube: Any) -> None:
    out = kube("explain selfsubjectaccessreview.spec.resourceAttributes.labelSelector.requirements").out
    assert "FIELD: requirements <[]LabelSelectorRequirement>\n" in out
    assert "must be empty. This array is replaced during a strategic\n    merge patch.\n" in out


def test_a_missing_field_of_a_grouped_kind_prints_the_header_first(kube: Any) -> None:
    r = kube("explain role.rules.nope")
    assert (r.out, r.err, r.rc) == (
        "GROUP:      rbac.authorization.k8s.io\nKIND:       Role\nVERSION:    v1\n\n",
        'error: field "nope" does not exist\n', 1)


def test_a_kind_without_documentation_fails_as_the_template_does(kube: Any, monkeypatch: Any) -> None:
    monkeypatch.delitem(SCHEMAS, "Role")
    r = kube("explain role")
    assert (r.out, r.err, r.rc) == (
        "GROUP:      rbac.authorization.k8s.io\nKIND:       Role\nVERSION:    v1\n\n",
        "error: GVK map[group:rbac.authorization.k8s.io kind:Role version:v1] not found in OpenAPI "
        "schema\n", 1)
