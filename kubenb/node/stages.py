"""Container programs as data: what a simulated container prints, when, and how it ends.

kwok describes pod lifecycles as data ("stages"); kubenb's sim runtime does the same one
level down. `program_for()` turns an image's `Behaviour` (kubenb/node/images.py), the
container's command/args and the pod's sim annotations into a `Program`: a small tree of
shell statements. `Program.timeline()` replays it lazily as (seconds-after-start, event)
pairs — output text, the exit, or "runs forever from here" — so the sim runtime knows
when a container exits without any timer per log line, and renders `kubectl logs` on demand.

The shell is tiny and says so: `;`, `&&`, `||`, `while COND; do …; done`, `$VAR`/`${VAR}`
and `$(hostname)` expansion, and the commands in `Shell.run` (echo, printf, sleep, exit,
true, false, env, printenv, hostname, cat, ls, pwd, whoami, date, curl/wget to the
container's own port, sh/bash -c, tail -f). Anything it cannot read runs until stopped.
`exec()` uses the same commands, without waiting for sleeps.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal, Union

from kubenb.node.images import Behaviour

EventKind = Literal["out", "exit", "forever"]
FOREVER = float("inf")
MAX_EVENTS = 20_000  # a busy loop's log is cut here


@dataclass(frozen=True)
class Cmd:
    argv: tuple[str, ...]


@dataclass(frozen=True)
class While:
    cond: Seq
    body: Seq


@dataclass(frozen=True)
class Seq:
    """Statements joined by `;`, `&&` or `||` (the operator before each statement)."""

    items: tuple[tuple[str, Node], ...]


Node = Union[Cmd, While, Seq]


class Unsupported(Exception):
    """The script uses shell syntax this small shell does not read."""


class _Exit(Exception):
    def __init__(self, code: int, t: float) -> None:
        self.code, self.t = code, t


class ExecNotFound(Exception):
    """exec of an executable the image does not have."""


# ---- parsing ---------------------------------------------------------------------------


def expand(text: str, env: dict[str, str]) -> str:
    """$VAR, ${VAR} and $(hostname) outside single quotes."""
    out: list[str] = []
    i, quoted = 0, False
    while i < len(text):
        c = text[i]
        if c == "'":
            quoted = not quoted
        if c == "$" and not quoted:
            m = re.match(r"\$(?:\{(\w+)\}|(\w+)|\((hostname)\))", text[i:])
            if m:
                name = m.group(1) or m.group(2)
                out.append(env.get("HOSTNAME", "") if m.group(3) else env.get(name, ""))
                i += m.end()
                continue
        out.append(c)
        i += 1
    return "".join(out)


def parse(script: str) -> Seq:
    lex = shlex.shlex(script.replace("\n", ";"), posix=True, punctuation_chars=";&|()<>")
    lex.whitespace_split = True
    try:
        tokens = list(lex)
    except ValueError as err:
        raise Unsupported(str(err)) from None
    seq, pos = _parse_seq(tokens, 0, ())
    if pos != len(tokens):
        raise Unsupported(f"unexpected {tokens[pos]!r}")
    return seq


def _parse_seq(tokens: list[str], pos: int, stop: tuple[str, ...]) -> tuple[Seq, int]:
    items: list[tuple[str, Node]] = []
    op = ";"
    while pos < len(tokens) and tokens[pos] not in stop:
        tok = tokens[pos]
        if tok in (";", "&&", "||"):
            op = tok if tok != ";" else ";"
            pos += 1
            continue
        if tok == "while":
            cond, pos = _parse_seq(tokens, pos + 1, ("do",))
            body, pos = _parse_seq(tokens, pos + 1, ("done",))
            if pos >= len(tokens):
                raise Unsupported("while without done")
            items.append((op, While(cond, body)))
            pos += 1
        else:
            words: list[str] = []
            while pos < len(tokens) and tokens[pos] not in (";", "&&", "||") + stop:
                if tokens[pos] in ("|", "&", "(", ")", "<", ">", ">>", "<<") or tokens[pos] in (
                        "if", "for", "until", "case", "then", "fi", "do", "done"):
                    raise Unsupported(f"shell syntax {tokens[pos]!r}")
                words.append(tokens[pos])
                pos += 1
            items.append((op, Cmd(tuple(words))))
        op = ";"
    if stop and pos >= len(tokens):
        raise Unsupported(f"missing {stop[0]!r}")
    return Seq(tuple(items)), pos


# ---- the shell -------------------------------------------------------------------------


@dataclass
class Shell:
    """The world a program sees: environment, files, its own HTTP answer, the clock."""

    behaviour: Behaviour
    env: dict[str, str]
    started: datetime
    files: dict[str, str] = field(default_factory=dict)
    sleeps: bool = True  # exec does not wait for sleeps

    def render(self, template: str) -> str:
        t = self.started
        return template.format(
            pod=self.env.get("HOSTNAME", ""), hostname=self.env.get("HOSTNAME", ""),
            iso_ms=t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z",
            nginx_time=t.strftime("%Y/%m/%d %H:%M:%S"),
            port=self.behaviour.ports[0] if self.behaviour.ports else "")

    def has(self, name: str) -> bool:
        base = name.rsplit("/", 1)[-1]
        if base == "bash":
            return self.behaviour.has_bash
        return base in _BUILTINS or base in ("sh", "ash", "tail", "node", "nginx", "python",
                                             "python3")

    def run(self, argv: tuple[str, ...], t: float) -> Iterator[tuple[float, EventKind, str]]:
        """Run one command; yields its events, returns (exit status, time after)."""
        if not argv:
            return (0, t)
        name, args = argv[0].rsplit("/", 1)[-1], list(argv[1:])
        if name in ("sh", "bash", "ash"):
            if name == "bash" and not self.behaviour.has_bash:
                yield (t, "out", "sh: bash: not found\n")
                return (127, t)
            if len(args) >= 2 and args[0] == "-c":
                try:
                    tree = parse(expand(args[1], self.env))
                except Unsupported:
                    yield (t, "forever", "")
                    return (0, t)
                return (yield from self.seq(tree, t))
            return (0, t)  # a shell with nothing to read ends
        if name == "exit":
            raise _Exit(_int(args[0]) if args else 0, t)
        if name == "sleep":
            secs = FOREVER if args and args[0] == "infinity" else _seconds(args[0] if args else "0")
            if secs == FOREVER:
                yield (t, "forever", "")
            return (0, t + secs if self.sleeps else t)
        if name == "tail" and "-f" in args:
            yield (t, "forever", "")
            return (0, t)
        fn = _BUILTINS.get(name)
        if fn is None:
            yield (t, "out", f"sh: {argv[0]}: not found\n")
            return (127, t)
        code, text = fn(self, args, t)
        if text:
            yield (t, "out", text)
        return (code, t)

    def seq(self, seq: Seq, t: float) -> Iterator[tuple[float, EventKind, str]]:
        status = 0
        for op, node in seq.items:
            if (op == "&&" and status != 0) or (op == "||" and status == 0):
                continue
            if isinstance(node, Cmd):
                status, t = yield from self.run(node.argv, t)
            elif isinstance(node, While):
                status, t = yield from self.loop(node, t)
            else:
                status, t = yield from self.seq(node, t)
        return (status, t)

    def loop(self, node: While, t: float) -> Iterator[tuple[float, EventKind, str]]:
        first = True
        while True:
            status, t = yield from self.seq(node.cond, t)
            if status != 0:
                return (0, t)
            t_before = t
            _, t = yield from self.seq(node.body, t)
            if first:
                yield (t, "forever", "")  # deterministic: it will loop like this for ever
                first = False
            if t == t_before and not node.body.items:
                return (0, t)


def _int(text: str) -> int:
    try:
        return int(text) & 0xFF
    except ValueError:
        return 2


def _seconds(text: str) -> float:
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([smhd]?)", text)
    if not m:
        return 0.0
    return float(m.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[m.group(2)]


def _echo(sh: Shell, args: list[str], t: float) -> tuple[int, str]:
    newline = True
    while args and args[0] in ("-n", "-e", "-ne", "-en"):
        newline = newline and "n" not in args[0]
        args = args[1:]
    return 0, " ".join(args) + ("\n" if newline else "")


def _printf(sh: Shell, args: list[str], t: float) -> tuple[int, str]:
    if not args:
        return 1, "printf: usage: printf FORMAT [ARGUMENT]...\n"
    fmt, rest = args[0].replace("\\n", "\n").replace("\\t", "\t"), args[1:]
    return 0, re.sub(r"%[sd]", lambda _m: rest.pop(0) if rest else "", fmt)


def _env(sh: Shell, args: list[str], t: float) -> tuple[int, str]:
    if args:
        return (0, sh.env[args[0]] + "\n") if args[0] in sh.env else (1, "")
    return 0, "".join(f"{k}={v}\n" for k, v in sh.env.items())


def _cat(sh: Shell, args: list[str], t: float) -> tuple[int, str]:
    out, code = [], 0
    for name in args:
        path = name if name.startswith("/") else sh.behaviour.workdir.rstrip("/") + "/" + name
        if path in sh.files:
            out.append(sh.files[path])
        else:
            out.append(f"cat: can't open '{name}': No such file or directory\n")
            code = 1
    return code, "".join(out)


def _ls(sh: Shell, args: list[str], t: float) -> tuple[int, str]:
    d = (args[-1] if args and not args[-1].startswith("-") else sh.behaviour.workdir).rstrip("/")
    names = sorted({p[len(d) + 1:].split("/")[0] for p in sh.files if p.startswith(d + "/")})
    return 0, "".join(n + "\n" for n in names)


def _date(sh: Shell, args: list[str], t: float) -> tuple[int, str]:
    now = sh.started + timedelta(seconds=t)
    return 0, now.strftime("%a %b ") + f"{now.day:2d}" + now.strftime(" %H:%M:%S UTC %Y") + "\n"


def _curl(sh: Shell, args: list[str], t: float) -> tuple[int, str]:
    url = next((a for a in args if not a.startswith("-")), "")
    m = re.match(r"(?:https?://)?(localhost|127\.0\.0\.1)(?::(\d+))?", url)
    port = int(m.group(2) or 80) if m else None
    if m and port in sh.behaviour.ports and sh.behaviour.http_response is not None:
        return 0, sh.render(sh.behaviour.http_response)
    host = m.group(1) if m else url.split("/")[0]
    return 7, (f"curl: (7) Failed to connect to {host} port {port or 80} after 0 ms: "
               "Couldn't connect to server\n")


_BUILTINS = {
    "echo": _echo, "printf": _printf, "env": _env, "printenv": _env, "cat": _cat, "ls": _ls,
    "date": _date, "curl": _curl, "wget": _curl,
    "true": lambda sh, a, t: (0, ""), ":": lambda sh, a, t: (0, ""),
    "false": lambda sh, a, t: (1, ""),
    "hostname": lambda sh, a, t: (0, sh.env.get("HOSTNAME", "") + "\n"),
    "pwd": lambda sh, a, t: (0, sh.behaviour.workdir + "\n"),
    "whoami": lambda sh, a, t: (0, "root\n"),
}


# ---- programs --------------------------------------------------------------------------


_TRAP = re.compile(r"""\btrap\s+(?P<handler>'[^']*'|"[^"]*"|\S+)(?P<signals>(?:\s+[\w-]+)+)""")


def handles_sigterm(argv: tuple[str, ...]) -> bool:
    """Does this command install a SIGTERM handler (as PID 1 it ignores SIGTERM otherwise)?
    A shell `trap HANDLER … TERM|SIGTERM|15 …` with a non-empty handler, or Python's
    `signal.signal(signal.SIGTERM, …)`; what the text does not show counts as no handler."""
    text = " ".join(argv)
    for m in _TRAP.finditer(text):
        if m["handler"] not in ("''", '""', "-") and {"TERM", "SIGTERM", "15"} & set(m["signals"].split()):
            return True
    return "signal.SIGTERM" in text and "signal.signal(" in text


@dataclass(frozen=True)
class Program:
    """What a container does. `argv` None means the image's own long-running server."""

    argv: tuple[str, ...] | None
    behaviour: Behaviour
    exit_override: tuple[int, float] | None = None  # (code, after seconds)

    def timeline(self, shell: Shell) -> Iterator[tuple[float, EventKind, str]]:
        if self.exit_override is not None:
            code, after = self.exit_override
            yield (after, "exit", str(code))
            return
        if self.argv is None:
            for line in self.behaviour.logs:
                text = shell.render(line)
                yield (0.0, "out", text if text.endswith("\n") else text + "\n")
            yield (0.0, "forever", "")
            return
        try:
            status, t = yield from shell.run(self.argv, 0.0)
        except _Exit as e:
            status, t = e.code, e.t
        yield (t, "exit", str(status))

    def end(self, shell: Shell, minimum: float) -> tuple[float, int] | None:
        """(seconds after start, exit code) — or None for a program that runs until stopped."""
        if self.argv is None and self.exit_override is None:
            return None  # the image's server
        for n, (t, kind, text) in enumerate(self.timeline(shell)):
            if kind == "forever" or n > MAX_EVENTS:
                return None
            if kind == "exit":
                return max(t, minimum), int(text)
        return None

    def output(self, shell: Shell, until: float) -> list[tuple[float, str]]:
        """Every line printed up to `until` seconds after start, with its time."""
        lines: list[tuple[float, str]] = []
        for t, kind, text in self.timeline(shell):
            if t > until or kind == "exit" or len(lines) > MAX_EVENTS:
                break
            if kind == "out":
                lines.extend((t, part) for part in text.splitlines(keepends=True))
        return lines


SIM_PREFIX = "sim.kubenb.io/"


def sim_annotation(annotations: dict[str, str], key: str, container: str) -> str | None:
    """`sim.kubenb.io/<key>.<container>` wins over `sim.kubenb.io/<key>`."""
    value = annotations.get(f"{SIM_PREFIX}{key}.{container}")
    return value if value is not None else annotations.get(f"{SIM_PREFIX}{key}")


def program_for(
    behaviour: Behaviour,
    command: tuple[str, ...],
    args: tuple[str, ...],
    annotations: dict[str, str],
    container: str,
) -> Program:
    """Docker's entrypoint/cmd rules, then the sim annotations, then the image's nature."""
    code = sim_annotation(annotations, "exit-code", container)
    run = sim_annotation(annotations, "run-seconds", container)
    if code is not None or run is not None:
        return Program(None, behaviour, (_int(code or "0"), _seconds(run or "0")))
    if not command and (behaviour.program == "server" or (not args and behaviour.program == "exit")):
        if behaviour.program == "exit":
            return Program(None, behaviour, (behaviour.exit_code, 0.0))
        return Program(None, behaviour)
    argv = (command or behaviour.entrypoint) + (args if (args or command) else behaviour.cmd)
    if argv == behaviour.entrypoint + behaviour.cmd and behaviour.program == "server":
        return Program(None, behaviour)
    base = argv[0].rsplit("/", 1)[-1] if argv else ""
    if base.startswith("python"):
        if "http.server" in argv:
            port = next((a for a in argv[argv.index("http.server") + 1:] if a.isdigit()), "8000")
            return Program(None, Behaviour(
                ports=(int(port),), logs=(f"Serving HTTP on 0.0.0.0 port {port} "
                                          f"(http://0.0.0.0:{port}/) ...",),
                http_response="<!DOCTYPE HTML>\n<html><body>Directory listing for /</body></html>\n",
                env=behaviour.env))
        return Program(() if len(argv) == 1 or "-c" in argv else None, behaviour)
    if base in _BUILTINS or base in ("sh", "bash", "ash", "exit", "sleep", "tail"):
        return Program(argv, behaviour)
    return Program(None, Behaviour(ports=behaviour.ports, env=behaviour.env,
                                   http_response=behaviour.http_response))
