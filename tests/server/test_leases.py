"""coordination.k8s.io/v1 Leases over HTTP: the kubelets' node leases as real kubectl 1.32
lists and describes them, and leader election with the official Python client's LeaseLock."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator

import pytest
from kubernetes import client, config
from kubernetes.leaderelection import electionconfig, leaderelection
from kubernetes.leaderelection.resourcelock.leaselock import LeaseLock

from .conftest import KUBECTL_132, Served
from .test_kubectl import ours
from .test_kubectl_autoscaling import words

needs_132 = pytest.mark.skipif(not shutil.which(KUBECTL_132), reason="needs kubectl 1.32")
LEASES = "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases"


def real(served: Served, *args: str) -> str:
    run = served.kubectl(*args, binary=KUBECTL_132)
    assert run.rc == 0, run.err
    return run.out


def test_every_node_holds_a_lease(served: Served) -> None:
    nodes = {n["metadata"]["name"]: n["metadata"]["uid"] for n in served.store.list("Node")}
    listed = served.request("GET", LEASES).json()
    assert listed["kind"] == "LeaseList" and listed["apiVersion"] == "coordination.k8s.io/v1"
    got = {i["metadata"]["name"]: i for i in listed["items"]}
    assert set(got) == set(nodes)
    for name, lease in got.items():
        assert lease["spec"]["holderIdentity"] == name
        assert lease["spec"]["leaseDurationSeconds"] == 40
        assert lease["metadata"]["ownerReferences"] == [
            {"apiVersion": "v1", "kind": "Node", "name": name, "uid": nodes[name]}]
    missing = served.request("GET", f"{LEASES}/nope")
    assert missing.status == 404
    assert missing.json()["message"] == 'leases.coordination.k8s.io "nope" not found'
    bad = served.request("POST", "/apis/coordination.k8s.io/v1/namespaces/default/leases", {
        "apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": {"name": "x"},
        "spec": {"leaseDurationSeconds": 0}})
    assert bad.status == 422
    assert bad.json()["message"] == ('Lease.coordination.k8s.io "x" is invalid: '
                                     'spec.leaseDurationSeconds: Invalid value: 0: must be '
                                     'greater than 0')


@needs_132
def test_get_leases_and_describe_node_match_real_kubectl(served: Served) -> None:
    table = real(served, "get", "leases", "-A")
    assert table.splitlines()[0].split() == ["NAMESPACE", "NAME", "HOLDER", "AGE"]
    assert words(ours(served, "get", "leases", "-A")) == words(table)
    node = served.store.list("Node")[0]["metadata"]["name"]
    served.cluster.wait_for(lambda: served.store.get("Lease", "kube-node-lease", node)["spec"][
        "renewTime"] > served.store.get("Lease", "kube-node-lease", node)["metadata"][
        "creationTimestamp"], timeout=60)
    described = real(served, "describe", "node", node, "--show-events=false")
    lines = described.splitlines()
    at = lines.index("Lease:")
    assert lines[at + 1].split()[:2] == ["HolderIdentity:", node]
    assert lines[at + 2].split() == ["AcquireTime:", "<unset>"]
    assert lines[at + 3].startswith("  RenewTime:  ")
    mine = ours(served, "describe", "node", node, "--show-events=false").splitlines()
    assert mine[at:at + 3] == lines[at:at + 3]


@pytest.fixture
def default_client(served: Served) -> Iterator[None]:
    """The Python client's default configuration pointed at the server (LeaseLock uses it)."""
    cfg = client.Configuration()
    config.load_kube_config(config_file=str(served.kubeconfig), client_configuration=cfg)
    before = client.Configuration.get_default_copy()
    client.Configuration.set_default(cfg)
    try:
        yield
    finally:
        client.Configuration.set_default(before)


@pytest.mark.usefixtures("default_client")
def test_leader_election_with_the_python_client(served: Served) -> None:
    started, stopped = threading.Event(), threading.Event()

    def lead() -> None:
        started.set()
        raise RuntimeError("work done")  # the client then stops renewing and returns

    lock = LeaseLock("kubenb-leader", "default", "candidate-a")
    elected = leaderelection.LeaderElection(electionconfig.Config(
        lock, lease_duration=30, renew_deadline=5, retry_period=1, onstarted_leading=lead,
        onstopped_leading=stopped.set))
    runner = threading.Thread(target=elected.run, name="leader-election", daemon=True)
    runner.start()
    assert started.wait(60), "no leader elected"
    runner.join(60)
    assert not runner.is_alive() and stopped.is_set()
    lease = served.store.get("Lease", "default", "kubenb-leader")
    assert lease["spec"]["holderIdentity"] == "candidate-a"
    assert lease["spec"]["leaseDurationSeconds"] == 30
    assert lease["spec"]["acquireTime"].endswith("Z") and lease["spec"]["renewTime"].endswith("Z")
    # the lease is still held: another candidate does not get it
    other = leaderelection.LeaderElection(electionconfig.Config(
        LeaseLock("kubenb-leader", "default", "candidate-b"), lease_duration=30,
        renew_deadline=5, retry_period=1, onstarted_leading=lambda: None,
        onstopped_leading=None))
    assert other.try_acquire_or_renew() is False
    assert served.store.get("Lease", "default", "kubenb-leader")["spec"]["holderIdentity"] == (
        "candidate-a")
    served.request("DELETE", "/apis/coordination.k8s.io/v1/namespaces/default/leases/"
                   "kubenb-leader")
