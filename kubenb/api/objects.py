"""Typed views of raw Kubernetes JSON, object keys, a fast deep copy and timestamps.

Objects stay plain dicts, typed `Obj` (DESIGN: objects are Kubernetes JSON). The TypedDicts
(`WatchEvent`, `OwnerReference`) only name the keys so type checkers catch typos; `Key`
identifies an object in the store.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any, Literal, NamedTuple, NewType, TypedDict

from kubenb.clock import rfc3339

# a Kubernetes object as JSON
Obj = dict[str, Any]
ResourceVersion = NewType("ResourceVersion", str)
EventType = Literal["ADDED", "MODIFIED", "DELETED", "BOOKMARK", "ERROR"]


class OwnerReference(TypedDict, total=False):
    apiVersion: str
    kind: str
    name: str
    uid: str
    controller: bool
    blockOwnerDeletion: bool


class WatchEvent(TypedDict):
    type: EventType
    object: Obj


class Key(NamedTuple):
    """Where an object lives: kind, namespace ('' if cluster-scoped), name."""

    kind: str
    namespace: str
    name: str

    def __str__(self) -> str:
        return f"{self.namespace}/{self.name}" if self.namespace else self.name


def key_of(obj: Obj) -> Key:
    meta = obj["metadata"]
    return Key(obj["kind"], meta.get("namespace") or "", meta["name"])


def clone(value: Any) -> Any:
    """Deep-copy JSON data (dicts, lists, scalars) several times faster than copy.deepcopy."""
    if isinstance(value, dict):
        return {k: clone(v) if isinstance(v, (dict, list)) else v for k, v in value.items()}
    if isinstance(value, list):
        return [clone(v) if isinstance(v, (dict, list)) else v for v in value]
    return value


# whole second since the epoch -> its rfc3339 text (writes in the same second share it)
_STAMPS: dict[int, str] = {}


def stamp(dt: datetime) -> str:
    """`rfc3339(dt)`, formatted once per second: every write needs one, strftime is slow."""
    second = math.floor(dt.timestamp())
    text = _STAMPS.get(second)
    if text is None:
        if len(_STAMPS) >= 4096:
            _STAMPS.clear()
        text = _STAMPS[second] = rfc3339(dt)
    return text
