"""Entry point of the kubectl CLI: `kubectl(argv, client, out, err)` returns the exit code.

kubectl's connection flags are global: `--context`, `--kubeconfig`, `--server`/`-s`,
`--token`, `--insecure-skip-tls-verify` and the impersonation flags `--as`, `--as-group`,
`--as-uid` may appear anywhere before `--`.
`connection_flags` picks them out into a `Target`; when the caller passes `connect`
(the notebook session does), the command runs against `connect(target)` — the
in-process cluster of a kubenb profile, or an HTTP client for any other context.
`--context`/`--kubeconfig` stay in the command line too: `kubectl config` reads them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

from kubenb.api.errors import ApiError
from kubenb.cli.kubectl.app import Ctx, run, server_error
from kubenb.cli.kubectl.commands import root
from kubenb.client.base import Client, DisconnectedClient


@dataclass(frozen=True)
class Target:
    """Where one command line asks to connect (empty fields: the kubeconfig decides)."""

    context: str = ""
    kubeconfig: str = ""
    server: str = ""
    token: str = ""
    insecure: bool = False
    as_user: str = ""  # --as, --as-group (repeatable), --as-uid: impersonation
    as_groups: tuple[str, ...] = ()
    as_uid: str = ""

    def overrides_server(self) -> bool:
        return bool(self.server or self.token or self.insecure)


# Connection: what `connect` answers for a Target — the client and the default namespace.
Connect = Callable[[Target], "tuple[Client, str]"]

_KEPT = {"--context": "context", "--kubeconfig": "kubeconfig"}  # the command tree parses these too
_TAKEN = {"--server": "server", "-s": "server", "--token": "token", "--as": "as_user",
          "--as-uid": "as_uid", "--as-group": "as_groups"}
_TRUE = {"1", "t", "T", "TRUE", "true", "True"}


def connection_flags(argv: Sequence[str]) -> tuple[Target, list[str]]:
    """The connection flags of a command line, and the line without the ones only the
    connection needs (`--server`, `--token`, `--insecure-skip-tls-verify`)."""
    found: dict[str, Any] = {}
    rest: list[str] = []
    i = 0
    while i < len(argv):
        word = argv[i]
        if word == "--":
            rest += argv[i:]
            break
        name, eq, value = word.partition("=")
        if name in _KEPT or name in _TAKEN:
            key = _KEPT.get(name) or _TAKEN[name]
            if not eq and i + 1 < len(argv):
                value = argv[i + 1]
            if key == "as_groups":
                found[key] = (*found.get(key, ()), value)
            elif eq or i + 1 < len(argv):
                found[key] = value
            if name in _KEPT:
                rest += argv[i:i + (1 if eq else 2)]
            i += 1 if eq else 2
            continue
        if name == "--insecure-skip-tls-verify":
            found["insecure"] = (value in _TRUE) if eq else True
            i += 1
            continue
        rest.append(word)
        i += 1
    return Target(**found), rest


# Commands whose first use of the config is its namespace: kubectl words a missing context
# `error: context "X" does not exist` for them, and `Error in configuration: …` for the rest.
_NAMESPACE_FIRST = {"run", "expose", "apply", "top", "cluster-info", "api-resources", "wait",
                    "cordon", "uncordon", "drain", "explain", "create", "version", "proxy"}
_VALUED = {"--namespace", "-n", "--context", "--kubeconfig", "--request-timeout", "-v"}
_NOT_FOUND = "Error in configuration: context was not found for specified context: "


def _missing_context_words(client: Client, argv: Sequence[str]) -> Client:
    message = client.message if isinstance(client, DisconnectedClient) else None
    if not message or not message.startswith(_NOT_FOUND):
        return client
    words = iter(argv)
    for word in words:
        if word in _VALUED:
            next(words, None)
        elif not word.startswith("-"):
            if word in _NAMESPACE_FIRST:
                return DisconnectedClient(f'error: context "{message[len(_NOT_FOUND):]}" does not exist')
            break
    return client


def kubectl(
    argv: Sequence[str],
    client: Client,
    out: TextIO,
    err: TextIO,
    *,
    namespace: str = "default",
    stdin: str | None = None,
    kubeconfig: Any = None,
    connect: Connect | None = None,
) -> int:
    """Run one kubectl command line against `client` (or what `connect` picks for the
    line's connection flags), writing what kubectl would write."""
    target, argv = connection_flags(argv)
    if connect is not None:
        client, namespace = connect(target)
        client = _missing_context_words(client, argv)
    if (target.as_groups or target.as_uid) and not target.as_user:
        err.write("error: requesting uid or groups without impersonating a user\n")
        return 1
    if target.as_user:
        try:
            client = client.impersonating(target.as_user, target.as_groups, target.as_uid)
        except ApiError as error:
            err.write(server_error(error) + "\n")
            return 1
    ctx = Ctx(client, out, err, default_namespace=namespace, stdin=stdin, kubeconfig=kubeconfig)
    return run(root(), argv, ctx)
