"""Stand-ins for pods that answer real TCP, until a runtime with real processes is used.

`StandInRuntime` is the sim runtime claiming a real network (`real_network = True`), so a
cluster built on it gets kube-proxy and port-forward, and its kubelets send real probes.
`PodServer` is a tiny threaded TCP server bound to an address of the pod range: it answers
every connection with `<name>|<first line it read>` and closes, or echoes line by line
(`echo=True`) until the client closes. `HttpServer` answers HTTP GETs with a settable status.
"""

from __future__ import annotations

import http.server
import os
import socket
import socketserver
import threading
from typing import Any

from kubenb.node.runtime.sim import SimRuntime

# The profile subnet of test clusters: 127.S.* nodes and pods, 127.S+1.* Services; one per
# test process (even numbers 200-248), away from the default plan's 127.49/127.50.
SUBNET = 200 + 2 * (os.getpid() % 25)
NET = f"127.{SUBNET}."
SVC_NET = f"127.{SUBNET + 1}."


class StandInRuntime(SimRuntime):
    name = "sim"
    real_network = True


class _Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True
    block_on_close = False


class PodServer:
    """A TCP server on `ip:port` that says who it is (see the module docstring)."""

    def __init__(self, name: str, ip: str, port: int, *, echo: bool = False) -> None:
        self.name = name
        outer = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                if echo:
                    for line in self.rfile:
                        self.wfile.write(f"{outer.name}|".encode() + line)
                    return
                line = self.rfile.readline().decode().strip()
                self.wfile.write(f"{outer.name}|{line}\n".encode())

        self.server = _Server((ip, port), Handler)
        self.address = self.server.server_address
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.02,),
                                       daemon=True, name=f"standin-{name}")
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


class HttpServer:
    """An HTTP server on `ip:port`; `status` is what every GET answers (changeable)."""

    def __init__(self, ip: str, port: int, status: int = 200) -> None:
        self.status = status
        self.requests: list[tuple[str, dict[str, str]]] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
                outer.requests.append((self.path, dict(self.headers)))
                body = f"status {outer.status}".encode()
                self.send_response(outer.status)
                if 300 <= outer.status < 400:
                    self.send_header("Location", "http://elsewhere.example/")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer((ip, port), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.02,),
                                       daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


def ask(ip: str, port: int, text: str = "hi", timeout: float = 5) -> str:
    """Connect, send one line, return the whole answer (raises ConnectionRefusedError …)."""
    with socket.create_connection((ip, port), timeout=timeout) as s:
        s.sendall(text.encode() + b"\n")
        chunks = []
        while True:
            data = s.recv(65536)
            if not data:
                break
            chunks.append(data)
    return b"".join(chunks).decode().strip()
