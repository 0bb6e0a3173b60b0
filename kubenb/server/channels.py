"""The WebSocket side of kubelet-backed streams: channel framing, subprotocols, Status.

`ChannelSocket` is the base of `pods/exec`, `pods/attach` and `pods/portforward`
(exec_stream.py, portforward_ws.py). Before the upgrade it checks the bearer token and
lets the subclass check the request (`check_request`, which may reach the kubelet); a
problem found there is an ordinary Status response with its code. kubectl then retries
with SPDY (a POST), and prints what the POST answers: the same check's Status. After the upgrade every binary message is one
channel byte and that channel's bytes (k8s.io/apimachinery wsstream). `exit_status` is the
metav1.Status a kubelet writes on the error channel when a command ends.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import tornado.websocket

from kubenb.api.errors import ApiError, BadRequest
from kubenb.server.handler import AuthMixin, Unauthorized, dumps

if TYPE_CHECKING:
    from kubenb.server.app import ApiServer

V5, V4 = "v5.channel.k8s.io", "v4.channel.k8s.io"
UPGRADE_FAILED = "unable to upgrade connection: "  # what kubectl prints before a kubelet's text
STDIN, STDOUT, STDERR, ERROR, RESIZE, CLOSE = 0, 1, 2, 3, 4, 255


def compact(obj: Any) -> bytes:
    """Go's json.Marshal spacing (none)."""
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def exit_status(code: int, argv: list[str]) -> bytes:
    """The error channel's Status for an exit code, in the kubelet's (containerd's) words."""
    if code == 0:
        return compact({"metadata": {}, "status": "Success"})
    return compact({
        "metadata": {}, "status": "Failure",
        "message": "command terminated with non-zero exit code: error executing command "
                   f"[{' '.join(argv)}], exit code {code}",
        "reason": "NonZeroExitCode",
        "details": {"causes": [{"reason": "ExitCode", "message": str(code)}]}})


def error_status(err: ApiError) -> bytes:
    status = err.status()
    return compact({k: status[k] for k in ("metadata", "status", "message", "reason",
                                           "details", "code") if k in status})


class ChannelSocket(AuthMixin, tornado.websocket.WebSocketHandler):
    """A pod stream upgraded to a WebSocket speaking one of `PROTOCOLS`."""

    PROTOCOLS: tuple[str, ...] = (V5, V4)

    def initialize(self, api: ApiServer) -> None:
        self.api = api

    async def get(self, *args: Any, **kwargs: Any) -> None:
        if await self.accepted(self._refuse, prepare=True):
            await super().get(*args, **kwargs)

    async def post(self, *args: Any, **kwargs: Any) -> None:
        """kubectl falls back to SPDY (a POST asking for `Upgrade: SPDY/3.1`) when the
        WebSocket upgrade is refused, and prints what this answer says: the request's own
        problem (`container x is not valid for pod y`; a container that is not running is
        the kubelet's plain `container not found ("x")`, which kubectl prefixes with
        `unable to upgrade connection:`). Subclasses that speak SPDY serve it instead."""
        if await self.accepted(self.refuse_upgrade):
            self._refuse(BadRequest("Upgrade request required"))

    async def accepted(self, refuse: Any, prepare: bool = False) -> bool:
        """The token and the request checked (and the stream prepared); False once
        `refuse(error)` has answered."""
        try:
            if not self.authorized():
                raise Unauthorized("Unauthorized")
            await self.check_request()
            if prepare:
                await self.prepare_stream()
        except ApiError as e:
            refuse(e)
            return False
        return True

    def refuse_upgrade(self, e: ApiError) -> None:
        """A SPDY upgrade refused: a Status, or the kubelet's plain text."""
        if e.message.startswith(UPGRADE_FAILED):
            self.set_status(e.code)
            self.set_header("Content-Type", "text/plain; charset=utf-8")
            self.finish(e.message[len(UPGRADE_FAILED):].encode("utf-8"))
            return
        self._refuse(e)

    def _refuse(self, e: ApiError) -> None:
        self.set_status(e.code)
        self.set_header("Content-Type", "application/json")
        self.finish(dumps(e.status()))

    async def check_request(self) -> None:
        """Raise an ApiError to refuse the upgrade (no side effects: a POST runs it too)."""

    async def prepare_stream(self) -> None:
        """What the upgrade needs before it happens (raise an ApiError to refuse it)."""

    def flag(self, name: str) -> bool:
        return (self.get_query_argument(name, "") or "").lower() in ("true", "1")

    def select_subprotocol(self, subprotocols: list[str]) -> str | None:
        offered = [p.strip() for p in subprotocols]
        for proto in self.PROTOCOLS:
            if proto in offered:
                return proto
        return None

    def check_origin(self, origin: str) -> bool:
        return True  # the bearer token, not the origin, authenticates

    def open(self, *args: Any, **kwargs: Any) -> Any:
        self.api.websockets.add(self)
        return self.opened()

    async def opened(self) -> None:
        """The upgrade is done (on_message waits until this returns)."""

    async def send(self, channel: int, data: bytes) -> bool:
        """One frame on `channel`; False once the client has gone."""
        try:
            await self.write_message(bytes([channel]) + data, binary=True)
        except tornado.websocket.WebSocketClosedError:
            return False
        return True

    def on_close(self) -> None:
        self.api.websockets.discard(self)
        self.ended()

    def ended(self) -> None:
        """The connection is closed (either side)."""
