"""`kubectl describe` for Namespace, ConfigMap, Secret and ServiceAccount.

- Namespace: Name, Labels, Annotations, Status, [Conditions], then the Resource Quotas
  (`No resource quota.`) and Resource Limits (`No LimitRange resource.`) sections. kubectl
  prints no Events for a namespace.
- ConfigMap: the `Data` / `BinaryData` sections underlined with `====`, keys sorted.
- Secret: `Type`, then `Data` with each value's size (`k:  3 bytes`); the `token` of a
  service-account token secret is printed in clear. kubectl prints no Events for a secret.
- ServiceAccount: `Image pull secrets`, plus (kubectl < 1.35) `Mountable secrets` and
  `Tokens`.
Fed by the CLI's describe command.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from kubenb.cli.kubectl.describe.common import annotations_multiline, labels_multiline
from kubenb.cli.kubectl.describe.events import write_events
from kubenb.cli.kubectl.describe.writer import (
    DEFAULT_KUBECTL_MINOR,
    DescribeWriter,
    meta,
    quantity_text,
    resource_names,
    rfc1123z,
)

SCOPE_HELP = {
    "Terminating": "Matches all pods that have an active deadline. These pods have a limited lifespan "
                   "on a node before being actively terminated by the system.",
    "NotTerminating": "Matches all pods that do not have an active deadline. These pods usually include "
                      "long running pods whose container command is not expected to terminate.",
    "BestEffort": "Matches all pods that do not have resource requirements set. These pods have a best "
                  "effort quality of service.",
    "NotBestEffort": "Matches all pods that have at least one resource requirement set. These pods have "
                     "a burstable or guaranteed quality of service.",
}


def _write_quotas(w: DescribeWriter, quotas: Sequence[dict[str, Any]]) -> None:
    if not quotas:
        w.write(0, "No resource quota.\n")
        return
    w.write(0, "Resource Quotas\n")
    for quota in sorted(quotas, key=lambda q: meta(q).get("name", "")):
        w.write(1, f"Name:\t{meta(quota).get('name', '')}\n")
        write_quota_table(w, 1, quota, bullet="* ", rule="---", used_text=_used_as_stored)


def _used_as_stored(used: Any, hard: Any) -> str:
    return quantity_text(used) if used is not None else "0"


def write_quota_table(w: DescribeWriter, level: int, quota: dict[str, Any], *, bullet: str, rule: str,
                      used_text: Callable[[Any, Any], str]) -> None:
    """A quota's scopes (with their help lines) and its Resource/Used/Hard table."""
    scopes = sorted((quota.get("spec") or {}).get("scopes") or [])
    if scopes:
        w.write(level, f"Scopes:\t{', '.join(scopes)}\n")
        for scope in scopes:
            if scope in SCOPE_HELP:
                w.write(level, f"{bullet}{SCOPE_HELP[scope]}\n")
    w.write(level, "Resource\tUsed\tHard\n")
    w.write(level, f"--------\t{rule}\t{rule}\n")
    status = quota.get("status") or {}
    hard, used = status.get("hard") or {}, status.get("used") or {}
    for name in resource_names(hard):
        w.write(level, f"{name}\t{used_text(used.get(name), hard[name])}\t{quantity_text(hard[name])}\n")


def _write_limit_ranges(w: DescribeWriter, limit_ranges: Sequence[dict[str, Any]]) -> None:
    if not limit_ranges:
        w.write(0, "No LimitRange resource.\n")
        return
    w.write(0, "Resource Limits\n Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\t"
               "Max Limit/Request Ratio\n")
    w.write(0, " ----\t--------\t---\t---\t---------------\t-------------\t-----------------------\n")
    for lr in limit_ranges:
        write_limit_range_rows(w, lr, " ")


def write_limit_range_rows(w: DescribeWriter, lr: dict[str, Any], prefix: str) -> None:
    """describeLimitRangeSpec: one row per item and resource, `-` where a column is unset."""
    for item in (lr.get("spec") or {}).get("limits") or []:
        columns = [item.get(k) or {} for k in ("min", "max", "defaultRequest", "default",
                                               "maxLimitRequestRatio")]
        names = sorted({n for col in columns for n in col})  # Go walks a map: any order
        for name in names:
            cells = [quantity_text(col[name]) if name in col else "-" for col in columns]
            w.write(0, f"{prefix}{item.get('type', '')}\t{name}\t" + "\t".join(cells) + "\n")


def describe_namespace(
    ns: dict[str, Any],
    resource_quotas: Sequence[dict[str, Any]] | None = (),
    limit_ranges: Sequence[dict[str, Any]] | None = (),
    now: datetime | None = None, *, kubectl_minor: int = DEFAULT_KUBECTL_MINOR,
) -> str:
    """`kubectl describe namespace` text. None for quotas or limit ranges leaves that section out."""
    m, status = meta(ns), ns.get("status") or {}
    w = DescribeWriter()
    w.write(0, f"Name:\t{m.get('name', '')}\n")
    labels_multiline(w, "Labels", m.get("labels"))
    annotations_multiline(w, "Annotations", m.get("annotations"))
    w.write(0, f"Status:\t{status.get('phase', '')}\n")
    conditions = status.get("conditions") or []
    if conditions:
        w.write(0, "Conditions:\n")
        w.write(1, "Type\tStatus\tLastTransitionTime\tReason\tMessage\n")
        w.write(1, "----\t------\t------------------\t------\t-------\n")
        for c in conditions:
            w.write(1, f"{c.get('type', '')}\t{c.get('status', '')}\t{rfc1123z(c.get('lastTransitionTime'))}\t"
                       f"{c.get('reason', '')}\t{c.get('message', '')}\n")
    if resource_quotas is not None:
        w.write(0, "\n")
        _write_quotas(w, resource_quotas)
    if limit_ranges is not None:
        w.write(0, "\n")
        _write_limit_ranges(w, limit_ranges)
    return w.render()


def _decoded(value: Any) -> bytes:
    try:
        return base64.b64decode(value or "", validate=False)
    except (binascii.Error, ValueError):
        return str(value).encode()


def describe_configmap(
    cm: dict[str, Any], events: list[dict[str, Any]] | None, now: datetime, *,
    kubectl_minor: int = DEFAULT_KUBECTL_MINOR,
) -> str:
    """`kubectl describe configmap` text."""
    m = meta(cm)
    w = DescribeWriter()
    w.write(0, f"Name:\t{m.get('name', '')}\n")
    w.write(0, f"Namespace:\t{m.get('namespace', '')}\n")
    labels_multiline(w, "Labels", m.get("labels"))
    annotations_multiline(w, "Annotations", m.get("annotations"))
    w.write(0, "\nData\n====\n")
    data = cm.get("data") or {}
    for key in sorted(data):
        w.write(0, f"{key}:\n----\n")
        w.write(0, f"{data[key]}\n")
        w.write(0, "\n")
    w.write(0, "\nBinaryData\n====\n")
    binary = cm.get("binaryData") or {}
    for key in sorted(binary):
        w.write(0, f"{key}: {len(_decoded(binary[key]))} bytes\n")
    w.write(0, "\n")
    if events is not None:
        write_events(w, events, now, field_path_prefix=kubectl_minor >= 35)
    return w.render()


def describe_secret(
    secret: dict[str, Any], events: list[dict[str, Any]] | None = None, now: datetime | None = None, *,
    kubectl_minor: int = DEFAULT_KUBECTL_MINOR,
) -> str:
    """`kubectl describe secret` text (kubectl shows no events for secrets; `events` is ignored)."""
    m = meta(secret)
    secret_type = secret.get("type", "")
    w = DescribeWriter()
    w.write(0, f"Name:\t{m.get('name', '')}\n")
    w.write(0, f"Namespace:\t{m.get('namespace', '')}\n")
    labels_multiline(w, "Labels", m.get("labels"))
    annotations_multiline(w, "Annotations", m.get("annotations"))
    w.write(0, f"\nType:\t{secret_type}\n")
    w.write(0, "\nData\n====\n")
    data = secret.get("data") or {}
    for key in sorted(data):
        raw = _decoded(data[key])
        if key == "token" and secret_type == "kubernetes.io/service-account-token":
            w.write(0, f"{key}:\t{raw.decode(errors='replace')}\n")
        else:
            w.write(0, f"{key}:\t{len(raw)} bytes\n")
    return w.render()


def describe_serviceaccount(
    sa: dict[str, Any], events: list[dict[str, Any]] | None, now: datetime, *,
    secrets: list[dict[str, Any]] | None = None, kubectl_minor: int = DEFAULT_KUBECTL_MINOR,
) -> str:
    """`kubectl describe serviceaccount` text.

    `secrets` (the namespace's Secrets) only matters for kubectl < 1.35, which lists token
    secrets and marks referenced secrets that do not exist `(not found)`.
    """
    m = meta(sa)
    w = DescribeWriter()
    w.write(0, f"Name:\t{m.get('name', '')}\n")
    w.write(0, f"Namespace:\t{m.get('namespace', '')}\n")
    labels_multiline(w, "Labels", m.get("labels"))
    annotations_multiline(w, "Annotations", m.get("annotations"))
    pull = [s.get("name", "") for s in sa.get("imagePullSecrets") or []]
    groups: dict[str, list[str]] = {"Image pull secrets:": pull}
    missing: set[str] = set()
    if kubectl_minor < 35:
        tokens: list[str] = []
        if secrets is not None:
            existing = set()
            for s in secrets:
                annotations = meta(s).get("annotations") or {}
                if (s.get("type") == "kubernetes.io/service-account-token"
                        and annotations.get("kubernetes.io/service-account.name") == m.get("name")
                        and annotations.get("kubernetes.io/service-account.uid") == m.get("uid")):
                    tokens.append(meta(s).get("name", ""))
                existing.add(meta(s).get("name", ""))
            referenced = [s.get("name", "") for s in sa.get("secrets") or []] + pull
            missing = {name for name in referenced if name not in existing}
        groups["Mountable secrets: "] = [s.get("name", "") for s in sa.get("secrets") or []]
        groups["Tokens:            "] = tokens
    for header in sorted(groups):
        names = groups[header]
        if not names:
            w.write(0, f"{header}\t<none>\n")
            continue
        prefix = header
        for name in names:
            suffix = " (not found)" if name in missing else ""
            w.write(0, f"{prefix}\t{name}{suffix}\n")
            prefix = " " * 19
    if events is not None:
        write_events(w, events, now, field_path_prefix=kubectl_minor >= 35)
    return w.render()
