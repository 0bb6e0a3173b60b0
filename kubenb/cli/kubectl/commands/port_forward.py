"""`kubectl port-forward TYPE/NAME [LOCAL:]REMOTE …` (`--address`, and kubenb's `--stop`).

Resolves the pod as kubectl does (a pod by name, or the first pod of a Service, Deployment,
ReplicaSet … in "ByLogging" order, logs.py `pods_for`), translates ports (a Service port to
its targetPort in that pod, a named container port to its number), insists the pod is
Running, then asks the client's port forwarder (`Client.port_forwarder()`: the cluster's
port-forward sessions) to listen and prints kubectl's `Forwarding from 127.0.0.1:8080 -> 80` lines (and `[::1]` when it can be
bound). Unlike kubectl the command returns at once — a notebook cell must — and the
forwarding runs in the background on the control-plane loop until `%kubectl port-forward
--stop`, the cluster stops, or the pod goes away. `Handling connection for …` is logged,
not printed (background threads never print). Pods only answer real TCP with a runtime that
has a real network; with the sim driver the command says so.
"""

from __future__ import annotations

import re

from kubenb.api.objects import Obj
from kubenb.cli.kubectl.app import Command, CommandError, Ctx
from kubenb.cli.kubectl.commands.logs import pods_for
from kubenb.cli.kubectl.flags import Flag
from kubenb.cli.kubectl.resources import lookup
from kubenb.client.base import NotSupported, PortForwarder
from kubenb.component import ListenError

USAGE = ("TYPE/NAME and list of ports are required for port-forward\n"
         "See 'kubectl port-forward -h' for help and examples")


def _forwarder(ctx: Ctx) -> tuple[PortForwarder | None, str]:
    """The cluster's port forwarding, or None and why the cluster behind the client has none."""
    try:
        return ctx.client.port_forwarder(), ""
    except NotSupported as err:
        return None, str(err)


def split_port(spec: str) -> tuple[str, str]:
    """`[LOCAL:]REMOTE` → (local, remote); `8080` forwards 8080 to 8080."""
    parts = spec.split(":")
    if len(parts) == 2:
        return parts[0], parts[1]
    return parts[0], parts[0]


def _service_ports(svc: Obj, pod: Obj, ports: list[str]) -> list[str]:
    """translateServicePortToTargetPort."""
    out = []
    name = svc["metadata"]["name"]
    for spec in ports:
        local, remote = split_port(spec)
        if remote.isdigit():
            number = int(remote)
        else:
            found = [p for p in (svc.get("spec") or {}).get("ports") or [] if p.get("name") == remote]
            if not found:
                raise CommandError(f"Service '{name}' does not have a named port '{remote}'")
            number = int(found[0]["port"])
            if local == remote:
                local = str(number)
        match = [p for p in (svc.get("spec") or {}).get("ports") or [] if p.get("port") == number]
        if not match:
            raise CommandError(f"Service {name} does not have a service port {number}")
        target = match[0].get("targetPort", number)
        if isinstance(target, str):
            target = _container_port(pod, target)
        remote = str(target)
        out.append(f"{local}:{remote}" if local != remote else remote)
    return out


def _container_port(pod: Obj, name: str) -> int:
    for c in (pod.get("spec") or {}).get("containers") or []:
        for p in c.get("ports") or []:
            if p.get("name") == name:
                return int(p["containerPort"])
    raise CommandError(f"Pod '{pod['metadata']['name']}' does not have a named port '{name}'")


def _pod_ports(pod: Obj, ports: list[str]) -> list[str]:
    """convertPodNamedPortToNumber."""
    out = []
    for spec in ports:
        local, remote = split_port(spec)
        if not remote:
            raise CommandError("remote port cannot be empty")
        number = remote if remote.isdigit() else str(_container_port(pod, remote))
        out.append(f"{local}:{number}" if local != remote else number)
    return out


def parse_ports(specs: list[str]) -> list[tuple[int, int]]:
    """portforward.parsePorts: numbers in 0..65535 (local 0 or empty: a random port)."""
    out = []
    for spec in specs:
        local, remote = split_port(spec)
        if not re.fullmatch(r"\d*", local) or (local and int(local) > 65535):
            raise CommandError(f"Error parsing local port '{local}': strconv.ParseUint: parsing "
                               f'"{local}": ' + ("value out of range" if local.isdigit()
                                                 else "invalid syntax"))
        if not re.fullmatch(r"\d+", remote) or int(remote) > 65535:
            raise CommandError(f"Error parsing remote port '{remote}': strconv.ParseUint: "
                               f'parsing "{remote}": ' + ("value out of range" if remote.isdigit()
                                                          else "invalid syntax"))
        if int(remote) == 0:
            raise CommandError(f"remote port must be > 0: {remote}")
        out.append((int(local or 0), int(remote)))
    return out


def _resolve(ctx: Ctx, target: str, ports: list[str]) -> tuple[Obj, list[str]]:
    kind, slash, name = target.partition("/")
    if slash:
        rt = lookup(ctx.client.registry, kind)[0]
        if rt.kind == "Service":
            svc = ctx.client.get("Service", ctx.namespace, name)
            if not (svc.get("spec") or {}).get("selector"):
                raise CommandError(f"cannot attach to *v1.Service: invalid service '{name}': "
                                   "Service is defined without a selector")
            pod = pods_for(ctx, target, notice=False)
            return pod, _service_ports(svc, pod, ports)
    pod = pods_for(ctx, target, notice=False)
    return pod, _pod_ports(pod, ports)


def run(ctx: Ctx, args: list[str]) -> int:
    forwards, missing = _forwarder(ctx)
    if ctx.flag("stop"):
        if forwards is not None:
            forwards.close_all()
        return 0
    if len(args) < 2:
        raise CommandError(USAGE)
    pod, translated = _resolve(ctx, args[0], args[1:])
    ports = parse_ports(translated)
    phase = (pod.get("status") or {}).get("phase")
    if phase != "Running":
        raise CommandError(f"unable to forward port because pod is not running. Current status={phase}")
    if forwards is None:
        raise CommandError(missing)
    addresses = ctx.flag("address") or ["localhost"]
    for a in addresses:
        if a != "localhost" and not (a.startswith("127.") or a == "::1"):
            raise CommandError(f"kubenb only listens on loopback addresses, not {a}")
    meta = pod["metadata"]
    try:
        lines = forwards.open(meta.get("namespace") or ctx.namespace, meta["name"], meta.get("uid", ""),
                              (pod.get("status") or {}).get("podIP", ""), ports, addresses)
    except ListenError as err:
        text = str(err)
        head, _, tail = text.rpartition("\nerror: ")
        ctx.err.write(head + "\n")
        raise CommandError(tail) from None
    for line in lines:
        ctx.out.write(line + "\n")
    return 0


FLAGS = (
    Flag("address", "strings", ["localhost"],
         help="Addresses to listen on (comma separated). Only accepts IP addresses or localhost."),
    Flag("pod-running-timeout", "duration", "1m0s"),
    Flag("stop", "bool", help="Stop every port-forward of this cluster (kubenb only)."),
)

COMMAND = Command("port-forward", "Forward one or more local ports to a pod", run, FLAGS)
