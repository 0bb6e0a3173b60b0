"""Row function for certificates.k8s.io/v1 CertificateSigningRequest
(printers.go printCertificateSigningRequest). Feeds `columns.table()`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kubenb.api.csr import condition_text, requester_text

from .duration import age, human_duration


def csr_row(csr: dict[str, Any], now: datetime) -> list[str]:
    """NAME, AGE, SIGNERNAME, REQUESTOR, REQUESTEDDURATION, CONDITION."""
    meta = csr.get("metadata") or {}
    spec = csr.get("spec") or {}
    seconds = spec.get("expirationSeconds")
    return [meta.get("name", ""), age(meta.get("creationTimestamp"), now),
            spec.get("signerName", ""), requester_text(csr),
            "<none>" if seconds is None else human_duration(seconds), condition_text(csr)]
