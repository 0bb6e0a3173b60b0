"""Strategic-merge-patch metadata for the kinds kubenb serves.

The API server finds, for each field, a `patchStrategy` (merge, replace, retainKeys) and a
`patchMergeKey` in the Go struct tags of k8s.io/api. This module is that table, written out
for our kinds: struct name → JSON field → `FieldMeta`. Only fields that carry a tag, or lead
to one, are listed; any other field has no metadata, which is what an untagged Go field has
(maps merge, lists are replaced). `patch_strategic` walks it while merging and
`patch_diff` while computing kubectl-apply patches.

Read from k8s.io/api core/v1, apps/v1, batch/v1 and apimachinery meta/v1 types.go. Notes:
container `ports` merge on `containerPort` alone (the `protocol` is only a listMapKey for
server-side apply); `status.containerStatuses`, `tolerations`, `taints`, `envFrom` and node
`images` have no tag and are replaced as a whole.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldMeta:
    """Patch metadata of one field; `elem` names the struct of the value (or list element)."""

    strategies: tuple[str, ...] = ()
    merge_key: str = ""
    elem: str | None = None

    @property
    def strategy(self) -> str:
        """The strategy other than retainKeys ("merge", "replace" or "")."""
        others = [s for s in self.strategies if s != "retainKeys"]
        return others[0] if others else ""

    @property
    def retain_keys(self) -> bool:
        return "retainKeys" in self.strategies


NO_META = FieldMeta()


def _f(strategy: str = "", key: str = "", elem: str | None = None) -> FieldMeta:
    return FieldMeta(tuple(strategy.split(",")) if strategy else (), key, elem)


def _merge(key: str = "", elem: str | None = None, retain: bool = False) -> FieldMeta:
    return _f("merge,retainKeys" if retain else "merge", key, elem)


_CONDITIONS = {"conditions": _merge("type")}
_WITH_META = {"metadata": _f(elem="ObjectMeta")}

STRUCTS: dict[str, dict[str, FieldMeta]] = {
    "ObjectMeta": {"ownerReferences": _merge("uid"), "finalizers": _merge()},
    "PodTemplateSpec": {**_WITH_META, "spec": _f(elem="PodSpec")},
    "PodSpec": {
        "volumes": _merge("name", retain=True),
        "initContainers": _merge("name", "Container"),
        "containers": _merge("name", "Container"),
        "ephemeralContainers": _merge("name", "Container"),
        "imagePullSecrets": _merge("name"),
        "hostAliases": _merge("ip"),
        "topologySpreadConstraints": _merge("topologyKey"),
        "schedulingGates": _merge("name"),
        "resourceClaims": _merge("name", retain=True),
    },
    "Container": {
        "ports": _merge("containerPort"),
        "env": _merge("name"),
        "volumeMounts": _merge("mountPath"),
        "volumeDevices": _merge("devicePath"),
    },
    "PodStatus": {
        **_CONDITIONS,
        "hostIPs": _merge("ip"),
        "podIPs": _merge("ip"),
        "initContainerStatuses": _f(elem="ContainerStatus"),
        "containerStatuses": _f(elem="ContainerStatus"),
        "ephemeralContainerStatuses": _f(elem="ContainerStatus"),
        "resourceClaimStatuses": _merge("name", retain=True),
    },
    "ContainerStatus": {
        "volumeMounts": _merge("mountPath"),
        "allocatedResourcesStatus": _merge("name"),
    },
    "Pod": {**_WITH_META, "spec": _f(elem="PodSpec"), "status": _f(elem="PodStatus")},
    "Deployment": {
        **_WITH_META,
        "spec": _f(elem="DeploymentSpec"),
        "status": _f(elem="Conditions"),
    },
    "DeploymentSpec": {"template": _f(elem="PodTemplateSpec"), "strategy": _f("retainKeys")},
    "WithTemplate": {"template": _f(elem="PodTemplateSpec")},
    "Conditions": dict(_CONDITIONS),
    "ReplicaSet": {**_WITH_META, "spec": _f(elem="WithTemplate"), "status": _f(elem="Conditions")},
    "StatefulSet": {**_WITH_META, "spec": _f(elem="WithTemplate"), "status": _f(elem="Conditions")},
    "DaemonSet": {**_WITH_META, "spec": _f(elem="WithTemplate"), "status": _f(elem="Conditions")},
    "Job": {**_WITH_META, "spec": _f(elem="WithTemplate"), "status": _f(elem="Conditions")},
    "CronJob": {**_WITH_META, "spec": _f(elem="CronJobSpec")},
    "CronJobSpec": {"jobTemplate": _f(elem="JobTemplateSpec")},
    "JobTemplateSpec": {**_WITH_META, "spec": _f(elem="WithTemplate")},
    "Service": {**_WITH_META, "spec": _f(elem="ServiceSpec"), "status": _f(elem="Conditions")},
    "ServiceSpec": {"ports": _merge("port")},
    "Node": {**_WITH_META, "spec": _f(elem="NodeSpec"), "status": _f(elem="NodeStatus")},
    "NodeSpec": {"podCIDRs": _merge()},
    "NodeStatus": {**_CONDITIONS, "addresses": _merge("type")},
    "Namespace": {**_WITH_META, "status": _f(elem="Conditions")},
    "ServiceAccount": {**_WITH_META, "secrets": _merge("name")},
    "ConfigMap": dict(_WITH_META),
    "Secret": dict(_WITH_META),
    "Endpoints": dict(_WITH_META),
    "Event": dict(_WITH_META),
}

# Kinds whose root struct is known; any other kind has no strategic-merge schema.
KIND_ROOTS: frozenset[str] = frozenset({
    "Pod", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob", "Service",
    "Node", "Namespace", "ServiceAccount", "ConfigMap", "Secret", "Endpoints", "Event",
})


@dataclass(frozen=True)
class Schema:
    """A position in the struct table; `name` is the Go type name (None: unknown type)."""

    name: str | None
    table: dict[str, dict[str, FieldMeta]]

    def lookup(self, key: str) -> tuple[Schema, FieldMeta]:
        """Metadata of field `key` and the schema of its value (or list element)."""
        meta = self.table.get(self.name or "", {}).get(key, NO_META)
        return Schema(meta.elem, self.table), meta


def schema_for_kind(kind: str | None) -> Schema | None:
    """The root schema for a kind, or None when kubenb has no struct tags for it."""
    if kind in KIND_ROOTS:
        return Schema(kind, STRUCTS)
    return None
