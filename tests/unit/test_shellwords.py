from __future__ import annotations

import pytest

from kubenb.cli.shellwords import ShellSyntaxError, split

VARS = {"POD_NAME": "web-5485cc6795-abcde", "NODE_PORT": "31728", "EMPTY": ""}


@pytest.mark.parametrize(
    "line, words",
    [
        ("get pods", ["get", "pods"]),
        ("  get   pods  ", ["get", "pods"]),
        ("describe pods $POD_NAME", ["describe", "pods", "web-5485cc6795-abcde"]),
        ("describe pods ${POD_NAME}", ["describe", "pods", "web-5485cc6795-abcde"]),
        ('exec "$POD_NAME" -- env', ["exec", "web-5485cc6795-abcde", "--", "env"]),
        ("echo '$POD_NAME'", ["echo", "$POD_NAME"]),
        (
            """get pods -o go-template --template '{{range .items}}{{.metadata.name}}{{"\\n"}}{{end}}'""",
            ["get", "pods", "-o", "go-template", "--template",
             '{{range .items}}{{.metadata.name}}{{"\\n"}}{{end}}'],
        ),
        ("""get svc -o go-template='{{(index .spec.ports 0).nodePort}}'""",
         ["get", "svc", "-o", "go-template={{(index .spec.ports 0).nodePort}}"]),
        ("curl http://192.168.49.2:$NODE_PORT", ["curl", "http://192.168.49.2:31728"]),
        ('label pods $POD_NAME "version=v1"', ["label", "pods", "web-5485cc6795-abcde", "version=v1"]),
        (r"a\ b c", ["a b", "c"]),
        ('"a\\"b"', ['a"b']),
        ("x$EMPTY", ["x"]),
        ("cost $5", ["cost", "$5"]),
        ("$UNSET_THING_HERE x", ["x"]),
        ('"$UNSET_THING_HERE" x', ["", "x"]),
        ("'' x", ["", "x"]),
    ],
)
def test_split(line: str, words: list[str]) -> None:
    assert split(line, VARS.get) == words


@pytest.mark.parametrize("line", ["get 'pods", 'get "pods', "echo ${POD"])
def test_unbalanced(line: str) -> None:
    with pytest.raises(ShellSyntaxError):
        split(line, VARS.get)
