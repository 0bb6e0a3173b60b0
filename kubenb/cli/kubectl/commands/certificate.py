"""`kubectl certificate approve|deny NAME...` (kubectl pkg/cmd/certificates).

Each named CertificateSigningRequest gets the Approved (KubectlApprove) or Denied (KubectlDeny)
condition through its `approval` subresource, unless it already has it (then `--force`
writes it again); one that already has the opposite condition is refused in kubectl's words.
Prints `certificatesigningrequest.certificates.k8s.io/NAME approved|denied`.
"""

from __future__ import annotations

from typing import Any

from kubenb.api.errors import ApiError, Conflict
from kubenb.cli.kubectl.app import Command, CommandError, Ctx, server_error
from kubenb.cli.kubectl.flags import Flag
from kubenb.cli.kubectl.writes import PRINT_FLAGS
from kubenb.clock import rfc3339

_WORDS = {"Approved": ("Denied", "KubectlApprove", "approved", "approve"),
          "Denied": ("Approved", "KubectlDeny", "denied", "deny")}


def _modify(ctx: Ctx, name: str, kind: str, force: bool) -> None:
    opposite, reason, word, verb = _WORDS[kind]
    for _ in range(10):
        csr = ctx.client.get("CertificateSigningRequest", None, name)
        conditions: list[dict[str, Any]] = list((csr.get("status") or {}).get("conditions") or [])
        types = [c.get("type") for c in conditions]
        if opposite in types:
            raise CommandError(f'certificate signing request "{name}" is already {opposite}')
        if kind not in types or force:
            if kind not in types:
                conditions.append({"type": kind, "status": "True", "reason": reason,
                                   "message": f"This CSR was {word} by kubectl certificate {verb}.",
                                   "lastUpdateTime": rfc3339(ctx.client.now())})
            csr.setdefault("status", {})["conditions"] = conditions
            try:
                ctx.client.update(csr, subresource="approval")
            except Conflict:
                continue
        break
    ctx.out.write(f"certificatesigningrequest.certificates.k8s.io/{name} {word}\n")


def _runner(kind: str) -> Any:
    def run(ctx: Ctx, args: list[str]) -> int:
        if not args and not ctx.flag("filename"):
            raise CommandError("one or more CSRs must be specified as <name> or -f <filename>")
        if ctx.flag("filename"):
            raise CommandError("-f is not supported by kubenb's kubectl certificate; name the CSRs")
        rc = 0
        for name in args:
            try:
                _modify(ctx, name, kind, ctx.flag("force"))
            except ApiError as err:
                ctx.err.write(server_error(err) + "\n")
                rc = 1
        return rc
    return run


_FLAGS = PRINT_FLAGS + (Flag("force", "bool"), Flag("filename", "stringArray", short="f"),
                        Flag("recursive", "bool", short="R"), Flag("kustomize", "string", short="k"))

COMMAND = Command("certificate", "Modify certificate resources").add(
    Command("approve", "Approve a certificate signing request", _runner("Approved"), _FLAGS),
    Command("deny", "Deny a certificate signing request", _runner("Denied"), _FLAGS),
)
