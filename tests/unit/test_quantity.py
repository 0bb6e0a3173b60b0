"""kubenb.api.quantity against apimachinery's resource.Quantity behaviour."""

from __future__ import annotations

from fractions import Fraction

import pytest

from kubenb.api.quantity import (
    FORMAT_ERROR,
    canonical_quantity,
    cpu_millis,
    format_bytes,
    format_cpu_millis,
    format_quantity,
    is_quantity,
    parse_quantity,
    quantity_format,
    round_up_milli,
    to_bytes,
)

REGEX_TEXT = (
    "quantities must match the regular expression "
    "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("100m", Fraction(1, 10)),
        ("128Mi", 134217728),
        ("1.5Gi", 1610612736),
        ("1e3", 1000),
        ("1E3", 1000),
        ("2k", 2000),
        ("500M", 500_000_000),
        ("0", 0),
        ("0m", 0),
        ("-1", -1),
        ("+1", 1),
        ("05", 5),
        (".5", Fraction(1, 2)),
        ("1.", 1),
        (".", 0),
        ("1n", Fraction(1, 10**9)),
        ("0.1n", Fraction(1, 10**9)),  # rounded up to the smallest amount
        ("1u", Fraction(1, 10**6)),
        ("12e-3", Fraction(12, 1000)),
        ("1Ki", 1024),
        ("2Ti", 2 * 1024**4),
        ("1Ei", 1024**6),
        ("16Ei", 2**63 - 1),  # binary amounts are capped at int64
        (3, 3),
        (0.5, Fraction(1, 2)),
        (1e-05, Fraction(1, 100000)),
    ],
)
def test_parse_quantity_values(text: str | int | float, value: Fraction | int) -> None:
    assert parse_quantity(text) == value


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", REGEX_TEXT),
        ("abc", REGEX_TEXT),
        ("1x", REGEX_TEXT),
        ("1 ", REGEX_TEXT),
        ("1.2.3", REGEX_TEXT),
        ("1e1.5", REGEX_TEXT),
        ("1Ki5", "unable to parse quantity's suffix"),
        ("1e", "unable to parse quantity's suffix"),
        ("e", "unable to parse quantity's suffix"),
        ("--1", "unable to parse quantity's suffix"),
        ("1Mb", REGEX_TEXT),
        (True, REGEX_TEXT),
    ],
)
def test_parse_quantity_errors(text: object, message: str) -> None:
    with pytest.raises(ValueError) as exc:
        parse_quantity(text)  # type: ignore[arg-type]
    assert str(exc.value) == message
    assert not is_quantity(text)


def test_format_error_constant_is_kubernetes_text() -> None:
    assert FORMAT_ERROR == REGEX_TEXT


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("0.5", "500m"),
        ("1.5Gi", "1536Mi"),
        ("1000m", "1"),
        ("1024Ki", "1Mi"),
        ("1025Ki", "1025Ki"),
        ("1.5Ki", "1536"),
        ("0.5Ki", "512"),  # binary amounts below 1024 print as decimal
        ("100m", "100m"),
        ("2000", "2k"),
        ("1500000", "1500k"),
        ("128974848", "128974848"),
        ("129e6", "129e6"),
        ("1000e3", "1e6"),
        ("0.1n", "1n"),
        ("1E3", "1E3"),  # an already canonical input is kept as typed (Go's cached string)
        ("+1", "+1"),
        ("05", "05"),
        ("0m", "0"),
        (1, "1"),
        (0.25, "250m"),
        (1e-05, "10e-6"),
        ("1000E", "1e21"),  # beyond "E": printed with an exponent instead of Go's bare "1"
    ],
)
def test_canonical_quantity(text: str | int | float, canonical: str) -> None:
    assert canonical_quantity(text) == canonical


@pytest.mark.parametrize(
    ("text", "rounded"),
    [("0.0001", "1m"), ("1500u", "2m"), ("100m", "100m"), ("1.5", "1500m"), ("1Gi", "1Gi"),
     ("0.1n", "1m"), ("1000u", "1m")],
)
def test_round_up_milli(text: str, rounded: str) -> None:
    assert round_up_milli(text) == rounded


@pytest.mark.parametrize(
    ("text", "fmt"),
    [("1Gi", "BinarySI"), ("0.5Ki", "BinarySI"), ("0.0001Ki", "DecimalSI"), ("1k", "DecimalSI"),
     ("1e3", "DecimalExponent")],
)
def test_quantity_format(text: str, fmt: str) -> None:
    assert quantity_format(text) == fmt


@pytest.mark.parametrize(
    ("text", "millis"),
    [("250m", 250), ("1", 1000), ("0.0001", 1), ("1.5", 1500), ("2k", 2_000_000), ("-1m", -1), ("0", 0)],
)
def test_cpu_millis_rounds_up(text: str, millis: int) -> None:
    assert cpu_millis(text) == millis


@pytest.mark.parametrize(
    ("text", "value"),
    [("128Mi", 134217728), ("1.5", 2), ("1k", 1000), ("100m", 1), ("1Gi", 1073741824)],
)
def test_to_bytes_rounds_up(text: str, value: int) -> None:
    assert to_bytes(text) == value


@pytest.mark.parametrize(
    ("millis", "text"),
    [(250, "250m"), (2000, "2"), (0, "0"), (1500, "1500m"), (100000, "100"), (1, "1m")],
)
def test_format_cpu_millis(millis: int, text: str) -> None:
    assert format_cpu_millis(millis) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (134217728, "128Mi"),
        (1073741824, "1Gi"),
        (8025424 * 1024, "8025424Ki"),
        (1536 * 1024**2, "1536Mi"),
        (1500, "1500"),
        (512, "512"),
        (1000, "1k"),  # below 1024 a BinarySI quantity prints as DecimalSI
        (0, "0"),
    ],
)
def test_format_bytes(value: int, text: str) -> None:
    assert format_bytes(value) == text


def test_format_quantity_round_trips() -> None:
    for text in ("1536Mi", "250m", "3", "12e6", "7Ki"):
        assert canonical_quantity(format_quantity(parse_quantity(text), quantity_format(text))) == text
