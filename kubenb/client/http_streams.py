"""The HTTP client's streams: watches, followed logs and exec.

- `watch_events`: `GET …?watch=true&resourceVersion=RV`, newline-delimited JSON events read
  as the chunks arrive. BOOKMARKs move the resume point and are not handed out; an ERROR
  event raises its Status (410 → `Expired`). Without a timeout, a stream the server ends is
  re-opened from the last resourceVersion seen, so a caller watching "until closed" sees
  one unbroken stream.
- `follow_log`: `GET …/log?follow=true`, the log's lines as they are written.
- `exec_in_pod`: the `…/exec` WebSocket (`v5.channel.k8s.io`, offered with v4 by the
  official client's `WSClient`): stdout and stderr (channels 1, 2) in arrival order, then
  the Status on channel 3 gives the exit code (`NonZeroExitCode` carries it in its causes).
  `exec_io_in_pod` sends stdin on channel 0 and closes it (v5), stdout and stderr apart.
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Iterator
from typing import Any

import urllib3
import websocket
from kubernetes.stream.ws_client import (
    ERROR_CHANNEL,
    STDERR_CHANNEL,
    STDIN_CHANNEL,
    STDOUT_CHANNEL,
    WSClient,
    get_websocket_url,
)

from kubenb.api.errors import BadRequest
from kubenb.api.objects import WatchEvent
from kubenb.api.registry import ResourceType
from kubenb.client.http_errors import error_from_response, error_from_status, unreachable
from kubenb.client.http_transport import Query, Transport

STDIN_FRAME = 64 * 1024  # bytes of stdin per WebSocket frame
READ_GRACE = 30.0  # real seconds a timed watch may stay silent past its timeout


def _lines(resp: Any) -> Iterator[bytes]:
    """The body's lines as they arrive (chunked streams are read chunk by chunk)."""
    buf = b""
    for chunk in resp.stream(amt=None, decode_content=False):
        buf += chunk
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            if line.strip():
                yield line
    if buf.strip():
        yield buf


def _close(resp: Any) -> None:
    resp.close()  # an unfinished stream cannot go back to the pool as it is
    resp.release_conn()


class Cancel:
    """Lets another thread end a watch: `cancel()` closes the stream being read."""

    def __init__(self) -> None:
        self.cancelled = threading.Event()
        self.resp: Any = None

    def cancel(self) -> None:
        self.cancelled.set()
        resp = self.resp
        if resp is not None:
            resp.shutdown()  # a read blocked in another thread returns at once


def current_version(transport: Transport, rt: ResourceType, path: str, query: Query) -> str:
    """The resourceVersion of the collection now (a one-item list asks for it)."""
    doc = transport.json("GET", path, query=[*query, ("limit", "1")],
                         what=("list", rt.qualified, ""))
    return str(((doc or {}).get("metadata") or {}).get("resourceVersion") or "")


def watch_events(transport: Transport, rt: ResourceType, path: str, query: Query,
                 resource_version: str | None, timeout: float | None,
                 cancel: Cancel | None = None) -> Iterator[WatchEvent]:
    """Changes of the collection at `path` after `resource_version` (None: from now)."""
    rv = resource_version or current_version(transport, rt, path, query)
    while cancel is None or not cancel.cancelled.is_set():
        q = [*query, ("watch", "true"), ("allowWatchBookmarks", "true")]
        if rv:
            q.append(("resourceVersion", rv))
        if timeout is not None:
            q.append(("timeoutSeconds", str(max(1, math.ceil(timeout)))))
        resp = transport.open("GET", path, query=q, what=("watch", rt.qualified, ""),
                              read_timeout=None if timeout is None else timeout + READ_GRACE)
        if cancel is not None:
            cancel.resp = resp
            if cancel.cancelled.is_set():  # cancelled while connecting
                _close(resp)
                return
        try:
            for line in _lines(resp):
                ev = json.loads(line)
                kind, obj = ev.get("type"), ev.get("object") or {}
                if kind == "ERROR":
                    raise error_from_status(obj)
                rv = str((obj.get("metadata") or {}).get("resourceVersion") or rv)
                if kind == "BOOKMARK":
                    continue
                obj.setdefault("kind", rt.kind)
                obj.setdefault("apiVersion", rt.api_version)
                yield {"type": kind, "object": obj}
        except urllib3.exceptions.ReadTimeoutError:
            return
        except (urllib3.exceptions.ProtocolError, OSError, ValueError):
            if timeout is not None or (cancel is not None and cancel.cancelled.is_set()):
                return  # the window is over (or the watch was cancelled): no resume
        finally:
            _close(resp)
        if timeout is not None:
            return


def follow_log(transport: Transport, path: str, query: Query, pod: str) -> Iterator[str]:
    """The lines of a followed log (`follow=true`), each with its newline."""
    resp = transport.open("GET", path, query=query, accept="*/*", what=("get", "pods", pod))
    try:
        buf = b""
        for chunk in resp.stream(amt=None, decode_content=True):
            buf += chunk
            *done, buf = buf.split(b"\n")
            for line in done:
                yield line.decode("utf-8", "replace") + "\n"
        if buf:
            yield buf.decode("utf-8", "replace")
    except urllib3.exceptions.ProtocolError:
        return  # the server ended the stream (the container stopped, the server went)
    finally:
        _close(resp)


def _connect(transport: Transport, path: str, query: Query, pod: str, capture_all: bool) -> WSClient:
    """The exec WebSocket, opened (kubectl's words when the server refuses the upgrade)."""
    api = transport.api
    _, url, headers, _, _ = api.param_serialize("GET", path, query_params=list(query),
                                                header_params={}, auth_settings=["BearerToken"])
    try:
        return WSClient(api.configuration, get_websocket_url(url), headers,
                        capture_all=capture_all, binary=True)
    except websocket.WebSocketBadStatusException as err:
        raise _upgrade_error(err, pod) from None
    except (websocket.WebSocketException, OSError) as err:
        raise unreachable(err, url) from None


def exec_in_pod(transport: Transport, path: str, query: Query, pod: str) -> tuple[int, str]:
    """Run a command through the exec WebSocket: (exit code, stdout+stderr)."""
    ws = _connect(transport, path, query, pod, True)
    try:
        ws.run_forever()
        status_text = ws.read_channel(ERROR_CHANNEL)  # before read_all(), which drops channels
        output = bytes(ws.read_all()).decode("utf-8", "replace")
    finally:
        ws.close()
    return _exit_code(status_text), output


def exec_io_in_pod(transport: Transport, path: str, query: Query, pod: str,
                   stdin: bytes | None) -> tuple[int, bytes, bytes]:
    """Run a command through the exec WebSocket with `stdin` sent on channel 0 and closed
    (v5): (exit code, stdout, stderr) as bytes."""
    ws = _connect(transport, path, query, pod, False)
    out, err = bytearray(), bytearray()
    try:
        if stdin is not None:
            for at in range(0, len(stdin), STDIN_FRAME):
                ws.write_channel(STDIN_CHANNEL, stdin[at:at + STDIN_FRAME])
                out += ws.read_channel(STDOUT_CHANNEL)  # keep the server's frames moving
                err += ws.read_channel(STDERR_CHANNEL)
            ws.close_channel(STDIN_CHANNEL)
        ws.run_forever()
        status_text = ws.read_channel(ERROR_CHANNEL)
        out += ws.read_channel(STDOUT_CHANNEL)
        err += ws.read_channel(STDERR_CHANNEL)
    finally:
        ws.close()
    return _exit_code(status_text), bytes(out), bytes(err)


def _upgrade_error(err: websocket.WebSocketBadStatusException, pod: str) -> Exception:
    """kubectl's words when the server refuses the exec upgrade with a Status (a container
    that is not running is `unable to upgrade connection: container not found ("c")`)."""
    failure = error_from_response(err.status_code, err.resp_body or b"", "get", "pods", pod)
    if isinstance(failure, BadRequest) and failure.message.startswith("container not found"):
        failure.message = f"unable to upgrade connection: {failure.message}"
        failure.args = (failure.message,)
    return failure


def _exit_code(status_text: Any) -> int:
    if isinstance(status_text, bytes):
        status_text = status_text.decode("utf-8", "replace")
    if not status_text:
        return 0  # a v4 server that closed without a Status: the command succeeded
    status = json.loads(status_text)
    if status.get("status") == "Success":
        return 0
    if status.get("reason") == "NonZeroExitCode":
        for cause in (status.get("details") or {}).get("causes") or []:
            if cause.get("reason") == "ExitCode":
                return int(cause.get("message") or 1)
        return 1
    raise error_from_status(status)
