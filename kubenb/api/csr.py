"""certificates.k8s.io/v1 CertificateSigningRequests: validation, the requester, approval.

- `validate_csr`: ValidateCertificateSigningRequest (a PEM `CERTIFICATE REQUEST` block, a
  qualified `signerName`, known `usages`, `expirationSeconds` of at least 10 minutes).
- `with_requester(csr, user)`: what kube-apiserver writes on create — `spec.username`,
  `uid`, `groups`, `extra` of whoever created it, whatever the body said.
- `approval_update(old, new)`: the `approval` subresource: only the Approved/Denied
  conditions change, and they may not be removed or both be set.
- `condition_text(csr)`: the CONDITION column and describe's Status (`Pending`,
  `Approved,Issued`, `Approved,Failed`, …).
The signing controller (controllers/csrsigning.py) issues approved requests' certificates.
"""

from __future__ import annotations

import base64
import binascii
from typing import TYPE_CHECKING

from kubenb.api.errors import Conflict, ErrorList, GoText, Invalid
from kubenb.api.objects import Obj, clone
from kubenb.api.rbac import UserInfo
from kubenb.api.validation_meta import (
    as_dict,
    as_list,
    name_is_dns_subdomain,
    validate_object_meta,
    validate_object_meta_update,
)

if TYPE_CHECKING:
    from kubenb.api.store import Store

KUBE_APISERVER_CLIENT = "kubernetes.io/kube-apiserver-client"
USAGES = ("signing", "digital signature", "content commitment", "key encipherment",
          "key agreement", "data encipherment", "cert sign", "crl sign", "encipher only",
          "decipher only", "any", "server auth", "client auth", "code signing",
          "email protection", "s/mime", "ipsec end system", "ipsec tunnel", "ipsec user",
          "timestamping", "ocsp signing", "microsoft sgc", "netscape sgc")


def request_pem(csr: Obj) -> bytes | None:
    """The PEM of spec.request, or None when it is not a base64 CERTIFICATE REQUEST."""
    try:
        data = base64.b64decode(as_dict(csr.get("spec")).get("request") or "", validate=True)
    except (binascii.Error, ValueError, TypeError):
        return None
    if b"-----BEGIN CERTIFICATE REQUEST-----" not in data:
        return None
    return data


def validate_csr(errs: ErrorList, obj: Obj, old: Obj | None) -> None:
    if old is not None:
        validate_object_meta_update(errs, obj.get("metadata"), old.get("metadata"))
        return
    validate_object_meta(errs, obj.get("metadata"), False, name_is_dns_subdomain)
    spec = as_dict(obj.get("spec"))
    if request_pem(obj) is None:
        try:
            raw = base64.b64decode(spec.get("request") or "")
        except (binascii.Error, ValueError, TypeError):
            raw = b""
        errs.invalid("spec.request", GoText("[]byte{" + ", ".join(f"0x{b:x}" for b in raw) + "}"),
                     "PEM block type must be CERTIFICATE REQUEST")
    signer = spec.get("signerName") or ""
    if not signer:
        errs.required("spec.signerName")
    elif "/" not in signer or signer.startswith("/") or signer.endswith("/"):
        errs.invalid("spec.signerName", signer, "must be a fully qualified domain and path of "
                     "the form 'example.com/signer-name'")
    usages = as_list(spec.get("usages"))
    if not usages:
        errs.required("spec.usages")
    for i, usage in enumerate(usages):
        if usage not in USAGES:
            errs.not_supported(f"spec.usages[{i}]", usage, list(USAGES))
    seconds = spec.get("expirationSeconds")
    if seconds is not None and (not isinstance(seconds, int) or seconds < 600):
        errs.invalid("spec.expirationSeconds", seconds, "may not specify a duration less than "
                     "600 seconds (10 minutes)")


def with_requester(csr: Obj, user: UserInfo) -> Obj:
    out = clone(csr)
    spec = out.setdefault("spec", {})
    spec["username"] = user.name
    if user.uid:
        spec["uid"] = user.uid
    else:
        spec.pop("uid", None)
    spec["groups"] = list(user.groups)
    if user.extra:
        spec["extra"] = user.extra
    else:
        spec.pop("extra", None)
    return out


def _types(csr: Obj) -> list[str]:
    return [c.get("type", "") for c in as_list(as_dict(csr.get("status")).get("conditions"))]


def approval_update(old: Obj, new: Obj) -> Obj:
    """The stored object after an `approval` write: old, with new's Approved/Denied conditions."""
    merged = clone(old)
    conditions = [c for c in as_list(as_dict(new.get("status")).get("conditions"))
                  if as_dict(c).get("type") in ("Approved", "Denied")]
    kept = [c for c in as_list(as_dict(old.get("status")).get("conditions"))
            if as_dict(c).get("type") not in ("Approved", "Denied")]
    merged.setdefault("status", {})["conditions"] = conditions + kept
    return merged


def approval_errors(old: Obj, new: Obj) -> ErrorList:
    errs = ErrorList()
    types = _types(new)
    if "Approved" in types and "Denied" in types:
        errs.invalid("status.conditions", "", "Approved and Denied conditions are mutually "
                     "exclusive")
    for kind in ("Approved", "Denied"):
        if kind in _types(old) and kind not in types:
            errs.forbidden("status.conditions", f"updates may not remove a condition of type "
                           f'"{kind}"')
    return errs


def write_approval(store: Store, new: Obj, *, dry_run: bool = False) -> Obj:
    """PUT certificatesigningrequests/NAME/approval: the Approved/Denied conditions of `new`."""
    name = as_dict(new.get("metadata")).get("name") or ""
    old = store.get("CertificateSigningRequest", None, name)
    want = as_dict(new.get("metadata")).get("resourceVersion")
    if want and want != old["metadata"]["resourceVersion"]:
        raise Conflict("certificatesigningrequests.certificates.k8s.io", name)
    errs = approval_errors(old, new)
    if errs.errors:
        raise Invalid("CertificateSigningRequest", "certificates.k8s.io", name, errs.errors)
    return store.update(approval_update(old, new), subresource="status", dry_run=dry_run)


def condition_text(csr: Obj) -> str:
    """extractCSRStatus (the CONDITION cell, describe's Status): Denied, else Approved, else
    Pending; then `,Failed` and `,Issued` when they apply. Other condition types are not shown."""
    types = _types(csr)
    text = "Denied" if "Denied" in types else "Approved" if "Approved" in types else "Pending"
    if "Failed" in types:
        text += ",Failed"
    if as_dict(csr.get("status")).get("certificate"):
        text += ",Issued"
    return text


def requester_text(csr: Obj) -> str:
    return as_dict(csr.get("spec")).get("username") or ""


def issued(csr: Obj) -> bool:
    return bool(as_dict(csr.get("status")).get("certificate"))


def signable(csr: Obj) -> bool:
    types = _types(csr)
    return ("Approved" in types and "Denied" not in types and "Failed" not in types
            and not issued(csr))
