"""The endpoints controller: every Service with a selector gets an Endpoints of its name.

Watches Services (own key), Pods (the Services whose selector matches the pod now, or whose
Endpoints listed it last time) and Endpoints (a deleted one is rebuilt). `reconcile(key)`
lists the pods the Service selects and writes `subsets`: ready pods under `addresses`,
not-ready ones under `notReadyAddresses`, ports resolved from `targetPort` (a number, or a
named container port), pods without an IP, terminal pods and terminating pods left out
(unless `publishNotReadyAddresses`). Nothing is written when nothing changed. Services
without a selector are left alone (their Endpoints are written by hand); a deleted Service
takes its Endpoints with it. kube-proxy and `kubectl describe svc` read the result.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Hashable
from typing import Any

from kubenb.api.errors import AlreadyExists, Forbidden, NotFound
from kubenb.api.objects import Key, WatchEvent, clone
from kubenb.api.pods import is_pod_ready, is_pod_terminal
from kubenb.api.selectors import Selector, from_map
from kubenb.clock import rfc3339
from kubenb.config import Context
from kubenb.controllers.base import Controller, Watch, own_key

log = logging.getLogger("kubenb.controllers.endpoints")

HEADLESS_LABEL = "service.kubernetes.io/headless"
TRIGGER_TIME = "endpoints.kubernetes.io/last-change-trigger-time"


def find_port(pod: dict[str, Any], service_port: dict[str, Any]) -> int | None:
    """The pod port a Service port's targetPort names (podutil.FindPort), or None."""
    target = service_port.get("targetPort", service_port.get("port"))
    if isinstance(target, int):
        return target
    protocol = service_port.get("protocol") or "TCP"
    for c in (pod.get("spec") or {}).get("containers") or []:
        for p in c.get("ports") or []:
            if p.get("name") == target and (p.get("protocol") or "TCP") == protocol:
                return int(p["containerPort"])
    return None


def should_pod_be_in_endpoints(pod: dict[str, Any], include_terminating: bool) -> bool:
    if is_pod_terminal(pod):
        return False
    status = pod.get("status") or {}
    if not status.get("podIP") and not status.get("podIPs"):
        return False
    return include_terminating or not pod["metadata"].get("deletionTimestamp")


def _address(pod: dict[str, Any], service: dict[str, Any]) -> dict[str, Any]:
    meta, spec = pod["metadata"], pod.get("spec") or {}
    status = pod.get("status") or {}
    ips = [p.get("ip") for p in status.get("podIPs") or [] if p.get("ip")]
    addr: dict[str, Any] = {"ip": ips[0] if ips else status.get("podIP")}
    if spec.get("hostname") and spec.get("subdomain") == service["metadata"]["name"]:
        addr["hostname"] = spec["hostname"]
    if spec.get("nodeName"):
        addr["nodeName"] = spec["nodeName"]
    addr["targetRef"] = {"kind": "Pod", "namespace": meta["namespace"], "name": meta["name"],
                         "uid": meta.get("uid", "")}
    return addr


def compute_subsets(service: dict[str, Any], pods: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The Endpoints subsets for a Service, packed as endpoints.RepackSubsets packs them.

    Addresses offering the same set of ports share a subset; addresses are sorted by IP
    string (then uid), as upstream compares them. Ports keep the Service's order and
    subsets go by their first IP (upstream orders both by a hash).
    """
    spec = service.get("spec") or {}
    tolerate = bool(spec.get("publishNotReadyAddresses"))
    ports = [p for p in spec.get("ports") or [] if isinstance(p, dict)]
    headless = spec.get("clusterIP") == "None"
    # address identity -> (address, ready, [endpoint ports])
    entries: dict[tuple[str, str], tuple[dict[str, Any], bool, list[dict[str, Any]]]] = {}
    for pod in pods:
        if not should_pod_be_in_endpoints(pod, tolerate):
            continue
        addr = _address(pod, service)
        ready = tolerate or is_pod_ready(pod)
        ident = (addr["ip"], addr["targetRef"]["uid"])
        if not ports:
            if headless:
                entries.setdefault(ident, (addr, ready, []))
            continue
        for sp in ports:
            number = find_port(pod, sp)
            if number is None:
                continue
            ep: dict[str, Any] = {}
            if sp.get("name"):
                ep["name"] = sp["name"]
            ep["port"] = number
            ep["protocol"] = sp.get("protocol") or "TCP"
            if sp.get("appProtocol"):
                ep["appProtocol"] = sp["appProtocol"]
            entries.setdefault(ident, (addr, ready, []))[2].append(ep)
    groups: dict[str, tuple[list[dict[str, Any]], list[tuple[dict[str, Any], bool]]]] = {}
    for addr, ready, eps in entries.values():
        sig = repr(eps)
        groups.setdefault(sig, (eps, []))[1].append((addr, ready))
    subsets: list[dict[str, Any]] = []
    for eps, members in groups.values():
        members.sort(key=lambda m: (m[0]["ip"], m[0]["targetRef"]["uid"]))
        subset: dict[str, Any] = {}
        ready_addrs = [a for a, r in members if r]
        not_ready = [a for a, r in members if not r]
        if ready_addrs:
            subset["addresses"] = ready_addrs
        if not_ready:
            subset["notReadyAddresses"] = not_ready
        if eps:
            subset["ports"] = eps
        subsets.append(subset)
    subsets.sort(key=lambda s: (s.get("addresses") or s.get("notReadyAddresses"))[0]["ip"])
    return subsets


class EndpointsController(Controller):
    name = "endpoint-controller"

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        # Which pods each Service's Endpoints listed at its last sync, and the reverse.
        self._pod_services: dict[tuple[str, str], set[Key]] = defaultdict(set)
        self._service_pods: dict[Key, set[tuple[str, str]]] = {}
        # namespace -> (store.writes["Service"] when read, [(service key, selector)]):
        # every pod event asks which Services select it; the answer changes only with them
        self._selectors: dict[str, tuple[int, list[tuple[Key, Selector]]]] = {}

    def watches(self) -> list[Watch]:
        return [
            Watch("Service", own_key),
            Watch("Pod", self._services_of_pod, coalesce=self.ctx.timings.controller_coalesce),
            Watch("Endpoints", _deleted_endpoints),
        ]

    def _services_of_pod(self, event: WatchEvent) -> list[Hashable]:
        meta = event["object"]["metadata"]
        ns = meta.get("namespace") or "default"
        keys: set[Key] = set(self._pod_services.get((ns, meta["name"]), ()))
        labels = meta.get("labels") or {}
        for key, selector in self._service_selectors(ns):
            if selector.matches(labels):
                keys.add(key)
        return sorted(keys)

    def _service_selectors(self, ns: str) -> list[tuple[Key, Selector]]:
        """The namespace's Services that have a selector, parsed; re-read after any
        Service write (store.writes), so this answers exactly what a fresh list would."""
        version = self.store.writes["Service"]
        cached = self._selectors.get(ns)
        if cached is not None and cached[0] == version:
            return cached[1]
        found = []
        for svc in self.store.list("Service", ns):
            selector = (svc.get("spec") or {}).get("selector")
            if selector:
                found.append((Key("Service", ns, svc["metadata"]["name"]), from_map(selector)))
        self._selectors[ns] = (version, found)
        return found

    def reconcile(self, key: Key) -> float | None:
        ns, name = key.namespace, key.name
        service = self.store.try_get("Service", ns, name)
        if service is None:
            self._forget_service(key)
            try:
                self.store.delete("Endpoints", ns, name)
            except NotFound:
                pass
            return None
        selector = (service.get("spec") or {}).get("selector")
        if not selector:
            return None  # endpoints of selector-less Services come from users
        pods = self.store.list("Pod", ns, label_selector=from_map(selector))
        subsets = compute_subsets(service, pods)
        self._remember(key, subsets)
        current = self.store.try_get("Endpoints", ns, name)
        labels = dict(service["metadata"].get("labels") or {})
        if current is not None:
            have_labels = dict(current["metadata"].get("labels") or {})
            have_labels.pop(HEADLESS_LABEL, None)
            if (current.get("subsets") or []) == subsets and have_labels == labels:
                return None
        if (service.get("spec") or {}).get("clusterIP") in (None, "", "None"):
            labels[HEADLESS_LABEL] = ""
        stamp = rfc3339(self.clock.now())
        if current is None:
            ep: dict[str, Any] = {
                "apiVersion": "v1",
                "kind": "Endpoints",
                "metadata": {"name": name, "namespace": ns,
                             "annotations": {TRIGGER_TIME: stamp}},
            }
            if labels:
                ep["metadata"]["labels"] = labels
            if subsets:
                ep["subsets"] = subsets
            try:
                self.store.create(ep)
            except (AlreadyExists, Forbidden) as err:
                log.debug("endpoints %s/%s: %s", ns, name, err)
            return None
        new = clone(current)
        meta = new["metadata"]
        meta.setdefault("annotations", {})[TRIGGER_TIME] = stamp
        if labels:
            meta["labels"] = labels
        else:
            meta.pop("labels", None)
        if subsets:
            new["subsets"] = subsets
        else:
            new.pop("subsets", None)
        self.store.update(new)
        return None

    def _remember(self, key: Key, subsets: list[dict[str, Any]]) -> None:
        self._forget_service(key)
        pods = {
            (a["targetRef"]["namespace"], a["targetRef"]["name"])
            for s in subsets
            for a in (s.get("addresses") or []) + (s.get("notReadyAddresses") or [])
        }
        self._service_pods[key] = pods
        for pod in pods:
            self._pod_services[pod].add(key)

    def _forget_service(self, key: Key) -> None:
        for pod in self._service_pods.pop(key, ()):
            keys = self._pod_services.get(pod)
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self._pod_services[pod]


def _deleted_endpoints(event: WatchEvent) -> list[Hashable]:
    if event["type"] != "DELETED":
        return []
    meta = event["object"]["metadata"]
    return [Key("Service", meta.get("namespace") or "default", meta["name"])]
