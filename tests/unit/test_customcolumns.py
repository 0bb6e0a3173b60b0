"""`kubectl get -o custom-columns` / `custom-columns-file` and `--sort-by`.

Expectations follow kubectl's get/customcolumn.go and get/sorter.go (layout: the get
tabwriter, minwidth 6 and 3 spaces of padding; `<none>` for nothing found; several values
joined by `,`). Real kubectl cannot referee these offline: both only exist on `kubectl get`,
which needs an API server.
"""

from __future__ import annotations

import pytest

from kubenb.cli.kubectl.templates import (
    TemplateError,
    custom_columns,
    custom_columns_file,
    sort_key,
    sort_objects,
)
from kubenb.cli.kubectl.templates.sorting import natural_less
from tests import builders


def pod(name: str, *images: str, **extra: object) -> dict:
    return builders.pod(name, namespace=None, labels={"app": name.split("-")[0]}, status=extra,
                        containers=[builders.container(f"c{i}", im) for i, im in enumerate(images)])


PODS = [pod("web-1", "nginx", "busybox", restarts=3, podIP="10.0.0.2"),
        pod("db", "postgres", restarts=10, podIP="10.0.0.10")]


CASES = [
    ("NAME:.metadata.name,IMAGE:.spec.containers[*].image", False,
     "NAME    IMAGE\n"
     "web-1   nginx,busybox\n"
     "db      postgres\n"),
    ("NAME:metadata.name,IP:{.status.podIP},NODE:.spec.nodeName", False,
     "NAME    IP          NODE\n"
     "web-1   10.0.0.2    <none>\n"
     "db      10.0.0.10   <none>\n"),
    ("N:.metadata.name", True,
     "web-1\n"
     "db\n"),
    ("N:.metadata.name,LABELS:.metadata.labels,R:.status.restarts", False,
     "N       LABELS         R\n"
     "web-1   map[app:web]   3\n"
     "db      map[app:db]    10\n"),
    ("FIRST:.spec.containers[0].name,ALL:.spec.containers[*].name", False,
     "FIRST   ALL\n"
     "c0      c0,c1\n"
     "c0      c0\n"),
]


@pytest.mark.parametrize(("spec", "no_headers", "expected"), CASES)
def test_custom_columns(spec: str, no_headers: bool, expected: str) -> None:
    assert custom_columns(spec, PODS, no_headers=no_headers) == expected


def test_a_list_object_prints_its_items() -> None:
    lst = {"apiVersion": "v1", "kind": "List", "items": PODS}
    assert custom_columns("NAME:.metadata.name", [lst]) == "NAME\nweb-1\ndb\n"


def test_no_objects_prints_only_headers() -> None:
    assert custom_columns("NAME:.metadata.name,X:.x", []) == "NAME   X\n"


def test_terminal_escapes_are_made_visible() -> None:
    obj = {"metadata": {"name": "a\x1b[31mb\rc"}}
    assert custom_columns("N:.metadata.name", [obj], no_headers=True) == "a^[[31mb\\rc\n"


def test_columns_file() -> None:
    text = "NAME    IMAGES\n.metadata.name   {.spec.containers[*].image}\n"
    assert custom_columns_file(text, PODS) == (
        "NAME    IMAGES\n"
        "web-1   nginx,busybox\n"
        "db      postgres\n")


@pytest.mark.parametrize(("spec", "message"), [
    ("", "custom-columns format specified but no custom columns given"),
    ("NAME", "unexpected custom-columns spec: NAME, expected <header>:<json-path-expr>"),
    ("A:.a,B", "unexpected custom-columns spec: B, expected <header>:<json-path-expr>"),
    ("A:{.a}{.b}", "unexpected path string, expected a 'name1.name2' or '.name1.name2' or "
                   "'{name1.name2}' or '{.name1.name2}'"),
    ("A:.a[x]", "invalid array index x"),
    ("A:.metadata.name[0]", "string is not array or slice"),
])
def test_bad_specs(spec: str, message: str) -> None:
    with pytest.raises(TemplateError) as info:
        custom_columns(spec, PODS)
    assert info.value.message == message


@pytest.mark.parametrize(("text", "message"), [
    ("", "invalid template, missing header line. Expected format is one line of space "
         "separated headers, one line of space separated column specs."),
    ("NAME\n", "invalid template, missing spec line. Expected format is one line of space "
               "separated headers, one line of space separated column specs."),
    ("NAME IP\n.metadata.name\n", "number of headers (2) and field specifications (1) don't "
                                  "match"),
])
def test_bad_columns_files(text: str, message: str) -> None:
    with pytest.raises(TemplateError) as info:
        custom_columns_file(text, PODS)
    assert info.value.message == message


# -- --sort-by -----------------------------------------------------------------------------
def names(objs: list[dict]) -> list[str]:
    return [o["metadata"]["name"] for o in objs]


@pytest.mark.parametrize(("field", "expected"), [
    (".metadata.name", ["db", "pod-2", "pod-10", "web-1"]),
    ("{.metadata.name}", ["db", "pod-2", "pod-10", "web-1"]),
    (".status.restarts", ["pod-10", "web-1", "db", "pod-2"]),  # missing first, then 3 < 10 < 12
    (".status.podIP", ["pod-10", "pod-2", "web-1", "db"]),   # natural order: ...2 < ...10
    (".status.cpu", ["pod-2", "web-1", "pod-10", "db"]),     # quantities: 100m < 1 < 1500m < 2
])
def test_sort_by(field: str, expected: list[str]) -> None:
    objs = [pod("web-1", restarts=3, podIP="10.0.0.2", cpu="1"),
            pod("db", restarts=10, podIP="10.0.0.10", cpu="2"),
            pod("pod-2", restarts=12, podIP="10.0.0.1", cpu="100m"),
            pod("pod-10", cpu="1500m")]
    assert names(sort_objects(objs, field)) == expected
    assert names(sorted(objs, key=sort_key(objs, field))) == expected


def test_sort_by_a_field_no_object_has() -> None:
    with pytest.raises(TemplateError) as info:
        sort_key(PODS, ".spec.nodeName")
    assert info.value.message == ('couldn\'t find any field with path "{.spec.nodeName}" in '
                                  "the list of objects")


def test_sort_by_unsortable_values() -> None:
    objs = [pod("a", x={"k": 1}), pod("b", x={"k": 2})]
    with pytest.raises(TemplateError, match="unsortable type: map"):
        sort_objects(objs, ".status.x")
    mixed = [pod("a", x=1), pod("b", x="1")]
    with pytest.raises(TemplateError, match="unsortable interface"):
        sort_objects(mixed, ".status.x")


@pytest.mark.parametrize(("a", "b", "less"), [
    ("a", "b", True), ("b", "a", False), ("pod-2", "pod-10", True), ("pod-10", "pod-2", False),
    ("a1", "a01", True), ("a", "a1", True), ("1x", "x", True), ("x", "x", False),
])
def test_natural_order(a: str, b: str, less: bool) -> None:
    assert natural_less(a, b) is less
