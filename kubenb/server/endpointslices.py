"""EndpointSlices (discovery.k8s.io/v1) served as a read-only view of the Endpoints objects.

kubectl ≥ 1.28 `describe service` reads a Service's endpoints from EndpointSlices labelled
`kubernetes.io/service-name=<svc>`; kubenb's endpoints controller keeps Endpoints only.
`slices(store, namespace, label_selector)` derives one slice per Endpoints subset, as the
EndpointSlice mirroring of a real cluster would show them: ready addresses, then not-ready
ones (`conditions.ready: false`), the subset's ports, and the pod as `targetRef`. Slices are
recomputed on every request, so they are never stale; they cannot be written or watched.
"""

from __future__ import annotations

import hashlib
from typing import Any

from kubenb.api.selectors import parse_label_selector

GROUP, VERSION, KIND, PLURAL = "discovery.k8s.io", "v1", "EndpointSlice", "endpointslices"
SERVICE_NAME = "kubernetes.io/service-name"


def _suffix(uid: str, index: int) -> str:
    alphabet = "bcdfghjklmnpqrstvwxz2456789"
    digest = hashlib.sha256(f"{uid}/{index}".encode()).digest()
    return "".join(alphabet[b % len(alphabet)] for b in digest[:5])


def _endpoint(addr: dict[str, Any], ready: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"addresses": [addr.get("ip", "")],
                           "conditions": {"ready": ready, "serving": ready,
                                          "terminating": False}}
    if addr.get("nodeName"):
        out["nodeName"] = addr["nodeName"]
    if addr.get("targetRef"):
        out["targetRef"] = addr["targetRef"]
    return out


def from_endpoints(ep: dict[str, Any]) -> list[dict[str, Any]]:
    meta = ep["metadata"]
    out = []
    for i, subset in enumerate(ep.get("subsets") or [{}]):
        labels = {**(meta.get("labels") or {}), SERVICE_NAME: meta["name"],
                  "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io"}
        endpoints = ([_endpoint(a, True) for a in subset.get("addresses") or []]
                     + [_endpoint(a, False) for a in subset.get("notReadyAddresses") or []])
        out.append({
            "kind": KIND, "apiVersion": f"{GROUP}/{VERSION}",
            "metadata": {"name": f"{meta['name']}-{_suffix(meta.get('uid', ''), i)}",
                         "generateName": f"{meta['name']}-", "namespace": meta.get("namespace"),
                         "uid": meta.get("uid"), "resourceVersion": meta.get("resourceVersion"),
                         "creationTimestamp": meta.get("creationTimestamp"), "labels": labels},
            "addressType": "IPv4",
            "endpoints": endpoints or None,
            "ports": [{"name": p.get("name", ""), "port": p.get("port"),
                       "protocol": p.get("protocol", "TCP")} for p in subset.get("ports") or []],
        })
    return out


def slices(store: Any, namespace: str | None, label_selector: str | None) -> list[dict[str, Any]]:
    selector = parse_label_selector(label_selector)
    found = []
    for ep in store.list("Endpoints", namespace):
        for s in from_endpoints(ep):
            if selector.matches(s["metadata"]["labels"]):
                found.append(s)
    return found
