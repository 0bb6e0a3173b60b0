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


def meta(strategy: str = "", key: str = "", elem: str | None = None) -> FieldMeta:
    """Field metadata from a Go tag value (`"merge,retainKeys"`), merge key and value type."""
    return FieldMeta(tuple(strategy.split(",")) if strategy else (), key, elem)


def merging(key: str = "", elem: str | None = None, retain: bool = False) -> FieldMeta:
    """A `patchStrategy:"merge"` list; no key means a list of scalars merged as a set."""
    return meta("merge,retainKeys" if retain else "merge", key, elem)


_CONDITIONS = {"conditions": merging("type")}
_WITH_META = {"metadata": meta(elem="ObjectMeta")}

STRUCTS: dict[str, dict[str, FieldMeta]] = {
    "ObjectMeta": {"ownerReferences": merging("uid"), "finalizers": merging()},
    "PodTemplateSpec": {**_WITH_META, "spec": meta(elem="PodSpec")},
    "PodSpec": {
        "volumes": merging("name", retain=True),
        "initContainers": merging("name", "Container"),
        "containers": merging("name", "Container"),
        "ephemeralContainers": merging("name", "Container"),
        "imagePullSecrets": merging("name"),
        "hostAliases": merging("ip"),
        "topologySpreadConstraints": merging("topologyKey"),
        "schedulingGates": merging("name"),
        "resourceClaims": merging("name", retain=True),
    },
    "Container": {
        "ports": merging("containerPort"),
        "env": merging("name"),
        "volumeMounts": merging("mountPath"),
        "volumeDevices": merging("devicePath"),
    },
    "PodStatus": {
        **_CONDITIONS,
        "hostIPs": merging("ip"),
        "podIPs": merging("ip"),
        "initContainerStatuses": meta(elem="ContainerStatus"),
        "containerStatuses": meta(elem="ContainerStatus"),
        "ephemeralContainerStatuses": meta(elem="ContainerStatus"),
        "resourceClaimStatuses": merging("name", retain=True),
    },
    "ContainerStatus": {
        "volumeMounts": merging("mountPath"),
        "allocatedResourcesStatus": merging("name"),
    },
    "Pod": {**_WITH_META, "spec": meta(elem="PodSpec"), "status": meta(elem="PodStatus")},
    "Deployment": {
        **_WITH_META,
        "spec": meta(elem="DeploymentSpec"),
        "status": meta(elem="Conditions"),
    },
    "DeploymentSpec": {"template": meta(elem="PodTemplateSpec"), "strategy": meta("retainKeys")},
    "WithTemplate": {"template": meta(elem="PodTemplateSpec")},
    "Conditions": dict(_CONDITIONS),
    "ReplicaSet": {**_WITH_META, "spec": meta(elem="WithTemplate"), "status": meta(elem="Conditions")},
    "StatefulSet": {**_WITH_META, "spec": meta(elem="WithTemplate"), "status": meta(elem="Conditions")},
    "DaemonSet": {**_WITH_META, "spec": meta(elem="WithTemplate"), "status": meta(elem="Conditions")},
    "Job": {**_WITH_META, "spec": meta(elem="WithTemplate"), "status": meta(elem="Conditions")},
    "CronJob": {**_WITH_META, "spec": meta(elem="CronJobSpec")},
    "CronJobSpec": {"jobTemplate": meta(elem="JobTemplateSpec")},
    "JobTemplateSpec": {**_WITH_META, "spec": meta(elem="WithTemplate")},
    "Service": {**_WITH_META, "spec": meta(elem="ServiceSpec"), "status": meta(elem="Conditions")},
    "ServiceSpec": {"ports": merging("port")},
    "Node": {**_WITH_META, "spec": meta(elem="NodeSpec"), "status": meta(elem="NodeStatus")},
    "NodeSpec": {"podCIDRs": merging()},
    "NodeStatus": {**_CONDITIONS, "addresses": merging("type")},
    "Namespace": {**_WITH_META, "status": meta(elem="Conditions")},
    "ServiceAccount": {**_WITH_META, "secrets": merging("name")},
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
