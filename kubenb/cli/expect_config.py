"""Expectations about configuration: a ConfigMap's key, and an env var the pods would get.

Used by the Configuration chapter's check cells (`kubenb.expect.configmap(...)`,
`kubenb.expect.pods_env(...)`). They read ConfigMaps, Secrets and Pods through the client;
nothing runs inside a container, so the answer does not depend on timing.
"""

from __future__ import annotations

import base64
from typing import Any

from kubenb.api.errors import NotFound
from kubenb.cli.findings import Expectation, Finding, find, missing, plural, t


def configmap(name: str, *, namespace: str = "default", key: str | None = None,
              value: str | None = None) -> Expectation:
    """The ConfigMap exists; it has `key`, whose value is `value` (when given)."""

    def evaluate(client: Any) -> list[Finding]:
        obj = find(client, "ConfigMap", namespace, name)
        if obj is None:
            return [missing("ConfigMap", name, namespace)]
        if key is None:
            return [(True, t(f"configmap/{name} exists", f"ConfigMap {name} 已存在"))]
        data = obj.get("data") or {}
        if key not in data:
            return [(False, t(f"configmap/{name} has no key {key}", f"ConfigMap {name} 中没有键 {key}"))]
        have = data[key]
        ok = value is None or have == value
        return [(ok, t(f"configmap/{name} has {key}={have}" + ("" if ok else f", not {value}"),
                       f"ConfigMap {name} 中 {key}={have}" + ("" if ok else f"，而不是 {value}")))]

    return evaluate


def pods_env(selector: str, var: str, value: str, *, namespace: str = "default") -> Expectation:
    """Every running pod matching `selector` (at least one) gets `var`=`value` in its first
    container: the value its spec gives (`env`, `envFrom`, configMap/secret keys) with the
    ConfigMaps and Secrets as they are now — what the kubelet set when it started the container,
    provided the pod started after the last change (recreate pods after changing a ConfigMap)."""

    def evaluate(client: Any) -> list[Finding]:
        items, _ = client.list("Pod", namespace, label_selector=selector or None)
        running = [p for p in items if not (p.get("metadata") or {}).get("deletionTimestamp")
                   and (p.get("status") or {}).get("phase") == "Running"]
        values = [_env_value(client, namespace, p, var) for p in running]
        n, k = len(running), sum(1 for v in values if v == value)
        ok = n > 0 and k == n
        others = sorted({"(unset)" if v is None else v for v in values} - {value})
        rest_en = f"; the others get {', '.join(others)}" if others else ""
        rest_zh = f"；其余得到的是 {'、'.join(others)}" if others else ""
        return [(ok, t(
            f"{k} of {n} running pod{plural(n)} with labels {selector} get {var}={value}" + ("" if ok else rest_en),
            f"{n} 个带标签 {selector} 的运行中的 Pod 里有 {k} 个得到 {var}={value}" + ("" if ok else rest_zh)))]

    return evaluate


def _env_value(client: Any, namespace: str, pod: dict[str, Any], var: str) -> str | None:
    """`var` in the first container's environment as its spec resolves now (None: unset)."""
    containers = (pod.get("spec") or {}).get("containers") or []
    if not containers:
        return None
    container = containers[0]
    found: str | None = None
    for source in container.get("envFrom") or []:
        prefix = source.get("prefix") or ""
        if not var.startswith(prefix):
            continue
        for kind, ref in (("ConfigMap", "configMapRef"), ("Secret", "secretRef")):
            if ref in source:
                data = _data(client, kind, namespace, (source[ref] or {}).get("name", ""))
                if var[len(prefix):] in data:
                    found = data[var[len(prefix):]]
    for entry in container.get("env") or []:
        if entry.get("name") != var:
            continue
        if "valueFrom" not in entry:
            found = entry.get("value", "")
            continue
        for kind, ref in (("ConfigMap", "configMapKeyRef"), ("Secret", "secretKeyRef")):
            key_ref = (entry["valueFrom"] or {}).get(ref)
            if key_ref:
                found = _data(client, kind, namespace, key_ref.get("name", "")).get(key_ref.get("key", ""))
    return found


def _data(client: Any, kind: str, namespace: str, name: str) -> dict[str, str]:
    """A ConfigMap's data, or a Secret's data decoded (empty when it does not exist)."""
    try:
        obj = client.get(kind, namespace, name)
    except NotFound:
        return {}
    if kind == "ConfigMap":
        return dict(obj.get("data") or {})
    decoded = {k: base64.b64decode(v).decode("utf-8", "replace") for k, v in (obj.get("data") or {}).items()}
    return {**decoded, **(obj.get("stringData") or {})}
