"""The kubelet's DNS settings for a pod: what its containers' /etc/resolv.conf says.

`pod_dns(pod, cluster_dns, host_conf)` follows the kubelet's `--cluster-dns` /
`--cluster-domain` logic (pkg/kubelet/network/dns) for the pod's `dnsPolicy`:
  ClusterFirst (the default)   nameserver: the kube-dns ClusterIP; search: `<ns>.svc.<zone>
                               svc.<zone> <zone>` then the host's search domains;
                               options ndots:5;
  ClusterFirstWithHostNet      the same, also for hostNetwork pods;
  ClusterFirst + hostNetwork   the host's own settings (as Default);
  Default                      the host's own settings;
  None                         only what `dnsConfig` gives;
then `dnsConfig` adds its nameservers and searches (duplicates dropped) and its options
(replacing options of the same name). `render()` writes the file as the kubelet does:
search, nameserver lines, options. The runtimes write it per pod and give it to the
containers (process: bound over /etc/resolv.conf; docker: the container's DNS settings).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

CLUSTER_DOMAIN = "cluster.local"
MAX_NAMESERVERS = 3


@dataclass
class DnsSettings:
    nameservers: list[str] = field(default_factory=list)
    searches: list[str] = field(default_factory=list)
    options: list[str] = field(default_factory=list)  # "ndots:5", "edns0"
    from_host: bool = False  # the host's own settings (dnsPolicy Default): nothing to give


def parse_host_conf(text: str) -> DnsSettings:
    out = DnsSettings()
    for line in text.splitlines():
        words = line.split("#", 1)[0].split(";", 1)[0].split()
        if not words:
            continue
        if words[0] == "nameserver" and len(words) > 1:
            out.nameservers.append(words[1])
        elif words[0] in ("search", "domain"):
            out.searches = words[1:]
        elif words[0] == "options":
            out.options += words[1:]
    return out


def _unique(values: list[str]) -> list[str]:
    seen: list[str] = []
    for v in values:
        if v not in seen:
            seen.append(v)
    return seen


def _merge_options(options: list[str], extra: list[dict[str, Any]]) -> list[str]:
    by_name = {o.split(":", 1)[0]: o for o in options}
    for opt in extra:
        name = opt.get("name") or ""
        if name:
            value = opt.get("value")
            by_name[name] = f"{name}:{value}" if value not in (None, "") else name
    return list(by_name.values())


def pod_dns(pod: dict[str, Any], cluster_dns: str, host_conf: str = "",
            domain: str = CLUSTER_DOMAIN) -> DnsSettings:
    """The DNS settings of `pod` (see the module docstring)."""
    spec = pod.get("spec") or {}
    ns = (pod.get("metadata") or {}).get("namespace") or "default"
    policy = spec.get("dnsPolicy") or "ClusterFirst"
    host = parse_host_conf(host_conf)
    if policy == "ClusterFirst" and spec.get("hostNetwork"):
        policy = "Default"
    if policy in ("ClusterFirst", "ClusterFirstWithHostNet"):
        out = DnsSettings([cluster_dns], _unique([f"{ns}.svc.{domain}", f"svc.{domain}", domain]
                                                 + host.searches), ["ndots:5"])
    elif policy == "None":
        out = DnsSettings()
    else:
        out = host
        out.from_host = not spec.get("dnsConfig")
    config = spec.get("dnsConfig") or {}
    out.nameservers = _unique(out.nameservers + list(config.get("nameservers") or []))
    out.nameservers = out.nameservers[:MAX_NAMESERVERS]
    out.searches = _unique(out.searches + list(config.get("searches") or []))
    out.options = _merge_options(out.options, list(config.get("options") or []))
    return out


def render(settings: DnsSettings) -> str:
    lines = []
    if settings.searches:
        lines.append("search " + " ".join(settings.searches))
    lines += [f"nameserver {ip}" for ip in settings.nameservers]
    if settings.options:
        lines.append("options " + " ".join(settings.options))
    return "".join(line + "\n" for line in lines)


def nsswitch(text: str) -> str:
    """The host's nsswitch.conf with a container image's `hosts: files dns` (no mDNS module
    swallowing `.local` names before DNS is asked)."""
    lines = [line for line in text.splitlines() if line.split(":", 1)[0].strip() != "hosts"]
    return "".join(line + "\n" for line in lines) + "hosts:          files dns\n"


def host_resolv_conf(path: str = "/etc/resolv.conf") -> str:
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except OSError:
        return ""
