"""`kubectl wait --for=delete|create|condition=C[=v]|jsonpath='{…}'[=v] TYPE/NAME … [--timeout]`.

Each named object is checked as listed, then on every watch event until its condition
holds (`<kind.group>/<name> condition met`) or the timeout runs out on the cluster's clock
(`error: timed out waiting for the condition on <plural>/<name>`). `--timeout=0` checks
once. Consumes only `client.get/list/watch`, so the waiting happens wherever the watch
events come from.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kubenb.api.errors import ApiError, NotFound
from kubenb.api.objects import Obj
from kubenb.api.registry import ResourceType
from kubenb.cli.kubectl.app import Command, CommandError, Ctx
from kubenb.cli.kubectl.commands.scale import Target, emit, find_targets, report
from kubenb.cli.kubectl.flags import Flag, UsageError, parse_duration
from kubenb.cli.kubectl.output import parse_output
from kubenb.cli.kubectl.templates import TemplateError, relaxed
from kubenb.cli.kubectl.templates.jsonpath import compile_template, find_results, value_text
from kubenb.cli.kubectl.templates.jsonpath_parse import JSONPathError

Check = Callable[[Obj], bool]


@dataclass
class Condition:
    kind: str  # delete | create | check
    check: Check | None = None


def condition_check(name: str, want: str) -> Check:
    """ConditionalWait: the named condition has the wanted status (case-folded), once observed."""
    def check(obj: Obj) -> bool:
        status = obj.get("status") or {}
        for cond in status.get("conditions") or []:
            if not isinstance(cond, dict) or str(cond.get("type", "")).casefold() != name.casefold():
                continue
            if "status" not in cond:
                continue
            generation = (obj.get("metadata") or {}).get("generation")
            observed = cond.get("observedGeneration", status.get("observedGeneration"))
            if generation is not None and observed is not None and observed < generation:
                return False
            return str(cond["status"]).casefold() == want.casefold()
        return False
    return check


def split_jsonpath_input(text: str) -> list[str]:
    """kubectl splitJSONPathInput: split on single `=`, keep `==`."""
    parts: list[str] = []
    current = ""
    i = 0
    while i < len(text):
        if text[i] == "=":
            if i + 1 < len(text) and text[i + 1] == "=":
                current += "=="
                i += 2
                continue
            parts.append(current)
            current = ""
        else:
            current += text[i]
        i += 1
    return [*parts, current]


def jsonpath_check(text: str) -> Check:
    """JSONPathWait: the expression finds one scalar equal to the value (or anything, without one)."""
    parts = split_jsonpath_input(text)
    if not 1 <= len(parts) <= 2:
        raise CommandError("jsonpath wait format must be --for=jsonpath='{.status.readyReplicas}'=3 "
                           "or --for=jsonpath='{.status.readyReplicas}'")
    try:
        expr = relaxed(parts[0])
    except TemplateError as err:
        raise CommandError(err.message) from None
    value = parts[1].strip("'\"") if len(parts) == 2 else None
    if value == "":
        raise CommandError("jsonpath wait has to have a value after equal sign, like "
                           "--for=jsonpath='{.status.readyReplicas}'=3")
    if not expr:
        raise CommandError("jsonpath expression cannot be empty")
    try:
        root = compile_template(expr)
    except JSONPathError as err:
        raise CommandError(str(err)) from None

    def check(obj: Obj) -> bool:
        try:
            results = find_results(root, obj, allow_missing=True)
        except JSONPathError as err:
            raise CommandError(str(err)) from None
        if not results or not results[0]:
            return False
        if len(results) > 1:
            raise CommandError("given jsonpath expression matches more than one list")
        if len(results[0]) > 1:
            raise CommandError("given jsonpath expression matches more than one value")
        if value is None:
            return True
        found = results[0][0]
        if isinstance(found, (dict, list)):
            raise CommandError("jsonpath leads to a nested object or list which is not supported")
        return value_text(found).strip() == value.strip()
    return check


def parse_for(text: str) -> Condition:
    """conditionFuncFor."""
    lower = text.lower()
    if lower == "delete":
        return Condition("delete")
    if lower == "create":
        return Condition("create")
    if text.startswith("condition="):
        name, _, want = text[len("condition="):].partition("=")
        return Condition("check", condition_check(name, want or "true"))
    if text.startswith("jsonpath="):
        return Condition("check", jsonpath_check(text[len("jsonpath="):]))
    raise CommandError(f'unrecognized condition: "{text}"')


class _Clock:
    """The timeout, counted on the cluster's clock."""

    def __init__(self, ctx: Ctx, seconds: float) -> None:
        self.ctx = ctx
        self.end = ctx.client.now().timestamp() + seconds

    def remaining(self) -> float:
        return self.end - self.ctx.client.now().timestamp()


def _events(ctx: Ctx, rt: ResourceType, ns: str | None, name: str, rv: str, clock: _Clock) -> Any:
    """Watch events about one object until the timeout; rewatches if the server closes early."""
    while clock.remaining() > 0:
        stream = ctx.client.watch(rt.kind, ns, field_selector=f"metadata.name={name}",
                                  resource_version=rv or None, timeout=clock.remaining())
        try:
            for ev in stream:
                rv = ev["object"]["metadata"].get("resourceVersion", rv)
                yield ev
        finally:
            close = getattr(stream, "close", None)
            if close:
                close()


def timed_out(rt: ResourceType, name: str) -> CommandError:
    return CommandError(f"timed out waiting for the condition on {rt.plural}/{name}")


def wait_one(ctx: Ctx, target: Target, cond: Condition, timeout: float) -> Obj:
    """Block until the condition holds for one object; returns the object to print."""
    rt, obj = target
    meta = obj["metadata"]
    ns = meta.get("namespace") if rt.namespaced else None
    if cond.kind == "create":
        return obj
    if cond.kind == "delete":
        try:
            current = ctx.client.get(rt.kind, ns, meta["name"])
        except NotFound:
            return obj
        if timeout <= 0:
            raise timed_out(rt, meta["name"])
        clock = _Clock(ctx, timeout)
        for ev in _events(ctx, rt, ns, meta["name"], current["metadata"].get("resourceVersion", ""), clock):
            if ev["type"] == "DELETED" or ev["object"]["metadata"].get("uid") != current["metadata"].get("uid"):
                return ev["object"]
        raise timed_out(rt, meta["name"])
    assert cond.check is not None
    if timeout == 0:
        current = ctx.client.get(rt.kind, ns, meta["name"])
        if not cond.check(current):
            raise CommandError(f"condition not met for {rt.qualified}/{meta['name']}")
        return current
    clock = _Clock(ctx, timeout)
    items, rv = ctx.client.list(rt.kind, ns, field_selector=f"metadata.name={meta['name']}")
    if not items:
        raise NotFound(rt.qualified, meta["name"])
    if cond.check(items[0]):
        return items[0]
    for ev in _events(ctx, rt, ns, meta["name"], rv, clock):
        if ev["type"] in ("ADDED", "MODIFIED") and cond.check(ev["object"]):
            return ev["object"]
    raise timed_out(rt, meta["name"])


def _wait_created(ctx: Ctx, args: list[str], timeout: float) -> None:
    """`--for=create`: wait until every named object exists (kubectl polls; we watch)."""
    from kubenb.cli.kubectl.resources import resolve

    clock = _Clock(ctx, timeout)
    for req in resolve(ctx.client.registry, args):
        ns = ctx.namespace if req.rt.namespaced else None
        for name in req.names or []:
            try:
                ctx.client.get(req.rt.kind, ns, name)
                continue
            except NotFound:
                pass
            _, rv = ctx.client.list(req.rt.kind, ns, field_selector=f"metadata.name={name}")
            if not any(ev["type"] == "ADDED" for ev in _events(ctx, req.rt, ns, name, rv, clock)):
                raise CommandError("timed out waiting for the condition")


def run(ctx: Ctx, args: list[str]) -> int:
    cond = parse_for(ctx.flag("for"))
    spec = parse_output(ctx.flag("output"), ctx.flag("template"))
    if not args and not ctx.flag("filename"):
        raise CommandError("You must provide one or more resources by argument or filename.\n"
                           "Example resource specifications include:\n   '-f rsrc.yaml'\n"
                           "   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'")
    timeout = parse_timeout(ctx.flag("timeout"))
    if cond.kind == "create":
        _wait_created(ctx, args, timeout)
    targets, errors = _find(ctx, args, ctx.flag("selector"), ctx.flag("all"))
    if errors and cond.kind != "delete":
        return report(ctx, errors[:1])
    if not targets and cond.kind not in ("delete",):
        raise CommandError("no matching resources found")
    for target in targets:
        try:
            final = wait_one(ctx, target, cond, timeout)
        except ApiError as err:
            return report(ctx, [err])
        emit(ctx, spec, final, "condition met")
    return 0


def parse_timeout(raw: str) -> float:
    """`--timeout` as a Go duration; negative means a week, as kubectl has it."""
    try:
        seconds = parse_duration(raw.removeprefix("-"))
    except ValueError as err:
        raise UsageError(f'invalid argument "{raw}" for "--timeout" flag: {err}') from None
    return 168 * 3600.0 if raw.startswith("-") and seconds else seconds


def _find(ctx: Ctx, args: list[str], selector: str, everything: bool) -> tuple[list[Target], list[ApiError]]:
    """Targets by name, by `-l`, or every object of the type with `--all`."""
    if not everything:
        return find_targets(ctx, args, selector, ctx.flag("all-namespaces"),
                            field_selector=ctx.flag("field-selector"))
    from kubenb.cli.kubectl.resources import resolve

    found: list[Target] = []
    for req in resolve(ctx.client.registry, args):
        ns = None if (ctx.flag("all-namespaces") or not req.rt.namespaced) else ctx.namespace
        items, _ = ctx.client.list(req.rt.kind, ns, field_selector=ctx.flag("field-selector") or None)
        found += [(req.rt, obj) for obj in items]
    return found, []


FLAGS = (
    Flag("for", "string"),
    Flag("timeout", "string", "30s"),
    Flag("selector", "string", short="l"),
    Flag("field-selector", "string"),
    Flag("all", "bool"),
    Flag("all-namespaces", "bool", short="A"),
    Flag("local", "bool"),
    Flag("output", "string", short="o"),
    Flag("template", "string"),
    Flag("filename", "stringArray", short="f"),
    Flag("recursive", "bool", short="R"),
)

COMMAND = Command("wait", "Experimental: Wait for a specific condition on one or many resources", run, FLAGS)
