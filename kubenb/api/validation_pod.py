"""Validation of pods, pod specs and pod templates (create and update).

Mirrors ValidatePodSpec, validateContainers, validateInitContainers, ValidateTolerations,
ValidatePodCreate, ValidatePodUpdate and ValidatePodTemplateSpec from
pkg/apis/core/validation/validation.go (Kubernetes 1.36). Container-level checks live in
validation_container. validation_apps reuses `validate_pod_template_spec` for
Deployments and ReplicaSets.
"""

from __future__ import annotations

import json
from typing import Any

from kubenb.api import names
from kubenb.api.errors import ErrorList
from kubenb.api.objects import Obj
from kubenb.api.validation_container import (
    validate_container_common,
    validate_lifecycle,
    validate_probe,
    validate_user_ids,
    validate_volumes,
)
from kubenb.api.validation_meta import (
    as_dict,
    as_list,
    name_is_dns_subdomain,
    normalise,
    semantic_equal,
    validate_annotations,
    validate_dns1123_label,
    validate_labels,
    validate_object_meta,
    validate_object_meta_update,
    validate_qualified_name,
)

RESTART_POLICIES = ["Always", "OnFailure", "Never"]
DNS_POLICIES = ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"]
PREEMPTION_POLICIES = ["PreemptLowerPriority", "Never"]
TAINT_EFFECTS = ["NoSchedule", "PreferNoSchedule", "NoExecute"]
TOLERATION_OPERATORS = ["Equal", "Exists"]
MAX_INT32 = 2147483647
UPDATABLE_POD_SPEC_FIELDS = [
    "`spec.containers[*].image`",
    "`spec.initContainers[*].image`",
    "`spec.activeDeadlineSeconds`",
    "`spec.tolerations` (only additions to existing tolerations)",
    "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
]


def _host_port_conflicts(errs: ErrorList, containers: list[Any], path: str) -> None:
    """checkHostPortConflicts (init containers are checked one by one, so always index 0)."""
    seen: set[str] = set()
    for ci, c in enumerate(containers):
        for pi, port in enumerate(as_list(as_dict(c).get("ports"))):
            port = as_dict(port)
            if not port.get("hostPort"):
                continue
            key = f"{port.get('protocol', '')}/{port.get('hostIP', '')}/{port['hostPort']}"
            if key in seen:
                errs.duplicate(f"{path}[{ci}].ports[{pi}].hostPort", key)
            seen.add(key)


def _validate_containers(errs: ErrorList, spec: Obj, volumes: set[str], path: str) -> None:
    containers = as_list(spec.get("containers"))
    if not containers:
        errs.required(path)
        return
    grace = spec.get("terminationGracePeriodSeconds")
    seen: set[str] = set()
    for i, c in enumerate(containers):
        c, cpath = as_dict(c), f"{path}[{i}]"
        validate_container_common(errs, c, volumes, cpath)
        if c.get("name", "") in seen:
            errs.duplicate(f"{cpath}.name", c.get("name", ""))
        seen.add(c.get("name", ""))
        if c.get("lifecycle") is not None:
            validate_lifecycle(errs, c["lifecycle"], grace, f"{cpath}.lifecycle")
        for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
            validate_probe(errs, c.get(probe), grace, f"{cpath}.{probe}", probe)
        if c.get("restartPolicy") is not None:
            errs.forbidden(f"{cpath}.restartPolicy", "may not be set for non-init containers")
    _host_port_conflicts(errs, containers, path)


def _validate_init_containers(errs: ErrorList, spec: Obj, volumes: set[str], path: str) -> None:
    grace = spec.get("terminationGracePeriodSeconds")
    seen = {as_dict(c).get("name", "") for c in as_list(spec.get("containers"))}
    for i, c in enumerate(as_list(spec.get("initContainers"))):
        c, cpath = as_dict(c), f"{path}[{i}]"
        validate_container_common(errs, c, volumes, cpath)
        restart_always = False
        if c.get("restartPolicy") is not None:
            if c["restartPolicy"] != "Always":
                errs.not_supported(f"{cpath}.restartPolicy", c["restartPolicy"], ["Always"])
            restart_always = c["restartPolicy"] == "Always"
        if c.get("name", "") in seen:
            errs.duplicate(f"{cpath}.name", c.get("name", ""))
        elif c.get("name"):
            seen.add(c["name"])
        _host_port_conflicts(errs, [c], path)
        if restart_always:
            if c.get("lifecycle") is not None:
                validate_lifecycle(errs, c["lifecycle"], grace, f"{cpath}.lifecycle")
            for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
                validate_probe(errs, c.get(probe), grace, f"{cpath}.{probe}", probe)
        else:
            for key in ("lifecycle", "livenessProbe", "readinessProbe", "startupProbe"):
                if c.get(key) is not None:
                    errs.forbidden(f"{cpath}.{key}",
                                   "may not be set for init containers without restartPolicy=Always")


def validate_tolerations(errs: ErrorList, tolerations: Any, path: str) -> None:
    """ValidateTolerations."""
    for i, t in enumerate(as_list(tolerations)):
        t, ipath = as_dict(t), f"{path}[{i}]"
        key, op, effect = t.get("key") or "", t.get("operator") or "", t.get("effect") or ""
        if key:
            validate_qualified_name(errs, key, f"{ipath}.key")
        if not key and op != "Exists":
            errs.invalid(f"{ipath}.operator", op,
                         'operator must be Exists when `key` is empty, which means "match all values and all keys"')
        if t.get("tolerationSeconds") is not None and effect != "NoExecute":
            errs.invalid(f"{ipath}.effect", effect, "effect must be 'NoExecute' when `tolerationSeconds` is set")
        value = t.get("value") or ""
        if op in ("Equal", ""):
            msgs = names.label_value_errors(value)
            if msgs:
                errs.invalid(f"{ipath}.operator", value, ";".join(msgs))
        elif op == "Exists":
            if value:
                errs.invalid(f"{ipath}.operator", value, "value must be empty when `operator` is 'Exists'")
        else:
            errs.not_supported(f"{ipath}.operator", op, TOLERATION_OPERATORS)
        if effect and effect not in TAINT_EFFECTS:
            errs.not_supported(f"{ipath}.effect", effect, TAINT_EFFECTS)


def _validate_choice(errs: ErrorList, value: Any, path: str, supported: list[str]) -> None:
    if not value:
        errs.required(path)
    elif value not in supported:
        errs.not_supported(path, value, supported)


def _validate_subdomain_field(errs: ErrorList, spec: Obj, key: str, path: str) -> None:
    if spec.get(key):
        for msg in name_is_dns_subdomain(spec[key], False):
            errs.invalid(f"{path}.{key}", spec[key], msg)


def validate_pod_spec(errs: ErrorList, spec: Any, path: str, *, is_pod: bool = False,
                      pod_name: str = "") -> None:
    """ValidatePodSpec (`pod_name`: a pod's, for its ephemeral volumes' claim names)."""
    spec = as_dict(spec)
    if spec.get("terminationGracePeriodSeconds") is None:
        errs.required(f"{path}.terminationGracePeriodSeconds")
    volumes = validate_volumes(errs, spec.get("volumes"), f"{path}.volumes", pod_name)
    _validate_containers(errs, spec, volumes, f"{path}.containers")
    _validate_init_containers(errs, spec, volumes, f"{path}.initContainers")
    if spec.get("hostNetwork"):
        for i, c in enumerate(as_list(spec.get("containers"))):
            for j, port in enumerate(as_list(as_dict(c).get("ports"))):
                hp, cp = as_dict(port).get("hostPort") or 0, as_dict(port).get("containerPort") or 0
                if (is_pod or hp != 0) and hp != cp:
                    errs.invalid(f"{path}.containers[{i}].ports[{j}].hostPort", hp,
                                 "must match `containerPort` when `hostNetwork` is true")
    _validate_choice(errs, spec.get("restartPolicy"), f"{path}.restartPolicy", RESTART_POLICIES)
    _validate_choice(errs, spec.get("dnsPolicy"), f"{path}.dnsPolicy", DNS_POLICIES)
    validate_labels(errs, spec.get("nodeSelector"), f"{path}.nodeSelector")
    validate_user_ids(errs, spec.get("securityContext"), f"{path}.securityContext")
    for key in ("serviceAccountName", "nodeName"):
        _validate_subdomain_field(errs, spec, key, path)
    deadline = spec.get("activeDeadlineSeconds")
    if deadline is not None and not 1 <= deadline <= MAX_INT32:
        errs.invalid(f"{path}.activeDeadlineSeconds", deadline, names.inclusive_range_error(1, MAX_INT32))
    for key in ("hostname", "subdomain"):
        if spec.get(key):
            validate_dns1123_label(errs, spec[key], f"{path}.{key}")
    validate_tolerations(errs, spec.get("tolerations"), f"{path}.tolerations")
    _validate_subdomain_field(errs, spec, "priorityClassName", path)
    if spec.get("preemptionPolicy") is not None:
        _validate_choice(errs, spec["preemptionPolicy"], f"{path}.preemptionPolicy", PREEMPTION_POLICIES)


def _validate_pod_metadata_and_spec(errs: ErrorList, pod: Obj) -> None:
    validate_object_meta(errs, pod.get("metadata"), True, name_is_dns_subdomain)
    validate_pod_spec(errs, pod.get("spec"), "spec", is_pod=True,
                      pod_name=str(as_dict(pod.get("metadata")).get("name") or ""))
    spec = as_dict(pod.get("spec"))
    for key in ("containers", "initContainers"):
        for i, c in enumerate(as_list(spec.get(key))):
            image = as_dict(c).get("image") or ""
            if image != image.strip():
                errs.invalid(f"spec.{key}[{i}].image", image, "must not have leading or trailing whitespace")


def validate_pod_create(errs: ErrorList, pod: Obj) -> None:
    """ValidatePodCreate."""
    _validate_pod_metadata_and_spec(errs, pod)
    spec = as_dict(pod.get("spec"))
    if spec.get("ephemeralContainers"):
        errs.forbidden("spec.ephemeralContainers", "cannot be set on create")
    if spec.get("nodeName") and spec.get("schedulingGates"):
        errs.forbidden("spec.nodeName", "cannot be set until all schedulingGates have been cleared")


def _container_updates(errs: ErrorList, new: list[Any], old: list[Any], path: str) -> bool:
    if len(new) != len(old):
        errs.forbidden(path, "pod updates may not add or remove containers")
        return True
    for i, c in enumerate(new):
        image = as_dict(c).get("image") or ""
        if not image:
            errs.required(f"{path}[{i}].image")
        if image != image.strip():
            errs.invalid(f"{path}[{i}].image", image, "must not have leading or trailing whitespace")
    return False


def _diff(old: Any, new: Any, path: str, out: list[str]) -> None:
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(set(old) | set(new)):
            _diff(old.get(key), new.get(key), f"{path}.{key}", out)
    elif isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for i, (a, b) in enumerate(zip(old, new, strict=True)):
            _diff(a, b, f"{path}[{i}]", out)
    elif old != new:
        def show(v: Any) -> str:
            return "<unset>" if v is None else json.dumps(v, sort_keys=True, separators=(",", ":"))
        out.append(f"- {path}: {show(old)}")
        out.append(f"+ {path}: {show(new)}")


def spec_diff(old: Any, new: Any, path: str = "spec") -> str:
    """A short stand-in for go-cmp's Diff: one -/+ line pair per changed field."""
    out: list[str] = []
    _diff(normalise(old), normalise(new), path, out)
    return "\n".join(out)


def validate_pod_update(errs: ErrorList, new: Obj, old: Obj) -> None:
    """ValidatePodUpdate: only images, activeDeadlineSeconds and toleration additions may change."""
    validate_object_meta_update(errs, new.get("metadata"), old.get("metadata"))
    _validate_pod_metadata_and_spec(errs, new)
    nspec, ospec = as_dict(new.get("spec")), as_dict(old.get("spec"))
    for key in ("containers", "initContainers"):
        if _container_updates(errs, as_list(nspec.get(key)), as_list(ospec.get(key)), f"spec.{key}"):
            return
    deadline, old_deadline = nspec.get("activeDeadlineSeconds"), ospec.get("activeDeadlineSeconds")
    if deadline is not None:
        if not 0 <= deadline <= MAX_INT32:
            errs.invalid("spec.activeDeadlineSeconds", deadline, names.inclusive_range_error(0, MAX_INT32))
            return
        if old_deadline is not None and old_deadline < deadline:
            errs.invalid("spec.activeDeadlineSeconds", deadline, "must be less than or equal to previous value")
            return
    elif old_deadline is not None:
        errs.invalid("spec.activeDeadlineSeconds", None, "must not update from a positive integer to nil value")
    old_tols = as_list(ospec.get("tolerations"))
    new_tols = as_list(nspec.get("tolerations"))
    for old_t in old_tols:
        if not any(semantic_equal({**as_dict(old_t), "tolerationSeconds": as_dict(t).get("tolerationSeconds")}, t)
                   for t in new_tols):
            errs.forbidden("spec.tolerations", "existing toleration can not be modified except its tolerationSeconds")
            break
    else:
        validate_tolerations(errs, new_tols, "spec.tolerations")
    if semantic_equal(nspec, ospec):
        return
    munged = dict(nspec)
    for key in ("containers", "initContainers"):
        olds = as_list(ospec.get(key))
        munged[key] = [{**as_dict(c), "image": as_dict(olds[i]).get("image")}
                       for i, c in enumerate(as_list(nspec.get(key)))]
    for key in ("activeDeadlineSeconds", "schedulingGates", "tolerations"):
        munged[key] = ospec.get(key)
    old_grace = ospec.get("terminationGracePeriodSeconds")
    if isinstance(old_grace, int) and old_grace < 0 and munged.get("terminationGracePeriodSeconds") == 1:
        munged["terminationGracePeriodSeconds"] = old_grace
    if not semantic_equal(munged, ospec):
        errs.forbidden("spec", "pod updates may not change fields other than "
                       + ",".join(UPDATABLE_POD_SPEC_FIELDS) + "\n" + spec_diff(ospec, munged))


def validate_pod_template_spec(errs: ErrorList, template: Any, path: str) -> None:
    """ValidatePodTemplateSpec: labels and annotations sit at `<path>.labels`, as in Go."""
    template = as_dict(template)
    meta = as_dict(template.get("metadata"))
    validate_labels(errs, meta.get("labels"), f"{path}.labels")
    validate_annotations(errs, meta.get("annotations"), f"{path}.annotations")
    validate_pod_spec(errs, template.get("spec"), f"{path}.spec")
    if as_dict(template.get("spec")).get("ephemeralContainers"):
        errs.forbidden(f"{path}.spec.ephemeralContainers", "ephemeral containers not allowed in pod template")
