"""How kube-proxy's iptables rules choose an endpoint for a new connection (proxy.py uses it).

Pure and synchronous: a `Balancer` per Service port holds the current `PortRule` (replaced in
place when endpoints change) and the ClientIP affinity table; it reads no API object.
"""

from __future__ import annotations

import ipaddress
import random
from collections.abc import Callable
from typing import Any

from kubenb.net.servicetable import Backend, PortRule


class Balancer:
    """Chooses backends for one Service port; shared by its ClusterIP and NodePort listeners.

    As iptables' `statistic --mode random` chains: each new connection goes to one endpoint
    drawn at random; with `sessionAffinity: ClientIP` a client goes on to the endpoint it
    had as long as it comes back within `timeoutSeconds` of its last connection (the
    `recent` match) and that endpoint is still a candidate."""

    def __init__(self, rule: PortRule, now: Callable[[], float],
                 rng: random.Random | None = None) -> None:
        self.rule = rule
        self._now = now  # () -> seconds (the loop's clock)
        self._rng = rng or random.Random()
        self._affinity: dict[str, tuple[Backend, float]] = {}

    def update(self, rule: PortRule) -> None:
        self.rule = rule
        alive = set(rule.backends) | set(rule.terminating)
        self._affinity = {ip: v for ip, v in self._affinity.items() if v[0] in alive}

    def pick(self, client_ip: str, node: str | None = None, local: bool = False) -> Backend | None:
        """The backend of a new connection; None when the policy leaves none (dropped)."""
        backends = self.rule.endpoints(node, local)
        if not backends:
            return None
        if self.rule.affinity_timeout is None:
            return self._rng.choice(backends)
        now = self._now()
        sticky = self._affinity.get(client_ip)
        if sticky is not None and sticky[1] > now and sticky[0] in backends:
            chosen = sticky[0]
        else:
            chosen = self._rng.choice(backends)
        self._affinity[client_ip] = (chosen, now + self.rule.affinity_timeout)
        return chosen


def node_of(client_ip: str, nodes: dict[str, str], pod_cidrs: dict[str, Any],
            default: str | None) -> str | None:
    """The node a client address is on — its own InternalIP, or in its pod CIDR — for
    `internalTrafficPolicy: Local`; any other address (the notebook's own, 127.0.0.1)
    counts as `default`'s (the control-plane node)."""
    try:
        addr = ipaddress.ip_address(client_ip)
    except ValueError:
        addr = None
    for name, ip in nodes.items():
        if ip == client_ip or (addr is not None and name in pod_cidrs
                               and addr in pod_cidrs[name]):
            return name
    return default
