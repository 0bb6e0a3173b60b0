"""Server-side apply end to end: real kubectl 1.32 over HTTPS and kubenb's in-process kubectl
on the same cluster print the same text (`serverside-applied`, the conflict and kubectl's
advice, `--force-conflicts`), and managedFields are served but hidden by `get -o yaml`."""

from __future__ import annotations

import io
import json

import pytest

from kubenb.cli.kubectl.main import kubectl as inprocess_kubectl
from kubenb.client.inprocess import InProcessClient

from .conftest import KUBECTL_132, Served

pytestmark = pytest.mark.skipif(not __import__("shutil").which(KUBECTL_132),
                                reason="no kubectl 1.32")

MANIFEST = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: NAME
  labels: {app: NAME}
spec:
  replicas: 2
  selector:
    matchLabels: {app: NAME}
  template:
    metadata:
      labels: {app: NAME}
    spec:
      containers:
      - name: nginx
        image: nginx
"""

ADVICE = """Please review the fields above--they currently have other managers. Here
are the ways you can resolve this warning:
* If you intend to manage all of these fields, please re-run the apply
  command with the `--force-conflicts` flag.
* If you do not intend to manage all of the fields, please edit your
  manifest to remove references to the fields that should keep their
  current managers.
* You may co-own fields by updating your manifest to match the existing
  value; in this case, you'll become the manager if the other manager(s)
  stop managing the field (remove it from their configuration).
See https://kubernetes.io/docs/reference/using-api/server-side-apply/#conflicts
"""


def real(served: Served, *args: str, stdin: str | None = None) -> tuple[int, str]:
    run = served.kubectl(*args, binary=KUBECTL_132, stdin=stdin)
    return run.rc, run.out + run.err


def ours(served: Served, *args: str, stdin: str | None = None) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    rc = inprocess_kubectl(list(args), InProcessClient.for_cluster(served.cluster), out, err,
                           stdin=stdin)
    return rc, out.getvalue() + err.getvalue()


def managers(served: Served, name: str) -> list[tuple[str, str, str, dict]]:
    reply = served.request("GET", f"/apis/apps/v1/namespaces/default/deployments/{name}")
    entries = json.loads(reply.body)["metadata"]["managedFields"]
    return [(e["manager"], e["operation"], e.get("subresource", ""), e["fieldsV1"])
            for e in entries]


@pytest.mark.parametrize("who", ["kubectl-1.32", "in-process"])
def test_scale_then_apply_conflicts_and_force_takes_over(served: Served, who: str) -> None:
    k = real if who == "kubectl-1.32" else ours
    name = "ssa-real" if who == "kubectl-1.32" else "ssa-ours"
    manifest = MANIFEST.replace("NAME", name)
    assert k(served, "create", "deployment", name, "--image=nginx") == (
        0, f"deployment.apps/{name} created\n")
    assert k(served, "scale", "deploy", name, "--replicas=3") == (
        0, f"deployment.apps/{name} scaled\n")
    found = {(m, op, sub) for m, op, sub, _ in managers(served, name)}
    assert {("kubectl-create", "Update", ""), ("kubectl", "Update", "scale")} <= found
    assert k(served, "apply", "--server-side", "-f", "-", stdin=manifest) == (1, (
        'error: Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" '
        "using apps/v1: .spec.replicas\n" + ADVICE))
    assert served.store.get("Deployment", "default", name)["spec"]["replicas"] == 3
    assert k(served, "apply", "--server-side", "--force-conflicts", "-f", "-",
             stdin=manifest) == (0, f"deployment.apps/{name} serverside-applied\n")
    assert served.store.get("Deployment", "default", name)["spec"]["replicas"] == 2
    entries = managers(served, name)
    assert not [e for e in entries if e[2] == "scale"]  # its only field moved to the applier
    (applied,) = [e[3] for e in entries if e[1] == "Apply"]
    assert applied["f:spec"]["f:replicas"] == {}
    # applying again without replicas gives the field up: nobody else owns it, so it goes
    # (and defaulting puts 1 back)
    dropped = manifest.replace("  replicas: 2\n", "")
    assert k(served, "apply", "--server-side", "-f", "-", stdin=dropped) == (
        0, f"deployment.apps/{name} serverside-applied\n")
    assert served.store.get("Deployment", "default", name)["spec"]["replicas"] == 1


@pytest.mark.parametrize("k", [real, ours], ids=["kubectl-1.32", "in-process"])
def test_apply_creates_and_yaml_hides_managed_fields(served: Served, k) -> None:
    name = f"ssa-new-{k.__name__}"
    manifest = MANIFEST.replace("NAME", name)
    assert k(served, "apply", "--server-side", "-f", "-", stdin=manifest) == (
        0, f"deployment.apps/{name} serverside-applied\n")
    assert k(served, "apply", "--server-side", "-f", "-", "--dry-run=server",
             stdin=manifest) == (0, f"deployment.apps/{name} serverside-applied (server dry run)\n")
    rc, text = k(served, "get", "deploy", name, "-o", "yaml")
    assert rc == 0 and "managedFields" not in text
    rc, text = k(served, "get", "deploy", name, "-o", "yaml", "--show-managed-fields")
    assert rc == 0 and "  managedFields:\n" in text and "    manager: kubectl\n" in text
    assert "    operation: Apply\n" in text


def test_both_kubectls_write_the_same_managed_fields(served: Served) -> None:
    seen = []
    for k, name in ((real, "mf-a"), (ours, "mf-b")):
        k(served, "create", "deployment", name, "--image=nginx")
        k(served, "label", "deploy", name, "tier=web")
        k(served, "set", "image", f"deploy/{name}", "nginx=nginx:1.27")
        entries = [e for e in managers(served, name) if not e[0].startswith("kube-")]
        seen.append(json.loads(json.dumps(entries).replace(name, "NAME")))
    assert seen[0] == seen[1]
    assert sorted(e[0] for e in seen[0]) == ["kubectl-create", "kubectl-label", "kubectl-set"]


def test_apply_options_and_the_conflict_status_over_http(served: Served) -> None:
    path = "/api/v1/namespaces/default/configmaps/ssa-http"
    body = b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ssa-http}\ndata: {a: '1'}\n"
    apply = {"Content-Type": "application/apply-patch+yaml"}
    reply = served.request("PATCH", path, body, headers=apply)
    assert reply.status == 422
    assert json.loads(reply.body)["message"] == (
        'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for '
        "apply patch")
    reply = served.request("PATCH", path + "?force=true", {"data": {"a": "2"}},
                           headers={"Content-Type": "application/merge-patch+json"})
    assert reply.status == 422
    assert json.loads(reply.body)["message"] == (
        'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for '
        "non-apply patch")
    assert served.request("PATCH", path + "?fieldManager=one", body, headers=apply).status == 201
    other = body.replace(b"'1'", b"'2'")
    reply = served.request("PATCH", path + "?fieldManager=two", other, headers=apply)
    assert reply.status == 409
    assert json.loads(reply.body) == {
        "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
        "message": 'Apply failed with 1 conflict: conflict with "one": .data.a',
        "reason": "Conflict",
        "details": {"causes": [{"reason": "FieldManagerConflict",
                                "message": 'conflict with "one"', "field": ".data.a"}]},
        "code": 409}
    reply = served.request("PATCH", path + "?fieldManager=two&force=true", other, headers=apply)
    assert reply.status == 200
    entries = json.loads(reply.body)["metadata"]["managedFields"]
    assert [(e["manager"], e["operation"]) for e in entries] == [("two", "Apply")]
    # a write without fieldManager is named after the User-Agent's program
    reply = served.request("PATCH", path, {"data": {"b": "x"}},
                           headers={"Content-Type": "application/merge-patch+json",
                                    "User-Agent": "curl/8.5.0"})
    entries = json.loads(reply.body)["metadata"]["managedFields"]
    assert ("curl", "Update") in [(e["manager"], e["operation"]) for e in entries]


CONFIGMAP = """apiVersion: v1
kind: ConfigMap
metadata:
  name: NAME
data:
  a: "A"
  b: "B"
"""


@pytest.mark.parametrize("k", [real, ours], ids=["kubectl-1.32", "in-process"])
def test_server_side_apply_takes_over_from_client_side_apply(served: Served, k) -> None:
    name = f"csa-{k.__name__}"
    manifest = CONFIGMAP.replace("NAME", name)
    assert k(served, "apply", "-f", "-", stdin=manifest) == (0, f"configmap/{name} created\n")
    changed = manifest.replace('"B"', '"C"')
    assert k(served, "apply", "--server-side", "-f", "-", stdin=changed) == (
        0, f"configmap/{name} serverside-applied\n")
    obj = served.store.get("ConfigMap", "default", name)
    entries = sorted((e["manager"], e["operation"], e["fieldsV1"])
                     for e in obj["metadata"]["managedFields"])  # the time orders them
    assert entries == [
        ("kubectl", "Apply", {"f:data": {"f:a": {}, "f:b": {}}}),
        ("kubectl-last-applied", "Apply", {"f:metadata": {"f:annotations": {
            "f:kubectl.kubernetes.io/last-applied-configuration": {}}}})]
    assert json.loads(obj["metadata"]["annotations"][
        "kubectl.kubernetes.io/last-applied-configuration"])["data"] == {"a": "A", "b": "C"}
    dropped = manifest.replace('  b: "B"\n', "")
    assert k(served, "apply", "--server-side", "-f", "-", stdin=dropped) == (
        0, f"configmap/{name} serverside-applied\n")
    assert served.store.get("ConfigMap", "default", name)["data"] == {"a": "A"}
