"""NetworkPolicy ingress semantics, as upstream defines them, for kubenb's enforcers.

Pure: reads API objects, writes nothing. `PolicyView` keeps the Pods, Namespaces and
NetworkPolicies it is fed (`apply(obj, deleted)`, from any watch) and answers, per target pod:

  isolated(pod)            a NetworkPolicy of the pod's namespace selects it (`podSelector`)
                           and lists `Ingress` in its `policyTypes`;
  allowances(pod)          None when it is not isolated (everything may connect), else the
                           `Allow`s its selecting policies' ingress rules grant — each one a
                           set of source CIDRs (None: any source) and a protocol and port range
                           (None: every port of the protocol; no ports: every protocol too);
  allows(pod, ip, port, protocol)  whether a connection from `ip` to the pod's `port` is let in.

The rules (networking/v1 types.go): the allowances of several policies add up (an OR); a rule
without `from` admits every source, a rule without `ports` every port. A peer with only a
`podSelector` means pods of the policy's own namespace; with only a `namespaceSelector`, every
pod of the matching namespaces (selected by their labels, `kubernetes.io/metadata.name`
included, as the API server sets it); with both, the matching pods of the matching namespaces;
an `ipBlock` a CIDR minus its `except`s. Pods are peers by their pod IP (pods without one,
finished pods and hostNetwork pods, whose address is their node's, are nobody). A named port is resolved against the target pod's container ports
of the same protocol; `endPort` makes a range. Who enforces what, and where, is said by the
callers (kube-proxy: kubenb/net/proxy.py; the docker runtime's sandboxes: docker_netpol.py).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any

from kubenb.api.pods import is_pod_terminal
from kubenb.api.selectors import from_label_selector

Obj = dict[str, Any]
NAME_LABEL = "kubernetes.io/metadata.name"


@dataclass(frozen=True)
class Allow:
    """Connections an ingress rule admits: from `sources` (None: any) on `protocol`
    (None: any) ports `port`..`end_port` (port None: every port)."""

    sources: tuple[str, ...] | None
    protocol: str | None
    port: int | None = None
    end_port: int | None = None

    def admits(self, ip: str, port: int, protocol: str) -> bool:
        if self.protocol is not None and self.protocol != protocol:
            return False
        if self.port is not None and not self.port <= port <= (self.end_port or self.port):
            return False
        if self.sources is None:
            return True
        addr = ipaddress.ip_address(ip)
        return any(addr in ipaddress.ip_network(cidr) for cidr in self.sources)


def _key(obj: Obj) -> str:
    meta = obj["metadata"]
    return f"{meta.get('namespace', '')}/{meta['name']}"


def pod_ip(pod: Obj) -> str | None:
    """The address a pod is known by, or None (not yet running, finished, or on the host's
    network: NetworkPolicy neither selects nor names hostNetwork pods — they are the node)."""
    if is_pod_terminal(pod) or (pod.get("spec") or {}).get("hostNetwork"):
        return None
    return (pod.get("status") or {}).get("podIP") or None


def ip_block(block: Obj) -> tuple[str, ...]:
    """An ipBlock as CIDRs: `cidr` minus every `except`."""
    nets = [ipaddress.ip_network(block["cidr"], strict=False)]
    for text in block.get("except") or []:
        hole = ipaddress.ip_network(text, strict=False)
        out: list[Any] = []
        for net in nets:
            if net.version == hole.version and hole.subnet_of(net):
                out.extend(net.address_exclude(hole))
            elif not (net.version == hole.version and net.subnet_of(hole)):
                out.append(net)
        nets = out
    return tuple(str(n) for n in sorted(nets, key=lambda n: (n.version, n)))


def container_port(pod: Obj, name: str, protocol: str) -> int | None:
    """A named port of the pod's containers, for `protocol`."""
    for c in (pod.get("spec") or {}).get("containers") or []:
        for p in c.get("ports") or []:
            if p.get("name") == name and (p.get("protocol") or "TCP") == protocol:
                return int(p["containerPort"])
    return None


class PolicyView:
    """Pods, Namespaces and NetworkPolicies as last seen (see the module docstring)."""

    def __init__(self) -> None:
        self.pods: dict[str, Obj] = {}
        self.namespaces: dict[str, dict[str, str]] = {}  # name -> labels
        self.policies: dict[str, Obj] = {}
        self.by_ip: dict[str, str] = {}  # pod IP -> ns/name

    def apply(self, obj: Obj, deleted: bool = False) -> None:
        kind = obj["kind"]
        if kind == "Namespace":
            name = obj["metadata"]["name"]
            if deleted:
                self.namespaces.pop(name, None)
            else:
                self.namespaces[name] = {**(obj["metadata"].get("labels") or {}), NAME_LABEL: name}
        elif kind == "NetworkPolicy":
            if deleted:
                self.policies.pop(_key(obj), None)
            else:
                self.policies[_key(obj)] = obj
        elif kind == "Pod":
            key = _key(obj)
            old = self.pods.pop(key, None)
            if old is not None and self.by_ip.get(pod_ip(old) or "") == key:
                del self.by_ip[pod_ip(old) or ""]
            if not deleted:
                self.pods[key] = obj
                ip = pod_ip(obj)
                if ip:
                    self.by_ip[ip] = key

    def pod_at(self, ip: str) -> Obj | None:
        key = self.by_ip.get(ip)
        return self.pods.get(key) if key else None

    def selecting(self, pod: Obj) -> list[Obj]:
        """The policies of the pod's namespace that select it for ingress."""
        ns, labels = pod["metadata"].get("namespace"), pod["metadata"].get("labels") or {}
        out = []
        for np in self.policies.values():
            spec = np.get("spec") or {}
            if (np["metadata"].get("namespace") == ns
                    and "Ingress" in (spec.get("policyTypes") or ["Ingress"])
                    and from_label_selector(spec.get("podSelector") or {}).matches(labels)):
                out.append(np)
        return out

    def isolated(self, pod: Obj) -> bool:
        return bool(self.selecting(pod))

    def allowances(self, pod: Obj) -> list[Allow] | None:
        policies = self.selecting(pod)
        if not policies:
            return None
        out: list[Allow] = []
        for np in policies:
            for rule in (np.get("spec") or {}).get("ingress") or []:
                peers = rule.get("from") or []
                sources = self._sources(np["metadata"].get("namespace", ""), peers) if peers else None
                if sources == ():
                    continue  # the peers match nobody now
                out.extend(self._ports(pod, rule.get("ports") or [], sources))
        return out

    def allows(self, pod: Obj, ip: str, port: int, protocol: str = "TCP") -> bool:
        allowances = self.allowances(pod)
        return allowances is None or any(a.admits(ip, port, protocol) for a in allowances)

    def _sources(self, ns: str, peers: list[Obj]) -> tuple[str, ...]:
        cidrs: set[str] = set()
        for peer in peers:
            if peer.get("ipBlock"):
                cidrs.update(ip_block(peer["ipBlock"]))
                continue
            pod_sel, ns_sel = peer.get("podSelector"), peer.get("namespaceSelector")
            pods = from_label_selector(pod_sel or {})
            if ns_sel is None:
                namespaces = {ns}
            else:
                match = from_label_selector(ns_sel)
                namespaces = {n for n, labels in self.namespaces.items() if match.matches(labels)}
            for p in self.pods.values():
                ip = pod_ip(p)
                if ip and p["metadata"].get("namespace") in namespaces and \
                        pods.matches(p["metadata"].get("labels") or {}):
                    cidrs.add(f"{ip}/{32 if ':' not in ip else 128}")
        return tuple(sorted(cidrs))

    @staticmethod
    def _ports(pod: Obj, ports: list[Obj], sources: tuple[str, ...] | None) -> list[Allow]:
        if not ports:
            return [Allow(sources, None)]
        out = []
        for p in ports:
            protocol = p.get("protocol") or "TCP"
            port = p.get("port")
            if port is None:
                out.append(Allow(sources, protocol))
            elif isinstance(port, str) and not port.isdigit():
                number = container_port(pod, port, protocol)
                if number is not None:
                    out.append(Allow(sources, protocol, number))
            else:
                end = p.get("endPort")
                out.append(Allow(sources, protocol, int(port), int(end) if end else None))
        return out


def proxied(view: PolicyView, client_ip: str, backend_ip: str, port: int, backend_node: str,
            via: str | None, nodes: dict[str, str]) -> bool:
    """May kube-proxy hand a connection from `client_ip` to the pod at `backend_ip:port`?

    A client that is a pod (by its pod IP) is that pod, as pod-to-ClusterIP traffic keeps its
    source. Any other client (a node's address, the notebook) came in through node `via` and
    is masqueraded to that node's address: traffic from the backend's own node is always
    allowed (upstream's rule for the node a pod runs on), from another node it is that
    node's InternalIP, which only an ipBlock can admit."""
    target = view.pod_at(backend_ip)
    if target is None:
        return True
    if view.pod_at(client_ip) is None:
        if via is not None and via == backend_node:
            return True
        client_ip = nodes.get(via or "", client_ip)
    return view.allows(target, client_ip, port)
