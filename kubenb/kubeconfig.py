"""The kubeconfig kubenb keeps for its minikube profiles, and how kubectl shows one.

minikube writes one cluster, one context and one user per profile into the user's
kubeconfig (certificate paths under ~/.minikube, a `cluster_info`/`context_info` extension
naming minikube as provider) and points `current-context` at the profile it started.
`KubeConfig` is that file as a model: the minikube commands edit it, `kubectl config …`
reads and edits it. While a profile's HTTP API server runs, its entries carry the server's
URL, `certificate-authority-data` and bearer token, and `merge_into(path)` writes them into
the user's kubeconfig file (`$KUBECONFIG` or ~/.kube/config) beside whatever else is there,
as minikube does, so `!kubectl` and the `kubernetes` package reach the cluster;
`remove_from(path)` takes them out again on `minikube delete`.
`view()` gives the v1 `Config` document exactly as `kubectl config view` prints it
(secrets redacted, certificate data omitted, `--minify`).
"""

from __future__ import annotations

import base64
import copy
import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import yaml

from kubenb.encoding.goyaml import dump as to_yaml

PROVIDER = "minikube.sigs.k8s.io"

# Field order of clientcmd's v1 structs (what `-o json` follows; YAML sorts keys).
_CLUSTER_FIELDS = ("server", "tls-server-name", "insecure-skip-tls-verify",
                   "certificate-authority", "certificate-authority-data", "proxy-url",
                   "disable-compression", "extensions")
_CONTEXT_FIELDS = ("cluster", "user", "namespace", "extensions")
_USER_FIELDS = ("client-certificate", "client-certificate-data", "client-key", "client-key-data",
                "token", "tokenFile", "as", "as-uid", "as-groups", "as-user-extra", "username",
                "password", "auth-provider", "exec", "extensions")
_DATA_FIELDS = ("certificate-authority-data", "client-certificate-data", "client-key-data")
_SECRET_FIELDS = ("token", "password")


class ConfigError(Exception):
    """A kubeconfig operation kubectl refuses (its message is kubectl's)."""


def rfc1123(when: datetime) -> str:
    """Go's time.RFC1123 in UTC, as minikube stamps `last-update`."""
    return when.astimezone(timezone.utc).strftime("%a, %d %b %Y %H:%M:%S UTC")


def _ordered(entry: dict[str, Any], order: tuple[str, ...]) -> dict[str, Any]:
    out = {k: entry[k] for k in order if k in entry}
    out.update({k: v for k, v in entry.items() if k not in out})
    if isinstance(out.get("extensions"), list):  # NamedExtension: name, then extension
        out["extensions"] = [_ordered(e, ("name", "extension")) for e in out["extensions"]]
    return out


@dataclass
class KubeConfig:
    """clusters/contexts/users by name, plus current-context; `path` is where it lives."""

    clusters: dict[str, dict[str, Any]] = field(default_factory=dict)
    contexts: dict[str, dict[str, Any]] = field(default_factory=dict)
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    current_context: str = ""
    preferences: dict[str, Any] = field(default_factory=dict)
    path: str | None = None

    # ---- files --------------------------------------------------------------------------

    @classmethod
    def from_dict(cls, doc: dict[str, Any] | None, path: str | None = None) -> KubeConfig:
        doc = doc or {}

        def named(key: str, inner: str) -> dict[str, dict[str, Any]]:
            return {e["name"]: dict(e.get(inner) or {}) for e in doc.get(key) or []}

        return cls(named("clusters", "cluster"), named("contexts", "context"),
                   named("users", "user"), doc.get("current-context") or "",
                   dict(doc.get("preferences") or {}), path)

    @classmethod
    def load(cls, path: str) -> KubeConfig:
        """Read a kubeconfig file; a missing file is an empty config, as for kubectl."""
        if not os.path.exists(path):
            return cls(path=path)
        with open(path, encoding="utf-8") as fh:
            return cls.from_dict(yaml.safe_load(fh), path)

    def save(self, path: str | None = None) -> None:
        """Write the file (mode 0600: it may hold tokens), replacing it atomically."""
        target = path or self.path
        if not target:
            raise ValueError("this kubeconfig has no file to save to")
        os.makedirs(os.path.dirname(os.path.abspath(target)), exist_ok=True)
        tmp = f"{target}.kubenb-{os.getpid()}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(to_yaml(self.to_dict()))
        os.replace(tmp, target)

    def changed(self) -> None:
        """Persist an edit when the config came from a file (kubectl writes it back)."""
        if self.path:
            self.save()

    # ---- the v1 document ------------------------------------------------------------------

    def to_dict(self, *, raw: bool = True) -> dict[str, Any]:
        """The v1 `Config`, in the field order `kubectl config view -o json` prints."""

        def listed(entries: dict[str, dict[str, Any]], inner: str,
                   order: tuple[str, ...]) -> list[dict[str, Any]] | None:
            if not entries:
                return None
            return [{"name": n, inner: _ordered(copy.deepcopy(entries[n]), order)}
                    for n in sorted(entries)]

        doc: dict[str, Any] = {
            "kind": "Config",
            "apiVersion": "v1",
            "preferences": copy.deepcopy(self.preferences),
            "clusters": listed(self.clusters, "cluster", _CLUSTER_FIELDS),
            "users": listed(self.users, "user", _USER_FIELDS),
            "contexts": listed(self.contexts, "context", _CONTEXT_FIELDS),
            "current-context": self.current_context,
        }
        if not raw:
            _redact(doc)
        return doc

    def minified(self, context: str = "") -> KubeConfig:
        """Only what `context` (default: the current one) uses, as `--minify` shows."""
        name = context or self.current_context
        if not name:
            raise ConfigError("current-context must exist in order to minify")
        ctx = self.contexts.get(name)
        if ctx is None:
            raise ConfigError(f"cannot locate context {name}")
        out = KubeConfig(current_context=name, preferences=dict(self.preferences))
        out.contexts[name] = copy.deepcopy(ctx)
        if ctx.get("cluster") in self.clusters:
            out.clusters[ctx["cluster"]] = copy.deepcopy(self.clusters[ctx["cluster"]])
        if ctx.get("user") in self.users:
            out.users[ctx["user"]] = copy.deepcopy(self.users[ctx["user"]])
        return out

    def view(self, *, minify: bool = False, context: str = "", raw: bool = False) -> dict[str, Any]:
        """What `kubectl config view [--minify] [--raw]` prints, as a document."""
        source = self.minified(context) if minify else self
        return source.to_dict(raw=raw)

    # ---- edits ----------------------------------------------------------------------------

    def use_context(self, name: str) -> None:
        if name not in self.contexts:
            raise ConfigError(f'no context exists with the name: "{name}"')
        self.current_context = name
        self.changed()

    def set_minikube_profile(self, profile: str, server: str, home: str, version: str,
                             when: datetime, namespace: str = "default", *,
                             ca_data: bytes | None = None, token: str | None = None,
                             client_cert: tuple[bytes, bytes] | None = None) -> None:
        """Write a profile's entries the way `minikube start` does, and switch to it.

        With `ca_data` (a running API server) the cluster embeds the CA, and the user embeds
        its client certificate and key (`client_cert`, as `minikube start --embed-certs`
        writes them) or else authenticates with `token`; otherwise they name minikube's
        certificate files."""

        def extension(name: str) -> list[dict[str, Any]]:
            return [{"name": name, "extension": {"last-update": rfc1123(when),
                                                 "provider": PROVIDER, "version": version}}]

        self.clusters[profile] = {"server": server,
                                  "certificate-authority": os.path.join(home, "ca.crt"),
                                  "extensions": extension("cluster_info")}
        self.contexts[profile] = {"cluster": profile, "user": profile, "namespace": namespace,
                                  "extensions": extension("context_info")}
        prof_dir = os.path.join(home, "profiles", profile)
        self.users[profile] = {"client-certificate": os.path.join(prof_dir, "client.crt"),
                               "client-key": os.path.join(prof_dir, "client.key")}
        if ca_data is not None and (token is not None or client_cert is not None):
            cluster = self.clusters[profile]
            del cluster["certificate-authority"]
            cluster["certificate-authority-data"] = base64.b64encode(ca_data).decode("ascii")
            if client_cert is not None:
                cert, key = client_cert
                self.users[profile] = {
                    "client-certificate-data": base64.b64encode(cert).decode("ascii"),
                    "client-key-data": base64.b64encode(key).decode("ascii")}
            else:
                self.users[profile] = {"token": token}
        self.current_context = profile
        self.changed()

    def merge_into(self, path: str, profile: str) -> None:
        """Copy this profile's cluster, context and user into the file at `path`, keeping
        its other entries, and make the profile its current context."""
        other = KubeConfig.load(path)
        for mine, theirs in ((self.clusters, other.clusters), (self.contexts, other.contexts),
                             (self.users, other.users)):
            if profile in mine:
                theirs[profile] = copy.deepcopy(mine[profile])
        if self.current_context == profile:
            other.current_context = profile
        other.save(path)

    def remove_from(self, path: str, profile: str, *, keep_entries: bool = False) -> None:
        """Take the profile out of the file at `path` (or, with `keep_entries`, only stop
        it being current, as `minikube stop` does); a missing file is left alone."""
        if not os.path.exists(path):
            return
        other = KubeConfig.load(path)
        if keep_entries:
            other.unset_current(profile)
        else:
            other.remove_profile(profile)
        other.save(path)

    def unset_current(self, profile: str) -> None:
        """`minikube stop` leaves the entries but stops pointing at the stopped cluster."""
        if self.current_context == profile:
            self.current_context = ""
            self.changed()

    def remove_profile(self, profile: str) -> None:
        """`minikube delete`: the profile's cluster, context and user go."""
        self.clusters.pop(profile, None)
        self.contexts.pop(profile, None)
        self.users.pop(profile, None)
        if self.current_context == profile:
            self.current_context = ""
        self.changed()

    def is_configured(self, profile: str) -> bool:
        """Does the kubeconfig point at this profile's cluster (minikube status' test)?"""
        return profile in self.contexts and profile in self.clusters


def _redact(doc: dict[str, Any]) -> None:
    """RedactSecrets then ShortenConfig: secrets become REDACTED, data DATA+OMITTED."""
    for item in doc.get("users") or []:
        user = item["user"]
        for key in _SECRET_FIELDS:
            if user.get(key):
                user[key] = "REDACTED"
    for key_list, inner in (("clusters", "cluster"), ("users", "user")):
        for item in doc.get(key_list) or []:
            entry = item[inner]
            for key in _DATA_FIELDS:
                if entry.get(key):
                    entry[key] = "DATA+OMITTED"


def default_path() -> str:
    """Where kubectl looks: the first file of $KUBECONFIG, else ~/.kube/config."""
    env = os.environ.get("KUBECONFIG", "")
    for item in env.split(os.pathsep):
        if item:
            return item
    return os.path.join(os.path.expanduser("~"), ".kube", "config")
