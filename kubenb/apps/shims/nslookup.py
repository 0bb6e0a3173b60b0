"""`nslookup` in a pod of the process runtime, printing what busybox 1.35's nslookup prints.

`nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]` asks the pod's nameserver (its
resolv.conf, through kubenb_dns.py: the cluster DNS server) as busybox does: without
`-type`, A and AAAA; an IP address asks PTR of its reverse name; a HOST without a dot is
tried with every search domain (busybox ignores ndots, and a name with a dot is asked
as given). Every answer, in question order: records in busybox's formats, a blank line;
an error rcode: `** server can't find NAME: NXDOMAIN` and a blank line. Exit code 1 when
any question failed. Standard library only.
"""

from __future__ import annotations

import ipaddress
import sys

from kubenb.apps.pysite import kubenb_dns as dns

USAGE = """BusyBox v1.35.0 (Debian 1:1.35.0-4+deb12u1+b1) multi-call binary.

Usage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]

Query DNS about HOST

QUERY_TYPE: soa,ns,a,aaaa,cname,mx,txt,ptr,srv,any
"""
_TYPE_NAMES = ("soa", "ns", "a", "aaaa", "cname", "mx", "txt", "ptr", "srv", "any")


def _reverse(ip: str) -> str | None:
    try:
        return ipaddress.ip_address(ip).reverse_pointer
    except ValueError:
        return None


def _questions(host: str, types: list[int], search: list[str]) -> list[tuple[str, int]]:
    reverse = _reverse(host)
    if reverse is not None and not types:
        return [(reverse, dns.TYPES["PTR"])]
    out = []
    for qtype in types or [dns.TYPES["A"], dns.TYPES["AAAA"]]:
        if "." not in host and search:
            out += [(f"{host}.{domain.rstrip('.')}", qtype) for domain in search]
        else:
            out.append((host.rstrip(".") if host != "." else host, qtype))
    return out


def _record(r: dns.Record) -> str:
    d = r.data
    if r.rtype in (1, 28):
        return f"Name:\t{r.name}\nAddress: {d[0]}\n"
    if r.rtype == 5:
        return f"{r.name}\tcanonical name = {d[0]}\n"
    if r.rtype == 12:
        return f"{r.name}\tname = {d[0]}\n"
    if r.rtype == 2:
        return f"{r.name}\tnameserver = {d[0]}\n"
    if r.rtype == 33:
        return f"{r.name}\tservice = {d[0]} {d[1]} {d[2]} {d[3]}\n"
    if r.rtype == 15:
        return f"{r.name}\tmail exchanger = {d[0]} {d[1]}\n"
    if r.rtype == 16:
        return f'{r.name}\ttext = "{"".join(d)}"\n'
    if r.rtype == 6:
        return (f"{r.name}\n\torigin = {d[0]}\n\tmail addr = {d[1]}\n\tserial = {d[2]}\n"
                f"\trefresh = {d[3]}\n\tretry = {d[4]}\n\texpire = {d[5]}\n\tminimum = {d[6]}\n")
    return ""


def main(argv: list[str]) -> int:
    types: list[int] = []
    args = []
    for a in argv:
        if a.startswith("-") and "=" in a and a.split("=", 1)[0] in ("-type", "-query",
                                                                      "-querytype", "-q"):
            value = a.split("=", 1)[1].lower()
            if value not in _TYPE_NAMES:
                sys.stderr.write(f'nslookup: invalid query type "{a.split("=", 1)[1]}"\n')
                return 1
            types = [dns.TYPES[value.upper()]]
        elif a == "-debug" or (a.startswith("-") and "=" in a):
            continue
        else:
            args.append(a)
    if not 1 <= len(args) <= 2:
        sys.stderr.write(USAGE)
        return 1
    cfg = dns.read_config()
    if len(args) == 2:
        cfg.nameservers = [args[1]]
    server = dns.server_address(cfg)
    if server is None:
        cfg.nameservers = ["127.0.0.1"]
        server = ("127.0.0.1", 53)
    out, failed, printed_server = [], False, False
    for name, qtype in _questions(args[0], types, cfg.search):
        try:
            reply = dns.query(name, qtype, server, cfg)
        except dns.Unreachable as err:
            if "refused" in str(err).lower():
                sys.stderr.write(f"nslookup: write to '{cfg.nameservers[0]}': Connection refused\n")
            sys.stdout.write(";; connection timed out; no servers could be reached\n\n")
            return 1
        if not printed_server:
            out.append(f"Server:\t\t{cfg.nameservers[0]}\nAddress:\t{cfg.nameservers[0]}:53\n\n")
            printed_server = True
        if reply.rcode != 0:
            failed = True
            out.append(f"** server can't find {name}: {dns.RCODES.get(reply.rcode, reply.rcode)}\n\n")
            continue
        text = "".join(_record(r) for r in reply.answers)
        if text and not reply.authoritative:
            text = "Non-authoritative answer:\n" + text
        out.append(text + "\n")
    sys.stdout.write("".join(out))
    return 1 if failed else 0
