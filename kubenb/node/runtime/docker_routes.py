"""Service traffic from Docker containers: ClusterIPs and NodePorts reached as from the host.

kube-proxy (kubenb/net/proxy.py) listens on the host's loopback addresses: Services on the
profile's 127.S+1.0.0/16, node ports on the nodes' 127.S.0.x. A container's own loopback
would swallow those addresses, so for every pod sandbox `route_to_host(pid, gateway,
cidrs)` changes, inside the sandbox's network namespace (`nsenter -n`, as root):
  - the local table keeps 127.0.0.0/16 (127.0.0.1, Docker's embedded DNS on 127.0.0.11)
    instead of all of 127.0.0.0/8;
  - each of `cidrs` is routed via the bridge's gateway (the host), with `route_localnet`
    on eth0 so the kernel lets 127.x addresses leave through it;
and `accept_on_bridge(network_id)` sets `route_localnet` on the host side of the profile's
bridge (`br-<id>`), so the host takes those packets in and answers them. All the pod's
containers share the sandbox's namespace. Without root (or without nsenter/ip) nothing
changes and `route_to_host` says why; the pods then reach Services by pod IP only.
"""

from __future__ import annotations

import shutil
import subprocess

TIMEOUT = 10.0


def _run(argv: list[str]) -> str | None:
    """None when it worked, else why not."""
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    except (OSError, subprocess.SubprocessError) as err:
        return str(err)
    return None if done.returncode == 0 else (done.stderr.strip() or f"exit {done.returncode}")


def accept_on_bridge(network_id: str) -> str | None:
    bridge = "br-" + network_id[:12]
    sysctl = shutil.which("sysctl")
    if sysctl is None:
        return "no sysctl"
    return _run([sysctl, "-q", "-w", f"net.ipv4.conf.{bridge}.route_localnet=1"])


def route_to_host(pid: int, gateway: str, cidrs: list[str]) -> str | None:
    nsenter, ip, sysctl = shutil.which("nsenter"), shutil.which("ip"), shutil.which("sysctl")
    if not (nsenter and ip and sysctl) or pid <= 0:
        return "needs nsenter, ip and sysctl"
    steps = [[sysctl, "-q", "-w", "net.ipv4.conf.eth0.route_localnet=1"],
             [ip, "route", "replace", "local", "127.0.0.0/16", "dev", "lo", "table", "local"],
             [ip, "route", "del", "local", "127.0.0.0/8", "dev", "lo", "table", "local"]]
    steps += [[ip, "route", "replace", cidr, "via", gateway, "dev", "eth0"] for cidr in cidrs]
    for step in steps:
        why = _run([nsenter, "-t", str(pid), "-n", *step])
        if why is not None:
            return f"{' '.join(step[:3])}: {why}"
    return None
