"""CertificateSigningRequests: a learner's new user, from `openssl req` to a working kubeconfig."""

from __future__ import annotations

import base64
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Kube
from tests.server.conftest import KUBECTL_132, Served


def _openssl_request(tmp: Path, stem: str, subject: str, *extra: str) -> str:
    """A base64 PEM request for `subject` (its key in tmp/stem.key), `extra` openssl arguments."""
    subprocess.run(["openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-keyout", str(tmp / f"{stem}.key"), "-out", str(tmp / f"{stem}.csr"),
                    "-subj", subject, *extra], check=True, capture_output=True)
    return base64.b64encode((tmp / f"{stem}.csr").read_bytes()).decode()


def _request(tmp: Path, cn: str, org: str) -> str:
    return _openssl_request(tmp, cn, f"/O={org}/CN={cn}")


def manifest(name: str, request: str, usages: str = "client auth") -> str:
    return (f"apiVersion: certificates.k8s.io/v1\nkind: CertificateSigningRequest\n"
            f"metadata:\n  name: {name}\nspec:\n  request: {request}\n"
            f"  signerName: kubernetes.io/kube-apiserver-client\n  expirationSeconds: 86400\n"
            f"  usages:\n  - {usages}\n")


@pytest.fixture
def cleanup(served: Served) -> Any:
    yield
    served.kubectl("delete", "csr", "--all")


def test_approved_requests_become_client_certificates(served: Served, tmp_path: Path,
                                                      cleanup: Any) -> None:
    request = _request(tmp_path, "jane", "devs")
    assert served.kubectl("create", "-f", "-", stdin=manifest("jane", request)).rc == 0
    rows = served.kubectl("get", "csr", binary=KUBECTL_132).out.splitlines()
    assert rows[1].split() == ["jane", rows[1].split()[1], "kubernetes.io/kube-apiserver-client",
                               "minikube-user", "24h", "Pending"]
    run = served.kubectl("certificate", "approve", "jane", binary=KUBECTL_132)
    assert run.out == "certificatesigningrequest.certificates.k8s.io/jane approved\n"
    served.cluster.wait_for(lambda: bool(
        (served.store.get("CertificateSigningRequest", None, "jane").get("status") or {})
        .get("certificate")), 60)
    assert served.kubectl("get", "csr", "jane").out.split()[-1] == "Approved,Issued"
    denied = served.kubectl("certificate", "deny", "jane", binary=KUBECTL_132)
    assert (denied.err, denied.rc) == (
        'error: certificate signing request "jane" is already Approved\n', 1)
    cert = served.kubectl("get", "csr", "jane", "-o", "jsonpath={.status.certificate}").out
    (tmp_path / "jane.crt").write_bytes(base64.b64decode(cert))
    served.kubectl("config", "set-credentials", "jane", f"--client-key={tmp_path}/jane.key",
                   f"--client-certificate={tmp_path}/jane.crt", "--embed-certs=true")
    served.kubectl("config", "set-context", "jane", "--cluster=kubenb", "--user=jane")
    who = served.kubectl("--context=jane", "auth", "whoami", binary=KUBECTL_132)
    assert who.out.splitlines()[1:] == ["Username    jane", "Groups      [devs system:authenticated]"]
    pods = served.kubectl("--context=jane", "get", "pods", binary=KUBECTL_132)
    assert pods.err == ('Error from server (Forbidden): pods is forbidden: User "jane" cannot list '
                        'resource "pods" in API group "" in the namespace "default"\n')


def test_the_signer_refuses_usages_a_client_certificate_cannot_have(
        served: Served, tmp_path: Path, cleanup: Any) -> None:
    request = _request(tmp_path, "srv", "x")
    served.kubectl("create", "-f", "-", stdin=manifest("srv", request, "server auth"))
    served.kubectl("certificate", "approve", "srv")
    served.cluster.wait_for(lambda: "Failed" in served.kubectl("get", "csr", "srv").out, 60)
    cond = served.store.get("CertificateSigningRequest", None, "srv")["status"]["conditions"][-1]
    assert (cond["type"], cond["reason"], cond["message"]) == (
        "Failed", "SignerValidationFailure", "invalid usage for client certificate: server auth")


def test_kubenb_kubectl_approves_and_denies_as_kubectl(served: Served, tmp_path: Path,
                                                       cleanup: Any) -> None:
    kube = Kube(served.cluster)
    for name in ("a", "b"):
        kube("create -f -", stdin=manifest(name, _request(tmp_path, name, "o")))
    assert kube("certificate deny b").out == "certificatesigningrequest.certificates.k8s.io/b denied\n"
    for line in ("certificate approve b", "certificate approve ghost", "certificate approve",
                 "get csr a -o jsonpath={.spec.username}"):
        ours, theirs = kube(line), served.kubectl(*line.split(), binary=KUBECTL_132)
        assert (ours.out, ours.err, ours.rc) == (theirs.out, theirs.err, theirs.rc), line
    bad = kube("create -f -", stdin=manifest("c", base64.b64encode(b"junk").decode()))
    assert bad.err == ('The CertificateSigningRequest "c" is invalid: spec.request: Invalid value: '
                       '[]byte{0x6a, 0x75, 0x6e, 0x6b}: PEM block type must be CERTIFICATE REQUEST\n')


def test_describe_csr_matches_kubectl(served: Served, tmp_path: Path, cleanup: Any) -> None:
    """Subject attributes (several Organizations), every SAN kind, no expirationSeconds, and the
    Pending / Approved,Issued / Approved,Failed / Denied status texts, as kubectl 1.32 prints them."""
    kube = Kube(served.cluster)
    rich = _openssl_request(
        tmp_path, "rich", "/C=DE/ST=Bavaria/L=Munich/O=devs/O=ops/OU=team blue/CN=rich/serialNumber=42",
        "-addext", "subjectAltName=DNS:rich.example.com,DNS:www.example.com,email:rich@example.com,"
        "IP:10.0.0.7,IP:fd00::1,URI:spiffe://cluster.local/rich")
    kube("create -f -", stdin=manifest("rich", rich))
    plain = manifest("plain", _openssl_request(tmp_path, "plain", "/CN=plain")).replace(
        "  expirationSeconds: 86400\n", "")
    kube("create -f -", stdin=plain)
    kube("create -f -", stdin=manifest("srv", _request(tmp_path, "srv", "x"), "server auth"))
    kube("create -f -", stdin=manifest("nope", _request(tmp_path, "nope", "x")))
    kube("label csr rich team=blue")
    for line in ("certificate approve plain srv", "certificate deny nope"):
        assert kube(line).rc == 0, line
    served.cluster.wait_for(lambda: all(
        (served.store.get("CertificateSigningRequest", None, name).get("status") or {}).get(key)
        for name, key in (("plain", "certificate"), ("srv", "conditions"))), 60)
    served.cluster.wait_for(lambda: len(served.store.get(
        "CertificateSigningRequest", None, "srv")["status"]["conditions"]) == 2, 60)
    for line in ("describe csr rich", "describe csr plain", "describe csr srv", "describe csr nope",
                 "describe csr", "describe csr rich --show-events=false"):
        ours, theirs = kube(line), served.kubectl(*line.split(), binary=KUBECTL_132)
        assert (ours.out, ours.err, ours.rc) == (theirs.out, theirs.err, theirs.rc), line
    assert kube("describe csr rich").out.splitlines()[7:22] == [
        "Status:              Pending", "Subject:", "  Common Name:          rich",
        "  Serial Number:        42", "  Organization:         devs", "                        ops",
        "  Organizational Unit:  team blue", "  Country:              DE",
        "  Locality:             Munich", "  Province:             Bavaria",
        "Subject Alternative Names:", "         DNS Names:        rich.example.com",
        "                           www.example.com", "         Email Addresses:  rich@example.com",
        "         URIs:             spiffe://cluster.local/rich"]
    plain_lines = kube("describe csr plain").out.splitlines()[5:]
    assert plain_lines == ["Signer:             kubernetes.io/kube-apiserver-client",
                           "Status:             Approved,Issued", "Subject:",
                           "         Common Name:    plain", "         Serial Number:  ",
                           "Events:  <none>"]
    assert "Status:              Approved,Failed\n" in kube("describe csr srv").out
    assert "Status:              Denied\n" in kube("describe csr nope").out
