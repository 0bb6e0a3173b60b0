"""Host names as a pod sees them: `localhost` is the pod, cluster names through cluster DNS.

Reads the container's environment: `KUBENB_POD_IP`, `HOSTNAME`, `KUBENB_NAMESPACE`, and for
every other name asks the cluster's DNS server through the pod's resolv.conf
(kubenb_dns.py: search domains, ndots). Without a DNS server (none configured, or none
answers) it falls back to `KUBENB_HOSTS`, the hosts file kube-proxy rewrites atomically
(lines `IP NAME NAME.NS NAME.NS.svc NAME.NS.svc.cluster.local`), a short name looked up in
the pod's own namespace first. A name outside the cluster that DNS does not know is left to
the host's resolver. Standard library only.
"""

from __future__ import annotations

import ipaddress
import os

try:
    import kubenb_dns as dns  # as sitecustomize imports this module (its directory on the path)
except ImportError:
    from kubenb.apps.pysite import kubenb_dns as dns  # as the exec shims import it

LOCAL = {"localhost", "localhost.localdomain", "ip6-localhost", "127.0.0.1", "::1", "0.0.0.0", ""}


class NotFound(Exception):
    """A cluster name nothing answers to (DNS NXDOMAIN)."""


def pod_ip() -> str:
    return os.environ.get("KUBENB_POD_IP", "127.0.0.1")


def source_for(address: str) -> tuple[str, int] | None:
    """Where a TCP connection to `address` leaves from: a pod's connections to 127.x
    addresses (pods, Services, nodes) from its pod IP, as a pod's would — kube-proxy tells
    the client pod by it (NetworkPolicy); None outside a pod or for other addresses."""
    ip = os.environ.get("KUBENB_POD_IP")
    return (ip, 0) if ip and address.startswith("127.") else None


def _hosts() -> dict[str, str]:
    path = os.environ.get("KUBENB_HOSTS", "")
    table: dict[str, str] = {}
    if not path:
        return table
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                fields = line.split("#", 1)[0].split()
                for name in fields[1:]:
                    table.setdefault(name.lower(), fields[0])
    except OSError:
        pass
    return table


def is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def resolve(host: str) -> str:
    """The address `host` means inside the pod; NotFound for an unknown cluster name."""
    return resolve_all(host)[0]


def resolve_all(host: str) -> list[str]:
    """Every address of `host` (a headless Service has one per pod), as `resolve`."""
    name = host.strip("[]").rstrip(".").lower()
    if name in LOCAL:
        return [pod_ip()]
    if is_ip(name):
        return [name]
    if name == os.environ.get("HOSTNAME", "").lower():
        return [pod_ip()]
    try:
        found = dns.lookup(host.strip("[]").lower())
    except (dns.Unreachable, OSError, ValueError):
        found = None
    if found:
        return found
    if found is not None:
        return [_outside(host, name)]
    table = _hosts()
    ns = os.environ.get("KUBENB_NAMESPACE", "default")
    for candidate in (f"{name}.{ns}", f"{name}.{ns}.svc", name):
        if candidate in table:
            return [table[candidate]]
    return [_outside(host, name)]


def _outside(host: str, name: str) -> str:
    if "." not in name or name.endswith((".local", ".svc", ".cluster")):
        raise NotFound(host)
    return host  # a name outside the cluster: the host's resolver decides
