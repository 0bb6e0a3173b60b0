"""kubenb.api.hashing: FNV-1a, SafeEncodeString and the pod-template-hash."""

from __future__ import annotations

import copy
import re
import struct
from typing import Any

import pytest

from kubenb.api.defaults import apply_defaults
from kubenb.api.hashing import (
    canonical_template,
    fnv32a,
    pod_template_hash,
    safe_encode_string,
)


@pytest.mark.parametrize(
    ("data", "digest"),
    [  # reference vectors of the FNV-1a 32-bit hash
        (b"", 0x811C9DC5),
        (b"a", 0xE40C292C),
        (b"foobar", 0xBF9CF968),
    ],
)
def test_fnv32a(data: bytes, digest: int) -> None:
    assert fnv32a(data) == digest


def test_safe_encode_string_digit_map() -> None:
    # 0->4 1->5 2->6 3->7 4->8 5->9 6->b 7->c 8->d 9->f (kubectl-output.md, section 6)
    assert safe_encode_string("0123456789") == "456789bcdf"
    assert safe_encode_string("a") == "v"  # ord("a") = 97, 97 % 27 = 16


def _template(image: str = "gcr.io/google-samples/kubernetes-bootcamp:v1") -> dict[str, Any]:
    d = {
        "kind": "Deployment",
        "spec": {
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "web", "image": image}]},
            },
        },
    }
    apply_defaults(d)
    return d["spec"]["template"]


def test_hash_shape() -> None:
    h = pod_template_hash(_template())
    assert re.fullmatch("[456789bcdf]{1,10}", h)


def test_hash_is_fnv_of_canonical_json() -> None:
    t = {"spec": {"containers": [{"image": "x", "name": "x"}]}}
    data = b'{"spec":{"containers":[{"image":"x","name":"x"}]}}'
    assert pod_template_hash(t) == safe_encode_string(str(fnv32a(data)))
    with_count = data + struct.pack("<I", 3) + b"\0\0\0\0"
    assert pod_template_hash(t, 3) == safe_encode_string(str(fnv32a(with_count)))


def test_same_template_same_hash() -> None:
    a, b = _template(), _template()
    assert pod_template_hash(a) == pod_template_hash(b)
    reordered = dict(reversed(list(b.items())))
    assert pod_template_hash(a) == pod_template_hash(reordered)


def test_hash_ignores_pod_template_hash_label_and_empty_values() -> None:
    t = _template()
    h = pod_template_hash(t)
    rs_template = copy.deepcopy(t)
    rs_template["metadata"]["labels"]["pod-template-hash"] = h
    rs_template["metadata"]["creationTimestamp"] = None
    assert pod_template_hash(rs_template) == h
    assert "pod-template-hash" not in canonical_template(rs_template)["metadata"]["labels"]
    assert rs_template["metadata"]["labels"]["pod-template-hash"] == h  # input untouched


@pytest.mark.parametrize(
    "change",
    [
        lambda t: t["spec"]["containers"][0].__setitem__("image", "gcr.io/google-samples/kubernetes-bootcamp:v2"),
        lambda t: t["metadata"]["labels"].__setitem__("tier", "front"),
        lambda t: t["spec"]["containers"][0].__setitem__("ports", [{"containerPort": 8080}]),
        lambda t: t["spec"].__setitem__("terminationGracePeriodSeconds", 0),
        lambda t: t["spec"]["containers"][0].__setitem__("stdin", False),
    ],
)
def test_any_change_changes_hash(change: Any) -> None:
    t = _template()
    before = pod_template_hash(t)
    change(t)
    assert pod_template_hash(t) != before


def test_collision_count_changes_hash() -> None:
    t = _template()
    hashes = {pod_template_hash(t), pod_template_hash(t, 0), pod_template_hash(t, 1), pod_template_hash(t, 2)}
    assert len(hashes) == 4
    assert pod_template_hash(t, 1) == pod_template_hash(t, 1)
