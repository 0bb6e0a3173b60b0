from __future__ import annotations

import pytest

from kubenb.api.errors import BadRequest
from kubenb.api.selectors import (
    format_labels,
    from_label_selector,
    from_map,
    parse_field_selector,
    parse_label_selector,
)

LABELS = {"app": "web", "tier": "front", "env": "prod"}


@pytest.mark.parametrize(
    "text, matches",
    [
        ("", True),
        ("app=web", True),
        ("app==web", True),
        ("app=db", False),
        ("app!=db", True),
        ("app!=web", False),
        ("missing!=x", True),
        ("app=web,tier=front", True),
        ("app=web,tier=back", False),
        ("env in (prod,staging)", True),
        ("env in (dev)", False),
        ("env notin (dev, qa)", True),
        ("env notin (prod)", False),
        ("missing notin (prod)", True),
        ("tier", True),
        ("missing", False),
        ("!missing", True),
        ("!app", False),
        ("app=web, env in (prod), !canary", True),
    ],
)
def test_label_selector_strings(text: str, matches: bool) -> None:
    assert parse_label_selector(text).matches(LABELS) is matches


@pytest.mark.parametrize("text", ["app=web,", "env in prod", "env in (prod", "a b"])
def test_label_selector_errors_are_bad_requests(text: str) -> None:
    with pytest.raises(BadRequest, match="unable to parse requirement"):
        parse_label_selector(text)


def test_label_selector_objects() -> None:
    sel = from_label_selector(
        {
            "matchLabels": {"app": "web"},
            "matchExpressions": [
                {"key": "env", "operator": "In", "values": ["prod"]},
                {"key": "canary", "operator": "DoesNotExist"},
            ],
        }
    )
    assert sel.matches(LABELS)
    assert not sel.matches({**LABELS, "canary": "1"})
    assert not sel.matches({"app": "web", "env": "dev"})
    assert not from_label_selector(None).matches(LABELS)  # nil selects nothing
    assert from_label_selector({}).matches(LABELS)  # empty selects everything
    assert str(sel) == "app=web,env in (prod),!canary"


def test_service_selector_map_and_format() -> None:
    assert from_map({"app": "web"}).matches(LABELS)
    assert not from_map({}).matches(LABELS)
    assert format_labels(LABELS) == "app=web,env=prod,tier=front"
    assert format_labels({}) == "<none>"


def test_field_selectors() -> None:
    pod = {"metadata": {"name": "p", "namespace": "default"},
           "spec": {"nodeName": "minikube"}, "status": {"phase": "Running"}}
    assert parse_field_selector("spec.nodeName=minikube", "Pod").matches(pod)
    assert not parse_field_selector("spec.nodeName=other", "Pod").matches(pod)
    sel = parse_field_selector("status.phase!=Succeeded,status.phase!=Failed", "Pod")
    assert sel.matches(pod)
    assert parse_field_selector("metadata.name==p", "Pod").matches(pod)
    assert parse_field_selector("spec.nodeName=minikube", "Pod").value_of("spec.nodeName") == "minikube"
    with pytest.raises(BadRequest, match="field label not supported: spec.foo"):
        parse_field_selector("spec.foo=x", "Pod")
