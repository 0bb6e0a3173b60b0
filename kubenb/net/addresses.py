"""The address plan of one cluster: node addresses, per-node pod CIDRs, the Service range.

minikube gives each profile its own network (192.168.49.0/24, then .58, .67, … in steps of
9); nodes are `.2`, `.3`, …; pods come from a per-node /24 of the cluster CIDR and Services
from 10.96.0.0/12. That is the `sim` plan: addresses only printed, never bound.

Cluster CIDR (kube-controller-manager's `--cluster-cidr`, `--node-cidr-mask-size=24`).
minikube's pod network is 10.244.0.0/16 (256 nodes). The sim plan widens it to
10.244.0.0/14, the widest CIDR that still starts at 10.244.0.0: its first 256 /24s are
minikube's (node n → 10.244.<n-1>.0/24), and nodes 257 … 1,024 continue into 10.245 …
10.247 — neither the Service range (10.96.0.0/12) nor another profile's pod range meets it
(every cluster has its own pod network, as in minikube). kubenb/net/nodeipam.py hands the /24s
out as upstream's range allocator does.

Node addresses. Nodes 1 … 253 are minikube's `192.168.<subnet>.2` … `.254`. A /24 has no
room for more, and the next third octets belong to the next profiles (subnets step by 9), so
node 254 on lives in a network of the profile's own: the `<subnet>`-th /18 of the shared
address space 100.64.0.0/10 (RFC 6598; 256 /18s, one per possible subnet number, so no two
profiles can meet, nor does it meet 192.168/16, 10/8 or Docker's 172.16/12). Subnet 49 →
100.76.64.0/18, node 254 → 100.76.64.1, node 1,000 → 100.76.66.235.

Runtimes whose pods answer real traffic (`process`, `docker`) need addresses the host can
reach, so the plan moves into 127.0.0.0/8, keeping the profile's number as a mnemonic:
profile subnet 49 → nodes 127.49.0.2, 127.49.0.3, …; pods of node n (1-based)
127.49.<n>.0/24 (cluster CIDR 127.49.0.0/16, its /24 number 0 being the nodes' own);
Services 127.50.0.0/16 (`kubernetes` at 127.50.0.1, kube-dns .10). Profile subnets step by
9, so neither range meets another profile's. Node addresses 127.49.0.2 … .254 limit that
plan to 253 nodes.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

SIM_CLUSTER_CIDR = "10.244.0.0/14"
NODE_CIDR_MASK_SIZE = 24
SHARED_SPACE = ipaddress.IPv4Network("100.64.0.0/10")  # RFC 6598: one /18 per subnet number
_IN_SUBNET = 253  # node addresses .2 … .254 of a /24


@dataclass(frozen=True)
class AddressPlan:
    """Where a cluster's nodes, pods and Services live. `subnet` is minikube's third octet."""

    subnet: int = 49
    loopback: bool = False

    @classmethod
    def for_runtime(cls, runtime: str, subnet: int = 49) -> AddressPlan:
        return cls(subnet, loopback=runtime != "sim")

    # ---- nodes ----------------------------------------------------------------------------

    @property
    def node_prefix(self) -> str:
        """`192.168.49` (sim) or `127.49.0` (loopback): node n ≤ 253 is `<prefix>.<n+1>`."""
        return f"127.{self.subnet}.0" if self.loopback else f"192.168.{self.subnet}"

    @property
    def overflow_network(self) -> ipaddress.IPv4Network | None:
        """Where sim nodes 254 and on live (None for the loopback plan)."""
        if self.loopback:
            return None
        return ipaddress.IPv4Network(
            (int(SHARED_SPACE.network_address) + (self.subnet % 256) * 2 ** 14, 18))

    @property
    def max_nodes(self) -> int:
        """How many nodes the plan has addresses and pod CIDRs for."""
        if self.loopback:
            return _IN_SUBNET
        return 2 ** (NODE_CIDR_MASK_SIZE - self.cluster_network.prefixlen)

    def node_ip(self, index: int) -> str:
        """Node `index` (1-based): minikube's `.2` for the first node."""
        if not 1 <= index <= self.max_nodes:
            raise ValueError(f"node {index} is outside the address plan (1 … {self.max_nodes})")
        if index <= _IN_SUBNET:
            return f"{self.node_prefix}.{index + 1}"
        overflow = self.overflow_network
        assert overflow is not None
        return str(overflow.network_address + (index - _IN_SUBNET))

    # ---- pods -----------------------------------------------------------------------------

    @property
    def cluster_cidr(self) -> str:
        """kube-controller-manager's `--cluster-cidr`: every node's pod CIDR lies in it."""
        return f"127.{self.subnet}.0.0/16" if self.loopback else SIM_CLUSTER_CIDR

    @property
    def cluster_network(self) -> ipaddress.IPv4Network:
        return ipaddress.IPv4Network(self.cluster_cidr)

    @property
    def node_cidr_mask_size(self) -> int:
        return NODE_CIDR_MASK_SIZE

    def pod_cidr(self, index: int) -> str:
        """The pod CIDR of node `index` (1-based)."""
        if not 1 <= index <= self.max_nodes:
            raise ValueError(f"node {index} is outside the address plan (1 … {self.max_nodes})")
        slot = index if self.loopback else index - 1
        size = 2 ** (32 - NODE_CIDR_MASK_SIZE)
        base = int(self.cluster_network.network_address) + slot * size
        return str(ipaddress.IPv4Network((base, NODE_CIDR_MASK_SIZE)))

    def node_index(self, pod_cidr: str) -> int:
        """The node number whose pod CIDR is `pod_cidr` (the inverse of `pod_cidr`)."""
        net = ipaddress.IPv4Network(pod_cidr)
        slot = (int(net.network_address) - int(self.cluster_network.network_address)) \
            >> (32 - NODE_CIDR_MASK_SIZE)
        index = slot if self.loopback else slot + 1
        if not 1 <= index <= self.max_nodes or net.prefixlen != NODE_CIDR_MASK_SIZE:
            raise ValueError(f"{pod_cidr} is not a node CIDR of {self.cluster_cidr}")
        return index

    def reserved_cidrs(self) -> list[str]:
        """/24s of the cluster CIDR no node gets: the loopback plan's node network, and the
        ones past its last node address."""
        if not self.loopback:
            return []
        net = self.cluster_network
        return [str(s) for i, s in enumerate(net.subnets(new_prefix=NODE_CIDR_MASK_SIZE))
                if i == 0 or i > _IN_SUBNET]

    # ---- Services -------------------------------------------------------------------------

    @property
    def service_cidr(self) -> str:
        return f"127.{self.subnet + 1}.0.0/16" if self.loopback else "10.96.0.0/12"

    def service_ip(self, n: int) -> str:
        """The n-th address of the Service range (1 → the `kubernetes` Service)."""
        net = ipaddress.ip_network(self.service_cidr)
        return str(net.network_address + n)

    @property
    def kubernetes_service_ip(self) -> str:
        return self.service_ip(1)

    @property
    def dns_service_ip(self) -> str:
        return self.service_ip(10)
