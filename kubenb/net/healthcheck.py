"""kube-proxy's service health checks: `healthCheckNodePort` answers on every live node.

A LoadBalancer Service with `externalTrafficPolicy: Local` has a `healthCheckNodePort`; a
cloud load balancer asks each node's kube-proxy there whether that node has endpoints of the
Service (pkg/proxy/healthcheck, service_health.go). `HealthChecks` (owned by proxy.py, on the
control-plane loop) keeps one small HTTP server per (node, port) the proxy wants: any request
gets 200 when the node has local ready endpoints, 503 otherwise, with the JSON body and
headers kube-proxy writes (`X-Load-Balancing-Endpoint-Weight` is the count, summed over the
Service's ports as `LocalReadyEndpoints` sums them). A dead node's servers are closed by the
proxy (nothing answers there).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from email.utils import formatdate
from typing import Any

log = logging.getLogger("kubenb.net.healthcheck")

HealthKey = tuple[str, int]  # (node, healthCheckNodePort)
Count = Callable[[], int]  # the node's local ready endpoints of the Service, now
MAX_REQUEST = 64 * 1024


def wanted_health(services: dict[str, dict[str, Any]], live_nodes: dict[str, str],
                  local_ready: Callable[[str, str], Count]
                  ) -> dict[HealthKey, tuple[str, str, str, Count]]:
    """The servers to run: (node, healthCheckNodePort) -> (node IP, namespace, name, count)
    for every Service (`ns/name` -> object) with a healthCheckNodePort, on every live node."""
    out: dict[HealthKey, tuple[str, str, str, Count]] = {}
    for key, svc in services.items():
        port = (svc.get("spec") or {}).get("healthCheckNodePort")
        if not port:
            continue
        ns, name = key.split("/", 1)
        for node, ip in live_nodes.items():
            out[(node, int(port))] = (ip, ns, name, local_ready(key, node))
    return out


def body(namespace: str, name: str, count: int, healthy: bool = True) -> str:
    """The JSON kube-proxy writes (tab-indented, as its dedented template leaves it)."""
    return (f'{{\n\t"service": {{\n\t\t"namespace": {json.dumps(namespace)},\n'
            f'\t\t"name": {json.dumps(name)}\n\t}},\n\t"localEndpoints": {count},\n'
            f'\t"serviceProxyHealthy": {"true" if healthy else "false"}\n}}')


def response(namespace: str, name: str, count: int) -> bytes:
    text = body(namespace, name, count).encode()
    status = "200 OK" if count else "503 Service Unavailable"
    head = (f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\n"
            f"X-Content-Type-Options: nosniff\r\nX-Load-Balancing-Endpoint-Weight: {count}\r\n"
            f"Date: {formatdate(usegmt=True)}\r\nContent-Length: {len(text)}\r\n"
            "Connection: close\r\n\r\n")
    return head.encode() + text


class HealthChecks:
    """The health-check servers of every node (see the module docstring)."""

    def __init__(self) -> None:
        self.servers: dict[HealthKey, tuple[str, asyncio.Server]] = {}
        self.answers: dict[HealthKey, tuple[str, str, Count]] = {}

    async def sync(self, wanted: dict[HealthKey, tuple[str, str, str, Count]]) -> None:
        """Make the servers match `wanted`: (node, port) -> (ip, namespace, name, count)."""
        for key in [k for k in self.servers if k not in wanted
                    or self.servers[k][0] != wanted[k][0]]:
            self.servers.pop(key)[1].close()
            self.answers.pop(key, None)
        for key, (ip, namespace, name, count) in wanted.items():
            self.answers[key] = (namespace, name, count)
            if key in self.servers:
                continue
            try:
                server = await asyncio.start_server(
                    lambda r, w, k=key: self._serve(k, r, w), ip, key[1])
            except OSError as err:
                log.warning("kube-proxy: cannot serve health checks on %s:%s: %s", ip, key[1], err)
                continue
            self.servers[key] = (ip, server)

    def close_node(self, node: str) -> None:
        for key in [k for k in self.servers if k[0] == node]:
            self.servers.pop(key)[1].close()
            self.answers.pop(key, None)

    def close(self) -> None:
        for _, server in self.servers.values():
            server.close()
        self.servers.clear()
        self.answers.clear()

    async def _serve(self, key: HealthKey, reader: asyncio.StreamReader,
                     writer: asyncio.StreamWriter) -> None:
        try:
            await reader.readuntil(b"\r\n\r\n")
            answer = self.answers.get(key)
            if answer is not None:
                namespace, name, count = answer
                writer.write(response(namespace, name, count()))
                await writer.drain()
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            pass
        finally:
            writer.close()
