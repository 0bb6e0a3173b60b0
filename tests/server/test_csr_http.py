"""CertificateSigningRequests: a learner's new user, from `openssl req` to a working kubeconfig."""

from __future__ import annotations

import base64
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Kube
from tests.server.conftest import KUBECTL_132, Served


def _request(tmp: Path, cn: str, org: str) -> str:
    subprocess.run(["openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-keyout", str(tmp / f"{cn}.key"), "-out", str(tmp / f"{cn}.csr"),
                    "-subj", f"/O={org}/CN={cn}"], check=True, capture_output=True)
    return base64.b64encode((tmp / f"{cn}.csr").read_bytes()).decode()


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
