"""Container blocks of pods and pod templates (kubectl `describeContainers` and helpers).

For each container: name, Container ID / Image / Image ID (IDs only with a status),
Port(s), Host Port(s), Command/Args, State / Last State / Ready / Restart Count (with a
status), Limits/Requests, Liveness/Readiness/Startup probes, Environment Variables from,
Environment, Mounts (and Devices). Version differences are keyed on the kubectl minor:
named ports `8080/TCP (http)` from 1.34, probe thresholds spelled out from 1.37.
Fed into `pod.py`.
"""

from __future__ import annotations

import json
import math
from typing import Any

from kubenb.api.quantity import parse_quantity
from kubenb.cli.kubectl.describe.common import write_resources
from kubenb.cli.kubectl.describe.writer import DescribeWriter, rfc1123z, title_bool


def _ports(ports: list[dict[str, Any]], key: str, minor: int) -> str:
    texts = []
    for port in ports:
        text = f"{port.get(key, 0)}/{port.get('protocol', '')}"
        if minor >= 34 and port.get("name"):
            text += f" ({port['name']})"
        texts.append(text)
    return ", ".join(texts)


def _write_basic_info(w: DescribeWriter, c: dict[str, Any], status: dict[str, Any] | None,
                      space: str, minor: int) -> None:
    w.write(1, f"{' ' if space else ''}{c.get('name', '')}:\n")
    if status is not None:
        w.write(2, f"Container ID:\t{status.get('containerID', '')}\n")
    w.write(2, f"Image:\t{c.get('image', '')}\n")
    if status is not None:
        w.write(2, f"Image ID:\t{status.get('imageID', '')}\n")
    ports = c.get("ports") or []
    for key, one, many in (("containerPort", "Port", "Ports"), ("hostPort", "Host Port", "Host Ports")):
        text = _ports(ports, key, minor)
        if "," in text:
            w.write(2, f"{many}:\t{text}\n")
        else:
            w.write(2, f"{one}:\t{text or '<none>'}\n")
    seccomp = (c.get("securityContext") or {}).get("seccompProfile")
    if seccomp is not None:
        w.write(2, f"SeccompProfile:\t{seccomp.get('type', '')}\n")
        if seccomp.get("type") == "Localhost":
            w.write(3, f"LocalhostProfile:\t{seccomp.get('localhostProfile', '')}\n")


def _write_command(w: DescribeWriter, c: dict[str, Any]) -> None:
    for title, key in (("Command", "command"), ("Args", "args")):
        if c.get(key):
            w.write(2, f"{title}:\n")
            for item in c[key]:
                for part in item.split("\n"):
                    w.write(3, f"{part}\n")


def _write_state(w: DescribeWriter, name: str, state: dict[str, Any] | None) -> None:
    state = state or {}
    if state.get("running") is not None:
        w.write(2, f"{name}:\tRunning\n")
        w.write(3, f"Started:\t{rfc1123z(state['running'].get('startedAt'))}\n")
    elif state.get("waiting") is not None:
        w.write(2, f"{name}:\tWaiting\n")
        if state["waiting"].get("reason"):
            w.write(3, f"Reason:\t{state['waiting']['reason']}\n")
    elif state.get("terminated") is not None:
        t = state["terminated"]
        w.write(2, f"{name}:\tTerminated\n")
        if t.get("reason"):
            w.write(3, f"Reason:\t{t['reason']}\n")
        if t.get("message"):
            w.write(3, f"Message:\t{t['message']}\n")
        w.write(3, f"Exit Code:\t{t.get('exitCode', 0)}\n")
        if (t.get("signal") or 0) > 0:
            w.write(3, f"Signal:\t{t['signal']}\n")
        w.write(3, f"Started:\t{rfc1123z(t.get('startedAt'))}\n")
        w.write(3, f"Finished:\t{rfc1123z(t.get('finishedAt'))}\n")
    else:
        w.write(2, f"{name}:\tWaiting\n")


def _write_status(w: DescribeWriter, status: dict[str, Any]) -> None:
    _write_state(w, "State", status.get("state"))
    last = status.get("lastState") or {}
    if last.get("terminated") is not None:
        _write_state(w, "Last State", last)
    w.write(2, f"Ready:\t{title_bool(status.get('ready'))}\n")
    w.write(2, f"Restart Count:\t{status.get('restartCount', 0)}\n")


def _join_host_port(host: str, port: str) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def describe_probe(probe: dict[str, Any], minor: int) -> str:
    """kubectl `DescribeProbe`: `http-get http://:8080/ delay=0s timeout=1s period=10s #success=1 #failure=3`."""
    thresholds = (f"successThreshold={probe.get('successThreshold', 0)} "
                  f"failureThreshold={probe.get('failureThreshold', 0)}" if minor >= 37 else
                  f"#success={probe.get('successThreshold', 0)} #failure={probe.get('failureThreshold', 0)}")
    attrs = (f"delay={probe.get('initialDelaySeconds', 0)}s timeout={probe.get('timeoutSeconds', 0)}s "
             f"period={probe.get('periodSeconds', 0)}s {thresholds}")
    if probe.get("exec") is not None:
        return f"exec [{' '.join(probe['exec'].get('command') or [])}] {attrs}"
    if probe.get("httpGet") is not None:
        get = probe["httpGet"]
        port = str(get.get("port", ""))
        host = _join_host_port(get.get("host", ""), port) if port else get.get("host", "")
        path = get.get("path", "")
        if path and not path.startswith("/") and host:
            path = "/" + path
        scheme = str(get.get("scheme", "")).lower()
        url = f"{scheme}:" if scheme else ""
        if (scheme or host) and (host or path):
            url += f"//{host}"
        url += path
        return f"http-get {url} {attrs}"
    if probe.get("tcpSocket") is not None:
        sock = probe["tcpSocket"]
        return f"tcp-socket {sock.get('host', '')}:{sock.get('port', '')} {attrs}"
    if probe.get("grpc") is not None:
        grpc = probe["grpc"]
        return f"grpc <pod>:{grpc.get('port', 0)} {grpc.get('service') or ''} {attrs}"
    return f"unknown {attrs}"


def _write_probes(w: DescribeWriter, c: dict[str, Any], minor: int) -> None:
    for title, key in (("Liveness", "livenessProbe"), ("Readiness", "readinessProbe"),
                       ("Startup", "startupProbe")):
        if c.get(key) is not None:
            w.write(2, f"{title}:\t{describe_probe(c[key], minor)}\n")


def _field_ref_value(pod: dict[str, Any] | None, field_path: str) -> str:
    """What kubectl resolves a fieldRef to: only the pod's name and namespace (else empty)."""
    if pod is None:
        return ""
    if field_path in ("metadata.name", "metadata.namespace"):
        return (pod.get("metadata") or {}).get(field_path.split(".")[1], "")
    return ""


def _resource_field_value(ref: dict[str, Any], c: dict[str, Any]) -> str:
    """kubectl `ExtractContainerResourceValue`: the ceiling of the amount over the divisor."""
    resource = ref.get("resource", "")
    kind, _, name = resource.partition(".")
    if kind not in ("limits", "requests"):
        return ""
    if name not in ("cpu", "memory", "ephemeral-storage") and not name.startswith("hugepages-"):
        return ""
    try:
        divisor = parse_quantity(ref.get("divisor") or 0) or 1
        amount = parse_quantity(((c.get("resources") or {}).get(kind) or {}).get(name, 0))
    except ValueError:
        return ""
    if name == "cpu":
        millis = math.ceil(amount * 1000)
        return str(math.ceil(millis / math.ceil(divisor * 1000)))
    return str(math.ceil(math.ceil(amount) / math.ceil(divisor)))


def _write_env(w: DescribeWriter, c: dict[str, Any], pod: dict[str, Any] | None) -> None:
    env = c.get("env") or []
    w.write(2, f"Environment:{'' if env else chr(9) + '<none>'}\n")
    for e in env:
        name, source = e.get("name", ""), e.get("valueFrom")
        if source is None:
            for i, part in enumerate((e.get("value") or "").split("\n")):
                w.write(3, f"{name}:\t{part}\n" if i == 0 else f"\t{part}\n")
            continue
        if source.get("fieldRef") is not None:
            ref = source["fieldRef"]
            value = _field_ref_value(pod, ref.get("fieldPath", ""))
            w.write(3, f"{name}:\t{value} ({ref.get('apiVersion', '')}:{ref.get('fieldPath', '')})\n")
        elif source.get("resourceFieldRef") is not None:
            ref = source["resourceFieldRef"]
            value = _resource_field_value(ref, c)
            if value == "0" and ref.get("resource") in ("limits.cpu", "limits.memory"):
                value = "node allocatable"
            w.write(3, f"{name}:\t{value} ({ref.get('resource', '')})\n")
        elif source.get("secretKeyRef") is not None:
            ref = source["secretKeyRef"]
            w.write(3, f"{name}:\t<set to the key '{ref.get('key', '')}' in secret '{ref.get('name', '')}'>"
                       f"\tOptional: {'true' if ref.get('optional') else 'false'}\n")
        elif source.get("configMapKeyRef") is not None:
            ref = source["configMapKeyRef"]
            w.write(3, f"{name}:\t<set to the key '{ref.get('key', '')}' of config map '{ref.get('name', '')}'>"
                       f"\tOptional: {'true' if ref.get('optional') else 'false'}\n")


def _write_env_from(w: DescribeWriter, c: dict[str, Any]) -> None:
    w.write(2, "Environment Variables from:\n")
    for e in c.get("envFrom") or []:
        kind, ref = "", {}
        if e.get("configMapRef") is not None:
            kind, ref = "ConfigMap", e["configMapRef"]
        elif e.get("secretRef") is not None:
            kind, ref = "Secret", e["secretRef"]
        optional = "true" if ref.get("optional") else "false"
        if e.get("prefix"):
            w.write(3, f"{ref.get('name', '')}\t{kind} with prefix '{e['prefix']}'\tOptional: {optional}\n")
        else:
            w.write(3, f"{ref.get('name', '')}\t{kind}\tOptional: {optional}\n")


def _write_mounts(w: DescribeWriter, c: dict[str, Any]) -> None:
    mounts = c.get("volumeMounts") or []
    none = "" if mounts else "\t<none>"
    w.write(2, f"Mounts:{none}\n")
    for m in sorted(mounts, key=lambda m: m.get("mountPath", "")):
        flags = ["ro" if m.get("readOnly") else "rw"]
        if m.get("subPath"):
            flags.append(f"path={json.dumps(m['subPath'], ensure_ascii=False)}")
        w.write(3, f"{m.get('mountPath', '')} from {m.get('name', '')} ({','.join(flags)})\n")
    devices = c.get("volumeDevices") or []
    if devices:
        w.write(2, f"Devices:{none}\n")
        for d in sorted(devices, key=lambda d: d.get("devicePath", "")):
            w.write(3, f"{d.get('devicePath', '')} from {d.get('name', '')}\n")


def write_containers(
    w: DescribeWriter, label: str, containers: list[dict[str, Any]] | None,
    statuses: list[dict[str, Any]] | None, pod: dict[str, Any] | None, space: str, minor: int,
) -> None:
    """`Containers:` (or `Init Containers:` …) and one block per container.

    `pod` resolves `fieldRef` environment values; it is None for pod templates.
    """
    containers = containers or []
    by_name = {s.get("name"): s for s in statuses or []}
    w.write(0, f"{space}{label}:{'' if containers else ' <none>'}\n")
    for c in containers:
        status = by_name.get(c.get("name"))
        _write_basic_info(w, c, status, space, minor)
        _write_command(w, c)
        if status is not None:
            _write_status(w, status)
        write_resources(w, c.get("resources") or {}, 2)
        _write_probes(w, c, minor)
        if c.get("envFrom"):
            _write_env_from(w, c)
        _write_env(w, c, pod)
        _write_mounts(w, c)
