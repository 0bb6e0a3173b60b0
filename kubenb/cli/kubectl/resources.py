"""Resource arguments as kubectl's resource builder reads them.

`pods`, `po,svc`, `all`, `deploy/web pod/x`, `pods a b`: each resolves to a list of
`Request(resource type, names or None)`, in the order kubectl would query them.
"""

from __future__ import annotations

from dataclasses import dataclass

from kubenb.api.registry import Registry, ResourceType, UnknownResource
from kubenb.cli.kubectl.app import CommandError

NEED_TYPE = (
    'You must specify the type of resource to {verb}. Use "kubectl api-resources" for a '
    "complete list of supported resources.\n\n"
)


@dataclass
class Request:
    rt: ResourceType
    names: list[str] | None  # None: every object (subject to selectors)


def lookup(registry: Registry, name: str) -> list[ResourceType]:
    """One typed name → its resource types (`all` expands to its category)."""
    if name.lower() == "all":
        return registry.category("all")
    try:
        return [registry.lookup(name)]
    except UnknownResource:
        raise CommandError(f'the server doesn\'t have a resource type "{name}"') from None


def resolve(registry: Registry, args: list[str]) -> list[Request]:
    """Turn command arguments into resource requests (kubectl's resource.Builder rules)."""
    if not args:
        return []
    slashed = [a for a in args if "/" in a]
    if slashed:
        if len(slashed) != len(args):
            raise CommandError(
                "there is no need to specify a resource type as a separate argument when "
                "passing arguments in resource/name form (e.g. 'kubectl get "
                "resource/<resource_name>' instead of 'kubectl get resource "
                "resource/<resource_name>'"
            )
        out: list[Request] = []
        for a in args:
            kind, _, name = a.partition("/")
            if not name:
                raise CommandError("arguments in resource/name form must have a single resource and name")
            for rt in lookup(registry, kind):
                if out and out[-1].rt == rt and out[-1].names is not None:
                    out[-1].names.append(name)
                else:
                    out.append(Request(rt, [name]))
        return out
    types: list[ResourceType] = []
    for t in args[0].split(","):
        if t:
            for rt in lookup(registry, t):
                if rt not in types:
                    types.append(rt)
    names = args[1:] or None
    return [Request(rt, list(names) if names else None) for rt in types]
