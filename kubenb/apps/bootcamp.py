"""The Kubernetes Basics tutorial's app (`kubernetes-bootcamp:v1` / `:v2`), served from the agent.

The real image runs a tiny Node.js server (`server.js`, which the process runtime puts in the
container's working directory so `kubectl exec … -- cat server.js` shows it). Behaviour kept:
port 8080, every path and method answers `Hello Kubernetes bootcamp! | Running on: <HOSTNAME>
| v=<version>` with a newline; the log starts `Kubernetes Bootcamp App Started At: <ISO> |
Running On:  <HOSTNAME> ` and a blank line (console.log of a trailing "\\n" argument), then
one line per request with the request count, the uptime in seconds (as JavaScript prints a
number) and the time as Node 6 prints a Date. SIGTERM is ignored — the node process is PID 1
without a handler — so deleting a pod waits out its grace period.
"""

from __future__ import annotations

import time
from typing import Any

from kubenb.apps.base import HttpApp, Reply


def js_iso(t: float) -> str:
    """`new Date().toISOString()`: milliseconds, UTC, `Z`."""
    ms = int(round(t * 1000))
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms // 1000)) + f".{ms % 1000:03d}Z"


def js_number(value: float) -> str:
    """A JavaScript number as console.log prints it (`12`, `12.5`, `0.003`)."""
    if value == int(value):
        return str(int(value))
    return repr(value)


class Bootcamp(HttpApp):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.requests = 0
        self.start_ms = 0
        self.host = self.cfg.env.get("HOSTNAME", "undefined")

    def listen_ports(self) -> list[int]:
        return [8080]

    def started(self) -> None:
        now = time.time()
        self.start_ms = int(now * 1000)
        self.log.line(f"Kubernetes Bootcamp App Started At: {js_iso(now)} | Running On:  {self.host} \n\n")

    def bind_error(self, err: OSError) -> str:
        code = {98: "EADDRINUSE", 13: "EACCES", 99: "EADDRNOTAVAIL"}.get(err.errno or 0, "EIO")
        return f"Error: listen {code} :::8080"

    def handle(self, request: Any) -> Reply:
        body = f"Hello Kubernetes bootcamp! | Running on: {self.host} | v={self.cfg.version or '1'}\n"
        self.requests += 1
        now = time.time()
        uptime = (int(now * 1000) - self.start_ms) / 1000
        self.log.line(f"Running On: {self.host} | Total Requests: {self.requests} | App Uptime: "
                      f"{js_number(uptime)} seconds | Log Time: {js_iso(now)}")
        return Reply(200, body.encode(), {"Content-Type": "text/plain", "Connection": "keep-alive"})
