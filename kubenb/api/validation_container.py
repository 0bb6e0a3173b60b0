"""Validation of what a pod spec lists: containers, ports, env, resources, probes, volumes.

Mirrors the container half of pkg/apis/core/validation/validation.go (Kubernetes 1.36):
validateContainerCommon, validateContainerPorts, ValidateEnv, ValidateEnvFrom,
ValidateVolumeMounts, ValidateVolumes, validateProbe and validateHandler, with the same
field paths and words (resources: validation_resources). validation_pod calls these for
pods and pod templates.
"""

from __future__ import annotations

import re
from typing import Any

from kubenb.api import names
from kubenb.api.errors import ErrorList, FieldError
from kubenb.api.objects import Obj
from kubenb.api.validation_meta import (
    as_dict,
    as_list,
    name_is_dns_subdomain,
    validate_annotations,
    validate_dns1123_label,
    validate_labels,
    validate_nonnegative,
    validate_qualified_name,
)
from kubenb.api.validation_resources import validate_resource_requirements

PROTOCOLS = ["SCTP", "TCP", "UDP"]
PULL_POLICIES = ["Always", "IfNotPresent", "Never"]
TERMINATION_MESSAGE_POLICIES = ["File", "FallbackToLogsOnError"]
HTTP_SCHEMES = ["HTTP", "HTTPS"]
VOLUME_SOURCES = (
    "emptyDir", "hostPath", "gitRepo", "gcePersistentDisk", "awsElasticBlockStore", "secret",
    "nfs", "iscsi", "glusterfs", "flocker", "persistentVolumeClaim", "rbd", "cinder", "cephfs",
    "quobyte", "downwardAPI", "fc", "flexVolume", "configMap", "azureFile", "vsphereVolume",
    "photonPersistentDisk", "portworxVolume", "azureDisk", "storageos", "projected", "scaleIO",
    "csi", "ephemeral", "image",
)
_REQUIRED_SOURCE_FIELD = {
    "secret": "secretName", "configMap": "name", "hostPath": "path",
    "persistentVolumeClaim": "claimName", "nfs": "server",
}
_ENV_FIELD_PATHS = sorted([
    "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName",
    "spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs",
])
_CONVERTIBLE_FIELD_PATHS = {
    "metadata.annotations", "metadata.labels", "metadata.name", "metadata.namespace",
    "metadata.uid", "spec.nodeName", "spec.restartPolicy", "spec.serviceAccountName",
    "spec.schedulerName", "status.phase", "status.hostIP", "status.hostIPs", "status.podIP",
    "status.podIPs",
}
_SUBSCRIPTED = re.compile(r"(metadata\.(?:labels|annotations))\['(.*)'\]")
_ENV_RESOURCE_FIELDS = sorted([
    "limits.cpu", "limits.memory", "limits.ephemeral-storage",
    "requests.cpu", "requests.memory", "requests.ephemeral-storage",
])


# ---- ports, env, mounts ------------------------------------------------------------------

def validate_port_num_or_name(errs: ErrorList, port: Any, path: str) -> None:
    if isinstance(port, bool) or not isinstance(port, (int, str)):
        errs.add(FieldError("Internal", path, detail=f"unknown type: {port!r}"))
    elif isinstance(port, int):
        for msg in names.port_num_errors(port):
            errs.invalid(path, port, msg)
    else:
        for msg in names.port_name_errors(port):
            errs.invalid(path, port, msg)


def _validate_ports(errs: ErrorList, ports: Any, path: str) -> None:
    seen: set[str] = set()
    for i, port in enumerate(as_list(ports)):
        port, ipath = as_dict(port), f"{path}[{i}]"
        pname = port.get("name") or ""
        if pname:
            msgs = names.port_name_errors(pname)
            for msg in msgs:
                errs.invalid(f"{ipath}.name", pname, msg)
            if not msgs and pname in seen:
                errs.duplicate(f"{ipath}.name", pname)
            elif not msgs:
                seen.add(pname)
        cport = port.get("containerPort") or 0
        if not cport:
            errs.required(f"{ipath}.containerPort")
        else:
            for msg in names.port_num_errors(cport):
                errs.invalid(f"{ipath}.containerPort", cport, msg)
        hport = port.get("hostPort") or 0
        if hport:
            for msg in names.port_num_errors(hport):
                errs.invalid(f"{ipath}.hostPort", hport, msg)
        protocol = port.get("protocol") or ""
        if not protocol:
            errs.required(f"{ipath}.protocol")
        elif protocol not in PROTOCOLS:
            errs.not_supported(f"{ipath}.protocol", protocol, PROTOCOLS)


def _validate_field_ref(errs: ErrorList, ref: Obj, path: str) -> None:
    if not ref.get("apiVersion"):
        errs.required(f"{path}.apiVersion")
        return
    field_path = ref.get("fieldPath") or ""
    if not field_path:
        errs.required(f"{path}.fieldPath")
        return
    if ref["apiVersion"] != "v1":
        errs.invalid(f"{path}.fieldPath", field_path,
                     f"error converting fieldPath: unsupported pod version: {ref['apiVersion']}")
        return
    sub = _SUBSCRIPTED.fullmatch(field_path)
    if sub is None and field_path not in _CONVERTIBLE_FIELD_PATHS:
        errs.invalid(f"{path}.fieldPath", field_path,
                     f"error converting fieldPath: field label not supported: {field_path}")
    elif sub is not None:
        key = sub.group(2)
        validate_qualified_name(errs, key.lower() if "annotations" in sub.group(1) else key, path)
    elif field_path not in _ENV_FIELD_PATHS:
        errs.not_supported(f"{path}.fieldPath", field_path, _ENV_FIELD_PATHS)


def _validate_key_selector(errs: ErrorList, ref: Obj, path: str) -> None:
    for msg in name_is_dns_subdomain(ref.get("name") or "", False):
        errs.invalid(f"{path}.name", ref.get("name") or "", msg)
    key = ref.get("key") or ""
    if not key:
        errs.required(f"{path}.key")
    for msg in names.config_map_key_errors(key) if key else []:
        errs.invalid(f"{path}.key", key, msg)


def _validate_env(errs: ErrorList, env: Any, path: str) -> None:
    for i, var in enumerate(as_list(env)):
        var, ipath = as_dict(var), f"{path}[{i}]"
        vname = var.get("name") or ""
        if not vname:
            errs.required(f"{ipath}.name")
        for msg in names.env_var_name_errors(vname) if vname else []:
            errs.invalid(f"{ipath}.name", vname, msg)
        value_from = var.get("valueFrom")
        if value_from is None:
            continue
        value_from, vpath, sources = as_dict(value_from), f"{ipath}.valueFrom", 0
        if isinstance(value_from.get("fieldRef"), dict):
            sources += 1
            _validate_field_ref(errs, value_from["fieldRef"], f"{vpath}.fieldRef")
        if isinstance(value_from.get("resourceFieldRef"), dict):
            sources += 1
            resource = value_from["resourceFieldRef"].get("resource") or ""
            if not resource:
                errs.required(f"{vpath}.resourceFieldRef.resource")
            elif resource not in _ENV_RESOURCE_FIELDS and not resource.startswith(
                    ("requests.hugepages-", "limits.hugepages-")):
                errs.not_supported(f"{vpath}.resourceFieldRef.resource", resource, _ENV_RESOURCE_FIELDS)
        for key in ("configMapKeyRef", "secretKeyRef"):
            if isinstance(value_from.get(key), dict):
                sources += 1
                _validate_key_selector(errs, value_from[key], f"{vpath}.{key}")
        if sources == 0:
            errs.invalid(vpath, "", "must specify one of: `fieldRef`, `resourceFieldRef`, "
                                    "`configMapKeyRef` or `secretKeyRef`")
        elif var.get("value"):
            errs.invalid(vpath, "", "may not be specified when `value` is not empty")
        elif sources > 1:
            errs.invalid(vpath, "", "may not have more than one field specified at a time")


def _validate_env_from(errs: ErrorList, env_from: Any, path: str) -> None:
    for i, src in enumerate(as_list(env_from)):
        src, ipath = as_dict(src), f"{path}[{i}]"
        prefix = src.get("prefix") or ""
        for msg in names.env_var_name_errors(prefix) if prefix else []:
            errs.invalid(f"{ipath}.prefix", prefix, msg)
        sources = 0
        for key in ("configMapRef", "secretRef"):
            if isinstance(src.get(key), dict):
                sources += 1
                ref_name = src[key].get("name") or ""
                if not ref_name:
                    errs.required(f"{ipath}.{key}.name")
                for msg in name_is_dns_subdomain(ref_name, True) if ref_name else []:
                    errs.invalid(f"{ipath}.{key}.name", ref_name, msg)
        if sources == 0:
            errs.invalid(path, "", "must specify one of: `configMapRef` or `secretRef`")
        elif sources > 1:
            errs.invalid(path, "", "may not have more than one field specified at a time")


def _validate_local_descending_path(errs: ErrorList, value: str, path: str) -> None:
    if value.startswith("/"):
        errs.invalid(path, value, "must be a relative path")
    if ".." in value.split("/"):
        errs.invalid(path, value, "must not contain '..'")


def _validate_mounts(errs: ErrorList, mounts: Any, volumes: set[str], path: str) -> None:
    seen: set[str] = set()
    for i, mnt in enumerate(as_list(mounts)):
        mnt, ipath = as_dict(mnt), f"{path}[{i}]"
        mname, mount_path = mnt.get("name") or "", mnt.get("mountPath") or ""
        if not mname:
            errs.required(f"{ipath}.name")
        if mname not in volumes:
            errs.add(FieldError("NotFound", f"{ipath}.name", mname))
        if not mount_path:
            errs.required(f"{ipath}.mountPath")
        if mount_path in seen:
            errs.invalid(f"{ipath}.mountPath", mount_path, "must be unique")
        seen.add(mount_path)
        if mnt.get("subPath"):
            _validate_local_descending_path(errs, mnt["subPath"], f"{path}.subPath")


_TEMPLATE_META_FIELDS = (  # ObjectMeta's fields in Go order: only labels, annotations allowed
    "name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation",
    "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "labels",
    "annotations", "ownerReferences", "finalizers", "managedFields")


def _validate_ephemeral(errs: ErrorList, source: Obj, path: str) -> None:
    """validateEphemeralVolumeSource: a claim template, its metadata only labels and
    annotations (ValidateTemplateObjectMeta), its spec a claim's."""
    from kubenb.api.validation_stateful import validate_claim_spec  # (it imports pod validation)

    template = source.get("volumeClaimTemplate")
    if template is None:
        errs.required(f"{path}.volumeClaimTemplate")
        return
    template, tpath = as_dict(template), f"{path}.volumeClaimTemplate"
    meta = as_dict(template.get("metadata"))
    validate_annotations(errs, meta.get("annotations"), f"{tpath}.metadata.annotations")
    validate_labels(errs, meta.get("labels"), f"{tpath}.metadata.labels")
    for key in _TEMPLATE_META_FIELDS:
        if key not in ("labels", "annotations") and meta.get(key) not in (None, "", 0, [], {}):
            errs.forbidden(f"{tpath}.metadata.{key}", "cannot be set")
    validate_claim_spec(errs, template.get("spec"), f"{tpath}.spec")


def validate_volumes(errs: ErrorList, volumes: Any, path: str, pod_name: str = "") -> set[str]:
    """ValidateVolumes; returns the names of the volumes that validated. A pod's name
    (`pod_name`) and an ephemeral volume's make its claim's name, which must be valid."""
    valid: set[str] = set()
    for i, vol in enumerate(as_list(volumes)):
        vol, ipath, own = as_dict(vol), f"{path}[{i}]", ErrorList()
        count = 0
        for source in VOLUME_SOURCES:
            if vol.get(source) is None:
                continue
            if count:
                own.forbidden(f"{ipath}.{source}", "may not specify more than 1 volume type")
                continue
            count += 1
            required = _REQUIRED_SOURCE_FIELD.get(source)
            if required and not as_dict(vol[source]).get(required):
                own.required(f"{ipath}.{source}.{required}")
            if source == "ephemeral":
                _validate_ephemeral(own, as_dict(vol[source]), f"{ipath}.ephemeral")
                claim = f"{pod_name}-{vol.get('name')}" if pod_name and vol.get("name") else ""
                for msg in name_is_dns_subdomain(claim, False) if claim else []:
                    own.invalid(f"{ipath}.name", vol["name"], f'PVC name "{claim}": {msg}')
        if count == 0:
            own.required(ipath, "must specify a volume type")
        vname = vol.get("name") or ""
        if not vname:
            own.required(f"{ipath}.name")
        else:
            validate_dns1123_label(own, vname, f"{ipath}.name")
        if vname in valid:
            own.duplicate(f"{ipath}.name", vname)
        if own:
            errs.errors.extend(own.errors)
        else:
            valid.add(vname)
    return valid


# ---- probes and handlers -----------------------------------------------------------------

def _validate_handler(errs: ErrorList, handler: Obj, path: str, grace: Any, kinds: tuple[str, ...]) -> None:
    count = 0
    for kind in kinds:
        action = handler.get(kind)
        if action is None:
            continue
        if count:
            errs.forbidden(f"{path}.{kind}", "may not specify more than 1 handler type")
            continue
        count += 1
        action, apath = as_dict(action), f"{path}.{kind}"
        if kind == "exec" and not action.get("command"):
            errs.required(f"{apath}.command")
        elif kind == "httpGet":
            if not action.get("path"):
                errs.required(f"{apath}.path")
            validate_port_num_or_name(errs, action.get("port", 0), f"{apath}.port")
            if action.get("scheme") not in HTTP_SCHEMES:
                errs.not_supported(f"{apath}.scheme", action.get("scheme") or "", HTTP_SCHEMES)
            for header in as_list(action.get("httpHeaders")):
                for msg in names.http_header_name_errors(as_dict(header).get("name") or ""):
                    errs.invalid(f"{apath}.httpHeaders", as_dict(header).get("name") or "", msg)
        elif kind in ("tcpSocket", "grpc"):
            validate_port_num_or_name(errs, action.get("port", 0), f"{apath}.port")
        elif kind == "sleep" and isinstance(grace, int):
            seconds = action.get("seconds", 0)
            if seconds < 0 or seconds > grace:
                errs.invalid(apath, seconds, "must be non-negative and less than "
                                             f"terminationGracePeriodSeconds ({grace})")
    if count == 0:
        errs.required(path, "must specify a handler type")


def validate_probe(errs: ErrorList, probe: Any, grace: Any, path: str, kind: str) -> None:
    if probe is None:
        return
    probe = as_dict(probe)
    _validate_handler(errs, probe, path, grace, ("exec", "httpGet", "tcpSocket", "grpc"))
    for key in ("initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold",
                "failureThreshold"):
        validate_nonnegative(errs, probe.get(key, 0), f"{path}.{key}")
    tgps = probe.get("terminationGracePeriodSeconds")
    if tgps is not None and tgps <= 0:
        errs.invalid(f"{path}.terminationGracePeriodSeconds", tgps, "must be greater than 0")
    if kind in ("livenessProbe", "startupProbe") and probe.get("successThreshold", 0) != 1:
        errs.invalid(f"{path}.successThreshold", probe.get("successThreshold", 0), "must be 1")
    if kind == "readinessProbe" and tgps is not None:
        errs.invalid(f"{path}.terminationGracePeriodSeconds", tgps, "must not be set for readinessProbes")


def validate_lifecycle(errs: ErrorList, lifecycle: Any, grace: Any, path: str) -> None:
    for hook in ("postStart", "preStop"):
        handler = as_dict(lifecycle).get(hook)
        if handler is not None:
            _validate_handler(errs, as_dict(handler), f"{path}.{hook}", grace,
                              ("exec", "httpGet", "tcpSocket", "sleep"))


# ---- one container -----------------------------------------------------------------------

def _validate_user_ids(errs: ErrorList, ctx: Any, path: str, keys: tuple[str, ...]) -> None:
    for key in keys:
        value = as_dict(ctx).get(key)
        if isinstance(value, int) and not 0 <= value <= 2147483647:
            errs.invalid(f"{path}.{key}", value, names.inclusive_range_error(0, 2147483647))


def validate_container_common(errs: ErrorList, c: Obj, volumes: set[str], path: str) -> None:
    if not c.get("name"):
        errs.required(f"{path}.name")
    else:
        validate_dns1123_label(errs, c["name"], f"{path}.name")
    if not c.get("image"):
        errs.required(f"{path}.image")
    policy = c.get("terminationMessagePolicy") or ""
    if not policy:
        errs.required(f"{path}.terminationMessagePolicy")
    elif policy not in TERMINATION_MESSAGE_POLICIES:
        errs.not_supported(f"{path}.terminationMessagePolicy", policy, TERMINATION_MESSAGE_POLICIES)
    _validate_ports(errs, c.get("ports"), f"{path}.ports")
    _validate_env(errs, c.get("env"), f"{path}.env")
    _validate_env_from(errs, c.get("envFrom"), f"{path}.envFrom")
    _validate_mounts(errs, c.get("volumeMounts"), volumes, f"{path}.volumeMounts")
    pull = c.get("imagePullPolicy") or ""
    if not pull:
        errs.required(f"{path}.imagePullPolicy")
    elif pull not in PULL_POLICIES:
        errs.not_supported(f"{path}.imagePullPolicy", pull, PULL_POLICIES)
    validate_resource_requirements(errs, c.get("resources"), f"{path}.resources")
    _validate_user_ids(errs, c.get("securityContext"), f"{path}.securityContext",
                       ("runAsUser", "runAsGroup"))


def validate_user_ids(errs: ErrorList, ctx: Any, path: str) -> None:
    """Pod securityContext: runAsUser, runAsGroup and fsGroup within 0..2^31-1."""
    _validate_user_ids(errs, ctx, path, ("fsGroup", "runAsUser", "runAsGroup"))
