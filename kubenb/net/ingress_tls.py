"""TLS for the ingress controller: ingress-nginx's fake certificate and the Secrets' ones.

`fake_certificate(directory)` makes (once per state directory) the self-signed certificate
ingress-nginx serves when no Ingress TLS section names the SNI host: subject O=Acme Co,
CN=Kubernetes Ingress Controller Fake Certificate, SAN ingress.local. `Certificates` turns a
`kubernetes.io/tls` Secret (`tls.crt`, `tls.key`) into a server SSLContext, kept per Secret
resourceVersion (a changed Secret gets a new context); a Secret that does not load is logged
and skipped (the fake certificate answers, as ingress-nginx falls back to it).
"""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import ssl
import subprocess
from typing import Any

log = logging.getLogger("kubenb.net.ingress")

FAKE_CN = "Kubernetes Ingress Controller Fake Certificate"


def fake_certificate(directory: str) -> tuple[str, str]:
    """ingress-nginx's default certificate: self-signed, O=Acme Co, SAN ingress.local."""
    os.makedirs(directory, mode=0o700, exist_ok=True)
    crt, key = os.path.join(directory, "fake.crt"), os.path.join(directory, "fake.key")
    if not (os.path.exists(crt) and os.path.exists(key)):
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                        "-out", crt, "-days", "365", "-subj", f"/O=Acme Co/CN={FAKE_CN}",
                        "-addext", "subjectAltName=DNS:ingress.local"],
                       capture_output=True, check=True)
        os.chmod(key, 0o600)
    return crt, key


def server_context(cert: str, key: str) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    return ctx


class Certificates:
    """Server contexts of TLS Secrets, written as PEM files (mode 0600) under `directory`."""

    def __init__(self, directory: str) -> None:
        self.directory = directory
        self._contexts: dict[tuple[str, str, str], ssl.SSLContext] = {}

    def context_for(self, secret: dict[str, Any]) -> ssl.SSLContext | None:
        meta = secret["metadata"]
        key = (meta.get("namespace", ""), meta["name"], meta.get("resourceVersion", ""))
        ctx = self._contexts.get(key)
        if ctx is not None:
            return ctx
        data = secret.get("data") or {}
        path = os.path.join(self.directory, hashlib.sha256(repr(key).encode()).hexdigest()[:16] + ".pem")
        try:
            pem = base64.b64decode(data.get("tls.crt", "")) + b"\n" + base64.b64decode(data.get("tls.key", ""))
            with open(path, "wb") as fh:
                os.chmod(path, 0o600)
                fh.write(pem)
            ctx = server_context(path, path)
        except (ValueError, ssl.SSLError, OSError) as err:
            log.warning("ingress-nginx: secret %s/%s: %s", key[0], key[1], err)
            return None
        self._contexts[key] = ctx
        return ctx
