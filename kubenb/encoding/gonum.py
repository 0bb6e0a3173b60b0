"""Numbers as Go prints them: encoding/json floats and go-yaml's round trip of JSON numbers.

Unstructured objects hold int64 or float64 (an integer beyond int64 becomes a float64).
`json_number()` is what `json.Marshal` writes; `yaml_number()` is what `-o yaml` shows after
sigs.k8s.io/yaml reads that JSON text back (integral text stays an integer, other numbers
go through strconv.FormatFloat(f, 'g', -1, 64)). Used by `formats.py` and `goyaml.py`.
"""

from __future__ import annotations

from decimal import Decimal

_INT64 = (-(2**63), 2**63 - 1)


def _digits(f: float) -> tuple[str, int]:
    """Shortest round-trip digits and decimal point position: f = 0.DIGITS × 10^dp."""
    sign, digits, exp = Decimal(repr(abs(f))).as_tuple()
    text = "".join(map(str, digits)).lstrip("0") or "0"
    # strip trailing zeros, adjusting the exponent
    stripped = text.rstrip("0") or "0"
    exp += len(text) - len(stripped)
    dp = len(stripped) + int(exp)
    return stripped, dp


def _fmt_e(digs: str, dp: int) -> str:
    mant = digs[0] + ("." + digs[1:] if len(digs) > 1 else "")
    exp = dp - 1 if digs != "0" else 0
    return f"{mant}e{'-' if exp < 0 else '+'}{abs(exp):02d}"


def _fmt_f(digs: str, dp: int) -> str:
    if digs == "0":
        return "0"
    if dp <= 0:
        return "0." + "0" * (-dp) + digs
    if dp >= len(digs):
        return digs + "0" * (dp - len(digs))
    return digs[:dp] + "." + digs[dp:]


def go_float_json(f: float) -> str:
    """encoding/json float64: `%f` style, `e` style outside [1e-6, 1e21), `e-07` → `e-7`."""
    sign = "-" if str(f).startswith("-") else ""
    digs, dp = _digits(f)
    a = abs(f)
    if a != 0 and (a < 1e-6 or a >= 1e21):
        head, _, exp = _fmt_e(digs, dp).partition("e")
        if len(exp) == 3 and exp.startswith("-0"):
            exp = "-" + exp[2]
        return f"{sign}{head}e{exp}"
    return sign + _fmt_f(digs, dp)


def go_float_g(f: float) -> str:
    """strconv.FormatFloat(f, 'g', -1, 64): `%e` when the exponent is < -4 or >= 6."""
    sign = "-" if str(f).startswith("-") else ""
    digs, dp = _digits(f)
    exp = dp - 1
    if digs != "0" and (exp < -4 or exp >= 6):
        return sign + _fmt_e(digs, dp)
    return sign + _fmt_f(digs, dp)


def json_number(value: int | float) -> str:
    """The JSON text Go writes for an unstructured number."""
    if isinstance(value, int) and _INT64[0] <= value <= _INT64[1]:
        return str(value)
    return go_float_json(float(value))


def yaml_number(value: int | float) -> str:
    """The YAML text kubectl shows for a number (after the JSON → YAML round trip)."""
    text = json_number(value)
    body = text.lstrip("-")
    if body.isdigit():
        n = int(text)
        if _INT64[0] <= n <= _INT64[1] or 0 <= n <= 2**64 - 1:
            return str(n)
    return go_float_g(float(text))
