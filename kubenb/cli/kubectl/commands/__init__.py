"""The kubectl command tree: one module per command, assembled here in one place.

Each module in `MODULES` defines `COMMAND` (a `kubenb.cli.kubectl.app.Command`), or
`COMMANDS` for several top-level commands (cordon, uncordon, drain, taint).
"""

from __future__ import annotations

import importlib

from kubenb.cli.kubectl.app import Command

MODULES = (
    "get", "describe", "create", "apply", "delete", "expose", "run", "label", "patch",
    "edit", "scale", "set", "rollout", "wait", "logs", "exec", "nodes", "top", "version",
    "cluster_info", "api_resources", "config", "explain", "proxy",
    "port_forward",  # after proxy: its `port-forward` replaces the placeholder there
)


def root() -> Command:
    """A fresh command tree (cheap; built per call so tests cannot leak state)."""
    top = Command("kubectl", "kubectl controls the Kubernetes cluster manager.")
    for name in MODULES:
        try:
            module = importlib.import_module(f"kubenb.cli.kubectl.commands.{name}")
        except ModuleNotFoundError as err:
            if err.name == f"kubenb.cli.kubectl.commands.{name}":
                continue  # not built yet
            raise
        commands = getattr(module, "COMMANDS", None) or [module.COMMAND]
        top.add(*commands)
    return top
