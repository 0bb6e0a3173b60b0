"""Column alignment: a port of Go's text/tabwriter and of github.com/liggitt/tabwriter.

Text goes in as TAB-separated cells, one line per row; it comes out padded with spaces.
Go's algorithm aligns a column only across consecutive lines that have a cell in that
column, and the text after a line's last TAB is never padded. Widths are counted in runes.

Three configurations feed the rest of the CLI:
- `TableWriter` — `kubectl get` (minwidth 6, tabwidth 4, padding 3) with RememberWidths, so a
  `-w` stream keeps the widths it has reached (`render.py`).
- `describe_tabbed()` — `kubectl describe` (minwidth 0, tabwidth 8, padding 2).
- `history_tabbed()` — `kubectl rollout history`, the same plain writer.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class TabWriter:
    """Go tabwriter with space padding and no flags other than RememberWidths."""

    minwidth: int = 0
    tabwidth: int = 8
    padding: int = 1
    remember_widths: bool = False
    _lines: list[list[str]] = field(default_factory=lambda: [[]])  # the cells of each line
    _cell: str = ""
    _out: list[str] = field(default_factory=list)
    _widths: list[int] = field(default_factory=list)
    maxwidths: list[int] = field(default_factory=list)

    def write(self, text: str) -> None:
        """Feed text; a line without any TAB flushes everything before it (Go semantics)."""
        if "\v" in text or "\f" in text:
            self._write_chars(text)
            return
        segments = text.split("\n")  # the common case, a line and a cell at a time
        last = len(segments) - 1
        for n, segment in enumerate(segments):
            cells = segment.split("\t")
            cells[0] = self._cell + cells[0]
            line = self._lines[-1]
            if n == last:
                line.extend(cells[:-1])
                self._cell = cells[-1]
                break
            line.extend(cells)
            self._cell = ""
            self._lines.append([])
            if len(line) == 1:
                self.flush()

    def _write_chars(self, text: str) -> None:
        """`write` for text with vertical tabs or form feeds."""
        start = 0
        for i, ch in enumerate(text):
            if ch in "\t\v\n\f":
                self._cell += text[start:i]
                start = i + 1
                line = self._lines[-1]
                line.append(self._cell)
                self._cell = ""
                if ch in "\n\f":
                    ncells = len(line)
                    self._lines.append([])
                    if ch == "\f" or ncells == 1:
                        self.flush()
        self._cell += text[start:]

    def flush(self) -> None:
        """Lay out everything buffered so far and move it to the output."""
        if self._cell:
            self._lines[-1].append(self._cell)
            self._cell = ""
        self._format(0, len(self._lines))
        self._lines = [[]]
        self._widths = []

    def getvalue(self) -> str:
        """Everything laid out so far (call `flush()` first)."""
        return "".join(self._out)

    def take(self) -> str:
        """Return the laid-out text and clear the output buffer (widths are kept)."""
        text = "".join(self._out)
        self._out = []
        return text

    # -- Go's format/writeLines ------------------------------------------------------------
    def _write_lines(self, line0: int, line1: int) -> None:
        out = self._out
        widths = self._widths
        padded = len(widths)
        for i in range(line0, line1):
            line = self._lines[i]
            cells = [c + " " * (w - len(c)) for c, w in zip(line, widths, strict=False)]  # short lines too
            text = "".join(cells + line[padded:] if len(line) > padded else cells)
            out.append(text)
            if i + 1 != len(self._lines):  # the unterminated trailing cell has no line end
                out.append("\n")

    def _format(self, line0: int, line1: int) -> None:
        column = len(self._widths)
        this = line0
        while this < line1:
            line = self._lines[this]
            if column >= len(line) - 1:
                this += 1
                continue
            # a column block starts here: print what came before it
            self._write_lines(line0, this)
            line0 = this
            width = self.minwidth
            while this < line1:
                line = self._lines[this]
                if column >= len(line) - 1:
                    break
                w = len(line[column]) + self.padding
                width = max(width, w)
                this += 1
            if self.remember_widths:
                depth = len(self._widths)
                if len(self.maxwidths) < depth:
                    self.maxwidths.extend(self._widths[len(self.maxwidths):])
                if len(self.maxwidths) == depth:
                    self.maxwidths.append(width)
                elif self.maxwidths[depth] > width:
                    width = self.maxwidths[depth]
                elif self.maxwidths[depth] < width:
                    self.maxwidths[depth] = width
            self._widths.append(width)
            self._format(line0, this)
            self._widths.pop()
            line0 = this
        self._write_lines(line0, line1)


def _tabbed(text: str, minwidth: int, tabwidth: int, padding: int) -> str:
    w = TabWriter(minwidth=minwidth, tabwidth=tabwidth, padding=padding)
    w.write(text)
    w.flush()
    return w.getvalue()


def describe_tabbed(text: str) -> str:
    """Lay out describe text (`Key:\\tvalue` lines) like kubectl's `tabbedString`."""
    return _tabbed(text, 0, 8, 2)


def history_tabbed(text: str) -> str:
    """Lay out `rollout history` text: the same plain Go tabwriter with padding 2."""
    return _tabbed(text, 0, 8, 2)


def get_tabbed(text: str) -> str:
    """Lay out one `kubectl get` table with fresh widths (minwidth 6, tabwidth 4, padding 3)."""
    return _tabbed(text, 6, 4, 3)


class TableWriter:
    """kubectl get's writer: liggitt/tabwriter with RememberWidths between writes.

    `write(text)` lays out the given complete lines, widening (never narrowing) columns
    relative to what earlier writes reached, and returns the laid-out text. `reset()` forgets
    the widths, as `kubectl get` does when it starts a new resource type.
    """

    def __init__(self) -> None:
        self._w = TabWriter(minwidth=6, tabwidth=4, padding=3, remember_widths=True)

    def write(self, text: str) -> str:
        self._w.write(text)
        self._w.flush()
        return self._w.take()

    def reset(self) -> None:
        self._w.maxwidths = []

    @property
    def widths(self) -> list[int]:
        return list(self._w.maxwidths)
