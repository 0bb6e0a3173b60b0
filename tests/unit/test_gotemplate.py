"""Go text/template as `kubectl -o go-template` runs it (kubenb.cli.kubectl.templates).

Cases come from the Kubernetes Basics tutorial, Go's text/template documentation and fmt
verbs, and kubectl 1.32's behaviour; real kubectl referees the whole table when installed
(`kubectl annotate --local -f FILE a=b -o go-template=…` needs no cluster).
"""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from kubenb.cli.kubectl.templates import TemplateError, go_template

SVC = {
    "apiVersion": "v1", "kind": "Service",
    "metadata": {"name": "kubernetes-bootcamp", "namespace": "default",
                 "labels": {"app": "kubernetes-bootcamp"}, "creationTimestamp": None},
    "spec": {"type": "NodePort", "clusterIP": "10.96.12.34",
             "ports": [{"port": 8080, "protocol": "TCP", "targetPort": 8080,
                        "nodePort": 31728}],
             "selector": {"app": "kubernetes-bootcamp"}},
    "status": {"loadBalancer": {}},
    "data": {"secret": "aGVsbG8=", "ratio": 0.25, "big": 1e21, "on": True, "list": ["a", "b"],
             "empty": "", "zero": 0, "html": "<a href='x'>&</a>"},
}


def test_tutorial_node_port() -> None:
    assert go_template("{{(index .spec.ports 0).nodePort}}", SVC) == "31728"


def test_tutorial_range_over_items() -> None:
    pods = {"apiVersion": "v1", "kind": "List", "items": [
        {"metadata": {"name": "kubernetes-bootcamp-1"}},
        {"metadata": {"name": "kubernetes-bootcamp-2"}}]}
    template = '{{range .items}}{{.metadata.name}}{{"\\n"}}{{end}}'
    assert go_template(template, pods) == "kubernetes-bootcamp-1\nkubernetes-bootcamp-2\n"


OUTPUTS = [
    ("{{.spec.ports}}", "[map[nodePort:31728 port:8080 protocol:TCP targetPort:8080]]"),
    ("{{.metadata.labels}} {{.nope}} {{.nope.deeper}}",
     "map[app:kubernetes-bootcamp] <no value> <no value>"),
    ("{{.metadata.creationTimestamp}}|{{.status}}|{{.status.loadBalancer}}", "<no value>|map[loadBalancer:map[]]|map[]"),
    ("{{.data.ratio}} {{.data.big}} {{.data.on}} {{.data.list}}", "0.25 1e+21 true [a b]"),
    ("{{printf \"%T %T %T %T %T\" .spec.ports .data.zero .data.ratio 1 \"s\"}}",
     "[]interface {} int64 float64 int string"),
    ('{{printf "%s|%5s|%-5s|%q|%x|%X|%.2s" "ab" "ab" "ab" "a\\tb" "hi" "hi" "hello"}}',
     "ab|   ab|ab   |\"a\\tb\"|6869|6869|he"),
    ('{{printf "%d|%5d|%-5d|%05d|%x|%o|%b|%c|%q|%U|%+d" 42 42 42 42 255 8 5 65 65 65 3}}',
     "42|   42|42   |00042|ff|10|101|A|'A'|U+0041|+3"),
    ('{{printf "%f|%.2f|%e|%g|%v|%6.1f" 1.5 1.5 1.5 1.5 1.5 2.25}}',
     "1.500000|1.50|1.500000e+00|1.5|1.5|   2.2"),
    ('{{printf "%s %d" .data.zero "x"}}', "%!s(int64=0) %!d(string=x)"),
    ('{{printf "%d"}}|{{printf "%d" 1 2}}|{{printf "%s" .nope}}|{{printf "%v" nil}}|{{printf "100%%"}}',
     "%!d(MISSING)|1%!(EXTRA int=2)|%!s(<nil>)|<nil>|100%"),
    ('{{printf "%v %t" .metadata.labels true}}', "map[app:kubernetes-bootcamp] true"),
    ('{{print 1 2 "a" "b" 3}}|{{println 1 "a"}}|{{print .data.list}}', "1 2ab3|1 a\n|[a b]"),
    ("{{.metadata.name | printf \"%s!\"}}", "kubernetes-bootcamp!"),
    ("{{.metadata.name | len}}", "19"),
    ("{{len .spec.ports}} {{len .metadata.labels}}", "1 1"),
    ('{{index .metadata.labels "app"}}|{{index .metadata.labels "zz"}}|{{index .data.list 1}}',
     "kubernetes-bootcamp|<no value>|b"),
    ('{{index .spec.ports 0 "port"}}', "8080"),
    ('{{slice "hello" 1 3}}|{{slice .data.list 1}}', "el|[b]"),
    ("{{html .data.html}}", "&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;"),
    ('{{js "a\'b<\\"&="}}', "a\\'b\\u003C\\\"\\u0026\\u003D"),
    ('{{urlquery "a b&c/d"}}', "a+b%26c%2Fd"),
    ("{{base64decode .data.secret}}", "hello"),
    ('{{exists . "metadata" "name"}}|{{exists . "x"}}|{{exists .spec.ports 0 "port"}}',
     "true|false|true"),
    ('{{if eq .spec.type "NodePort"}}np{{else if eq .spec.type "ClusterIP"}}cip{{else}}?{{end}}',
     "np"),
    ('{{if .data.empty}}a{{else if .data.zero}}b{{else if .nope}}c{{else}}d{{end}}', "d"),
    ("{{if and .data.on .data.list}}yes{{end}}|{{and .nope 1}}|{{or .nope 1}}|{{not .nope}}",
     "yes|<no value>|1|true"),
    ("{{eq .nope \"x\"}}|{{eq .spec.clusterIP \"a\" \"10.96.12.34\"}}|{{ne .data.zero 0}}",
     "false|true|false"),
    ("{{lt 1 2}} {{le 2 2}} {{gt 1.5 2.5}} {{ge \"b\" \"a\"}} {{lt .data.zero 1}}",
     "true true false true true"),
    ("{{with .spec.selector}}{{.app}}{{end}}|{{with .nope}}x{{else}}none{{end}}",
     "kubernetes-bootcamp|none"),
    ("{{range $i, $p := .spec.ports}}{{$i}}:{{$p.port}} {{end}}", "0:8080 "),
    ("{{range $k, $v := .metadata}}{{$k}};{{end}}", "creationTimestamp;labels;name;namespace;"),
    ("{{range .data.list}}{{.}}{{else}}empty{{end}}|{{range .nope}}x{{else}}empty{{end}}",
     "ab|empty"),
    ("{{range .data.list}}{{if eq . \"a\"}}{{continue}}{{end}}{{.}}{{end}}", "b"),
    ("{{range .data.list}}{{.}}{{break}}{{end}}", "a"),
    ("{{$n := .metadata.name}}{{range .spec.ports}}{{$n}}/{{.port}}{{end}}",
     "kubernetes-bootcamp/8080"),
    ("{{$x := 1}}{{if true}}{{$x = 2}}{{end}}{{$x}}", "2"),
    ("{{range .spec.ports}}{{$.metadata.name}}{{end}}", "kubernetes-bootcamp"),
    ("a {{- /* comment */ -}} b {{- \" c \" -}}\n d", "ab c d"),
    ("{{`raw\\n`}}|{{\"tab\\there\"}}|{{'a'}}|{{0x10}}|{{1e3}}|{{-3}}", "raw\\n|tab\there|97|16|1000|-3"),
    ("{{(len .data.list)}}|{{(index .spec.ports 0).port}}", "2|8080"),
    ('{{define "n"}}[{{.}}]{{end}}{{template "n" .metadata.name}}', "[kubernetes-bootcamp]"),
]

ERRORS = [
    ("{{index .spec.ports 5}}", "template: output:1:2: executing \"output\" at "
     "<index .spec.ports 5>: error calling index: index out of range: 5"),
    ("{{.metadata.name.x}}", "template: output:1:11: executing \"output\" at "
     "<.metadata.name.x>: can't evaluate field x in type interface {}"),
    ("{{.metadata.creationTimestamp.x}}", "template: output:1:11: executing \"output\" at "
     "<.metadata.creationTimestamp.x>: nil pointer evaluating interface {}.x"),
    ("{{with .metadata.name}}{{.x}}{{end}}", "template: output:1:25: executing \"output\" at "
     "<.x>: can't evaluate field x in type string"),
    ("{{len .nope}}", "template: output:1:2: executing \"output\" at <len .nope>: error "
     "calling len: reflect: call of reflect.Value.Type on zero Value"),
    ("{{eq .data.zero 1.0}}", "template: output:1:2: executing \"output\" at "
     "<eq .data.zero 1.0>: error calling eq: incompatible types for comparison"),
    ("{{index .nope \"a\"}}", "template: output:1:2: executing \"output\" at "
     "<index .nope \"a\">: error calling index: index of untyped nil"),
    ("{{base64decode .nope}}", "template: output:1:15: executing \"output\" at <.nope>: "
     "invalid value; expected string"),
    ('{{base64decode "!!"}}', "template: output:1:2: executing \"output\" at "
     "<base64decode \"!!\">: error calling base64decode: base64 decode failed: illegal "
     "base64 data at input byte 0"),
    ("{{$x := 1}}{{$x.y}}", "template: output:1:15: executing \"output\" at <$x.y>: can't "
     "evaluate field y in type int"),
    ("ok{{range 3}}{{.}}{{end}}", "template: output:1:10: executing \"output\" at <3>: "
     "range can't iterate over 3"),
    ("{{not}}", "template: output:1:2: executing \"output\" at <not>: wrong number of args "
     "for not: want 1 got 0"),
    ("{{.metadata.name 1}}", "template: output:1:11: executing \"output\" at "
     "<.metadata.name>: name is not a method but has arguments"),
    ("{{lt .nope 1}}", "template: output:1:2: executing \"output\" at <lt .nope 1>: error "
     "calling lt: invalid type for comparison"),
]

PARSE_ERRORS = [
    ("{{foo}}", 'template: output:1: function "foo" not defined'),
    ("{{if", "template: output:1: unclosed action"),
    ("{{if .a}}x", "template: output:1: unexpected EOF"),
    ("{{end}}", "template: output:1: unexpected {{end}}"),
    ("{{$y}}", 'template: output:1: undefined variable "$y"'),
    ("{{3abc}}", 'template: output:1: bad number syntax: "3a"'),
    ("{{\"abc}}", "template: output:1: unterminated quoted string"),
    ("{{break}}", "template: output:1: {{break}} outside {{range}}"),
    ("{{.a | 1}}", "template: output:1: non executable command in pipeline stage 2"),
    ("{{/* x */ .a}}", "template: output:1: comment ends before closing delimiter"),
]


@pytest.mark.parametrize(("template", "expected"), OUTPUTS)
def test_outputs(template: str, expected: str) -> None:
    assert go_template(template, SVC) == expected


@pytest.mark.parametrize(("template", "reason"), ERRORS)
def test_execution_errors(template: str, reason: str) -> None:
    with pytest.raises(TemplateError) as info:
        go_template(template, SVC)
    assert info.value.message == f"error executing template {json.dumps(template)}: {reason}"


@pytest.mark.parametrize(("template", "reason"), PARSE_ERRORS)
def test_parse_errors(template: str, reason: str) -> None:
    with pytest.raises(TemplateError) as info:
        go_template(template, SVC)
    assert info.value.message == f"error parsing template {template}, {reason}"


def test_failed_execution_keeps_partial_output_and_the_debug_dump() -> None:
    with pytest.raises(TemplateError) as info:
        go_template("a{{index .l 3}}", {"l": [1]})
    assert info.value.stdout == (
        "aError executing template: template: output:1:3: executing \"output\" at "
        "<index .l 3>: error calling index: index out of range: 3. Printing more information "
        "for debugging the template:\n\ttemplate was:\n\t\ta{{index .l 3}}\n\traw data was:"
        "\n\t\t{\"l\":[1]}\n\tobject given to template engine was:\n\t\tmap[l:[1]]\n\n")


def test_missing_keys_can_be_errors() -> None:
    with pytest.raises(TemplateError, match='map has no entry for key "nope"'):
        go_template("{{.nope}}", SVC, allow_missing=False)


# -- real kubectl as referee ---------------------------------------------------------------
KUBECTL = shutil.which("kubectl") or ("/usr/bin/kubectl" if Path("/usr/bin/kubectl").exists()
                                      else None)
needs_kubectl = pytest.mark.skipif(KUBECTL is None, reason="real kubectl binary not installed")


@needs_kubectl
@pytest.mark.parametrize("template", [t for t, _ in OUTPUTS] + [t for t, _ in ERRORS]
                         + [t for t, _ in PARSE_ERRORS])
def test_matches_real_kubectl(tmp_path: Path, template: str) -> None:
    f = tmp_path / "svc.json"
    f.write_text(json.dumps(SVC))
    assert KUBECTL is not None
    proc = subprocess.run([KUBECTL, "annotate", "--local", "-f", str(f), "a=b",
                           "-o", f"go-template={template}"],
                          capture_output=True, text=True, timeout=60)
    data = copy.deepcopy(SVC)
    data["metadata"]["annotations"] = {"a": "b"}
    if proc.returncode == 0:
        assert go_template(template, data) == proc.stdout
        return
    with pytest.raises(TemplateError) as info:
        go_template(template, data)
    assert proc.stderr == f"error: {info.value.message}\n"
    if info.value.stdout:
        assert proc.stdout.split("\traw data was:")[0] == \
            info.value.stdout.split("\traw data was:")[0]
