"""`%kubectl --context/--kubeconfig/--server`, `kubenb.connect()`, and `kubectl config`
agreeing with the kubeconfig file, through the notebook session (`kubenb.cli.session`).

The "real cluster" is the `served` cluster's ApiServer, reached only through kubeconfig
files; a kubenb profile of the session (virtual clock) stands beside it.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import kubenb
from kubenb.cli import session
from kubenb.client.http import HttpClient
from kubenb.client.inprocess import InProcessClient
from kubenb.clock import VirtualClock
from kubenb.profiles import Profiles
from tests.client_http.conftest import kubeconfig_for

REFUSED = "The connection to the server localhost:8080 was refused - did you specify the right host or port?\n"


def sh(line: str) -> tuple[str, str, int]:
    out, err = io.StringIO(), io.StringIO()
    rc = session.kubectl(line.split(), out, err)
    return out.getvalue(), err.getvalue(), rc


@pytest.fixture
def remote(served: tuple[Any, Any], tmp_path: Path) -> Path:
    """A kubeconfig file naming the served cluster `remote` (and a `team` context)."""
    doc = kubeconfig_for(served[1], "remote")
    doc["contexts"].append({"name": "team", "context": {"cluster": "remote", "user": "remote",
                                                        "namespace": "team"}})
    path = tmp_path / "remote.yaml"
    path.write_text(json.dumps(doc))
    return path


@pytest.fixture
def fresh() -> Iterator[None]:
    old = session.reset(Profiles(clock_factory=VirtualClock, register_atexit=False))
    if old is not None:
        old.close()
    yield
    reg = session.reset(None)
    if reg is not None:
        reg.close()


def test_context_flag_reaches_another_cluster(fresh: None, remote: Path, served: tuple[Any, Any]) -> None:
    assert sh("get nodes") == ("", REFUSED, 1)
    assert sh(f"--kubeconfig {remote} --context remote get nodes -o name") == ("node/served\n", "", 0)
    assert sh(f"get nodes -o name --context=remote --kubeconfig={remote}") == ("node/served\n", "", 0)
    assert sh("get nodes") == ("", REFUSED, 1)  # the flags were for that one line


def test_a_contexts_namespace_is_the_default(fresh: None, remote: Path, served: tuple[Any, Any]) -> None:
    store = served[0].store
    store.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team"}})
    store.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "only-here", "namespace": "team"}})
    try:
        out, _, _ = sh(f"--kubeconfig {remote} --context team get cm -o name")
        assert "configmap/only-here\n" in out
    finally:
        store.delete("ConfigMap", "team", "only-here")


def test_bad_contexts_and_files_get_kubectls_words(fresh: None, remote: Path) -> None:
    assert sh(f"--kubeconfig {remote} --context nope get pods") == (
        "", "Error in configuration: context was not found for specified context: nope\n", 1)
    for line in ("version", "create deployment x --image=y", "-n kube-system run x --image=y"):
        assert sh(f"--kubeconfig {remote} --context nope {line}") == (
            "", 'error: context "nope" does not exist\n', 1)
    assert sh("--kubeconfig /nonexistent/kc get pods") == (
        "", "error: stat /nonexistent/kc: no such file or directory\n", 1)
    # kubectl config still works with a context that does not exist
    out, err, rc = sh(f"--kubeconfig {remote} --context nope config get-contexts -o name")
    assert (out, err, rc) == ("remote\nteam\n", "", 0)


def test_server_and_token_flags(fresh: None, served: tuple[Any, Any]) -> None:
    api = served[1]
    assert sh(f"--server {api.url} --token {api.token} --insecure-skip-tls-verify get nodes -o name") == (
        "node/served\n", "", 0)
    out, err, rc = sh(f"--server {api.url} --token wrong --insecure-skip-tls-verify get nodes")
    assert (err, rc) == ("error: You must be logged in to the server (Unauthorized)\n", 1)


def test_connect_points_kubectl_at_a_context_until_disconnect(fresh: None, remote: Path) -> None:
    client = kubenb.connect(context="remote", kubeconfig=str(remote))
    try:
        assert isinstance(client, HttpClient)
        assert isinstance(session.current_client(), HttpClient)
        assert sh("get nodes -o name") == ("node/served\n", "", 0)
        with pytest.raises(ConnectionError, match="context was not found for specified context: x"):
            kubenb.connect(context="x", kubeconfig=str(remote))
    finally:
        session.disconnect()
    assert session.current_client() is None and sh("get nodes") == ("", REFUSED, 1)


def test_own_profiles_are_in_process_unless_http_is_asked_for(fresh: None) -> None:
    assert sh("get nodes")[2] == 1
    out = io.StringIO()
    assert session.minikube(["start", "--seed=1"], out, io.StringIO()) == 0
    assert isinstance(session.current_client(), InProcessClient)
    assert sh("--context minikube get nodes -o name") == ("node/minikube\n", "", 0)
    assert session.minikube(["stop"], io.StringIO(), io.StringIO()) == 0
    assert sh("get nodes") == ("", REFUSED, 1)  # stop unsets the current context
    assert sh("--context minikube get nodes") == (
        "", "The connection to the server 192.168.49.2:8443 was refused - did you specify "
            "the right host or port?\n", 1)


def test_config_commands_agree_with_the_kubeconfig_file(remote: Path, tmp_path: Path,
                                                       served: tuple[Any, Any]) -> None:
    """With profiles serving HTTP, minikube's entries and the user's own contexts share the
    kubeconfig file; `config` reads and writes that file and `%kubectl` follows it."""
    path = tmp_path / "config"
    path.write_text(remote.read_text())  # the user's kubeconfig, current-context `remote`
    saved = os.environ.get("KUBECONFIG")
    os.environ["KUBECONFIG"] = str(path)
    old = session.reset(Profiles(clock_factory=VirtualClock, register_atexit=False,
                                 serve_api=True, kubeconfig_path=str(path)))
    if old is not None:
        old.close()
    try:
        assert sh("config current-context") == ("remote\n", "", 0)
        assert sh("get nodes -o name") == ("node/served\n", "", 0)
        assert session.minikube(["start", "--seed=1"], io.StringIO(), io.StringIO()) == 0
        assert sh("config current-context") == ("minikube\n", "", 0)
        assert sh("config get-contexts -o name") == ("minikube\nremote\nteam\n", "", 0)
        assert sh("get nodes -o name") == ("node/minikube\n", "", 0)
        assert sh("config use-context remote") == ('Switched to context "remote".\n', "", 0)
        from kubenb.kubeconfig import KubeConfig

        assert KubeConfig.load(str(path)).current_context == "remote"
        assert sh("get nodes -o name") == ("node/served\n", "", 0)
        assert sh("config use-context minikube")[2] == 0
        assert KubeConfig.load(str(path)).current_context == "minikube"
        assert sh("get nodes -o name") == ("node/minikube\n", "", 0)
    finally:
        reg = session.reset(None)
        if reg is not None:
            reg.close()
        if saved is None:
            os.environ.pop("KUBECONFIG", None)
        else:
            os.environ["KUBECONFIG"] = saved
