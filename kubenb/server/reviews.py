"""POST of the answered-not-stored kinds: access and token reviews, and `serviceaccounts/NAME/token`.

`review(h, t)` answers a review kind (api/reviews.py) for the requesting user (after
impersonation, so `kubectl auth can-i --as=jane` asks about jane); `token(h, t)` issues a
ServiceAccount token (api/tokens.py), the TokenRequest API `kubectl create token` calls.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kubenb.api.errors import BadRequest
from kubenb.api.rbac import ADMIN
from kubenb.api.reviews import review as answer
from kubenb.api.tokens import request_token
from kubenb.server.paths import Target

if TYPE_CHECKING:
    from kubenb.server.handler import ApiRequestHandler


def review(h: ApiRequestHandler, t: Target) -> None:
    body = h.body_object()
    if not isinstance(body, dict) or body.get("kind") not in (None, t.kind):
        raise BadRequest(f"the body of the request was not a {t.kind} object")
    body = {**body, "kind": t.kind, "apiVersion": t.resource.api_version}
    if t.namespace is not None:
        attrs = (body.get("spec") or {}).get("resourceAttributes") or {}
        if attrs.get("namespace") != t.namespace:
            raise BadRequest(f"spec.resourceAttributes.namespace must match namespace: "
                             f"{t.namespace}")
    h.send_json(answer(h.api.store, body, h.user or ADMIN), 201)


def token(h: ApiRequestHandler, t: Target) -> None:
    assert t.name is not None and t.namespace is not None
    body = h.body_object()
    if not isinstance(body, dict):
        raise BadRequest("the body of the request was not a TokenRequest object")
    h.send_json(request_token(h.api.store, t.namespace, t.name, body), 201)
