"""HTTP/1.1 wire helpers of the ingress controller: framing, nginx's pages, the Date header.

`Framer` finds where a message body ends in a byte stream without copying it: a
Content-Length count, or a scan of chunked transfer coding (sizes, extensions, trailers) that
leaves the bytes as they are, so the proxy relays a chunked body unchanged (or, for an
HTTP/1.0 client, notes where the chunks' data lie, to send only those). `nginx_page(code)`
is nginx's built-in error page, `local_reply` a whole response as nginx writes its own
(`Server`, `Date`, `Content-Type`, `Content-Length`, `Connection` in nginx's order), and
`http_date()` the Date header value, formatted once a second.
"""

from __future__ import annotations

import time
from email.utils import formatdate

REASONS = {400: "Bad Request", 404: "Not Found", 502: "Bad Gateway", 504: "Gateway Time-out",
           503: "Service Temporarily Unavailable", 308: "Permanent Redirect"}
_DATE: list[object] = [0, b""]


class BadFraming(ValueError):
    """A chunk size line that is not hexadecimal."""


def http_date() -> bytes:
    """The Date header value (RFC 7231 IMF-fixdate), formatted once a second."""
    now = int(time.time())
    if _DATE[0] != now:
        _DATE[0], _DATE[1] = now, formatdate(now, usegmt=True).encode()
    return _DATE[1]  # type: ignore[return-value]


def nginx_page(code: int) -> bytes:
    """nginx's built-in error page (server_tokens off: no version), CRLF line ends."""
    title = f"{code} {REASONS[code]}"
    return (f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}"
            "</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n").encode()


def local_reply(code: int, keep: bool, head_only: bool, location: str = "") -> bytes:
    """A response of nginx's own (error page or redirect), head and body."""
    body = nginx_page(code)
    head = [b"HTTP/1.1 %d %s\r\nServer: nginx\r\nDate: %s\r\nContent-Type: text/html\r\n"
            b"Content-Length: %d\r\n" % (code, REASONS[code].encode(), http_date(), len(body))]
    if location:
        head.append(b"Location: %s\r\n" % location.encode("latin-1"))
    head.append(b"Connection: keep-alive\r\n\r\n" if keep else b"Connection: close\r\n\r\n")
    if not head_only:
        head.append(body)
    return b"".join(head)


_SIZE, _DATA, _TRAILER = 0, 1, 2


class Framer:
    """Where a body ends: `feed(data)` answers how many leading bytes of `data` belong to the
    body; `done` turns true at its last byte."""

    __slots__ = ("chunked", "left", "state", "line", "done", "spans")

    def __init__(self, length: int, chunked: bool, decode: bool = False) -> None:
        """`decode`: note in `spans` where the chunks' data lie in each fed block."""
        self.chunked = chunked
        self.spans: list[tuple[int, int]] | None = [] if decode else None
        self.left = 0 if chunked else length
        self.state = _SIZE
        self.line = b""
        self.done = not chunked and length <= 0

    def feed(self, data: bytes) -> int:
        if not self.chunked:
            n = min(self.left, len(data))
            self.left -= n
            self.done = self.left == 0
            return n
        pos, end = 0, len(data)
        while pos < end and not self.done:
            if self.state == _DATA:
                take = min(self.left, end - pos)
                if self.spans is not None and self.left > 2:
                    self.spans.append((pos, pos + min(take, self.left - 2)))
                pos += take
                self.left -= take
                if self.left == 0:
                    self.state = _SIZE
                continue
            nl = data.find(b"\n", pos)
            if nl < 0:
                self.line += data[pos:]
                if len(self.line) > 8192:
                    raise BadFraming("chunk line too long")
                return end
            line, self.line, pos = (self.line + data[pos:nl]).rstrip(b"\r"), b"", nl + 1
            if self.state == _TRAILER:
                self.done = not line
                continue
            try:
                size = int(line.split(b";", 1)[0].strip(), 16)
            except ValueError:
                raise BadFraming(line[:40].decode("latin-1")) from None
            if size < 0:
                raise BadFraming("negative chunk size")
            if size == 0:
                self.state = _TRAILER
            else:
                self.state, self.left = _DATA, size + 2  # the data and its CRLF
        return pos
