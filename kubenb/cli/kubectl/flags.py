"""Command-line flags as kubectl (cobra + pflag) parses them, with its exact error texts.

Flags may appear anywhere among the arguments; `--` ends them; `--name=value`,
`--name value`, `-n value`, `-nvalue` and grouped booleans (`-it`) all work; a boolean takes
`--flag=false` but never a separate word. Errors read as kubectl prints them:
`Error: unknown flag: --replica` followed by `See 'kubectl scale --help' for usage.`
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

FlagType = Literal["bool", "string", "int", "strings", "stringArray", "duration"]


class UsageError(Exception):
    """A flag or argument error: kubectl prints `Error: <msg>` then the help hint."""

    def __init__(self, message: str, hint: bool = True) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


@dataclass(frozen=True)
class Flag:
    name: str
    type: FlagType = "string"
    default: Any = None
    short: str = ""
    help: str = ""
    # pflag's NoOptDefVal: the value of a bare `--flag` (which then never takes the next word)
    no_value: str | None = None

    @property
    def label(self) -> str:
        """How pflag names the flag in `invalid argument` errors: `-A, --all-namespaces`."""
        return f"-{self.short}, --{self.name}" if self.short else f"--{self.name}"

    def initial(self) -> Any:
        if self.type in ("strings", "stringArray"):
            return list(self.default or [])
        if self.default is None:
            return {"bool": False, "int": 0, "string": "", "duration": "0s"}[self.type]
        return self.default


# Flags kubectl gives a NoOptDefVal everywhere they appear (`--dry-run` alone means client).
_NO_VALUE = {"dry-run": "client", "cascade": "background"}

_DURATION = re.compile(r"^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$")


def parse_duration(text: str) -> float:
    """Go's time.ParseDuration for the forms kubectl users type (`30s`, `1m30s`, `2h`)."""
    if text in ("0", ""):
        return 0.0
    if not _DURATION.match(text):
        raise ValueError(f'time: invalid duration "{text}"')
    scale = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600}
    return sum(float(n) * scale[u] for n, _, u in re.findall(r"(\d+(\.\d+)?)(ns|us|µs|ms|s|m|h)", text))


def _convert(flag: Flag, raw: str, current: Any) -> Any:
    def bad(why: str) -> UsageError:
        return UsageError(f'invalid argument "{raw}" for "{flag.label}" flag: {why}')

    if flag.type == "bool":
        truth = {"1": True, "t": True, "T": True, "TRUE": True, "true": True, "True": True,
                 "0": False, "f": False, "F": False, "FALSE": False, "false": False,
                 "False": False}
        if raw not in truth:
            raise bad(f'strconv.ParseBool: parsing "{raw}": invalid syntax')
        return truth[raw]
    if flag.type == "int":
        if not re.fullmatch(r"[+-]?\d+", raw):
            raise bad(f'strconv.ParseInt: parsing "{raw}": invalid syntax')
        return int(raw)
    if flag.type == "duration":
        try:
            parse_duration(raw)
        except ValueError as err:
            raise bad(str(err)) from None
        return raw
    if flag.type == "strings":
        return list(current) + [p for p in raw.split(",")] if raw else list(current)
    if flag.type == "stringArray":
        return list(current) + [raw]
    return raw


@dataclass
class Parsed:
    values: dict[str, Any]
    args: list[str]
    dash_args: list[str] = field(default_factory=list)  # what came after `--`
    changed: set[str] = field(default_factory=set)

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    def given(self, name: str) -> bool:
        return name in self.changed


def parse(argv: Sequence[str], flags: Sequence[Flag]) -> Parsed:
    """Split argv into flag values and positional arguments (interspersed, as pflag)."""
    by_name = {f.name: f for f in flags}
    by_short = {f.short: f for f in flags if f.short}
    values = {f.name: f.initial() for f in flags}
    changed: set[str] = set()
    args: list[str] = []
    dash: list[str] = []
    fresh: set[str] = set()  # list flags reset on first use (pflag replaces defaults)

    def assign(flag: Flag, raw: str) -> None:
        current = values[flag.name]
        if flag.type in ("strings", "stringArray") and flag.name not in fresh:
            current = []
            fresh.add(flag.name)
        values[flag.name] = _convert(flag, raw, current)
        changed.add(flag.name)

    i = 0
    argv = list(argv)
    while i < len(argv):
        a = argv[i]
        i += 1
        if a == "--":
            dash = argv[i:]
            break
        if a.startswith("--") and len(a) > 2:
            name, eq, value = a[2:].partition("=")
            flag = by_name.get(name)
            if flag is None:
                raise UsageError(f"unknown flag: --{name}")
            bare = flag.no_value if flag.no_value is not None else _NO_VALUE.get(flag.name)
            if eq:
                assign(flag, value)
            elif bare is not None:
                assign(flag, bare)
            elif flag.type == "bool":
                assign(flag, "true")
            elif i < len(argv):
                assign(flag, argv[i])
                i += 1
            else:
                raise UsageError(f"flag needs an argument: --{name}")
        elif a.startswith("-") and len(a) > 1:
            j = 1
            while j < len(a):
                ch = a[j]
                flag = by_short.get(ch)
                if flag is None:
                    raise UsageError(f"unknown shorthand flag: '{ch}' in {a}")
                rest = a[j + 1:]
                if flag.type == "bool":
                    if rest.startswith("="):
                        assign(flag, rest[1:])
                        break
                    assign(flag, "true")
                    j += 1
                    continue
                if rest.startswith("="):
                    assign(flag, rest[1:])
                elif rest:
                    assign(flag, rest)
                elif i < len(argv):
                    assign(flag, argv[i])
                    i += 1
                else:
                    raise UsageError(f"flag needs an argument: '{ch}' in -{ch}")
                break
        else:
            args.append(a)
    return Parsed(values, args, dash, changed)
