"""go-yaml v2's scalar decisions: the resolver, key order and the emitter's scalar analysis.

`resolves_to_string()` says whether a plain scalar would read back as a string (else
`-o yaml` must quote it), `sort_keys()` is go-yaml's "natural" map key order, and
`Analysis` is libyaml's `analyze_scalar` (which styles a value may use). Used by `goyaml.py`.
"""

from __future__ import annotations

import re
from functools import cmp_to_key

BREAKS = "\r\n\x85\u2028\u2029"
BASE60 = re.compile(r"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$")
_YAML_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_TS = [
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})[Tt](\d{1,2}):(\d{1,2}):(\d{1,2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$"),
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2}) (\d{1,2}):(\d{1,2}):(\d{1,2})(\.\d+)?$"),
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
]
_SPECIAL_WORDS = {
    "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON",
    "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF",
    "", "~", "null", "Null", "NULL", ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF",
    "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", "<<",
}
_HINTED = set("+-0123456789yYnNtTfFoO~.")


_DIGITS = {2: "01", 8: "01234567", 10: "0123456789", 16: "0123456789abcdefABCDEF"}


def _go_int_ok(s: str, signed: bool) -> bool:
    """strconv.ParseInt (signed) / ParseUint (unsigned) of `s` with base 0 and 64 bits succeeds."""
    t = s
    neg = False
    if signed and t[:1] in ("+", "-"):
        neg, t = t[0] == "-", t[1:]
    base, digits = 10, t
    if len(t) > 1 and t[0] == "0":
        prefix = t[1].lower()
        base, digits = {"x": (16, t[2:]), "o": (8, t[2:]), "b": (2, t[2:])}.get(prefix, (8, t[1:]))
    if not digits or any(c not in _DIGITS[base] for c in digits):
        return False
    value = int(digits, base)
    if signed:
        return value <= (2**63 if neg else 2**63 - 1)
    return value <= 2**64 - 1


def _is_timestamp(s: str) -> bool:
    for pattern in _TS:
        m = pattern.match(s)
        if m:
            nums = [int(g) for g in m.groups()[:6] if g is not None and g[:1].isdigit()]
            month, day = nums[1], nums[2]
            if not (1 <= month <= 12 and 1 <= day <= 31):
                return False
            return len(nums) < 6 or (nums[3] < 24 and nums[4] < 60 and nums[5] < 60)
    return False


def resolves_to_string(s: str) -> bool:
    """go-yaml v2 `resolve("", s)` gives !!str (so the plain form would read back as a string)."""
    if not s:
        return False
    if s[0] not in _HINTED:
        return True
    if s in _SPECIAL_WORDS:
        return False
    if s[0] == ".":
        try:
            float(s)  # Go ParseFloat, for the forms that can start with '.'
        except ValueError:
            return True
        return "_" in s or s != s.strip()
    if _is_timestamp(s):
        return False
    plain = s.replace("_", "")
    return not (_go_int_ok(plain, True) or _go_int_ok(plain, False) or _YAML_FLOAT.match(plain))


def _less(a: str, b: str) -> bool:
    """go-yaml v2 keyList.Less for two string keys (digits compare as numbers)."""
    for i in range(min(len(a), len(b))):
        if a[i] == b[i]:
            continue
        al, bl = a[i].isalpha(), b[i].isalpha()
        if al and bl:
            return a[i] < b[i]
        if al or bl:
            return bl
        an = bn = 0
        if a[i] == "0" or b[i] == "0":
            j = i - 1
            while j >= 0 and a[j].isdecimal():
                if a[j] != "0":
                    an = bn = 1
                    break
                j -= 1
        ai = i
        while ai < len(a) and a[ai].isdecimal():
            an, ai = an * 10 + ord(a[ai]) - 48, ai + 1
        bi = i
        while bi < len(b) and b[bi].isdecimal():
            bn, bi = bn * 10 + ord(b[bi]) - 48, bi + 1
        if an != bn:
            return an < bn
        if ai != bi:
            return ai < bi
        return a[i] < b[i]
    return len(a) < len(b)


def sort_keys(keys: list[str]) -> list[str]:
    return sorted(keys, key=cmp_to_key(lambda x, y: -1 if _less(x, y) else (1 if _less(y, x) else 0)))


def printable(ch: str) -> bool:
    cp = ord(ch)
    return (cp == 0x0A or 0x20 <= cp <= 0x7E or 0xA0 <= cp <= 0xD7FF
            or (0xE000 <= cp <= 0xFFFD and cp != 0xFEFF))


class Analysis:
    def __init__(self, value: str) -> None:
        self.multiline = False
        if not value:
            self.block_plain = self.single_ok = True
            self.block_ok = False
            return
        block_ind = line_breaks = special = False
        lead_space = lead_break = trail_space = trail_break = False
        break_space = space_break = prev_space = prev_break = False
        if value.startswith(("---", "...")):
            block_ind = True
        preceded_ws = True
        n = len(value)
        # Only block-context indicators matter: non-empty collections are never flow style.
        for i, ch in enumerate(value):
            followed_ws = i + 1 >= n or value[i + 1] in " \t"
            if i == 0:
                if ch in "#,[]{}&*!|>'\"%@`" or (ch in "?:-" and followed_ws):
                    block_ind = True
            elif (ch == ":" and followed_ws) or (ch == "#" and preceded_ws):
                block_ind = True
            if not printable(ch):
                special = True
            if ch == " ":
                lead_space = lead_space or i == 0
                trail_space = trail_space or i == n - 1
                break_space = break_space or prev_break
                prev_space, prev_break = True, False
            elif ch in BREAKS:
                line_breaks = True
                lead_break = lead_break or i == 0
                trail_break = trail_break or i == n - 1
                space_break = space_break or prev_space
                prev_space, prev_break = False, True
            else:
                prev_space = prev_break = False
            preceded_ws = ch in " \t\0" or ch in BREAKS
        self.multiline = line_breaks
        self.block_plain = self.single_ok = self.block_ok = True
        if lead_space or lead_break or trail_space or trail_break:
            self.block_plain = False
        if trail_space:
            self.block_ok = False
        if break_space:
            self.block_plain = self.single_ok = False
        if space_break or special:
            self.block_plain = self.single_ok = self.block_ok = False
        if line_breaks or block_ind:
            self.block_plain = False


ESCAPES = {0x00: "0", 0x07: "a", 0x08: "b", 0x09: "t", 0x0A: "n", 0x0B: "v", 0x0C: "f",
            0x0D: "r", 0x1B: "e", 0x22: '"', 0x5C: "\\", 0x85: "N", 0xA0: "_",
            0x2028: "L", 0x2029: "P"}
