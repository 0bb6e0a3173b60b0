"""A container's environment and command line, as the kubelet computes them before create.

Order as in the kubelet's makeEnvironmentVariables: `envFrom` sources, then `env` entries
(values, downward-API fieldRefs and resourceFieldRefs, configMap/secret keys), then the Docker-link style
variables of the Services in the pod's namespace (`enableServiceLinks`, default true) plus
the `kubernetes` Service, for names not already set. `$(VAR)` references in values, command
and args are expanded. A missing ConfigMap/Secret raises `ConfigError` with the kubelet's
words (the container then waits with CreateContainerConfigError).
"""

from __future__ import annotations

import base64
import re
from typing import Any

from kubenb.api.store import Store
from kubenb.node.kubelet_projection import resource_value


class ConfigError(Exception):
    """CreateContainerConfigError: the message is what the container's waiting state shows."""


_REF = re.compile(r"\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)")


def expand(text: str, env: dict[str, str]) -> str:
    """Kubernetes' `$(VAR)` expansion: unknown references stay, `$$` is a literal `$`."""
    return _REF.sub(lambda m: "$" if m.group(0) == "$$" else env.get(m.group(1), m.group(0)), text)


def service_env(services: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """FOO_SERVICE_HOST, FOO_SERVICE_PORT, FOO_PORT_80_TCP… for each service with a cluster IP."""
    out: list[tuple[str, str]] = []
    for svc in services:
        spec = svc.get("spec") or {}
        ip = spec.get("clusterIP")
        if not ip or ip == "None":
            continue
        name = svc["metadata"]["name"].upper().replace("-", "_")
        ports = spec.get("ports") or []
        out.append((f"{name}_SERVICE_HOST", ip))
        if ports:
            out.append((f"{name}_SERVICE_PORT", str(ports[0]["port"])))
        for p in ports:
            if p.get("name"):
                out.append((f"{name}_SERVICE_PORT_{p['name'].upper().replace('-', '_')}", str(p["port"])))
        if ports:
            proto = (ports[0].get("protocol") or "TCP").lower()
            out.append((f"{name}_PORT", f"{proto}://{ip}:{ports[0]['port']}"))
        for p in ports:
            proto = p.get("protocol") or "TCP"
            prefix = f"{name}_PORT_{p['port']}_{proto.upper()}"
            out += [(prefix, f"{proto.lower()}://{ip}:{p['port']}"), (f"{prefix}_PROTO", proto.lower()),
                    (f"{prefix}_PORT", str(p["port"])), (f"{prefix}_ADDR", ip)]
    return out


def _field_ref(pod: dict[str, Any], path: str, host_ip: str, pod_ip: str) -> str:
    meta, spec = pod["metadata"], pod.get("spec") or {}
    m = re.fullmatch(r"metadata\.(labels|annotations)\['(.+)'\]", path)
    if m:
        return (meta.get(m.group(1)) or {}).get(m.group(2), "")
    return {
        "metadata.name": meta.get("name", ""), "metadata.namespace": meta.get("namespace", ""),
        "metadata.uid": meta.get("uid", ""), "spec.nodeName": spec.get("nodeName", ""),
        "spec.serviceAccountName": spec.get("serviceAccountName", ""),
        "status.hostIP": host_ip, "status.hostIPs": host_ip, "status.podIP": pod_ip,
        "status.podIPs": pod_ip,
    }.get(path, "")


def _key_ref(store: Store, ns: str, kind: str, ref: dict[str, Any]) -> str | None:
    obj = store.try_get(kind, ns, ref.get("name", ""))
    optional = bool(ref.get("optional"))
    word = "configmap" if kind == "ConfigMap" else "secret"
    if obj is None:
        if optional:
            return None
        raise ConfigError(f'{word} "{ref.get("name", "")}" not found')
    key = ref.get("key", "")
    if kind == "ConfigMap":
        data = obj.get("data") or {}
        if key in data:
            return str(data[key])
    else:
        data = obj.get("data") or {}
        if key in data:
            return base64.b64decode(data[key]).decode(errors="replace")
        if key in (obj.get("stringData") or {}):
            return str(obj["stringData"][key])
    if optional:
        return None
    raise ConfigError(f"couldn't find key {key} in {'ConfigMap' if kind == 'ConfigMap' else 'Secret'} "
                      f"{ns}/{ref.get('name', '')}")


def container_env(store: Store, pod: dict[str, Any], container: dict[str, Any],
                  host_ip: str, pod_ip: str) -> list[tuple[str, str]]:
    ns = pod["metadata"].get("namespace") or "default"
    env: dict[str, str] = {}
    for src in container.get("envFrom") or []:
        prefix = src.get("prefix") or ""
        for kind, key in (("ConfigMap", "configMapRef"), ("Secret", "secretRef")):
            ref = src.get(key)
            if not ref:
                continue
            obj = store.try_get(kind, ns, ref.get("name", ""))
            if obj is None:
                if ref.get("optional"):
                    continue
                raise ConfigError(f'{"configmap" if kind == "ConfigMap" else "secret"} '
                                  f'"{ref.get("name", "")}" not found')
            for k, v in (obj.get("data") or {}).items():
                env[prefix + k] = base64.b64decode(v).decode(errors="replace") if kind == "Secret" else str(v)
    for e in container.get("env") or []:
        name = e.get("name", "")
        if "value" in e or not e.get("valueFrom"):
            env[name] = expand(str(e.get("value") or ""), env)
            continue
        vf = e["valueFrom"]
        value: str | None = ""
        if vf.get("fieldRef"):
            value = _field_ref(pod, vf["fieldRef"].get("fieldPath", ""), host_ip, pod_ip)
        elif vf.get("resourceFieldRef"):
            value = resource_value(store, pod, container.get("name") or "", vf["resourceFieldRef"])
        elif vf.get("configMapKeyRef"):
            value = _key_ref(store, ns, "ConfigMap", vf["configMapKeyRef"])
        elif vf.get("secretKeyRef"):
            value = _key_ref(store, ns, "Secret", vf["secretKeyRef"])
        if value is not None:
            env[name] = value
    services = []
    if (pod.get("spec") or {}).get("enableServiceLinks", True) is not False:
        services = [s for s in store.list("Service", ns) if s["metadata"]["name"] != "kubernetes"
                    or ns == "default"]
    master = store.try_get("Service", "default", "kubernetes")
    if master is not None and ns != "default":
        services.append(master)
    for k, v in service_env(services):
        env.setdefault(k, v)
    return list(env.items())


def command_line(container: dict[str, Any], env: dict[str, str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(command, args) with `$(VAR)` expanded."""
    return (tuple(expand(str(a), env) for a in container.get("command") or []),
            tuple(expand(str(a), env) for a in container.get("args") or []))
