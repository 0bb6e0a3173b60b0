"""kubenb.api.pkcs10: a PKCS#10 request's subject and SANs as Go's x509 reads them."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from kubenb.api.pkcs10 import RequestError, parse_request


def _pem(tmp: Path, subject: str, *extra: str) -> bytes:
    subprocess.run(["openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-keyout", str(tmp / "k"), "-out", str(tmp / "r"), "-subj", subject,
                    "-utf8", *extra], check=True, capture_output=True)
    return (tmp / "r").read_bytes()


def test_the_last_common_name_wins_and_lists_keep_their_order(tmp_path: Path) -> None:
    req = parse_request(_pem(tmp_path, "/CN=first/O=b/O=a/street=Main St 1/postalCode=80331/CN=läst"))
    assert (req.common_name, req.organization, req.street_address, req.postal_code) == (
        "läst", ["b", "a"], ["Main St 1"], ["80331"])
    assert req.dns_names == req.ip_addresses == []


def test_ipv4_mapped_addresses_print_as_ipv4(tmp_path: Path) -> None:
    req = parse_request(_pem(tmp_path, "/CN=x", "-addext",
                             "subjectAltName=IP:::ffff:10.1.2.3,IP:2001:db8::1,DNS:a.b"))
    assert (req.ip_addresses, req.dns_names) == (["10.1.2.3", "2001:db8::1"], ["a.b"])


@pytest.mark.parametrize("text", [b"junk", b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"])
def test_anything_but_a_request_block_is_refused(text: bytes) -> None:
    with pytest.raises(RequestError, match="PEM block type must be CERTIFICATE REQUEST"):
        parse_request(text)


def test_a_truncated_request_is_an_error_not_a_crash() -> None:
    pem = b"-----BEGIN CERTIFICATE REQUEST-----\nMIIBAAAA\n-----END CERTIFICATE REQUEST-----\n"
    with pytest.raises(RequestError):
        parse_request(pem)
