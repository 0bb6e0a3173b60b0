"""Validation: reject what the real API server rejects, in its words.

`validate(obj, old=None)` runs after `defaults.apply_defaults` on every create (old is
None) and main-resource update, collects every field error of the kind's Validate*
function into one `errors.Invalid` (`Deployment.apps "x" is invalid: [...]`), and
raises it. Quantities that cannot even be decoded raise `errors.BadRequest` first, as
the API server's decoder does (`Pod in version "v1" cannot be handled as a Pod: ...`).

Per-kind rules: validation_meta (metadata, labels, selectors), validation_pod,
validation_container and validation_resources (pods, templates), validation_apps
(Deployment, ReplicaSet), validation_core (Service, Namespace, Node, Endpoints),
validation_config (ConfigMap, Secret). The store owns resourceVersion, generation,
cluster IP and node port allocation, so those are not checked here; status-subresource
writes do not come through here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from kubenb.api.apiservices import validate_apiservice
from kubenb.api.crd import validate_crd
from kubenb.api.csr import validate_csr
from kubenb.api.errors import BadRequest, ErrorList, Invalid
from kubenb.api.objects import Obj
from kubenb.api.quantity import parse_quantity
from kubenb.api.registry import REGISTRY, UnknownResource
from kubenb.api.validation_apps import validate_deployment, validate_replicaset
from kubenb.api.validation_autoscaling import validate_hpa, validate_pdb
from kubenb.api.validation_batch import validate_cronjob, validate_job
from kubenb.api.validation_config import validate_config_map, validate_secret
from kubenb.api.validation_coordination import validate_lease
from kubenb.api.validation_core import (
    validate_endpoints,
    validate_meta_only,
    validate_namespace,
    validate_node,
    validate_service,
)
from kubenb.api.validation_daemon import validate_daemonset, validate_replicationcontroller
from kubenb.api.validation_meta import as_dict, as_list
from kubenb.api.validation_networking import (
    validate_ingress,
    validate_ingress_class,
    validate_network_policy,
)
from kubenb.api.validation_pod import validate_pod_create, validate_pod_update
from kubenb.api.validation_policy import validate_limit_range, validate_resource_quota
from kubenb.api.validation_rbac import (
    validate_cluster_role,
    validate_cluster_role_binding,
    validate_role,
    validate_role_binding,
)
from kubenb.api.validation_stateful import (
    validate_claim,
    validate_controller_revision,
    validate_statefulset,
)
from kubenb.api.validation_storage import validate_persistent_volume, validate_storage_class

Validator = Callable[[ErrorList, Obj, "Obj | None"], None]


def _validate_pod(errs: ErrorList, obj: Obj, old: Obj | None) -> None:
    if old is None:
        validate_pod_create(errs, obj)
    else:
        validate_pod_update(errs, obj, old)


_VALIDATORS: dict[str, Validator] = {
    "CustomResourceDefinition": validate_crd,
    "Pod": _validate_pod,
    "Deployment": validate_deployment,
    "ReplicaSet": validate_replicaset,
    "DaemonSet": validate_daemonset,
    "ReplicationController": validate_replicationcontroller,
    "StatefulSet": validate_statefulset,
    "ControllerRevision": validate_controller_revision,
    "PersistentVolumeClaim": validate_claim,
    "PersistentVolume": validate_persistent_volume,
    "StorageClass": validate_storage_class,
    "Ingress": validate_ingress,
    "IngressClass": validate_ingress_class,
    "NetworkPolicy": validate_network_policy,
    "Service": validate_service,
    "ConfigMap": validate_config_map,
    "Secret": validate_secret,
    "Namespace": validate_namespace,
    "Node": validate_node,
    "Endpoints": validate_endpoints,
    "Job": validate_job,
    "CronJob": validate_cronjob,
    "HorizontalPodAutoscaler": validate_hpa,
    "PodDisruptionBudget": validate_pdb,
    "APIService": validate_apiservice,
    "CertificateSigningRequest": validate_csr,
    "Role": validate_role,
    "ClusterRole": validate_cluster_role,
    "RoleBinding": validate_role_binding,
    "ClusterRoleBinding": validate_cluster_role_binding,
    "Lease": validate_lease,
    "LimitRange": validate_limit_range,
    "ResourceQuota": validate_resource_quota,
}


def _pod_spec_quantities(spec: Any) -> Iterator[Any]:
    spec = as_dict(spec)
    for key in ("initContainers", "containers", "ephemeralContainers"):
        for c in as_list(spec.get(key)):
            resources = as_dict(as_dict(c).get("resources"))
            for rl in ("limits", "requests"):
                yield from as_dict(resources.get(rl)).values()
    yield from as_dict(spec.get("overhead")).values()
    for vol in as_list(spec.get("volumes")):
        limit = as_dict(as_dict(vol).get("emptyDir")).get("sizeLimit")
        if limit is not None:
            yield limit


def _quantities(obj: Obj) -> Iterator[Any]:
    kind = obj.get("kind")
    if kind == "Pod":
        yield from _pod_spec_quantities(obj.get("spec"))
    elif kind == "PersistentVolume":
        yield from as_dict(as_dict(obj.get("spec")).get("capacity")).values()
    elif kind == "PersistentVolumeClaim":
        yield from as_dict(as_dict(as_dict(obj.get("spec")).get("resources")).get("requests")).values()
    elif kind in ("Deployment", "ReplicaSet", "Job", "DaemonSet", "ReplicationController",
                  "StatefulSet"):
        yield from _pod_spec_quantities(as_dict(as_dict(obj.get("spec")).get("template")).get("spec"))
    elif kind == "CronJob":
        job_spec = as_dict(as_dict(as_dict(obj.get("spec")).get("jobTemplate")).get("spec"))
        yield from _pod_spec_quantities(as_dict(job_spec.get("template")).get("spec"))
    elif kind == "LimitRange":
        for item in as_list(as_dict(obj.get("spec")).get("limits")):
            for key in ("max", "min", "default", "defaultRequest", "maxLimitRequestRatio"):
                yield from as_dict(as_dict(item).get(key)).values()
    elif kind == "ResourceQuota":
        yield from as_dict(as_dict(obj.get("spec")).get("hard")).values()
    elif kind == "Node":
        status = as_dict(obj.get("status"))
        yield from as_dict(status.get("capacity")).values()
        yield from as_dict(status.get("allocatable")).values()


def check_decodable(obj: Obj) -> None:
    """Raise BadRequest, as the API server's decoder would, for malformed quantities."""
    kind = obj.get("kind", "")
    version = (obj.get("apiVersion") or "v1").rpartition("/")[2]
    for value in _quantities(obj):
        try:
            parse_quantity(value)
        except (ValueError, TypeError) as exc:
            raise BadRequest(f'{kind} in version "{version}" cannot be handled as a {kind}: {exc}') from None


def field_errors(obj: Obj, old: Obj | None = None) -> ErrorList:
    """Every field error `validate` would report, without raising."""
    kind = obj.get("kind", "")
    errs = ErrorList()
    validator = _VALIDATORS.get(kind)
    if validator is None:
        try:
            namespaced = REGISTRY.by_kind(kind).namespaced
        except UnknownResource:
            namespaced = True
        validator = validate_meta_only(namespaced)
    validator(errs, obj, old)
    return errs


def validate(obj: Obj, old: Obj | None = None) -> None:
    """Raise errors.Invalid (or BadRequest for undecodable quantities) if `obj` is not valid.

    `old` is the stored object on an update, None on a create.
    """
    check_decodable(obj)
    errs = field_errors(obj, old)
    if errs:
        kind = obj.get("kind", "")
        try:
            group = REGISTRY.by_kind(kind).group
        except UnknownResource:
            group = (obj.get("apiVersion") or "").rpartition("/")[0]
        name = as_dict(obj.get("metadata")).get("name") or ""
        raise Invalid(kind, group, name, errs.errors)
