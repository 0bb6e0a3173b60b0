"""The one error type of kubectl's template dialects (JSONPath, Go templates, custom-columns).

`TemplateError.message` is kubectl's text without the `error: ` prefix that kubectl's
`CheckErr` adds; `stdout` is what kubectl had already written to stdout when it failed (a Go
template writes its partial output and a debugging dump there before returning the error).
Raised by `jsonpath.py`, `gotemplate.py`, `customcolumns.py` and `sorting.py`.
"""

from __future__ import annotations


class TemplateError(Exception):
    """A template that does not parse, or fails while it runs, in kubectl's words."""

    def __init__(self, message: str, stdout: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.stdout = stdout

    def __str__(self) -> str:
        return self.message
