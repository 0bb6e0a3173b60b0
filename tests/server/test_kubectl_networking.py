"""Ingress, IngressClass and NetworkPolicy through real kubectl 1.32: its `get` tables (the
server's Table), its describe texts (computed client-side from what the server stores) and
the API server's validation messages are the expected text for kubenb's own."""

from __future__ import annotations

import io

import pytest

from kubenb.cli.kubectl.main import kubectl as inprocess_kubectl
from kubenb.client.inprocess import InProcessClient

from .conftest import KUBECTL_132, Served
from .test_kubectl import words
from .test_kubectl_daemons import real

pytestmark = pytest.mark.skipif(not __import__("shutil").which(KUBECTL_132), reason="needs kubectl 1.32")

def ours(served: Served, *args: str, stdin: str | None = None) -> str:
    out, err = io.StringIO(), io.StringIO()
    inprocess_kubectl(list(args), InProcessClient.for_cluster(served.cluster), out, err, stdin=stdin)
    return out.getvalue() + err.getvalue()


WEB = """apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx, ports: [{containerPort: 80}]}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: 80}]
"""

CLASSES = """apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: nginx
  annotations: {ingressclass.kubernetes.io/is-default-class: "true"}
  labels: {app.kubernetes.io/name: ingress-nginx}
spec:
  controller: k8s.io/ingress-nginx
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: tuned}
spec:
  controller: example.com/ingress
  parameters: {apiGroup: k8s.example.com, kind: IngressParameters, name: external-lb}
"""

INGRESSES = """apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: site
  annotations: {nginx.ingress.kubernetes.io/rewrite-target: /}
spec:
  tls:
  - hosts: [hello.example.com]
    secretName: hello-tls
  - hosts: [sni.example.com]
  rules:
  - host: hello.example.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
      - {path: /api, pathType: Exact, backend: {service: {name: web, port: {name: http}}}}
      - {path: /gone, pathType: Prefix, backend: {service: {name: missing, port: {number: 8080}}}}
  - host: a.example.com
  - host: b.example.com
    http:
      paths:
      - {path: /, pathType: ImplementationSpecific, backend: {resource: {apiGroup: k8s.example.com, kind: StorageBucket, name: static}}}
  - host: c.example.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: catchall}
spec:
  ingressClassName: tuned
  defaultBackend: {service: {name: web, port: {number: 80}}}
"""

POLICIES = """apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-all}
spec:
  podSelector: {}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-policy, labels: {team: a}}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Ingress, Egress]
  ingress:
  - from:
    - ipBlock: {cidr: 172.17.0.0/16, except: [172.17.1.0/24]}
    - namespaceSelector: {matchLabels: {project: myproject}}
    - namespaceSelector: {matchLabels: {project: x}}
      podSelector: {matchLabels: {role: frontend}}
    ports:
    - {protocol: TCP, port: 6379}
    - {port: http}
  - {}
  egress:
  - to:
    - ipBlock: {cidr: 10.0.0.0/24}
    ports: [{protocol: UDP, port: 53}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: egress-only}
spec:
  podSelector: {matchExpressions: [{key: tier, operator: In, values: [db, cache]}]}
  policyTypes: [Egress]
"""


def test_ingress_kinds_read_as_kubectl_132_prints_them(served: Served) -> None:
    real(served, "apply", "-f", "-", stdin=WEB)
    real(served, "rollout", "status", "deployment/web", "--timeout=60s")
    assert real(served, "apply", "-f", "-", stdin=CLASSES) == (
        "ingressclass.networking.k8s.io/nginx created\ningressclass.networking.k8s.io/tuned created\n")
    assert real(served, "apply", "-f", "-", stdin=INGRESSES) == (
        "ingress.networking.k8s.io/site created\ningress.networking.k8s.io/catchall created\n")
    # DefaultIngressClass admission gave `site` the default class
    assert served.store.get("Ingress", "default", "site")["spec"]["ingressClassName"] == "nginx"
    status = {"loadBalancer": {"ingress": [{"ip": "192.168.49.2"}, {"ip": "192.168.49.100"}]}}
    site = served.store.get("Ingress", "default", "site")
    served.store.update({**site, "status": status}, subresource="status")
    for args in (["get", "ingress"], ["get", "ing", "-o", "wide"], ["get", "ingressclass"],
                 ["get", "ingressclasses", "-o", "wide"]):
        assert words(ours(served, *args)) == words(real(served, *args)), args
    assert words(real(served, "get", "ing")) == [
        ["NAME", "CLASS", "HOSTS", "ADDRESS", "PORTS", "AGE"],
        ["catchall", "tuned", "*", "80", "AGE"],
        ["site", "nginx", "hello.example.com,a.example.com,b.example.com", "+", "1", "more...",
         "192.168.49.10...", "80,", "443", "AGE"]]
    for name in ("site", "catchall"):
        described = real(served, "describe", "ingress", name, "--show-events=false")
        assert ours(served, "describe", "ingress", name, "--show-events=false") == described
        assert words(ours(served, "describe", "ing", name)) == words(real(served, "describe", "ing", name))
    for name in ("nginx", "tuned"):
        assert ours(served, "describe", "ingressclass", name) == real(served, "describe", "ingressclass", name)
    assert "web:80 (10.244." in real(served, "describe", "ing", "site")
    real(served, "delete", "ingress", "site", "catchall")
    real(served, "delete", "ingressclass", "nginx", "tuned")


def test_network_policies_read_as_kubectl_132_prints_them(served: Served) -> None:
    real(served, "apply", "-f", "-", stdin=POLICIES)
    for args in (["get", "netpol"], ["get", "networkpolicies", "-o", "wide"]):
        assert words(ours(served, *args)) == words(real(served, *args))
    assert words(real(served, "get", "netpol")) == [
        ["NAME", "POD-SELECTOR", "AGE"], ["deny-all", "<none>", "AGE"],
        ["egress-only", "tier", "in", "(cache,db)", "AGE"], ["web-policy", "app=web", "AGE"]]
    for name in ("deny-all", "web-policy", "egress-only"):
        assert ours(served, "describe", "netpol", name) == real(served, "describe", "netpol", name)
    real(served, "delete", "netpol", "--all")


@pytest.mark.parametrize("manifest", [
    # host wildcard not first, path not absolute, no pathType, no backend port
    """{"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "bad"},
     "spec": {"rules": [{"host": "*.foo.*", "http": {"paths": [
       {"path": "foo", "pathType": "Prefix", "backend": {"service": {"name": "web", "port": {}}}},
       {"path": "/x", "backend": {"service": {"name": "web", "port": {"number": 80}}}},
       {"path": "/a//b", "pathType": "Exact", "backend": {}},
       {"path": "/c/..", "pathType": "Bogus", "backend": {"service": {"name": "Web_1", "port": {"name": "h", "number": 70000}}}}]}}]}}""",
    """{"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "bad"}, "spec": {}}""",
    """{"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "bad",
     "annotations": {"kubernetes.io/ingress.class": "a"}},
     "spec": {"ingressClassName": "b", "rules": [{"host": "10.0.0.1"}],
              "tls": [{"hosts": ["*.x.*"], "secretName": "Bad_Secret"}],
              "defaultBackend": {"service": {"name": "web", "port": {"number": 0}},
                                 "resource": {"kind": "x", "name": "y"}}}}""",
    """{"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass", "metadata": {"name": "bad"},
     "spec": {"controller": "nodomain", "parameters": {"kind": "a/b", "name": "..", "scope": "Namespace"}}}""",
    """{"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "bad"},
     "spec": {"podSelector": {"matchLabels": {"a": "-x"}}, "policyTypes": ["Ingress", "Sideways"],
              "ingress": [{"from": [{}, {"ipBlock": {"cidr": "10.0.0.0/8", "except": ["11.0.0.0/24", "nope"]},
                                         "podSelector": {}}],
                           "ports": [{"protocol": "ICMP", "port": 0}, {"port": "http", "endPort": 90},
                                     {"port": 100, "endPort": 90}]}]}}""",
])
def test_invalid_objects_get_the_api_servers_messages(served: Served, manifest: str) -> None:
    want = real(served, "create", "-f", "-", stdin=manifest, rc=1)
    assert "is invalid" in want
    assert ours(served, "create", "-f", "-", stdin=manifest) == want


def test_create_ingress_builds_what_kubectl_builds(served: Served) -> None:
    args = ["create", "ingress", "gen", "--class=nginx", "--rule=foo.com/=web:80,tls=foo-tls",
            "--rule=foo.com/api*=web:http", "--rule=/path=web:80,tls", "--rule=bar.com/*=svc2:8080",
            "--rule=b.com/=web:80,tls", "--rule=foo.com/x=web:80,tls=other", "--rule=c.com/=w:80,tls=s4",
            "--default-backend=web:80", "--annotation=a.b/c=d", "--dry-run=client", "-o", "yaml"]
    assert ours(served, *args) == real(served, *args)
    assert ours(served, "create", "ingress", "gen", "--rule=foo.com/=web:80") == (
        "ingress.networking.k8s.io/gen created\n")
    for bad in (["create", "ingress", "x"], ["create", "ingress", "x", "--rule=foo"],
                ["create", "ingress", "x", "--default-backend=nope"]):
        assert ours(served, *bad) == real(served, *bad, rc=1)
    real(served, "delete", "ingress", "gen")
    # the typed client sends protobuf: the server decodes networking.k8s.io/v1 too
    rules = ["--rule=foo.com/api*=web:http,tls=foo-tls", "--class=nginx", "--annotation=x=y"]
    assert real(served, "create", "ingress", "typed", *rules) == "ingress.networking.k8s.io/typed created\n"
    assert ours(served, "create", "ingress", "typed2", *rules) == "ingress.networking.k8s.io/typed2 created\n"
    typed, typed2 = (served.store.get("Ingress", "default", n) for n in ("typed", "typed2"))
    assert typed["spec"] == typed2["spec"]
    assert typed["metadata"]["annotations"] == typed2["metadata"]["annotations"] == {"x": "y"}
    assert ours(served, "get", "ing", "typed", "-o", "yaml").replace("typed", "T") == \
        real(served, "get", "ing", "typed", "-o", "yaml").replace("typed", "T")
    real(served, "delete", "ingress", "typed", "typed2")
