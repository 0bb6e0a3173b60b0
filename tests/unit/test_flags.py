from __future__ import annotations

import pytest

from kubenb.cli.kubectl.flags import Flag, UsageError, parse

FLAGS = (
    Flag("replicas", "int", 1),
    Flag("namespace", "string", short="n"),
    Flag("all-namespaces", "bool", short="A"),
    Flag("interactive", "bool", short="i"),
    Flag("tty", "bool", short="t"),
    Flag("label-columns", "strings", short="L"),
    Flag("dry-run", "string", "none"),
)


def test_interspersed_forms() -> None:
    p = parse(["get", "-n", "kube-system", "pods", "--replicas=3", "-Lapp,tier", "-L", "x"], FLAGS)
    assert p.args == ["get", "pods"]
    assert p["namespace"] == "kube-system" and p["replicas"] == 3
    assert p["label-columns"] == ["app", "tier", "x"]
    assert p.given("replicas") and not p.given("tty")


def test_grouped_booleans_and_dash_dash() -> None:
    p = parse(["exec", "-it", "pod", "--", "sh", "-c", "echo hi"], FLAGS)
    assert p["interactive"] and p["tty"]
    assert p.args == ["exec", "pod"] and p.dash_args == ["sh", "-c", "echo hi"]


def test_bare_dry_run_means_client_and_does_not_eat_the_next_word() -> None:
    p = parse(["create", "--dry-run", "x"], FLAGS)
    assert p["dry-run"] == "client" and p.args == ["create", "x"]
    assert parse(["--dry-run=server"], FLAGS)["dry-run"] == "server"


@pytest.mark.parametrize("argv, message", [
    (["--replica=3"], "unknown flag: --replica"),
    (["-x"], "unknown shorthand flag: 'x' in -x"),
    (["-n"], "flag needs an argument: 'n' in -n"),
    (["--namespace"], "flag needs an argument: --namespace"),
    (["--replicas=abc"], 'invalid argument "abc" for "--replicas" flag: strconv.ParseInt: parsing "abc": invalid syntax'),
    (["-A=maybe"], 'invalid argument "maybe" for "-A, --all-namespaces" flag: strconv.ParseBool: parsing "maybe": invalid syntax'),
])
def test_errors_in_pflags_words(argv: list[str], message: str) -> None:
    with pytest.raises(UsageError) as err:
        parse(argv, FLAGS)
    assert err.value.message == message
