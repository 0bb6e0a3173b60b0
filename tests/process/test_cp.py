"""`kubectl cp` both ways, tar over exec inside the pod: files come from and land in the
pod's emptyDir volume (its mount namespace), directories recursively, `-c` and
`NAMESPACE/POD:PATH`; messages compared with real kubectl 1.32 against the same cluster."""

from __future__ import annotations

import io
import os
import random
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kubenb.cli.kubectl.main import kubectl
from kubenb.client.http import HttpClient
from kubenb.client.inprocess import InProcessClient
from kubenb.cluster import Cluster
from kubenb.node.runtime import process_mounts
from kubenb.server import ApiServer
from tests import builders
from tests.process.conftest import served_cluster
from tests.process.util import REQUIRES_LOOPBACK
from tests.server.conftest import KUBECTL_132, write_kubeconfig

pytestmark = [REQUIRES_LOOPBACK, pytest.mark.skipif(
    not process_mounts.available(), reason="no user + mount namespaces here (unshare --mount --user)")]
LEADING = "tar: Removing leading `/' from member names\n"


class Served:
    def __init__(self, cluster: Cluster, api: ApiServer, home: Path) -> None:
        self.cluster, self.home = cluster, home
        self.kubeconfig = home / "config"
        write_kubeconfig(self.kubeconfig, api)
        self.env = {"PATH": "/usr/bin:/bin", "KUBECONFIG": str(self.kubeconfig), "HOME": str(home)}

    def real(self, *args: str) -> tuple[int, str, str]:
        run = subprocess.run([KUBECTL_132, *args], env=self.env, capture_output=True, timeout=90,
                             check=False)
        return run.returncode, run.stdout.decode(), run.stderr.decode()

    def ours(self, *args: str, client: Any = None) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        code = kubectl(list(args), client or InProcessClient.for_cluster(self.cluster), out, err)
        return code, out.getvalue(), err.getvalue()

    def in_pod(self, container: str, *argv: str) -> tuple[int, str]:
        return self.cluster.pod_exec("default", "box", container, list(argv))


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    home = tmp_path_factory.mktemp("cp")
    with served_cluster("cp", home) as (cluster, api):
        mount = [{"name": "data", "mountPath": "/data"}]
        cluster.store.create(builders.pod("box", containers=[
            builders.container("a", "busybox", command=["sleep", "3600"], volumeMounts=mount),
            builders.container("b", "busybox", command=["sleep", "3600"],
                               volumeMounts=[{"name": "data", "mountPath": "/b-data"}])],
            volumes=[{"name": "data", "emptyDir": {}}]))
        cluster.wait_for(lambda: all(
            "running" in (s.get("state") or {}) for s in
            ((cluster.store.get("Pod", "default", "box").get("status") or {})
             .get("containerStatuses") or [{}])), timeout=60)
        yield Served(cluster, api, home)


def volume_dir(served: Served) -> Path:
    """The emptyDir's directory on the host (where the pod's /data really is)."""
    uid = served.cluster.store.get("Pod", "default", "box")["metadata"]["uid"]
    found = [Path(root) for root, dirs, _ in os.walk(served.home / "state") if uid in root
             and root.endswith(os.path.join("kubernetes.io~empty-dir", "data"))]
    assert len(found) == 1, found
    return found[0]


def test_a_file_goes_into_the_pods_volume_and_comes_back(served: Served, tmp_path: Path) -> None:
    data = random.Random(14).randbytes(150_000)
    (tmp_path / "up.bin").write_bytes(data)
    assert served.ours("cp", "-c", "a", str(tmp_path / "up.bin"), "box:/data/up.bin") == (0, "", "")
    assert not os.path.exists("/data/up.bin")  # not the host's /data: the pod's volume
    assert (volume_dir(served) / "up.bin").read_bytes() == data
    assert served.in_pod("b", "md5sum", "/b-data/up.bin")[1].split()[0] == \
        served.in_pod("a", "md5sum", "/data/up.bin")[1].split()[0]
    code, out, err = served.ours("cp", "-c", "a", "box:/data/up.bin", str(tmp_path / "down.bin"))
    assert (code, out, err) == (0, LEADING, "")
    assert (tmp_path / "down.bin").read_bytes() == data
    # NAMESPACE/POD:PATH, no -c: the first container, with kubectl's notice
    code, out, err = served.ours("cp", "default/box:/data/up.bin", str(tmp_path / "again.bin"))
    assert (code, err) == (0, "")  # kubectl 1.32 writes tar's stderr to stdout
    assert out == 'Defaulted container "a" out of: a, b\n' + LEADING
    assert (tmp_path / "again.bin").read_bytes() == data
    assert served.real("cp", "default/box:/data/up.bin", str(tmp_path / "real.bin")) == (code, out, err)
    assert (tmp_path / "real.bin").read_bytes() == data


def test_the_http_client_copies_with_stdin_over_the_websocket(served: Served, tmp_path: Path) -> None:
    (tmp_path / "h.txt").write_text("over http\n")
    client = HttpClient.from_kubeconfig(str(served.kubeconfig))
    assert served.ours("cp", "-c", "b", str(tmp_path / "h.txt"), "box:/b-data/h.txt",
                       client=client) == (0, "", "")
    assert (volume_dir(served) / "h.txt").read_text() == "over http\n"
    assert served.ours("cp", "-c", "b", "box:/b-data/h.txt", str(tmp_path / "back.txt"),
                       client=client) == (0, LEADING, "")
    assert (tmp_path / "back.txt").read_text() == "over http\n"


def test_directories_are_copied_recursively(served: Served, tmp_path: Path) -> None:
    src = tmp_path / "tree"
    (src / "sub" / "deeper").mkdir(parents=True)
    (src / "empty").mkdir()
    (src / "top.txt").write_text("top\n")
    (src / "sub" / "deeper" / "leaf.txt").write_text("leaf\n")
    # a destination that does not exist becomes the directory
    assert served.ours("cp", "-c", "a", str(src), "box:/data/tree")[0] == 0
    assert served.in_pod("a", "cat", "/data/tree/sub/deeper/leaf.txt") == (0, "leaf\n")
    assert served.in_pod("a", "test", "-d", "/data/tree/empty")[0] == 0
    # an existing directory gets the source inside it (`test -d` first, as kubectl)
    assert served.ours("cp", "-c", "a", str(src), "box:/data/tree")[0] == 0
    assert served.in_pod("a", "cat", "/data/tree/tree/top.txt") == (0, "top\n")
    assert (volume_dir(served) / "tree" / "tree" / "top.txt").read_text() == "top\n"
    down = tmp_path / "down"
    code, out, err = served.ours("cp", "-c", "a", "box:/data/tree", str(down))
    assert (code, out, err) == (0, LEADING, "")
    assert (down / "sub" / "deeper" / "leaf.txt").read_text() == "leaf\n"
    assert (down / "tree" / "top.txt").read_text() == "top\n"
    assert (down / "empty").is_dir()
    real = tmp_path / "real"
    assert served.real("cp", "-c", "a", "box:/data/tree", str(real)) == (0, LEADING, "")
    # symlinks are skipped with kubectl's warnings (the first one with its hint)
    assert served.in_pod("a", "sh", "-c", "ln -s top.txt /data/tree/l1 && ln -s top.txt /data/tree/l2")[0] == 0
    ours = served.ours("cp", "-c", "a", "box:/data/tree", str(tmp_path / "links"))
    theirs = served.real("cp", "-c", "a", "box:/data/tree", str(tmp_path / "links"))
    assert ours == theirs
    assert ours[2].count("warning: skipping symlink: ") == 2 and "kubectl exec -n" in ours[2]
    assert sorted(str(p.relative_to(real)) for p in real.rglob("*")) == \
        sorted(str(p.relative_to(down)) for p in down.rglob("*"))


@pytest.mark.parametrize("args", [
    ["cp", "box:/data/x"],
    ["cp", "box:/a", "box:/b"],
    ["cp", "/tmp/a", "/tmp/b"],
    ["cp", ":/x", "/tmp/x"],
    ["cp", "a/b/c:/x", "/tmp/x"],
    ["cp", "box:", "/tmp/x"],
    ["cp", "/no/such/local/file", "box:/data/x"],
    ["cp", "-c", "a", "{tmp}", "box:/no-such-dir/sub/x"],
    ["cp", "nopod:/data/x", "{tmp}/x"],
    ["cp", "-c", "nope", "box:/data/x", "{tmp}/x"],
])
def test_errors_are_kubectls(served: Served, tmp_path: Path, args: list[str]) -> None:
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    real = served.real(*args)
    assert served.ours(*args) == real


def test_a_missing_path_in_the_pod_is_tars_words_and_exit_code_0(served: Served, tmp_path: Path) -> None:
    """kubectl 1.32 is done once the archive's end blocks arrive: tar's last words may or may
    not make it to its stdout before it exits 0 (a race in kubectl), so they are a prefix."""
    args = ["cp", "-c", "a", "box:/data/no-such-file", str(tmp_path / "x")]
    code, out, err = served.ours(*args)
    assert (code, err) == (0, "")
    assert out == (LEADING + "tar: /data/no-such-file: Cannot stat: No such file or directory\n"
                   "tar: Exiting with failure status due to previous errors\n")
    real = served.real(*args)
    assert real[0] == 0 and real[2] == "" and out.startswith(real[1])
    assert "Cannot stat: No such file or directory" in real[1]
    assert not (tmp_path / "x").exists()


def test_into_an_existing_directory_without_preserving_owners(served: Served, tmp_path: Path) -> None:
    (tmp_path / "np.txt").write_text("np\n")
    (tmp_path / "np.txt").chmod(0o600)
    ours = served.ours("cp", "--no-preserve", "-c", "a", str(tmp_path / "np.txt"), "box:/data")
    assert ours == (0, "", "")
    assert served.in_pod("a", "cat", "/data/np.txt") == (0, "np\n")
    assert served.in_pod("a", "rm", "/data/np.txt")[0] == 0
    assert served.real("cp", "--no-preserve", "-c", "a", str(tmp_path / "np.txt"), "box:/data") == ours
    assert (volume_dir(served) / "np.txt").read_text() == "np\n"
