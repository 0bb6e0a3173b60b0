"""The `kubectl proxy` processes of this kernel: starting, stopping, and who stops them.

`start_proxy(ctx)` asks the command's client for its API endpoint (`Client.endpoint()`:
an `HttpClient`'s server and credentials, or the HTTP API server of an in-process kubenb
cluster), binds and starts an `ApiProxy`, and records it in `RUNNING`. Three things stop a
proxy: `%kubectl proxy --stop` (`stop_proxies`), its cluster stopping
(`Client.on_cluster_stop`), and the kernel exiting (atexit). An interrupt of the kernel does not: ipykernel only delivers it to the cell that
is running, and stopping a proxy because some other cell was interrupted would surprise.
"""

from __future__ import annotations

import atexit
import threading
from collections.abc import Callable

from kubenb.cli.kubectl.app import CommandError, Ctx
from kubenb.client.base import Client, DisconnectedClient, Endpoint, NotSupported, Unreachable
from kubenb.client.http_proxy import (
    DEFAULT_ACCEPT_HOSTS,
    DEFAULT_REJECT_METHODS,
    DEFAULT_REJECT_PATHS,
    ApiProxy,
    ProxyFilter,
    bind_error,
    loopback,
)

RUNNING: dict[tuple[str, int], ApiProxy] = {}
_lock = threading.Lock()
NO_SERVER = "http://localhost:8080"  # kubectl's server when no context names one


def _upstream(client: Client) -> tuple[Endpoint, Client | None]:
    """(where to forward, the client whose cluster's stop ends the proxy, if any)."""
    if isinstance(client, DisconnectedClient):
        if "localhost:8080" in client.message:
            return Endpoint(NO_SERVER), None
        raise Unreachable(client.message)
    try:
        return client.endpoint(), client
    except NotSupported as err:
        raise CommandError(str(err)) from None


def start_proxy(ctx: Ctx) -> int:
    address, port = ctx.flag("address") or "127.0.0.1", int(ctx.flag("port"))
    if not 0 <= port <= 65535:
        raise CommandError(f"listen tcp: address {port}: invalid port")
    if not loopback(address):
        raise CommandError(f"listen tcp {address}:{port}: kubenb serves on loopback addresses only")
    upstream, owner = _upstream(ctx.client)
    filters = ProxyFilter(
        accept_paths=_given(ctx, "accept-paths", "^.*"),
        reject_paths=_given(ctx, "reject-paths", DEFAULT_REJECT_PATHS),
        accept_hosts=_given(ctx, "accept-hosts", DEFAULT_ACCEPT_HOSTS),
        reject_methods=_given(ctx, "reject-methods", DEFAULT_REJECT_METHODS),
        disabled=bool(ctx.flag("disable-filter")))
    try:
        proxy = ApiProxy(upstream, filters, address=address, port=port,
                         api_prefix=ctx.flag("api-prefix") or "/")
    except OSError as err:
        raise CommandError(bind_error(address, port, err)) from None
    proxy.start()
    with _lock:
        RUNNING[(proxy.address, proxy.port)] = proxy
        proxy.on_stop.append(_forget)
    if owner is not None:
        _stop_with(owner, proxy)
    ctx.out.write(f"Starting to serve on {proxy.where}\n")
    return 0


def _given(ctx: Ctx, name: str, default: str) -> str:
    value = ctx.flag(name)
    return default if value in (None, "") and not ctx.flags.given(name) else str(value)  # type: ignore[union-attr]


def stop_proxies(ctx: Ctx) -> int:
    """`--stop`: every proxy of this kernel (or the one on `--port` when it is given)."""
    port = int(ctx.flag("port")) if ctx.flags.given("port") else None  # type: ignore[union-attr]
    with _lock:
        chosen = [p for p in RUNNING.values() if port is None or p.port == port]
    if not chosen:
        raise CommandError("no kubectl proxy is running" + (f" on port {port}" if port else ""))
    for proxy in chosen:
        proxy.stop()
        ctx.out.write(f"Stopped serving on {proxy.where}\n")
    return 0


def stop_all() -> None:
    with _lock:
        proxies = list(RUNNING.values())
    for proxy in proxies:
        proxy.stop()


def _forget(proxy: ApiProxy) -> None:
    with _lock:
        RUNNING.pop((proxy.address, proxy.port), None)


atexit.register(stop_all)


# ---- the cluster stopping stops the proxy -----------------------------------------------------


def _stop_with(client: Client, proxy: ApiProxy) -> None:
    detach: Callable[[], None] = client.on_cluster_stop(proxy.stop)
    proxy.on_stop.append(lambda _proxy: detach())
