"""The namespace controller, with the serviceaccount and root-ca-cert-publisher duties.

Watches Namespaces (own key), Pods and the other namespaced kinds only to learn that the
content of a terminating namespace shrank, and ServiceAccount `default` / ConfigMap
`kube-root-ca.crt` (so a deleted one comes back).

A namespace with a deletionTimestamp: every namespaced object in it (every namespaced kind
in the registry) is deleted; while some remain (pods finishing their grace period, objects
with finalizers) the namespace's status conditions say so, as upstream's do, and it is
looked at again. When nothing is left, `spec.finalizers` is cleared and the store removes
the namespace.

An Active namespace gets, if missing, the `default` ServiceAccount (the serviceaccount
controller) and the `kube-root-ca.crt` ConfigMap (the root-ca-cert-publisher). Its
`ca.crt` is a PEM-shaped placeholder made once per controller from the cluster seed, not a
real certificate, unless the cluster passes its real CA bundle in.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import logging
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any

from kubenb.api.errors import AlreadyExists, Conflict, Forbidden, NotFound
from kubenb.api.objects import Key, WatchEvent, clone
from kubenb.api.pods import set_condition
from kubenb.clock import rfc3339
from kubenb.config import Context
from kubenb.controllers.base import Controller, Watch, own_key

if TYPE_CHECKING:
    from kubenb.api.store import Store

log = logging.getLogger("kubenb.controllers.namespace")

ROOT_CA_CONFIGMAP = "kube-root-ca.crt"
ROOT_CA_DESCRIPTION = (
    "Contains a CA bundle that can be used to verify the kube-apiserver when using internal "
    "endpoints such as the internal service IP or kubernetes.default.svc. No other usage is "
    "guaranteed across distributions of Kubernetes clusters."
)
RECHECK_SECONDS = 2.0  # a terminating namespace with content left is looked at again
_DELETION_CONDITIONS = (
    ("NamespaceDeletionDiscoveryFailure", "ResourcesDiscovered",
     "All resources successfully discovered"),
    ("NamespaceDeletionGroupVersionParsingFailure", "ParsedGroupVersions",
     "All legacy kube types successfully parsed"),
    ("NamespaceDeletionContentFailure", "ContentDeleted",
     "All content successfully deleted, may be waiting on finalization"),
)


def placeholder_ca(seed: str) -> str:
    """A PEM-shaped CA bundle, the same for the same seed (not a parseable certificate)."""
    body = b""
    block = seed.encode()
    while len(body) < 800:
        block = hashlib.sha256(block).digest()
        body += block
    text = base64.b64encode(body[:800]).decode()
    lines = [text[i:i + 64] for i in range(0, len(text), 64)]
    return "-----BEGIN CERTIFICATE-----\n" + "\n".join(lines) + "\n-----END CERTIFICATE-----\n"


def publish_root_ca(store: Store, pem: str) -> None:
    """The root-ca-cert-publisher when the CA changes (an API server starts serving): every
    namespace's `kube-root-ca.crt` shows it (the controller writes it into new namespaces)."""
    for cm in store.list("ConfigMap"):
        if cm["metadata"]["name"] == ROOT_CA_CONFIGMAP and (cm.get("data") or {}).get("ca.crt") != pem:
            new = clone(cm)
            new["data"] = {"ca.crt": pem}
            with contextlib.suppress(Conflict, NotFound):  # the controller writes the same
                store.update(new)


class NamespaceController(Controller):
    name = "namespace-controller"

    def __init__(self, ctx: Context, ca_bundle: str | None = None) -> None:
        super().__init__(ctx)
        # Derived from the rng's state without drawing from it, so other seeded output
        # (names, uids) does not depend on whether this controller exists.
        seed = hashlib.sha256(repr(ctx.rng.getstate()).encode()).hexdigest()
        self.ca_bundle = ca_bundle or placeholder_ca(seed)

    def watches(self) -> list[Watch]:
        out = [
            Watch("Namespace", own_key),
            Watch("ServiceAccount", _namespace_if_named("default")),
            Watch("ConfigMap", _namespace_if_named(ROOT_CA_CONFIGMAP)),
        ]
        for rt in self.store.registry:
            if rt.namespaced and rt.kind not in ("Event", "ServiceAccount", "ConfigMap"):
                out.append(Watch(rt.kind, _namespace_on_delete))
        return out

    def reconcile(self, key: Key) -> float | None:
        ns = self.store.try_get("Namespace", None, key.name)
        if ns is None:
            return None
        if ns["metadata"].get("deletionTimestamp"):
            return self._finalize(ns)
        if (ns.get("status") or {}).get("phase", "Active") == "Active":
            self._ensure_defaults(key.name)
        return None

    # ---- deletion ----------------------------------------------------------------------

    def _finalize(self, ns: dict[str, Any]) -> float | None:
        name = ns["metadata"]["name"]
        remaining: dict[str, int] = {}
        finalizers: dict[str, int] = {}
        for rt in self.store.registry:
            if not rt.namespaced:
                continue
            for obj in self.store.list(rt.kind, name):
                if not obj["metadata"].get("deletionTimestamp"):
                    try:
                        self.store.delete(rt.kind, name, obj["metadata"]["name"])
                    except NotFound:
                        pass
            left = self.store.list(rt.kind, name)
            if left:
                remaining[f"{rt.plural}.{rt.group}"] = len(left)
                for obj in left:
                    for f in obj["metadata"].get("finalizers") or []:
                        finalizers[f] = finalizers.get(f, 0) + 1
        self._set_deletion_conditions(ns, remaining, finalizers)
        if remaining:
            return RECHECK_SECONDS
        current = self.store.get("Namespace", None, name)
        new = clone(current)
        new.setdefault("spec", {}).pop("finalizers", None)
        if not new["spec"]:
            new.pop("spec")
        self.store.update(new)
        log.info("namespace %s: content gone, finalized", name)
        return None

    def _set_deletion_conditions(
        self, ns: dict[str, Any], remaining: dict[str, int], finalizers: dict[str, int]
    ) -> None:
        now = rfc3339(self.clock.now())
        status = clone(ns.get("status") or {})
        for ctype, reason, message in _DELETION_CONDITIONS:
            set_condition(status, ctype, "False", now, reason, message)
        if remaining:
            parts = sorted(f"{r} has {n} resource instances" for r, n in remaining.items())
            set_condition(status, "NamespaceContentRemaining", "True", now,
                          "SomeResourcesRemain",
                          "Some resources are remaining: " + ", ".join(parts))
        else:
            set_condition(status, "NamespaceContentRemaining", "False", now,
                          "ContentRemoved", "All content successfully removed")
        if finalizers:
            parts = sorted(f"{f} in {n} resource instances" for f, n in finalizers.items())
            set_condition(status, "NamespaceFinalizersRemaining", "True", now,
                          "SomeFinalizersRemain",
                          "Some content in the namespace has finalizers remaining: "
                          + ", ".join(parts))
        else:
            set_condition(status, "NamespaceFinalizersRemaining", "False", now,
                          "ContentHasNoFinalizers", "All content-preserving finalizers finished")
        if status != (ns.get("status") or {}):
            new = clone(ns)
            new["status"] = status
            try:
                self.store.update(new, subresource="status")
            except Conflict:
                pass  # looked at again shortly anyway

    # ---- defaults for active namespaces ------------------------------------------------

    def _ensure_defaults(self, namespace: str) -> None:
        if self.store.try_get("ServiceAccount", namespace, "default") is None:
            self._create({"apiVersion": "v1", "kind": "ServiceAccount",
                          "metadata": {"name": "default", "namespace": namespace}})
        cm = self.store.try_get("ConfigMap", namespace, ROOT_CA_CONFIGMAP)
        data = {"ca.crt": self.ctx.root_ca or self.ca_bundle}
        if cm is None:
            self._create({
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": {"name": ROOT_CA_CONFIGMAP, "namespace": namespace,
                             "annotations": {"kubernetes.io/description": ROOT_CA_DESCRIPTION}},
                "data": data,
            })
        elif cm.get("data") != data:
            new = clone(cm)
            new["data"] = data
            new["metadata"].setdefault("annotations", {})[
                "kubernetes.io/description"] = ROOT_CA_DESCRIPTION
            self.store.update(new)

    def _create(self, obj: dict[str, Any]) -> None:
        try:
            self.store.create(obj)
        except (AlreadyExists, Forbidden):
            pass  # raced with someone else, or the namespace started terminating


def _namespace_if_named(name: str) -> Callable[[WatchEvent], list[Hashable]]:
    """Map a change of the object called `name` to its namespace's key."""

    def keys(event: WatchEvent) -> list[Hashable]:
        meta = event["object"]["metadata"]
        if meta["name"] != name:
            return []
        return [Key("Namespace", "", meta.get("namespace") or "default")]

    return keys


def _namespace_on_delete(event: WatchEvent) -> list[Hashable]:
    """Content leaving a namespace may let a terminating namespace finish."""
    if event["type"] != "DELETED":
        return []
    return [Key("Namespace", "", event["object"]["metadata"].get("namespace") or "default")]
