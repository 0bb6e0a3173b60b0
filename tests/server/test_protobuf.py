"""The protobuf body decoder, on bodies real kubectl 1.37 sent (tests/server/data/*.pb)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kubenb.api.errors import BadRequest
from kubenb.server import protobuf
from kubenb.server.protobuf_gen import parse_go, parse_proto

DATA = Path(__file__).parent / "data"


def body(name: str) -> bytes:
    return (DATA / f"{name}.pb").read_bytes()


def test_create_deployment_body_decodes_to_kubectls_json() -> None:
    # kubectl create deployment hello --image=…bootcamp:v1 --replicas=3 --port=8080
    assert protobuf.decode(body("deployment")) == {
        "kind": "Deployment", "apiVersion": "apps/v1",
        "metadata": {"name": "hello", "labels": {"app": "hello"}},
        "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "hello"}},
                 "template": {"metadata": {"labels": {"app": "hello"}}, "spec": {"containers": [
                     {"name": "kubernetes-bootcamp",
                      "image": "gcr.io/google-samples/kubernetes-bootcamp:v1",
                      "ports": [{"containerPort": 8080}], "resources": {}}]}},
                 "strategy": {}},
        "status": {}}


def test_pointer_zero_survives_but_omitempty_zeros_go() -> None:
    obj = protobuf.decode(body("deployment_zero"))  # --replicas=0: a *int32 set to 0
    assert obj["spec"]["replicas"] == 0
    container = obj["spec"]["template"]["spec"]["containers"][0]
    assert "stdin" not in container and "tty" not in container  # false, omitempty
    assert "creationTimestamp" not in obj["metadata"]  # the zero Time is null


@pytest.mark.parametrize("name, expected", [
    ("namespace", {"kind": "Namespace", "apiVersion": "v1", "metadata": {"name": "team-a"},
                   "spec": {}, "status": {}}),
    ("configmap", {"kind": "ConfigMap", "apiVersion": "v1",
                   "metadata": {"name": "cfg"},
                   "data": {"a": "1", "b": "two"}}),
    ("secret", {"kind": "Secret", "apiVersion": "v1",
                "metadata": {"name": "pw"},
                "data": {"password": "czNjcjN0"}}),  # bytes arrive as base64, as in JSON
    ("serviceaccount", {"kind": "ServiceAccount", "apiVersion": "v1",
                        "metadata": {"name": "robot"}}),
    ("service_nodeport", {"kind": "Service", "apiVersion": "v1",
                          "metadata": {"name": "web", "labels": {"app": "web"}},
                          "spec": {"ports": [{"name": "80-8080", "protocol": "TCP", "port": 80,
                                              "targetPort": 8080}],
                                   "selector": {"app": "web"}, "type": "NodePort"},
                          "status": {"loadBalancer": {}}}),
])
def test_generator_bodies(name: str, expected: dict) -> None:
    assert protobuf.decode(body(name)) == expected


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        b, n = n & 0x7F, n >> 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _field(num: int, wt: int, payload: bytes) -> bytes:
    key = bytes([num << 3 | wt])
    return key + (bytes([len(payload)]) + payload if wt == 2 else payload)


def test_times_quantities_and_int_or_string() -> None:
    time = _field(1, 0, _varint(1_700_000_000))  # seconds
    meta = _field(8, 2, time)
    quantity = _field(1, 2, b"250m")
    requests = _field(2, 2, _field(1, 2, b"cpu") + _field(2, 2, quantity))
    container = _field(1, 2, b"c") + _field(8, 2, requests)
    spec = _field(2, 2, container)
    pod = _field(1, 2, meta) + _field(2, 2, spec)
    unknown = _field(1, 2, _field(1, 2, b"v1") + _field(2, 2, b"Pod")) + _field(2, 2, pod)
    obj = protobuf.decode(protobuf.MAGIC + unknown)
    assert obj["metadata"]["creationTimestamp"] == "2023-11-14T22:13:20Z"
    assert obj["spec"]["containers"] == [{"name": "c", "resources": {"requests": {"cpu": "250m"}}}]
    port = _field(3, 0, b"\x50") + _field(4, 2, _field(1, 0, b"\x01") + _field(3, 2, b"http"))
    svc = _field(2, 2, _field(1, 2, port))
    unknown = _field(1, 2, _field(1, 2, b"v1") + _field(2, 2, b"Service")) + _field(2, 2, svc)
    assert protobuf.decode(protobuf.MAGIC + unknown)["spec"]["ports"] == [
        {"port": 80, "targetPort": "http"}]


@pytest.mark.parametrize("data, words", [
    (b'{"kind":"Pod"}', "does not begin with the expected prefix"),
    (protobuf.MAGIC + b"\x0a\x50", "unexpected EOF"),
    (protobuf.MAGIC + b"\x0f", "illegal wireType"),
    (body("deployment")[:-7], "unexpected EOF"),
    (protobuf.MAGIC + _field(1, 2, _field(1, 2, b"node.k8s.io/v1") + _field(2, 2, b"RuntimeClass")),
     'no kind "RuntimeClass" is registered'),
])
def test_malformed_bodies_are_bad_requests(data: bytes, words: str) -> None:
    with pytest.raises(BadRequest, match=words):
        protobuf.decode(data)


def test_generator_reads_proto_and_go_struct_tags() -> None:
    proto = parse_proto('package k8s.io.api.apps.v1;\nmessage DeploymentSpec {\n'
                        '  optional int32 replicas = 1;\n'
                        '  map<string, string> labels = 2;\n'
                        '  repeated .k8s.io.api.core.v1.Container containers = 3;\n}\n')
    assert proto["k8s.io.api.apps.v1.DeploymentSpec"] == {
        1: ("replicas", "int32", False), 2: ("labels", "map:string", False),
        3: ("containers", "k8s.io.api.core.v1.Container", True)}
    go = parse_go('type DeploymentSpec struct {\n'
                  '\tReplicas *int32 `json:"replicas,omitempty" protobuf:"varint,1,opt,name=replicas"`\n'
                  '\tPaused bool `json:"paused,omitempty" protobuf:"varint,7,opt,name=paused"`\n'
                  '\tName string `json:"name" protobuf:"bytes,8,opt,name=name"`\n'
                  '\tVolumeSource `json:",inline" protobuf:"bytes,9,opt,name=volumeSource"`\n}\n',
                  "k8s.io.api.apps.v1")
    assert go["k8s.io.api.apps.v1.DeploymentSpec"] == {
        1: ("replicas", True, False), 7: ("paused", False, False), 8: ("name", True, False),
        9: ("", True, True)}
