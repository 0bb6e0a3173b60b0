"""The pod-template-hash: the `5485cc6795` in `kubernetes-bootcamp-5485cc6795-m5t2x`.

The deployment controller names each ReplicaSet `<deployment>-<hash>` and labels the
RS, its selector and its pods `pod-template-hash=<hash>`. The same template must give
the same hash (so `rollout undo` finds the old ReplicaSet again) and any change must
give a new one. Algorithm: FNV-1a 32 over the template, then the collision count,
the uint32 written in decimal, each digit mapped through util/rand's alphabet
(`SafeEncodeString`), as controller.ComputeHash does.
"""

from __future__ import annotations

import json
import struct
from typing import Any

from kubenb.api.names import ALPHABET

POD_TEMPLATE_HASH_LABEL = "pod-template-hash"

_FNV32_OFFSET = 0x811C9DC5
_FNV32_PRIME = 0x01000193


def fnv32(data: bytes) -> int:
    """32-bit FNV-1 of `data` (Go's hash/fnv New32: multiply, then xor), as
    HashControllerRevision uses it."""
    h = _FNV32_OFFSET
    for byte in data:
        h = (h * _FNV32_PRIME) & 0xFFFFFFFF
        h ^= byte
    return h


def fnv32a(data: bytes) -> int:
    """32-bit FNV-1a of `data` (Go's hash/fnv New32a)."""
    h = _FNV32_OFFSET
    for byte in data:
        h ^= byte
        h = (h * _FNV32_PRIME) & 0xFFFFFFFF
    return h


def safe_encode_string(s: str) -> str:
    """rand.SafeEncodeString: each character c becomes ALPHABET[ord(c) % 27]."""
    return "".join(ALPHABET[ord(c) % len(ALPHABET)] for c in s)


def _normalise(value: Any) -> Any:
    """Drop nulls and empty maps/lists, which the API treats as absent."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            v = _normalise(v)
            if v is None or v == {} or v == []:
                continue
            out[k] = v
        return out
    if isinstance(value, list):
        return [_normalise(v) for v in value]
    return value


def canonical_template(template: dict[str, Any]) -> dict[str, Any]:
    """The template as hashed: no pod-template-hash label, no nulls or empty maps/lists."""
    labels = (template.get("metadata") or {}).get("labels") or {}
    if POD_TEMPLATE_HASH_LABEL in labels:
        template = {**template, "metadata": {**template["metadata"]}}
        template["metadata"]["labels"] = {
            k: v for k, v in labels.items() if k != POD_TEMPLATE_HASH_LABEL
        }
    return _normalise(template)


def pod_template_hash(template: dict[str, Any], collision_count: int | None = None) -> str:
    """ComputeHash for a pod template (a Deployment's `spec.template`).

    Deviation from Kubernetes: Go deep-prints the PodTemplateSpec struct with spew, which
    cannot be reproduced from JSON, so the hashed bytes are a canonical JSON text
    (`json.dumps(sort_keys=True, separators=(",", ":"))`) of `canonical_template(template)`.
    Hashes therefore differ from a real cluster's, but keep their shape (up to 10 chars
    of `456789bcdf`) and their behaviour: equal templates (also after a round trip
    through a ReplicaSet, whose template carries the hash label) hash equally, and any
    change hashes differently. Hash the stored, defaulted template; a decoder that
    turns protobuf zero values into JSON must drop them first, as Go types would.
    The collision count is added as ComputeHash adds it: 8 bytes, the uint32
    little-endian in the first four.
    """
    text = json.dumps(canonical_template(template), sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False)
    data = text.encode("utf-8")
    if collision_count is not None:
        data += struct.pack("<I", collision_count & 0xFFFFFFFF) + b"\x00" * 4
    return safe_encode_string(str(fnv32a(data)))
