"""The address plan of one cluster: node addresses, per-node pod CIDRs, the Service range.

minikube gives each profile its own network (192.168.49.0/24, then .58, .67, … in steps of
9); nodes are `.2`, `.3`, …; pods come from 10.244.<n>.0/24 per node and Services from
10.96.0.0/12. That is the `sim` plan: addresses only printed, never bound.

Runtimes whose pods answer real traffic (`process`, `docker`) need addresses the host can
reach, so the plan moves into 127.0.0.0/8, keeping the profile's number as a mnemonic:
profile subnet 49 → nodes 127.49.0.2, 127.49.0.3, …; pods of node n (1-based)
127.49.<n>.0/24; Services 127.50.0.0/16 (`kubernetes` at 127.50.0.1, kube-dns .10). Profile
subnets step by 9, so neither range meets another profile's.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass


@dataclass(frozen=True)
class AddressPlan:
    """Where a cluster's nodes, pods and Services live. `subnet` is minikube's third octet."""

    subnet: int = 49
    loopback: bool = False

    @classmethod
    def for_runtime(cls, runtime: str, subnet: int = 49) -> AddressPlan:
        return cls(subnet, loopback=runtime != "sim")

    @property
    def node_prefix(self) -> str:
        """`192.168.49` (sim) or `127.49.0` (loopback): node n is `<prefix>.<n+1>`."""
        return f"127.{self.subnet}.0" if self.loopback else f"192.168.{self.subnet}"

    def node_ip(self, index: int) -> str:
        """Node `index` (1-based): minikube's `.2` for the first node."""
        return f"{self.node_prefix}.{index + 1}"

    def pod_cidr(self, index: int) -> str:
        """The pod CIDR of node `index` (1-based)."""
        if self.loopback:
            return f"127.{self.subnet}.{index}.0/24"
        return f"10.244.{index - 1}.0/24"

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
