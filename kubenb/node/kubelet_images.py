"""The kubelet's image manager: pull policy, pull back-off and the events around a pull.

`ImageManager.ensure(pod, container, field_path)` follows pkg/kubelet/images
EnsureImageExists: IfNotPresent/Never look at the runtime first (`Container image "x"
already present on machine`; Never without the image → ErrImageNeverPull); a pull inside
its back-off answers ImagePullBackOff (Normal BackOff `Back-off pulling image "x"`);
otherwise Pulling, the runtime's pull, then Pulled with the time it took, or Warning Failed
`Failed to pull image "x": <runtime's error>` and ErrImagePull with a doubled back-off
(key `<pod uid>_<image>`). The pod worker (podworker.py) records `Error: <reason>` itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kubenb.clock import Clock
from kubenb.config import Timings
from kubenb.node.kubelet_backoff import Backoff, go_duration
from kubenb.node.runtime.base import ImageInfo, ImagePullError, Runtime

EventFn = Callable[[dict[str, Any], str, str, str, str], None]  # pod, type, reason, msg, path


class ImageManager:
    def __init__(self, runtime: Runtime, clock: Clock, timings: Timings, event: EventFn) -> None:
        self.runtime = runtime
        self.clock = clock
        self.event = event
        self.backoff = Backoff(timings.image_backoff_initial, timings.image_backoff_max,
                               2 * timings.image_backoff_max)

    def _key(self, pod: dict[str, Any], image: str) -> str:
        return f"{pod['metadata']['uid']}_{image}"

    def backoff_remaining(self, pod: dict[str, Any], image: str) -> float:
        return self.backoff.remaining_since_update(self._key(pod, image), self.clock.now().timestamp())

    def forget(self, pod_uid: str) -> None:
        self.backoff.forget_prefix(f"{pod_uid}_")

    async def ensure(
        self, pod: dict[str, Any], container: dict[str, Any], field_path: str
    ) -> tuple[ImageInfo | None, str, str]:
        """(image, "", "") when the image is there; (None, reason, message) when not."""
        image = container.get("image") or ""
        policy = container.get("imagePullPolicy") or "IfNotPresent"
        if policy != "Always":
            present = await self.runtime.image_status(image)
            if present is not None:
                self.event(pod, "Normal", "Pulled",
                           f'Container image "{image}" already present on machine', field_path)
                return present, "", ""
            if policy == "Never":
                msg = f'Container image "{image}" is not present with pull policy of Never'
                self.event(pod, "Warning", "ErrImageNeverPull", msg, field_path)
                return None, "ErrImageNeverPull", msg
        key = self._key(pod, image)
        now = self.clock.now().timestamp()
        if self.backoff.in_backoff_since_update(key, now):
            msg = f'Back-off pulling image "{image}"'
            self.event(pod, "Normal", "BackOff", msg, field_path)
            return None, "ImagePullBackOff", msg
        self.event(pod, "Normal", "Pulling", f'Pulling image "{image}"', field_path)
        started = self.clock.monotonic()
        try:
            info = await self.runtime.pull_image(image)
        except ImagePullError as err:
            self.event(pod, "Warning", "Failed", f'Failed to pull image "{image}": {err.message}',
                       field_path)
            now = self.clock.now().timestamp()
            self.backoff.next(key, now, now)
            return None, err.reason, err.message
        took = go_duration(int((self.clock.monotonic() - started) * 1000) / 1000)
        self.event(pod, "Normal", "Pulled",
                   f'Successfully pulled image "{image}" in {took} ({took} including waiting). '
                   f"Image size: {info.size} bytes.", field_path)
        return info, "", ""
