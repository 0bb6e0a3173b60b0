"""Split a magic's line like a POSIX shell: quotes, backslashes, `$NAME` / `${NAME}` expansion.

Single quotes keep everything literal (Go templates such as
`'{{range .items}}{{.metadata.name}}{{"\\n"}}{{end}}'` arrive intact); double quotes and bare
words expand `$NAME` and `${NAME}` from a lookup (the notebook namespace, then the
environment), as `sh` would.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class ShellSyntaxError(ValueError):
    """Unbalanced quotes and similar: the message reads like a shell's."""


def split(line: str, lookup: Callable[[str], str | None] | None = None) -> list[str]:
    """Words of `line` after quote removal and variable expansion."""
    words: list[str] = []
    cur: list[str] = []
    in_word = False
    quoted = False  # a word with quotes survives even when empty ('' or "$EMPTY")
    i, n = 0, len(line)

    def expand(at: int) -> tuple[str, int]:
        """Expand the `$…` at `at`; return (text, index after it)."""
        if at + 1 < n and line[at + 1] == "{":
            end = line.find("}", at + 2)
            if end < 0:
                raise ShellSyntaxError("bad substitution: missing '}'")
            name = line[at + 2:end]
            if not _NAME.fullmatch(name):
                raise ShellSyntaxError(f"${{{name}}}: bad substitution")
            return _value(name), end + 1
        m = _NAME.match(line, at + 1)
        if not m:
            return "$", at + 1
        return _value(m.group(0)), m.end()

    def _value(name: str) -> str:
        if lookup is None:
            return "$" + name
        value = lookup(name)
        return "" if value is None else str(value)

    while i < n:
        ch = line[i]
        if ch in " \t\n":
            if in_word and (cur and "".join(cur) or quoted):
                words.append("".join(cur))
            cur, in_word, quoted = [], False, False
            i += 1
            continue
        in_word = True
        if ch in "'\"":
            quoted = True
        if ch == "'":
            end = line.find("'", i + 1)
            if end < 0:
                raise ShellSyntaxError("unexpected EOF while looking for matching `''")
            cur.append(line[i + 1:end])
            i = end + 1
        elif ch == '"':
            i += 1
            while True:
                if i >= n:
                    raise ShellSyntaxError('unexpected EOF while looking for matching `"\'')
                c = line[i]
                if c == '"':
                    i += 1
                    break
                if c == "\\" and i + 1 < n and line[i + 1] in '$`"\\\n':
                    cur.append(line[i + 1])
                    i += 2
                elif c == "$":
                    text, i = expand(i)
                    cur.append(text)
                else:
                    cur.append(c)
                    i += 1
        elif ch == "\\":
            if i + 1 < n:
                cur.append(line[i + 1])
            i += 2
        elif ch == "$":
            text, i = expand(i)
            cur.append(text)
        else:
            cur.append(ch)
            i += 1
    if in_word and ("".join(cur) or quoted):
        words.append("".join(cur))
    return words
