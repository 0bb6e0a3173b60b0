"""Entry point of the kubectl CLI: `kubectl(argv, client, out, err)` returns the exit code."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TextIO

from kubenb.cli.kubectl.app import Ctx, run
from kubenb.cli.kubectl.commands import root
from kubenb.client.base import Client


def kubectl(
    argv: Sequence[str],
    client: Client,
    out: TextIO,
    err: TextIO,
    *,
    namespace: str = "default",
    stdin: str | None = None,
    kubeconfig: Any = None,
) -> int:
    """Run one kubectl command line against `client`, writing what kubectl would write."""
    ctx = Ctx(client, out, err, default_namespace=namespace, stdin=stdin, kubeconfig=kubeconfig)
    return run(root(), argv, ctx)
