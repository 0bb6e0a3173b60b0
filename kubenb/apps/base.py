"""What every built-in app shares: its configuration, its log, HTTP serving, stop signals.

The node agent (kubenb/apps/agent.py) runs built-in apps as servers inside itself instead of
one interpreter per pod. An app gets an `AppConfig` (the pod IP it binds, the container's
env, args and ports), a `LogWriter` for its output, and an `on_exit(code)` callback that
plays the part of process exit. `App.start()` binds its ports (an app that cannot bind
prints its program's own error and exits 1); `signal(15)` is SIGTERM — apps that ignore it
keep running, like the bootcamp app's node PID 1 — and `signal(9)` ends it with 137.

HTTP goes through tornado's HTTPServer with a plain request callback (no tornado.web, to keep
the agent small): `HttpApp.handle(request)` returns a `Reply`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kubenb.apps.logfile import LogWriter

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass
class AppConfig:
    """What the process runtime tells the agent about one app container."""

    app: str
    ip: str
    env: dict[str, str] = field(default_factory=dict)
    args: list[str] = field(default_factory=list)
    ports: list[int] = field(default_factory=list)
    version: str = ""
    response: str | None = None  # generic servers: the body every request gets
    logs: list[str] = field(default_factory=list)  # generic servers: lines printed at start
    sigterm: str = "exit"  # "exit" or "ignore"
    sigterm_code: int = 0

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AppConfig:
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


def nginx_time(t: float | None = None) -> str:
    """`2026/01/06 10:00:00`: nginx's error-log time (and Go's log package default)."""
    return time.strftime("%Y/%m/%d %H:%M:%S", time.gmtime(time.time() if t is None else t))


def access_time(t: float | None = None) -> str:
    """`06/Jan/2026:10:00:00 +0000`: nginx's $time_local in a UTC container."""
    tm = time.gmtime(time.time() if t is None else t)
    return time.strftime(f"%d/{MONTHS[tm.tm_mon - 1]}/%Y:%H:%M:%S +0000", tm)


def http_date(t: float | None = None) -> str:
    tm = time.gmtime(time.time() if t is None else t)
    days = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    return f"{days[tm.tm_wday]}, {tm.tm_mday:02d} {MONTHS[tm.tm_mon - 1]} {tm.tm_year} " + \
        time.strftime("%H:%M:%S GMT", tm)


class App:
    """A built-in program running inside the agent. Subclasses implement `serve()`."""

    def __init__(self, cfg: AppConfig, log: LogWriter, on_exit: Callable[[int], None]) -> None:
        self.cfg = cfg
        self.log = log
        self._on_exit = on_exit
        self.exited = False
        self.started_at = time.time()

    async def start(self) -> None:
        try:
            await self.serve()
        except OSError as err:
            self.log.line(self.bind_error(err), "stderr")
            self.exit(1)

    async def serve(self) -> None:
        """Bind and start answering; runs until `stop()`."""

    def bind_error(self, err: OSError) -> str:
        return f"Error: listen {err.strerror or err}"

    def stop(self) -> None:
        """Close what `serve()` opened."""

    def on_sigterm(self) -> None:
        """A graceful stop: log what the real program logs, then exit."""
        self.exit(self.cfg.sigterm_code)

    def signal(self, sig: int) -> None:
        if self.exited:
            return
        if sig == 9:
            self.exit(137)
        elif self.cfg.sigterm != "ignore":
            self.on_sigterm()

    def exit(self, code: int) -> None:
        if self.exited:
            return
        self.exited = True
        self.stop()
        self._on_exit(code)


class HttpApp(App):
    """An app answering HTTP on its ports at the pod IP."""

    server_header = ""

    def __init__(self, cfg: AppConfig, log: LogWriter, on_exit: Callable[[int], None]) -> None:
        super().__init__(cfg, log, on_exit)
        self._servers: list[Any] = []

    def listen_ports(self) -> list[int]:
        return list(self.cfg.ports)

    async def serve(self) -> None:
        from tornado.httpserver import HTTPServer

        for port in self.listen_ports():
            server = HTTPServer(self._on_request, xheaders=False)
            self._servers.append(server)
            server.listen(port, self.cfg.ip)
        self.started()

    def started(self) -> None:
        """Called once every port is bound (the program's start-up log lines)."""

    def _on_request(self, request: Any) -> None:
        if self.exited:
            return
        reply = self.handle(request)
        self.send(request, reply)

    def send(self, request: Any, reply: Reply) -> None:
        from tornado.httputil import HTTPHeaders, ResponseStartLine
        from tornado.httputil import responses as reasons

        headers = HTTPHeaders()
        if self.server_header:
            headers["Server"] = self.server_header
        headers["Date"] = http_date()
        for k, v in reply.headers.items():
            headers[k] = v
        body = b"" if request.method == "HEAD" else reply.body
        headers["Content-Length"] = str(len(reply.body))
        line = ResponseStartLine("HTTP/1.1", reply.status, reasons.get(reply.status, "Unknown"))
        request.connection.write_headers(line, headers, body)
        request.connection.finish()

    def handle(self, request: Any) -> Reply:
        raise NotImplementedError

    def stop(self) -> None:
        for server in self._servers:
            server.stop()
            asyncio.get_event_loop().create_task(server.close_all_connections())
        self._servers.clear()


def request_line(request: Any) -> str:
    return f"{request.method} {request.uri} {request.version}"


def user_agent(request: Any) -> str:
    return request.headers.get("User-Agent", "-")


class GenericServer(HttpApp):
    """An image the catalog describes only by its answer: serve `response` on every port."""

    def started(self) -> None:
        for line in self.cfg.logs:
            self.log.line(line)

    def handle(self, request: Any) -> Reply:
        return Reply(200, (self.cfg.response or "").encode(), {"Content-Type": "text/plain"})


class Idle(App):
    """A program that only waits to be stopped (`registry.k8s.io/pause`), or a server whose
    protocol kubenb does not speak (redis): it accepts TCP on its ports, so tcpSocket probes
    and Services reach it, and closes each connection."""

    def __init__(self, cfg: AppConfig, log: LogWriter, on_exit: Callable[[int], None]) -> None:
        super().__init__(cfg, log, on_exit)
        self._servers: list[asyncio.AbstractServer] = []

    async def serve(self) -> None:
        for port in self.cfg.ports:
            self._servers.append(await asyncio.start_server(self._accept, self.cfg.ip, port))
        for line in self.cfg.logs:
            self.log.line(line)

    @staticmethod
    async def _accept(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.close()

    def stop(self) -> None:
        for server in self._servers:
            server.close()
        self._servers.clear()
