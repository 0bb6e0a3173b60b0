"""`minikube start` serves the API and merges a kubeconfig context; `delete` takes it out."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from kubenb.cli.minikube.commands import run_line
from kubenb.clock import VirtualClock
from kubenb.profiles import Profiles

from .conftest import KUBECTL_137, server_threads

OTHER = {"apiVersion": "v1", "kind": "Config", "current-context": "work",
         "clusters": [{"name": "work", "cluster": {"server": "https://10.1.2.3:6443"}}],
         "users": [{"name": "work", "user": {"token": "abc"}}],
         "contexts": [{"name": "work", "context": {"cluster": "work", "user": "work"}}]}


@pytest.fixture
def profiles() -> Iterator[Profiles]:
    reg = Profiles(register_atexit=False, default_driver="sim")
    yield reg
    reg.close()


def load(path: str) -> dict:
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def names(doc: dict, key: str) -> list[str]:
    return sorted(e["name"] for e in doc.get(key) or [])


def test_serving_is_the_real_clock_default() -> None:
    assert Profiles(register_atexit=False).serve_api is True
    assert Profiles(VirtualClock, register_atexit=False).serve_api is False


def test_start_merges_the_context_and_delete_removes_it(profiles: Profiles) -> None:
    path = os.environ["KUBECONFIG"]
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(yaml.safe_dump(OTHER))
    before = set(server_threads())
    out, err, rc = run_line("start --seed 1", profiles)
    assert rc == 0, err
    assert 'Done! kubectl is now configured to use "minikube" cluster' in out
    prof = profiles.get("minikube")
    assert prof is not None
    api = prof.api_server
    assert api is not None and prof.server == api.url == prof.cluster.server
    doc = load(path)
    assert doc["current-context"] == "minikube"
    assert names(doc, "clusters") == names(doc, "users") == names(doc, "contexts") == [
        "minikube", "work"]
    cluster = [c["cluster"] for c in doc["clusters"] if c["name"] == "minikube"][0]
    assert cluster["server"] == api.url
    import base64

    assert base64.b64decode(cluster["certificate-authority-data"]) == api.ca_data
    user = [u["user"] for u in doc["users"] if u["name"] == "minikube"][0]
    cert, key = api.client_cert
    assert user == {"client-certificate-data": base64.b64encode(cert).decode(),
                    "client-key-data": base64.b64encode(key).decode()}
    assert os.stat(path).st_mode & 0o777 == 0o600
    # a real kubectl in a cell (no flags, the exported KUBECONFIG) reaches the cluster
    env = {**os.environ, "HOME": str(Path(path).parent)}
    done = subprocess.run([KUBECTL_137, "get", "nodes", "-o", "name"], env=env,
                          capture_output=True, text=True, timeout=60, check=False)
    assert (done.returncode, done.stdout) == (0, "node/minikube\n")
    out, err, rc = run_line("delete", profiles)
    assert rc == 0, err
    doc = load(path)
    assert names(doc, "clusters") == ["work"] and doc["current-context"] == ""
    assert set(server_threads()) <= before


def test_kubeconfig_is_created_and_exported_when_absent(
        profiles: Profiles, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KUBECONFIG")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert run_line("start --seed 1", profiles)[2] == 0
    expected = str(tmp_path / "home" / ".kube" / "config")
    assert os.environ["KUBECONFIG"] == expected
    assert load(expected)["current-context"] == "minikube"


def test_stop_unsets_current_and_start_points_at_the_new_server(profiles: Profiles) -> None:
    path = os.environ["KUBECONFIG"]
    assert run_line("start --seed 1", profiles)[2] == 0
    first = profiles.get("minikube").api_server  # type: ignore[union-attr]
    assert run_line("stop", profiles)[2] == 0
    assert load(path)["current-context"] == ""
    assert not first.running
    assert run_line("start", profiles)[2] == 0
    again = profiles.get("minikube").api_server  # type: ignore[union-attr]
    doc = load(path)
    assert doc["current-context"] == "minikube"
    assert doc["clusters"][0]["cluster"]["server"] == again.url
    out = profiles.current_client().list("Node")[0]
    assert [n["metadata"]["name"] for n in out] == ["minikube"]


def test_serve_api_off_writes_no_file(tmp_path: Path) -> None:
    reg = Profiles(VirtualClock, register_atexit=False)
    try:
        assert run_line("start --seed 1", reg)[2] == 0
        assert reg.get("minikube").api_server is None  # type: ignore[union-attr]
        assert not os.path.exists(os.environ["KUBECONFIG"])
        assert reg.get("minikube").server == "https://192.168.49.2:8443"  # type: ignore[union-attr]
    finally:
        reg.close()


def test_default_path_is_where_kubectl_looks(monkeypatch: pytest.MonkeyPatch,
                                             tmp_path: Path) -> None:
    from kubenb.kubeconfig import default_path

    monkeypatch.setenv("KUBECONFIG", os.pathsep.join(["", "/a/first", "/b/second"]))
    assert default_path() == "/a/first"
    monkeypatch.delenv("KUBECONFIG")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert default_path() == str(tmp_path / ".kube" / "config")
