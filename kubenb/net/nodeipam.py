"""Node pod CIDRs: kube-controller-manager's range allocator over the cluster CIDR.

`CIDRSet` is upstream's cidrset (pkg/controller/nodeipam/ipam/cidrset): the cluster CIDR cut
into /`mask` ranges, `allocate_next` hands out the next free one after the last handed out
(wrapping round, so a released range is reused only once the end is reached), `occupy`
marks a range a node already has, `release` gives one back. Exhausted, it raises
`CIDRNotAvailable` with upstream's words; the cluster (kubenb/cluster.py) then records the
`CIDRNotAvailable` Node event the range allocator records. The address plan
(kubenb/net/addresses.py) says which cluster CIDR and which ranges are reserved.
"""

from __future__ import annotations

import ipaddress

from kubenb.net.addresses import AddressPlan

NO_CIDRS_REMAINING = ("CIDR allocation failed; there are no remaining CIDRs left to allocate "
                      "in the accepted range")


class CIDRNotAvailable(Exception):
    """The cluster CIDR has no free range left for a new node (upstream's error text)."""

    def __init__(self) -> None:
        super().__init__(f"failed to allocate cidr from cluster cidr at idx:0: {NO_CIDRS_REMAINING}")


class CIDRSet:
    """The /`mask` ranges of `cluster_cidr`, each free or used."""

    def __init__(self, cluster_cidr: str, mask: int) -> None:
        self.network = ipaddress.IPv4Network(cluster_cidr)
        if mask < self.network.prefixlen:
            raise ValueError(f"node mask /{mask} is wider than the cluster CIDR {cluster_cidr}")
        self.mask = mask
        self.size = 2 ** (mask - self.network.prefixlen)
        self._used: set[int] = set()
        self._next = 0  # upstream's nextCandidate

    @classmethod
    def for_plan(cls, plan: AddressPlan) -> CIDRSet:
        cidrs = cls(plan.cluster_cidr, plan.node_cidr_mask_size)
        for cidr in plan.reserved_cidrs():
            cidrs.occupy(cidr)
        return cidrs

    @property
    def free(self) -> int:
        return self.size - len(self._used)

    def _cidr(self, i: int) -> str:
        step = 2 ** (32 - self.mask)
        return str(ipaddress.IPv4Network((int(self.network.network_address) + i * step, self.mask)))

    def _index(self, cidr: str) -> int:
        net = ipaddress.IPv4Network(cidr)
        if net.prefixlen != self.mask or not net.subnet_of(self.network):
            raise ValueError(f"cidr {cidr} is out of the range of cluster cidr {self.network}")
        return (int(net.network_address) - int(self.network.network_address)) >> (32 - self.mask)

    def allocate_next(self) -> str:
        """The next free range at or after the last one handed out; CIDRNotAvailable when
        none is left."""
        for k in range(self.size):
            i = (self._next + k) % self.size
            if i not in self._used:
                self._used.add(i)
                self._next = (i + 1) % self.size
                return self._cidr(i)
        raise CIDRNotAvailable()

    def occupy(self, cidr: str) -> None:
        self._used.add(self._index(cidr))

    def release(self, cidr: str) -> None:
        self._used.discard(self._index(cidr))
