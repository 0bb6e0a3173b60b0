"""`kubectl proxy`: a local gateway to the current context's API server, in the background.

A notebook has no second terminal, so `%kubectl proxy [--port=8001]` starts the proxy
(`kubenb.client.http_proxy.ApiProxy`, on its own thread) and returns at once after
kubectl's `Starting to serve on 127.0.0.1:8001`. It forwards to the API server of the
command's context with that context's credentials (`Client.endpoint()`: an `HttpClient`'s
server, or the HTTP API server of a kubenb cluster in this process). It stops with
`%kubectl proxy --stop` (a kubenb addition), when the kernel exits, or when the cluster it
serves stops. Flags and errors are kubectl's (`--accept-hosts`,
`--reject-paths`, `--api-prefix`, `--address`; `--port=0` picks a free port; a busy port is
`error: listen tcp 127.0.0.1:8001: bind: address already in use`).
"""

from __future__ import annotations

from kubenb.cli.kubectl.app import Command, Ctx
from kubenb.cli.kubectl.flags import Flag
from kubenb.cli.kubectl.proxy_runner import start_proxy, stop_proxies

PROXY_FLAGS = (
    Flag("port", "int", 8001, short="p"),
    Flag("address", "string", "127.0.0.1"),
    Flag("accept-hosts", "string"),
    Flag("accept-paths", "string"),
    Flag("reject-paths", "string"),
    Flag("reject-methods", "string"),
    Flag("api-prefix", "string", "/"),
    Flag("www", "string", short="w"),
    Flag("www-prefix", "string", "/static/", short="P"),
    Flag("unix-socket", "string", short="u"),
    Flag("disable-filter", "bool"),
    Flag("keepalive", "duration"),
    Flag("append-server-path", "bool"),
    Flag("stop", "bool", help="Stop the proxies this kernel runs (kubenb only)."),
)

def run_proxy(ctx: Ctx, args: list[str]) -> int:
    if ctx.flag("stop"):
        return stop_proxies(ctx)
    return start_proxy(ctx)


COMMAND = Command("proxy", "Run a proxy to the Kubernetes API server", run_proxy, PROXY_FLAGS)
