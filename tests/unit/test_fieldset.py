"""Field sets (`fieldsV1`): the set a configuration names, comparisons, set algebra, paths."""

from __future__ import annotations

from kubenb.api import fieldset
from kubenb.api.fieldset import compare, decode, encode, path_string, paths, to_set


def deployment(replicas: int = 1, image: str = "nginx", **extra: object) -> dict:
    spec = {"replicas": replicas, "selector": {"matchLabels": {"app": "web"}},
            "template": {"metadata": {"labels": {"app": "web"}},
                         "spec": {"containers": [{"name": "web", "image": image,
                                                  "ports": [{"containerPort": 80}]}]}}}
    spec.update(extra)
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "labels": {"app": "web"}}, "spec": spec}


def test_to_set_names_leaves_list_items_by_key_and_atomic_selectors():
    got = encode(to_set(deployment(), "Deployment"))
    assert got["f:spec"]["f:selector"] == {}  # LabelSelector is an atomic struct
    assert got["f:metadata"] == {"f:labels": {"f:app": {}}, "f:name": {}}
    container = got["f:spec"]["f:template"]["f:spec"]["f:containers"]['k:{"name":"web"}']
    # container ports are a map-list on containerPort and protocol (defaulted to TCP)
    assert container == {".": {}, "f:image": {}, "f:name": {}, "f:ports": {
        'k:{"containerPort":80,"protocol":"TCP"}': {".": {}, "f:containerPort": {}}}}


def test_sets_and_atomic_lists():
    pod = {"metadata": {"finalizers": ["a", "b"]},
           "spec": {"containers": [{"name": "c", "args": ["x", "y"]}],
                    "tolerations": [{"key": "k"}]}}
    got = encode(to_set(pod, "Pod"))
    assert got["f:metadata"]["f:finalizers"] == {'v:"a"': {}, 'v:"b"': {}}
    assert got["f:spec"]["f:tolerations"] == {}  # no merge key: atomic
    assert got["f:spec"]["f:containers"]['k:{"name":"c"}']["f:args"] == {}


def test_compare_adds_dots_for_new_maps_and_items_but_not_for_go_zero_structs():
    c = compare(None, deployment(), "Deployment")
    added = encode(c.added)
    assert added["f:metadata"]["f:labels"] == {".": {}, "f:app": {}}
    assert "." not in added["f:spec"] and "." not in added["f:spec"]["f:template"]
    containers = added["f:spec"]["f:template"]["f:spec"]["f:containers"]
    assert "." not in containers and "." in containers['k:{"name":"web"}']
    assert not c.modified and not c.removed


def test_compare_modified_and_removed():
    old = deployment(replicas=1, image="nginx", paused=True)
    new = deployment(replicas=3, image="nginx:2")
    c = compare(old, new, "Deployment")
    assert paths(c.modified) == [
        ("f:spec", "f:replicas"),
        ("f:spec", "f:template", "f:spec", "f:containers", 'k:{"name":"web"}', "f:image")]
    assert paths(c.removed) == [("f:spec", "f:paused")]
    assert not c.added


def test_compare_list_map_items_by_key_whatever_their_order():
    old = deployment()
    new = deployment()
    new["spec"]["template"]["spec"]["containers"].insert(0, {"name": "side", "image": "busybox"})
    c = compare(old, new, "Deployment")
    assert [p[-2:] for p in paths(c.added)] == [
        ("f:containers", 'k:{"name":"side"}'), ('k:{"name":"side"}', "f:image"),
        ('k:{"name":"side"}', "f:name")]
    assert not c.modified and not c.removed


def test_null_is_unset():
    old = {"spec": {"template": {"metadata": {"creationTimestamp": None}}}}
    assert not compare({}, old, "Deployment").added


def test_set_algebra_is_path_by_path():
    a = decode({"f:spec": {".": {}, "f:replicas": {}, "f:paused": {}}})
    b = decode({"f:spec": {"f:replicas": {}}})
    assert encode(fieldset.difference(a, b)) == {"f:spec": {".": {}, "f:paused": {}}}
    assert encode(fieldset.intersection(a, b)) == {"f:spec": {"f:replicas": {}}}
    assert fieldset.union(b, a) == a
    assert fieldset.difference(b, a) == {}


def test_fields_v1_round_trip_and_paths_print_as_upstream():
    wire = {"f:spec": {"f:template": {"f:spec": {"f:containers": {
        'k:{"name":"web"}': {".": {}, "f:image": {}}}}}},
        "f:metadata": {"f:finalizers": {'v:"x"': {}}}}
    assert encode(decode(wire)) == wire
    strings = [path_string(p) for p in paths(decode(wire))]
    assert strings == ['.metadata.finalizers[="x"]', '.spec.template.spec.containers[name="web"]',
                       '.spec.template.spec.containers[name="web"].image']
    assert path_string(("f:ports", 'k:{"containerPort":80,"protocol":"TCP"}')) == (
        '.ports[containerPort=80,protocol="TCP"]')
