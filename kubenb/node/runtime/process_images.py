"""The images a process-runtime node has: pulls from the offline catalog, as sim does them.

A pull takes `timings.image_pull` on the cluster clock (there is no registry to download
from), joins a pull of the same reference already under way (containerd does; `SingleFlight`
in base.py), and fails for a reference the catalog (kubenb/node/images.py) does not know
with containerd's words (`ImagePullError`: ErrImagePull, or InvalidImageName for a malformed
reference). The kubelet's image manager (kubenb/node/kubelet_images.py) does the back-off.
"""

from __future__ import annotations

from kubenb.config import Context
from kubenb.node.images import (
    Catalog,
    ImageNotFound,
    InvalidReference,
    ResolvedImage,
    normalize,
    pull_error_message,
)
from kubenb.node.runtime.base import ImageInfo, ImagePullError, SingleFlight


def info_of(img: ResolvedImage) -> ImageInfo:
    return ImageInfo(img.ref, img.repo_digest, img.image_id, img.size,
                     (f"{img.repository}:{img.tag}",))


class ImageStore:
    def __init__(self, ctx: Context, catalog: Catalog) -> None:
        self.ctx = ctx
        self.catalog = catalog
        self._images: dict[str, tuple[ImageInfo, ResolvedImage]] = {}
        self._pulls: SingleFlight[str, ImageInfo] = SingleFlight()

    def status(self, ref: str) -> ImageInfo | None:
        try:
            key = str(normalize(ref))
        except InvalidReference:
            return None
        found = self._images.get(key)
        return found[0] if found else None

    def list(self) -> list[ImageInfo]:
        return [info for info, _ in self._images.values()]

    def resolved(self, ref: str) -> ResolvedImage:
        """The pulled image behind `ref` (what a container is created from)."""
        found = self._images.get(str(normalize(ref)))
        return found[1] if found else self.catalog.resolve(ref)

    async def pull(self, ref: str) -> ImageInfo:
        try:
            key = str(normalize(ref))
        except InvalidReference as err:
            raise ImagePullError(str(err), reason="InvalidImageName") from None
        return await self._pulls.run(key, lambda: self._pull(key))

    async def _pull(self, key: str) -> ImageInfo:
        await self.ctx.clock.sleep(self.ctx.timings.image_pull)
        try:
            img = self.catalog.resolve(key)
        except ImageNotFound as err:
            raise ImagePullError(pull_error_message(err.ref, err.repo_missing)) from None
        info = info_of(img)
        self._images[key] = (info, img)
        return info
