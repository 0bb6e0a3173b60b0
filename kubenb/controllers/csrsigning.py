"""The CSR signing controller for `kubernetes.io/kube-apiserver-client` (pkg/controller/certificates/signer).

Watches CertificateSigningRequests (own key). An Approved request for the kube-apiserver-client
signer, not yet issued, whose usages a client certificate may have, is signed by the cluster's
CA (`ctx.signer`, which the API server provides) for min(expirationSeconds, one year); the
certificate goes into `status.certificate`. Bad usages get the signer's `Failed` condition.
Without an API server (no CA) approved requests stay unsigned, as with no signer running.
"""

from __future__ import annotations

import base64

from kubenb.api.csr import KUBE_APISERVER_CLIENT, request_pem, signable
from kubenb.api.objects import Key, clone
from kubenb.clock import rfc3339
from kubenb.controllers.base import Controller, Watch, own_key

_YEAR = 365 * 24 * 3600
_CLIENT_USAGES = {"digital signature", "key encipherment", "client auth"}


class CSRSigningController(Controller):
    name = "csrsigning-controller"

    def watches(self) -> list[Watch]:
        return [Watch("CertificateSigningRequest", own_key)]

    def reconcile(self, key: Key) -> float | None:
        csr = self.store.try_get("CertificateSigningRequest", None, key.name)
        signer = self.ctx.signer
        if (csr is None or signer is None or not signable(csr)
                or csr["spec"].get("signerName") != KUBE_APISERVER_CLIENT):
            return None
        updated = clone(csr)
        usages = set(csr["spec"].get("usages") or [])
        bad = sorted(usages - _CLIENT_USAGES)
        pem = request_pem(csr)
        if bad or "client auth" not in usages or pem is None:
            message = (f"invalid usage for client certificate: {bad[0]}" if bad
                       else "missing required usages: [client auth]")
            now = rfc3339(self.clock.now())
            updated["status"].setdefault("conditions", []).append({
                "type": "Failed", "status": "True", "reason": "SignerValidationFailure",
                "message": message, "lastUpdateTime": now, "lastTransitionTime": now})
        else:
            seconds = min(int(csr["spec"].get("expirationSeconds") or _YEAR), _YEAR)
            cert = signer(pem, seconds)
            updated["status"]["certificate"] = base64.b64encode(cert).decode("ascii")
        self.store.update(updated, subresource="status")
        return None
