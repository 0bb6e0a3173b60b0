"""Served versions of a kind besides the one the store keeps, and the conversions between them.

The store holds every object in its kind's storage version (the registry's `version`); a kind
whose `ResourceType.served_versions` names more answers those too, converting on the way out
(`to_version`) and on the way in (`from_version`), as kube-apiserver converts through its
internal version. Only HorizontalPodAutoscaler has a second version today (autoscaling/v1,
`conversion_autoscaling`).
"""

from __future__ import annotations

from collections.abc import Callable

from kubenb.api import conversion_autoscaling
from kubenb.api.objects import Obj

Convert = Callable[[Obj], Obj]
# (kind, apiVersion) -> (stored -> served, served -> stored)
CONVERTERS: dict[tuple[str, str], tuple[Convert, Convert]] = {
    ("HorizontalPodAutoscaler", "autoscaling/v1"): (conversion_autoscaling.to_v1,
                                                    conversion_autoscaling.from_v1),
}


def to_version(obj: Obj, api_version: str) -> Obj:
    """`obj` (as stored) in `api_version`; the object itself when that is its version."""
    pair = CONVERTERS.get((obj.get("kind", ""), api_version))
    if obj.get("apiVersion") == api_version:
        return obj
    if pair is None:
        # no converter: versions of one schema (a CustomResourceDefinition's with
        # `conversion: None`) differ only in apiVersion
        if api_version and "/" in api_version and str(obj.get("apiVersion", "")).rpartition("/")[0] \
                == api_version.rpartition("/")[0]:
            return {**obj, "apiVersion": api_version}
        return obj
    return pair[0](obj)


def from_version(obj: Obj, api_version: str) -> Obj:
    """The stored form of `obj`, written in `api_version`."""
    pair = CONVERTERS.get((obj.get("kind", ""), api_version))
    return obj if pair is None else pair[1](obj)
