"""The review kinds: objects that are answered, never stored (authorization.k8s.io,
authentication.k8s.io).

`review(store, obj, user)` answers a created SelfSubjectAccessReview, SubjectAccessReview,
LocalSubjectAccessReview, SelfSubjectRulesReview, SelfSubjectReview or TokenReview by asking
the RBAC authorizer (api/rbac.py) or the token authenticator (api/tokens.py) on behalf of
`user`, the requester. `kubectl auth can-i` and `kubectl auth whoami` create them; the HTTP
server answers them for any client. The answer is the request with its `status` filled in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kubenb.api.errors import BadRequest, ErrorList, Invalid
from kubenb.api.rbac import ADMIN, MASTERS, Attributes, UserInfo, allowed, rules_for
from kubenb.api.registry import REGISTRY
from kubenb.api.tokens import user_for

if TYPE_CHECKING:
    from kubenb.api.store import Store

REVIEW_KINDS = frozenset({"SelfSubjectAccessReview", "SubjectAccessReview",
                          "LocalSubjectAccessReview", "SelfSubjectRulesReview",
                          "SelfSubjectReview", "TokenReview"})


def _attributes(user: UserInfo, spec: dict[str, Any], kind: str) -> Attributes:
    res, non = spec.get("resourceAttributes"), spec.get("nonResourceAttributes")
    errs = ErrorList()
    if res and non:
        errs.invalid("spec.nonResourceAttributes", non,
                     "cannot be specified in combination with resourceAttributes")
    elif not res and not non:
        errs.required("spec.resourceAttributes",
                      "exactly one of nonResourceAttributes or resourceAttributes must be specified")
    if errs.errors:
        raise Invalid(kind, "authorization.k8s.io", "", errs.errors)
    if non:
        return Attributes(user, non.get("verb") or "", path=non.get("path") or "",
                          resource_request=False)
    return Attributes(user, res.get("verb") or "", res.get("namespace") or "",
                      res.get("group") or "", res.get("resource") or "",
                      res.get("subresource") or "", res.get("name") or "")


def _spec_user(spec: dict[str, Any]) -> UserInfo:
    return UserInfo(spec.get("user") or "", tuple(spec.get("groups") or ()), spec.get("uid") or "",
                    dict(spec.get("extra") or {}))


def _rules_review(store: Store, user: UserInfo, namespace: str) -> dict[str, Any]:
    resource, non_resource = [], []
    for rule in rules_for(store, user, namespace):
        if rule.get("nonResourceURLs"):
            non_resource.append({"verbs": rule.get("verbs") or [],
                                 "nonResourceURLs": rule["nonResourceURLs"]})
        else:
            entry = {"verbs": rule.get("verbs") or [], "apiGroups": rule.get("apiGroups") or [],
                     "resources": rule.get("resources") or []}
            if rule.get("resourceNames"):
                entry["resourceNames"] = rule["resourceNames"]
            resource.append(entry)
    return {"resourceRules": resource, "nonResourceRules": non_resource, "incomplete": False}


def review(store: Store, obj: dict[str, Any], user: UserInfo = ADMIN) -> dict[str, Any]:
    """Answer one review object created by `user`."""
    kind = obj.get("kind", "")
    if kind not in REVIEW_KINDS:
        raise BadRequest(f"{kind} is not a review kind")
    out = {"kind": kind, "apiVersion": obj.get("apiVersion") or REGISTRY.by_kind(kind).api_version,
           "metadata": {**(obj.get("metadata") or {}), "creationTimestamp": None},
           "spec": dict(obj.get("spec") or {})}
    spec = out["spec"]
    if kind == "SelfSubjectReview":
        out.pop("spec")
        out["status"] = {"userInfo": user.as_json()}
    elif kind == "TokenReview":
        found = user_for(store, spec.get("token") or "")
        out["status"] = ({"authenticated": True, "user": found.as_json(),
                          "audiences": spec.get("audiences") or
                          ["https://kubernetes.default.svc.cluster.local"]}
                         if found else {"user": {}})
    elif kind == "SelfSubjectRulesReview":
        out["status"] = _rules_review(store, user, spec.get("namespace") or "")
    else:
        who = user if kind == "SelfSubjectAccessReview" else _spec_user(spec)
        a = _attributes(who, spec, kind)
        ok = MASTERS in who.groups or allowed(store, a)
        out["status"] = {"allowed": ok}
    return out
