"""`kubectl create poddisruptionbudget NAME --selector=SEL --min-available=N|--max-unavailable=N`
(kubectl pkg/cmd/create/create_pdb.go): a policy/v1 PodDisruptionBudget, checked client-side
with kubectl's words, then created through `writes.submit` like the other builders.
"""

from __future__ import annotations

import re
from typing import Any

from kubenb.cli.kubectl.app import Command, CommandError, Ctx
from kubenb.cli.kubectl.flags import Flag
from kubenb.cli.kubectl.writes import WRITE_FLAGS, enforced_namespace, name_arg, submit

_INT_OR_PERCENT = re.compile(r"^[0-9]+%?$")
_SET_OP = re.compile(r"^\s*([^\s!=]+)\s+(in|notin)\s+\(([^)]*)\)\s*$")


def _int_or_string(text: str) -> int | str:
    """intstr.Parse: a number when it parses as one, else the string."""
    return int(text) if text.isdigit() else text


def label_selector(text: str) -> dict[str, Any]:
    """metav1.ParseToLabelSelector: `k=v` into matchLabels, the rest into matchExpressions."""
    labels: dict[str, str] = {}
    exprs: list[dict[str, Any]] = []
    for part in re.split(r",(?![^()]*\))", text):
        part = part.strip()
        if not part:
            continue
        set_op = _SET_OP.match(part)
        if set_op:
            key, op, values = set_op.groups()
            exprs.append({"key": key, "operator": "In" if op == "in" else "NotIn",
                          "values": [v.strip() for v in values.split(",") if v.strip()]})
        elif "!=" in part:
            raise CommandError('"!=" is not a valid label selector operator')
        elif "=" in part:
            key, value = part.split("==", 1) if "==" in part else part.split("=", 1)
            labels[key.strip()] = value.strip()
        elif part.startswith("!"):
            exprs.append({"key": part[1:].strip(), "operator": "DoesNotExist"})
        else:
            exprs.append({"key": part, "operator": "Exists"})
    selector: dict[str, Any] = {}
    if labels:
        selector["matchLabels"] = labels
    if exprs:
        selector["matchExpressions"] = exprs
    return selector


def build_pdb(name: str, selector: str, min_available: str, max_unavailable: str,
              namespace: str = "") -> dict[str, Any]:
    """The object kubectl builds, in Go struct order (for typed `-o json`)."""
    if not selector:
        raise CommandError("a selector must be specified")
    if not min_available and not max_unavailable:
        raise CommandError("one of min-available or max-unavailable must be specified")
    if min_available and max_unavailable:
        raise CommandError("min-available and max-unavailable cannot be both specified")
    for flag, value in (("min-available", min_available), ("max-unavailable", max_unavailable)):
        if value and not _INT_OR_PERCENT.match(value):
            raise CommandError(f"invalid format specified for {flag}")
    meta: dict[str, Any] = {"name": name}
    if namespace:
        meta["namespace"] = namespace
    meta["creationTimestamp"] = None
    spec: dict[str, Any] = {}
    if min_available:
        spec["minAvailable"] = _int_or_string(min_available)
    spec["selector"] = label_selector(selector)
    if max_unavailable:
        spec["maxUnavailable"] = _int_or_string(max_unavailable)
    return {"kind": "PodDisruptionBudget", "apiVersion": "policy/v1", "metadata": meta, "spec": spec,
            "status": {"disruptionsAllowed": 0, "currentHealthy": 0, "desiredHealthy": 0,
                       "expectedPods": 0}}


def run(ctx: Ctx, args: list[str]) -> int:
    name = name_arg(ctx)
    obj = build_pdb(name, ctx.flag("selector") or "", ctx.flag("min-available") or "",
                    ctx.flag("max-unavailable") or "", enforced_namespace(ctx))
    return submit(ctx, obj, "failed to create poddisruptionbudgets: ")


COMMAND = Command(
    "poddisruptionbudget", "Create a pod disruption budget with the specified name", run,
    WRITE_FLAGS + (Flag("selector", "string"), Flag("min-available", "string"),
                   Flag("max-unavailable", "string")),
    aliases=("pdb",))
