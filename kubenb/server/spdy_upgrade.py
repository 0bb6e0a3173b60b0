"""Plain SPDY/3.1 upgrades: clients that speak SPDY straight over the HTTP connection.

kubectl before 1.31 (or with `KUBECTL_PORT_FORWARD_WEBSOCKETS=false`), and Go tools built on
client-go's SPDY dialer, ask for `POST …/portforward` with `Upgrade: SPDY/3.1` and
`X-Stream-Protocol-Version: portforward.k8s.io`. `wants_spdy` recognises such a request;
`serve_spdy` answers `101 Switching Protocols`, takes the connection over from the HTTP
server (`detach`) and feeds what arrives to a session (portforward_ws.py `SpdyForwarder`)
through a `RawLink`, the same interface the WebSocket tunnel offers it. The link is
registered with the server, so `ApiServer.stop()` closes it like a WebSocket.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, Protocol

from tornado.iostream import IOStream, StreamClosedError

CHUNK = 256 * 1024


class Session(Protocol):
    def received(self, data: bytes) -> None: ...

    def close(self) -> None: ...


def wants_spdy(headers: Any, protocol: str) -> bool:
    """A POST asking to become SPDY/3.1 speaking `protocol`."""
    offered = [p.strip() for v in headers.get_list("X-Stream-Protocol-Version")
               for p in v.split(",")]
    return headers.get("Upgrade", "").lower() == "spdy/3.1" and protocol in offered


class RawLink:
    """A detached HTTP connection as a SPDY session's transport."""

    def __init__(self, stream: IOStream, owner: Any) -> None:
        self.stream, self.owner = stream, owner

    def emit(self, data: bytes) -> asyncio.Future[None] | None:
        if self.stream.closed():
            return None
        try:
            return self.stream.write(data)
        except StreamClosedError:
            return None

    def close(self, code: int | None = None) -> None:
        self.stream.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.owner, name)  # connect(), failure(): the handler's


async def serve_spdy(handler: Any, protocol: str,
                     make_session: Callable[[RawLink], Session]) -> None:
    """Switch `handler`'s connection to SPDY and run a session on it until it closes."""
    stream = handler.detach()
    link = RawLink(stream, handler)
    api = handler.api
    api.websockets.add(link)
    session = None
    try:
        await stream.write(b"HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\n"
                           b"Upgrade: SPDY/3.1\r\n"
                           b"X-Stream-Protocol-Version: " + protocol.encode() + b"\r\n\r\n")
        session = make_session(link)
        while True:
            session.received(await stream.read_bytes(CHUNK, partial=True))
    except StreamClosedError:
        pass
    finally:
        if session is not None:
            session.close()
        stream.close()
        api.websockets.discard(link)
