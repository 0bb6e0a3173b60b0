"""Container log files in the CRI format, as containerd writes them and the kubelet reads them.

One line per log line: `<RFC3339Nano time> <stream> <tag> <text>`, the stream `stdout` or
`stderr`, the tag `F` for a full line or `P` for a piece of a longer one (containerd cuts
lines at 16 KiB). The node agent (kubenb/apps/agent.py) writes them for the programs it runs
— `LogWriter.feed()` takes raw pipe output, `LogWriter.line()` a line an app prints — and
the process runtime (kubenb/node/runtime/process.py) reads them back for `kubectl logs`:
`read_log()` joins pieces and applies `--tail` and `--timestamps`; `LogTail` reads what was
added since the last look (for `logs -f`).

Times are Go's RFC3339Nano: nanoseconds with trailing zeros trimmed, in UTC.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import BinaryIO

MAX_LINE = 16 * 1024  # containerd's maximum log line size; longer lines are split


def rfc3339nano(ns: int) -> str:
    """`2026-01-06T10:00:00.12345Z`: Go's time.RFC3339Nano (trailing zeros trimmed)."""
    secs, frac = divmod(ns, 1_000_000_000)
    base = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(secs))
    digits = f"{frac:09d}".rstrip("0")
    return f"{base}.{digits}Z" if digits else f"{base}Z"


class LogWriter:
    """Appends CRI lines for one container; one writer per log file."""

    def __init__(self, path: str) -> None:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        self.path = path
        self._file: BinaryIO | None = open(path, "ab", buffering=0)  # noqa: SIM115 - closed in close()
        self._pending: dict[str, bytes] = {"stdout": b"", "stderr": b""}

    def _write(self, stream: str, tag: str, text: bytes) -> None:
        if self._file is None:
            return
        head = f"{rfc3339nano(time.time_ns())} {stream} {tag} ".encode()
        self._file.write(head + text + b"\n")

    def line(self, text: str, stream: str = "stdout") -> None:
        """An app printed `text` (one or more lines; a trailing newline ends the last one)."""
        body = text[:-1] if text.endswith("\n") else text
        for part in body.split("\n"):
            self._write(stream, "F", part.encode())

    def feed(self, stream: str, data: bytes) -> None:
        """Raw output of a program: whole lines are written, the rest waits for more."""
        buf = self._pending[stream] + data
        while True:
            nl = buf.find(b"\n")
            if nl < 0:
                break
            line, buf = buf[:nl], buf[nl + 1:]
            while len(line) > MAX_LINE:
                self._write(stream, "P", line[:MAX_LINE])
                line = line[MAX_LINE:]
            self._write(stream, "F", line)
        while len(buf) > MAX_LINE:
            self._write(stream, "P", buf[:MAX_LINE])
            buf = buf[MAX_LINE:]
        self._pending[stream] = buf

    def flush_partial(self, stream: str) -> None:
        """The stream ended: what is left without a newline becomes a full line."""
        rest = self._pending[stream]
        self._pending[stream] = b""
        if rest:
            self._write(stream, "F", rest)

    def close(self) -> None:
        for stream in ("stdout", "stderr"):
            self.flush_partial(stream)
        if self._file is not None:
            self._file.close()
            self._file = None


@dataclass(frozen=True)
class Entry:
    time: str
    stream: str
    text: str  # without the newline


def parse(data: bytes) -> list[Entry]:
    """Log lines from CRI text: pieces (`P`) are joined to the line they belong to."""
    out: list[Entry] = []
    partial: dict[str, list[str]] = {}
    for raw in data.split(b"\n"):
        if not raw:
            continue
        parts = raw.split(b" ", 3)
        if len(parts) < 3:
            continue
        ts, stream, tag = (p.decode(errors="replace") for p in parts[:3])
        text = parts[3].decode(errors="replace") if len(parts) > 3 else ""
        if tag == "P":
            partial.setdefault(stream, []).append(text)
            continue
        text = "".join(partial.pop(stream, [])) + text
        out.append(Entry(ts, stream, text))
    return out


def render(entries: list[Entry], *, tail: int | None = None, timestamps: bool = False) -> str:
    """What `kubectl logs` prints for these lines."""
    if tail is not None:
        entries = entries[-tail:] if tail > 0 else []
    if timestamps:
        return "".join(f"{e.time} {e.text}\n" for e in entries)
    return "".join(e.text + "\n" for e in entries)


def read_log(path: str, *, tail: int | None = None, timestamps: bool = False) -> str:
    """The whole log of one container as `kubectl logs` prints it ("" when there is none)."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return ""
    return render(parse(data), tail=tail, timestamps=timestamps)


class LogTail:
    """Reads a growing log file from an offset: each `read()` returns the new complete lines."""

    def __init__(self, path: str, offset: int = 0) -> None:
        self.path = path
        self.offset = offset

    def read(self, timestamps: bool = False) -> str:
        try:
            with open(self.path, "rb") as f:
                f.seek(self.offset)
                data = f.read()
        except FileNotFoundError:
            return ""
        end = 0  # only whole lines: a line being written, or cut into pieces, waits
        pos = 0
        while (nl := data.find(b"\n", pos)) >= 0:
            fields = data[pos:nl].split(b" ", 3)
            pos = nl + 1
            if len(fields) < 3 or fields[2] != b"P":
                end = pos
        self.offset += end
        return render(parse(data[:end]), timestamps=timestamps)
