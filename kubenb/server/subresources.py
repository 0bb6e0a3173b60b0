"""The `scale`, `binding` and `eviction` subresources.

- `deployments|replicasets/NAME/scale`: an autoscaling/v1 `Scale` view of `spec.replicas`
  and `status.replicas`/selector. GET returns it; PUT and PATCH (merge, strategic, json)
  change it and write `spec.replicas` back, with the Scale's resourceVersion as precondition.
- `pods/NAME/binding`: POST a `Binding` → the store's bind (what the scheduler does).
- `pods/NAME/eviction`: POST an `Eviction` → kubenb/api/eviction.py: a graceful delete with
  its deleteOptions, unless a PodDisruptionBudget refuses it (429 TooManyRequests).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kubenb.api.errors import BadRequest, Conflict
from kubenb.api.eviction import evict
from kubenb.api.objects import clone
from kubenb.api.patch import apply_patch
from kubenb.api.registry import ResourceType
from kubenb.api.tables.model import selector_string
from kubenb.server.apply import writer
from kubenb.server.handler import status_success
from kubenb.server.paths import Target

if TYPE_CHECKING:
    from kubenb.server.handler import ApiRequestHandler


def scale_of(obj: dict[str, Any], rt: ResourceType | None = None) -> dict[str, Any]:
    meta = obj["metadata"]
    if rt is not None and rt.custom is not None:  # the CRD's specReplicasPath and friends
        spec_n, status_n, selector = rt.custom.scale_numbers(obj)
        status: dict[str, Any] = {"replicas": status_n}
        if selector:
            status["selector"] = selector
        return {"kind": "Scale", "apiVersion": "autoscaling/v1",
                "metadata": {k: meta[k] for k in ("name", "namespace", "uid", "resourceVersion",
                                                  "creationTimestamp") if k in meta},
                "spec": {"replicas": spec_n}, "status": status}
    return {
        "kind": "Scale", "apiVersion": "autoscaling/v1",
        "metadata": {k: meta[k] for k in ("name", "namespace", "uid", "resourceVersion",
                                          "creationTimestamp") if k in meta},
        "spec": {"replicas": int((obj.get("spec") or {}).get("replicas", 1))},
        "status": {"replicas": int((obj.get("status") or {}).get("replicas", 0)),
                   "selector": selector_string((obj.get("spec") or {}).get("selector"))},
    }


def scale(h: ApiRequestHandler, t: Target) -> None:
    assert t.name is not None
    store = h.api.store
    method = h.request.method
    if method == "GET":
        h.send_json(scale_of(store.get(t.kind, t.namespace, t.name), t.resource))
        return
    dry = h.dry_run()
    for _ in range(16):
        current = store.get(t.kind, t.namespace, t.name)
        view = scale_of(current, t.resource)
        if method == "PUT":
            new = h.body_object()
            if not isinstance(new, dict) or not isinstance(new.get("spec"), dict):
                raise BadRequest("the body of the request was not a Scale object")
        else:
            ctype = h.content_type()
            new = apply_patch(view, h.body, "merge" if ctype.startswith("application/apply")
                              else ctype)
        replicas = (new.get("spec") or {}).get("replicas")
        if not isinstance(replicas, int) or isinstance(replicas, bool):
            raise BadRequest("Scale.spec.replicas must be an integer")
        want_rv = (new.get("metadata") or {}).get("resourceVersion")
        if want_rv and want_rv != current["metadata"]["resourceVersion"]:
            raise Conflict(t.resource.qualified, t.name)
        obj = clone(current)
        if t.resource.custom is not None:
            t.resource.custom.set_replicas(obj, replicas)
        else:
            obj["spec"]["replicas"] = replicas
        try:
            updated = store.update(obj, dry_run=dry, manager=writer(h, "scale"))
        except Conflict:
            continue
        h.send_json(scale_of(updated, t.resource))
        return
    raise Conflict(t.resource.qualified, t.name)


def binding(h: ApiRequestHandler, t: Target) -> None:
    assert t.name is not None
    body = h.body_object()
    target = (body or {}).get("target") or {} if isinstance(body, dict) else {}
    node = target.get("name")
    if not node:
        raise BadRequest("Binding.target.name: Required value")
    if not h.dry_run():
        h.api.store.bind(t.namespace or "default", t.name, node)
    h.send_json({**status_success(), "code": 201}, 201)


def eviction(h: ApiRequestHandler, t: Target) -> None:
    assert t.name is not None
    body = h.body_object()
    if not isinstance(body, dict):
        raise BadRequest("the body of the request was not an Eviction object")
    name = (body.get("metadata") or {}).get("name", t.name)
    if name != t.name:
        raise BadRequest("name in URL does not match name in Eviction object")
    opts = body.get("deleteOptions") or {}
    dry = h.dry_run() or "All" in (opts.get("dryRun") or [])
    evict(h.api.store, t.namespace or "default", t.name,
          grace_period_seconds=opts.get("gracePeriodSeconds"),
          uid=(opts.get("preconditions") or {}).get("uid"), dry_run=dry)
    h.send_json({**status_success(), "code": 201}, 201)
