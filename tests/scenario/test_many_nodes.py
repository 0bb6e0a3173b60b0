"""A 1,000-node sim cluster through `minikube start`, and the limits of the address plans
(kubenb/net/addresses.py): Node pod CIDRs, pod IPs on late nodes, over-limit requests
refused before anything is created, the range allocator's CIDRNotAvailable event."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

import pytest

from kubenb.api.pods import condition_true
from kubenb.cli.minikube.commands import run_line
from kubenb.clock import VirtualClock
from kubenb.net.nodeipam import CIDRNotAvailable
from kubenb.profiles import Profile, Profiles
from tests import builders


def _profiles() -> Profiles:
    return Profiles(VirtualClock, register_atexit=False, serve_api=False)


@pytest.fixture(scope="module")
def thousand() -> Iterator[Profile]:
    profiles = _profiles()
    out, err, code = run_line("start --driver=sim --nodes=1000", profiles, in_style=True)
    assert code == 0, err
    assert 'Starting "minikube-m1000" worker node in "minikube" cluster' in out
    prof = profiles.get("minikube")
    assert prof is not None
    yield prof
    profiles.close()


@pytest.fixture
def full() -> Iterator[tuple[Profiles, Profile]]:
    """A sim profile whose cluster CIDR is used up (1,024 nodes)."""
    profiles = _profiles()
    assert run_line("start --driver=sim --nodes=1024", profiles, in_style=True)[2] == 0
    prof = profiles.get("minikube")
    assert prof is not None
    yield profiles, prof
    profiles.close()


def node(prof: Profile, name: str) -> dict:
    return prof.cluster.store.get("Node", None, name)


def test_1000_nodes_start_and_show_their_pod_cidrs(thousand: Profile) -> None:
    nodes = thousand.cluster.store.list("Node")
    assert len(nodes) == 1000 and all(condition_true(n, "Ready") for n in nodes)
    first, n257, n1000 = node(thousand, "minikube"), node(thousand, "minikube-m257"), \
        node(thousand, "minikube-m1000")
    assert first["spec"]["podCIDR"] == "10.244.0.0/24"
    assert node(thousand, "minikube-m256")["spec"]["podCIDRs"] == ["10.244.255.0/24"]
    assert n257["spec"]["podCIDR"] == "10.245.0.0/24" and n257["spec"]["podCIDRs"] == ["10.245.0.0/24"]
    assert n1000["spec"]["podCIDRs"] == ["10.247.231.0/24"]
    cluster = ipaddress.IPv4Network("10.244.0.0/14")
    cidrs = {n["spec"]["podCIDR"] for n in nodes}
    assert len(cidrs) == 1000 and all(ipaddress.IPv4Network(c).subnet_of(cluster) for c in cidrs)

    def internal_ip(n: dict) -> str:
        return next(a["address"] for a in n["status"]["addresses"] if a["type"] == "InternalIP")

    assert internal_ip(first) == "192.168.49.2"
    assert internal_ip(node(thousand, "minikube-m253")) == "192.168.49.254"
    assert internal_ip(n257) == "100.76.64.4" and internal_ip(n1000) == "100.76.66.235"
    assert len({internal_ip(n) for n in nodes}) == 1000


def test_a_pod_on_node_300_gets_an_ip_in_that_nodes_cidr(thousand: Profile) -> None:
    c = thousand.cluster
    c.store.create(builders.pod("late", nodeSelector={"kubernetes.io/hostname": "minikube-m300"}))
    c.wait_for(lambda: c.store.get("Pod", "default", "late")["status"].get("phase") == "Running", 30)
    pod = c.store.get("Pod", "default", "late")
    assert pod["spec"]["nodeName"] == "minikube-m300"
    cidr = node(thousand, "minikube-m300")["spec"]["podCIDR"]
    assert cidr == "10.245.43.0/24"
    assert ipaddress.IPv4Address(pod["status"]["podIP"]) in ipaddress.IPv4Network(cidr)


@pytest.mark.parametrize("driver, nodes, limit", [("sim", 1025, 1024), ("process", 254, 253)])
def test_too_many_nodes_fail_before_anything_is_created(driver: str, nodes: int, limit: int) -> None:
    profiles = _profiles()
    out, err, code = run_line(f"start -p big --driver={driver} --nodes={nodes}", profiles,
                              in_style=True)
    assert code == 14
    assert err == (f"❌  Exiting due to MK_USAGE: --nodes={nodes} is more than the {driver} "
                   f"driver's address plan holds: at most {limit} nodes per profile\n")
    assert "Creating" not in out and "Traceback" not in err
    assert profiles.names() == [] and "big" not in profiles.kubeconfig.contexts
    profiles.close()


def test_node_add_past_the_cluster_cidr_fails_and_adds_nothing(full: tuple[Profiles, Profile]) -> None:
    profiles, prof = full
    out, err, code = run_line("node add", profiles, in_style=True)
    assert code == 14 and out.strip() == ""
    assert err == ('❌  Exiting due to MK_USAGE: profile "minikube" already has 1024 nodes: the '
                   "sim driver's address plan has no pod CIDR left in 10.244.0.0/14\n")
    assert len(prof.cluster.store.list("Node")) == 1024 and len(prof.machines()) == 1024
    assert prof.cluster.store.try_get("Node", None, "minikube-m1025") is None


def test_the_allocator_records_cidr_not_available(full: tuple[Profiles, Profile]) -> None:
    _, prof = full
    with pytest.raises(CIDRNotAvailable):
        prof.cluster.add_node()
    events = [e for e in prof.cluster.store.list("Event", "default")
              if e["reason"] == "CIDRNotAvailable"]
    assert [(e["type"], e["message"], e["source"]["component"], e["involvedObject"]["kind"])
            for e in events] == [("Normal", "Node minikube-m1025 status is now: CIDRNotAvailable",
                                  "cidrAllocator", "Node")]
    assert len(prof.machines()) == 1024


def test_a_deleted_nodes_range_and_address_go_to_the_next_node(full: tuple[Profiles, Profile]) -> None:
    profiles, prof = full
    cidr = node(prof, "minikube-m500")["spec"]["podCIDR"]
    assert run_line("node delete m500", profiles, in_style=True)[2] == 0
    out, err, code = run_line("node add", profiles, in_style=True)
    assert code == 0, err
    new = node(prof, "minikube-m1025")
    assert new["spec"]["podCIDRs"] == [cidr] == ["10.245.243.0/24"]
    assert prof.ip("minikube-m1025") == "100.76.64.247"  # node 500's: 100.76.64.0 + (500 - 253)
