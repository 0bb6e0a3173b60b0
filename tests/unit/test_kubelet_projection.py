"""The files of configMap/secret/downwardAPI/projected volumes (kubelet_projection.py) and
the atomic writer that puts them on disk (runtime/atomic_writer.py)."""

from __future__ import annotations

import base64
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from kubenb.api.store import Store
from kubenb.api.tokens import user_for
from kubenb.clock import VirtualClock
from kubenb.node.kubelet_env import container_env
from kubenb.node.kubelet_projection import MountError, format_map, volume_files
from kubenb.node.runtime.atomic_writer import write_payload
from tests import builders


@pytest.fixture
def store() -> Store:
    s = Store(VirtualClock(), seed=1)
    s.ensure_namespaces(("default",))
    return s


def _pod(**meta: Any) -> dict[str, Any]:
    p = builders.pod("web", labels={"app": "web", "tier": "front"}, annotations={"note": 'say "hi"'},
                     limits={"cpu": "500m", "memory": "64Mi"}, requests={"cpu": "250m"})
    p["metadata"]["uid"] = "u-1"
    p["metadata"].update(meta)
    return p


def test_a_configmap_volume_has_one_file_per_key_with_the_default_mode(store: Store) -> None:
    store.create(builders.configmap("cfg", {"a": "1", "b.conf": "x=y\n"}))
    files = volume_files(store, _pod(), {"name": "v", "configMap": {"name": "cfg"}})
    assert files == {"a": (b"1", 0o644), "b.conf": (b"x=y\n", 0o644)}


def test_items_pick_keys_to_paths_with_their_modes(store: Store) -> None:
    store.create(builders.configmap("cfg", {"a": "1", "b": "2"}))
    vol = {"name": "v", "configMap": {"name": "cfg", "defaultMode": 0o400,
                                      "items": [{"key": "a", "path": "sub/a.txt"},
                                                {"key": "b", "path": "b", "mode": 0o755}]}}
    assert volume_files(store, _pod(), vol) == {"sub/a.txt": (b"1", 0o400), "b": (b"2", 0o755)}


def test_missing_sources_and_keys_in_the_kubelets_words(store: Store) -> None:
    with pytest.raises(MountError, match='^configmap "nope" not found$'):
        volume_files(store, _pod(), {"name": "v", "configMap": {"name": "nope"}})
    with pytest.raises(MountError, match='^secret "nope" not found$'):
        volume_files(store, _pod(), {"name": "v", "secret": {"secretName": "nope"}})
    assert volume_files(store, _pod(), {"name": "v", "configMap": {"name": "nope", "optional": True}}) == {}
    store.create(builders.configmap("cfg", {"a": "1"}))
    with pytest.raises(MountError, match="^configmap references non-existent config key: zz$"):
        volume_files(store, _pod(), {"name": "v", "configMap": {"name": "cfg", "items": [{"key": "zz", "path": "z"}]}})


def test_a_secret_volume_shows_decoded_values(store: Store) -> None:
    store.create({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s", "namespace": "default"},
                  "data": {"password": base64.b64encode(b"hunter2").decode()}})
    assert volume_files(store, _pod(), {"name": "v", "secret": {"secretName": "s", "defaultMode": 0o600}}) == {
        "password": (b"hunter2", 0o600)}


def test_downward_api_fields_and_resources(store: Store) -> None:
    vol = {"name": "v", "downwardAPI": {"items": [
        {"path": "labels", "fieldRef": {"fieldPath": "metadata.labels"}},
        {"path": "annotations", "fieldRef": {"fieldPath": "metadata.annotations"}},
        {"path": "name", "fieldRef": {"fieldPath": "metadata.name"}},
        {"path": "uid", "fieldRef": {"fieldPath": "metadata.uid"}},
        {"path": "cpu", "resourceFieldRef": {"containerName": "c", "resource": "limits.cpu", "divisor": "1m"}},
        {"path": "mem", "resourceFieldRef": {"containerName": "c", "resource": "limits.memory",
                                             "divisor": "1Mi"}},
        {"path": "req", "resourceFieldRef": {"containerName": "c", "resource": "requests.cpu"}}]}}
    files = volume_files(store, _pod(), vol)
    assert files is not None
    assert files["labels"][0] == b'app="web"\ntier="front"'
    assert files["annotations"][0] == b'note="say \\"hi\\""'
    assert (files["name"][0], files["uid"][0]) == (b"web", b"u-1")
    assert (files["cpu"][0], files["mem"][0], files["req"][0]) == (b"500", b"64", b"1")
    assert format_map({}) == ""


def test_a_projected_token_is_one_the_api_server_accepts(store: Store) -> None:
    store.create({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "default",
                                                                              "namespace": "default"}})
    store.create(builders.configmap("cfg", {"a": "1"}))
    vol = {"name": "v", "projected": {"defaultMode": 0o440, "sources": [
        {"configMap": {"name": "cfg"}},
        {"downwardAPI": {"items": [{"path": "ns", "fieldRef": {"fieldPath": "metadata.namespace"}}]}},
        {"serviceAccountToken": {"path": "token", "expirationSeconds": 3600}}]}}
    files = volume_files(store, _pod(), vol)
    assert files is not None and set(files) == {"a", "ns", "token"}
    user = user_for(store, files["token"][0].decode())
    assert user is not None and user.name == "system:serviceaccount:default:default"
    assert files["token"][1] == 0o440
    assert volume_files(store, _pod(), vol) == files  # the same token until 80% of its life


def _tree(target: Path) -> dict[str, Any]:
    return {name: os.readlink(target / name) if (target / name).is_symlink() else "dir"
            for name in sorted(os.listdir(target))}


def test_the_atomic_writer_swaps_a_data_link(tmp_path: Path) -> None:
    target = tmp_path / "vol"
    assert write_payload(str(target), {"a": (b"1", 0o644), "d/b": (b"2", 0o600)})
    tree = _tree(target)
    version = tree["..data"]
    assert version.startswith("..") and tree["a"] == "..data/a" and tree["d"] == "..data/d"
    assert (target / "d" / "b").read_bytes() == b"2"
    assert stat.S_IMODE(os.stat(target / "d" / "b").st_mode) == 0o600
    assert not write_payload(str(target), {"a": (b"1", 0o644), "d/b": (b"2", 0o600)})  # unchanged
    assert os.readlink(target / "..data") == version
    assert write_payload(str(target), {"a": (b"new", 0o644)})
    tree = _tree(target)
    assert tree["..data"] != version and "d" not in tree and not (target / version).exists()
    assert (target / "a").read_bytes() == b"new"


def test_env_resource_field_refs_use_the_containers_limits_or_the_nodes_allocatable(store: Store) -> None:
    pod = _pod()
    pod["spec"]["nodeName"] = "n1"
    store.create({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n1"},
                  "status": {"allocatable": {"ephemeral-storage": "10Gi"}}})
    pod["spec"]["containers"][0]["env"] = [
        {"name": "CPU", "valueFrom": {"resourceFieldRef": {"resource": "limits.cpu", "divisor": "1m"}}},
        {"name": "MEM", "valueFrom": {"resourceFieldRef": {"resource": "limits.memory", "divisor": "1Mi"}}},
        {"name": "EPH", "valueFrom": {"resourceFieldRef": {"resource": "limits.ephemeral-storage",
                                                           "divisor": "1Gi"}}}]
    env = dict(container_env(store, pod, pod["spec"]["containers"][0], "10.0.0.1", "10.244.0.5"))
    assert (env["CPU"], env["MEM"], env["EPH"]) == ("500", "64", "10")


def test_a_projected_volume_reports_every_missing_source(store: Store) -> None:
    vol = {"name": "v", "projected": {"sources": [{"configMap": {"name": "a"}}, {"secret": {"name": "b"}}]}}
    with pytest.raises(MountError, match=r'^\[configmap "a" not found, secret "b" not found\]$'):
        volume_files(store, _pod(), vol)
