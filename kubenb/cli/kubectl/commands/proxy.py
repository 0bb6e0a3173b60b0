"""`kubectl proxy` and `kubectl port-forward`: not available yet, and they say so.

Both need pieces kubenb does not have yet (an HTTP API server to proxy to; a process
runtime with real sockets to forward to). Until then they check their arguments the way
kubectl does and then fail with a plain `error: … is not available yet in kubenb` instead
of pretending to serve.
"""

from __future__ import annotations

from kubenb.cli.kubectl.app import Command, CommandError, Ctx
from kubenb.cli.kubectl.flags import Flag

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
)

PORT_FORWARD_FLAGS = (
    Flag("address", "strings", ["localhost"]),
    Flag("pod-running-timeout", "duration", "1m0s"),
)


def run_proxy(ctx: Ctx, args: list[str]) -> int:
    raise CommandError("kubectl proxy is not available yet in kubenb: it needs kubenb's HTTP "
                       "API server, which is not built yet")


def run_port_forward(ctx: Ctx, args: list[str]) -> int:
    if len(args) < 2:
        raise CommandError("TYPE/NAME and list of ports are required for port-forward\n"
                           "See 'kubectl port-forward -h' for help and examples")
    raise CommandError("kubectl port-forward is not available yet in kubenb: it needs the "
                       "process runtime's real sockets, which are not built yet")


COMMANDS = [
    Command("proxy", "Run a proxy to the Kubernetes API server", run_proxy, PROXY_FLAGS),
    Command("port-forward", "Forward one or more local ports to a pod", run_port_forward,
            PORT_FORWARD_FLAGS),
]
