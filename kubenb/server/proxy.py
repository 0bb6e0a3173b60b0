"""`pods/NAME[:PORT]/proxy/PATH` and `services/NAME[:PORT]/proxy/PATH`: HTTP to the apps.

The apiserver forwards the request to the pod's IP (the named or numbered port, else the
first container port), or for a Service to one ready endpoint address and the endpoint port
matching the Service port. `forward()` sends it with tornado's AsyncHTTPClient from the
server's loop and copies status, headers (minus hop-by-hop ones) and body back. A name may
carry a scheme (`https:web:443`). Nothing listening → 503 ServiceUnavailable Status.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

from tornado.httpclient import HTTPClientError, HTTPRequest

from kubenb.api.errors import ApiError, BadRequest, NotFound
from kubenb.server.paths import Target

if TYPE_CHECKING:
    from kubenb.server.handler import ApiRequestHandler

_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
        "trailers", "transfer-encoding", "upgrade", "content-length", "authorization", "host"}


class ServiceUnavailable(ApiError):
    code, reason = 503, "ServiceUnavailable"


def _split(name: str) -> tuple[str, str, str]:
    """`[scheme:]name[:port]` → (scheme, name, port)."""
    parts = name.split(":")
    if len(parts) == 1:
        return "", parts[0], ""
    if len(parts) == 2:
        return "", parts[0], parts[1]
    if len(parts) == 3:
        return parts[0], parts[1], parts[2]
    raise BadRequest(f"invalid service request {name}")


def pod_location(h: ApiRequestHandler, t: Target) -> tuple[str, str, int]:
    assert t.name is not None
    scheme, name, port = _split(t.name)
    pod = h.api.store.get("Pod", t.namespace, name)
    ip = (pod.get("status") or {}).get("podIP")
    if not ip:
        raise BadRequest("address not allowed")
    if not port:
        for c in (pod.get("spec") or {}).get("containers") or []:
            if c.get("ports"):
                port = str(c["ports"][0]["containerPort"])
                break
    if not port:
        port = "80"
    if not port.isdigit():
        for c in (pod.get("spec") or {}).get("containers") or []:
            for p in c.get("ports") or []:
                if p.get("name") == port:
                    port = str(p["containerPort"])
        if not port.isdigit():
            raise BadRequest(f"no such port {port} on pod {name}")
    return scheme or "http", ip, int(port)


def service_location(h: ApiRequestHandler, t: Target) -> tuple[str, str, int]:
    assert t.name is not None
    scheme, name, port = _split(t.name)
    store = h.api.store
    svc = store.get("Service", t.namespace, name)
    ports = (svc.get("spec") or {}).get("ports") or []
    chosen = None
    for p in ports:
        if port in (p.get("name", ""), str(p.get("port"))) or (not port and len(ports) == 1):
            chosen = p
            break
    if chosen is None:
        raise BadRequest(f"no service port {port!r} found for service {name!r}")
    ep = store.try_get("Endpoints", t.namespace, name) or {}
    candidates = []
    for subset in ep.get("subsets") or []:
        for ep_port in subset.get("ports") or []:
            if ep_port.get("name", "") == chosen.get("name", ""):
                for addr in subset.get("addresses") or []:
                    candidates.append((addr["ip"], int(ep_port["port"])))
    if not candidates:
        raise ServiceUnavailable(f'no endpoints available for service "{name}"')
    ip, target = random.choice(candidates)
    return scheme or "http", ip, target


async def forward(h: ApiRequestHandler, t: Target) -> None:
    if t.kind == "Pod":
        scheme, ip, port = pod_location(h, t)
    elif t.kind == "Service":
        scheme, ip, port = service_location(h, t)
    else:
        raise NotFound("", "")
    query = h.request.query
    url = f"{scheme}://{ip}:{port}/{t.rest}" + (f"?{query}" if query else "")
    headers = {k: v for k, v in h.request.headers.get_all() if k.lower() not in _HOP}
    method = h.request.method or "GET"
    body: Any = h.body if method in ("POST", "PUT", "PATCH") else None
    request = HTTPRequest(url, method=method, headers=headers, body=body,
                          follow_redirects=False, validate_cert=False,
                          allow_nonstandard_methods=True, connect_timeout=10,
                          request_timeout=60, decompress_response=False)
    try:
        response = await h.api.http_client.fetch(request, raise_error=False)
    except (OSError, HTTPClientError) as e:
        raise ServiceUnavailable(f"error trying to reach service: {e}") from None
    if response.code == 599:
        raise ServiceUnavailable(f"error trying to reach service: {response.error}")
    h.set_status(response.code, response.reason)
    h.clear_header("Content-Type")
    for k, v in response.headers.get_all():
        if k.lower() not in _HOP:
            h.add_header(k, v)
    h.finish(response.body or b"")
