"""`kubectl expose` against a virtual cluster, refereed by real kubectl (`expose -f … --dry-run=client`)."""

from __future__ import annotations

import pytest

from tests.cli import configmap_yaml, needs_kubectl, pod_yaml, referee, web_deployment_yaml

PLAIN = web_deployment_yaml(replicas=1, tier="front")
DEPLOY = PLAIN + "        ports:\n        - containerPort: 80\n        - containerPort: 53\n          protocol: UDP\n"
POD = pod_yaml(port=8080)
CM = configmap_yaml("c")
NOLABELS = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: bare\nspec:\n  containers:\n  - name: a\n    image: nginx\n"

CASES = [
    (PLAIN, "--port 8080 --type NodePort"),
    (PLAIN, "--port 8080"),
    (PLAIN, "--port 80 --target-port 8080 --name foo --protocol UDP --labels a=b,c=d --selector x=y"),
    (PLAIN, "--port 80 --target-port http --session-affinity ClientIP --external-ip 1.2.3.4"),
    (PLAIN, "--port 80 --type LoadBalancer --load-balancer-ip 10.0.0.9 --cluster-ip None"),
    (PLAIN, "--port 8080 -n other"),
    (DEPLOY, ""),
    (POD, ""),
    (POD, "--port 80"),
    (PLAIN, ""),
    (CM, "--port 80"),
    (NOLABELS, "--port 80"),
    (PLAIN, "--port 80 --session-affinity Sticky"),
]


@needs_kubectl
@pytest.mark.parametrize("manifest, flags", CASES)
@pytest.mark.parametrize("fmt", ["yaml", "json", ""])
def test_dry_run_matches_kubectl(kube, tmp_path, manifest, flags, fmt):
    (tmp_path / "obj.yaml").write_text(manifest)
    line = f"expose -f {tmp_path}/obj.yaml {flags} --dry-run=client" + (f" -o {fmt}" if fmt else "")
    ours, theirs = kube(line), referee(line, tmp_path)
    assert (ours.out, ours.err, ours.rc) == (theirs.out, theirs.err, theirs.rc)


def test_expose_deployment_tutorial(kube, tmp_path):
    kube("create deployment kubernetes-bootcamp --image=gcr.io/google-samples/kubernetes-bootcamp:v1")
    r = kube("expose deployment/kubernetes-bootcamp --type=NodePort --port 8080")
    assert (r.out, r.err, r.rc) == ("service/kubernetes-bootcamp exposed\n", "", 0)
    svc = kube.client.get("Service", "default", "kubernetes-bootcamp")
    assert svc["spec"]["selector"] == {"app": "kubernetes-bootcamp"}
    assert svc["metadata"]["labels"] == {"app": "kubernetes-bootcamp"}
    assert svc["spec"]["ports"][0]["port"] == 8080 and svc["spec"]["ports"][0]["nodePort"] > 0
    r = kube("expose deployment kubernetes-bootcamp --type=NodePort --port 8080")
    assert r.err == 'Error from server (AlreadyExists): services "kubernetes-bootcamp" already exists\n'


def test_expose_pod_service_and_output(kube):
    kube("run pp --image=nginx --port=80")
    assert kube("expose pod pp -o name").out == "service/pp\n"
    r = kube("expose service pp --name pp2 --port 443 --target-port 80 -o yaml")
    assert "  selector:\n    run: pp\n" in r.out and "clusterIP:" in r.out
    assert kube("expose svc pp --name pp3 --dry-run=server").out == "service/pp3 exposed (server dry run)\n"
    assert kube.client.list("Service", "default")[0][-1]["metadata"]["name"] != "pp3"


@pytest.mark.parametrize("line, err", [
    ("expose deployment nope --port 80", 'Error from server (NotFound): deployments.apps "nope" not found\n'),
    ("expose node minikube --port 80", "error: cannot expose a Node\n"),
    ("expose deployment", "error: resource(s) were provided, but no name was specified\n"),
    ("expose foo x", 'error: the server doesn\'t have a resource type "foo"\n'),
])
def test_expose_errors(kube, line, err):
    r = kube(line)
    assert (r.out, r.err, r.rc) == ("", err, 1)


def test_expose_without_port(kube):
    kube("create deployment web --image=nginx")
    r = kube("expose deployment web")
    assert r.err == "error: couldn't find port via --port flag or introspection\n"
    kube("create deployment p --image=nginx --port=8080")
    assert kube("expose deploy p").out == "service/p exposed\n"
    assert kube.client.get("Service", "default", "p")["spec"]["ports"][0]["targetPort"] == 8080
