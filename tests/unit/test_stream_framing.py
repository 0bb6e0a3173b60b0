"""SPDY/3 framing of the port-forward tunnel, and the exec error channel's Status bytes."""

from __future__ import annotations

import struct
import zlib

from kubenb.server.channels import exit_status
from kubenb.server.spdy import (
    DICTIONARY,
    PING,
    RST_STREAM,
    SYN_REPLY,
    SYN_STREAM,
    SpdyFramer,
)


class Client:
    """The client half of a SPDY connection, as spdystream builds its frames."""

    def __init__(self) -> None:
        self.deflate = zlib.compressobj(9, zlib.DEFLATED, 15, 8, zlib.Z_DEFAULT_STRATEGY,
                                        zdict=DICTIONARY)
        self.inflate = zlib.decompressobj(zdict=DICTIONARY)

    def syn_stream(self, sid: int, headers: dict[str, str]) -> bytes:
        raw = struct.pack(">I", len(headers)) + b"".join(
            struct.pack(">I", len(k)) + k.encode() + struct.pack(">I", len(v)) + v.encode()
            for k, v in headers.items())
        block = self.deflate.compress(raw) + self.deflate.flush(zlib.Z_SYNC_FLUSH)
        body = struct.pack(">IIBB", sid, 0, 0, 0) + block
        return SpdyFramer.control(SYN_STREAM, 0, body)


def test_the_dictionary_is_spdy3s() -> None:
    assert len(DICTIONARY) == 1423
    assert DICTIONARY.startswith(b"\x00\x00\x00\x07options\x00\x00\x00\x04head")
    assert b"\x00\x00\x00\x06200 OK\x00\x00\x00\x07version" in DICTIONARY
    assert DICTIONARY.endswith(b"utf-,*,enq=0.")
    assert zlib.adler32(DICTIONARY) == 0xE3C6A7C2  # the id in every header stream's zlib head


def test_frames_split_anywhere_parse_whole_and_headers_share_one_zlib_stream() -> None:
    client, server = Client(), SpdyFramer()
    wire = (client.syn_stream(1, {"streamtype": "error", "port": "80", "requestid": "0"})
            + client.syn_stream(3, {"streamtype": "data", "port": "80", "requestid": "0"})
            + SpdyFramer.data(3, b"GET / HTTP/1.1\r\n\r\n", fin=True)
            + SpdyFramer.ping(1) + SpdyFramer.rst_stream(3, 5))
    frames = []
    for i in range(0, len(wire), 7):  # a WebSocket may cut the stream at any byte
        frames += list(server.feed(wire[i:i + 7]))
    assert [(f.kind, f.stream_id) for f in frames] == [
        (SYN_STREAM, 1), (SYN_STREAM, 3), (0, 3), (PING, 0), (RST_STREAM, 3)]
    assert frames[0].headers == {"streamtype": "error", "port": "80", "requestid": "0"}
    assert frames[1].headers["streamtype"] == "data"
    assert frames[2].data == b"GET / HTTP/1.1\r\n\r\n" and frames[2].fin
    assert frames[3].value == 1 and frames[4].value == 5


def test_replies_decode_with_the_clients_zlib_stream() -> None:
    client, server = Client(), SpdyFramer()
    for sid in (1, 3):
        frame = server.syn_reply(sid)
        word, length = struct.unpack(">II", frame[:8])
        assert word == 0x80030000 | SYN_REPLY and length == len(frame) - 8
        assert struct.unpack(">I", frame[8:12])[0] == sid
        assert client.inflate.decompress(frame[12:]) == b"\x00\x00\x00\x00"  # no headers
    assert SpdyFramer.data(5, b"xy", fin=True) == b"\x00\x00\x00\x05\x01\x00\x00\x02xy"


def test_exit_status_is_the_kubelets_json() -> None:
    assert exit_status(0, ["true"]) == b'{"metadata":{},"status":"Success"}'
    assert exit_status(3, ["sh", "-c", "exit 3"]) == (
        b'{"metadata":{},"status":"Failure","message":"command terminated with non-zero exit '
        b'code: error executing command [sh -c exit 3], exit code 3","reason":"NonZeroExitCode",'
        b'"details":{"causes":[{"reason":"ExitCode","message":"3"}]}}')
