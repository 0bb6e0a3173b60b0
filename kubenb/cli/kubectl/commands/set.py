"""`kubectl set image` and `kubectl set env`: change a workload's pod template in place.

Both read the objects, change a copy of the pod template, and write the difference back as
a strategic merge patch of the whole template's container lists (what kubectl's
CalculatePatches sends); an unchanged object is skipped silently, as kubectl does.
Messages: `deployment.apps/x image updated`, `… env updated`, and kubectl's errors.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from kubenb.api.errors import ApiError
from kubenb.api.objects import Obj
from kubenb.cli.kubectl.app import Command, CommandError, Ctx
from kubenb.cli.kubectl.commands.scale import (
    DRY_RUN_SUFFIX,
    Target,
    dry_run_mode,
    emit,
    find_targets,
    report,
    report_aggregate,
)
from kubenb.cli.kubectl.flags import Flag
from kubenb.cli.kubectl.output import parse_output

_POD_SPEC_PATH = {"Pod": ("spec",), "Deployment": ("spec", "template", "spec"),
                  "ReplicaSet": ("spec", "template", "spec"), "StatefulSet": ("spec", "template", "spec"),
                  "DaemonSet": ("spec", "template", "spec"), "Job": ("spec", "template", "spec"),
                  "ReplicationController": ("spec", "template", "spec"),
                  "CronJob": ("spec", "jobTemplate", "spec", "template", "spec")}
_ENV_NAME = re.compile(r"^[-._a-zA-Z][-._a-zA-Z0-9]*$")
_ENV_NAME_MSG = ("a valid environment variable name must consist of alphabetic characters, digits, '_', "
                 "'-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  "
                 "or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')")


def pod_spec(obj: Obj) -> Obj | None:
    """The pod spec inside a workload (None for kinds without one)."""
    path = _POD_SPEC_PATH.get(obj.get("kind", ""))
    if path is None:
        return None
    node = obj
    for key in path:
        node = node.setdefault(key, {})
    return node


def split_pairs(args: list[str], is_pair: Any, what: str) -> tuple[list[str], list[str]]:
    """kubectl GetResourcesAndPairs: resources first, then the pairs."""
    resources: list[str] = []
    pairs: list[str] = []
    for arg in args:
        if is_pair(arg):
            pairs.append(arg)
        elif pairs:
            raise CommandError(f"all resources must be specified before {what} changes: {arg}")
        else:
            resources.append(arg)
    return resources, pairs


def _common_flags() -> tuple[Flag, ...]:
    return (
        Flag("output", "string", short="o"), Flag("template", "string"),
        Flag("dry-run", "string", "none"), Flag("local", "bool"), Flag("all", "bool"),
        Flag("selector", "string", short="l"), Flag("filename", "stringArray", short="f"),
        Flag("record", "bool"), Flag("field-manager", "string", "kubectl-set"),
    )


def _patch_changed(ctx: Ctx, target: Target, changed: Obj, mode: str, what: str) -> Obj:
    """Write the changed pod spec's containers back with a strategic merge patch."""
    rt, obj = target
    meta = obj["metadata"]
    spec = pod_spec(changed) or {}
    patch: Obj = {}
    node = patch
    path = _POD_SPEC_PATH[obj["kind"]]
    for key in path[:-1]:
        node = node.setdefault(key, {})
    node[path[-1]] = {k: spec[k] for k in ("containers", "initContainers") if k in spec}
    if mode == "client":
        return changed
    try:
        return ctx.client.patch(rt.kind, meta.get("namespace"), meta["name"], patch, "merge",
                                dry_run=mode == "server")
    except ApiError as err:
        raise CommandError(f"failed to patch {what} update to pod template: {err.message}") from None


# ---- set image ---------------------------------------------------------------------------


def run_image(ctx: Ctx, args: list[str]) -> int:
    mode = dry_run_mode(ctx)
    spec = parse_output(ctx.flag("output"), ctx.flag("template"))
    resources, pairs = split_pairs(args, lambda a: "=" in a, "image")
    if not resources:
        raise CommandError("one or more resources must be specified as <resource> <name> or <resource>/<name>")
    if not pairs:
        raise CommandError("at least one image update is required")
    images: dict[str, str] = {}
    for pair in pairs:
        name, _, image = pair.partition("=")
        if not name or not image:
            raise CommandError(f"invalid image: {pair}")
        images[name] = image
    targets, api_errors = find_targets(ctx, resources, ctx.flag("selector"))
    if api_errors:  # kubectl's Complete() stops at the first unreadable object
        return report(ctx, api_errors[:1])
    messages: list[ApiError | str] = []
    for rt, obj in targets:
        changed = copy.deepcopy(obj)
        podspec = pod_spec(changed)
        if podspec is None:
            messages.append(f"error: {rt.qualified}/{obj['metadata']['name']} "
                            f"the object is not a pod or does not have a pod template: {rt.kind}\n")
            continue
        for name, image in images.items():
            found = False
            for key in ("initContainers", "containers"):
                for c in podspec.get(key) or []:
                    if name in ("*", c.get("name")):
                        c["image"] = image
                        found = True
            if not found:
                messages.append(f'error: unable to find container named "{name}"')
        if changed == obj:
            continue
        try:
            result = _patch_changed(ctx, (rt, obj), changed, mode, "image")
        except CommandError as err:
            messages.append(err.message)
            continue
        emit(ctx, spec, result, "image updated" + DRY_RUN_SUFFIX[mode])
    return report_aggregate(ctx, messages)


# ---- set env -----------------------------------------------------------------------------


def _is_env_arg(arg: str) -> bool:
    return "=" in arg or (arg.endswith("-") and arg != "-")


def parse_env(pairs: list[str]) -> tuple[list[Obj], list[str]]:
    """kubectl env.ParseEnv: (variables to set, names to remove)."""
    env: list[Obj] = []
    remove: list[str] = []
    for pair in pairs:
        if "=" in pair:
            name, _, value = pair.partition("=")
            if not _ENV_NAME.match(name):
                raise CommandError(f'"{name}" is not a valid key name: {_ENV_NAME_MSG}')
            env.append({"name": name, "value": value})
        elif pair.endswith("-"):
            remove.append(pair[:-1])
        else:
            raise CommandError(f"unknown environment variable: {pair}")
    both = {e["name"] for e in env} & set(remove)
    if both:
        raise CommandError("can not both modify and remove the same environment variable in the same command")
    return env, remove


def update_env(existing: list[Obj], env: list[Obj], remove: list[str]) -> list[Obj]:
    """kubectl updateEnv: replace in place, append new ones, drop removed ones."""
    out = [dict(e) for e in existing if e.get("name") not in remove]
    for new in env:
        for i, old in enumerate(out):
            if old.get("name") == new["name"]:
                out[i] = dict(new)
                break
        else:
            out.append(dict(new))
    return out


def _selected(containers: list[Obj], pattern: str) -> list[Obj]:
    regex = re.compile("^" + re.escape(pattern).replace(r"\*", ".*") + "$")
    return [c for c in containers if regex.match(c.get("name", ""))]


def run_env(ctx: Ctx, args: list[str]) -> int:
    mode = dry_run_mode(ctx)
    spec = parse_output(ctx.flag("output"), ctx.flag("template"))
    if ctx.flag("list") and ctx.flag("output"):
        raise CommandError("--list and --output may not be specified together")
    resources, pairs = split_pairs(args, _is_env_arg, "environment")
    pairs = list(ctx.flag("env")) + pairs
    if not resources:
        raise CommandError("one or more resources must be specified as <resource> <name> or <resource>/<name>")
    env, remove = parse_env(pairs)
    from_env, api_errors = _env_from(ctx)
    if api_errors:
        return report(ctx, api_errors[:1])
    env = [{**e, "name": (ctx.flag("prefix") or "") + e["name"]} for e in env + from_env]
    targets, api_errors = find_targets(ctx, resources, ctx.flag("selector"))
    if api_errors:
        return report(ctx, api_errors[:1])
    for rt, obj in targets:
        changed = copy.deepcopy(obj)
        podspec = pod_spec(changed) or {}
        containers = _selected((podspec.get("containers") or []) + (podspec.get("initContainers") or []),
                               ctx.flag("containers") or "*")
        if not containers:
            ctx.err.write(f"Warning: {obj['kind']}/{obj['metadata']['name']} does not have any containers "
                          f'matching "{ctx.flag("containers")}"\n')
            continue
        for c in containers:
            if not ctx.flag("overwrite"):
                for e in env:
                    current = next((x for x in c.get("env") or [] if x.get("name") == e["name"]), None)
                    if current is not None and current.get("value", "") != e.get("value", ""):
                        raise CommandError(f"'{current['name']}' already has a value "
                                           f"({current.get('value', '')}), and --overwrite is false")
            new_env = update_env(c.get("env") or [], env, remove)
            if new_env:
                c["env"] = new_env
            else:
                c.pop("env", None)
            if ctx.flag("list"):
                ctx.out.write(f"# {obj['kind']} {obj['metadata']['name']}, container {c.get('name', '')}\n")
                for e in new_env:
                    if "valueFrom" in e:
                        ctx.out.write(f"# {e['name']} from {_ref_text(e['valueFrom'])}\n")
                    else:
                        ctx.out.write(f"{e['name']}={e.get('value', '')}\n")
        if ctx.flag("list") or changed == obj:
            continue
        result = _patch_changed(ctx, (rt, obj), changed, mode, "env")
        if not env and not remove:
            raise CommandError("at least one environment variable must be provided")
        emit(ctx, spec, result, "env updated" + DRY_RUN_SUFFIX[mode])
    return 0


_NOT_ENV_CHAR = re.compile(r"[^a-zA-Z0-9_]")


def _env_from(ctx: Ctx) -> tuple[list[Obj], list[ApiError]]:
    """`--from=configmap/NAME|secret/NAME`: one variable per key (only `--keys`, if given),
    named after the key (upper case, other characters `_`) and taken from it by reference.
    Keys in sorted order (kubectl walks a Go map: its order varies)."""
    if not ctx.flag("from"):
        return [], []
    sources, errors = find_targets(ctx, [ctx.flag("from")])
    keys = ctx.flag("keys") or []
    env: list[Obj] = []
    for _, obj in sources:
        ref = {"ConfigMap": "configMapKeyRef", "Secret": "secretKeyRef"}.get(obj.get("kind", ""))
        if ref is None:
            raise CommandError("unsupported resource specified in --from")
        env += [{"name": _NOT_ENV_CHAR.sub("_", key).upper(),
                 "valueFrom": {ref: {"name": obj["metadata"]["name"], "key": key}}}
                for key in sorted(obj.get("data") or {}) if not keys or key in keys]
    return env, errors


def _ref_text(value_from: Obj) -> str:
    """envutil.GetEnvVarRefString."""
    if "configMapKeyRef" in value_from:
        ref = value_from["configMapKeyRef"]
        return f"configmap {ref.get('name', '')}, key {ref.get('key', '')}"
    if "secretKeyRef" in value_from:
        ref = value_from["secretKeyRef"]
        return f"secret {ref.get('name', '')}, key {ref.get('key', '')}"
    if "fieldRef" in value_from:
        return f"field path {value_from['fieldRef'].get('fieldPath', '')}"
    if "resourceFieldRef" in value_from:
        ref = value_from["resourceFieldRef"]
        container = f"{ref['containerName']}:" if ref.get("containerName") else ""
        return f"resource {container}{ref.get('resource', '')}"
    return "invalid valueFrom"


IMAGE = Command("image", "Update the image of a pod template", run_image, _common_flags())
ENV = Command("env", "Update environment variables on a pod template", run_env, _common_flags() + (
    Flag("containers", "string", "*", short="c"), Flag("env", "stringArray", short="e"),
    Flag("list", "bool"), Flag("resolve", "bool"), Flag("overwrite", "bool", True),
    Flag("from", "string"), Flag("prefix", "string"), Flag("keys", "strings"),
))
COMMAND = Command("set", "Set specific features on objects").add(IMAGE, ENV)
