"""The client protocol: how commands, the widget and tests talk to a cluster.

Two implementations follow it: `InProcessClient` (the store of a cluster in this kernel) and,
later, an HTTP client for any Kubernetes API. Commands only ever see this protocol, so every
command that works in-process works against a real cluster too.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any, Literal, Protocol

from kubenb.api.objects import WatchEvent
from kubenb.api.registry import Registry

PatchType = Literal["merge", "json", "strategic"]


class Client(Protocol):
    """What a kubectl command needs from a cluster."""

    registry: Registry

    def now(self) -> datetime:
        """The cluster's current time (AGE columns are computed from it)."""
        ...

    def get(self, kind: str, namespace: str | None, name: str) -> dict[str, Any]: ...

    def list(
        self,
        kind: str,
        namespace: str | None = None,
        *,
        label_selector: str | None = None,
        field_selector: str | None = None,
    ) -> tuple[list[dict[str, Any]], str]:
        """Objects in API order plus the list's resourceVersion."""
        ...

    def create(self, obj: dict[str, Any], *, dry_run: bool = False) -> dict[str, Any]: ...

    def update(
        self, obj: dict[str, Any], *, subresource: str | None = None, dry_run: bool = False
    ) -> dict[str, Any]: ...

    def patch(
        self,
        kind: str,
        namespace: str | None,
        name: str,
        patch: Any,
        patch_type: PatchType,
        *,
        subresource: str | None = None,
        dry_run: bool = False,
    ) -> dict[str, Any]: ...

    def delete(
        self,
        kind: str,
        namespace: str | None,
        name: str,
        *,
        grace_period_seconds: int | None = None,
        propagation: str | None = None,
        dry_run: bool = False,
    ) -> dict[str, Any]: ...

    def watch(
        self,
        kind: str,
        namespace: str | None = None,
        *,
        label_selector: str | None = None,
        field_selector: str | None = None,
        resource_version: str | None = None,
        timeout: float | None = None,
    ) -> Iterator[WatchEvent]:
        """Changes after `resource_version`, for at most `timeout` seconds (None: until closed)."""
        ...

    def logs(
        self,
        namespace: str,
        pod: str,
        container: str | None = None,
        *,
        previous: bool = False,
        tail: int | None = None,
        timestamps: bool = False,
    ) -> str:
        """A container's output so far (the pods/log subresource)."""
        ...

    def follow_logs(
        self,
        namespace: str,
        pod: str,
        container: str | None = None,
        *,
        tail: int | None = None,
        timestamps: bool = False,
    ) -> Iterator[str]:
        """`kubectl logs -f`: the container's output so far (its last `tail` lines when
        given), then each piece of new output as it is written; the iterator ends when the
        container stops (after its last output) or the pod goes away. Closing the iterator
        (`close()`, or leaving the `for` loop) ends the stream. Errors before the first
        chunk are the same as `logs()` raises. Over HTTP this is `GET
        …/pods/NAME/log?follow=true` (plus `tailLines`, `timestamps`, `container`), read as
        the chunked response arrives."""
        ...

    def exec(self, namespace: str, pod: str, container: str | None, argv: list[str]) -> tuple[int, str]:
        """Run a command in a container: (exit code, combined output)."""
        ...


class Nodes(Protocol):
    """What the in-process client needs from the kubelets (a Cluster provides it)."""

    def pod_logs(self, namespace: str, pod_name: str, container: str | None = None, *,
                 previous: bool = False, tail: int | None = None,
                 timestamps: bool = False) -> str: ...

    def pod_exec(self, namespace: str, pod_name: str, container: str | None,
                 argv: list[str]) -> tuple[int, str]: ...

    def follow_pod_logs(self, namespace: str, pod_name: str, container: str | None = None, *,
                        tail: int | None = None, timestamps: bool = False) -> Iterator[str]: ...


class Unreachable(Exception):
    """No API server answers: kubectl prints the message as it is and exits 1."""


class DisconnectedClient:
    """The client when no cluster is configured: every request fails as kubectl's would."""

    def __init__(self, message: str) -> None:
        from kubenb.api.registry import REGISTRY

        self.message = message
        self.registry: Registry = REGISTRY

    def __getattr__(self, name: str) -> Any:
        def fail(*_args: Any, **_kw: Any) -> Any:
            raise Unreachable(self.message)

        return fail
