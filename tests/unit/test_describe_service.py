"""`kubectl describe service` and `endpoints`."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest

from kubenb.cli.kubectl.describe import describe_endpoints, describe_service
from kubenb.cli.kubectl.describe.service import endpoints_as_slices, format_endpoint_slices

NOW = datetime(2025, 1, 6, 10, 5, 0, tzinfo=timezone.utc)


def nodeport_service() -> dict[str, Any]:
    return {
        "apiVersion": "v1", "kind": "Service",
        "metadata": {"name": "kubernetes-bootcamp", "namespace": "default",
                     "labels": {"app": "kubernetes-bootcamp"}},
        "spec": {
            "selector": {"app": "kubernetes-bootcamp"}, "type": "NodePort",
            "clusterIP": "10.96.45.12", "clusterIPs": ["10.96.45.12"],
            "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack",
            "ports": [{"protocol": "TCP", "port": 8080, "targetPort": 8080, "nodePort": 31728}],
            "sessionAffinity": "None", "externalTrafficPolicy": "Cluster", "internalTrafficPolicy": "Cluster",
        },
        "status": {"loadBalancer": {}},
    }


def endpoints(ready: list[str], not_ready: list[str] = (), port_name: str = "") -> dict[str, Any]:
    subset: dict[str, Any] = {"ports": [{"name": port_name, "port": 8080, "protocol": "TCP"}]}
    if ready:
        subset["addresses"] = [{"ip": ip} for ip in ready]
    if not_ready:
        subset["notReadyAddresses"] = [{"ip": ip} for ip in not_ready]
    return {"kind": "Endpoints", "metadata": {"name": "kubernetes-bootcamp", "namespace": "default"},
            "subsets": [subset]}


def test_nodeport_service_every_key_in_one_column() -> None:
    text = describe_service(nodeport_service(), [endpoints(["10.244.0.5"])], [], NOW)
    assert text == """\
Name:                     kubernetes-bootcamp
Namespace:                default
Labels:                   app=kubernetes-bootcamp
Annotations:              <none>
Selector:                 app=kubernetes-bootcamp
Type:                     NodePort
IP Family Policy:         SingleStack
IP Families:              IPv4
IP:                       10.96.45.12
IPs:                      10.96.45.12
Port:                     <unset>  8080/TCP
TargetPort:               8080/TCP
NodePort:                 <unset>  31728/TCP
Endpoints:                10.244.0.5:8080
Session Affinity:         None
External Traffic Policy:  Cluster
Internal Traffic Policy:  Cluster
Events:                   <none>
"""


def test_clusterip_without_endpoints_and_named_target_port() -> None:
    svc = nodeport_service()
    svc["spec"].update(type="ClusterIP", ports=[{"name": "http", "protocol": "TCP", "port": 80,
                                                 "targetPort": "web"}])
    del svc["spec"]["externalTrafficPolicy"]
    text = describe_service(svc, [], None, NOW)
    assert ("Port:                     http  80/TCP\nTargetPort:               web/TCP\n"
            "Endpoints:                <none>\nSession Affinity:         None\n") in text
    assert "External Traffic Policy" not in text and "NodePort" not in text


@pytest.mark.parametrize(("ready", "not_ready", "expected"), [
    (["10.0.0.1"], [], "10.0.0.1:8080"),
    ([], ["10.0.0.1"], ""),
    (["10.0.0.1", "10.0.0.2", "10.0.0.3"], [], "10.0.0.1:8080,10.0.0.2:8080,10.0.0.3:8080"),
    (["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5"], [],
     "10.0.0.1:8080,10.0.0.2:8080,10.0.0.3:8080 + 2 more..."),
    (["fd00::1"], [], "[fd00::1]:8080"),
])
def test_endpoint_list(ready: list[str], not_ready: list[str], expected: str) -> None:
    assert format_endpoint_slices(endpoints_as_slices(endpoints(ready, not_ready)), "") == expected


def test_endpoints_of_another_port_name_are_not_listed_and_slices_are_accepted() -> None:
    assert format_endpoint_slices(endpoints_as_slices(endpoints(["10.0.0.1"], port_name="metrics")), "") == ""
    slices = [{"kind": "EndpointSlice", "ports": [{"name": "", "port": 80, "protocol": "TCP"}],
               "endpoints": [{"addresses": ["10.0.0.9"], "conditions": {"ready": True}},
                             {"addresses": ["10.0.0.8"], "conditions": {}}]}]
    text = describe_service(nodeport_service(), slices, None, NOW)
    assert "Endpoints:                10.0.0.9:80,10.0.0.8:80\n" in text


def test_loadbalancer_fields_and_version_gated_keys() -> None:
    svc = nodeport_service()
    svc["spec"].update(type="LoadBalancer", externalIPs=["1.2.3.4"], healthCheckNodePort=30000,
                       trafficDistribution="PreferClose")
    svc["spec"]["ports"][0]["appProtocol"] = "http"
    svc["status"]["loadBalancer"] = {"ingress": [{"ip": "5.6.7.8", "ipMode": "VIP"}, {"hostname": "lb.example"}]}
    text = describe_service(svc, [], None, NOW, kubectl_minor=36)
    assert "External IPs:             1.2.3.4\nLoadBalancer Ingress:     5.6.7.8 (VIP), lb.example\n" in text
    assert "AppProtocol:              http\n" in text
    assert text.endswith("HealthCheck NodePort:     30000\nTraffic Distribution:     PreferClose\n")
    old = describe_service(svc, [], None, NOW, kubectl_minor=32)
    assert "AppProtocol" not in old and "Traffic Distribution" not in old


def test_describe_endpoints() -> None:
    ep = endpoints(["10.244.0.5", "10.244.0.6"], ["10.244.0.7"])
    assert describe_endpoints(ep, [], NOW) == """\
Name:         kubernetes-bootcamp
Namespace:    default
Labels:       <none>
Annotations:  <none>
Subsets:
  Addresses:          10.244.0.5,10.244.0.6
  NotReadyAddresses:  10.244.0.7
  Ports:
    Name     Port  Protocol
    ----     ----  --------
    <unset>  8080  TCP

Events:  <none>
"""
