"""`kubectl describe` for certificates.k8s.io/v1 CertificateSigningRequest.

kubectl's describeCertificateSigningRequest: name, labels and annotations on one line each
(FormatLabels), creation time, requester, signer, requested duration, the status text
(extractCSRStatus), then the request's subject (Common Name and Serial Number always, the
list-valued attributes when present, several values on continuation lines) and its subject
alternative names, read from the PEM in spec.request (kubenb.api.pkcs10). Fed by the CLI's
describe command.
"""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Any

from kubenb.api.csr import condition_text
from kubenb.api.pkcs10 import RequestError, parse_request
from kubenb.api.tables.duration import human_duration
from kubenb.api.tables.model import format_labels
from kubenb.cli.kubectl.describe.events import write_events_if_shown
from kubenb.cli.kubectl.describe.writer import DEFAULT_KUBECTL_MINOR, DescribeWriter, meta, rfc1123z


class CSRParseError(ValueError):
    """kubectl's `Error parsing CSR: ...` (the describe fails for this object)."""


def _list(w: DescribeWriter, name: str, values: list[str]) -> None:
    """kubectl printListHelper with the "\\t" prefix: nothing for no values."""
    if values:
        w.write(0, f"\t{name}:\t" + "\n\t\t".join(values) + "\n")


def describe_csr(csr: dict[str, Any], events: list[dict[str, Any]] | None, now: datetime, *,
                 kubectl_minor: int = DEFAULT_KUBECTL_MINOR) -> str:
    m = meta(csr)
    spec = csr.get("spec") or {}
    try:
        req = parse_request(base64.b64decode(spec.get("request") or ""))
    except (RequestError, binascii.Error, ValueError) as err:
        raise CSRParseError(f"Error parsing CSR: {err}") from err
    w = DescribeWriter()
    w.write(0, f"Name:\t{m.get('name', '')}\n")
    w.write(0, f"Labels:\t{format_labels(m.get('labels'))}\n")
    w.write(0, f"Annotations:\t{format_labels(m.get('annotations'))}\n")
    w.write(0, f"CreationTimestamp:\t{rfc1123z(m.get('creationTimestamp'))}\n")
    w.write(0, f"Requesting User:\t{spec.get('username') or ''}\n")
    if spec.get("signerName"):
        w.write(0, f"Signer:\t{spec['signerName']}\n")
    if spec.get("expirationSeconds") is not None:
        w.write(0, f"Requested Duration:\t{human_duration(spec['expirationSeconds'])}\n")
    w.write(0, f"Status:\t{condition_text(csr)}\n")
    w.write(0, "Subject:\n")
    w.write(0, f"\tCommon Name:\t{req.common_name}\n")
    w.write(0, f"\tSerial Number:\t{req.serial_number}\n")
    for name, values in (("Organization", req.organization),
                         ("Organizational Unit", req.organizational_unit),
                         ("Country", req.country), ("Locality", req.locality),
                         ("Province", req.province), ("StreetAddress", req.street_address),
                         ("PostalCode", req.postal_code)):
        _list(w, name, values)
    if req.dns_names or req.email_addresses or req.ip_addresses or req.uris:
        w.write(0, "Subject Alternative Names:\n")
        _list(w, "DNS Names", req.dns_names)
        _list(w, "Email Addresses", req.email_addresses)
        _list(w, "URIs", req.uris)
        _list(w, "IP Addresses", req.ip_addresses)
    write_events_if_shown(w, events, now, kubectl_minor)
    return w.render()
