"""The kubectl command tree: dispatch, global flags, and the one place errors become text.

`run(argv, ctx)` finds the (sub)command, parses its flags together with kubectl's global
flags, runs it, and turns every failure into what kubectl prints on stderr with its exit
code: `Error: …` + a help hint for usage errors, `error: …` for client-side errors,
`Error from server (Reason): …` for API errors. Commands return data-free exit codes and
write only to the streams in their `Ctx`.
"""

from __future__ import annotations

import contextlib
import difflib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

from kubenb.api.errors import ApiError
from kubenb.cli.kubectl.flags import Flag, Parsed, UsageError, parse
from kubenb.cli.kubectl.templates.errors import TemplateError
from kubenb.client.base import Client, NotSupported, Unreachable

GLOBAL_FLAGS: tuple[Flag, ...] = (
    Flag("namespace", "string", short="n", help="If present, the namespace scope for this CLI request"),
    Flag("context", "string", help="The name of the kubeconfig context to use"),
    Flag("kubeconfig", "string", help="Path to the kubeconfig file to use for CLI requests."),
    Flag("request-timeout", "string", "0", help="The length of time to wait before giving up on a single server request."),
    Flag("v", "string", "0", short="v", help="number for the log level verbosity"),
)


class CommandError(Exception):
    """A client-side failure: kubectl prints `error: <message>` and exits 1."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass
class Ctx:
    """What a running command gets: the cluster, the streams, the parsed flags."""

    client: Client
    out: TextIO
    err: TextIO
    default_namespace: str = "default"
    stdin: str | None = None
    flags: Parsed | None = None
    path: str = "kubectl"
    kubeconfig: Any = None  # kubenb.kubeconfig.Kubeconfig of this session

    @property
    def namespace(self) -> str:
        ns = self.flags["namespace"] if self.flags else ""
        return ns or self.default_namespace

    def flag(self, name: str) -> Any:
        assert self.flags is not None
        return self.flags[name]


Runner = Callable[[Ctx, list[str]], int]


@dataclass
class Command:
    name: str
    short: str = ""
    run: Runner | None = None
    flags: tuple[Flag, ...] = ()
    subcommands: dict[str, Command] = field(default_factory=dict)
    aliases: tuple[str, ...] = ()
    # A command that takes `-- CMD …` gets them appended to its args.
    takes_dash_args: bool = False

    def add(self, *cmds: Command) -> Command:
        for c in cmds:
            self.subcommands[c.name] = c
            for a in c.aliases:
                self.subcommands[a] = c
        return self

    def find(self, name: str) -> Command | None:
        return self.subcommands.get(name)


def _suggest(name: str, choices: Sequence[str]) -> list[str]:
    return difflib.get_close_matches(name, sorted(set(choices)), n=3, cutoff=0.6)


def _first_word(argv: Sequence[str], flags: Sequence[Flag]) -> int | None:
    """Index of the first positional word, skipping flags and their values."""
    takes_value = {f"--{f.name}" for f in flags if f.type != "bool"}
    takes_value |= {f"-{f.short}" for f in flags if f.short and f.type != "bool"}
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--":
            return None
        if a.startswith("-"):
            if a in takes_value:
                i += 1
            i += 1
            continue
        return i
    return None


def run(root: Command, argv: Sequence[str], ctx: Ctx) -> int:
    """Run one kubectl command line; never raises for user errors."""
    argv = list(argv)
    cmd = root
    path = [root.name]
    try:
        while cmd.subcommands:
            idx = _first_word(argv, GLOBAL_FLAGS + cmd.flags)
            if idx is None:
                break
            word = argv[idx]
            sub = cmd.find(word)
            if sub is None:
                if cmd.run is not None:
                    break
                if cmd is not root:  # kubectl's group commands answer this way
                    ctx.err.write(f'error: unknown command "{word}"\n'
                                  f"See '{' '.join(path)} -h' for help and examples\n")
                    return 1
                msg = f'unknown command "{word}" for "{root.name}"'
                sugg = _suggest(word, list(cmd.subcommands))
                if sugg:
                    msg += "\n\nDid you mean this?\n" + "".join(f"\t{s}\n" for s in sugg)
                raise UsageError(msg, hint=False)
            del argv[idx]
            cmd = sub
            path.append(sub.name)
        ctx.path = " ".join(path)
        parsed = parse(argv, GLOBAL_FLAGS + cmd.flags)
        ctx.flags = parsed
        if cmd.run is None:
            ctx.out.write(help_text(cmd, ctx.path))
            return 0
        args = parsed.args + (parsed.dash_args if cmd.takes_dash_args else [])
        if parsed.dash_args and not cmd.takes_dash_args:
            args = parsed.args + parsed.dash_args
        with writing_as(ctx.client, field_manager(path, parsed),
                        bool(parsed.values.get("force-conflicts"))):
            return cmd.run(ctx, args)
    except UsageError as err:
        ctx.err.write(f"Error: {err.message}\n")
        if err.hint:
            ctx.err.write(f"See '{' '.join(path)} --help' for usage.\n")
        return 1
    except CommandError as err:
        ctx.err.write(f"error: {err.message}\n")
        return err.code
    except ApiError as err:
        ctx.err.write(server_error(err) + "\n")
        return 1
    except Unreachable as err:
        ctx.err.write(f"{err}\n")
        return 1
    except NotSupported as err:  # a capability the cluster behind the client lacks
        ctx.err.write(f"error: {err}\n")
        return 1
    except TemplateError as err:
        ctx.out.write(err.stdout)
        ctx.err.write(f"error: {err.message}\n")
        return 1


# commands whose writes name a field manager without a --field-manager flag of their own
_MANAGERS = {"rollout": "kubectl-rollout", "autoscale": "kubectl-autoscale",
             "replace": "kubectl-replace", "annotate": "kubectl-annotate",
             "label": "kubectl-label"}


def field_manager(path: list[str], parsed: Parsed) -> str | None:
    """The fieldManager kubectl sends for this command (None: it sends none, and the API
    server names the writer after kubectl's User-Agent)."""
    word = path[1] if len(path) > 1 else ""
    value = parsed.values.get("field-manager") or _MANAGERS.get(word)
    if word == "apply" and parsed.values.get("server-side") and not parsed.given("field-manager"):
        return "kubectl"  # kubectl's default manager for server-side apply
    return value


@contextlib.contextmanager
def writing_as(client: Any, manager: str | None, force: bool) -> Iterator[None]:
    """Name the writer (managedFields) on the client for the time of one command."""
    if not hasattr(client, "field_manager"):
        yield
        return
    before = client.field_manager, client.force_conflicts
    client.field_manager, client.force_conflicts = manager, force
    try:
        yield
    finally:
        client.field_manager, client.force_conflicts = before


def server_error(err: ApiError) -> str:
    """kubectl's StandardErrorMessage for an API Status."""
    if err.reason == "Invalid" and err.details.get("causes"):
        kind = err.details.get("kind", "")
        name = err.details.get("name", "")
        causes = err.details["causes"]
        if len(causes) == 1:
            c = causes[0]
            return f'The {kind} "{name}" is invalid: {c["field"]}: {c["message"]}'
        lines = [f'The {kind} "{name}" is invalid: ']
        lines += [f'* {c["field"]}: {c["message"]}' for c in causes]
        return "\n".join(lines)
    if not err.reason:
        return f"Error from server: {err.message}"
    return f"Error from server ({err.reason}): {err.message}"


def help_text(cmd: Command, path: str) -> str:
    lines = [cmd.short or path, "", "Available Commands:"]
    width = max((len(n) for n in cmd.subcommands), default=0) + 2
    seen = set()
    for name, sub in sorted(cmd.subcommands.items()):
        if sub.name in seen or name != sub.name:
            continue
        seen.add(sub.name)
        lines.append(f"  {name.ljust(width)}{sub.short}")
    lines += ["", f"Usage:\n  {path} [flags] [options]", ""]
    return "\n".join(lines)
