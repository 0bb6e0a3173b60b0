"""`kubectl create quota NAME [--hard=key1=value1,key2=value2] [--scopes=Scope1,Scope2]`
(kubectl pkg/cmd/create/create_quota.go): a v1 ResourceQuota. The hard limits are parsed
client-side with kubectl's words (`Invalid argument syntax x, expected <resource>=<value>`,
the quantity regular-expression error); scopes are left for the API server to check. Created
through `writes.submit` like the other builders.
"""

from __future__ import annotations

from typing import Any

from kubenb.api.quantity import canonical_quantity
from kubenb.cli.kubectl.app import Command, CommandError, Ctx
from kubenb.cli.kubectl.flags import Flag
from kubenb.cli.kubectl.writes import WRITE_FLAGS, enforced_namespace, name_arg, submit


def _resource_list(spec: str) -> dict[str, str] | None:
    """populateResourceListV1."""
    if not spec:
        return None
    out: dict[str, str] = {}
    for statement in spec.split(","):
        parts = statement.split("=")
        if len(parts) != 2:
            raise CommandError(f"Invalid argument syntax {statement}, expected <resource>=<value>")
        try:
            out[parts[0]] = canonical_quantity(parts[1])
        except (ValueError, TypeError) as exc:
            raise CommandError(str(exc)) from None
    return out


def build_quota(name: str, hard: str, scopes: str, namespace: str = "") -> dict[str, Any]:
    """The object kubectl builds, in Go struct order (for typed `-o json`)."""
    meta: dict[str, Any] = {"name": name}
    if namespace:
        meta["namespace"] = namespace
    meta["creationTimestamp"] = None
    spec: dict[str, Any] = {}
    hard_list = _resource_list(hard)
    if hard_list:
        spec["hard"] = dict(sorted(hard_list.items()))
    if scopes:
        parts = scopes.split(",")
        if "" in parts:
            raise CommandError('invalid resource quota scope ""')
        spec["scopes"] = parts
    return {"kind": "ResourceQuota", "apiVersion": "v1", "metadata": meta, "spec": spec, "status": {}}


def run(ctx: Ctx, args: list[str]) -> int:
    name = name_arg(ctx)
    obj = build_quota(name, ctx.flag("hard") or "", ctx.flag("scopes") or "", enforced_namespace(ctx))
    return submit(ctx, obj, "failed to create quota: ")


COMMAND = Command(
    "quota", "Create a quota with the specified name", run,
    WRITE_FLAGS + (Flag("hard", "string"), Flag("scopes", "string")),
    aliases=("resourcequota",))
