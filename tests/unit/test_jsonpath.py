"""JSONPath as `kubectl -o jsonpath` speaks it (kubenb.cli.kubectl.templates.jsonpath).

Expected outputs come from the Kubernetes JSONPath support page (its example document and
table; maps print as JSON, which is what kubectl really prints) and from real kubectl 1.32,
which also referees a table of templates run on the same object (`kubectl annotate --local
-f FILE a=b -o jsonpath=…` works without a cluster).
"""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from kubenb.cli.kubectl.templates import TemplateError, jsonpath, relaxed

DOC = {
    "kind": "List",
    "items": [
        {"kind": "None", "metadata": {"name": "127.0.0.1",
                                      "labels": {"kubernetes.io/hostname": "127.0.0.1"}},
         "status": {"capacity": {"cpu": "4"},
                    "addresses": [{"type": "LegacyHostIP", "address": "127.0.0.1"}]}},
        {"kind": "None", "metadata": {"name": "127.0.0.2"},
         "status": {"capacity": {"cpu": "8"},
                    "addresses": [{"type": "LegacyHostIP", "address": "127.0.0.2"},
                                  {"type": "another", "address": "127.0.0.3"}]}},
    ],
    "users": [
        {"name": "myself", "user": {}},
        {"name": "e2e", "user": {"username": "admin", "password": "secret"}},
    ],
}

DOC_TABLE = [
    ("kind is {.kind}", "kind is List"),
    ("{.kind}", "List"),
    ("{['kind']}", "List"),
    ("{$.kind}", "List"),
    ("{..name}", "127.0.0.1 127.0.0.2 myself e2e"),
    ("{.items[*].metadata.name}", "127.0.0.1 127.0.0.2"),
    ("{.users[0].name}", "myself"),
    ("{.items[*]['metadata.name', 'status.capacity']}",
     '127.0.0.1 127.0.0.2 {"cpu":"4"} {"cpu":"8"}'),
    ('{.users[?(@.name=="e2e")].user.password}', "secret"),
    ("{range .items[*]}[{.metadata.name}, {.status.capacity}] {end}",
     '[127.0.0.1, {"cpu":"4"}] [127.0.0.2, {"cpu":"8"}] '),
    ("{range .items[*]}{.metadata.name}{'\\t'}{end}", "127.0.0.1\t127.0.0.2\t"),
    ("{.items[0].metadata.labels.kubernetes\\.io/hostname}", "127.0.0.1"),
    # more from the page's examples
    ("{.items[*].status.addresses[?(@.type==\"another\")].address}", "127.0.0.3"),
    ("{.items[-1:].metadata.name}", "127.0.0.2"),
    ("{.users[?(@.user.username)].name}", "e2e"),
    ("{.items[0:2].status.capacity.cpu}", "4 8"),
    ("{.items[*].status.addresses[*].address}", "127.0.0.1 127.0.0.2 127.0.0.3"),
    ("{.nope}", ""),
]


@pytest.mark.parametrize(("template", "expected"), DOC_TABLE)
def test_documentation_table(template: str, expected: str) -> None:
    assert jsonpath(template, DOC) == expected


def test_wildcard_over_a_map_walks_keys_in_sorted_order() -> None:
    # Go's map order is random; sorted keys keep our output deterministic.
    assert jsonpath("{.m.*}", {"m": {"b": 1, "a": "<x>"}}) == "<x> 1"


def test_at_prints_the_whole_input_as_json() -> None:
    assert json.loads(jsonpath("{@}", DOC)) == DOC


POD = {
    "apiVersion": "v1", "kind": "Pod",
    "metadata": {"name": "p", "creationTimestamp": None,
                 "labels": {"app.kubernetes.io/name": "web", "x": "y"}},
    "spec": {"l": [1, 2, 3, 4, 5], "e": [], "f": [1000000.0, 0.000012, 123456789.0, 1e20, 2.5],
             "n": None, "s": "str", "m": {"b": 1, "a": "<x>"},
             "containers": [{"name": "a", "image": "nginx", "ports": [{"containerPort": 80}]},
                            {"name": "b", "image": "busybox"}]},
    "status": {"phase": "Running", "podIP": "10.0.0.1", "ratio": 0.5, "t": True},
}

# template -> expected stdout, checked here and against real kubectl below
OUTPUTS = [
    ("{.metadata.creationTimestamp}|{.spec.n}", "null|null"),
    ("{.spec.l[-1]}|{.spec.l[-2:]}|{.spec.l[1:4:2]}|{.spec.l[:2]}|{.spec.l[0,2]}",
     "5|4 5|2 4|1 2|1 3"),
    ("{.spec.f}", "[1000000,0.000012,123456789,100000000000000000000,2.5]"),
    ("{.spec.f[*]}", "1e+06 1.2e-05 1.23456789e+08 1e+20 2.5"),
    ("{.spec.m}", '{"a":"\\u003cx\\u003e","b":1}'),
    ("{.spec.l[?(@>2)]}|{.spec.l[?(@ == 2)]}|{.spec.l[?(@!=2)]}|{.spec.l[?(@<=2)]}",
     "3 4 5|2|1 3 4 5|1 2"),
    ("{.spec.f[?(@>2.0)]}", "1e+06 1.23456789e+08 1e+20 2.5"),
    ("{.spec.s.x}|{.metadata.name.*}", "|112"),
    ("{.spec.*.b}|{..b}|{.spec.m.b}", "1|1|1"),
    ("{range .spec.l[*]}{@}-{end}|{range .spec.e[*]}x{end}", "1-2-3-4-5-|"),
    ("{.spec.containers[?(@.name==\"a\")].image}", "nginx"),
    ("{.spec.containers[?(@.ports)].name}", "a"),
    ("{.spec.containers[?(@.nope==\"x\")].name}", ""),
    ("{.metadata.labels.app\\.kubernetes\\.io/name}", "web"),
    ("{.status.ratio} {.status.t} {.spec.l[0]}", "0.5 true 1"),
    ("x{.spec.l[0]}y{\"}\"}z", "x1y}z"),
    ("{.spec.s \"lit\" 5 2.5 true}", "true"),
    ("{.spec['s','l']}", "str [1,2,3,4,5]"),
    ("{range .spec.containers[*]}{.name}{\"\\t\"}{.image}{\"\\n\"}{end}",
     "a\tnginx\nb\tbusybox\n"),
    ("{.spec.e[*]}|{.spec.l[5:]}|{.spec.l[2:2]}", "||"),
    ("{.metadata.name} {range .spec.l[0:2]}[{@}]{range .spec.l[*]}{end}{end}", "p [1][2]"),
    ("{.}", ""),
]

PARSE_ERRORS = [
    ("{.foo", "unclosed action"),
    ("{.spec.l[x]}", "invalid array index x"),
    ("{.spec.l[}", "unterminated array"),
    ("{.spec.l[?(@>2}", "unterminated filter"),
    ('{"\\q"}', 'unquote string "\\q" error invalid syntax'),
    ('{.spec.l[?(@=~"a")]}', "unrecognized character in action: U+007E '~'"),
    ("{.items[*][\"metadata.name\", \"x\"]}", 'invalid array index "metadata.name"'),
    ("{....a}", "invalid multiple recursive descent"),
]

EXEC_ERRORS = [
    ("{.spec.l[5]}", "array index out of bounds: index 5, length 5"),
    ("{.spec.l[2:9]}", "array index out of bounds: index 8, length 5"),
    ("{.spec.l[3:1]}", "starting index 3 is greater than ending index 1"),
    ("{.spec.l[::0]}", "step must be > 0"),
    ("{.spec.e[0]}", "array index out of bounds: index 0, length 0"),
    ("{.spec.l[-9]}", "array index out of bounds: index -4, length 5"),
    ("{.spec.l[?(@>2.0)]}", "incompatible types for comparison"),
    ('{.spec.l[?(@=="a")]}', "incompatible types for comparison"),
    ("{.spec.l[?(@=2)]}", "unrecognized filter operator ="),
    ("{.spec.m[?(@.b)]}", "map[a:<x> b:1] is not array or slice and cannot be filtered"),
    ("{.spec.s[*]}", "string is not array or slice"),
    ("{.spec.m[0]}", "map[string]interface {} is not array or slice"),
    ("{foo}", "unrecognized identifier foo"),
    ("{end}", "not in range, nothing to end"),
    ("{range .spec.l[*]}{@}{end}{end}", "not in range, nothing to end"),
]


@pytest.mark.parametrize(("template", "expected"), OUTPUTS)
def test_outputs(template: str, expected: str) -> None:
    assert jsonpath(template, POD) == expected


@pytest.mark.parametrize(("template", "reason"), PARSE_ERRORS)
def test_parse_errors(template: str, reason: str) -> None:
    with pytest.raises(TemplateError) as info:
        jsonpath(template, POD)
    assert info.value.message == f"error parsing jsonpath {template}, {reason}"


@pytest.mark.parametrize(("template", "reason"), EXEC_ERRORS)
def test_execution_errors(template: str, reason: str) -> None:
    with pytest.raises(TemplateError) as info:
        jsonpath(template, POD)
    first = info.value.message.splitlines()[0]
    assert first.startswith(f"error executing jsonpath {json.dumps(template)}: "
                            f"Error executing template: {reason}. Printing more")


def test_execution_error_dump_shows_go_sharp_v_of_the_object() -> None:
    with pytest.raises(TemplateError) as info:
        jsonpath("{.a[0]}", {"a": "s", "b": [1, None, 2.5], "c": {}})
    assert info.value.message == (
        'error executing jsonpath "{.a[0]}": Error executing template: string is not array or '
        "slice. Printing more information for debugging the template:\n\ttemplate was:\n\t\t"
        "{.a[0]}\n\tobject given to jsonpath engine was:\n\t\tmap[string]interface {}{"
        '"a":"s", "b":[]interface {}{1, interface {}(nil), 2.5}, '
        '"c":map[string]interface {}{}}\n\n\n')


def test_missing_keys_can_be_errors() -> None:
    with pytest.raises(TemplateError, match="Error executing template: nope is not found"):
        jsonpath("{.nope}", POD, allow_missing=False)
    assert jsonpath("{.spec.s}", POD, allow_missing=False) == "str"


def test_unclosed_range_runs_its_body_again_after_the_loop() -> None:
    out = jsonpath("{range .spec.l[0:2]}{@}", POD)
    assert out.startswith("12{") and json.loads(out[2:]) == POD


def test_as_json_prints_one_indented_array_per_action() -> None:
    assert jsonpath("{.spec.l[0:2]}{.spec.s}", POD, as_json=True) == (
        "[\n    1,\n    2\n]\n[\n    \"str\"\n]\n")


@pytest.mark.parametrize(("expr", "expected"), [
    (".metadata.name", "{.metadata.name}"), ("metadata.name", "{.metadata.name}"),
    ("{metadata.name}", "{.metadata.name}"), ("{.metadata.name}", "{.metadata.name}"),
    (".spec.containers[*].image", "{.spec.containers[*].image}"), ("", ""),
])
def test_relaxed(expr: str, expected: str) -> None:
    assert relaxed(expr) == expected


def test_relaxed_rejects_nested_braces() -> None:
    with pytest.raises(TemplateError, match="unexpected path string, expected a 'name1.name2'"):
        relaxed("{.a}{.b}")


# -- real kubectl as referee ---------------------------------------------------------------
KUBECTL = shutil.which("kubectl") or ("/usr/bin/kubectl" if Path("/usr/bin/kubectl").exists()
                                      else None)
needs_kubectl = pytest.mark.skipif(KUBECTL is None, reason="real kubectl binary not installed")


def _kubectl(tmp_path: Path, obj: dict, output: str) -> tuple[int, str, str]:
    f = tmp_path / "obj.json"
    f.write_text(json.dumps(obj))
    assert KUBECTL is not None
    proc = subprocess.run([KUBECTL, "annotate", "--local", "-f", str(f), "a=b", "-o", output],
                          capture_output=True, text=True, timeout=60)
    return proc.returncode, proc.stdout, proc.stderr


def _annotated(obj: dict) -> dict:
    seen = copy.deepcopy(obj)
    seen["metadata"]["annotations"] = {"a": "b"}
    return seen


@needs_kubectl
@pytest.mark.parametrize("template", [t for t, _ in OUTPUTS] + [t for t, _ in EXEC_ERRORS]
                         + [t for t, _ in PARSE_ERRORS])
def test_matches_real_kubectl(tmp_path: Path, template: str) -> None:
    rc, out, err = _kubectl(tmp_path, POD, f"jsonpath={template}")
    data = _annotated(POD)
    if rc == 0:
        assert jsonpath(template, data) == out
    else:
        with pytest.raises(TemplateError) as info:
            jsonpath(template, data)
        assert err == f"error: {info.value.message}" + (
            "" if info.value.message.endswith("\n") else "\n")
