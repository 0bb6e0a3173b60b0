"""The kubectl command tree: one module per command, assembled here in one place."""

from __future__ import annotations

from kubenb.cli.kubectl.app import Command
from kubenb.cli.kubectl.commands import get


def root() -> Command:
    """A fresh command tree (cheap; built per call so tests cannot leak state)."""
    return Command("kubectl", "kubectl controls the Kubernetes cluster manager.").add(
        get.COMMAND,
    )
