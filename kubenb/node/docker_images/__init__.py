"""Offline images for the Docker runtime, built with `docker import` from busybox.

No registry is needed: `build(client, refs)` takes each reference's recipe (recipes.py,
derived from the image catalog), lays out a root filesystem of Debian's static busybox plus
the recipe's files (rootfs.py, scripts.py), imports it under the image's real name
(`gcr.io/google-samples/kubernetes-bootcamp:v1`, `nginx:latest`, …) and records the recipe's
fingerprint as a label. An image whose label matches is left alone (`force` rebuilds).
The Docker runtime (kubenb/node/runtime/docker_images.py) calls `ensure()` for an image the
catalog knows when no registry is reachable; `kubenb images build` calls `build()`.
Calls are blocking Docker SDK calls: callers on an event loop run them in a thread.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from kubenb.node.docker_images.recipes import (
    LABEL_DIGEST,
    LABEL_RECIPE,
    PAUSE_IMAGE,
    TUTORIAL_IMAGES,
    Recipe,
    recipe_for,
)
from kubenb.node.docker_images.rootfs import NoBusybox, busybox_path, rootfs_tar
from kubenb.node.images import normalize

__all__ = ["LABEL_DIGEST", "LABEL_RECIPE", "PAUSE_IMAGE", "TUTORIAL_IMAGES", "Built",
           "NoBusybox", "Recipe", "build", "docker_name", "ensure", "recipe_for"]


@dataclass(frozen=True)
class Built:
    ref: str
    image_id: str
    seconds: float
    skipped: bool  # already there with the same recipe


def docker_name(ref: str) -> tuple[str, str]:
    """(repository, tag) as Docker names it: `nginx`, `latest`; `gcr.io/x/y`, `v1`."""
    r = normalize(ref)
    familiar = r.familiar
    repo = familiar.split("@", 1)[0]
    if r.tag and repo.endswith(":" + r.tag):
        repo = repo[: -len(r.tag) - 1]
    return repo, r.tag or "latest"


_BUILD_LOCK = threading.Lock()  # the nodes of a cluster may ask for one image at once


def _current(client: Any, ref: str) -> Any | None:
    import docker.errors

    repo, tag = docker_name(ref)
    try:
        return client.images.get(f"{repo}:{tag}")
    except docker.errors.ImageNotFound:
        return None


def ensure(client: Any, ref: str, *, force: bool = False, busybox: str | None = None) -> Built:
    """Build one image unless it is there with this recipe already."""
    recipe = recipe_for(ref)
    with _BUILD_LOCK:
        return _ensure(client, recipe, force, busybox)


def _ensure(client: Any, recipe: Recipe, force: bool, busybox: str | None) -> Built:
    started = time.monotonic()
    existing = _current(client, recipe.ref)
    if existing is not None and not force and (existing.labels or {}).get(LABEL_RECIPE) == recipe.fingerprint:
        return Built(recipe.ref, existing.id, time.monotonic() - started, True)
    repo, tag = docker_name(recipe.ref)
    data = rootfs_tar(recipe.files, busybox)
    client.api.import_image_from_data(data, repository=repo, tag=tag, changes=recipe.changes())
    image = client.images.get(f"{repo}:{tag}")
    if existing is not None and existing.id != image.id:
        import docker.errors

        try:  # the old build, now untagged, unless a container still uses it
            client.api.remove_image(existing.id)
        except docker.errors.APIError:
            pass
    return Built(recipe.ref, image.id, time.monotonic() - started, False)


def build(client: Any, refs: Iterable[str] = TUTORIAL_IMAGES, *, force: bool = False) -> list[Built]:
    """Build every reference (default: the tutorial images); raises NoBusybox without busybox."""
    busybox = busybox_path()
    return [ensure(client, ref, force=force, busybox=busybox) for ref in refs]
