"""Images for the Docker runtime: what is on the engine, pulls, and offline builds.

`Images.pull(ref)` pulls from the registry when one answers (a TCP probe of the registry
host, remembered for a minute; `KUBENB_OFFLINE=1` skips it) and otherwise — or when the
registry does not have it — builds the image locally from the catalog's recipe
(kubenb/node/docker_images/). A reference neither the registry nor the catalog has fails
with `ImagePullError` in the words the kubelet shows under Docker (cri-dockerd):
`… Error response from daemon: manifest for x:v10 not found: manifest unknown: …`.
Concurrent pulls of one reference share one pull (`SingleFlight`, base.py).
`ImageInfo.repo_digest` is `repo@sha256:…` (the registry's, or the digest the built image
stands for).
"""

from __future__ import annotations

import os
import socket
import time
from typing import Any

from kubenb.node import docker_images
from kubenb.node.images import CATALOG, Catalog, ImageNotFound, InvalidReference, normalize
from kubenb.node.runtime.base import ImageInfo, ImagePullError, SingleFlight
from kubenb.node.runtime.docker_engine import Engine

RPC = "rpc error: code = Unknown desc = Error response from daemon: "
REGISTRY_HOSTS = {"docker.io": "registry-1.docker.io"}
PROBE_TTL = 60.0


def not_found_message(ref: str, repo_missing: bool) -> str:
    """The daemon's answer for a reference the registry does not have."""
    repo, tag = docker_images.docker_name(ref)
    if repo_missing:
        return (f"{RPC}pull access denied for {repo}, repository does not exist or may "
                "require 'docker login': denied: requested access to the resource is denied")
    return f"{RPC}manifest for {repo}:{tag} not found: manifest unknown: manifest unknown"


def image_info(ref: str, attrs: dict[str, Any]) -> ImageInfo:
    labels = (attrs.get("Config") or {}).get("Labels") or {}
    repo = normalize(ref).repository
    digests = attrs.get("RepoDigests") or []
    if labels.get(docker_images.LABEL_DIGEST):
        repo_digest = f"{repo}@{labels[docker_images.LABEL_DIGEST]}"
    elif digests:
        repo_digest = digests[0]
    else:
        repo_digest = attrs["Id"]
    return ImageInfo(str(normalize(ref)), repo_digest, attrs["Id"], int(attrs.get("Size") or 0),
                     tuple(attrs.get("RepoTags") or ()))


class Images:
    """The image side of the Docker runtime (one per runtime; the engine is shared)."""

    def __init__(self, engine: Engine, catalog: Catalog = CATALOG) -> None:
        self.engine = engine
        self.catalog = catalog
        self._pulls: SingleFlight[str, ImageInfo] = SingleFlight()
        self._probes: dict[str, tuple[float, bool]] = {}
        self._listed: tuple[float, list[ImageInfo]] | None = None

    # ---- what is there -------------------------------------------------------------------

    def _inspect(self, ref: str) -> dict[str, Any] | None:
        import docker.errors

        repo, tag = docker_images.docker_name(ref)
        name = f"{repo}@{normalize(ref).digest}" if normalize(ref).digest else f"{repo}:{tag}"
        try:
            return self.engine.client.api.inspect_image(name)
        except docker.errors.ImageNotFound:
            return None

    async def status(self, ref: str) -> ImageInfo | None:
        try:
            normalize(ref)
        except InvalidReference:
            return None
        attrs = await self.engine.run(self._inspect, ref)
        return image_info(ref, attrs) if attrs else None

    def _list(self) -> list[ImageInfo]:
        out = []
        for attrs in self.engine.client.api.images():
            tags = [t for t in attrs.get("RepoTags") or [] if t != "<none>:<none>"]
            if tags:
                out.append(image_info(tags[0], self.engine.client.api.inspect_image(attrs["Id"])))
        return out

    async def list(self) -> list[ImageInfo]:
        """The engine's images; remembered for 10 s (every heartbeat asks)."""
        now = time.monotonic()
        if self._listed is None or now - self._listed[0] > 10:
            self._listed = (now, await self.engine.run(self._list))
        return self._listed[1]

    # ---- pulls -----------------------------------------------------------------------------

    def _reachable(self, ref: str) -> bool:
        if os.environ.get("KUBENB_OFFLINE"):
            return False
        domain = normalize(ref).domain
        host = REGISTRY_HOSTS.get(domain, domain)
        now = time.monotonic()
        known = self._probes.get(host)
        if known and now - known[0] < PROBE_TTL:
            return known[1]
        try:
            name, _, port = host.partition(":")
            with socket.create_connection((name, int(port or 443)), timeout=1.5):
                ok = True
        except OSError:
            ok = False
        self._probes[host] = (now, ok)
        return ok

    def _pull_blocking(self, ref: str) -> ImageInfo:
        """Registry first when it answers; then the catalog's offline recipe."""
        import docker.errors

        registry_error = ""
        if self._reachable(ref):
            repo, tag = docker_images.docker_name(ref)
            try:
                self.engine.client.api.pull(repo, tag=normalize(ref).digest or tag)
                attrs = self._inspect(ref)
                if attrs is not None:
                    return image_info(ref, attrs)
            except docker.errors.APIError as err:
                registry_error = RPC + str(err.explanation or err)
        try:
            docker_images.recipe_for(ref, self.catalog)
        except ImageNotFound as err:
            raise ImagePullError(registry_error or not_found_message(err.ref, err.repo_missing)) from None
        docker_images.ensure(self.engine.client, ref)
        attrs = self._inspect(ref)
        if attrs is None:
            raise ImagePullError(f"{RPC}image {ref} vanished after it was built")
        return image_info(ref, attrs)

    async def pull(self, ref: str) -> ImageInfo:
        try:
            key = str(normalize(ref))
        except InvalidReference as err:
            raise ImagePullError(str(err), reason="InvalidImageName") from None
        return await self._pulls.run(key, lambda: self._pull(key))

    async def _pull(self, key: str) -> ImageInfo:
        try:
            info = await self.engine.run(self._pull_blocking, key)
        except docker_images.NoBusybox as err:
            raise ImagePullError(f"{RPC}{err}") from None
        self._listed = None
        return info
