"""The ServiceAccount admission plugin's token volume (plugin/pkg/admission/serviceaccount,
mountServiceAccountToken): a mutating hook the store runs on pod creates.

Reads the pod's ServiceAccount (for its `automountServiceAccountToken`). Unless the pod or
its account says `automountServiceAccountToken: false`, or the pod is a mirror pod, every
container and init container that has nothing mounted at
`/var/run/secrets/kubernetes.io/serviceaccount` gets a read-only mount there of a projected
volume `kube-api-access-<5 random characters>` (the name drawn as generateName draws, from
its own seeded stream): a ServiceAccount token (path `token`, 3607 s), `ca.crt` from the
`kube-root-ca.crt` ConfigMap and the pod's `namespace` from the downward API — what client
libraries' in-cluster configuration reads. The kubelet writes the files
(node/kubelet_projection.py). Not done: refusing a pod whose ServiceAccount does not exist.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kubenb.api.names import generate_name

if TYPE_CHECKING:
    from kubenb.api.store import Op, Store

VOLUME_PREFIX = "kube-api-access-"
MOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount"
TOKEN_SECONDS = 3607  # serviceaccount.WarnOnlyBoundTokenExpirationSeconds
MIRROR = "kubernetes.io/config.mirror"


def token_volume(name: str) -> dict[str, Any]:
    """TokenVolumeSource, as the API server stores it (defaults filled)."""
    return {"name": name, "projected": {"sources": [
        {"serviceAccountToken": {"expirationSeconds": TOKEN_SECONDS, "path": "token"}},
        {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
        {"downwardAPI": {"items": [{"path": "namespace",
                                    "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}}]}},
    ], "defaultMode": 420}}


class ServiceAccountTokenMount:
    def __init__(self, store: Store) -> None:
        self.store = store

    def _automount(self, pod: dict[str, Any]) -> bool:
        spec = pod["spec"]
        if spec.get("automountServiceAccountToken") is not None:
            return bool(spec["automountServiceAccountToken"])
        account = self.store.try_get("ServiceAccount", pod["metadata"].get("namespace") or "default",
                                     spec.get("serviceAccountName") or "default")
        return account is None or account.get("automountServiceAccountToken") is not False

    def admit(self, op: Op, obj: dict[str, Any], old: dict[str, Any] | None) -> None:
        spec = obj.get("spec")
        if obj.get("kind") != "Pod" or op != "CREATE" or not isinstance(spec, dict):
            return
        if MIRROR in ((obj.get("metadata") or {}).get("annotations") or {}) or not self._automount(obj):
            return
        volumes = [v for v in spec.get("volumes") or [] if isinstance(v, dict)]
        name = next((v.get("name") for v in volumes if str(v.get("name", "")).startswith(VOLUME_PREFIX)), None)
        has_volume = name is not None
        if name is None:
            name = generate_name(VOLUME_PREFIX, self.store._name_rng(VOLUME_PREFIX))
        needed = False
        for key in ("initContainers", "containers"):
            for c in spec.get(key) or []:
                if not isinstance(c, dict):
                    continue
                mounts = c.get("volumeMounts") or []
                if any(isinstance(m, dict) and m.get("mountPath") == MOUNT_PATH for m in mounts):
                    continue
                c["volumeMounts"] = [*mounts, {"name": name, "readOnly": True, "mountPath": MOUNT_PATH}]
                needed = True
        if needed and not has_volume:
            spec["volumes"] = [*(spec.get("volumes") or []), token_volume(name)]

    def release(self, obj: dict[str, Any]) -> None:
        return None
