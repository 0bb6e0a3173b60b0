"""The kinds an HTTP client knows: the built-in ones, and custom resources found on a miss.

`DiscoveringRegistry` answers like the static registry; when a name or kind is not there it
lists the server's CustomResourceDefinitions once (kubectl refreshes its discovery cache on
a miss the same way) and serves the Established ones' kinds as the in-process store does
(api/crd_registry.custom_type: printer columns, schema, scale paths), so `%kubectl get ct`
works against any cluster whose CRDs the user may read. Without that permission, or on a
server without the API, nothing is added and the miss stands.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kubenb.api.crd import is_established
from kubenb.api.crd_registry import custom_type
from kubenb.api.errors import ApiError
from kubenb.api.registry import REGISTRY, Registry, ResourceType, UnknownResource

ListCRDs = Callable[[], list[dict[str, Any]]]


class DiscoveringRegistry(Registry):
    def __init__(self, list_crds: ListCRDs, base: Registry = REGISTRY) -> None:
        super().__init__(base.resources)
        self._base = base.resources
        self._list_crds = list_crds

    def refresh(self) -> None:
        """Serve the kinds of the server's Established CRDs (and only those)."""
        try:
            crds = self._list_crds()
        except (ApiError, OSError):
            return
        builtin = {rt.kind for rt in self._base}
        found = [custom_type(c) for c in crds if is_established(c)]
        self._index(self._base + tuple(rt for rt in found if rt.kind not in builtin))

    def _retry(self, find: Callable[[str], ResourceType], name: str) -> ResourceType:
        try:
            return find(name)
        except UnknownResource:
            self.refresh()
            return find(name)

    def lookup(self, name: str) -> ResourceType:
        return self._retry(super().lookup, name)

    def by_kind(self, kind: str) -> ResourceType:
        return self._retry(super().by_kind, kind)
