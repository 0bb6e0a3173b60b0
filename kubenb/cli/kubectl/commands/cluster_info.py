"""`kubectl cluster-info`: where the control plane and the cluster services answer.

The server URL is the client's (`client.server`); a cluster without an HTTP API answers
where minikube's would, `https://192.168.49.2:8443`. One line follows per Service
in the namespace (default kube-system) labelled `kubernetes.io/cluster-service=true`.
"""

from __future__ import annotations

from typing import Any

from kubenb.cli.kubectl.app import Command, CommandError, Ctx
from kubenb.cli.kubectl.flags import Flag
from kubenb.client.base import Client, NotSupported

DEFAULT_SERVER = "https://192.168.49.2:8443"


def server_url(client: Client) -> str:
    """The API server URL the client talks to."""
    try:
        return client.server or DEFAULT_SERVER
    except NotSupported:
        return DEFAULT_SERVER


def _join_scheme_name_port(scheme: str, name: str, port: str) -> str:
    if scheme:
        return f"{scheme}:{name}:{port}"
    return f"{name}:{port}" if port else name


def service_link(server: str, svc: dict[str, Any]) -> str:
    """The URL cluster-info prints for one Service (its API proxy, or its load balancer)."""
    ingress = ((svc.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
    ports = (svc.get("spec") or {}).get("ports") or []
    if ingress:
        ip = ingress[0].get("ip") or ingress[0].get("hostname") or ""
        return "".join(f"http://{ip}:{p['port']} " for p in ports)
    meta = svc["metadata"]
    name = meta["name"]
    if ports:
        port = ports[0]
        scheme = "https" if port.get("name") == "https" or port.get("port") == 443 else ""
        name = _join_scheme_name_port(scheme, name, port.get("name") or "")
    return f"{server}/api/v1/namespaces/{meta['namespace']}/services/{name}/proxy"


def run(ctx: Ctx, args: list[str]) -> int:
    del args  # kubectl ignores stray arguments here
    namespace = ctx.flag("namespace") or "kube-system"
    server = server_url(ctx.client)
    services, _ = ctx.client.list("Service", namespace,
                                  label_selector="kubernetes.io/cluster-service=true")
    lines = [f"Kubernetes control plane is running at {server}"]
    for svc in services:
        label = (svc["metadata"].get("labels") or {}).get("kubernetes.io/name") or svc["metadata"]["name"]
        lines.append(f"{label} is running at {service_link(server, svc)}")
    ctx.out.write("\n".join(lines) + "\n")
    ctx.out.write("\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n")
    return 0


def run_dump(ctx: Ctx, args: list[str]) -> int:
    raise CommandError("kubectl cluster-info dump is not available yet in kubenb")


COMMAND = Command("cluster-info", "Display cluster information", run).add(
    Command("dump", "Dump relevant information for debugging and diagnosis", run_dump,
            (Flag("output-directory", "string"), Flag("all-namespaces", "bool", short="A"),
             Flag("output", "string", short="o"), Flag("namespaces", "strings"))),
)
