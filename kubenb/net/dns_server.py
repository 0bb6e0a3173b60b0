"""DNS over UDP and TCP on asyncio: the sockets of the cluster's DNS server.

`DnsSockets` owns the listening sockets of one DNS server, each `(protocol, ip, port)` an
asyncio endpoint on the caller's loop (the control plane's), and answers every message with
`answer(wire bytes) -> wire bytes` (cluster_dns.py gives it `DnsRecords.answer`):
  UDP  one datagram in, one out; a reply longer than the client can take (512 bytes, or
       the EDNS0 size it advertised) is cut to its header and question with TC set, so
       the client asks again over TCP;
  TCP  RFC 1035 framing (two-byte length before each message), any number of queries per
       connection, answered in order; the connection closes when the client closes it.
A message that does not parse gets no answer (UDP) or closes the connection (TCP).
`sync(wanted)` opens what is wanted and not open and closes what is open and not wanted;
`close()` closes every socket and cuts every TCP connection.
"""

from __future__ import annotations

import asyncio
import logging
import struct
from collections.abc import Callable
from typing import Any

from dnslib import DNSError, DNSRecord

log = logging.getLogger("kubenb.net.dns")

Address = tuple[str, str, int]  # ("udp" | "tcp", ip, port)
Answer = Callable[[DNSRecord], DNSRecord]
UDP_LIMIT = 512


def respond(answer: Answer, data: bytes, limit: int | None) -> bytes | None:
    """The reply to one wire message (None: it did not parse); `limit`: UDP's size."""
    try:
        request = DNSRecord.parse(data)
    except (DNSError, struct.error, IndexError, ValueError, UnicodeDecodeError):
        return None
    reply = answer(request)
    packed = reply.pack()
    if limit is not None:
        opt = [rr for rr in request.ar if rr.rtype == 41]  # OPT: the client's EDNS0 size
        size = max(UDP_LIMIT, int(opt[0].rclass)) if opt else UDP_LIMIT
        if len(packed) > size:
            cut = request.reply(ra=0, aa=1)
            cut.header.rcode = reply.header.rcode
            cut.header.tc = 1
            packed = cut.pack()
    return packed


class _Udp(asyncio.DatagramProtocol):
    def __init__(self, answer: Answer) -> None:
        self.answer = answer
        self.transport: Any = None  # the loop's datagram transport

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        try:
            out = respond(self.answer, data, UDP_LIMIT)
        except Exception:  # noqa: BLE001 - one bad question must not stop the server
            log.exception("dns: answering %r", data[:64])
            return
        if out is not None and self.transport is not None:
            self.transport.sendto(out, addr)

    def error_received(self, exc: Exception) -> None:
        pass  # an ICMP error for a client that went away


class _Tcp(asyncio.Protocol):
    def __init__(self, answer: Answer, open_set: set[asyncio.Transport]) -> None:
        self.answer = answer
        self.open_set = open_set
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.open_set.add(transport)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.transport is not None:
            self.open_set.discard(self.transport)

    def data_received(self, data: bytes) -> None:
        assert self.transport is not None
        self.buffer += data
        while len(self.buffer) >= 2:
            size = struct.unpack("!H", self.buffer[:2])[0]
            if len(self.buffer) < 2 + size:
                return
            message, self.buffer = self.buffer[2:2 + size], self.buffer[2 + size:]
            try:
                out = respond(self.answer, message, None)
            except Exception:  # noqa: BLE001 - one bad question must not stop the server
                log.exception("dns: answering %r", message[:64])
                out = None
            if out is None:
                self.transport.close()
                return
            self.transport.write(struct.pack("!H", len(out)) + out)


class DnsSockets:
    """The listening sockets of a DNS server (see the module docstring)."""

    def __init__(self, answer: Answer) -> None:
        self.answer = answer
        self.open: dict[Address, asyncio.BaseTransport | asyncio.AbstractServer] = {}
        self.bound: dict[Address, int] = {}  # wanted address -> the port really bound
        self.failed: dict[Address, OSError] = {}
        self._connections: set[asyncio.Transport] = set()

    async def sync(self, wanted: set[Address]) -> None:
        """Open what is wanted, close the rest (see `open_one` for port 0 fallbacks)."""
        for addr in [a for a in self.open if a not in wanted]:
            self._close_one(addr)
        for addr in sorted(wanted):
            if addr not in self.open:
                await self.open_one(addr)

    async def open_one(self, addr: Address, port: int | None = None) -> bool:
        """Bind `addr` (on `port` instead of its own when given: 0 for any free port)."""
        loop = asyncio.get_running_loop()
        proto, ip, want = addr
        bind = want if port is None else port
        try:
            if proto == "udp":
                transport, _ = await loop.create_datagram_endpoint(
                    lambda: _Udp(self.answer), local_addr=(ip, bind))
                self.open[addr] = transport
                self.bound[addr] = transport.get_extra_info("sockname")[1]
            else:
                server = await loop.create_server(
                    lambda: _Tcp(self.answer, self._connections), ip, bind, reuse_address=True)
                self.open[addr] = server
                self.bound[addr] = server.sockets[0].getsockname()[1]
        except OSError as err:
            if addr not in self.failed:
                log.info("dns: cannot listen on %s %s:%s: %s", proto, ip, bind, err)
            self.failed[addr] = err
            return False
        self.failed.pop(addr, None)
        return True

    def _close_one(self, addr: Address) -> None:
        found = self.open.pop(addr, None)
        self.bound.pop(addr, None)
        if found is not None:
            found.close()

    def close(self) -> None:
        for addr in list(self.open):
            self._close_one(addr)
        for transport in list(self._connections):
            transport.abort()
        self._connections.clear()
        self.failed.clear()
