"""The kubectl command tree: one module per command, assembled here in one place.

Each module defines `COMMAND` (a `kubenb.cli.kubectl.app.Command`), or `COMMANDS` for
several top-level commands (cordon, uncordon, drain, taint); `root()` lists them all.
"""

from __future__ import annotations

from kubenb.cli.kubectl.app import Command
from kubenb.cli.kubectl.commands import (
    api_resources,
    apply,
    auth,
    autoscale,
    certificate,
    cluster_info,
    config,
    cp,
    create,
    delete,
    describe,
    edit,
    exec,
    explain,
    expose,
    get,
    label,
    logs,
    nodes,
    patch,
    port_forward,
    proxy,
    rollout,
    run,
    scale,
    set,
    top,
    version,
    wait,
)


def root() -> Command:
    """The command tree, in the order `kubectl --help` groups them (a fresh root per call,
    so tests cannot leak state into it)."""
    return Command("kubectl", "kubectl controls the Kubernetes cluster manager.").add(
        get.COMMAND, describe.COMMAND, create.COMMAND, apply.COMMAND, delete.COMMAND,
        expose.COMMAND, run.COMMAND, *label.COMMANDS, patch.COMMAND, edit.COMMAND,
        scale.COMMAND, autoscale.COMMAND, set.COMMAND, rollout.COMMAND, wait.COMMAND, logs.COMMAND,
        exec.COMMAND, cp.COMMAND, *nodes.COMMANDS, top.COMMAND, version.COMMAND, cluster_info.COMMAND,
        api_resources.COMMAND, config.COMMAND, explain.COMMAND, proxy.COMMAND,
        port_forward.COMMAND, auth.COMMAND, certificate.COMMAND,
    )
