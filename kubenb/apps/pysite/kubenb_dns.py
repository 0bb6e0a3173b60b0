"""A stub DNS resolver for programs in a pod: the pod's resolv.conf, the cluster DNS server.

Standard library only (the exec shims and every pod's sitecustomize import it). Reads
`KUBENB_RESOLV_CONF` (the resolv.conf the kubelet wrote for the pod: nameserver, search,
options ndots/timeout/attempts) and `KUBENB_DNS` (the file the cluster DNS server writes:
`IP PORT` — the port its kube-dns socket really has, 53 unless the machine refused that).

`query(name, qtype)` sends one question over UDP (again over TCP when the answer comes back
truncated) and returns a `Reply` with the rcode, the AA flag and the decoded answer records.
`lookup(name)` is the C library's search: a name with fewer dots than `ndots` tries the
search domains first, then the name itself; a name with a trailing dot only itself; the
first answer with addresses (following a CNAME within the reply) wins.
"""

from __future__ import annotations

import ipaddress
import os
import random
import socket
import struct
from dataclasses import dataclass, field

TYPES = {"A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "PTR": 12, "MX": 15, "TXT": 16, "AAAA": 28,
         "SRV": 33, "ANY": 255}
RCODES = {0: "NOERROR", 1: "FORMERR", 2: "SERVFAIL", 3: "NXDOMAIN", 4: "NOTIMP", 5: "REFUSED"}


class Unreachable(OSError):
    """No nameserver answered."""


@dataclass
class Config:
    nameservers: list[str] = field(default_factory=list)
    search: list[str] = field(default_factory=list)
    ndots: int = 1
    timeout: float = 5.0
    attempts: int = 2


@dataclass
class Record:
    name: str
    rtype: int
    data: tuple  # A/AAAA/CNAME/PTR/NS: (text,); SRV: (prio, weight, port, target); …


@dataclass
class Reply:
    rcode: int
    authoritative: bool
    answers: list[Record]


def read_config(path: str | None = None) -> Config:
    """The pod's resolver configuration (none outside a pod: the host's is not ours)."""
    cfg = Config()
    path = path or os.environ.get("KUBENB_RESOLV_CONF")
    if not path:
        return cfg
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except OSError:
        lines = []
    for line in lines:
        words = line.split("#", 1)[0].split()
        if not words:
            continue
        if words[0] == "nameserver" and len(words) > 1:
            cfg.nameservers.append(words[1])
        elif words[0] in ("search", "domain"):
            cfg.search = words[1:]
        elif words[0] == "options":
            for opt in words[1:]:
                key, _, value = opt.partition(":")
                if key in ("ndots", "attempts") and value.isdigit():
                    setattr(cfg, key, int(value))
                elif key == "timeout" and value.isdigit():
                    cfg.timeout = float(value)
    return cfg


def server_address(cfg: Config) -> tuple[str, int] | None:
    """Where to send queries: the first nameserver, on the port the cluster's server has."""
    if not cfg.nameservers:
        return None
    ip = cfg.nameservers[0]
    try:
        with open(os.environ.get("KUBENB_DNS", ""), encoding="utf-8") as f:
            served = f.read().split()
        if len(served) == 2 and served[0] == ip:
            return ip, int(served[1])
    except (OSError, ValueError):
        pass
    return ip, 53


def _encode_name(name: str) -> bytes:
    out = b""
    for label in name.rstrip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode("idna" if not label.isascii() else "ascii")
    return out + b"\0"


def _read_name(msg: bytes, pos: int) -> tuple[str, int]:
    labels, end, jumps = [], None, 0
    while True:
        size = msg[pos]
        if size & 0xC0 == 0xC0:
            if end is None:
                end = pos + 2
            pos = ((size & 0x3F) << 8) | msg[pos + 1]
            jumps += 1
            if jumps > 64:
                raise ValueError("compression loop")
            continue
        if size == 0:
            return ".".join(labels), (end if end is not None else pos + 1)
        labels.append(msg[pos + 1:pos + 1 + size].decode("ascii", "replace"))
        pos += 1 + size


def _rdata(msg: bytes, rtype: int, pos: int, size: int) -> tuple:
    raw = msg[pos:pos + size]
    if rtype == 1:
        return (str(ipaddress.IPv4Address(raw)),)
    if rtype == 28:
        return (str(ipaddress.IPv6Address(raw)),)
    if rtype in (2, 5, 12):
        return (_read_name(msg, pos)[0],)
    if rtype == 33:
        prio, weight, port = struct.unpack("!HHH", raw[:6])
        return prio, weight, port, _read_name(msg, pos + 6)[0]
    if rtype == 15:
        return struct.unpack("!H", raw[:2])[0], _read_name(msg, pos + 2)[0]
    if rtype == 16:
        texts, i = [], 0
        while i < len(raw):
            texts.append(raw[i + 1:i + 1 + raw[i]].decode("utf-8", "replace"))
            i += 1 + raw[i]
        return tuple(texts)
    if rtype == 6:
        mname, p = _read_name(msg, pos)
        rname, p = _read_name(msg, p)
        return (mname, rname, *struct.unpack("!IIIII", msg[p:p + 20]))
    return (raw,)


def parse(msg: bytes) -> tuple[int, Reply, bool]:
    """(id, reply, truncated) of a wire message."""
    ident, flags, qd, an = struct.unpack("!HHHH", msg[:8])
    pos = 12
    for _ in range(qd):
        pos = _read_name(msg, pos)[1] + 4
    answers = []
    for _ in range(an):
        name, pos = _read_name(msg, pos)
        rtype, _cls, _ttl, size = struct.unpack("!HHIH", msg[pos:pos + 10])
        pos += 10
        answers.append(Record(name, rtype, _rdata(msg, rtype, pos, size)))
        pos += size
    return ident, Reply(flags & 0xF, bool(flags & 0x400), answers), bool(flags & 0x200)


def query(name: str, qtype: int, server: tuple[str, int], cfg: Config | None = None) -> Reply:
    """One question to `server` (UDP, then TCP if truncated); Unreachable if none answers."""
    cfg = cfg or Config()
    ident = random.randrange(65536)
    msg = struct.pack("!HHHHHH", ident, 0x0100, 1, 0, 0, 0) + _encode_name(name) + \
        struct.pack("!HH", qtype, 1)
    last: OSError = Unreachable("no servers could be reached")
    for _ in range(max(1, cfg.attempts)):
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                s.settimeout(cfg.timeout)
                s.connect(server)
                s.send(msg)
                while True:
                    got, reply, truncated = parse(s.recv(65535))
                    if got == ident:
                        break
            if not truncated:
                return reply
            return _query_tcp(msg, server, cfg.timeout)
        except ConnectionRefusedError as err:
            raise Unreachable(str(err)) from None
        except OSError as err:
            last = err
    raise Unreachable(str(last))


def _query_tcp(msg: bytes, server: tuple[str, int], timeout: float) -> Reply:
    with socket.create_connection(server, timeout=timeout) as s:
        s.sendall(struct.pack("!H", len(msg)) + msg)
        data = b""
        while len(data) < 2 or len(data) < 2 + struct.unpack("!H", data[:2])[0]:
            chunk = s.recv(65535)
            if not chunk:
                raise Unreachable("connection closed")
            data += chunk
    return parse(data[2:])[1]


def candidates(name: str, cfg: Config) -> list[str]:
    """The names the C library tries, in order, for `name`."""
    if name.endswith("."):
        return [name.rstrip(".")]
    searched = [f"{name}.{domain.rstrip('.')}" for domain in cfg.search]
    return searched + [name] if name.count(".") < cfg.ndots else [name] + searched


def lookup(name: str, cfg: Config | None = None, qtype: int = 1) -> list[str] | None:
    """Addresses of `name` through the pod's resolver; None when no server is configured."""
    cfg = cfg or read_config()
    server = server_address(cfg)
    if server is None:
        return None
    for candidate in candidates(name, cfg):
        reply = query(candidate, qtype, server, cfg)
        if reply.rcode != 0:
            continue
        addresses = [r.data[0] for r in reply.answers if r.rtype == qtype]
        if addresses:
            return addresses
    return []
