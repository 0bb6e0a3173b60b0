"""A throwaway certificate authority and a serving certificate for 127.0.0.1, via `openssl`.

kubectl only sends its bearer token over TLS, so the API server speaks https with a
certificate its kubeconfig trusts (`certificate-authority-data`). `make_certs(dir)` runs the
`openssl` binary (the `cryptography` package is not a dependency) to write `ca.crt`,
`ca.key`, `server.crt` and `server.key` (SANs IP:127.0.0.1, the `kubernetes` Service's ClusterIP, DNS:localhost, kubernetes.default…) into `dir`, the
way minikube keeps its CA under ~/.minikube, and the admin's `client.crt`/`client.key`
(CN=minikube-user, O=system:masters), as minikube's profile holds them. The keys never leave that private directory.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass


@dataclass(frozen=True)
class Certs:
    ca_file: str
    cert_file: str
    key_file: str
    client_cert_file: str = ""  # the admin's client certificate (CN=minikube-user)
    client_key_file: str = ""

    @property
    def ca_data(self) -> bytes:
        with open(self.ca_file, "rb") as fh:
            return fh.read()

    @property
    def client_data(self) -> tuple[bytes, bytes]:
        """(certificate, key) PEM of the admin's client certificate."""
        with open(self.client_cert_file, "rb") as cert, open(self.client_key_file, "rb") as key:
            return cert.read(), key.read()


def _openssl(*args: str, cwd: str) -> None:
    exe = shutil.which("openssl")
    if exe is None:
        raise RuntimeError("the API server needs the `openssl` program to make its certificate")
    done = subprocess.run([exe, *args], cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"openssl {args[0]} failed: {done.stderr.strip()}")


def make_certs(directory: str, days: int = 365, ips: tuple[str, ...] = ()) -> Certs:
    """Create a CA and a server certificate signed by it in `directory` (mode 0700); `ips`
    are more addresses it serves (the `kubernetes` Service's ClusterIP, as kube-apiserver's
    certificate names it)."""
    os.makedirs(directory, mode=0o700, exist_ok=True)
    os.chmod(directory, 0o700)
    _openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
             "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", str(days),
             "-subj", "/CN=minikubeCA", "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign,digitalSignature", cwd=directory)
    _openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
             "-keyout", "server.key", "-out", "server.csr", "-subj", "/O=system:masters/CN=minikube",
             cwd=directory)
    with open(os.path.join(directory, "server.ext"), "w", encoding="utf-8") as fh:
        fh.write("basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
                 "extendedKeyUsage=serverAuth\n"
                 "subjectAltName=IP:127.0.0.1," + "".join(f"IP:{ip}," for ip in ips) +
                 "DNS:localhost,DNS:kubernetes,"
                 "DNS:kubernetes.default,DNS:kubernetes.default.svc\n")
    _openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
             "-CAcreateserial", "-out", "server.crt", "-days", str(days),
             "-extfile", "server.ext", cwd=directory)
    issue_client_cert(directory, "client", "minikube-user", ("system:masters",), days)
    for name in ("ca.key", "server.key", "client.key"):
        os.chmod(os.path.join(directory, name), 0o600)
    return Certs(os.path.join(directory, "ca.crt"), os.path.join(directory, "server.crt"),
                 os.path.join(directory, "server.key"), os.path.join(directory, "client.crt"),
                 os.path.join(directory, "client.key"))


def issue_client_cert(directory: str, stem: str, user: str, groups: tuple[str, ...],
                      days: int = 365) -> None:
    """Write `<stem>.crt`/`<stem>.key`: a client certificate the CA in `directory` signs, with
    CN=user and one O per group — how kube-apiserver reads a user from a certificate."""
    subject = "".join(f"/O={g}" for g in groups) + f"/CN={user}"
    _openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
             "-keyout", f"{stem}.key", "-out", f"{stem}.csr", "-subj", subject, cwd=directory)
    with open(os.path.join(directory, f"{stem}.ext"), "w", encoding="utf-8") as fh:
        fh.write("basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
                 "extendedKeyUsage=clientAuth\n")
    _openssl("x509", "-req", "-in", f"{stem}.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
             "-CAcreateserial", "-out", f"{stem}.crt", "-days", str(days),
             "-extfile", f"{stem}.ext", cwd=directory)


def sign_request(directory: str, request_pem: bytes, seconds: int) -> bytes:
    """Sign a PEM certificate request with the CA in `directory` for `seconds` (at least one
    day, as openssl counts) as a client certificate; returns the certificate's PEM."""
    with tempfile.TemporaryDirectory(dir=directory) as work:
        with open(os.path.join(work, "req.csr"), "wb") as fh:
            fh.write(request_pem)
        with open(os.path.join(work, "req.ext"), "w", encoding="utf-8") as fh:
            fh.write("basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,"
                     "keyEncipherment\nextendedKeyUsage=clientAuth\n")
        _openssl("x509", "-req", "-in", "req.csr", "-CA", os.path.join("..", "ca.crt"),
                 "-CAkey", os.path.join("..", "ca.key"), "-CAcreateserial", "-out", "req.crt",
                 "-days", str(max(1, seconds // 86400)), "-extfile", "req.ext", cwd=work)
        with open(os.path.join(work, "req.crt"), "rb") as fh:
            return fh.read()
