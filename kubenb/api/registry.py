"""The resource registry: one table of every kind kubenb serves.

`kubectl get po`, `get deploy`, `api-resources`, discovery over HTTP, the store's
scope checks and error messages all read this table. Nothing else lists kinds.
Each store works on its own copy, which CustomResourceDefinitions extend (`add`/`remove`
a kind whose `custom` holds what serving it needs: api/crd_registry.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

_VERBS = ("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch")


@dataclass(frozen=True)
class ResourceType:
    group: str  # "" for the core group
    version: str
    kind: str
    plural: str
    singular: str
    namespaced: bool
    short_names: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    subresources: tuple[str, ...] = ()
    verbs: tuple[str, ...] = _VERBS
    has_status: bool = False  # status is a subresource: main updates ignore it
    # versions served besides `version` (the storage and preferred one), converted by
    # kubenb.api.conversion; discovery lists them after `version`
    other_versions: tuple[str, ...] = ()
    meta: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    # a kind a CustomResourceDefinition serves: its crd_registry.CustomKind (schemas,
    # printer columns, scale paths); None for built-in kinds
    custom: Any = field(default=None, compare=False, hash=False)

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def versions(self) -> tuple[str, ...]:
        """Every served version, the preferred (stored) one first."""
        return (self.version, *self.other_versions)

    def api_version_of(self, version: str) -> str:
        return f"{self.group}/{version}" if self.group else version

    @property
    def qualified(self) -> str:
        """`pods`, `deployments.apps`: the name errors and `-o name` use."""
        return f"{self.plural}.{self.group}" if self.group else self.plural

    @property
    def qualified_kind(self) -> str:
        """`pod`, `deployment.apps`: the prefix of `-o name` and success messages."""
        k = self.kind.lower()
        return f"{k}.{self.group}" if self.group else k


def _rt(group: str, kind: str, plural: str, namespaced: bool = True, version: str = "v1",
        **kw: object) -> ResourceType:
    return ResourceType(
        group=group,
        version=version,
        kind=kind,
        plural=plural,
        singular=kind.lower(),
        namespaced=namespaced,
        **kw,  # type: ignore[arg-type]
    )


RESOURCES: tuple[ResourceType, ...] = (
    _rt("", "ConfigMap", "configmaps", short_names=("cm",)),
    _rt("", "Endpoints", "endpoints", short_names=("ep",)),
    _rt("", "Event", "events", short_names=("ev",)),
    _rt("", "Namespace", "namespaces", False, short_names=("ns",), subresources=("status",),
        has_status=True, verbs=tuple(v for v in _VERBS if v != "deletecollection")),
    _rt("", "Node", "nodes", False, short_names=("no",), subresources=("status",),
        has_status=True),
    _rt("", "Pod", "pods", short_names=("po",), categories=("all",),
        subresources=("binding", "eviction", "exec", "log", "status"), has_status=True),
    _rt("", "Secret", "secrets"),
    _rt("", "LimitRange", "limitranges", short_names=("limits",)),
    _rt("", "ResourceQuota", "resourcequotas", short_names=("quota",), subresources=("status",),
        has_status=True),
    _rt("", "ServiceAccount", "serviceaccounts", short_names=("sa",), subresources=("token",)),
    _rt("", "Service", "services", short_names=("svc",), categories=("all",),
        subresources=("status",), has_status=True),
    _rt("apiregistration.k8s.io", "APIService", "apiservices", False,
        subresources=("status",), has_status=True),
    _rt("apps", "Deployment", "deployments", short_names=("deploy",), categories=("all",),
        subresources=("scale", "status"), has_status=True),
    _rt("apps", "ReplicaSet", "replicasets", short_names=("rs",), categories=("all",),
        subresources=("scale", "status"), has_status=True),
    _rt("", "PersistentVolumeClaim", "persistentvolumeclaims", short_names=("pvc",),
        subresources=("status",), has_status=True),
    _rt("", "PersistentVolume", "persistentvolumes", False, short_names=("pv",),
        subresources=("status",), has_status=True),
    _rt("", "ReplicationController", "replicationcontrollers", short_names=("rc",),
        categories=("all",), subresources=("scale", "status"), has_status=True),
    _rt("apps", "ControllerRevision", "controllerrevisions"),
    _rt("apps", "DaemonSet", "daemonsets", short_names=("ds",), categories=("all",),
        subresources=("status",), has_status=True),
    _rt("apps", "StatefulSet", "statefulsets", short_names=("sts",), categories=("all",),
        subresources=("scale", "status"), has_status=True),
    _rt("authentication.k8s.io", "SelfSubjectReview", "selfsubjectreviews", False,
        verbs=("create",)),
    _rt("authentication.k8s.io", "TokenReview", "tokenreviews", False, verbs=("create",)),
    _rt("authorization.k8s.io", "LocalSubjectAccessReview", "localsubjectaccessreviews",
        verbs=("create",)),
    _rt("authorization.k8s.io", "SelfSubjectAccessReview", "selfsubjectaccessreviews", False,
        verbs=("create",)),
    _rt("authorization.k8s.io", "SelfSubjectRulesReview", "selfsubjectrulesreviews", False,
        verbs=("create",)),
    _rt("authorization.k8s.io", "SubjectAccessReview", "subjectaccessreviews", False,
        verbs=("create",)),
    _rt("autoscaling", "HorizontalPodAutoscaler", "horizontalpodautoscalers", version="v2",
        other_versions=("v1",), short_names=("hpa",), categories=("all",), subresources=("status",), has_status=True),
    _rt("certificates.k8s.io", "CertificateSigningRequest", "certificatesigningrequests", False,
        short_names=("csr",), subresources=("approval", "status"), has_status=True),
    _rt("batch", "CronJob", "cronjobs", short_names=("cj",), categories=("all",),
        subresources=("status",), has_status=True),
    _rt("batch", "Job", "jobs", categories=("all",), subresources=("status",), has_status=True),
    _rt("networking.k8s.io", "IngressClass", "ingressclasses", False),
    _rt("networking.k8s.io", "Ingress", "ingresses", short_names=("ing",),
        subresources=("status",), has_status=True),
    _rt("networking.k8s.io", "NetworkPolicy", "networkpolicies", short_names=("netpol",)),
    _rt("policy", "PodDisruptionBudget", "poddisruptionbudgets", short_names=("pdb",),
        subresources=("status",), has_status=True),
    _rt("coordination.k8s.io", "Lease", "leases"),  # after policy, as the apiserver lists groups
    _rt("rbac.authorization.k8s.io", "ClusterRoleBinding", "clusterrolebindings", False),
    _rt("rbac.authorization.k8s.io", "ClusterRole", "clusterroles", False),
    _rt("rbac.authorization.k8s.io", "RoleBinding", "rolebindings"),
    _rt("rbac.authorization.k8s.io", "Role", "roles"),
    _rt("storage.k8s.io", "StorageClass", "storageclasses", False, short_names=("sc",)),
    _rt("apiextensions.k8s.io", "CustomResourceDefinition", "customresourcedefinitions", False,
        short_names=("crd", "crds"), categories=("api-extensions",), subresources=("status",),
        has_status=True),
)


class UnknownResource(LookupError):
    """No resource type answers to that name."""


class Registry:
    """Look up resource types by kind, plural, singular, short name or `plural.group`."""

    def __init__(self, resources: tuple[ResourceType, ...] = RESOURCES) -> None:
        self._index(resources)

    def _index(self, resources: tuple[ResourceType, ...]) -> None:
        # built whole, then swapped in: readers on other threads see the old or the new
        by_kind = {r.kind: r for r in resources}
        by_name: dict[str, ResourceType] = {}
        for r in resources:
            names = {r.plural, r.singular, r.kind.lower(), *r.short_names}
            if r.group:
                names |= {f"{n}.{r.group}" for n in (r.plural, r.singular)}
                names |= {f"{n}.{v}.{r.group}" for n in (r.plural, r.singular) for v in r.versions}
            for n in names:
                by_name.setdefault(n, r)  # a built-in kind keeps its names
        self.resources, self._by_kind, self._by_name = resources, by_kind, by_name

    def add(self, rt: ResourceType) -> None:
        """Serve `rt` (a custom resource's kind), replacing an earlier one of that kind."""
        self._index(tuple(r for r in self.resources if r.kind != rt.kind) + (rt,))

    def remove(self, kind: str) -> None:
        self._index(tuple(r for r in self.resources if r.kind != kind))

    def copy(self) -> Registry:
        return Registry(self.resources)

    def by_kind(self, kind: str) -> ResourceType:
        try:
            return self._by_kind[kind]
        except KeyError:
            raise UnknownResource(kind) from None

    def lookup(self, name: str) -> ResourceType:
        """Resolve what a user typed (`po`, `Deployments`, `deployment.apps`)."""
        try:
            return self._by_name[name.lower()]
        except KeyError:
            raise UnknownResource(name) from None

    def category(self, name: str) -> list[ResourceType]:
        """Kinds in a category, in discovery order (core group first, then by group, plural)."""
        found = [r for r in self.resources if name in r.categories]
        return sorted(found, key=lambda r: (r.group != "", r.group, r.plural))

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.resources)


REGISTRY = Registry()
