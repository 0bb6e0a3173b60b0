"""Start and stop: open watches end, threads and sockets go, a restart serves again."""

from __future__ import annotations

import json
import socket

import psutil
import pytest

from kubenb.cluster import Cluster
from kubenb.server import ApiServer

from .conftest import Served, server_threads


def _listening(port: int) -> bool:
    return any(c.laddr and c.laddr.port == port and c.status == psutil.CONN_LISTEN
               for c in psutil.Process().net_connections("tcp"))


def test_stop_ends_open_streams_and_leaves_nothing_behind(tmp_path_factory: pytest.TempPathFactory
                                                          ) -> None:
    before = set(server_threads())
    cluster = Cluster(seed=3)
    api = ApiServer()
    cluster.serve_api(api)
    cluster.start()
    try:
        served = Served(cluster, api, tmp_path_factory.mktemp("life"))
        assert _listening(api.port) and len(server_threads()) == len(before) + 1
        ca = api.ca_data
        conn = served.connection()
        conn.request("GET", "/api/v1/namespaces/default/configmaps?watch=true",
                     headers={"Authorization": f"Bearer {api.token}"})
        resp = conn.getresponse()
        assert resp.status == 200
        api.stop()
        rest = resp.read()  # the stream ends cleanly (no IncompleteRead): its last chunk came
        assert all(json.loads(line)["type"] == "ADDED" for line in rest.splitlines())
        conn.close()
        assert set(server_threads()) <= before
        assert not _listening(api.port)
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", api.port), timeout=5).close()
        port = api.port
        api.start(cluster)  # as a restarted profile does: same token, same port if free
        assert api.port == port and api.ca_data == ca
        assert served.request("GET", "/api/v1/nodes").json()["items"][0]["metadata"]["name"] \
            == "minikube"
    finally:
        cluster.stop()
        if not cluster.clock.loop.is_running():
            cluster.clock.loop.close()
    assert set(server_threads()) <= before and not _listening(api.port)


BAD_CLIENTS = """
import socket, ssl
from kubenb.cluster import Cluster
from kubenb.server import ApiServer
cluster = Cluster(seed=1)
api = ApiServer()
cluster.serve_api(api)
cluster.start()
try:
    with socket.create_connection(("127.0.0.1", api.port)) as s:
        ssl.create_default_context().wrap_socket(s, server_hostname="127.0.0.1")
except ssl.SSLError:
    pass  # a client that does not trust our CA
with socket.create_connection(("127.0.0.1", api.port)) as s:
    s.sendall(b"GET /api HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n")  # plain http to https
    try:
        s.recv(100)
    except ConnectionResetError:
        pass
cluster.stop()
"""


def test_bad_clients_print_nothing() -> None:
    """Background threads never print into a cell: run where no logging is configured."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", BAD_CLIENTS], capture_output=True, text=True,
                          timeout=120, check=False)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
