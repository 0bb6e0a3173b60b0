"""`-o name|json|yaml` text, byte-for-byte against kubectl 1.32.

Golden strings were recorded from `/usr/bin/kubectl` (v1.32.4): `kubectl label --local -f -
-o yaml|json ref=x` prints an unstructured object exactly as `kubectl get` does. When the
binary is present the same comparisons also run live, with more inputs.
"""

import json
import os
import shutil
import subprocess
from typing import Any

import pytest

from kubenb.cli.kubectl.printers.formats import (
    as_list,
    object_name,
    printable,
    to_json,
    to_name,
    to_yaml,
)
from kubenb.encoding.goyaml_scalars import resolves_to_string, sort_keys

KUBECTL = shutil.which("kubectl") or (
    "/usr/bin/kubectl" if os.path.exists("/usr/bin/kubectl") else None)
needs_kubectl = pytest.mark.skipif(KUBECTL is None, reason="real kubectl binary not installed")

# An object full of awkward values: folding at column 80, every quoting style, escapes,
# natural key order, complex keys, floats, big integers, nested and empty collections.
AWKWARD: dict[str, Any] = {'apiVersion': 'v1', 'kind': 'Pod', 'metadata': {'name': 'p', 'labels': {'run': 'p', 'ref': 'x'}, 'annotations': {'long': 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa bbb', 'emo': 'smile 😀 ok', 'dq': 'tab\there and a long long long long long long long long long long long long long long text with tabs\t end', 'nbsp': 'a\xa0b', 'ctl': '\x01x', 'html': '<a>&b', 'ls': 'x\u2028y', 'k10': '1', 'k9': '2', 'a_b': 'x', 'aZ': 'y', 'lead\nkey': 'v', 'sp': 'x  y', 'lit': ' lead\nline2', 'keep': 'a\n\n', 'blank': 'a\n\nb\n'}}, 'x': {'f1': 1.5, 'f2': 1e-07, 'f3': 1e+21, 'f4': 2.0, 'f5': 123456789.5, 'f6': 1e-06, 'big': 12345678901234567890, 'neg': -3, 't': True, 'n': None, 'nested': [[1, 2], [], {}, [[3]], {'a': [{'b': 1}]}], 'list': [' x', 'a\nb', 'long long long long long long long long long long long long long long long long long long long long long']}, 'spec': {'containers': [{'name': 'p', 'image': 'busybox', 'args': ['sh', '-c', 'echo "a: b"'], 'resources': {}}], 'dnsPolicy': 'ClusterFirst', 'restartPolicy': 'Always'}, 'status': {}}

AWKWARD_YAML = 'apiVersion: v1\nkind: Pod\nmetadata:\n  annotations:\n    a_b: x\n    aZ: "y"\n    blank: |\n      a\n\n      b\n    ctl: "\\x01x"\n    dq: "tab\\there and a long long long long long long long long long long long long\n      long long text with tabs\\t end"\n    emo: "smile \\U0001F600 ok"\n    html: <a>&b\n    k9: "2"\n    k10: "1"\n    keep: |+\n      a\n\n    ? |-\n      lead\n      key\n    : v\n    lit: |2-\n       lead\n      line2\n    long: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n      bbb\n    ls: \'x\u2028      y\'\n    nbsp: a\xa0b\n    sp: x  y\n  labels:\n    ref: x\n    run: p\n  name: p\nspec:\n  containers:\n  - args:\n    - sh\n    - -c\n    - \'echo "a: b"\'\n    image: busybox\n    name: p\n    resources: {}\n  dnsPolicy: ClusterFirst\n  restartPolicy: Always\nstatus: {}\nx:\n  big: 12345678901234567000\n  f1: 1.5\n  f2: 1e-07\n  f3: 1e+21\n  f4: 2\n  f5: 1.234567895e+08\n  f6: 1e-06\n  list:\n  - \' x\'\n  - |-\n    a\n    b\n  - long long long long long long long long long long long long long long long long\n    long long long long long\n  "n": null\n  neg: -3\n  nested:\n  - - 1\n    - 2\n  - []\n  - {}\n  - - - 3\n  - a:\n    - b: 1\n  t: true\n'

AWKWARD_JSON = '{\n    "apiVersion": "v1",\n    "kind": "Pod",\n    "metadata": {\n        "annotations": {\n            "aZ": "y",\n            "a_b": "x",\n            "blank": "a\\n\\nb\\n",\n            "ctl": "\\u0001x",\n            "dq": "tab\\there and a long long long long long long long long long long long long long long text with tabs\\t end",\n            "emo": "smile 😀 ok",\n            "html": "\\u003ca\\u003e\\u0026b",\n            "k10": "1",\n            "k9": "2",\n            "keep": "a\\n\\n",\n            "lead\\nkey": "v",\n            "lit": " lead\\nline2",\n            "long": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa bbb",\n            "ls": "x\\u2028y",\n            "nbsp": "a\xa0b",\n            "sp": "x  y"\n        },\n        "labels": {\n            "ref": "x",\n            "run": "p"\n        },\n        "name": "p"\n    },\n    "spec": {\n        "containers": [\n            {\n                "args": [\n                    "sh",\n                    "-c",\n                    "echo \\"a: b\\""\n                ],\n                "image": "busybox",\n                "name": "p",\n                "resources": {}\n            }\n        ],\n        "dnsPolicy": "ClusterFirst",\n        "restartPolicy": "Always"\n    },\n    "status": {},\n    "x": {\n        "big": 12345678901234567000,\n        "f1": 1.5,\n        "f2": 1e-7,\n        "f3": 1e+21,\n        "f4": 2,\n        "f5": 123456789.5,\n        "f6": 0.000001,\n        "list": [\n            " x",\n            "a\\nb",\n            "long long long long long long long long long long long long long long long long long long long long long"\n        ],\n        "n": null,\n        "neg": -3,\n        "nested": [\n            [\n                1,\n                2\n            ],\n            [],\n            {},\n            [\n                [\n                    3\n                ]\n            ],\n            {\n                "a": [\n                    {\n                        "b": 1\n                    }\n                ]\n            }\n        ],\n        "t": true\n    }\n}\n'

DEPLOYMENT = {
    "apiVersion": "apps/v1", "kind": "Deployment",
    "metadata": {"creationTimestamp": None, "labels": {"app": "x"}, "name": "x"},
    "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "x"}}, "strategy": {},
             "template": {"metadata": {"creationTimestamp": None, "labels": {"app": "x"}},
                          "spec": {"containers": [{"image": "nginx", "name": "nginx",
                                                   "ports": [{"containerPort": 8080}],
                                                   "resources": {}}]}}},
    "status": {},
}

DEPLOYMENT_YAML = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  creationTimestamp: null\n  labels:\n    app: x\n  name: x\nspec:\n  replicas: 3\n  selector:\n    matchLabels:\n      app: x\n  strategy: {}\n  template:\n    metadata:\n      creationTimestamp: null\n      labels:\n        app: x\n    spec:\n      containers:\n      - image: nginx\n        name: nginx\n        ports:\n        - containerPort: 8080\n        resources: {}\nstatus: {}\n'


def test_awkward_object_yaml_matches_recorded_kubectl() -> None:
    assert to_yaml(AWKWARD) == AWKWARD_YAML


def test_awkward_object_json_matches_recorded_kubectl() -> None:
    assert to_json(AWKWARD) == AWKWARD_JSON


def test_deployment_yaml_matches_recorded_kubectl() -> None:
    assert to_yaml(DEPLOYMENT) == DEPLOYMENT_YAML


@pytest.mark.parametrize(
    ("text", "plain"),
    [("8080", False), ("true", False), ("1.0", False), ("", False), ("yes", False),
     ("0x1F", False), ("1_000", False), ("09", False), ("0777", False), ("1e5", False),
     (".5", False), ("2025-01-06", False), ("2025-01-06T10:00:00Z", False), ("null", False),
     ("nginx", True), ("<<", True), ("a:b", True), ("1.2.3", True), ("v1.36.2", True),
     ("2025-13-06", True), ("-", True), ("e5", True), ("0o19", True)],
)
def test_go_yaml_resolver(text: str, plain: bool) -> None:
    assert resolves_to_string(text) is plain


def test_go_yaml_key_order_is_natural() -> None:
    # recorded from `kubectl create configmap --from-literal=<key>=1 ... -o yaml`
    keys = ["k10", "k9", "aZ", "a_b", "a", "B", "a1", "a01", "a.b", "a-1", "a2x", "a10", "a002"]
    assert sort_keys(keys) == [
        "B", "a", "a-1", "a.b", "a_b", "a1", "a01", "a2x", "a002", "a10", "aZ", "k9", "k10"]


def test_name_and_lists() -> None:
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "nginx"}}
    rs = {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "x-5485cc6795"}}
    assert object_name(pod) == "pod/nginx"
    assert to_name([pod, rs]) == "pod/nginx\nreplicaset.apps/x-5485cc6795\n"
    assert to_name([as_list([rs])], "scaled") == "replicaset.apps/x-5485cc6795 scaled\n"
    assert printable([pod], single=True) is pod
    assert to_json(printable([], single=False)) == (
        '{\n    "apiVersion": "v1",\n    "items": [],\n    "kind": "List",\n'
        '    "metadata": {\n        "resourceVersion": ""\n    }\n}\n')
    assert to_yaml(printable([pod], single=False)) == (
        "apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: nginx\n"
        "kind: List\nmetadata:\n  resourceVersion: \"\"\n")


# -- live comparisons against the real binary ------------------------------------------------
def kubectl(*args: str, stdin: str | None = None) -> str:
    assert KUBECTL is not None
    done = subprocess.run([KUBECTL, *args], input=stdin, capture_output=True, text=True,
                          timeout=60, check=True)
    return done.stdout


def unstructured(obj: dict[str, Any], fmt: str) -> tuple[str, dict[str, Any]]:
    """kubectl's own unstructured print of obj (plus a label), and obj with that label."""
    text = kubectl("label", "--local", "-f", "-", "-o", fmt, "kubenb-referee=1",
                   stdin=json.dumps(obj))
    labelled = json.loads(json.dumps(obj))
    labelled.setdefault("metadata", {}).setdefault("labels", {})["kubenb-referee"] = "1"
    return text, labelled


CREATE = [
    ["create", "deployment", "x", "--image=nginx", "--replicas=3", "--port=8080"],
    ["create", "configmap", "c", "--from-literal=a=1", "--from-literal=b=true"],
    ["create", "service", "nodeport", "s", "--tcp=8080:80"],
    ["create", "secret", "generic", "s", "--from-literal=k=v"],
    ["create", "configmap", "odd", *(f"--from-literal={k}={v}" for k, v in {
        "a": " ".join(["word"] * 40), "b": "x: y", "c": "#x", "d": " lead", "e": "trail ",
        "f": "1:20", "g": "2025-01-06T10:00:00Z", "h": "0x1F", "i": "1_000", "j": "yes",
        "k": "~", "l": "", "m": "multi\nline", "n": "multi\nline\n", "o": "trailing \nspace",
        "p": "<html>&", "q": "it's", "r": 'a"b', "s": "- x", "t": "1e5", "u": ".inf",
        "v": "0o17", "w": "0b11", "x": "null", "y": "2025-01-06", "z": "@x", "A": "*",
        "B": "!x", "C": "%x", "D": "x,y", "E": "[x]", "F": "x#y", "G": "x #y", "H": "é",
        "I": "tab\there", "J": "-1", "K": "+1", "L": ".5", "M": "1.", "N": "0777", "O": "09",
        "P": "=", "Q": "<<", "R": "Y", "S": "on", "T": "-", "U": "?", "V": ":", "W": "a:b",
        "X": "|", "Y": ">x", "Z": "`x",
        "long1": "x" * 100 + " " + "y" * 10, "dq": "a\tb " + "z " * 60,
    }.items())],
]


@needs_kubectl
@pytest.mark.parametrize("args", CREATE, ids=lambda a: " ".join(a[:3]))
def test_live_create_dry_run(args: list[str]) -> None:
    obj = json.loads(kubectl(*args, "--dry-run=client", "-o", "json"))
    assert to_yaml(obj) == kubectl(*args, "--dry-run=client", "-o", "yaml")
    for fmt, printer in (("json", to_json), ("yaml", to_yaml)):
        expected, labelled = unstructured(obj, fmt)
        assert printer(labelled) == expected


@needs_kubectl
@pytest.mark.parametrize("obj", [
    # what `kubectl run p --image=busybox -- sh -c 'echo "a: b"'` builds (run needs a server)
    {"apiVersion": "v1", "kind": "Pod",
     "metadata": {"creationTimestamp": None, "labels": {"run": "p"}, "name": "p"},
     "spec": {"containers": [{"args": ["sh", "-c", 'echo "a: b"'], "image": "busybox",
                              "name": "p", "resources": {}}],
              "dnsPolicy": "ClusterFirst", "restartPolicy": "Always"},
     "status": {}},
    AWKWARD,
], ids=["run-pod", "awkward"])
def test_live_unstructured(obj: dict[str, Any]) -> None:
    for fmt, printer in (("json", to_json), ("yaml", to_yaml)):
        expected, labelled = unstructured(obj, fmt)
        assert printer(labelled) == expected
