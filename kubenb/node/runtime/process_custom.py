"""A notebook's own image with a Python function as its server, run by the process runtime.

A function defined in a notebook cannot be shipped to the node agent's process, so its
"container" is an HTTP server in the kernel itself: tornado's HTTPServer on the control-plane
loop, bound to the pod's IP and the image's port. Each request calls the handler with a
`Request` and answers what it returns: `str` or `bytes` (200), or `(status, body)`, or
`(status, body, headers)`. An `async def` handler is awaited on the loop; a plain function
runs on the loop too, so it should be quick (it holds up the control plane while it runs).
A handler that raises answers 500 and its traceback goes to the container's log. The
access log is one line per request, like a small Python web server's.

SIGTERM stops it at once (exit code from the image, default 0); SIGKILL with 137.
"""

from __future__ import annotations

import inspect
import logging
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kubenb.apps.logfile import LogWriter

log = logging.getLogger("kubenb.runtime.process")


@dataclass
class Request:
    """What a handler gets: the HTTP request plus the pod it runs in."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    pod: str  # the pod's name (its HOSTNAME)
    namespace: str
    pod_ip: str
    env: dict[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.body.decode(errors="replace")


def _reply(result: Any) -> tuple[int, bytes, dict[str, str]]:
    headers: dict[str, str] = {}
    status = 200
    if isinstance(result, tuple):
        if len(result) == 3:
            status, result, headers = result
        elif len(result) == 2:
            status, result = result
        else:
            raise TypeError("a handler returns body, (status, body) or (status, body, headers)")
    if result is None:
        body = b""
    elif isinstance(result, bytes):
        body = result
    else:
        body = str(result).encode()
    headers = {str(k): str(v) for k, v in dict(headers).items()}
    headers.setdefault("Content-Type", "text/plain; charset=utf-8")
    return int(status), body, headers


class FunctionServer:
    def __init__(self, handler: Callable[..., Any], *, ip: str, ports: tuple[int, ...],
                 env: dict[str, str], log_path: str, on_exit: Callable[[int], None],
                 sigterm_code: int = 0) -> None:
        self.handler = handler
        self.ip = ip
        self.ports = ports or (8080,)
        self.env = env
        self.log = LogWriter(log_path)
        self.on_exit = on_exit
        self.sigterm_code = sigterm_code
        self._servers: list[Any] = []
        self.exited = False

    def start(self) -> None:
        """Bind the ports; an OSError (address in use …) propagates to the caller."""
        from tornado.httpserver import HTTPServer

        try:
            for port in self.ports:
                server = HTTPServer(self._on_request)
                self._servers.append(server)
                server.listen(port, self.ip)
        except OSError:
            self._close()
            raise

    def _on_request(self, request: Any) -> None:
        import asyncio

        asyncio.get_running_loop().create_task(self._answer(request))

    async def _answer(self, request: Any) -> None:
        from tornado.httputil import HTTPHeaders, ResponseStartLine
        from tornado.httputil import responses as reasons

        req = Request(request.method, request.path, request.query_arguments and {
            k: [v.decode(errors="replace") for v in vs] for k, vs in request.query_arguments.items()},
            dict(request.headers.get_all()), request.body or b"", self.env.get("HOSTNAME", ""),
            self.env.get("KUBENB_NAMESPACE", ""), self.ip, dict(self.env))
        try:
            result = self.handler(req)
            if inspect.isawaitable(result):
                result = await result
            status, body, headers = _reply(result)
        except Exception:  # noqa: BLE001 - the user's handler failed: answer 500, log it
            self.log.line(traceback.format_exc(), "stderr")
            status, body, headers = 500, b"Internal Server Error\n", {"Content-Type": "text/plain"}
        if self.exited:
            return
        self.log.line(f'{request.remote_ip} - - [{time.strftime("%d/%b/%Y %H:%M:%S")}] '
                      f'"{request.method} {request.uri} {request.version}" {status} -', "stderr")
        out = HTTPHeaders()
        for k, v in headers.items():
            out[k] = v
        out["Content-Length"] = str(len(body))
        try:
            request.connection.write_headers(
                ResponseStartLine("HTTP/1.1", status, reasons.get(status, "Unknown")), out,
                b"" if request.method == "HEAD" else body)
            request.connection.finish()
        except Exception:  # noqa: BLE001 - the client went away
            log.debug("function server: client closed before the answer", exc_info=True)

    def _close(self) -> None:
        import asyncio

        for server in self._servers:
            server.stop()
            asyncio.get_running_loop().create_task(server.close_all_connections())
        self._servers.clear()

    def signal(self, sig: int) -> None:
        if self.exited:
            return
        self.exited = True
        self._close()
        self.log.close()
        self.on_exit(137 if sig == 9 else self.sigterm_code)
