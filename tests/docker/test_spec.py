"""Kubernetes → Docker translations that need no engine: command/args, resources, states,
times, and the daemon's words for images the registry does not have."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from kubenb.node.runtime.base import ContainerConfig, ImageInfo
from kubenb.node.runtime.docker_pull import Images, not_found_message
from kubenb.node.runtime.docker_spec import entry_and_cmd, parse_time, resources, state_of

pytestmark = pytest.mark.docker

IMAGE = ImageInfo("docker.io/library/busybox:latest", "x", "sha256:1", 1)


def _config(command: tuple[str, ...] = (), args: tuple[str, ...] = ()) -> ContainerConfig:
    return ContainerConfig(name="c", image=IMAGE, command=command, args=args)


def test_command_replaces_the_entrypoint_and_args_the_cmd() -> None:
    assert entry_and_cmd(_config()) == (None, None)  # the image's own
    assert entry_and_cmd(_config(args=("-v",))) == (None, ["-v"])
    assert entry_and_cmd(_config(command=("sh",))) == (["sh"], [])  # image Cmd dropped
    assert entry_and_cmd(_config(("sh", "-c"), ("echo hi",))) == (["sh", "-c"], ["echo hi"])


def test_resources_map_as_the_kubelet_maps_them() -> None:
    assert resources({}) == {}
    got = resources({"resources": {"limits": {"cpu": "1500m", "memory": "1Gi"}}})
    assert got == {"nano_cpus": 1_500_000_000, "mem_limit": 1024 ** 3, "cpu_shares": 1536}
    assert resources({"resources": {"requests": {"cpu": "1m"}}}) == {"cpu_shares": 2}


def test_states_read_from_inspect() -> None:
    base = {"Created": "2024-01-06T10:00:00.123456789Z"}
    running = state_of({**base, "State": {"Status": "running", "StartedAt": "2024-01-06T10:00:01Z",
                                          "FinishedAt": "0001-01-01T00:00:00Z"}})
    assert running["state"] == "running" and running["finished_at"] is None
    done = state_of({**base, "State": {"Status": "exited", "ExitCode": 0,
                                       "StartedAt": "2024-01-06T10:00:01Z",
                                       "FinishedAt": "2024-01-06T10:00:02Z"}})
    assert (done["state"], done["reason"], done["exit_code"]) == ("exited", "Completed", 0)
    oom = state_of({**base, "State": {"Status": "exited", "ExitCode": 137, "OOMKilled": True}})
    assert oom["reason"] == "OOMKilled"
    failed = state_of({**base, "State": {"Status": "created", "ExitCode": 127,
                                         "Error": 'exec: "nope": executable file not found'}})
    assert (failed["state"], failed["reason"], failed["exit_code"]) == ("exited", "ContainerCannotRun", 127)
    assert failed["message"].startswith('exec: "nope"')


def test_docker_times_keep_microseconds() -> None:
    assert parse_time("2024-01-06T10:00:00.123456789Z") == \
        datetime(2024, 1, 6, 10, 0, 0, 123456, tzinfo=timezone.utc)
    assert parse_time("0001-01-01T00:00:00Z") is None


def test_missing_images_in_the_daemons_words() -> None:
    assert not_found_message("docker.io/jocatalin/kubernetes-bootcamp:v10", False) == (
        "rpc error: code = Unknown desc = Error response from daemon: manifest for "
        "jocatalin/kubernetes-bootcamp:v10 not found: manifest unknown: manifest unknown")
    assert not_found_message("docker.io/nope/x:1", True).endswith(
        "pull access denied for nope/x, repository does not exist or may require 'docker login': "
        "denied: requested access to the resource is denied")


def test_offline_means_no_registry_probe(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KUBENB_OFFLINE", "1")
    images = Images.__new__(Images)
    images._probes = {}
    assert images._reachable("nginx") is False and images._probes == {}


def test_volumes_become_bind_mounts_and_empty_dirs_live_with_the_pod(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from kubenb.node.runtime.base import Mount
    from kubenb.node.runtime.docker_spec import container_params
    from kubenb.node.runtime.volumes import binds

    pod = {"metadata": {"name": "p", "namespace": "default", "uid": "u1"}, "spec": {}}
    vol = tmp_path / "vol"
    made = binds([Mount("data", "/data", str(vol)), Mount("cache", "/cache", read_only=True),
                  Mount("cache", "/logs", sub_path="logs")], str(tmp_path / "pod"))
    params = container_params(pod, {}, _config(), "busybox", "sb", {}, made)
    empty = tmp_path / "pod" / "volumes" / "kubernetes.io~empty-dir" / "cache"
    assert params["host_config"]["binds"] == [
        f"{vol}:/data:rw", f"{empty}:/cache:ro", f"{empty}/logs:/logs:rw"]
    assert empty.is_dir() and (empty / "logs").is_dir()
