"""Validation of Ingresses, IngressClasses and NetworkPolicies (v1.32), in the API server's words.

Mirrors pkg/apis/networking/validation/validation.go. An Ingress needs rules or a default
backend; a rule's host is a DNS-1123 subdomain (or a `*.` wildcard one), never an IP; each
HTTP path needs a `pathType` (Exact, Prefix, ImplementationSpecific), an absolute path for
Exact and Prefix without `//`, `/./`, `/../`, `%2f` or a trailing `/..` or `/.`, and a backend
with a service (a DNS-1035 name and a port name or number, not both) or a resource, not
both. TLS hosts and secret names are DNS subdomains. An IngressClass needs a domain-prefixed
`controller` (immutable) and a well-formed `parameters` reference. A NetworkPolicy's
selectors, ports (1-65535 or a port name; `endPort` ≥ `port`), peers (exactly one of the
selectors or an ipBlock) and `policyTypes` are checked. Not checked: the update-time
allowances for objects stored before a rule tightened. Called by `validation.validate`.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from kubenb.api import names
from kubenb.api.errors import ErrorList, FieldError, GoText
from kubenb.api.networking import INGRESS_CLASS_ANNOTATION
from kubenb.api.objects import Obj
from kubenb.api.validation_container import validate_port_num_or_name
from kubenb.api.validation_meta import (
    as_dict,
    as_list,
    name_is_dns_subdomain,
    validate_dns1123_subdomain,
    validate_immutable,
    validate_label_selector,
    validate_object_meta,
    validate_object_meta_update,
)

PATH_TYPES = ["Exact", "ImplementationSpecific", "Prefix"]
INVALID_PATH_SEQUENCES = ("//", "/./", "/../", "%2f", "%2F")
INVALID_PATH_SUFFIXES = ("/..", "/.")
PROTOCOLS = ["TCP", "UDP", "SCTP"]
POLICY_TYPES = ["Ingress", "Egress"]
SCOPES = ["Cluster", "Namespace"]
_WILDCARD_FMT = "\\*\\." + "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*"
_WILDCARD_MSG = ("a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS "
                 "subdomain, which must consist of lower case alphanumeric characters, '-' or '.' "
                 "and end with an alphanumeric character")
_HTTP_PATH_FMT = "[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+"


def wildcard_subdomain_errors(value: str) -> list[str]:
    """IsWildcardDNS1123Subdomain."""
    errs = []
    if len(value.encode()) > 253:
        errs.append(names.max_len_error(253))
    if not re.fullmatch(_WILDCARD_FMT, value):
        errs.append(names.regex_error(_WILDCARD_MSG, _WILDCARD_FMT, "*.example.com"))
    return errs


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def _host_errors(errs: ErrorList, host: str, path: str) -> bool:
    """A rule or TLS host: a (wildcard) DNS subdomain. True when it is a wildcard."""
    if "*" in host:
        for msg in wildcard_subdomain_errors(host):
            errs.invalid(path, host, msg)
        return True
    validate_dns1123_subdomain(errs, host, path)
    return False


def _path_segment_errors(errs: ErrorList, value: str, path: str) -> None:
    """path.IsValidPathSegmentName."""
    if value in (".", ".."):
        errs.invalid(path, value, f"may not be '{value}'")
        return
    for bad in ("/", "%"):
        if bad in value:
            errs.invalid(path, value, f"may not contain '{bad}'")


def _validate_backend(errs: ErrorList, backend: Any, path: str) -> None:
    backend = as_dict(backend)
    resource, service = backend.get("resource"), backend.get("service")
    if resource is not None and service is not None:
        errs.invalid(path, "", "cannot set both resource and service backends")
        return
    if resource is not None:
        resource = as_dict(resource)
        group = resource.get("apiGroup")
        if group is not None:
            validate_dns1123_subdomain(errs, group, f"{path}.resource.apiGroup")
        for key in ("kind", "name"):
            if not resource.get(key):
                errs.required(f"{path}.resource.{key}")
            else:
                _path_segment_errors(errs, str(resource[key]), f"{path}.resource.{key}")
        return
    if service is None:
        errs.invalid(path, "", "resource or service backend is required")
        return
    service = as_dict(service)
    name = service.get("name") or ""
    if not name:
        errs.required(f"{path}.service.name")
    else:
        for msg in names.dns1035_label_errors(name):
            errs.invalid(f"{path}.service.name", name, msg)
    port = as_dict(service.get("port"))
    port_name, number = port.get("name") or "", port.get("number") or 0
    if port_name and number:
        errs.invalid(path, "", "cannot set both port name & port number")
    elif port_name:
        for msg in names.port_name_errors(port_name):
            errs.invalid(f"{path}.service.port.name", port_name, msg)
    elif number:
        for msg in names.port_num_errors(number):
            errs.invalid(f"{path}.service.port.number", number, msg)
    else:
        errs.required(path, "port name or number is required")


def _validate_http_path(errs: ErrorList, item: Any, path: str) -> None:
    item = as_dict(item)
    path_type, value = item.get("pathType"), item.get("path") or ""
    if path_type is None:
        errs.required(f"{path}.pathType", "pathType must be specified")
        return
    if path_type in ("Exact", "Prefix"):
        if not value.startswith("/"):
            errs.invalid(f"{path}.path", value, "must be an absolute path")
        for seq in INVALID_PATH_SEQUENCES if value else ():
            if seq in value:
                errs.invalid(f"{path}.path", value, f"must not contain '{seq}'")
        for suffix in INVALID_PATH_SUFFIXES if value else ():
            if value.endswith(suffix):
                errs.invalid(f"{path}.path", value, f"cannot end with '{suffix}'")
    elif path_type == "ImplementationSpecific":
        if value and not value.startswith("/"):
            errs.invalid(f"{path}.path", value, "must be an absolute path")
    else:
        errs.not_supported(f"{path}.pathType", path_type, PATH_TYPES)
    _validate_backend(errs, item.get("backend"), f"{path}.backend")


def _validate_ingress_spec(errs: ErrorList, spec: Obj) -> None:
    rules = spec.get("rules")
    if not rules and spec.get("defaultBackend") is None:
        shown = "[]networking.IngressRule{}" if isinstance(rules, list) else "[]networking.IngressRule(nil)"
        errs.invalid("spec", GoText(shown), "either `defaultBackend` or `rules` must be specified")
    if spec.get("defaultBackend") is not None:
        _validate_backend(errs, spec["defaultBackend"], "spec.defaultBackend")
    for i, rule in enumerate(as_list(rules)):
        rule = as_dict(rule)
        host = rule.get("host") or ""
        if host:
            if _is_ip(host):
                errs.invalid(f"spec.rules[{i}].host", host, "must be a DNS name, not an IP address")
            _host_errors(errs, host, f"spec.rules[{i}].host")
        http = rule.get("http")
        if http is None:
            continue
        paths = as_list(as_dict(http).get("paths"))
        if not paths:
            errs.required(f"spec.rules[{i}].http.paths")
        for j, item in enumerate(paths):
            _validate_http_path(errs, item, f"spec.rules[{i}].http.paths[{j}]")
    for i, tls in enumerate(as_list(spec.get("tls"))):
        tls = as_dict(tls)
        for j, host in enumerate(as_list(tls.get("hosts"))):
            _host_errors(errs, str(host), f"spec.tls[{i}].hosts[{j}]")
        secret = tls.get("secretName") or ""
        if secret:
            for msg in name_is_dns_subdomain(secret, False):
                errs.invalid(f"spec.tls[{i}].secretName", secret, msg)
    klass = spec.get("ingressClassName")
    if klass is not None:
        for msg in name_is_dns_subdomain(klass, False):
            errs.invalid("spec.ingressClassName", klass, msg)


def validate_ingress(errs: ErrorList, obj: Obj, old: Obj | None) -> None:
    meta = as_dict(obj.get("metadata"))
    if old is None:
        validate_object_meta(errs, meta, True, name_is_dns_subdomain)
    else:
        validate_object_meta_update(errs, meta, old.get("metadata"))
    spec = as_dict(obj.get("spec"))
    _validate_ingress_spec(errs, spec)
    annotation = as_dict(meta.get("annotations")).get(INGRESS_CLASS_ANNOTATION)
    klass = spec.get("ingressClassName")
    if old is None and annotation is not None and klass is not None and annotation != klass:
        errs.invalid(f"annotations.{INGRESS_CLASS_ANNOTATION}", annotation,
                     "must match `ingressClassName` when both are specified")


def _validate_domain_prefixed_path(errs: ErrorList, value: str, path: str) -> None:
    """validation.IsDomainPrefixedPath."""
    host, sep, rest = value.partition("/")
    if not sep or not host or not rest:
        errs.invalid(path, value, 'must be a domain-prefixed path (such as "acme.io/foo")')
        return
    validate_dns1123_subdomain(errs, host, path)
    if not re.fullmatch(_HTTP_PATH_FMT, rest):
        errs.invalid(path, rest, names.regex_error("Invalid path", _HTTP_PATH_FMT))


def _validate_parameters(errs: ErrorList, params: Any) -> None:
    if params is None:
        return
    params, path = as_dict(params), "spec.parameters"
    if params.get("apiGroup") is not None:
        validate_dns1123_subdomain(errs, params["apiGroup"], f"{path}.apiGroup")
    for key in ("kind", "name"):
        if not params.get(key):
            errs.required(f"{path}.{key}")
        else:
            _path_segment_errors(errs, str(params[key]), f"{path}.{key}")
    scope = params.get("scope")
    if scope is None:
        errs.required(f"{path}.scope")
        return
    if scope not in SCOPES:
        errs.not_supported(f"{path}.scope", scope, SCOPES)
    elif scope == "Namespace":
        if params.get("namespace") is None:
            errs.required(f"{path}.namespace", "`parameters.scope` is set to 'Namespace'")
        else:
            for msg in names.dns1123_label_errors(params["namespace"]):
                errs.invalid(f"{path}.namespace", params["namespace"], msg)
    elif params.get("namespace") is not None:
        errs.forbidden(f"{path}.namespace", "`parameters.scope` is set to 'Cluster'")


def validate_ingress_class(errs: ErrorList, obj: Obj, old: Obj | None) -> None:
    spec = as_dict(obj.get("spec"))
    if old is not None:
        validate_object_meta_update(errs, obj.get("metadata"), old.get("metadata"))
        validate_immutable(errs, spec.get("controller"), as_dict(old.get("spec")).get("controller"),
                           "spec.controller")
    validate_object_meta(errs, obj.get("metadata"), False, name_is_dns_subdomain)
    controller = spec.get("controller") or ""
    if not controller:
        errs.required("spec.controller")
    else:
        if len(controller) > 250:
            errs.add(FieldError("TooLong", "spec.controller", detail="may not be more than 250 bytes"))
        _validate_domain_prefixed_path(errs, controller, "spec.controller")
    _validate_parameters(errs, spec.get("parameters"))


# ---- NetworkPolicy -----------------------------------------------------------------------

def _validate_np_port(errs: ErrorList, port: Any, path: str) -> None:
    port = as_dict(port)
    protocol = port.get("protocol")
    if protocol is not None and protocol not in PROTOCOLS:
        errs.not_supported(f"{path}.protocol", protocol, PROTOCOLS)
    value, end = port.get("port"), port.get("endPort")
    if value is None:
        if end is not None:
            errs.invalid(f"{path}.endPort", end, "may not be specified when `port` is not specified")
        return
    if isinstance(value, int) and not isinstance(value, bool):
        validate_port_num_or_name(errs, value, f"{path}.port")
        if end is not None:
            if end < value:
                errs.invalid(f"{path}.endPort", end, "must be greater than or equal to `port`")
            for msg in names.port_num_errors(end):
                errs.invalid(f"{path}.endPort", end, msg)
        return
    if end is not None:
        errs.invalid(f"{path}.endPort", end, "may not be specified when `port` is non-numeric")
    validate_port_num_or_name(errs, value, f"{path}.port")


def _cidr(value: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(value, strict=False)
    except ValueError:
        return None


def _validate_peer(errs: ErrorList, peer: Any, path: str) -> None:
    peer = as_dict(peer)
    count = 0
    for key in ("podSelector", "namespaceSelector"):
        if peer.get(key) is not None:
            count += 1
            validate_label_selector(errs, peer[key], f"{path}.{key}")
    block = peer.get("ipBlock")
    if block is not None:
        count += 1
        block = as_dict(block)
        cidr = block.get("cidr") or ""
        network = _cidr(cidr) if cidr else None
        if not cidr:
            errs.required(f"{path}.ipBlock.cidr")
        elif network is None or "/" not in cidr:
            errs.invalid(f"{path}.ipBlock.cidr", cidr, "not a valid CIDR")
        else:
            for i, except_ in enumerate(as_list(block.get("except"))):
                inner = _cidr(str(except_)) if "/" in str(except_) else None
                epath = f"{path}.ipBlock.except[{i}]"
                if inner is None:
                    errs.invalid(epath, except_, "not a valid CIDR")
                elif (inner.version != network.version or not network.supernet_of(inner)  # type: ignore[arg-type]
                      or inner.prefixlen <= network.prefixlen):
                    errs.invalid(epath, except_, "must be a strict subset of `cidr`")
    if count == 0:
        errs.required(path, "must specify a peer")
    elif count > 1 and block is not None:
        errs.forbidden(path, "may not specify both ipBlock and another peer")


def validate_network_policy(errs: ErrorList, obj: Obj, old: Obj | None) -> None:
    if old is None:
        validate_object_meta(errs, obj.get("metadata"), True, name_is_dns_subdomain)
    else:
        validate_object_meta_update(errs, obj.get("metadata"), old.get("metadata"))
    spec = as_dict(obj.get("spec"))
    validate_label_selector(errs, spec.get("podSelector"), "spec.podSelector")
    for direction, peers in (("ingress", "from"), ("egress", "to")):
        for i, rule in enumerate(as_list(spec.get(direction))):
            rule = as_dict(rule)
            for j, port in enumerate(as_list(rule.get("ports"))):
                _validate_np_port(errs, port, f"spec.{direction}[{i}].ports[{j}]")
            for j, peer in enumerate(as_list(rule.get(peers))):
                _validate_peer(errs, peer, f"spec.{direction}[{i}].{peers}[{j}]")
    types = as_list(spec.get("policyTypes"))
    if len(types) > 2:
        errs.invalid("spec.policyTypes", GoText("&[]networking.PolicyType{" + ", ".join(
            f'"{t}"' for t in types) + "}"), "may not specify more than two policyTypes")
        return
    for i, kind in enumerate(types):
        if kind not in POLICY_TYPES:
            errs.not_supported(f"spec.policyTypes[{i}]", kind, POLICY_TYPES)
