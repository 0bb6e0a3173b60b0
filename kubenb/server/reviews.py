"""Writes that depend on who asks: access and token reviews (answered, not stored),
`serviceaccounts/NAME/token`, and CertificateSigningRequests (create and `approval`).

`review(h, t)` answers a review kind (api/reviews.py) for the requesting user (after
impersonation, so `kubectl auth can-i --as=jane` asks about jane); `token(h, t)` issues a
ServiceAccount token (api/tokens.py), the TokenRequest API `kubectl create token` calls.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kubenb.api.csr import with_requester, write_approval
from kubenb.api.errors import BadRequest
from kubenb.api.rbac import ADMIN
from kubenb.api.reviews import review as answer
from kubenb.api.tokens import request_token
from kubenb.server.paths import Target
from kubenb.server.resources import check_type_meta

if TYPE_CHECKING:
    from kubenb.server.handler import ApiRequestHandler


def review(h: ApiRequestHandler, t: Target) -> None:
    body = h.body_object()
    if not isinstance(body, dict):
        raise BadRequest("the body of the request was not a JSON object")
    body = dict(body)
    check_type_meta(body, t)  # no kind or apiVersion: the URL's, as for any create
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


def create_csr(h: ApiRequestHandler, t: Target) -> None:
    """POST a CertificateSigningRequest: its spec names the requester, whatever the body said."""
    body = h.body_object()
    if not isinstance(body, dict):
        raise BadRequest("the body of the request was not a CertificateSigningRequest object")
    created = h.api.store.create(with_requester(body, h.user or ADMIN), dry_run=h.dry_run())
    h.send_json(created, 201)


def approval(h: ApiRequestHandler, t: Target) -> None:
    body = h.body_object()
    if not isinstance(body, dict):
        raise BadRequest("the body of the request was not a CertificateSigningRequest object")
    h.send_json(write_approval(h.api.store, body, dry_run=h.dry_run()))
