"""ServiceAccount tokens: the TokenRequest API (`serviceaccounts/NAME/token`) and their check.

`request_token(store, namespace, name, spec)` issues a bound token for an existing
ServiceAccount: a JWT whose claims are the ones kube-apiserver writes (`iss`, `sub`
`system:serviceaccount:NS:NAME`, `aud`, `exp`/`iat`/`nbf` on the cluster clock, and the
`kubernetes.io` claim naming the account and its uid), signed with this cluster's key
(HS256 here, where kube-apiserver uses its RSA service-account key). `user_for(store, token)`
is the authenticator: a token that verifies, has not expired, and whose account still exists
with the same uid stands for that account's user; anything else is None (401).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from kubenb.api.errors import ErrorList, Invalid
from kubenb.api.rbac import UserInfo, service_account_user
from kubenb.clock import rfc3339

if TYPE_CHECKING:
    from kubenb.api.store import Store

ISSUER = "https://kubernetes.default.svc.cluster.local"
DEFAULT_SECONDS = 3600
MIN_SECONDS = 600


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(key: bytes, signing_input: str) -> str:
    return _b64(hmac.new(key, signing_input.encode("ascii"), hashlib.sha256).digest())


def request_token(store: Store, namespace: str, name: str,
                  request: dict[str, Any]) -> dict[str, Any]:
    """The TokenRequest answered: `request` with `status.token` and `expirationTimestamp`."""
    account = store.get("ServiceAccount", namespace, name)
    spec = dict(request.get("spec") or {})
    seconds = spec.get("expirationSeconds", DEFAULT_SECONDS)
    errs = ErrorList()
    if not isinstance(seconds, int) or seconds < MIN_SECONDS:
        errs.invalid("spec.expirationSeconds", seconds,
                     "may not specify a duration less than 10 minutes")
    elif seconds > 1 << 32:
        errs.invalid("spec.expirationSeconds", seconds,
                     "may not specify a duration larger than 2^32 seconds")
    if errs.errors:
        raise Invalid("TokenRequest", "authentication.k8s.io", name, errs.errors)
    audiences = list(spec.get("audiences") or [ISSUER])
    now = store.clock.now()
    issued = int(now.timestamp())
    claims = {
        "aud": audiences, "exp": issued + seconds, "iat": issued, "iss": ISSUER,
        "jti": str(uuid.uuid4()),
        "kubernetes.io": {"namespace": namespace, "serviceaccount": {
            "name": name, "uid": account["metadata"]["uid"]}},
        "nbf": issued, "sub": f"system:serviceaccount:{namespace}:{name}",
    }
    header = _b64(json.dumps({"alg": "HS256", "kid": ""}, separators=(",", ":")).encode())
    body = _b64(json.dumps(claims, separators=(",", ":")).encode())
    token = f"{header}.{body}.{_sign(store.token_key, f'{header}.{body}')}"
    spec.setdefault("audiences", audiences)
    spec["expirationSeconds"] = seconds
    spec.setdefault("boundObjectRef", None)
    expires = datetime.fromtimestamp(issued + seconds, tz=timezone.utc)
    return {"kind": "TokenRequest", "apiVersion": "authentication.k8s.io/v1",
            "metadata": {"name": name, "namespace": namespace,
                         "creationTimestamp": rfc3339(now)},
            "spec": spec, "status": {"token": token, "expirationTimestamp": rfc3339(expires)}}


def claims_of(store: Store, token: str) -> dict[str, Any] | None:
    """The verified, unexpired claims of a token this cluster issued, else None."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    if not hmac.compare_digest(parts[2], _sign(store.token_key, f"{parts[0]}.{parts[1]}")):
        return None
    try:
        claims = json.loads(_unb64(parts[1]))
    except ValueError:
        return None
    if not isinstance(claims, dict) or claims.get("exp", 0) <= store.clock.now().timestamp():
        return None
    return claims


def user_for(store: Store, token: str) -> UserInfo | None:
    """The ServiceAccount user a bearer token stands for, or None."""
    claims = claims_of(store, token)
    if claims is None:
        return None
    ref = (claims.get("kubernetes.io") or {})
    namespace, account = ref.get("namespace"), (ref.get("serviceaccount") or {})
    sa = store.try_get("ServiceAccount", namespace, account.get("name", ""))
    if sa is None or sa["metadata"]["uid"] != account.get("uid"):
        return None
    return service_account_user(namespace, account["name"], sa["metadata"]["uid"])
