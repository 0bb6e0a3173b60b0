"""The notebook session: one profile registry per Python process, shared by the magics.

`kubectl(argv, …)` runs against the kubeconfig's current context (a profile started with
`%minikube start`), or fails as kubectl does when nothing is running; `minikube(argv, …)`
drives the same registry.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

from kubenb.cli.minikube.profiles import NoCluster, Profiles
from kubenb.client.base import Client, DisconnectedClient

_profiles: Profiles | None = None


def profiles() -> Profiles:
    """The registry of this process (created on first use)."""
    global _profiles
    if _profiles is None:
        _profiles = Profiles()
    return _profiles


def reset(new: Profiles | None = None) -> Profiles | None:
    """Replace the registry (tests); returns the old one, which the caller should close."""
    global _profiles
    old, _profiles = _profiles, new
    return old


def current_client() -> Client | None:
    try:
        return profiles().current_client()
    except NoCluster:
        return None


def kubectl(argv: Sequence[str], out: TextIO, err: TextIO, *, stdin: str | None = None) -> int:
    from kubenb.cli.kubectl.main import kubectl as run_kubectl

    reg = profiles()
    try:
        client: Client = reg.current_client()
    except NoCluster as gone:
        client = DisconnectedClient(str(gone))
    return run_kubectl(argv, client, out, err, stdin=stdin, kubeconfig=reg.kubeconfig)


def minikube(argv: Sequence[str], out: TextIO, err: TextIO) -> int:
    from kubenb.cli.minikube.commands import minikube as run_minikube

    return run_minikube(argv, out, err, profiles())
