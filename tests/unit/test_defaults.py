"""kubenb.api.defaults: the fields the API server fills in, per kind."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from kubenb.api.defaults import apply_defaults
from kubenb.api.defaults_pod import image_tag
from tests import builders

Obj = dict[str, Any]


def defaulted(obj: Obj) -> Obj:
    obj = copy.deepcopy(obj)
    apply_defaults(obj)
    return obj


def pod(**spec: Any) -> Obj:
    return builders.pod("p", **spec)


POD_SPEC_DEFAULTS = {
    "dnsPolicy": "ClusterFirst",
    "restartPolicy": "Always",
    "schedulerName": "default-scheduler",
    "securityContext": {},
    "terminationGracePeriodSeconds": 30,
}
CONTAINER_DEFAULTS = {
    "imagePullPolicy": "Always",
    "terminationMessagePath": "/dev/termination-log",
    "terminationMessagePolicy": "File",
    "resources": {},
}


def test_pod_defaults_match_a_real_pod() -> None:
    p = defaulted(pod())
    assert p["spec"] == {
        "containers": [{"name": "c", "image": "nginx", **CONTAINER_DEFAULTS}],
        **POD_SPEC_DEFAULTS,
        "enableServiceLinks": True,
        "serviceAccountName": "default",
        "serviceAccount": "default",
        "priority": 0,
        "preemptionPolicy": "PreemptLowerPriority",
    }


@pytest.mark.parametrize(
    ("image", "policy"),
    [
        ("nginx", "Always"),
        ("nginx:latest", "Always"),
        ("nginx:1.27", "IfNotPresent"),
        ("gcr.io/google-samples/kubernetes-bootcamp:v1", "IfNotPresent"),
        ("localhost:5000/app", "Always"),  # the port is not a tag
        ("localhost:5000/app:v2", "IfNotPresent"),
        ("busybox@sha256:" + "a" * 64, "IfNotPresent"),
        ("busybox:latest@sha256:" + "a" * 64, "Always"),
        ("Nginx", "IfNotPresent"),  # unparsable reference: no tag
        ("", "IfNotPresent"),
    ],
)
def test_image_pull_policy(image: str, policy: str) -> None:
    p = defaulted(pod(containers=[{"name": "c", "image": image}]))
    assert p["spec"]["containers"][0]["imagePullPolicy"] == policy


@pytest.mark.parametrize(("image", "tag"), [("a/b:c", "c"), ("a/b", "latest"), ("a:1/b", "latest")])
def test_image_tag(image: str, tag: str) -> None:
    assert image_tag(image) == tag


def test_explicit_values_are_kept() -> None:
    p = defaulted(pod(restartPolicy="Never", terminationGracePeriodSeconds=0, dnsPolicy="Default",
                      serviceAccountName="robot", enableServiceLinks=False,
                      containers=[{"name": "c", "image": "nginx", "imagePullPolicy": "Never"}]))
    spec = p["spec"]
    assert (spec["restartPolicy"], spec["terminationGracePeriodSeconds"], spec["dnsPolicy"]) == ("Never", 0, "Default")
    assert (spec["serviceAccountName"], spec["serviceAccount"], spec["enableServiceLinks"]) == ("robot", "robot", False)
    assert spec["containers"][0]["imagePullPolicy"] == "Never"


def test_container_ports_probes_and_env() -> None:
    c = {
        "name": "c", "image": "nginx:1",
        "ports": [{"containerPort": 80}, {"containerPort": 53, "protocol": "UDP"}],
        "livenessProbe": {"httpGet": {"port": 80}},
        "readinessProbe": {"tcpSocket": {"port": 80}, "periodSeconds": 5},
        "lifecycle": {"preStop": {"httpGet": {"port": 80, "path": "/quit"}}},
        "env": [{"name": "NODE", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}}],
    }
    got = defaulted(pod(containers=[c]))["spec"]["containers"][0]
    assert got["ports"] == [{"containerPort": 80, "protocol": "TCP"}, {"containerPort": 53, "protocol": "UDP"}]
    assert got["livenessProbe"] == {"httpGet": {"port": 80, "path": "/", "scheme": "HTTP"}, "timeoutSeconds": 1,
                                    "periodSeconds": 10, "successThreshold": 1, "failureThreshold": 3}
    assert got["readinessProbe"]["periodSeconds"] == 5
    assert got["lifecycle"]["preStop"]["httpGet"] == {"port": 80, "path": "/quit", "scheme": "HTTP"}
    assert got["env"][0]["valueFrom"]["fieldRef"] == {"fieldPath": "spec.nodeName", "apiVersion": "v1"}


def test_pod_requests_default_to_limits_and_are_canonical() -> None:
    c = {"name": "c", "image": "nginx", "resources": {"limits": {"cpu": "0.5", "memory": "1.5Gi"},
                                                        "requests": {"memory": 134217728}}}
    got = defaulted(pod(containers=[c]))["spec"]["containers"][0]["resources"]
    assert got == {"limits": {"cpu": "500m", "memory": "1536Mi"}, "requests": {"cpu": "500m", "memory": "134217728"}}


def test_template_requests_are_not_defaulted_from_limits() -> None:
    d = defaulted(deployment(containers=[{"name": "c", "image": "nginx", "resources": {"limits": {"cpu": "1"}}}]))
    assert d["spec"]["template"]["spec"]["containers"][0]["resources"] == {"limits": {"cpu": "1"}}


def test_unparsable_quantities_are_left_for_validation() -> None:
    c = {"name": "c", "image": "nginx", "resources": {"limits": {"cpu": "lots"}}}
    got = defaulted(pod(containers=[c]))["spec"]["containers"][0]["resources"]
    assert got["limits"]["cpu"] == "lots"


def test_volumes() -> None:
    vols = [{"name": "a"}, {"name": "b", "secret": {"secretName": "s"}}, {"name": "c", "configMap": {"name": "m"}},
            {"name": "d", "hostPath": {"path": "/tmp"}}, {"name": "e", "emptyDir": {}}]
    got = defaulted(pod(volumes=vols))["spec"]["volumes"]
    assert got == [{"name": "a", "emptyDir": {}}, {"name": "b", "secret": {"secretName": "s", "defaultMode": 420}},
                   {"name": "c", "configMap": {"name": "m", "defaultMode": 420}},
                   {"name": "d", "hostPath": {"path": "/tmp", "type": ""}}, {"name": "e", "emptyDir": {}}]


def test_host_network_defaults_host_ports() -> None:
    p = defaulted(pod(hostNetwork=True, containers=[{"name": "c", "image": "x", "ports": [{"containerPort": 8080}]}]))
    assert p["spec"]["containers"][0]["ports"][0]["hostPort"] == 8080


def deployment(**tspec: Any) -> Obj:
    return builders.deployment("d", replicas=None, labels={}, pod_spec=tspec)


def test_deployment_defaults() -> None:
    d = defaulted(deployment())
    spec = d["spec"]
    assert spec["replicas"] == 1
    assert spec["strategy"] == {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}}
    assert (spec["revisionHistoryLimit"], spec["progressDeadlineSeconds"]) == (10, 600)
    # Pod-only fields do not materialise in templates.
    assert spec["template"]["spec"] == {"containers": [{"name": "c", "image": "nginx", **CONTAINER_DEFAULTS}],
                                        **POD_SPEC_DEFAULTS}


@pytest.mark.parametrize(
    ("strategy", "expected"),
    [
        ({"type": "Recreate"}, {"type": "Recreate"}),
        ({"rollingUpdate": {"maxSurge": 1}}, {"type": "RollingUpdate",
                                              "rollingUpdate": {"maxSurge": 1, "maxUnavailable": "25%"}}),
        ({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0}},
         {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0, "maxSurge": "25%"}}),
    ],
)
def test_deployment_strategy(strategy: Obj, expected: Obj) -> None:
    d = deployment()
    d["spec"]["strategy"] = strategy
    assert defaulted(d)["spec"]["strategy"] == expected


def test_deployment_explicit_zero_replicas_kept() -> None:
    d = deployment()
    d["spec"]["replicas"] = 0
    assert defaulted(d)["spec"]["replicas"] == 0


def test_replicaset_defaults() -> None:
    rs = deployment()
    rs["kind"] = "ReplicaSet"
    got = defaulted(rs)["spec"]
    assert got["replicas"] == 1 and "strategy" not in got
    assert got["template"]["spec"]["restartPolicy"] == "Always"


def service(**spec: Any) -> Obj:
    return builders.service("s", port=8080, **spec)


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ({}, {"type": "ClusterIP", "sessionAffinity": "None", "internalTrafficPolicy": "Cluster",
              "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack"}),
        ({"type": "NodePort"}, {"type": "NodePort", "sessionAffinity": "None", "internalTrafficPolicy": "Cluster",
                                "externalTrafficPolicy": "Cluster", "ipFamilies": ["IPv4"],
                                "ipFamilyPolicy": "SingleStack"}),
        ({"type": "LoadBalancer"}, {"type": "LoadBalancer", "sessionAffinity": "None",
                                    "internalTrafficPolicy": "Cluster", "externalTrafficPolicy": "Cluster",
                                    "allocateLoadBalancerNodePorts": True, "ipFamilies": ["IPv4"],
                                    "ipFamilyPolicy": "SingleStack"}),
        ({"type": "ExternalName", "externalName": "example.com"},
         {"type": "ExternalName", "externalName": "example.com", "sessionAffinity": "None"}),
        ({"externalIPs": ["1.2.3.4"]}, {"type": "ClusterIP", "sessionAffinity": "None",
                                        "externalIPs": ["1.2.3.4"], "externalTrafficPolicy": "Cluster",
                                        "internalTrafficPolicy": "Cluster", "ipFamilies": ["IPv4"],
                                        "ipFamilyPolicy": "SingleStack"}),
        ({"sessionAffinity": "ClientIP"}, {"type": "ClusterIP", "sessionAffinity": "ClientIP",
                                           "sessionAffinityConfig": {"clientIP": {"timeoutSeconds": 10800}},
                                           "internalTrafficPolicy": "Cluster", "ipFamilies": ["IPv4"],
                                           "ipFamilyPolicy": "SingleStack"}),
        ({"clusterIP": "10.96.0.10"}, {"type": "ClusterIP", "sessionAffinity": "None", "clusterIP": "10.96.0.10",
                                       "clusterIPs": ["10.96.0.10"], "internalTrafficPolicy": "Cluster",
                                       "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack"}),
    ],
)
def test_service_defaults(spec: Obj, expected: Obj) -> None:
    got = defaulted(service(**spec))["spec"]
    ports, selector = got.pop("ports"), got.pop("selector")
    assert ports == [{"port": 8080, "protocol": "TCP", "targetPort": 8080}]
    assert selector == {"app": "s"}
    assert got == expected


@pytest.mark.parametrize(
    ("port", "expected"),
    [
        ({"port": 80, "targetPort": "http"}, {"port": 80, "targetPort": "http", "protocol": "TCP"}),
        ({"port": 80, "targetPort": 0, "protocol": "UDP"}, {"port": 80, "targetPort": 80, "protocol": "UDP"}),
        ({"port": 80, "targetPort": ""}, {"port": 80, "targetPort": 80, "protocol": "TCP"}),
    ],
)
def test_service_ports(port: Obj, expected: Obj) -> None:
    assert defaulted(service(ports=[port]))["spec"]["ports"] == [expected]


def test_headless_service_without_selector_is_dual_stack() -> None:
    svc = service(clusterIP="None")
    del svc["spec"]["selector"]
    got = defaulted(svc)["spec"]
    assert (got["ipFamilyPolicy"], got["ipFamilies"], got["clusterIPs"]) == ("RequireDualStack", ["IPv4", "IPv6"], ["None"])


def test_secret_defaults_and_string_data() -> None:
    s = defaulted({"kind": "Secret", "metadata": {"name": "s"}, "data": {"a": "eA=="},
                   "stringData": {"b": "hello", "a": "y"}})
    assert s == {"kind": "Secret", "metadata": {"name": "s"}, "type": "Opaque", "data": {"a": "eQ==", "b": "aGVsbG8="}}
    t = defaulted({"kind": "Secret", "metadata": {"name": "t"}, "type": "kubernetes.io/tls"})
    assert t["type"] == "kubernetes.io/tls"


def test_namespace_defaults() -> None:
    ns = defaulted({"kind": "Namespace", "metadata": {"name": "dev", "labels": {"team": "a"}}})
    assert ns == {"kind": "Namespace",
                  "metadata": {"name": "dev", "labels": {"team": "a", "kubernetes.io/metadata.name": "dev"}},
                  "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}}


def test_namespace_finalizer_not_readded_while_terminating() -> None:
    ns = {"kind": "Namespace", "metadata": {"name": "dev", "deletionTimestamp": "2024-01-01T00:00:00Z"},
          "spec": {}, "status": {"phase": "Terminating"}}
    got = defaulted(ns)
    assert got["spec"] == {} and got["status"]["phase"] == "Terminating"


def test_node_allocatable_defaults_to_capacity() -> None:
    node = defaulted({"kind": "Node", "metadata": {"name": "n"},
                      "status": {"capacity": {"cpu": "2", "memory": "8025424Ki", "pods": "110"}}})
    assert node["status"]["allocatable"] == {"cpu": "2", "memory": "8025424Ki", "pods": "110"}
    assert node["status"]["allocatable"] is not node["status"]["capacity"]


def test_endpoints_port_protocol() -> None:
    ep = defaulted({"kind": "Endpoints", "metadata": {"name": "e"},
                    "subsets": [{"addresses": [{"ip": "10.244.0.5"}], "ports": [{"port": 8080}]}]})
    assert ep["subsets"][0]["ports"] == [{"port": 8080, "protocol": "TCP"}]


@pytest.mark.parametrize("kind", ["ConfigMap", "Event", "Whatever", None])
def test_other_kinds_untouched(kind: str | None) -> None:
    obj = {"kind": kind, "metadata": {"name": "x"}, "data": {"a": "b"}}
    assert defaulted(obj) == obj


@pytest.mark.parametrize(
    "obj",
    [pod(), deployment(), service(type="NodePort"),
     {"kind": "Namespace", "metadata": {"name": "n"}},
     {"kind": "Secret", "metadata": {"name": "s"}, "stringData": {"k": "v"}}],
)
def test_defaults_are_idempotent(obj: Obj) -> None:
    once = defaulted(obj)
    assert defaulted(once) == once
