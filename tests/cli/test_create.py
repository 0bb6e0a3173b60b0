"""`kubectl create` (builders and -f) against a virtual cluster, refereed by real kubectl."""

from __future__ import annotations

import json

import pytest

from tests.cli import configmap_yaml, dry_run, needs_kubectl, referee, web_deployment_yaml

DEPLOY = web_deployment_yaml()
MULTI = """apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Namespace
  metadata:
    name: team
---
""" + configmap_yaml("settings", mode="fast")

BUILDERS = [
    "create deployment x --image=nginx",
    "create deployment x --image=nginx --replicas=3 --port=80 -- sleep 10",
    "create deployment x --image=registry.k8s.io/pause:3.9 --image=busybox",
    "create deployment x --image=nginx -n other",
    "create deployment x --image=nginx --save-config",
    "create namespace foo",
    "create ns foo --save-config",
    "create configmap cm --from-literal=a=1 --from-literal=b=two",
    "create cm cm --from-literal=z=last -n other",
    "create secret generic s --from-literal=a=1 --from-literal=pw=s3cr3t",
    "create secret generic s --from-literal=a=1 --type=Opaque",
    "create service clusterip s --tcp=80:8080",
    "create service clusterip s --clusterip=None",
    "create service nodeport s --tcp=80 --node-port=30080",
    "create service loadbalancer s --tcp=80:8080 --tcp=443:https",
]


@needs_kubectl
@pytest.mark.parametrize("line", BUILDERS)
@pytest.mark.parametrize("fmt", ["yaml", "json", "name", ""])
def test_builders_dry_run_match_kubectl(kube, tmp_path, line, fmt):
    cmd = dry_run(line, fmt)
    ours, theirs = kube(cmd), referee(cmd, tmp_path)
    assert (ours.out, ours.err, ours.rc) == (theirs.out, theirs.err, theirs.rc)


def test_create_deployment_writes_the_object(kube):
    r = kube("create deployment web --image=nginx --replicas=2")
    assert (r.out, r.err, r.rc) == ("deployment.apps/web created\n", "", 0)
    obj = kube.client.get("Deployment", "default", "web")
    assert obj["spec"]["replicas"] == 2
    assert obj["spec"]["template"]["spec"]["containers"][0]["name"] == "nginx"
    assert obj["metadata"]["labels"] == {"app": "web"}


def test_create_deployment_in_namespace_and_yaml(kube):
    kube("create ns team")
    r = kube("create deployment web --image=nginx -n team -o yaml")
    assert r.rc == 0 and "  namespace: team\n" in r.out and "resourceVersion:" in r.out
    assert kube.client.get("Deployment", "team", "web")


def test_dry_run_client_writes_nothing(kube):
    r = kube("create deployment web --image=nginx --dry-run=client")
    assert r.out == "deployment.apps/web created (dry run)\n"
    assert kube.client.list("Deployment", "default")[0] == []


def test_dry_run_server_validates_but_writes_nothing(kube):
    r = kube("create deployment web --image=nginx --dry-run=server")
    assert (r.out, r.rc) == ("deployment.apps/web created (server dry run)\n", 0)
    assert kube.client.list("Deployment", "default")[0] == []
    kube("create deployment web --image=nginx")
    r = kube("create deployment web --image=nginx --dry-run=server")
    assert r.err == 'error: failed to create deployment: deployments.apps "web" already exists\n'


@pytest.mark.parametrize("line, err", [
    ("create ns default", 'Error from server (AlreadyExists): namespaces "default" already exists\n'),
    ("create configmap kube-root-ca.crt --from-literal=a=b",
     'error: failed to create configmap: configmaps "kube-root-ca.crt" already exists\n'),
])
def test_already_exists(kube, line, err):
    r = kube(line)
    assert (r.out, r.err, r.rc) == ("", err, 1)


def test_wrapped_errors_for_secret_and_service(kube):
    kube("create secret generic s --from-literal=a=1")
    kube("create service clusterip s --tcp=80")
    assert kube("create secret generic s --from-literal=a=1").err == \
        'error: failed to create secret secrets "s" already exists\n'
    assert kube("create service clusterip s --tcp=80").err == \
        'error: failed to create ClusterIP service: services "s" already exists\n'


def test_secret_data_is_base64(kube):
    kube("create secret generic s --from-literal=pw=s3cr3t")
    assert kube.client.get("Secret", "default", "s")["data"] == {"pw": "czNjcjN0"}


@needs_kubectl
def test_configmap_from_files_and_env_file(kube, tmp_path):
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "app.properties").write_text("color=blue\n")
    (tmp_path / "conf" / "blob.bin").write_bytes(b"\xff\x00\x01")
    env = tmp_path / "app.env"
    env.write_text("# comment\n\nMODE=fast\n  LEVEL=3\n")
    for line in (f"create configmap files --from-file={tmp_path}/conf --from-file=k={env}",
                 f"create secret generic files --from-file={tmp_path}/conf",
                 f"create configmap envs --from-env-file={env}",
                 f"create configmap c --from-file=k={tmp_path}/conf"):
        ours, theirs = kube(line + " -o yaml --dry-run=client"), referee(
            line + " -o yaml --dry-run=client", tmp_path)
        assert (ours.out, ours.err, ours.rc) == (theirs.out, theirs.err, theirs.rc)
    assert "  LEVEL: \"3\"\n  MODE: fast\n" in kube(
        f"create configmap envs --from-env-file={env} --dry-run=client -o yaml").out


@needs_kubectl
@pytest.mark.parametrize("line", [
    "create deployment x --image=nginx extra",
    "create deployment --image=nginx",
    "create ns",
    "create configmap c --from-literal=bad",
    "create configmap c --from-literal=b@d=1",
    "create configmap c --from-literal=a=1 --from-literal=a=2",
    "create configmap c --from-file=nothere",
    "create configmap c --from-literal=a=1 --from-env-file=x.env",
    "create secret generic s --from-literal=b@d=1",
    "create service clusterip a --tcp=abc:80",
    "create service clusterip a --tcp=99999",
    "create service clusterip a --tcp=80:Bad_Name",
    "create service clusterip a",
    "create service loadbalancer a --tcp=80 --bogus",
    "create deployment x --image=nginx -o wide",
    "create deployment x --image=nginx -o bogus",
    "create deployment x --image=nginx --dry-run=bogus",
    "create deployment x --image=a --image=b -- sleep 1",
    "create",
    "create x",
    "create -f nothere.yaml",
])
def test_errors_match_kubectl(kube, tmp_path, line):
    if "--dry-run" not in line and " -- " not in line:
        line += " --dry-run=client"  # the referee has no server to create on
    ours, theirs = kube(line), referee(line, tmp_path)
    assert (ours.out, ours.err, ours.rc) == (theirs.out, theirs.err, theirs.rc)


def test_required_image_flag(kube):
    # kubectl 1.32 logs this through klog with a timestamp and pid; kubenb keeps the words.
    r = kube("create deployment x")
    assert (r.out, r.err, r.rc) == ("", 'error: required flag(s) "image" not set\n', 1)


def test_create_from_file_and_stdin(kube, tmp_path):
    f = tmp_path / "deploy.yaml"
    f.write_text(DEPLOY)
    r = kube(f"create -f {f}")
    assert (r.out, r.err, r.rc) == ("deployment.apps/web created\n", "", 0)
    r = kube(f"create -f {f}")
    assert r.err == (f'Error from server (AlreadyExists): error when creating "{f}": '
                     'deployments.apps "web" already exists\n') and r.rc == 1
    r = kube("create -f - -o name", stdin=MULTI)
    assert (r.out, r.rc) == ("namespace/team\nconfigmap/settings\n", 0)
    assert kube.client.get("ConfigMap", "default", "settings")["data"] == {"mode": "fast"}


def test_create_from_directory_recursive(kube, tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "b.yaml").write_text(DEPLOY)
    (tmp_path / "a.json").write_text(json.dumps({"apiVersion": "v1", "kind": "ConfigMap",
                                                 "metadata": {"name": "a"}}))
    (tmp_path / "sub" / "c.yml").write_text("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: c\n")
    (tmp_path / "notes.txt").write_text("not a manifest")
    assert kube(f"create -f {tmp_path} --dry-run=client").out == \
        "configmap/a created (dry run)\ndeployment.apps/web created (dry run)\n"
    assert kube(f"create -f {tmp_path} -R --dry-run=client").out == (
        "configmap/a created (dry run)\ndeployment.apps/web created (dry run)\n"
        "namespace/c created (dry run)\n")


@needs_kubectl
@pytest.mark.parametrize("fmt", ["yaml", "json", "name", ""])
def test_create_file_dry_run_matches_kubectl(kube, tmp_path, fmt):
    (tmp_path / "m.yaml").write_text(MULTI + "---\n" + DEPLOY)
    line = f"create -f {tmp_path}/m.yaml --dry-run=client" + (f" -o {fmt}" if fmt else "")
    ours, theirs = kube(line), referee(line + " --validate=false", tmp_path)
    assert (ours.out, ours.err, ours.rc) == (theirs.out, theirs.err, theirs.rc)


@needs_kubectl
@pytest.mark.parametrize("text", [
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n labels: {}\n",
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n  labels: {a: b\n",
    "apiVersion: v1\nkind: Pod\nmetadata:\n\tname: x\n",
    "apiVersion: v1\nmetadata:\n  name: a\n",
    "kind: Pod\nmetadata:\n  name: a\n",
])
def test_manifest_errors_match_kubectl(kube, tmp_path, text):
    (tmp_path / "bad.yaml").write_text(text)
    line = f"create -f {tmp_path}/bad.yaml --dry-run=client --validate=false"
    ours, theirs = kube(line), referee(line, tmp_path)
    assert (ours.out, ours.err, ours.rc) == (theirs.out, theirs.err, theirs.rc)


def test_manifest_namespace_and_mapping_errors(kube, tmp_path):
    f = tmp_path / "ns.yaml"
    f.write_text(DEPLOY.replace("  name: web\n", "  name: web\n  namespace: foo\n", 1))
    r = kube(f"create -f {f} -n other")
    assert r.err == ('error: the namespace from the provided object "foo" does not match the '
                     "namespace \"other\". You must pass '--namespace=foo' to perform this "
                     "operation.\n")
    f.write_text("apiVersion: v1\nkind: Foo\nmetadata:\n  name: a\n")
    assert kube(f"create -f {f}").err == (
        f'error: resource mapping not found for name: "a" namespace: "" from "{f}": no matches '
        'for kind "Foo" in version "v1"\nensure CRDs are installed first\n')
    f.write_text("# nothing here\n")
    assert kube(f"create -f {f}").err == "error: no objects passed to create\n"
    r = kube("create -f https://example.com/x.yaml")
    assert r.rc == 1 and r.err.startswith('error: the URL "https://example.com/x.yaml" cannot be read')


def test_create_edit_and_raw_are_refused(kube, tmp_path):
    f = tmp_path / "d.yaml"
    f.write_text(DEPLOY)
    assert kube(f"create -f {f} --edit").err.startswith('error: unable to launch the editor "vi"')
    assert kube(f"create -f {f} --raw /api").err == "error: --raw is not supported by kubenb\n"
