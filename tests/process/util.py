"""Helpers for the process runtime tests: pod manifests, waiting on status, plain HTTP."""

from __future__ import annotations

import http.client
import os
from typing import Any

import pytest

from kubenb.cluster import Cluster
from kubenb.node.runtime.process import loopback_usable
from tests import builders

# Loopback addresses of our own (nodes 127.S.0.x, pods 127.S.<n>.x, Services 127.S+1.x.x),
# different per test process, so two runs of these tests at once never share an address.
SUBNET = 100 + 2 * (os.getpid() % 24)

REQUIRES_LOOPBACK = pytest.mark.skipif(not loopback_usable(f"127.{SUBNET}.1.1"),
                                       reason="pods need their own 127.x addresses (Linux loopback)")


def pod(name: str, image: str, *, command: list[str] | None = None, args: list[str] | None = None,
        restart: str = "Always", grace: int | None = None, ns: str = "default",
        labels: dict[str, str] | None = None, **container: Any) -> dict[str, Any]:
    c = builders.container(container.pop("cname", "main"), image, command=command, args=args, **container)
    return builders.pod(name, namespace=ns, labels=labels or {"app": name}, restart=restart, grace=grace,
                        containers=[c])


def status(c: Cluster, name: str, ns: str = "default") -> dict[str, Any]:
    p = c.store.try_get("Pod", ns, name)
    return (p or {}).get("status") or {}


def container_status(c: Cluster, name: str) -> dict[str, Any]:
    found = status(c, name).get("containerStatuses") or [{}]
    return found[0]


def is_ready(c: Cluster, name: str) -> bool:
    return bool(container_status(c, name).get("ready"))


def run_pod(c: Cluster, manifest: dict[str, Any], timeout: float = 20) -> str:
    """Create the pod, wait until Ready, return its IP."""
    c.store.create(manifest)
    name = manifest["metadata"]["name"]
    c.wait_for(lambda: is_ready(c, name), timeout)
    return str(status(c, name)["podIP"])


def get(ip: str, port: int, path: str = "/", method: str = "GET") -> tuple[int, str]:
    conn = http.client.HTTPConnection(ip, port, timeout=10)
    try:
        conn.request(method, path)
        resp = conn.getresponse()
        return resp.status, resp.read().decode()
    finally:
        conn.close()


def cmdline_of(p: Any) -> str:
    """A process's command line, "" once it has exited (or is a zombie): children come and go."""
    import psutil

    try:
        return " ".join(p.cmdline())
    except psutil.Error:
        return ""
