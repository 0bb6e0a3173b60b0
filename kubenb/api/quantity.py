"""Kubernetes `resource.Quantity`: parse, compare and print resource amounts exactly.

Values are exact `Fraction`s, never floats. Parsing follows apimachinery
`api/resource/quantity.go` (`ParseQuantity`): the same scanner, the same three error
messages, values rounded up to a multiple of 1n, binary amounts capped at 2^63-1.
Printing follows `CanonicalizeBytes`: the largest suffix that loses no precision, and
an already-canonical input string kept as it was typed (the cached `s` of Go's parser).

Fed into: defaults (canonical requests/limits, as the API serves them), validation
(requests <= limits, non-negative), the scheduler (millicores and bytes), the kubelet
and `kubectl describe node` (`format_cpu_millis`, `format_bytes`).
"""

from __future__ import annotations

import math
import re
from fractions import Fraction
from typing import Literal

QuantityFormat = Literal["DecimalSI", "BinarySI", "DecimalExponent"]

FORMAT_ERROR = (
    "quantities must match the regular expression "
    "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
)
NUMERIC_ERROR = "unable to parse numeric part of quantity"
SUFFIX_ERROR = "unable to parse quantity's suffix"

_DECIMAL_SUFFIXES = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
_DECIMAL_BY_EXP = {v: k for k, v in _DECIMAL_SUFFIXES.items()}
_BINARY_SUFFIXES = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_BINARY_BY_POWER = {e // 10: s for s, e in _BINARY_SUFFIXES.items()}
_SUFFIX_CHARS = frozenset("eEinumkKMGTP")
_EXPONENT_RE = re.compile(r"[+-]?[0-9]+")
_NANO = Fraction(1, 10**9)
_MAX_INT64 = 2**63 - 1
_MAX_EXPONENT = 1000  # Go would build a giant inf.Dec; we refuse (documented deviation)


class _Parsed:
    __slots__ = ("value", "fmt", "cached")

    def __init__(self, value: Fraction, fmt: QuantityFormat, cached: str | None) -> None:
        self.value, self.fmt, self.cached = value, fmt, cached


def _scan(s: str) -> tuple[bool, str, str, str, str]:
    """Go's parseQuantityString: (positive, value, num, denom, suffix) or ValueError."""
    positive, pos, end = True, 0, len(s)
    if pos < end and s[0] in "+-":
        positive = s[0] == "+"
        pos += 1
    while pos < end and s[pos] == "0":  # leading zeros
        pos += 1
    if pos >= end:
        return positive, "0", "0", "", ""
    start = pos
    while pos < end and s[pos].isascii() and s[pos].isdigit():
        pos += 1
    num = s[start:pos] or "0"
    if pos >= end:
        return positive, s, num, "", ""
    denom = ""
    if s[pos] == ".":
        pos += 1
        start = pos
        while pos < end and s[pos].isascii() and s[pos].isdigit():
            pos += 1
        denom = s[start:pos]
        if pos >= end:
            return positive, s, num, denom, ""
    value = s[:pos]
    suffix_start = pos
    while pos < end and s[pos] in _SUFFIX_CHARS:
        pos += 1
    if pos < end and s[pos] in "+-":
        pos += 1
    while pos < end and s[pos].isascii() and s[pos].isdigit():
        pos += 1
    if pos < end:
        raise ValueError(FORMAT_ERROR)
    return positive, value, num, denom, s[suffix_start:]


def _interpret(suffix: str) -> tuple[int, int, QuantityFormat]:
    """(base, exponent, format) for a suffix, or ValueError(SUFFIX_ERROR)."""
    if suffix in _DECIMAL_SUFFIXES:
        return 10, _DECIMAL_SUFFIXES[suffix], "DecimalSI"
    if suffix in _BINARY_SUFFIXES:
        return 2, _BINARY_SUFFIXES[suffix], "BinarySI"
    if len(suffix) > 1 and suffix[0] in "eE" and _EXPONENT_RE.fullmatch(suffix[1:]):
        exponent = int(suffix[1:])
        if abs(exponent) > _MAX_EXPONENT:
            raise ValueError(NUMERIC_ERROR)
        return 10, exponent, "DecimalExponent"
    raise ValueError(SUFFIX_ERROR)


def _round_away(x: Fraction, step: Fraction) -> Fraction:
    """Round x to a multiple of step, away from zero (inf.RoundUp)."""
    q = x / step
    n = math.ceil(q) if q >= 0 else math.floor(q)
    return n * step


def _parse(raw: str | int | float) -> _Parsed:
    if isinstance(raw, bool):
        raise ValueError(FORMAT_ERROR)
    s = str(raw) if isinstance(raw, (int, float)) else raw
    if not isinstance(s, str) or not s:
        raise ValueError(FORMAT_ERROR)
    if s == "0":
        return _Parsed(Fraction(0), "DecimalSI", "0")
    positive, _value, num, denom, suffix = _scan(s)
    base, exponent, fmt = _interpret(suffix)
    digits = int(num + denom)
    value = Fraction(digits, 10 ** len(denom)) * (Fraction(base) ** exponent)
    if not positive:
        value = -value
    cached = s if _is_canonical_input(num, denom, exponent, fmt) else None
    if value % _NANO:
        value = _round_away(value, _NANO)
    if fmt == "BinarySI":
        if abs(value) > _MAX_INT64:
            value = Fraction(_MAX_INT64 if value > 0 else -_MAX_INT64)
            cached = None
        if 0 < abs(value) < 1:
            fmt = "DecimalSI"
    return _Parsed(value, fmt, cached)


def _is_canonical_input(num: str, denom: str, exponent: int, fmt: QuantityFormat) -> bool:
    """Go's fast path keeps the input string when it is already canonical."""
    if fmt == "BinarySI":
        if denom:
            return False
        precision = 15 - len(num) - int(exponent * 3 / 10) - 1
        value = int(num)
        return precision >= 0 and value * (1 << exponent) <= _MAX_INT64 and value & 7 != 0
    precision = 18 - (len(num) + len(denom))
    scale = exponent - len(denom)
    shifted = num + denom
    return (
        precision >= 0
        and scale >= -9
        and scale % 3 == 0
        and not shifted.endswith("000")
        and shifted[0] != "0"
    )


def parse_quantity(value: str | int | float) -> Fraction:
    """The exact value of a quantity ("100m" -> 1/10, "128Mi" -> 134217728).

    Raises ValueError with Kubernetes' message for malformed input.
    """
    return _parse(value).value


def is_quantity(value: object) -> bool:
    """True when `value` parses as a quantity."""
    try:
        _parse(value)  # type: ignore[arg-type]
    except (ValueError, TypeError):
        return False
    return True


def format_quantity(value: Fraction | int, fmt: QuantityFormat = "DecimalSI") -> str:
    """Canonical text of an amount in a format (Go's Quantity.String())."""
    value = Fraction(value)
    if value == 0:
        return "0"
    if value % _NANO:
        value = _round_away(value, _NANO)
    if fmt == "BinarySI" and (-1024 < value < 1024 or value.denominator != 1):
        fmt = "DecimalSI"
    if fmt == "BinarySI":
        mantissa, power = int(value), 0
        while mantissa % 1024 == 0 and power < 6:
            mantissa //= 1024
            power += 1
        return f"{mantissa}{_BINARY_BY_POWER.get(power, '')}"
    mantissa, exponent = int(value * 10**9), -9
    while mantissa % 10 == 0:
        mantissa //= 10
        exponent += 1
    while exponent % 3:
        mantissa *= 10
        exponent -= 1
    if fmt == "DecimalSI" and exponent in _DECIMAL_BY_EXP:
        return f"{mantissa}{_DECIMAL_BY_EXP[exponent]}"
    # DecimalExponent, or a decimal amount beyond "E" (Go would drop the suffix).
    return f"{mantissa}e{exponent}" if exponent else str(mantissa)


def canonical_quantity(value: str | int | float) -> str:
    """The string the API serves for a quantity: "0.5" -> "500m", "1.5Gi" -> "1536Mi"."""
    parsed = _parse(value)
    if parsed.cached is not None:
        return parsed.cached
    return format_quantity(parsed.value, parsed.fmt)


def round_up_milli(value: str | int | float) -> str:
    """SetDefaults_ResourceList: round up to 1m, then serve the canonical string."""
    parsed = _parse(value)
    if parsed.value % Fraction(1, 1000) == 0:
        return parsed.cached if parsed.cached is not None else format_quantity(parsed.value, parsed.fmt)
    return format_quantity(_round_away(parsed.value, Fraction(1, 1000)), parsed.fmt)


def quantity_format(value: str | int | float) -> QuantityFormat:
    """The format a quantity keeps when it is re-printed (DecimalSI, BinarySI, DecimalExponent)."""
    return _parse(value).fmt


def _scaled(value: Fraction, scale: int) -> int:
    """ScaledValue: value * scale rounded away from zero."""
    x = value * scale
    return math.ceil(x) if x >= 0 else math.floor(x)


def cpu_millis(value: str | int | float) -> int:
    """MilliValue(): "250m" -> 250, "1" -> 1000, "0.0001" -> 1 (rounded up)."""
    return _scaled(parse_quantity(value), 1000)


def to_bytes(value: str | int | float) -> int:
    """Value(): "128Mi" -> 134217728, "1.5" -> 2 (rounded up)."""
    return _scaled(parse_quantity(value), 1)


def format_cpu_millis(m: int) -> str:
    """NewMilliQuantity(m, DecimalSI).String(): 250 -> "250m", 2000 -> "2"."""
    return format_quantity(Fraction(m, 1000), "DecimalSI")


def format_bytes(b: int) -> str:
    """NewQuantity(b, BinarySI).String(): 134217728 -> "128Mi", 1500 -> "1500", 1000 -> "1k"."""
    return format_quantity(Fraction(b), "BinarySI")
