"""The notebook session: one profile registry per Python process, and which cluster
`%kubectl` talks to.

`kubectl(argv, …)` resolves the command line's connection (its `--context`,
`--kubeconfig`, `--server`, `--token` flags, else what `connect()` chose, else the
kubeconfig's current-context) to a client:

- a context naming a kubenb profile that runs in this process → its in-process client
  (unless `connect(http=True)` asked for HTTP: then its API server, like any other);
- any other context → an `HttpClient` for that kubeconfig context (a real cluster, or a
  kubenb API server seen from outside);
- no current context → kubectl's `The connection to the server localhost:8080 was refused`.

Failures to resolve are not raised here: the command gets a client whose every request
fails with kubectl's message, so `kubectl config …` still works with a broken context.
`minikube(argv, …)` drives the same registry.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TextIO
from urllib.parse import urlsplit

from kubenb.cli.kubectl.main import Target
from kubenb.client.base import Client, ClusterBackend, DisconnectedClient
from kubenb.kubeconfig import KubeConfig, default_path
from kubenb.profiles import NoCluster, Profiles

_profiles: Profiles | None = None


@dataclass(frozen=True)
class Connection:
    """What `connect()` chose: a context (of a kubeconfig file), and whether to use HTTP
    even for a profile of this process."""

    context: str = ""
    kubeconfig: str = ""
    http: bool = False


_connection = Connection()
# The HttpClient of each context, with the config entries it was made from.
_http_clients: dict[str, tuple[str, Any]] = {}


def profiles() -> Profiles:
    """The registry of this process (created on first use)."""
    global _profiles
    if _profiles is None:
        _profiles = Profiles()
    return _profiles


def reset(new: Profiles | None = None) -> Profiles | None:
    """Replace the registry (tests); returns the old one, which the caller should close.
    Forgets `connect()`'s choice and closes the HTTP clients too."""
    global _profiles, _connection
    old, _profiles = _profiles, new
    _connection = Connection()
    _close_http_clients()
    return old


def connect(context: str | None = None, kubeconfig: str | None = None, *,
            http: bool = False) -> Client:
    """Point `%kubectl` (and ClusterView, which asks `current_client()`) at a kubeconfig
    context: `context` None follows the kubeconfig's current-context; `kubeconfig` None
    is the session's kubeconfig (`$KUBECONFIG` or ~/.kube/config). `http=True` talks to
    kubenb's own profiles through their API server too. Returns the client (for now: the
    current context may change later); raises `ConnectionError` with kubectl's message
    when a context or file that was named cannot be used."""
    global _connection
    choice = Connection(context or "", kubeconfig or "", http)
    client, _ = _resolve(Target(), choice)
    if isinstance(client, DisconnectedClient) and (context or kubeconfig):
        raise ConnectionError(client.message)
    _connection = choice  # with neither: follow the current context, whatever comes
    return client


def disconnect() -> None:
    """Forget `connect()`'s choice: follow the kubeconfig's current-context again."""
    global _connection
    _connection = Connection()


def current_client() -> Client | None:
    """The client `%kubectl` uses now (None when no cluster answers).

    ClusterView (`kubenb.widgets`) takes its client from here, so it shows whatever
    `%kubectl` talks to: an in-process profile, or — after `kubenb.connect(context=…)` or
    `kubectl config use-context` — any cluster over HTTP. Ask again when the answer may
    have changed (a new profile, a new context); HTTP clients are cached per context."""
    client, _ = _resolve(Target(), _connection)
    return None if isinstance(client, DisconnectedClient) else client


def kubectl(argv: Sequence[str], out: TextIO, err: TextIO, *, stdin: str | None = None) -> int:
    from kubenb.cli.kubectl.main import kubectl as run_kubectl

    reg = profiles()
    config = _session_config(reg)
    before = config.current_context
    try:
        return run_kubectl(argv, DisconnectedClient(str(NoCluster())), out, err, stdin=stdin,
                           kubeconfig=config,
                           connect=lambda target: _resolve(target, _connection, config))
    finally:
        if config is not reg.kubeconfig and config.current_context != before:
            reg.kubeconfig.current_context = config.current_context  # `config use-context`


def minikube(argv: Sequence[str], out: TextIO, err: TextIO) -> int:
    from kubenb.cli.minikube.commands import minikube as run_minikube

    return run_minikube(argv, out, err, profiles())


# ---- resolving a connection -----------------------------------------------------------------


def _resolve(target: Target, choice: Connection,
             session_config: KubeConfig | None = None) -> tuple[Client, str]:
    """The client and default namespace for a command line's flags and `connect()`'s choice."""
    reg = profiles()
    path = target.kubeconfig or choice.kubeconfig
    if path and not os.path.exists(path):
        return DisconnectedClient(f"error: stat {path}: no such file or directory"), "default"
    if path:
        config = KubeConfig.load(path)
    else:
        config = session_config if session_config is not None else _session_config(reg)
    name = target.context or choice.context or config.current_context
    if not name and not target.server:
        return DisconnectedClient(str(NoCluster())), "default"
    entry = config.contexts.get(name) if name else {}
    if entry is None:
        return DisconnectedClient("Error in configuration: context was not found for "
                                  f"specified context: {name}"), "default"
    namespace = entry.get("namespace") or "default"
    prof = reg.get(name) if not path or path == reg.kubeconfig.path else None
    if (prof is not None and not choice.http and not target.overrides_server()
            and entry.get("cluster") == prof.name):
        if prof.running:
            return prof.client(), namespace
        server = config.clusters.get(prof.name, {}).get("server", "")
        return DisconnectedClient(_refused(server)), namespace
    local = prof.backend if prof is not None and entry.get("cluster") == prof.name else None
    return _http_client(config, name, target, local), namespace


def _session_config(reg: Profiles) -> KubeConfig:
    """The kubeconfig `%kubectl` reads. While profiles serve HTTP, minikube's entries live in
    the kubeconfig file (`$KUBECONFIG` or ~/.kube/config) beside the user's own contexts:
    then it is that file (with this process's profile entries over it), so `kubectl config`
    and `--context` see real clusters too and `use-context` writes the file. Otherwise it
    is the registry's in-memory model."""
    model = reg.kubeconfig
    if model.path or not reg.serve_api:
        return model
    path = reg.kubeconfig_path or default_path()
    try:
        disk = KubeConfig.load(path)
    except (OSError, ValueError):
        return model
    for mine, theirs in ((model.clusters, disk.clusters), (model.contexts, disk.contexts),
                         (model.users, disk.users)):
        theirs.update(mine)
    return disk


def _http_client(config: KubeConfig, name: str, target: Target,
                 local: ClusterBackend | None = None) -> Client:
    """An HttpClient for the context (with the command line's overrides), reused while the
    context's entries stay the same."""
    import json

    from kubenb.client.http import HttpClient
    from kubenb.client.http_transport import ConfigError

    doc = config.minified(name).to_dict() if name else {"kind": "Config", "apiVersion": "v1"}
    if target.overrides_server():
        doc = _override(doc, name, target)
        name = doc["current-context"]
    entries = json.dumps(doc, sort_keys=True, default=str)
    known = _http_clients.get(name)
    if known is not None and known[0] == entries:
        return known[1]  # type: ignore[no-any-return]
    try:
        client = HttpClient.from_kubeconfig(config=doc, context=name, local=local)
    except ConfigError as err:
        return DisconnectedClient(f"error: {err}")
    if known is not None:
        known[1].close()  # the context changed (a restarted server, a new token)
    _http_clients[name] = (entries, client)
    return client


def _override(doc: dict[str, Any], name: str, target: Target) -> dict[str, Any]:
    """The config with `--server`/`--token`/`--insecure-skip-tls-verify` applied to the
    context's cluster and user (a context of its own when there is none)."""
    import copy

    doc = copy.deepcopy(doc)
    if not name:
        name = "kubectl-flags"
        doc.update(clusters=[{"name": name, "cluster": {}}], users=[{"name": name, "user": {}}],
                   contexts=[{"name": name, "context": {"cluster": name, "user": name}}])
    doc["current-context"] = name
    cluster = (doc.get("clusters") or [{}])[0].setdefault("cluster", {})
    user = (doc.get("users") or [{"user": {}}])[0].setdefault("user", {})
    if target.server:
        cluster["server"] = target.server
    if target.insecure:
        cluster["insecure-skip-tls-verify"] = True
        cluster.pop("certificate-authority", None)
        cluster.pop("certificate-authority-data", None)
    if target.token:
        user["token"] = target.token
    if not doc.get("users"):
        doc["users"] = [{"name": name, "user": user}]
    return doc


def _refused(server: str) -> str:
    host = urlsplit(server).netloc or "localhost:8080"
    return f"The connection to the server {host} was refused - did you specify the right host or port?"


def _close_http_clients() -> None:
    for _, client in _http_clients.values():
        client.close()
    _http_clients.clear()
