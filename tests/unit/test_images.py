"""Image reference normalisation and the offline catalog."""

from __future__ import annotations

import pytest

from kubenb.node.images import (
    CATALOG,
    Behaviour,
    Catalog,
    ImageNotFound,
    InvalidReference,
    normalize,
)


@pytest.mark.parametrize(("given", "full", "familiar"), [
    ("nginx", "docker.io/library/nginx:latest", "nginx:latest"),
    ("nginx:1.27", "docker.io/library/nginx:1.27", "nginx:1.27"),
    ("library/nginx", "docker.io/library/nginx:latest", "nginx:latest"),
    ("index.docker.io/library/busybox:1.36", "docker.io/library/busybox:1.36", "busybox:1.36"),
    ("jocatalin/kubernetes-bootcamp:v2", "docker.io/jocatalin/kubernetes-bootcamp:v2",
     "jocatalin/kubernetes-bootcamp:v2"),
    ("gcr.io/google-samples/kubernetes-bootcamp:v1", "gcr.io/google-samples/kubernetes-bootcamp:v1",
     "gcr.io/google-samples/kubernetes-bootcamp:v1"),
    ("localhost:5000/app", "localhost:5000/app:latest", "localhost:5000/app:latest"),
    ("nginx@sha256:" + "a" * 64, "docker.io/library/nginx@sha256:" + "a" * 64,
     "nginx@sha256:" + "a" * 64),
])
def test_normalize(given, full, familiar):
    ref = normalize(given)
    assert str(ref) == full and ref.familiar == familiar


@pytest.mark.parametrize("bad", ["", "Nginx", "nginx:", "a b", "nginx@sha256:xyz", "nginx:-x"])
def test_normalize_rejects(bad):
    with pytest.raises(InvalidReference):
        normalize(bad)


@pytest.mark.parametrize(("image", "ok"), [
    ("gcr.io/google-samples/kubernetes-bootcamp:v1", True),
    ("docker.io/jocatalin/kubernetes-bootcamp:v2", True),
    ("jocatalin/kubernetes-bootcamp:v2", True),
    ("jocatalin/kubernetes-bootcamp:v10", False),
    ("gcr.io/google-samples/kubernetes-bootcamp:v10", False),
    ("nginx", True), ("nginx:1.27.3-alpine", True), ("nginx:stable", True), ("nginx:nope", False),
    ("busybox:1.36", True), ("alpine", True), ("python:3.12-slim", True),
    ("hashicorp/http-echo", True), ("registry.k8s.io/echoserver:1.4", True),
    ("registry.k8s.io/echoserver:9.9", False), ("registry.k8s.io/pause:3.10", True),
    ("nosuchthing", False),
])
def test_catalog_resolve(image, ok):
    if ok:
        assert CATALOG.resolve(image).behaviour is not None
    else:
        with pytest.raises(ImageNotFound):
            CATALOG.resolve(image)


def test_unknown_repository_versus_unknown_tag():
    with pytest.raises(ImageNotFound) as repo:
        CATALOG.resolve("nosuchthing:1")
    with pytest.raises(ImageNotFound) as tag:
        CATALOG.resolve("nginx:nope")
    assert repo.value.repo_missing and not tag.value.repo_missing
    assert tag.value.ref == "docker.io/library/nginx:nope"


def test_bootcamp_digest_and_pull_by_digest():
    img = CATALOG.resolve("gcr.io/google-samples/kubernetes-bootcamp:v1")
    assert img.repo_digest == ("gcr.io/google-samples/kubernetes-bootcamp@sha256:"
                               "0d6b8ee63bb57c5f5b6156f446b3bc3b3c143d233037f3a2f00e279c8fcc64af")
    by_digest = CATALOG.resolve(img.repo_digest)
    assert by_digest.digest == img.digest and by_digest.behaviour.ports == (8080,)
    with pytest.raises(ImageNotFound):
        CATALOG.resolve("gcr.io/google-samples/kubernetes-bootcamp@sha256:" + "0" * 64)


def test_register_a_notebook_image():
    cat = Catalog()
    with pytest.raises(ImageNotFound):
        cat.resolve("me/app:v1")
    got = cat.register("me/app:v1", Behaviour(ports=(9000,)))
    assert got.ref == "docker.io/me/app:v1" and cat.resolve("me/app:v1").behaviour.ports == (9000,)
    with pytest.raises(ImageNotFound):
        cat.resolve("me/app:v2")
