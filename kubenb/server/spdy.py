"""SPDY/3.1 framing, the server side, as `kubectl port-forward` speaks it (through a WebSocket).

kubectl 1.31+ tunnels SPDY inside a WebSocket (`SPDY/3.1+portforward.k8s.io`): the binary
messages carry one byte stream of SPDY frames. `SpdyFramer.feed(bytes)` parses frames out
of that stream (control frames: SYN_STREAM, SYN_REPLY, RST_STREAM, SETTINGS, PING, GOAWAY,
HEADERS, WINDOW_UPDATE; and data frames) and the `frame_*` helpers build the frames this
server sends. Header blocks are zlib streams with the SPDY/3 dictionary, one compressor and
one decompressor per direction for the whole connection. Flow control is not used: the Go
client (moby/spdystream) neither sends nor honours WINDOW_UPDATE.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field

VERSION = 3
SYN_STREAM, SYN_REPLY, RST_STREAM, SETTINGS, PING, GOAWAY, HEADERS, WINDOW_UPDATE = (
    1, 2, 3, 4, 6, 7, 8, 9)
FLAG_FIN = 0x01
MAX_DATA = (1 << 24) - 1
RST_PROTOCOL_ERROR, RST_INVALID_STREAM, RST_CANCEL = 1, 2, 5

# The SPDY/3 header dictionary (draft 3, section 2.6.10.1): length-prefixed words, then text.
_WORDS = (
    "options head post put delete trace accept accept-charset accept-encoding accept-language "
    "accept-ranges age allow authorization cache-control connection content-base "
    "content-encoding content-language content-length content-location content-md5 "
    "content-range content-type date etag expect expires from host if-match "
    "if-modified-since if-none-match if-range if-unmodified-since last-modified location "
    "max-forwards pragma proxy-authenticate proxy-authorization range referer retry-after "
    "server te trailer transfer-encoding upgrade user-agent vary via warning "
    "www-authenticate method get status 200|OK version HTTP/1.1 url public set-cookie "
    "keep-alive origin")
_TAIL = (
    "100101201202205206300302303304305306307402405406407408409410411412413414415416417502504"
    "505203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request401 "
    "Unauthorized403 Forbidden404 Not Found500 Internal Server Error501 Not Implemented503 "
    "Service UnavailableJan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 Mon, Tue, "
    "Wed, Thu, Fri, Sat, Sun, GMTchunked,text/html,image/png,image/jpg,image/gif,"
    "application/xml,application/xhtml+xml,text/plain,text/javascript,publicprivatemax-age="
    "gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0.")
DICTIONARY = b"".join(struct.pack(">I", len(w)) + w.replace("|", " ").encode()
                      for w in _WORDS.split()) + _TAIL.encode()


class ProtocolError(Exception):
    """The peer sent something that is not SPDY/3."""


@dataclass
class Frame:
    """One parsed frame: `kind` is a control type, or 0 for data."""

    kind: int
    flags: int
    stream_id: int = 0
    data: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    value: int = 0  # PING id, RST_STREAM / GOAWAY status, WINDOW_UPDATE delta

    @property
    def fin(self) -> bool:
        return bool(self.flags & FLAG_FIN)


def _header_block(raw: bytes) -> dict[str, str]:
    out: dict[str, str] = {}
    try:
        (n,), pos = struct.unpack_from(">I", raw), 4
        for _ in range(n):
            (ln,) = struct.unpack_from(">I", raw, pos)
            name = raw[pos + 4:pos + 4 + ln].decode("latin-1")
            pos += 4 + ln
            (lv,) = struct.unpack_from(">I", raw, pos)
            value = raw[pos + 4:pos + 4 + lv].decode("latin-1")
            pos += 4 + lv
            out[name] = value.split("\x00")[0]
    except struct.error:
        raise ProtocolError("invalid header block") from None
    return out


class SpdyFramer:
    """Frames in (`feed`) and out (`syn_reply`, `data`, …) of one SPDY connection."""

    def __init__(self) -> None:
        self._buf = bytearray()
        self._inflate = zlib.decompressobj(zdict=DICTIONARY)
        self._deflate = zlib.compressobj(9, zlib.DEFLATED, 15, 8, zlib.Z_DEFAULT_STRATEGY,
                                         zdict=DICTIONARY)

    def feed(self, data: bytes) -> Iterator[Frame]:
        """The frames completed by `data` (a partial frame waits for the next bytes)."""
        self._buf += data
        while len(self._buf) >= 8:
            length = int.from_bytes(self._buf[5:8], "big")
            if len(self._buf) < 8 + length:
                return
            head, body = bytes(self._buf[:8]), bytes(self._buf[8:8 + length])
            del self._buf[:8 + length]
            yield self._parse(head, body)

    def _parse(self, head: bytes, body: bytes) -> Frame:
        word, flags = int.from_bytes(head[:4], "big"), head[4]
        if not word & 0x80000000:
            return Frame(0, flags, word & 0x7FFFFFFF, body)
        version, kind = (word >> 16) & 0x7FFF, word & 0xFFFF
        if version != VERSION:
            raise ProtocolError(f"unsupported SPDY version {version}")
        if kind == SYN_STREAM:
            sid = int.from_bytes(body[:4], "big") & 0x7FFFFFFF
            return Frame(kind, flags, sid, headers=self._headers(body[10:]))
        if kind in (SYN_REPLY, HEADERS):
            sid = int.from_bytes(body[:4], "big") & 0x7FFFFFFF
            return Frame(kind, flags, sid, headers=self._headers(body[4:]))
        if kind in (RST_STREAM, WINDOW_UPDATE):
            sid = int.from_bytes(body[:4], "big") & 0x7FFFFFFF
            return Frame(kind, flags, sid, value=int.from_bytes(body[4:8], "big"))
        if kind in (PING, GOAWAY):
            return Frame(kind, flags, value=int.from_bytes(body[:4], "big"), data=body)
        return Frame(kind, flags, data=body)  # SETTINGS and anything newer: not used

    def _headers(self, block: bytes) -> dict[str, str]:
        try:
            return _header_block(self._inflate.decompress(block))
        except zlib.error as err:
            raise ProtocolError(f"header block: {err}") from None

    # ---- frames out ------------------------------------------------------------------------

    @staticmethod
    def control(kind: int, flags: int, body: bytes) -> bytes:
        return struct.pack(">HHI", 0x8000 | VERSION, kind, (flags << 24) | len(body)) + body

    def syn_reply(self, stream_id: int, headers: dict[str, str] | None = None,
                  fin: bool = False) -> bytes:
        pairs = sorted((headers or {}).items())
        raw = struct.pack(">I", len(pairs)) + b"".join(
            struct.pack(">I", len(k)) + k.encode() + struct.pack(">I", len(v)) + v.encode()
            for k, v in pairs)
        block = self._deflate.compress(raw) + self._deflate.flush(zlib.Z_SYNC_FLUSH)
        return self.control(SYN_REPLY, FLAG_FIN if fin else 0,
                            struct.pack(">I", stream_id) + block)

    @staticmethod
    def data(stream_id: int, data: bytes, fin: bool = False) -> bytes:
        return SpdyFramer.data_header(stream_id, len(data), fin) + data

    @staticmethod
    def data_header(stream_id: int, length: int, fin: bool = False) -> bytes:
        """The 8 bytes before a data frame's payload."""
        return struct.pack(">II", stream_id & 0x7FFFFFFF,
                           ((FLAG_FIN if fin else 0) << 24) | length)

    @classmethod
    def ping(cls, ping_id: int) -> bytes:
        return cls.control(PING, 0, struct.pack(">I", ping_id))

    @classmethod
    def rst_stream(cls, stream_id: int, status: int) -> bytes:
        return cls.control(RST_STREAM, 0, struct.pack(">II", stream_id, status))

    @classmethod
    def goaway(cls, last_stream_id: int, status: int = 0) -> bytes:
        return cls.control(GOAWAY, 0, struct.pack(">II", last_stream_id, status))
