"""Cluster DNS answers: the Kubernetes DNS-based service discovery schema, from API objects.

`DnsRecords` holds the Services and Endpoints of a cluster (dns_server.py feeds it from store
watches) and answers one DNS question at a time with a `dnslib.DNSRecord`, as CoreDNS's
`kubernetes` plugin does with minikube's Corefile (`kubernetes cluster.local in-addr.arpa
ip6.arpa { pods insecure … ttl 30 }`, no upstream to forward to):

  <svc>.<ns>.svc.<zone>            A: the ClusterIP; headless: one A per ready endpoint
                                   (NXDOMAIN with none); ExternalName: a CNAME;
                                   SRV: every named port of the Service
  <host>.<svc>.<ns>.svc.<zone>     A of a headless Service's endpoint: its `hostname`
                                   (pods with hostname + subdomain, StatefulSet pods) or,
                                   without one, its address with dashes (10-244-0-5)
  _<port>._<proto>.<svc>.<ns>.svc.<zone>   SRV per named port (headless: per endpoint)
  <a-b-c-d>.<ns>.pod.<zone>        A a.b.c.d (`pods insecure`: not checked)
  <d>.<c>.<b>.<a>.in-addr.arpa     PTR of a ClusterIP (the Service) or an endpoint address
                                   (<host>.<svc>.<ns>.svc.<zone>)
  dns-version.<zone>               TXT "1.1.0"

A name that exists without the asked type answers NOERROR with no answer (AAAA of an IPv4
Service); a name that does not exist answers NXDOMAIN; both carry the zone's SOA
(`ns.dns.<zone>. hostmaster.<zone>. <serial> 7200 1800 86400 30`) in the authority section.
Names outside the cluster's zones also answer NXDOMAIN (there is no upstream). Answers are
authoritative without recursion (flags `qr aa rd`), TTL 30. Comparisons are case-insensitive.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from dnslib import AAAA, CNAME, NS, PTR, QTYPE, RCODE, RR, SOA, SRV, TXT, A, DNSRecord

ZONE = "cluster.local"
TTL = 30
SCHEMA_VERSION = "1.1.0"
_REVERSE_ZONES = ("in-addr.arpa", "ip6.arpa")
_PROTOCOLS = {"_tcp": "TCP", "_udp": "UDP", "_sctp": "SCTP"}


def _dashed(ip: str) -> str:
    return ip.replace(".", "-").replace(":", "-")


def ready_addresses(endpoints: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Ready addresses of an Endpoints object (the controller already puts the not-ready
    ones of a `publishNotReadyAddresses` Service among them), first occurrence of each IP."""
    seen: dict[str, dict[str, Any]] = {}
    for subset in (endpoints or {}).get("subsets") or []:
        for addr in subset.get("addresses") or []:
            if addr.get("ip"):
                seen.setdefault(addr["ip"], addr)
    return list(seen.values())


def _endpoint_port(endpoints: dict[str, Any] | None, ip: str, name: str,
                   protocol: str) -> int | None:
    for subset in (endpoints or {}).get("subsets") or []:
        if not any(a.get("ip") == ip for a in subset.get("addresses") or []):
            continue
        for p in subset.get("ports") or []:
            if (p.get("name") or "") == name and (p.get("protocol") or "TCP") == protocol:
                return int(p["port"])
    return None


def cluster_ips(spec: dict[str, Any]) -> list[str]:
    ips = [ip for ip in spec.get("clusterIPs") or [spec.get("clusterIP") or ""] if ip]
    return [] if not ips or ips[0] == "None" else ips


def _is_headless(spec: dict[str, Any]) -> bool:
    return spec.get("type") != "ExternalName" and spec.get("clusterIP") == "None"


def _address_record(ip: str) -> tuple[int, Any]:
    if ipaddress.ip_address(ip).version == 6:
        return QTYPE.AAAA, AAAA(ip)
    return QTYPE.A, A(ip)


def _reverse_ip(labels: list[str]) -> str | None:
    """The address a reverse name stands for (labels without the .arpa zone), or None."""
    try:
        if labels[-2:] == ["in-addr", "arpa"] and len(labels) == 6:
            return str(ipaddress.IPv4Address(".".join(reversed(labels[:4]))))
        if labels[-2:] == ["ip6", "arpa"] and len(labels) == 34:
            nibbles = "".join(reversed(labels[:32]))
            return str(ipaddress.IPv6Address(int(nibbles, 16)))
    except ValueError:
        return None
    return None


class DnsRecords:
    """The cluster's DNS data and answers (see the module docstring)."""

    def __init__(self, zone: str = ZONE, ttl: int = TTL) -> None:
        self.zone = zone.strip(".").lower()
        self.ttl = ttl
        self.services: dict[tuple[str, str], dict[str, Any]] = {}  # (ns, name) -> Service
        self.endpoints: dict[tuple[str, str], dict[str, Any]] = {}  # (ns, name) -> Endpoints
        self.serial = 1
        self._reverse: dict[str, list[str]] | None = None  # ip -> names (built lazily)

    # ---- data ------------------------------------------------------------------------------

    def set_object(self, obj: dict[str, Any], deleted: bool = False) -> None:
        """A Service or Endpoints object was added, changed or (deleted) removed."""
        meta = obj["metadata"]
        key = ((meta.get("namespace") or "default").lower(), meta["name"].lower())
        table = self.services if obj.get("kind") == "Service" else self.endpoints
        if deleted:
            table.pop(key, None)
        else:
            table[key] = obj
        self._reverse = None
        self.serial += 1

    def set_serial(self, serial: int) -> None:
        self.serial = serial

    def _reverse_index(self) -> dict[str, list[str]]:
        if self._reverse is None:
            index: dict[str, list[str]] = {}
            for (ns, name), svc in sorted(self.services.items()):
                spec = svc.get("spec") or {}
                if spec.get("type") == "ExternalName":
                    continue
                base = f"{name}.{ns}.svc.{self.zone}"
                for ip in cluster_ips(spec):
                    index.setdefault(ip, []).append(base)
                for addr in ready_addresses(self.endpoints.get((ns, name))):
                    host = (addr.get("hostname") or _dashed(addr["ip"])).lower()
                    index.setdefault(addr["ip"], []).append(f"{host}.{base}")
            self._reverse = index
        return self._reverse

    # ---- answers ---------------------------------------------------------------------------

    def answer(self, request: DNSRecord) -> DNSRecord:
        """The reply to one query (only its first question is answered, as DNS servers do)."""
        reply = request.reply(ra=0, aa=1)
        if request.header.opcode != 0 or not request.questions:
            reply.header.rcode = RCODE.NOTIMP if request.header.opcode != 0 else RCODE.FORMERR
            return reply
        q = request.q
        qname = str(q.qname).rstrip(".").lower()
        labels = qname.split(".") if qname else []
        zone = self._zone_of(labels)
        if zone is None:
            reply.header.rcode = RCODE.NXDOMAIN  # no upstream: nothing else is known
            return reply
        records = self._lookup(labels[: len(labels) - len(zone.split("."))], labels, zone)
        if records is None:
            reply.header.rcode = RCODE.NXDOMAIN
            reply.add_auth(self._soa(zone))
            return reply
        name = q.qname
        wanted = [(rtype, rdata) for rtype, rdata in records
                  if rtype == q.qtype or q.qtype == QTYPE.ANY or rtype == QTYPE.CNAME]
        for rtype, rdata in wanted:
            reply.add_answer(RR(name, rtype, rdata=rdata, ttl=self.ttl))
        if q.qtype == QTYPE.SRV:
            seen: set[tuple[str, str]] = set()
            for rtype, rdata in wanted:
                target = str(rdata.target).rstrip(".").lower() if rtype == QTYPE.SRV else ""
                for atype, adata in self._addresses_of(target) if target else []:
                    if (target, str(adata)) not in seen:
                        seen.add((target, str(adata)))
                        reply.add_ar(RR(str(rdata.target), atype, rdata=adata, ttl=self.ttl))
        if not wanted:
            reply.add_auth(self._soa(zone))
        return reply

    def _zone_of(self, labels: list[str]) -> str | None:
        for zone in (self.zone, *_REVERSE_ZONES):
            parts = zone.split(".")
            if labels[-len(parts):] == parts:
                return zone
        return None

    def _soa(self, zone: str) -> RR:
        return RR(zone + ".", QTYPE.SOA, ttl=self.ttl, rdata=SOA(
            f"ns.dns.{zone}.", f"hostmaster.{zone}.", (self.serial, 7200, 1800, 86400, self.ttl)))

    def _addresses_of(self, name: str) -> list[tuple[int, Any]]:
        """A/AAAA records of a name of the zone (for the additional section)."""
        found = self._lookup(name.split(".")[: -len(self.zone.split("."))],
                             name.split("."), self.zone)
        return [(t, d) for t, d in found or [] if t in (QTYPE.A, QTYPE.AAAA)]

    def _lookup(self, rel: list[str], labels: list[str],
                zone: str) -> list[tuple[int, Any]] | None:
        """Every record of the name (None: the name does not exist)."""
        if zone != self.zone:
            return self._ptr(labels)
        if not rel:
            return [(QTYPE.SOA, self._soa(zone).rdata), (QTYPE.NS, NS(f"ns.dns.{zone}."))]
        if rel == ["dns-version"]:
            return [(QTYPE.TXT, TXT(SCHEMA_VERSION))]
        if rel[-1] == "svc":
            return self._service_name(rel[:-1])
        if rel[-1] == "pod":
            return self._pod_name(rel[:-1])
        return None

    def _pod_name(self, rel: list[str]) -> list[tuple[int, Any]] | None:
        if len(rel) == 1:
            return self._namespace_exists(rel[0])
        if len(rel) != 2:
            return None
        text = rel[0]
        try:
            ip = ipaddress.ip_address(text.replace("-", ".") if text.count("-") == 3
                                      else text.replace("-", ":"))
        except ValueError:
            return None
        return [_address_record(str(ip))]

    def _namespace_exists(self, ns: str) -> list[tuple[int, Any]] | None:
        return [] if any(key[0] == ns for key in self.services) else None

    def _service_name(self, rel: list[str]) -> list[tuple[int, Any]] | None:
        if not rel:
            return []
        if len(rel) == 1:
            return self._namespace_exists(rel[0])
        if len(rel) == 2:
            return self._service(rel[1], rel[0])
        if len(rel) == 3:
            return self._endpoint(rel[2], rel[1], rel[0])
        if len(rel) == 4 and rel[0].startswith("_") and rel[1] in _PROTOCOLS:
            return self._srv(rel[3], rel[2], rel[0][1:], _PROTOCOLS[rel[1]])
        return None

    def _service(self, ns: str, name: str) -> list[tuple[int, Any]] | None:
        svc = self.services.get((ns, name))
        if svc is None:
            return None
        spec = svc.get("spec") or {}
        if spec.get("type") == "ExternalName":
            target = str(spec.get("externalName") or "").rstrip(".")
            return [(QTYPE.CNAME, CNAME(target + "."))] if target else None
        srv = self._srv(ns, name, None, None) or []
        if _is_headless(spec):
            addrs = ready_addresses(self.endpoints.get((ns, name)))
            if not addrs:
                return None
            return [_address_record(a["ip"]) for a in addrs] + srv
        return [_address_record(ip) for ip in cluster_ips(spec)] + srv

    def _endpoint(self, ns: str, name: str, host: str) -> list[tuple[int, Any]] | None:
        svc = self.services.get((ns, name))
        if svc is None or not _is_headless(svc.get("spec") or {}):
            return None
        found = [_address_record(a["ip"]) for a in ready_addresses(self.endpoints.get((ns, name)))
                 if (a.get("hostname") or _dashed(a["ip"])).lower() == host]
        return found or None

    def _srv(self, ns: str, name: str, port_name: str | None,
             protocol: str | None) -> list[tuple[int, Any]] | None:
        """SRV records of one named port (or of every named port when port_name is None)."""
        svc = self.services.get((ns, name))
        if svc is None:
            return None
        spec = svc.get("spec") or {}
        if spec.get("type") == "ExternalName":
            return None
        ports = [p for p in spec.get("ports") or [] if p.get("name") and (
            port_name is None or (p["name"].lower() == port_name
                                  and (p.get("protocol") or "TCP") == protocol))]
        if not ports:
            return None
        base = f"{name}.{ns}.svc.{self.zone}."
        out: list[tuple[int, Any]] = []
        if not _is_headless(spec):
            for p in ports:
                out.append((QTYPE.SRV, SRV(0, 100 // len(ports), int(p["port"]), base)))
            return out
        endpoints = self.endpoints.get((ns, name))
        targets = []
        for addr in ready_addresses(endpoints):
            host = (addr.get("hostname") or _dashed(addr["ip"])).lower()
            for p in ports:
                number = _endpoint_port(endpoints, addr["ip"], p["name"],
                                        p.get("protocol") or "TCP")
                if number is not None:
                    targets.append((number, f"{host}.{base}"))
        weight = 100 // len(targets) if targets else 100
        out = [(QTYPE.SRV, SRV(0, weight, number, target)) for number, target in targets]
        return out or None

    def _ptr(self, labels: list[str]) -> list[tuple[int, Any]] | None:
        ip = _reverse_ip(labels)
        if ip is None:
            return None
        names = self._reverse_index().get(ip)
        return [(QTYPE.PTR, PTR(n + ".")) for n in names] if names else None
