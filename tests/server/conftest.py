"""Fixtures for the HTTP API server: a real-clock cluster serving https, and real clients.

`served` is one sim-runtime cluster on the real clock with an `ApiServer`, shared by a test
module (clients such as kubectl need a live server thread). `Served.kubectl(...)` runs a real
kubectl binary as a subprocess with a kubeconfig written for the server and HOME in a
temporary directory (its discovery cache goes there); `Served.request(...)` is a raw https
request. No test touches the user's ~/.kube or ~/.minikube: KUBECONFIG and MINIKUBE_HOME
point into tmp_path for every test here.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import shutil
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from kubenb.cluster import Cluster
from kubenb.server import ApiServer

ROOT = Path(__file__).resolve().parents[2]
KUBECTL_137 = str(ROOT / ".venv" / "bin" / "kubectl")
KUBECTL_132 = "/usr/bin/kubectl"
KUBECTLS = [k for k in (KUBECTL_137, KUBECTL_132) if shutil.which(k)]


@pytest.fixture(autouse=True)
def _isolated_kube_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KUBECONFIG", str(tmp_path / "kube" / "config"))
    monkeypatch.setenv("MINIKUBE_HOME", str(tmp_path / "minikube"))


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Run:
    out: str
    err: str
    rc: int


def write_kubeconfig(path: Path, api: ApiServer, name: str = "kubenb") -> None:
    path.write_text(f"""apiVersion: v1
kind: Config
clusters:
- name: {name}
  cluster:
    server: {api.url}
    certificate-authority-data: {base64.b64encode(api.ca_data).decode()}
users:
- name: {name}
  user:
    token: {api.token}
contexts:
- name: {name}
  context: {{cluster: {name}, user: {name}, namespace: default}}
current-context: {name}
""")


class Served:
    def __init__(self, cluster: Cluster, api: ApiServer, home: Path) -> None:
        self.cluster, self.api, self.home = cluster, api, home
        self.kubeconfig = home / "config"
        write_kubeconfig(self.kubeconfig, api)
        self.env = {**os.environ, "KUBECONFIG": str(self.kubeconfig), "HOME": str(home)}
        self.ssl = ssl.create_default_context(cafile=api.ca_file)

    @property
    def store(self) -> Any:
        return self.cluster.store

    def kubectl(self, *args: str, binary: str = KUBECTL_137, stdin: str | None = None,
                timeout: float = 90) -> Run:
        done = subprocess.run([binary, *args], env=self.env, input=stdin, capture_output=True,
                              text=True, timeout=timeout, check=False)
        return Run(done.stdout, done.stderr, done.returncode)

    def connection(self) -> http.client.HTTPSConnection:
        return http.client.HTTPSConnection("127.0.0.1", self.api.port, context=self.ssl,
                                           timeout=30)

    def request(self, method: str, path: str, body: Any = None, *, token: bool = True,
                headers: dict[str, str] | None = None) -> Reply:
        hdrs = dict(headers or {})
        if token:
            hdrs.setdefault("Authorization", f"Bearer {self.api.token}")
        data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
        if data is not None:
            hdrs.setdefault("Content-Type", "application/json")
        conn = self.connection()
        try:
            conn.request(method, path, body=data, headers=hdrs)
            resp = conn.getresponse()
            return Reply(resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read())
        finally:
            conn.close()


def server_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("kube-apiserver:")]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    before = set(server_threads())
    cluster = Cluster(seed=7, nodes=2)
    api = ApiServer(follow_interval=0.2)
    cluster.serve_api(api)
    cluster.start()
    cluster.wait_for(lambda: len(cluster.store.list("Node")) == 2, timeout=30)
    home = tmp_path_factory.mktemp("kubehome")
    try:
        yield Served(cluster, api, home)
    finally:
        cluster.stop()
        if not cluster.clock.loop.is_running():
            cluster.clock.loop.close()
    assert set(server_threads()) <= before, "the API server thread outlived stop()"
    with pytest.raises(ConnectionRefusedError):  # the listening socket is closed
        socket.create_connection(("127.0.0.1", api.port), timeout=5).close()
