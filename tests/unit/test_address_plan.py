"""The address plan (kubenb/net/addresses.py) and the node range allocator
(kubenb/net/nodeipam.py): minikube's addresses for the first nodes, room for 1,024 sim
nodes, networks that no two profiles share."""

from __future__ import annotations

import ipaddress

import pytest

from kubenb.net.addresses import AddressPlan
from kubenb.net.nodeipam import CIDRNotAvailable, CIDRSet

PROFILE_SUBNETS = range(49, 256, 9)  # what Profiles._free_subnet hands out


def test_the_first_nodes_keep_minikubes_addresses() -> None:
    sim, loop = AddressPlan(49), AddressPlan(49, loopback=True)
    for n in range(1, 257):
        assert sim.pod_cidr(n) == f"10.244.{n - 1}.0/24"
    for n in range(1, 254):
        assert sim.node_ip(n) == f"192.168.49.{n + 1}"
        assert loop.node_ip(n) == f"127.49.0.{n + 1}"
        assert loop.pod_cidr(n) == f"127.49.{n}.0/24"
    assert AddressPlan(58).node_ip(1) == "192.168.58.2"


def test_nodes_257_and_1000_get_distinct_ranges_inside_the_cluster_cidr() -> None:
    plan = AddressPlan(49)
    assert plan.cluster_cidr == "10.244.0.0/14" and plan.max_nodes == 1024
    cluster = ipaddress.IPv4Network(plan.cluster_cidr)
    assert plan.pod_cidr(257) == "10.245.0.0/24"
    assert plan.pod_cidr(1000) == "10.247.231.0/24"
    cidrs = [ipaddress.IPv4Network(plan.pod_cidr(n)) for n in range(1, 1025)]
    assert len(set(cidrs)) == 1024 and all(c.subnet_of(cluster) for c in cidrs)
    assert not cluster.overlaps(ipaddress.IPv4Network(plan.service_cidr))
    assert [plan.node_index(str(c)) for c in cidrs] == list(range(1, 1025))


def test_nodes_past_the_profiles_24_never_meet_another_profile() -> None:
    plan = AddressPlan(49)
    assert plan.node_ip(254) == "100.76.64.1"
    assert plan.node_ip(1000) == "100.76.66.235"
    ips = {plan.node_ip(n) for n in range(1, 1025)}
    assert len(ips) == 1024
    others = [AddressPlan(s) for s in range(256) if s != 49]
    other_nets = [ipaddress.IPv4Network(f"192.168.{p.subnet}.0/24") for p in others]
    other_nets += [p.overflow_network for p in others if p.overflow_network is not None]
    for n in (254, 257, 1000, 1024):
        ip = ipaddress.IPv4Address(plan.node_ip(n))
        assert not any(ip in net for net in other_nets)
    overflow = [AddressPlan(s).overflow_network for s in range(256)]
    assert len({n for n in overflow}) == 256  # one /18 for every subnet number
    for net in overflow:
        assert net is not None and net.subnet_of(ipaddress.IPv4Network("100.64.0.0/10"))
        assert not net.overlaps(ipaddress.IPv4Network("192.168.0.0/16"))


def test_the_loopback_plan_holds_253_nodes() -> None:
    plan = AddressPlan(49, loopback=True)
    assert plan.max_nodes == 253
    with pytest.raises(ValueError):
        plan.node_ip(254)
    with pytest.raises(ValueError):
        plan.pod_cidr(254)


def test_the_allocator_hands_out_the_next_free_range_and_wraps() -> None:
    cidrs = CIDRSet("10.244.0.0/22", 24)
    assert [cidrs.allocate_next() for _ in range(3)] == [
        "10.244.0.0/24", "10.244.1.0/24", "10.244.2.0/24"]
    cidrs.release("10.244.1.0/24")
    assert cidrs.allocate_next() == "10.244.3.0/24"  # upstream's nextCandidate: onwards first
    assert cidrs.allocate_next() == "10.244.1.0/24"  # then round to the freed one
    with pytest.raises(CIDRNotAvailable, match=r"^failed to allocate cidr from cluster cidr at "
                       r"idx:0: CIDR allocation failed; there are no remaining CIDRs left to "
                       r"allocate in the accepted range$"):
        cidrs.allocate_next()


def test_the_loopback_allocator_skips_the_node_network() -> None:
    cidrs = CIDRSet.for_plan(AddressPlan(49, loopback=True))
    assert cidrs.free == 253
    assert cidrs.allocate_next() == "127.49.1.0/24"
    sim = CIDRSet.for_plan(AddressPlan(49))
    assert sim.free == 1024 and sim.allocate_next() == "10.244.0.0/24"
