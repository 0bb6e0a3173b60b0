"""kubectl version, cluster-info, api-resources, proxy and port-forward against a virtual cluster."""

from __future__ import annotations

import json
import shutil
import subprocess
from typing import Any

import pytest
import yaml

from kubenb.cli.kubectl.commands.version import CLIENT_VERSION, skew_warning

KUBECTL = shutil.which("kubectl") or "/usr/bin/kubectl"
needs_kubectl = pytest.mark.skipif(not shutil.which("kubectl"), reason="real kubectl not installed")


def real(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([KUBECTL, *args], capture_output=True, text=True,
                          env={"KUBECONFIG": "/nonexistent", "PATH": "/usr/bin:/bin"}, check=False)


# ---- version ------------------------------------------------------------------------------


def test_version_text(kube: Any) -> None:
    r = kube("version")
    assert (r.out, r.err, r.rc) == (
        "Client Version: v1.32.4\nKustomize Version: v5.5.0\nServer Version: v1.32.0\n", "", 0)


def test_version_client_only_skips_server_and_extra_args(kube: Any) -> None:
    r = kube("version --client stray")
    assert (r.out, r.rc) == ("Client Version: v1.32.4\nKustomize Version: v5.5.0\n", 0)


@needs_kubectl
@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_version_client_layout_matches_real_kubectl(kube: Any, fmt: str) -> None:
    """Same layout as the referee binary; only the version facts differ (it is a -dispatcher build)."""
    ours = kube(f"version --client -o {fmt}").out
    theirs = real("version", "--client", "-o", fmt).stdout
    load = json.loads if fmt == "json" else yaml.safe_load
    assert list(load(ours)) == list(load(theirs))
    assert list(load(ours)["clientVersion"]) == list(load(theirs)["clientVersion"])
    # indentation and trailing newlines are the same: compare with values blanked
    blank = {k: "x" for k in CLIENT_VERSION}

    def shape(text: str) -> str:
        doc = load(text)
        doc["clientVersion"] = blank
        return json.dumps(doc, indent=2) if fmt == "json" else yaml.safe_dump(doc)

    assert shape(ours) == shape(theirs)
    assert ours.endswith("\n}\n" if fmt == "json" else "\n\n")
    assert ours.count("\n") == theirs.count("\n")


def test_version_json_has_server_in_field_order(kube: Any) -> None:
    doc = json.loads(kube("version -o json").out)
    assert list(doc) == ["clientVersion", "kustomizeVersion", "serverVersion"]
    assert list(doc["serverVersion"]) == ["major", "minor", "gitVersion", "gitCommit",
                                          "gitTreeState", "buildDate", "goVersion", "compiler",
                                          "platform"]
    assert doc["serverVersion"]["gitVersion"] == "v1.32.0"


@pytest.mark.parametrize("line, err", [
    ("version -o wide", "error: --output must be 'yaml' or 'json'\n"),
    ("version extra", "error: extra arguments: [extra]\n"),
    ("version --bogus", "Error: unknown flag: --bogus\nSee 'kubectl version --help' for usage.\n"),
])
def test_version_errors(kube: Any, line: str, err: str) -> None:
    r = kube(line)
    assert (r.out, r.err, r.rc) == ("", err, 1)


@needs_kubectl
def test_version_output_error_matches_real_kubectl(kube: Any) -> None:
    assert kube("version --client -o wide").err == real("version", "--client", "-o", "wide").stderr


@pytest.mark.parametrize("client, server, warning", [
    ("v1.32.4", "v1.32.0", ""),
    ("v1.32.4", "v1.31.2", ""),
    ("v1.32.4", "v1.30.0", "WARNING: version difference between client (1.32) and server (1.30) "
                           "exceeds the supported minor version skew of +/-1\n"),
    ("v1.32.4", "v2.32.0", "WARNING: version difference between client (1.32) and server (2.32) "
                           "exceeds the supported minor version skew of +/-1\n"),
])
def test_skew_warning(client: str, server: str, warning: str) -> None:
    assert skew_warning(client, server) == warning


def test_version_reads_server_version_from_client_when_offered(vcluster: Any) -> None:
    import io

    from kubenb.cli.kubectl.commands.version import server_version_info
    from kubenb.cli.kubectl.main import kubectl
    from kubenb.client.inprocess import InProcessClient

    class Versioned(InProcessClient):
        def version(self) -> dict[str, str]:
            return server_version_info("v1.29.3")

    out, err = io.StringIO(), io.StringIO()
    assert kubectl(["version"], Versioned.for_cluster(vcluster), out, err) == 0
    assert out.getvalue().endswith("Server Version: v1.29.3\n")
    assert err.getvalue().startswith("WARNING: version difference between client (1.32) and server (1.29)")


# ---- cluster-info -------------------------------------------------------------------------


def test_cluster_info(kube: Any, golden: Any) -> None:
    r = kube("cluster-info")
    assert r.rc == 0 and r.err == ""
    golden("cluster-info_minikube", r.out)


def test_cluster_info_lists_labelled_services_of_the_namespace(kube: Any) -> None:
    kube.client.create({"apiVersion": "v1", "kind": "Service", "metadata": {
        "name": "dash", "namespace": "default",
        "labels": {"kubernetes.io/cluster-service": "true"}},
        "spec": {"ports": [{"port": 443}], "selector": {"a": "b"}}})
    r = kube("cluster-info -n default")
    assert r.out.splitlines()[1] == (
        "dash is running at https://192.168.49.2:8443/api/v1/namespaces/default/services/"
        "https:dash:/proxy")
    assert "CoreDNS" not in r.out


def test_cluster_info_dump_is_not_available_yet(kube: Any) -> None:
    r = kube("cluster-info dump")
    assert (r.err, r.rc) == ("error: kubectl cluster-info dump is not available yet in kubenb\n", 1)


# ---- api-resources ------------------------------------------------------------------------


def test_api_resources(kube: Any, golden: Any) -> None:
    r = kube("api-resources")
    assert r.rc == 0
    golden("api-resources_default", r.out)


def test_api_resources_wide(kube: Any, golden: Any) -> None:
    golden("api-resources_wide", kube("api-resources -o wide").out)


def test_api_resources_sorted_by_group_then_name(kube: Any) -> None:
    rows = [line.split()[0] for line in kube("api-resources --no-headers").out.splitlines()]
    groups = [kube.client.registry.lookup(n).group for n in rows]
    assert groups == sorted(groups)
    assert rows[:2] == ["configmaps", "endpoints"]
    assert rows[-2:] == ["roles", "storageclasses"]


APPS = ("controllerrevisions.apps\ndaemonsets.apps\ndeployments.apps\nreplicasets.apps\n"
        "statefulsets.apps\n")


@pytest.mark.parametrize("line, want", [
    ("api-resources -o name --namespaced=false",
     "namespaces\nnodes\npersistentvolumes\n"
     "customresourcedefinitions.apiextensions.k8s.io\n"
     "apiservices.apiregistration.k8s.io\n"
     "selfsubjectreviews.authentication.k8s.io\n"
     "tokenreviews.authentication.k8s.io\nselfsubjectaccessreviews.authorization.k8s.io\n"
     "selfsubjectrulesreviews.authorization.k8s.io\nsubjectaccessreviews.authorization.k8s.io\n"
     "certificatesigningrequests.certificates.k8s.io\n"
     "ingressclasses.networking.k8s.io\n"
     "clusterrolebindings.rbac.authorization.k8s.io\nclusterroles.rbac.authorization.k8s.io\n"
     "storageclasses.storage.k8s.io\n"),
    ("api-resources -o name --api-group=apps", APPS),
    ("api-resources -o name --categories=all",
     "pods\nreplicationcontrollers\nservices\ndaemonsets.apps\ndeployments.apps\n"
     "replicasets.apps\nstatefulsets.apps\nhorizontalpodautoscalers.autoscaling\n"
     "cronjobs.batch\njobs.batch\n"),
    ("api-resources -o name --sort-by=kind --api-group=apps", APPS),
])
def test_api_resources_filters(kube: Any, line: str, want: str) -> None:
    assert kube(line).out == want


def test_api_resources_sort_by_kind(kube: Any) -> None:
    kinds = [line.split()[-1] for line in kube("api-resources --sort-by=kind --no-headers").out.splitlines()]
    assert kinds == sorted(kinds)


@needs_kubectl
@pytest.mark.parametrize("args", [["foo"], ["-o", "yaml"], ["--sort-by=x"]])
def test_api_resources_errors_match_real_kubectl(kube: Any, args: list[str]) -> None:
    r = kube("api-resources " + " ".join(args))
    theirs = real("api-resources", *args)
    assert (r.err, r.rc) == (theirs.stderr, theirs.returncode)


# ---- proxy / port-forward -----------------------------------------------------------------


@pytest.mark.parametrize("line, err", [
    ("proxy", "error: this cluster serves no HTTP API to proxy to (clusters started with "
              "`%minikube start` do)\n"),
    ("proxy --port=8080", "error: this cluster serves no HTTP API to proxy to (clusters "
                          "started with `%minikube start` do)\n"),
    ("port-forward pod/x 8080:80", 'Error from server (NotFound): pods "x" not found\n'),
    ("port-forward", "error: TYPE/NAME and list of ports are required for port-forward\n"
                     "See 'kubectl port-forward -h' for help and examples\n"),
])
def test_proxy_and_port_forward_say_not_available(kube: Any, line: str, err: str) -> None:
    r = kube(line)
    assert (r.out, r.err, r.rc) == ("", err, 1)


@needs_kubectl
def test_port_forward_usage_error_matches_real_kubectl(kube: Any) -> None:
    assert kube("port-forward pod/x").err == real("port-forward", "pod/x").stderr
