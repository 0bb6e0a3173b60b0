"""Validation of the core kinds other than pods: Service, Namespace, Node, Endpoints and
the metadata-only kinds (ConfigMap and Secret: validation_config).

Mirrors ValidateService(+Update), ValidateNamespace, ValidateNode and ValidateEndpoints in
pkg/apis/core/validation/validation.go (Kubernetes 1.36). Cluster IP and node port
allocation are the store's business; only their shape is checked here.
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Callable
from typing import Any

from kubenb.api import names
from kubenb.api.errors import ErrorList, FieldError
from kubenb.api.objects import Obj
from kubenb.api.quantity import canonical_quantity, parse_quantity
from kubenb.api.validation_container import PROTOCOLS, validate_port_num_or_name
from kubenb.api.validation_meta import (
    as_dict,
    as_list,
    name_is_dns1035_label,
    name_is_dns_label,
    name_is_dns_subdomain,
    validate_dns1123_label,
    validate_dns1123_subdomain,
    validate_kube_finalizer_name,
    validate_labels,
    validate_object_meta,
    validate_object_meta_update,
    validate_qualified_name,
)
from kubenb.api.validation_pod import TAINT_EFFECTS

SERVICE_TYPES = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"]
SESSION_AFFINITIES = ["ClientIP", "None"]
TRAFFIC_POLICIES = ["Cluster", "Local"]
IP_FAMILIES = ["IPv4", "IPv6"]
IP_FAMILY_POLICIES = ["PreferDualStack", "RequireDualStack", "SingleStack"]
MAX_CLIENT_IP_AFFINITY_SECONDS = 86400
INVALID_IP = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"


def _parse_ip(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def _validate_ip(errs: ErrorList, value: str, path: str, *, non_special: bool = False) -> None:
    ip = _parse_ip(value)
    if ip is None:
        errs.invalid(path, value, INVALID_IP)
        return
    if str(ip) != value:
        errs.invalid(path, value, f'must be in canonical form ("{ip}")')
    if not non_special:
        return
    if ip.is_unspecified:
        errs.invalid(path, value, f"may not be unspecified ({value})")
    if ip.is_loopback:
        errs.invalid(path, value, "may not be in the loopback range (127.0.0.0/8, ::1/128)")
    if ip.is_link_local:
        errs.invalid(path, value, "may not be in the link-local range (169.254.0.0/16, fe80::/10)")
    link_local_multicast = (ipaddress.ip_network("224.0.0.0/24") if ip.version == 4
                            else ipaddress.ip_network("ff02::/16"))
    if ip in link_local_multicast:
        errs.invalid(path, value, "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)")


# ---- Service -----------------------------------------------------------------------------

def _cluster_ips(spec: Obj) -> list[str]:
    ips = [ip for ip in as_list(spec.get("clusterIPs")) if isinstance(ip, str)]
    return ips or ([spec["clusterIP"]] if spec.get("clusterIP") else [])


def _is_headless(spec: Obj) -> bool:
    return _cluster_ips(spec) == ["None"]


def _validate_service_port(errs: ErrorList, port: Obj, require_name: bool, seen: set[str], path: str) -> None:
    pname = port.get("name") or ""
    if require_name and not pname:
        errs.required(f"{path}.name")
    elif pname:
        validate_dns1123_label(errs, pname, f"{path}.name")
        if pname in seen:
            errs.duplicate(f"{path}.name", pname)
        seen.add(pname)
    for msg in names.port_num_errors(port.get("port") or 0):
        errs.invalid(f"{path}.port", port.get("port") or 0, msg)
    protocol = port.get("protocol") or ""
    if not protocol:
        errs.required(f"{path}.protocol")
    elif protocol not in PROTOCOLS:
        errs.not_supported(f"{path}.protocol", protocol, PROTOCOLS)
    validate_port_num_or_name(errs, port.get("targetPort", 0), f"{path}.targetPort")
    if port.get("appProtocol") is not None:
        validate_qualified_name(errs, port["appProtocol"], f"{path}.appProtocol")


def _validate_cluster_ips(errs: ErrorList, spec: Obj) -> None:
    if spec.get("type") == "ExternalName":
        return
    cluster_ip, cluster_ips = spec.get("clusterIP") or "", as_list(spec.get("clusterIPs"))
    if cluster_ip:
        if not cluster_ips:
            errs.required("spec.clusterIPs")
        elif cluster_ips[0] != cluster_ip:
            errs.invalid("spec.clusterIPs", cluster_ips, "first value must match `clusterIP`")
    elif cluster_ips:
        errs.invalid("spec.clusterIPs", cluster_ips, "must be empty when `clusterIP` is not specified")
    seen: set[str] = set()
    for i, family in enumerate(as_list(spec.get("ipFamilies"))):
        if family not in IP_FAMILIES:
            errs.not_supported(f"spec.ipFamilies[{i}]", family, IP_FAMILIES)
        if family in seen:
            errs.duplicate(f"spec.ipFamilies[{i}]", family)
        seen.add(family)
    policy = spec.get("ipFamilyPolicy")
    if policy is not None and policy not in IP_FAMILY_POLICIES:
        errs.not_supported("spec.ipFamilyPolicy", policy, IP_FAMILY_POLICIES)
    for i, ip in enumerate(cluster_ips):
        if i == 0 and ip == "None":
            if len(cluster_ips) > 1:
                errs.invalid("spec.clusterIPs", cluster_ips, "'None' must be the first and only value")
            continue
        _validate_ip(errs, ip, f"spec.clusterIPs[{i}]")
    if len(cluster_ips) > 2:
        errs.invalid("spec.clusterIPs", cluster_ips, "may only hold up to 2 values")


def _validate_affinity(errs: ErrorList, spec: Obj) -> None:
    affinity = spec.get("sessionAffinity") or ""
    if not affinity:
        errs.required("spec.sessionAffinity")
    elif affinity not in SESSION_AFFINITIES:
        errs.not_supported("spec.sessionAffinity", affinity, SESSION_AFFINITIES)
    config, path = spec.get("sessionAffinityConfig"), "spec.sessionAffinityConfig"
    if affinity == "ClientIP":
        client_ip = as_dict(config).get("clientIP")
        timeout = as_dict(client_ip).get("timeoutSeconds")
        if config is None:
            errs.required(path, "when session affinity type is ClientIP")
        elif client_ip is None:
            errs.required(f"{path}.clientIP", "when session affinity type is ClientIP")
        elif timeout is None:
            errs.required(f"{path}.clientIP.timeoutSeconds", "when session affinity type is ClientIP")
        elif not 0 < timeout <= MAX_CLIENT_IP_AFFINITY_SECONDS:
            errs.invalid(f"{path}.clientIP.timeoutSeconds", timeout,
                         f"must be greater than 0 and less than {MAX_CLIENT_IP_AFFINITY_SECONDS}")
    elif affinity == "None" and config is not None:
        errs.forbidden(path, "must not be set when session affinity is None")


def _validate_service_spec(errs: ErrorList, spec: Obj) -> None:
    stype, headless, ports = spec.get("type") or "", _is_headless(spec), as_list(spec.get("ports"))
    if not ports and not headless and stype != "ExternalName":
        errs.required("spec.ports")
    if stype in ("LoadBalancer", "NodePort") and headless:
        errs.invalid("spec.clusterIPs[0]", "None", f"may not be set to 'None' for {stype} services")
    elif stype == "ExternalName":
        for key in ("clusterIPs", "ipFamilies"):
            if as_list(spec.get(key)):
                errs.forbidden(f"spec.{key}", "may not be set for ExternalName services")
        if spec.get("ipFamilyPolicy") is not None:
            errs.forbidden("spec.ipFamilyPolicy", "may not be set for ExternalName services")
        cname = (spec.get("externalName") or "").removesuffix(".")
        if cname:
            validate_dns1123_subdomain(errs, cname, "spec.externalName")
        else:
            errs.required("spec.externalName")
    seen: set[str] = set()
    for i, port in enumerate(ports):
        _validate_service_port(errs, as_dict(port), len(ports) > 1, seen, f"spec.ports[{i}]")
    if spec.get("selector") is not None:
        validate_labels(errs, spec["selector"], "spec.selector")
    _validate_affinity(errs, spec)
    _validate_cluster_ips(errs, spec)
    for i, ip in enumerate(as_list(spec.get("externalIPs"))):
        _validate_ip(errs, ip, f"spec.externalIPs[{i}]", non_special=True)
    if not stype:
        errs.required("spec.type")
    elif stype not in SERVICE_TYPES:
        errs.not_supported("spec.type", stype, SERVICE_TYPES)
    ports = [as_dict(p) for p in ports]
    if stype == "ClusterIP":
        for i, port in enumerate(ports):
            if port.get("nodePort"):
                errs.forbidden(f"spec.ports[{i}].nodePort", "may not be used when `type` is 'ClusterIP'")
    node_ports: set[tuple[Any, Any]] = set()
    for i, port in enumerate(ports):
        if port.get("nodePort"):
            key = (port.get("protocol"), port["nodePort"])
            if key in node_ports:
                errs.duplicate(f"spec.ports[{i}].nodePort", port["nodePort"])
            node_ports.add(key)
    pairs: set[tuple[Any, Any]] = set()
    for i, port in enumerate(ports):
        key = (port.get("protocol"), port.get("port"))
        if key in pairs:
            # Go prints the internal ServicePort struct (field order lost: errors.py sorts keys).
            errs.duplicate(f"spec.ports[{i}]", {"Name": "", "Protocol": key[0], "AppProtocol": None,
                                                "Port": key[1], "TargetPort": 0, "NodePort": 0})
        pairs.add(key)
    if spec.get("allocateLoadBalancerNodePorts") is not None and stype != "LoadBalancer":
        errs.forbidden("spec.allocateLoadBalancerNodePorts", "may only be used when `type` is 'LoadBalancer'")
    if stype == "LoadBalancer" and spec.get("allocateLoadBalancerNodePorts") is None:
        errs.required("allocateLoadBalancerNodePorts")
    externally = stype in ("LoadBalancer", "NodePort") or (stype == "ClusterIP" and bool(spec.get("externalIPs")))
    etp = spec.get("externalTrafficPolicy") or ""
    if not externally and etp:
        errs.invalid("spec.externalTrafficPolicy", etp, "may only be set for externally-accessible services")
    elif externally and not etp:
        errs.required("spec.externalTrafficPolicy")
    elif externally and etp not in TRAFFIC_POLICIES:
        errs.not_supported("spec.externalTrafficPolicy", etp, TRAFFIC_POLICIES)
    itp = spec.get("internalTrafficPolicy")
    if itp is None and stype in ("ClusterIP", "NodePort", "LoadBalancer"):
        errs.required("spec.internalTrafficPolicy")
    elif itp is not None and itp not in TRAFFIC_POLICIES:
        errs.not_supported("spec.internalTrafficPolicy", itp, TRAFFIC_POLICIES)


def validate_service(errs: ErrorList, obj: Obj, old: Obj | None) -> None:
    spec = as_dict(obj.get("spec"))
    if old is not None:
        validate_object_meta_update(errs, obj.get("metadata"), old.get("metadata"))
        ospec = as_dict(old.get("spec"))
        if "ExternalName" not in (spec.get("type"), ospec.get("type")) and not (
                _is_headless(spec) and _is_headless(ospec)):
            new_ips, old_ips = _cluster_ips(spec), _cluster_ips(ospec)
            if new_ips and old_ips and new_ips[0] != old_ips[0]:
                errs.invalid("spec.clusterIPs[0]", new_ips, "may not change once set")
    validate_object_meta(errs, obj.get("metadata"), True, name_is_dns1035_label)
    _validate_service_spec(errs, spec)


# ---- Namespace, Node, Endpoints, the rest ------------------------------------------------

def validate_namespace(errs: ErrorList, obj: Obj, old: Obj | None) -> None:
    if old is not None:
        validate_object_meta_update(errs, obj.get("metadata"), old.get("metadata"))
        return
    validate_object_meta(errs, obj.get("metadata"), False, name_is_dns_label)
    for finalizer in as_list(as_dict(obj.get("spec")).get("finalizers")):
        validate_qualified_name(errs, finalizer, "spec.finalizers")
        validate_kube_finalizer_name(errs, finalizer, "spec.finalizers")


def _validate_taints(errs: ErrorList, taints: Any, path: str) -> None:
    seen: dict[str, set[str]] = {}
    for i, taint in enumerate(as_list(taints)):
        taint, ipath = as_dict(taint), f"{path}[{i}]"
        key, effect = taint.get("key") or "", taint.get("effect") or ""
        validate_qualified_name(errs, key, f"{ipath}.key")
        msgs = names.label_value_errors(taint.get("value") or "")
        if msgs:
            errs.invalid(f"{ipath}.value", taint.get("value") or "", ";".join(msgs))
        if not effect:
            errs.required(f"{ipath}.effect")
        elif effect not in TAINT_EFFECTS:
            errs.not_supported(f"{ipath}.effect", effect, TAINT_EFFECTS)
        if key in seen.get(effect, set()):
            internal = {"Key": key, "Value": taint.get("value") or "", "Effect": effect,
                        "TimeAdded": taint.get("timeAdded")}
            errs.add(FieldError("Duplicate", ipath, internal, "taints must be unique by key and effect pair"))
            continue
        seen.setdefault(effect, set()).add(key)


def validate_node(errs: ErrorList, obj: Obj, old: Obj | None) -> None:
    spec = as_dict(obj.get("spec"))
    if old is None:
        validate_object_meta(errs, obj.get("metadata"), False, name_is_dns_subdomain)
        _validate_taints(errs, spec.get("taints"), "metadata.taints")
    else:
        validate_object_meta_update(errs, obj.get("metadata"), old.get("metadata"))
    status = as_dict(obj.get("status"))
    for field in ("capacity", "allocatable"):
        for name in sorted(as_dict(status.get(field))):
            value = status[field][name]
            if parse_quantity(value) < 0:
                errs.invalid(f"status.{field}.{name}", canonical_quantity(value),
                             "must be greater than or equal to 0")
    if old is None:
        return
    ospec = as_dict(old.get("spec"))
    old_cidrs = as_list(ospec.get("podCIDRs"))
    if old_cidrs and old_cidrs != as_list(spec.get("podCIDRs")):
        errs.forbidden("spec.podCIDRs", 'node updates may not change podCIDR except from "" to valid')
    if ospec.get("providerID") and ospec["providerID"] != spec.get("providerID"):
        errs.forbidden("spec.providerID", 'node updates may not change providerID except from "" to valid')
    _validate_taints(errs, spec.get("taints"), "metadata.taints")


def validate_endpoints(errs: ErrorList, obj: Obj, old: Obj | None) -> None:
    if old is not None:
        validate_object_meta_update(errs, obj.get("metadata"), old.get("metadata"))
    validate_object_meta(errs, obj.get("metadata"), True, name_is_dns_subdomain)
    for i, subset in enumerate(as_list(obj.get("subsets"))):
        subset, spath = as_dict(subset), f"subsets[{i}]"
        if not as_list(subset.get("addresses")) and not as_list(subset.get("notReadyAddresses")):
            errs.required(spath, "must specify `addresses` or `notReadyAddresses`")
        for key in ("addresses", "notReadyAddresses"):
            for j, addr in enumerate(as_list(subset.get(key))):
                _validate_ip(errs, as_dict(addr).get("ip") or "", f"{spath}.{key}[{j}].ip")
        ports = as_list(subset.get("ports"))
        for j, port in enumerate(as_dict(p) for p in ports):
            ppath = f"{spath}.ports[{j}]"
            if len(ports) > 1 and not port.get("name"):
                errs.required(f"{ppath}.name")
            elif port.get("name"):
                validate_dns1123_label(errs, port["name"], f"{ppath}.name")
            for msg in names.port_num_errors(port.get("port") or 0):
                errs.invalid(f"{ppath}.port", port.get("port") or 0, msg)
            if not port.get("protocol"):
                errs.required(f"{ppath}.protocol")
            elif port["protocol"] not in PROTOCOLS:
                errs.not_supported(f"{ppath}.protocol", port["protocol"], PROTOCOLS)


@functools.cache  # two validators in all, made once (every Event write asks)
def validate_meta_only(namespaced: bool) -> Callable[[ErrorList, Obj, Obj | None], None]:
    """For kinds with nothing but metadata to check (ServiceAccount, Event, unknown kinds)."""
    def validate(errs: ErrorList, obj: Obj, old: Obj | None) -> None:
        if old is None:
            validate_object_meta(errs, obj.get("metadata"), namespaced, name_is_dns_subdomain)
        else:
            validate_object_meta_update(errs, obj.get("metadata"), old.get("metadata"))
    return validate
