"""Translations between Kubernetes and Docker for the Docker runtime.

Outbound: `sandbox_params` / `container_params` turn a pod and the kubelet's
`ContainerConfig` into Docker create arguments — the names dockershim gave
(`k8s_<container>_<pod>_<namespace>_<uid>_<attempt>`, `k8s_POD_…` for the sandbox), command
and args as Kubernetes maps them onto Entrypoint and Cmd (command replaces the entrypoint
and drops the image's Cmd; args alone replace Cmd), env, workingDir; the pod's ports
exposed on the sandbox (joined containers cannot expose any), its hostPorts published on the node's address, and resources: limits.cpu → NanoCpus,
limits.memory → Memory, requests.cpu → CpuShares (the kubelet's milliCPU × 1024 / 1000).
Inbound: `state_of(inspect)` reads a container's state as the runtime protocol wants it
(reasons as cri-dockerd words them: Completed, Error, OOMKilled, ContainerCannotRun).
"""

from __future__ import annotations

import math
from datetime import datetime, timezone
from typing import Any

from kubenb.api.quantity import parse_quantity
from kubenb.node.pod_dns import DnsSettings
from kubenb.node.runtime.base import ContainerConfig, ContainerStateName
from kubenb.node.runtime.volumes import Bind

DOCKER_ZERO = "0001-01-01T00:00:00Z"


def parse_time(value: str | None) -> datetime | None:
    """Docker's RFC 3339 with nanoseconds → an aware datetime (None for Go's zero time)."""
    if not value or value.startswith("0001-01-01"):
        return None
    head, _, frac = value.rstrip("Z").partition(".")
    dt = datetime.strptime(head, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc)
    if frac:
        dt = dt.replace(microsecond=int(frac[:6].ljust(6, "0")))
    return dt


def docker_name(*parts: str) -> str:
    return "k8s_" + "_".join(parts)


def exposed_ports(pod: dict[str, Any]) -> list[Any]:
    """Every container's ports, exposed on the sandbox (joined containers cannot expose)."""
    out: list[Any] = []
    for c in (pod.get("spec") or {}).get("containers") or []:
        for p in c.get("ports") or []:
            proto = (p.get("protocol") or "TCP").lower()
            port = int(p["containerPort"]) if proto == "tcp" else (int(p["containerPort"]), proto)
            if port not in out:
                out.append(port)
    return out


def host_ports(pod: dict[str, Any], node_ip: str) -> dict[str, tuple[str, int]]:
    """hostPort mappings of every container of the pod, bound on the node's address."""
    out: dict[str, tuple[str, int]] = {}
    for c in (pod.get("spec") or {}).get("containers") or []:
        for p in c.get("ports") or []:
            if p.get("hostPort"):
                proto = (p.get("protocol") or "TCP").lower()
                out[f"{p['containerPort']}/{proto}"] = (p.get("hostIP") or node_ip, int(p["hostPort"]))
    return out


def resources(container: dict[str, Any]) -> dict[str, Any]:
    """Host config entries for the container's limits and requests."""
    res = container.get("resources") or {}
    limits, requests = res.get("limits") or {}, res.get("requests") or {}
    out: dict[str, Any] = {}
    if "cpu" in limits:
        out["nano_cpus"] = max(1_000_000, int(parse_quantity(limits["cpu"]) * 1_000_000_000))
    if "memory" in limits:
        out["mem_limit"] = max(6 * 1024 * 1024, int(parse_quantity(limits["memory"])))
    cpu_request = requests.get("cpu", limits.get("cpu"))
    if cpu_request is not None:
        milli = math.ceil(parse_quantity(cpu_request) * 1000)
        out["cpu_shares"] = max(2, milli * 1024 // 1000)
    return out


def entry_and_cmd(config: ContainerConfig) -> tuple[list[str] | None, list[str] | None]:
    """Kubernetes command/args → Docker Entrypoint/Cmd (None: the image's own)."""
    if config.command:
        return list(config.command), list(config.args)
    if config.args:
        return None, list(config.args)
    return None, None


def container_env(config: ContainerConfig) -> list[str]:
    env = dict(config.env)
    env.setdefault("HOSTNAME", config.hostname)
    return [f"{k}={v}" for k, v in env.items()]


def sandbox_params(pod: dict[str, Any], labels: dict[str, str], attempt: int, network: str,
                   ip: str, node_ip: str, image: str,
                   dns: DnsSettings | None = None) -> dict[str, Any]:
    """`dns`: the pod's resolver settings (kubenb/node/pod_dns.py), given to the sandbox as
    dockershim does; the pod's containers share its resolv.conf."""
    meta = pod["metadata"]
    spec = pod.get("spec") or {}
    host_config: dict[str, Any] = {"network_mode": network, "restart_policy": {"Name": "no"},
                                   "port_bindings": host_ports(pod, node_ip),
                                   "ipc_mode": "shareable"}
    if dns is not None and not dns.from_host:
        host_config.update(dns=dns.nameservers, dns_search=dns.searches, dns_opt=dns.options)
    return {
        "image": image,
        "name": docker_name("POD", meta["name"], meta["namespace"], meta["uid"], str(attempt)),
        "hostname": (spec.get("hostname") or meta["name"])[:63],
        "labels": labels,
        "ports": exposed_ports(pod) or None,
        "host_config": host_config,
        "networking_config": {network: {"ipv4_address": ip}},
    }


def container_params(pod: dict[str, Any], container: dict[str, Any], config: ContainerConfig,
                     image: str, sandbox_id: str, labels: dict[str, str],
                     binds: list[Bind] | None = None) -> dict[str, Any]:
    """`binds`: the volumes (volumes.py) as Docker bind mounts at their mountPaths."""
    meta = pod["metadata"]
    entrypoint, cmd = entry_and_cmd(config)
    host = {"network_mode": f"container:{sandbox_id}", "ipc_mode": f"container:{sandbox_id}",
            "restart_policy": {"Name": "no"}, **resources(container)}
    if binds:
        host["binds"] = [f"{b.source}:{b.target}:{'ro' if b.read_only else 'rw'}" for b in binds]
    if (pod.get("spec") or {}).get("shareProcessNamespace"):
        host["pid_mode"] = f"container:{sandbox_id}"
    params: dict[str, Any] = {
        "image": image,
        "name": docker_name(config.name, meta["name"], meta["namespace"], meta["uid"],
                            str(config.attempt)),
        "environment": container_env(config),
        "labels": labels,
        "host_config": host,
        "entrypoint": entrypoint,
        "command": cmd,
        "working_dir": config.working_dir or None,
        "stdin_open": bool(container.get("stdin")),
        "tty": bool(container.get("tty")),
    }
    if entrypoint is not None and cmd == []:
        params["command"] = None
    return params


def state_of(attrs: dict[str, Any]) -> dict[str, Any]:
    """`state`, `exit_code`, `reason`, `message`, times from `docker inspect`."""
    st = attrs.get("State") or {}
    status = st.get("Status", "")
    started, finished = parse_time(st.get("StartedAt")), parse_time(st.get("FinishedAt"))
    out: dict[str, Any] = {"created_at": parse_time(attrs.get("Created")), "started_at": started,
                           "finished_at": None, "exit_code": None, "reason": "", "message": ""}
    state: ContainerStateName
    if status in ("running", "paused", "restarting"):
        state = "running"
    elif status in ("exited", "dead") or (status == "created" and st.get("Error")):
        state = "exited"
        code = int(st.get("ExitCode") or 0)
        if st.get("Error"):
            out.update(reason="ContainerCannotRun", message=st["Error"], exit_code=code or 128)
        elif st.get("OOMKilled"):
            out.update(reason="OOMKilled", exit_code=code)
        else:
            out.update(reason="Completed" if code == 0 else "Error", exit_code=code)
        out["finished_at"] = finished or started or out["created_at"]
        out["started_at"] = started or out["finished_at"]
    elif status == "removing":
        state = "exited"
        out.update(exit_code=int(st.get("ExitCode") or 0), reason="Error", finished_at=finished)
    else:
        state = "created"
    out["state"] = state
    return out
