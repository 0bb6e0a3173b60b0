"""Running one probe for real: httpGet, tcpSocket and exec, with the kubelet's words.

`run_probe(spec, target)` runs the handler a probe spec names against a container and
returns a `ProbeOutcome`: `Success`, `Warning` (an HTTP redirect the prober would not
follow), `Failure` with the output kubelet puts into its `Unhealthy` event, or an `error`
(the probe could not be run at all: a named port the container does not have, an exec that
cannot start) which the worker (prober.py) reports as "probe errored" and otherwise ignores.
Messages are Go's, as pkg/probe/{http,tcp,exec} produce them:
  HTTP probe failed with statuscode: 500
  Get "http://10.244.0.5:8080/healthz": dial tcp 10.244.0.5:8080: connect: connection refused
  Get "http://…": context deadline exceeded (Client.Timeout exceeded while awaiting headers)
  dial tcp 10.244.0.5:6379: connect: connection refused
  command "cat /tmp/healthy" timed out
HTTP is a minimal HTTP/1.1 GET over asyncio streams (`Connection: close`, body read up to
10 KiB, same-host redirects followed up to 10 times as the prober's client does). Timeouts
are `asyncio.wait_for` on the cluster loop, so they follow the cluster clock.
"""

from __future__ import annotations

import asyncio
import errno
import os
import ssl
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urljoin, urlsplit

from kubenb.node.runtime.base import ExecError, Runtime

ProbeResult = Literal["Success", "Warning", "Failure"]
MAX_BODY = 10 * 1024
MAX_REDIRECTS = 10


@dataclass(frozen=True)
class ProbeOutcome:
    result: ProbeResult
    output: str = ""
    error: str | None = None  # set: the probe could not run (result is meaningless)


@dataclass(frozen=True)
class ProbeTarget:
    """What a probe runs against: the container, its pod's IP, the runtime to exec in."""

    container: dict[str, Any]
    container_id: str
    pod_ip: str
    runtime: Runtime
    kubelet_version: str = "v1.32.0"


class PortError(Exception):
    pass


def resolve_port(port: Any, container: dict[str, Any]) -> int:
    """A probe's port: a number, a named container port, or a number written as a string."""
    if isinstance(port, int):
        value = port
    else:
        text = str(port)
        for p in container.get("ports") or []:
            if p.get("name") == text:
                value = int(p["containerPort"])
                break
        else:
            try:
                value = int(text)
            except ValueError:
                raise PortError(f"port {text} not found") from None
    if 0 < value < 65536:
        return value
    raise PortError(f"invalid port number: {value}")


def join_host_port(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def go_net_error(err: BaseException) -> str:
    """The tail Go's net package prints for a failed dial or read (`connection refused`)."""
    if isinstance(err, OSError) and err.errno is not None:
        if err.errno == errno.ECONNRESET:
            return "connection reset by peer"
        return os.strerror(err.errno).lower()
    return str(err) or type(err).__name__


async def tcp_probe(host: str, port: int, timeout: float) -> ProbeOutcome:
    addr = join_host_port(host, port)
    try:
        _, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
    except asyncio.TimeoutError:
        return ProbeOutcome("Failure", f"dial tcp {addr}: i/o timeout")
    except OSError as err:
        return ProbeOutcome("Failure", f"dial tcp {addr}: connect: {go_net_error(err)}")
    writer.close()
    return ProbeOutcome("Success")


async def _read_body(reader: asyncio.StreamReader, headers: dict[str, str]) -> bytes:
    if "chunked" in headers.get("transfer-encoding", "").lower():
        body = b""
        while len(body) < MAX_BODY:
            size_line = await reader.readline()
            size = int(size_line.split(b";")[0].strip() or b"0", 16)
            if size == 0:
                break
            body += await reader.readexactly(size)
            await reader.readline()
        return body[:MAX_BODY]
    if "content-length" in headers:
        n = min(int(headers["content-length"]), MAX_BODY)
        return await reader.readexactly(n)
    return await reader.read(MAX_BODY)


async def get_once(url: str, headers: list[tuple[str, str]]) -> tuple[int, dict[str, str], bytes]:
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    context = None
    if parts.scheme == "https":
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE  # the prober skips TLS verification, as upstream
    reader, writer = await asyncio.open_connection(host, port, ssl=context)
    try:
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        lines = [f"GET {target} HTTP/1.1"]
        names = {n.lower() for n, _ in headers}
        if "host" not in names:
            lines.append(f"Host: {parts.netloc}")
        lines += [f"{n}: {v}" for n, v in headers]
        lines.append("Connection: close")
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        await writer.drain()
        status_line = await reader.readline()
        if not status_line:
            raise EOFError("EOF")
        try:
            status = int(status_line.split()[1])
        except (IndexError, ValueError):
            raise EOFError(f"malformed HTTP response {status_line.decode('latin-1').strip()!r}") from None
        got: dict[str, str] = {}
        while True:
            line = await reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            got[name.strip().lower()] = value.strip()
        body = await _read_body(reader, got)
        return status, got, body
    finally:
        writer.close()


async def http_probe(url: str, headers: list[tuple[str, str]], timeout: float) -> ProbeOutcome:
    """GET `url` as the prober does (see the module docstring)."""

    async def follow() -> ProbeOutcome:
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            try:
                status, got, body = await get_once(current, headers)
            except EOFError as err:
                return ProbeOutcome("Failure", f'Get "{current}": {err}')
            except OSError as err:
                host = urlsplit(current)
                addr = join_host_port(host.hostname or "", host.port or 80)
                return ProbeOutcome("Failure", f'Get "{current}": dial tcp {addr}: connect: '
                                    f"{go_net_error(err)}")
            text = body.decode("utf-8", "replace")
            if 200 <= status < 300:
                return ProbeOutcome("Success", text)
            if 300 <= status < 400:
                location = got.get("location")
                nxt = urljoin(current, location) if location else None
                if nxt is not None and urlsplit(nxt).hostname == urlsplit(url).hostname:
                    current = nxt
                    continue
                return ProbeOutcome("Warning", f"Probe terminated redirects, Response body: {text}")
            return ProbeOutcome("Failure", f"HTTP probe failed with statuscode: {status}")
        return ProbeOutcome("Failure", f'Get "{current}": stopped after {MAX_REDIRECTS} redirects')

    try:
        return await asyncio.wait_for(follow(), timeout)
    except asyncio.TimeoutError:
        return ProbeOutcome("Failure", f'Get "{url}": context deadline exceeded '
                            "(Client.Timeout exceeded while awaiting headers)")


async def exec_probe(runtime: Runtime, container_id: str, argv: list[str],
                     timeout: float) -> ProbeOutcome:
    try:
        code, output = await asyncio.wait_for(runtime.exec(container_id, argv), timeout)
    except asyncio.TimeoutError:
        return ProbeOutcome("Failure", f'command "{" ".join(argv)}" timed out')
    except ExecError as err:
        return ProbeOutcome("Failure", error=(
            "rpc error: code = Unknown desc = failed to exec in container: failed to start "
            f'exec "{container_id}": {err.message}'))
    return ProbeOutcome("Success" if code == 0 else "Failure", output)


def probe_url(action: dict[str, Any], host: str, port: int) -> str:
    """formatURL: scheme://host:port + path (a relative path gets its leading slash)."""
    scheme = str(action.get("scheme") or "HTTP").lower()
    path = str(action.get("path") or "")
    if path and not path.startswith("/"):
        path = "/" + path
    return f"{scheme}://{join_host_port(host, port)}{path or '/'}"


async def run_probe(spec: dict[str, Any], target: ProbeTarget) -> ProbeOutcome:
    """Run the handler of one probe spec (see the module docstring)."""
    timeout = float(spec.get("timeoutSeconds") or 1)
    name = target.container.get("name", "")
    try:
        if "exec" in spec:
            argv = list((spec["exec"] or {}).get("command") or [])
            return await exec_probe(target.runtime, target.container_id, argv, timeout)
        if "httpGet" in spec:
            action = spec["httpGet"] or {}
            host = action.get("host") or target.pod_ip
            port = resolve_port(action.get("port"), target.container)
            major_minor = ".".join(target.kubelet_version.lstrip("v").split(".")[:2])
            headers = [("User-Agent", f"kube-probe/{major_minor}"), ("Accept", "*/*")]
            custom = [(h["name"], str(h.get("value", ""))) for h in action.get("httpHeaders") or []]
            custom_names = {n.lower() for n, _ in custom}
            headers = [h for h in headers if h[0].lower() not in custom_names] + custom
            return await http_probe(probe_url(action, host, port), headers, timeout)
        if "tcpSocket" in spec:
            action = spec["tcpSocket"] or {}
            port = resolve_port(action.get("port"), target.container)
            return await tcp_probe(action.get("host") or target.pod_ip, port, timeout)
    except PortError as err:
        return ProbeOutcome("Failure", error=str(err))
    if "grpc" in spec:
        return ProbeOutcome("Failure", error="grpc probes are not supported by kubenb's kubelet")
    return ProbeOutcome("Failure", error=f"missing probe handler for {name}")
