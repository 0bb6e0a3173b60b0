"""Column definitions per kind and `table()`, which turns objects into a server-side Table.

This is the apiserver half of `kubectl get`: the same Table is what `kubectl get` decorates
and lays out (`render.py`) and what the HTTP API serves for `as=Table`. Column names,
order and priorities follow Kubernetes pkg/printers/internalversion/printers.go; the
cells come from the `rows_*.py` row functions.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from kubenb.api.registry import REGISTRY, ResourceType, UnknownResource

from . import (
    rows_apiservice,
    rows_apps,
    rows_autoscaling,
    rows_batch,
    rows_certificates,
    rows_core,
    rows_daemon,
    rows_networking,
    rows_pod,
    rows_policy,
    rows_rbac,
    rows_stateful,
    rows_storage,
)
from .model import Column, Row, Table
from .rows_custom import custom_columns

RowFunc = Callable[[dict[str, Any], datetime], list[str]]

_NAME = Column("Name", format="name")
_AGE = Column("Age")
_CONTAINERS = Column("Containers", priority=1)
_IMAGES = Column("Images", priority=1)
_SELECTOR = Column("Selector", priority=1)


def _int(name: str) -> Column:
    return Column(name, type="integer", json_int=True)


def _str_int(name: str) -> Column:
    """Declared `string`, but the server puts an int64 in the cell."""
    return Column(name, json_int=True)


COLUMNS: dict[str, tuple[list[Column], RowFunc]] = {
    "Pod": ([
        _NAME, Column("Ready"), Column("Status"), Column("Restarts"), _AGE,
        Column("IP", priority=1), Column("Node", priority=1),
        Column("Nominated Node", priority=1), Column("Readiness Gates", priority=1),
    ], rows_pod.pod_row),
    "Deployment": ([
        _NAME, Column("Ready"), _str_int("Up-to-date"), _str_int("Available"), _AGE,
        _CONTAINERS, _IMAGES, _SELECTOR,
    ], rows_apps.deployment_row),
    "ReplicaSet": ([
        _NAME, _int("Desired"), _int("Current"), _int("Ready"), _AGE,
        _CONTAINERS, _IMAGES, _SELECTOR,
    ], rows_apps.replicaset_row),
    "StatefulSet": ([_NAME, Column("Ready"), _AGE, _CONTAINERS, _IMAGES],
                    rows_apps.statefulset_row),
    "PersistentVolumeClaim": ([
        _NAME, Column("Status"), Column("Volume"), Column("Capacity"), Column("Access Modes"),
        Column("StorageClass"), Column("VolumeAttributesClass"), _AGE, Column("VolumeMode", priority=1),
    ], rows_stateful.pvc_row),
    "PersistentVolume": ([
        _NAME, Column("Capacity"), Column("Access Modes"), Column("Reclaim Policy"),
        Column("Status"), Column("Claim"), Column("StorageClass"), Column("VolumeAttributesClass"),
        Column("Reason"), _AGE, Column("VolumeMode", priority=1),
    ], rows_storage.pv_row),
    "StorageClass": ([
        _NAME, Column("Provisioner"), Column("ReclaimPolicy"), Column("VolumeBindingMode"),
        Column("AllowVolumeExpansion"), _AGE,
    ], rows_storage.storage_class_row),
    "DaemonSet": ([
        _NAME, _int("Desired"), _int("Current"), _int("Ready"), _int("Up-to-date"),
        _int("Available"), Column("Node Selector"), _AGE, _CONTAINERS, _IMAGES, _SELECTOR,
    ], rows_apps.daemonset_row),
    "ReplicationController": ([
        _NAME, _int("Desired"), _int("Current"), _int("Ready"), _AGE, _CONTAINERS, _IMAGES, _SELECTOR,
    ], rows_daemon.replicationcontroller_row),
    "ControllerRevision": ([_NAME, Column("Controller"), _int("Revision"), _AGE],
                           rows_daemon.controllerrevision_row),
    "Service": ([
        _NAME, Column("Type"), Column("Cluster-IP"), Column("External-IP"), Column("Port(s)"),
        _AGE, _SELECTOR,
    ], rows_core.service_row),
    "Node": ([
        _NAME, Column("Status"), Column("Roles"), _AGE, Column("Version"),
        Column("Internal-IP", priority=1), Column("External-IP", priority=1),
        Column("OS-Image", priority=1), Column("Kernel-Version", priority=1),
        Column("Container-Runtime", priority=1),
    ], rows_core.node_row),
    "Endpoints": ([_NAME, Column("Endpoints"), _AGE], rows_core.endpoints_row),
    "Namespace": ([_NAME, Column("Status"), _AGE], rows_core.namespace_row),
    "Lease": ([_NAME, Column("Holder"), _AGE], rows_core.lease_row),
    "Event": ([
        Column("Last Seen"), Column("Type"), Column("Reason"), Column("Object"),
        Column("Subobject", priority=1), Column("Source", priority=1), Column("Message"),
        Column("First Seen", priority=1), Column("Count", priority=1, json_int=True),
        Column("Name", priority=1, format="name"),
    ], rows_core.event_row),
    "ConfigMap": ([_NAME, _str_int("Data"), _AGE], rows_core.configmap_row),
    "Secret": ([_NAME, Column("Type"), _str_int("Data"), _AGE], rows_core.secret_row),
    "ServiceAccount": ([_NAME, _str_int("Secrets"), _AGE], rows_core.serviceaccount_row),
    "Job": ([_NAME, Column("Status"), Column("Completions"), Column("Duration"), _AGE,
             _CONTAINERS, _IMAGES, _SELECTOR], rows_batch.job_row),
    "CronJob": ([_NAME, Column("Schedule"), Column("Timezone"), Column("Suspend", type="boolean"),
                 _int("Active"), Column("Last Schedule"), _AGE, _CONTAINERS, _IMAGES, _SELECTOR],
                rows_batch.cronjob_row),
    "HorizontalPodAutoscaler": ([
        _NAME, Column("Reference"), Column("Targets"), Column("MinPods"), _int("MaxPods"),
        _int("Replicas"), _AGE,
    ], rows_autoscaling.hpa_row),
    "Ingress": ([
        _NAME, Column("Class"), Column("Hosts"), Column("Address"), Column("Ports"), _AGE,
    ], rows_networking.ingress_row),
    "IngressClass": ([
        _NAME, Column("Controller"), Column("Parameters"), _AGE,
    ], rows_networking.ingress_class_row),
    "NetworkPolicy": ([_NAME, Column("Pod-Selector"), _AGE], rows_networking.network_policy_row),
    "PodDisruptionBudget": ([
        _NAME, Column("Min Available"), Column("Max Unavailable"), _int("Allowed Disruptions"), _AGE,
    ], rows_autoscaling.pdb_row),
    "CertificateSigningRequest": ([
        _NAME, _AGE, Column("SignerName"), Column("Requestor"), Column("RequestedDuration"),
        Column("Condition")], rows_certificates.csr_row),
    "APIService": ([_NAME, Column("Service"), Column("Available"), _AGE],
                   rows_apiservice.apiservice_row),
    **{kind: ([_NAME, Column("Created At", type="date")], rows_rbac.role_row)
       for kind in ("Role", "ClusterRole", "LimitRange", "CustomResourceDefinition")},
    "ResourceQuota": ([_NAME, _AGE, Column("Request"), Column("Limit")], rows_policy.quota_row),
    **{kind: ([_NAME, Column("Role"), _AGE, Column("Users", priority=1),
               Column("Groups", priority=1), Column("ServiceAccounts", priority=1)],
              rows_rbac.rolebinding_row)
       for kind in ("RoleBinding", "ClusterRoleBinding")},
}

DEFAULT: tuple[list[Column], RowFunc] = ([_NAME, _AGE], rows_core.default_row)


def _scope(kind: str, objects: list[dict[str, Any]]) -> tuple[str, bool]:
    """(group, namespaced) from the registry, else guessed from the objects themselves."""
    try:
        rt = REGISTRY.by_kind(kind)
        return rt.group, rt.namespaced
    except UnknownResource:
        pass
    group = ""
    if objects:
        api_version = objects[0].get("apiVersion", "")
        group = api_version.split("/")[0] if "/" in api_version else ""
    namespaced = any((o.get("metadata") or {}).get("namespace") for o in objects)
    return group, namespaced


def table(kind: str, objects: list[dict[str, Any]], now: datetime,
          rt: ResourceType | None = None, version: str | None = None) -> Table:
    """Build the server-side Table for `objects` of one `kind` (all columns, wide included);
    `rt` (a custom resource's, with its printer columns for `version`) when the kind is not
    built in."""
    if rt is not None and rt.custom is not None:
        columns, row_func = custom_columns(rt, version)
        group, namespaced = rt.group, rt.namespaced
    else:
        columns, row_func = COLUMNS.get(kind, DEFAULT)
        group, namespaced = _scope(kind, objects)
    rows = [Row(cells=row_func(obj, now), object=obj) for obj in objects]
    return Table(kind=kind, group=group, namespaced=namespaced, columns=list(columns), rows=rows)
