"""The ServiceAccount token volume on the process runtime: every pod gets
`kube-api-access-<x>` at /var/run/secrets/kubernetes.io/serviceaccount, so the official
Python client's `config.load_incluster_config()` works inside a pod: it reads the token and
CA, reaches the API server through the `kubernetes` Service (the server's certificate names
its ClusterIP) and is authenticated as the pod's ServiceAccount (RBAC then refuses what the
account may not do, in the API server's words). `automountServiceAccountToken: false` keeps
the volume out."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kubenb.cluster import Cluster
from kubenb.server import ApiServer
from tests.process.conftest import FAST, leftovers, listening
from tests.process.util import REQUIRES_LOOPBACK, SUBNET, container_status, pod

pytestmark = REQUIRES_LOOPBACK

PROGRAM = """
from kubernetes import client, config
config.load_incluster_config()
print(open("/var/run/secrets/kubernetes.io/serviceaccount/namespace").read())
print(client.VersionApi().get_code().git_version)
try:
    client.CoreV1Api().list_namespaced_pod("default")
except client.ApiException as err:
    print(err.status, __import__("json").loads(err.body)["message"])
"""


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Cluster]:
    cluster = Cluster("incluster", runtime="process", nodes=1, timings=FAST,
                      node_subnet=f"192.168.{SUBNET}", state_dir=str(tmp_path / "state"))
    cluster.serve_api(ApiServer())
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop()
    assert leftovers() == []
    assert listening() == []


def _done(cluster: Any, name: str) -> bool:
    return "terminated" in (container_status(cluster, name).get("state") or {})


def test_the_python_client_configures_itself_inside_a_pod(served: Cluster) -> None:
    created = served.store.create(pod("client", "python", command=[sys.executable, "-c", PROGRAM],
                                      restart="Never"))
    (volume,) = created["spec"]["volumes"]
    assert volume["name"].startswith("kube-api-access-")
    assert created["spec"]["containers"][0]["volumeMounts"] == [
        {"name": volume["name"], "readOnly": True, "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount"}]
    served.wait_for(lambda: _done(served, "client"), 90)
    logs = served.pod_logs("default", "client")
    assert container_status(served, "client")["state"]["terminated"]["exitCode"] == 0, logs
    assert logs.splitlines() == [
        "default", "v1.32.0",
        '403 pods is forbidden: User "system:serviceaccount:default:default" cannot list resource "pods" in '
        'API group "" in the namespace "default"']


def test_automount_false_keeps_the_token_out(served: Cluster) -> None:
    quiet = pod("quiet", "busybox", command=["sh", "-c", "ls /var/run/secrets/kubernetes.io 2>&1; true"],
                restart="Never")
    quiet["spec"]["automountServiceAccountToken"] = False
    created = served.store.create(quiet)
    assert "volumes" not in created["spec"] or created["spec"]["volumes"] == []
    assert "volumeMounts" not in created["spec"]["containers"][0]
