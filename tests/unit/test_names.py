"""kubenb.api.names: generated names and apimachinery's string checks, to the letter."""

from __future__ import annotations

import random

import pytest

from kubenb.api import names

SUBDOMAIN_MSG = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
    "and must start and end with an alphanumeric character (e.g. 'example.com', regex used for "
    "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
)
LABEL_MSG = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must "
    "start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for "
    "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
)
DNS1035_MSG = (
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
    "alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', "
    "regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"
)
KEY_NAME_MSG = (
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with "
    "an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
    "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
)
VALUE_MSG = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
    "and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or "
    "'12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
)
CONFIG_KEY_MSG = (
    "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  "
    "or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"
)


def test_alphabet_is_util_rand() -> None:
    assert names.ALPHABET == "bcdfghjklmnpqrstvwxz2456789"


def test_random_string_uses_alphabet_and_seed() -> None:
    a = names.random_string(random.Random(7), 40)
    assert len(a) == 40 and set(a) <= set(names.ALPHABET)
    assert a == names.random_string(random.Random(7), 40)
    assert a != names.random_string(random.Random(8), 40)


@pytest.mark.parametrize(
    ("base", "kept"),
    [("web-", "web-"), ("x" * 58, "x" * 58), ("y" * 70, "y" * 58), ("", "")],
)
def test_generate_name(base: str, kept: str) -> None:
    name = names.generate_name(base, random.Random(1))
    assert name[:-5] == kept
    assert len(name) == len(kept) + 5 and set(name[-5:]) <= set(names.ALPHABET)
    assert len(name) <= 63


@pytest.mark.parametrize(
    ("name", "errors"),
    [
        ("example.com", []),
        ("a", []),
        ("kubernetes-bootcamp-5485cc6795", []),
        ("Foo", [SUBDOMAIN_MSG]),
        ("-a", [SUBDOMAIN_MSG]),
        ("a.", [SUBDOMAIN_MSG]),
        ("a_b", [SUBDOMAIN_MSG]),
        ("", [SUBDOMAIN_MSG]),
        ("a\n", [SUBDOMAIN_MSG]),  # Go's $ does not match before a newline
        ("a" * 253, []),
        ("a" * 254, ["must be no more than 253 characters"]),
        ("A" * 254, ["must be no more than 253 characters", SUBDOMAIN_MSG]),
    ],
)
def test_dns1123_subdomain_errors(name: str, errors: list[str]) -> None:
    assert names.dns1123_subdomain_errors(name) == errors


@pytest.mark.parametrize(
    ("name", "errors"),
    [
        ("my-name", []),
        ("123-abc", []),
        ("a.b", ["must not contain dots"]),
        ("My", [LABEL_MSG]),
        ("a" * 64, ["must be no more than 63 characters"]),
        ("a." * 32, ["must be no more than 63 characters", LABEL_MSG]),
    ],
)
def test_dns1123_label_errors(name: str, errors: list[str]) -> None:
    assert names.dns1123_label_errors(name) == errors


@pytest.mark.parametrize(
    ("name", "errors"),
    [("my-svc", []), ("1svc", [DNS1035_MSG]), ("svc-", [DNS1035_MSG]),
     ("s" * 64, ["must be no more than 63 characters"])],
)
def test_dns1035_label_errors(name: str, errors: list[str]) -> None:
    assert names.dns1035_label_errors(name) == errors


@pytest.mark.parametrize(
    ("key", "errors"),
    [
        ("app", []),
        ("app.kubernetes.io/name", []),
        ("MyName", []),
        ("bad key", [KEY_NAME_MSG]),
        ("/app", ["prefix part must be non-empty"]),
        ("example.com/", ["name part must be non-empty", KEY_NAME_MSG]),
        ("Example.com/app", ["prefix part " + SUBDOMAIN_MSG]),
        ("k" * 64, ["name part must be no more than 63 bytes"]),
        ("é", [KEY_NAME_MSG]),
        (
            "a/b/c",
            [
                "a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must "
                "start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or "
                "'123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') "
                "with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
            ],
        ),
    ],
)
def test_qualified_name_errors(key: str, errors: list[str]) -> None:
    assert names.qualified_name_errors(key) == errors


@pytest.mark.parametrize(
    ("value", "errors"),
    [
        ("", []),
        ("v1", []),
        ("my_value", []),
        ("-v", [VALUE_MSG]),
        ("a b", [VALUE_MSG]),
        ("v" * 64, ["must be no more than 63 bytes"]),
        ("é" * 32, ["must be no more than 63 bytes", VALUE_MSG]),  # bytes, not characters
    ],
)
def test_label_value_errors(value: str, errors: list[str]) -> None:
    assert names.label_value_errors(value) == errors


@pytest.mark.parametrize(
    ("key", "errors"),
    [
        ("key.name", []),
        ("KEY_NAME", []),
        ("a b", [CONFIG_KEY_MSG]),
        (".", ["must not be '.'"]),
        ("..", ["must not be '..'"]),
        ("..a", ["must not start with '..'"]),
        ("k" * 254, ["must be no more than 253 characters"]),
    ],
)
def test_config_map_key_errors(key: str, errors: list[str]) -> None:
    assert names.config_map_key_errors(key) == errors


@pytest.mark.parametrize(
    ("name", "errors"),
    [
        ("http", []),
        ("web-80", []),
        ("80", ["must contain at least one letter (a-z)"]),
        ("a--b", ["must not contain consecutive hyphens"]),
        ("-ab", ["must not begin or end with a hyphen"]),
        ("HTTP", ["must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
                  "must contain at least one letter (a-z)"]),
        ("abcdefghijklmnop", ["must be no more than 15 characters"]),
    ],
)
def test_port_name_errors(name: str, errors: list[str]) -> None:
    assert names.port_name_errors(name) == errors


@pytest.mark.parametrize(("port", "ok"), [(1, True), (65535, True), (0, False), (65536, False)])
def test_port_num_errors(port: int, ok: bool) -> None:
    assert names.port_num_errors(port) == ([] if ok else ["must be between 1 and 65535, inclusive"])


def test_percent_errors() -> None:
    assert names.percent_errors("25%") == []
    assert names.percent_errors("25") == [
        "a valid percent string must be a numeric string followed by an ending '%' "
        "(e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"
    ]


@pytest.mark.parametrize(
    ("name", "errors"),
    [
        ("MY_VAR", []),
        ("my.env-name", []),
        ("1ST", []),
        ("A=B", ["a valid environment variable name must consist only of printable ASCII "
                 "characters other than '='"]),
        ("é", ["a valid environment variable name must consist only of printable ASCII "
               "characters other than '='"]),
        ("", ["environment variable name must be non-empty"]),
    ],
)
def test_env_var_name_errors(name: str, errors: list[str]) -> None:
    assert names.env_var_name_errors(name) == errors


@pytest.mark.parametrize(("name", "masked"), [("web-", "wea"), ("a-", "a"), ("-", "-"), ("web", "web")])
def test_mask_trailing_dash(name: str, masked: str) -> None:
    assert names.mask_trailing_dash(name) == masked
