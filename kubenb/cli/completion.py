"""Tab completion for `%kubectl` and `%minikube`: commands, flags, resource types, names.

`complete_kubectl(words, current, client)` is pure (tests call it); `install(ipython)`
registers it with IPython's completer for both magics.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kubenb.client.base import Client

# Commands whose first argument is a resource type (then names of that type).
_TYPE_FIRST = {"get", "describe", "delete", "edit", "label", "annotate", "patch", "scale",
               "expose", "wait", "explain", "logs", "exec"}
MINIKUBE = ("start", "status", "stop", "delete", "node", "ip", "service", "tunnel", "kubectl", "profile",
            "addons", "dashboard", "version")


def complete_kubectl(words: Sequence[str], current: str, client: Client | None) -> list[str]:
    """Candidates for `current`, the word being typed after `words`."""
    from kubenb.cli.kubectl.app import GLOBAL_FLAGS
    from kubenb.cli.kubectl.commands import root

    cmd = root()
    positional: list[str] = []
    for w in words:
        if w.startswith("-"):
            continue
        sub = cmd.find(w) if not positional else None
        if sub is not None:
            cmd = sub
        else:
            positional.append(w)
    if current.startswith("-"):
        flags = [f"--{f.name}" for f in (*cmd.flags, *GLOBAL_FLAGS)]
        return sorted(f for f in flags if f.startswith(current))
    if cmd.subcommands and not positional:
        return sorted({c.name for c in cmd.subcommands.values() if c.name.startswith(current)})
    if cmd.name in ("logs", "exec") and not positional:
        return _names(client, "Pod", current)
    if cmd.name in _TYPE_FIRST or (cmd.name in ("status", "history", "undo", "pause", "resume",
                                                "restart") and not positional):
        if not positional:
            if "/" in current and client is not None:
                kind, _, prefix = current.partition("/")
                try:
                    rt = client.registry.lookup(kind)
                except LookupError:
                    return []
                return [f"{kind}/{n}" for n in _names(client, rt.kind, prefix)]
            return _types(client, current)
        if client is not None:
            try:
                rt = client.registry.lookup(positional[0])
            except LookupError:
                return []
            return _names(client, rt.kind, current)
    return []


def _types(client: Client | None, prefix: str) -> list[str]:
    if client is None:
        from kubenb.api.registry import REGISTRY as registry
    else:
        registry = client.registry
    names = set()
    for rt in registry:
        names |= {rt.plural, *rt.short_names}
    return sorted(n for n in names if n.startswith(prefix))


def _names(client: Client | None, kind: str, prefix: str) -> list[str]:
    if client is None:
        return []
    try:
        items, _ = client.list(kind, None)
    except Exception:  # completion must never raise into the kernel
        return []
    return sorted({o["metadata"]["name"] for o in items if o["metadata"]["name"].startswith(prefix)})


def install(ipython: Any) -> None:
    """Register completers for `%kubectl` and `%minikube`."""
    from kubenb.cli import session, shellwords

    def words_of(event: Any, magic: str) -> tuple[list[str], str]:
        text = event.text_until_cursor
        body = text.split(magic, 1)[1] if magic in text else ""
        current = "" if body.endswith(" ") else (body.split()[-1] if body.split() else "")
        head = body[: len(body) - len(current)]
        try:
            words = shellwords.split(head)
        except shellwords.ShellSyntaxError:
            words = head.split()
        return words, current

    def kubectl_hook(_self: Any, event: Any) -> list[str]:
        words, current = words_of(event, "kubectl")
        return complete_kubectl(words, current, session.current_client())

    def minikube_hook(_self: Any, event: Any) -> list[str]:
        words, current = words_of(event, "minikube")
        if words:
            return []
        return [c for c in MINIKUBE if c.startswith(current)]

    for key in ("%kubectl", "%%kubectl"):
        ipython.set_hook("complete_command", kubectl_hook, str_key=key)
    ipython.set_hook("complete_command", minikube_hook, str_key="%minikube")
