"""`kubectl apply -f` (client-side apply) on a virtual cluster."""

from __future__ import annotations

import json

import pytest

from kubenb.cli.kubectl.manifests import LAST_APPLIED
from tests.cli import configmap_yaml, web_deployment_yaml

CM = configmap_yaml("settings", mode="fast")


@pytest.fixture
def manifest(tmp_path):
    def write(replicas=2, image="nginx", extra=""):
        path = tmp_path / "web.yaml"
        path.write_text(web_deployment_yaml(replicas, image) + extra)
        return path
    return write


def test_created_configured_unchanged(kube, manifest):
    f = manifest()
    assert kube(f"apply -f {f}").out == "deployment.apps/web created\n"
    assert kube(f"apply -f {f}").out == "deployment.apps/web unchanged\n"
    f = manifest(replicas=4, image="nginx:1.27")
    r = kube(f"apply -f {f}")
    assert (r.out, r.err, r.rc) == ("deployment.apps/web configured\n", "", 0)
    obj = kube.client.get("Deployment", "default", "web")
    assert obj["spec"]["replicas"] == 4
    assert obj["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.27"


def test_last_applied_annotation_is_kubectls(kube, manifest):
    kube(f"apply -f {manifest()}")
    value = kube.client.get("Deployment", "default", "web")["metadata"]["annotations"][LAST_APPLIED]
    assert value == (
        '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"annotations":{},"labels":'
        '{"app":"web"},"name":"web","namespace":"default"},"spec":{"replicas":2,"selector":'
        '{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":'
        '{"containers":[{"image":"nginx","name":"nginx"}]}}}}\n')


def test_removed_field_is_removed(kube, tmp_path):
    f = tmp_path / "cm.yaml"
    f.write_text(CM + "  extra: yes-please\n")
    kube(f"apply -f {f}")
    f.write_text(CM)
    assert kube(f"apply -f {f}").out == "configmap/settings configured\n"
    assert kube.client.get("ConfigMap", "default", "settings")["data"] == {"mode": "fast"}


def test_fields_set_by_others_survive(kube, manifest):
    kube(f"apply -f {manifest()}")
    kube("label deploy web owner=ops")
    assert kube(f"apply -f {manifest(replicas=3)}").out == "deployment.apps/web configured\n"
    labels = kube.client.get("Deployment", "default", "web")["metadata"]["labels"]
    assert labels == {"app": "web", "owner": "ops"}


def test_apply_on_object_without_annotation_warns(kube, manifest):
    kube("create deployment web --image=nginx")
    r = kube(f"apply -f {manifest()}")
    assert r.out == "deployment.apps/web configured\n"
    assert r.err == (
        "Warning: resource deployments.apps/web is missing the kubectl.kubernetes.io/"
        "last-applied-configuration annotation which is required by kubectl apply. kubectl "
        "apply should only be used on resources created declaratively by either kubectl "
        "create --save-config or kubectl apply. The missing annotation will be patched "
        "automatically.\n")
    assert LAST_APPLIED in kube.client.get("Deployment", "default", "web")["metadata"]["annotations"]


def test_create_save_config_then_apply_is_quiet(kube, tmp_path):
    f = tmp_path / "cm.yaml"
    f.write_text(CM)
    kube(f"create -f {f} --save-config")
    r = kube(f"apply -f {f}")
    assert (r.out, r.err) == ("configmap/settings unchanged\n", "")


def test_dry_runs(kube, manifest):
    f = manifest()
    assert kube(f"apply -f {f} --dry-run=client").out == "deployment.apps/web created (dry run)\n"
    assert kube(f"apply -f {f} --dry-run=server").out == \
        "deployment.apps/web created (server dry run)\n"
    assert kube.client.list("Deployment", "default")[0] == []
    kube(f"apply -f {f}")
    f = manifest(replicas=7)
    assert kube(f"apply -f {f} --dry-run=server").out == \
        "deployment.apps/web configured (server dry run)\n"
    assert kube(f"apply -f {f} --dry-run=client").out == "deployment.apps/web configured (dry run)\n"
    assert kube.client.get("Deployment", "default", "web")["spec"]["replicas"] == 2


def test_output_formats_and_stdin(kube, manifest, golden):
    r = kube("apply -f - -o name", stdin=CM + "---\n" + manifest().read_text())
    assert r.out == "configmap/settings\ndeployment.apps/web\n"
    r = kube("apply -f - -o yaml --dry-run=client", stdin=CM.replace("settings", "other"))
    golden("apply_dry_run_client_yaml", r.out)
    r = kube("apply -f - -o json", stdin=CM)
    assert json.loads(r.out)["metadata"]["name"] == "settings"
    r = kube(f"apply -f - -f {manifest()} -o jsonpath={{.items[*].metadata.name}}", stdin=CM)
    assert r.out == "settings web"


@pytest.mark.parametrize("line, err", [
    ("apply", "error: must specify one of -f and -k"),
    ("apply x -f y.yaml", "error: Unexpected args: [x]\nSee 'kubectl apply -h' for help and examples"),
    ("apply -f nothere.yaml", 'error: the path "nothere.yaml" does not exist'),
    ("apply -f - --server-side --dry-run=client",
     "error: --dry-run=client doesn't work with --server-side (did you mean --dry-run=server "
     "instead?)"),
    ("apply -f - --force-conflicts", "error: --force-conflicts only works with --server-side"),
    ("apply -f - --prune", "error: --prune is not supported by kubenb"),
    ("apply -f - -o wide", 'error: unable to match a printer suitable for the output format '
     '"wide", allowed formats are: go-template,go-template-file,json,jsonpath,jsonpath-as-json,'
     'jsonpath-file,name,template,templatefile,yaml'),
])
def test_errors(kube, line, err):
    r = kube(line, stdin=CM)
    assert (r.out, r.err, r.rc) == ("", err + "\n", 1)


def test_empty_input_and_invalid_object(kube, manifest):
    assert kube("apply -f -", stdin="---\n").err == "error: no objects passed to apply\n"
    kube(f"apply -f {manifest()}")
    r = kube(f"apply -f {manifest(replicas=-1)}")
    assert (r.out, r.rc) == ("", 1)
    assert r.err == ('The Deployment "web" is invalid: spec.replicas: Invalid value: -1: must be '
                     "greater than or equal to 0\n")
    r = kube("apply -f -", stdin=CM.replace("name: settings", "generateName: s-"))
    assert r.err == "error: from s-: cannot use generate name with apply\n"
