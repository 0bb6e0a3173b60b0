"""The subject and subject alternative names of a PKCS#10 certificate request, read from its DER.

`parse_request(pem)` decodes a PEM `CERTIFICATE REQUEST` (client-go's certificate.ParseCSR) and
walks the DER as Go's x509.ParseCertificateRequest does for what `kubectl describe csr` prints:
the subject's attributes filled in RDN order as pkix.Name.FillFromRDNSequence fills them (the
last CN and serialNumber win, the other attributes accumulate; values that are not ASN.1 string
types are skipped), and the SANs of an extensionRequest attribute (DNS names, email addresses,
URIs, IP addresses in the order they appear). A small DER reader, no third-party crypto package.
Read by the CLI's CSR describer.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import re
from dataclasses import dataclass, field

#: Name attribute OIDs (2.5.4.n) and the pkix.Name field each fills.
_NAME_FIELDS = {3: "common_name", 5: "serial_number", 6: "country", 7: "locality", 8: "province",
                9: "street_address", 10: "organization", 11: "organizational_unit", 17: "postal_code"}
_EXTENSION_REQUEST = "1.2.840.113549.1.9.14"
_SUBJECT_ALT_NAME = "2.5.29.17"
_PEM = re.compile(rb"-----BEGIN ([^-\r\n]*)-----\r?\n(.*?)-----END \1-----", re.S)


class RequestError(ValueError):
    """The request is not a parseable PKCS#10 request (the text follows Go's messages)."""


@dataclass
class CertificateRequest:
    common_name: str = ""
    serial_number: str = ""
    country: list[str] = field(default_factory=list)
    organization: list[str] = field(default_factory=list)
    organizational_unit: list[str] = field(default_factory=list)
    locality: list[str] = field(default_factory=list)
    province: list[str] = field(default_factory=list)
    street_address: list[str] = field(default_factory=list)
    postal_code: list[str] = field(default_factory=list)
    dns_names: list[str] = field(default_factory=list)
    email_addresses: list[str] = field(default_factory=list)
    uris: list[str] = field(default_factory=list)
    ip_addresses: list[str] = field(default_factory=list)


def _tlv(data: bytes, pos: int) -> tuple[int, bytes, int]:
    """(tag, contents, next position) of the DER element at `pos`."""
    if pos + 2 > len(data):
        raise RequestError("asn1: syntax error: data truncated")
    tag, length = data[pos], data[pos + 1]
    pos += 2
    if length & 0x80:
        count = length & 0x7F
        if count == 0 or count > 4 or pos + count > len(data):
            raise RequestError("asn1: structure error: length too large")
        length = int.from_bytes(data[pos:pos + count], "big")
        pos += count
    if pos + length > len(data):
        raise RequestError("asn1: syntax error: data truncated")
    return tag, data[pos:pos + length], pos + length


def _children(data: bytes) -> list[tuple[int, bytes]]:
    out, pos = [], 0
    while pos < len(data):
        tag, body, pos = _tlv(data, pos)
        out.append((tag, body))
    return out


def _oid(body: bytes) -> str:
    if not body:
        return ""
    parts = [min(body[0] // 40, 2), body[0] - 40 * min(body[0] // 40, 2)]
    value = 0
    for byte in body[1:]:
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            parts.append(value)
            value = 0
    return ".".join(map(str, parts))


def _string(tag: int, body: bytes) -> str | None:
    """The Go string of an ASN.1 string value, or None for a non-string type."""
    if tag in (0x0C, 0x12, 0x13, 0x16):  # UTF8String, NumericString, PrintableString, IA5String
        return body.decode("utf-8", "replace")
    if tag == 0x14:  # T61String: Go keeps the bytes
        return body.decode("latin-1")
    if tag == 0x1E:  # BMPString
        return body.decode("utf-16-be", "replace")
    return None


def _fill_subject(req: CertificateRequest, name: bytes) -> None:
    for _, rdn in _children(name):
        for _, atv in _children(rdn):
            parts = _children(atv)
            if len(parts) < 2 or parts[0][0] != 0x06:
                continue
            oid = _oid(parts[0][1]).split(".")
            value = _string(*parts[1])
            if value is None or len(oid) != 4 or oid[:3] != ["2", "5", "4"]:
                continue
            attr = _NAME_FIELDS.get(int(oid[3]))
            if attr in ("common_name", "serial_number"):
                setattr(req, attr, value)
            elif attr:
                getattr(req, attr).append(value)


def _ip_text(raw: bytes) -> str:
    if len(raw) == 4:
        return str(ipaddress.IPv4Address(raw))
    if len(raw) == 16:
        v6 = ipaddress.IPv6Address(raw)
        return str(v6.ipv4_mapped) if v6.ipv4_mapped else str(v6)
    raise RequestError(f"x509: cannot parse IP address of length {len(raw)}")


def _fill_sans(req: CertificateRequest, names: bytes) -> None:
    for tag, body in _children(_tlv(names, 0)[1]):
        if tag == 0x81:
            req.email_addresses.append(body.decode("ascii", "replace"))
        elif tag == 0x82:
            req.dns_names.append(body.decode("ascii", "replace"))
        elif tag == 0x86:
            req.uris.append(body.decode("ascii", "replace"))
        elif tag == 0x87:
            req.ip_addresses.append(_ip_text(body))


def _fill_extensions(req: CertificateRequest, attributes: bytes) -> None:
    for _, attribute in _children(attributes):
        parts = _children(attribute)
        if len(parts) < 2 or _oid(parts[0][1]) != _EXTENSION_REQUEST:
            continue
        for _, extensions in _children(parts[1][1]):
            for _, extension in _children(extensions):
                fields = _children(extension)
                if fields and _oid(fields[0][1]) == _SUBJECT_ALT_NAME and fields[-1][0] == 0x04:
                    _fill_sans(req, fields[-1][1])


def parse_der(der: bytes) -> CertificateRequest:
    """The subject and SANs of a DER CertificationRequest."""
    tag, body, _ = _tlv(der, 0)
    if tag != 0x30:
        raise RequestError("asn1: structure error: tags don't match")
    info_tag, info, _ = _tlv(body, 0)
    parts = _children(info)
    if info_tag != 0x30 or len(parts) < 3 or parts[1][0] != 0x30:
        raise RequestError("asn1: structure error: tags don't match")
    req = CertificateRequest()
    _fill_subject(req, parts[1][1])
    if len(parts) > 3 and parts[3][0] == 0xA0:
        _fill_extensions(req, parts[3][1])
    return req


def parse_request(pem: bytes) -> CertificateRequest:
    """client-go `certificate.ParseCSR`: the first PEM block, which must be a request."""
    match = _PEM.search(pem)
    if match is None or match.group(1) != b"CERTIFICATE REQUEST":
        raise RequestError("PEM block type must be CERTIFICATE REQUEST")
    try:
        der = base64.b64decode(b"".join(match.group(2).split()), validate=True)
    except (binascii.Error, ValueError) as err:
        raise RequestError("PEM block type must be CERTIFICATE REQUEST") from err
    return parse_der(der)
