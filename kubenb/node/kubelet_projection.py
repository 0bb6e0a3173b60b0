"""The files of the kubelet's "projected" volume types: configMap, secret, downwardAPI and
projected (configMap, secret, downwardAPI and serviceAccountToken sources).

`volume_files(store, pod, volume)` reads what the volume shows — the ConfigMap or Secret it
names, the pod's own fields, a fresh token — and answers `{path: (bytes, mode)}` (the
payload the runtime writes with its atomic writer, runtime/atomic_writer.py), or None for a
volume of another type. Each key becomes a file (`data` and `binaryData`; a Secret's values
decoded), or only the `items` with their `path`s; modes are the item's `mode`, else the
volume's `defaultMode` (default 0644). A missing object or key raises MountError with the
kubelet's words (`configmap "x" not found`, `configmap references non-existent config key:
k`), unless the source is `optional`. `token_refresh_after(pod)` says when a volume's
token should be requested again (80% of its lifetime, as the kubelet's token manager).
Read by kubelet_volumes.py; written nowhere.
"""

from __future__ import annotations

import base64
import json
import math
import re
from fractions import Fraction
from typing import Any

from kubenb.api.errors import ApiError
from kubenb.api.quantity import parse_quantity
from kubenb.api.store import Store
from kubenb.api.tokens import request_token

DEFAULT_MODE = 0o644
TOKEN_SECONDS = 3600
Files = dict[str, tuple[bytes, int]]
_tokens: dict[tuple[Any, ...], tuple[str, float]] = {}  # the token manager's cache: token, renew at
GC_PERIOD = 60.0  # the token manager drops stale tokens once a minute (gcPeriod), not on every request
_last_gc = [0.0]


class MountError(Exception):
    """FailedMount: the message is the event's."""


def _mode(item: dict[str, Any], default: int) -> int:
    mode = item.get("mode")
    return int(mode) if isinstance(mode, int) else default


def _object_files(store: Store, ns: str, kind: str, source: dict[str, Any], default: int) -> Files:
    """A configMap or secret source (volume or projection)."""
    name = str(source.get("name") or source.get("secretName") or "")
    optional = bool(source.get("optional"))
    obj = store.try_get(kind, ns, name)
    if obj is None:
        if optional:
            return {}
        raise MountError(f'{kind.lower()} "{name}" not found')
    values: dict[str, bytes] = {}
    if kind == "ConfigMap":
        values.update({k: str(v).encode() for k, v in (obj.get("data") or {}).items()})
        values.update({k: base64.b64decode(v) for k, v in (obj.get("binaryData") or {}).items()})
    else:
        values.update({k: base64.b64decode(v) for k, v in (obj.get("data") or {}).items()})
    items = source.get("items") or []
    if not items:
        return {k: (v, default) for k, v in values.items()}
    out: Files = {}
    for item in items:
        key = str(item.get("key") or "")
        if key not in values:
            if optional:
                continue
            if kind == "ConfigMap":
                raise MountError(f"configmap references non-existent config key: {key}")
            raise MountError(f"references non-existent secret key: {key}")
        out[str(item.get("path") or key)] = (values[key], _mode(item, default))
    return out


def _go_quote(text: str) -> str:
    """Go's %q for the strings labels and annotations hold."""
    return json.dumps(text, ensure_ascii=False)


def format_map(values: dict[str, str]) -> str:
    """fieldpath.FormatMap: `key="value"` lines, sorted by key, no final newline."""
    return "\n".join(f"{k}={_go_quote(str(values[k]))}" for k in sorted(values))


def field_value(pod: dict[str, Any], path: str) -> str:
    """A downward-API fieldRef's value for a volume (labels/annotations as FormatMap)."""
    meta = pod["metadata"]
    m = re.fullmatch(r"metadata\.(labels|annotations)\['(.+)'\]", path)
    if m:
        return str((meta.get(m.group(1)) or {}).get(m.group(2), ""))
    if path in ("metadata.labels", "metadata.annotations"):
        return format_map(meta.get(path.split(".")[1]) or {})
    return str({"metadata.name": meta.get("name", ""), "metadata.namespace": meta.get("namespace", ""),
                "metadata.uid": meta.get("uid", "")}.get(path, ""))


def resource_value(store: Store, pod: dict[str, Any], container_name: str, ref: dict[str, Any]) -> str:
    """resourceFieldRef: the container's limit/request divided by `divisor`, rounded up; a
    missing limit is the node's allocatable (as the kubelet does)."""
    resource = str(ref.get("resource") or "")
    containers = (pod.get("spec") or {}).get("containers") or []
    c = next((c for c in containers if c.get("name") == (ref.get("containerName") or container_name)),
             containers[0] if containers else {})
    section, _, kind = resource.partition(".")
    amounts = (c.get("resources") or {}).get(section) or {}
    raw = amounts.get(kind)
    if raw is None and section == "requests":
        raw = ((c.get("resources") or {}).get("limits") or {}).get(kind)
    if raw is None and section == "limits":
        node = store.try_get("Node", None, (pod.get("spec") or {}).get("nodeName") or "")
        raw = (((node or {}).get("status") or {}).get("allocatable") or {}).get(kind)
    value = parse_quantity(raw) if raw is not None else Fraction(0)
    divisor = parse_quantity(ref.get("divisor") or "1") or Fraction(1)
    return str(math.ceil(value / divisor))


def _downward_files(store: Store, pod: dict[str, Any], container: str, source: dict[str, Any],
                    default: int) -> Files:
    out: Files = {}
    for item in source.get("items") or []:
        if item.get("fieldRef"):
            text = field_value(pod, str(item["fieldRef"].get("fieldPath") or ""))
        elif item.get("resourceFieldRef"):
            text = resource_value(store, pod, container, item["resourceFieldRef"])
        else:
            continue
        out[str(item.get("path") or "")] = (text.encode(), _mode(item, default))
    return out


def _token_file(store: Store, pod: dict[str, Any], source: dict[str, Any], default: int) -> Files:
    ns = pod["metadata"].get("namespace") or "default"
    account = (pod.get("spec") or {}).get("serviceAccountName") or "default"
    spec: dict[str, Any] = {"expirationSeconds": int(source.get("expirationSeconds") or TOKEN_SECONDS),
                            "boundObjectRef": {"kind": "Pod", "apiVersion": "v1",
                                               "name": pod["metadata"]["name"],
                                               "uid": pod["metadata"].get("uid", "")}}
    if source.get("audience"):
        spec["audiences"] = [source["audience"]]
    key = (id(store), ns, account, pod["metadata"].get("uid", ""), json.dumps(spec, sort_keys=True))
    now = store.clock.now().timestamp()
    cached = _tokens.get(key)
    if cached is None or now >= cached[1]:
        try:
            answer = request_token(store, ns, account, {"spec": spec})
        except ApiError as err:
            raise MountError(f"failed to fetch token: {err}") from None
        if not 0 <= now - _last_gc[0] < GC_PERIOD:  # a virtual clock may run behind the last sweep
            _last_gc[0] = now
            for k in [k for k, (_, renew) in _tokens.items() if renew < now]:
                del _tokens[k]
        cached = _tokens[key] = (answer["status"]["token"], now + 0.8 * spec["expirationSeconds"])
    return {str(source.get("path") or "token"): (cached[0].encode(), default)}


def volume_files(store: Store, pod: dict[str, Any], volume: dict[str, Any], container: str = "") -> Files | None:
    """The files a configMap/secret/downwardAPI/projected volume shows; None for other types."""
    ns = pod["metadata"].get("namespace") or "default"
    for key, kind in (("configMap", "ConfigMap"), ("secret", "Secret")):
        if isinstance(volume.get(key), dict):
            source = volume[key]
            return _object_files(store, ns, kind, source, _mode({"mode": source.get("defaultMode")},
                                                                DEFAULT_MODE))
    if isinstance(volume.get("downwardAPI"), dict):
        source = volume["downwardAPI"]
        return _downward_files(store, pod, container, source,
                               _mode({"mode": source.get("defaultMode")}, DEFAULT_MODE))
    if not isinstance(volume.get("projected"), dict):
        return None
    default = _mode({"mode": volume["projected"].get("defaultMode")}, DEFAULT_MODE)
    out: Files = {}
    errors: list[str] = []
    for src in volume["projected"].get("sources") or []:
        try:
            if isinstance(src.get("configMap"), dict):
                out.update(_object_files(store, ns, "ConfigMap", src["configMap"], default))
            elif isinstance(src.get("secret"), dict):
                out.update(_object_files(store, ns, "Secret", src["secret"], default))
            elif isinstance(src.get("downwardAPI"), dict):
                out.update(_downward_files(store, pod, container, src["downwardAPI"], default))
            elif isinstance(src.get("serviceAccountToken"), dict):
                out.update(_token_file(store, pod, src["serviceAccountToken"], default))
        except MountError as err:
            errors.append(str(err))
    if errors:  # every source's error, as an aggregate error prints them
        raise MountError(errors[0] if len(errors) == 1 else f"[{', '.join(errors)}]")
    return out


def plugin_of(volume: dict[str, Any]) -> str:
    """The kubelet's directory name for the volume's plugin (`kubernetes.io~configmap`)."""
    for key, plugin in (("configMap", "configmap"), ("secret", "secret"),
                        ("downwardAPI", "downward-api"), ("projected", "projected")):
        if isinstance(volume.get(key), dict):
            return f"kubernetes.io~{plugin}"
    return ""


def references(pod: dict[str, Any], kind: str, name: str) -> bool:
    """Does a volume of the pod show the ConfigMap/Secret `name`?"""
    key = "configMap" if kind == "ConfigMap" else "secret"
    for v in (pod.get("spec") or {}).get("volumes") or []:
        sources = [v] + list((v.get("projected") or {}).get("sources") or [])
        for s in sources:
            ref = s.get(key) if isinstance(s, dict) else None
            if isinstance(ref, dict) and (ref.get("name") or ref.get("secretName")) == name:
                return True
    return False


def token_refresh_after(pod: dict[str, Any]) -> float | None:
    """Seconds after which the shortest projected token is renewed (80% of its lifetime)."""
    lives = [int(s["serviceAccountToken"].get("expirationSeconds") or TOKEN_SECONDS)
             for v in (pod.get("spec") or {}).get("volumes") or []
             for s in (v.get("projected") or {}).get("sources") or []
             if isinstance(s.get("serviceAccountToken"), dict)]
    return 0.8 * min(lives) if lives else None
