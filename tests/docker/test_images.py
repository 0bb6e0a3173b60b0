"""The offline images: built from static busybox, named as the real ones, rebuilt only when
their recipe changes; the `kubenb images build` command; engine errors in minikube's words."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

from kubenb.node.docker_images import LABEL_RECIPE, TUTORIAL_IMAGES, build, recipe_for
from kubenb.node.docker_images.rootfs import NoBusybox, busybox_path, is_static_elf
from kubenb.node.images import ImageNotFound
from kubenb.node.runtime.docker_engine import EngineUnavailable, check_engine

pytestmark = pytest.mark.docker


def test_tutorial_images_are_built_under_their_real_names(engine: Any) -> None:
    first = build(engine)
    again = build(engine)
    assert [b.ref for b in first] == list(TUTORIAL_IMAGES)
    assert all(b.skipped for b in again)  # same recipe: nothing to do
    assert [b.image_id for b in first] == [b.image_id for b in again]
    for name in ("gcr.io/google-samples/kubernetes-bootcamp:v1", "jocatalin/kubernetes-bootcamp:v2",
                 "nginx:latest", "busybox:latest", "registry.k8s.io/pause:3.10"):
        image = engine.images.get(name)
        assert image.labels[LABEL_RECIPE]
    config = engine.api.inspect_image("gcr.io/google-samples/kubernetes-bootcamp:v1")["Config"]
    assert config["Cmd"] == ["/bin/sh", "-c", "node server.js"]
    assert "NODE_VERSION=6.3.1" in config["Env"] and "8080/tcp" in config["ExposedPorts"]


def test_a_changed_recipe_rebuilds(engine: Any) -> None:
    build(engine, ["docker.io/library/busybox:latest"])
    forced = build(engine, ["docker.io/library/busybox:latest"], force=True)
    assert not forced[0].skipped
    out = engine.containers.run("busybox", ["sh", "-c", "echo $((6 * 7)) from $(which wget)"],
                                remove=True)
    assert out == b"42 from /usr/bin/wget\n"


def test_bootcamp_image_carries_server_js_and_answers_like_the_app(engine: Any) -> None:
    build(engine, ["docker.io/jocatalin/kubernetes-bootcamp:v2"])
    out = engine.containers.run("jocatalin/kubernetes-bootcamp:v2", ["cat", "server.js"], remove=True)
    assert b'response.end(" | v=2\\n");' in out
    assert b"www.listen(8080" in out
    version = engine.containers.run("jocatalin/kubernetes-bootcamp:v2", ["node", "-v"], remove=True)
    assert version == b"v6.3.1\n"


def test_recipes_come_from_the_catalog() -> None:
    assert recipe_for("nginx").ref == "docker.io/library/nginx:latest"
    echo = recipe_for("hashicorp/http-echo:1.0")
    assert echo.entrypoint == ("/http-echo",) and echo.ports == (5678,)
    with pytest.raises(ImageNotFound):
        recipe_for("gcr.io/google-samples/kubernetes-bootcamp:v10")


def test_busybox_must_be_static() -> None:
    try:
        found = busybox_path()
    except NoBusybox as err:
        pytest.skip(str(err))
    assert is_static_elf(found)
    assert not is_static_elf(sys.executable)


def test_images_build_command(engine: Any) -> None:
    ok = subprocess.run([sys.executable, "-m", "kubenb", "images", "build", "busybox"],
                        capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith("docker.io/library/busybox:latest  ")
    assert ok.stdout.rstrip().endswith("s") and "1 images in " in ok.stdout
    unknown = subprocess.run([sys.executable, "-m", "kubenb", "images", "build", "nope/x:1"],
                             capture_output=True, text=True, timeout=120)
    assert unknown.returncode == 1
    assert unknown.stderr == "error: no recipe for docker.io/nope/x:1: the image catalog does not know it\n"


def test_an_unreachable_engine_is_reported_in_minikubes_words(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
    with pytest.raises(EngineUnavailable) as caught:
        check_engine()
    err = caught.value
    assert err.reason_id == "PROVIDER_DOCKER_NOT_RUNNING"
    assert err.minikube_lines()[0] == (
        'Exiting due to PROVIDER_DOCKER_NOT_RUNNING: "docker version --format <no value>-<no value>'
        ':<no value>" exit status 1: Cannot connect to the Docker daemon at '
        "unix:///nonexistent/docker.sock. Is the docker daemon running?")
    assert err.minikube_lines()[1].startswith("Suggestion: Start the Docker service")


def test_a_cluster_start_builds_missing_images(engine: Any) -> None:
    import docker.errors

    from kubenb.cluster import Cluster
    from tests.docker.conftest import FAST, profile_name

    try:
        engine.api.remove_image("nginx:latest", force=True)
    except docker.errors.ImageNotFound:
        pass
    name = profile_name("build")
    c = Cluster(name, nodes=1, runtime="docker", timings=FAST).start()
    try:
        c.wait_for(lambda: c.store.try_get("Node", None, name) is not None, timeout=60)
        assert engine.images.get("nginx:latest").labels[LABEL_RECIPE]
    finally:
        c.stop()
        c.clock.loop.close()
