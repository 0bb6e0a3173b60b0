"""Cluster DNS for the process runtime: each pod's resolv.conf, and how its programs see it.

`dns_mounts(pod, pod_dir, cluster_dns, state_dir, env)` writes `<pod dir>/resolv.conf` (the
kubelet's settings for the pod, kubenb/node/pod_dns.py) and `<pod dir>/nsswitch.conf` (the
host's, with a container image's `hosts: files dns`), and returns them as mounts over
/etc/resolv.conf and /etc/nsswitch.conf for the container's mount namespace
(process_mounts.py) where user + mount namespaces work: then every program of the pod —
the C library's getaddrinfo, busybox, curl — asks the cluster's DNS server on the kube-dns
ClusterIP, port 53. In every case it sets, for the pod's own resolver (the shims and each
Python program's sitecustomize, apps/pysite/kubenb_dns.py), `KUBENB_RESOLV_CONF` (that file)
and `KUBENB_DNS` (`<state dir>/dns`, where the DNS server says which port it really has).
A pod whose dnsPolicy gives it the host's settings (Default, hostNetwork) gets nothing.
"""

from __future__ import annotations

import os
from typing import Any

from kubenb.node import pod_dns
from kubenb.node.runtime import process_mounts
from kubenb.node.runtime.process_env import write_if_changed as _write


def dns_mounts(pod: dict[str, Any], pod_dir: str, cluster_dns: str, state_dir: str,
               env: dict[str, str]) -> list[dict[str, Any]]:
    """Write the pod's DNS files, set the resolver's env; the mounts (see module doc)."""
    settings = pod_dns.pod_dns(pod, cluster_dns, pod_dns.host_resolv_conf())
    if settings.from_host:
        return []
    resolv = os.path.join(pod_dir, "resolv.conf")
    nsswitch = os.path.join(pod_dir, "nsswitch.conf")
    _write(resolv, pod_dns.render(settings))
    _write(nsswitch, pod_dns.nsswitch(pod_dns.host_resolv_conf("/etc/nsswitch.conf")))
    if settings.nameservers[:1] == [cluster_dns]:
        env["KUBENB_RESOLV_CONF"] = resolv
        env["KUBENB_DNS"] = os.path.join(state_dir, "dns")
    if not process_mounts.available():
        return []
    # optional: where they cannot be mounted the program runs without them (not a failure)
    return [{"source": resolv, "target": "/etc/resolv.conf", "ro": False, "optional": True},
            {"source": nsswitch, "target": "/etc/nsswitch.conf", "ro": True, "optional": True}]
