"""`kubectl logs` and `kubectl exec` against a virtual cluster (busybox programs in the sim runtime)."""

from __future__ import annotations

from typing import Any

import pytest

from tests import builders
from tests.cli.test_rollout import make, pkube  # noqa: F401 - pkube is a fixture


def two_container_pod(kube: Any, vcluster: Any, annotations: dict[str, str] | None = None) -> None:
    kube.client.create(builders.pod("two", meta={"annotations": annotations or {}}, containers=[
        builders.container("a", "busybox", command=["sh", "-c", "echo from-a; sleep 2; echo later; exit 3"]),
        builders.container("b", "busybox", command=["sh", "-c", "echo from-b; sleep 3600"])]))
    vcluster.wait_for(lambda: vcluster.store.get("Pod", "default", "two")["status"].get("phase") == "Running",
                      timeout=30)


# ---- logs ----------------------------------------------------------------------------------


def test_logs_defaults_to_the_first_container_with_kubectl_132s_notice(kube: Any, vcluster: Any) -> None:
    two_container_pod(kube, vcluster)
    r = kube("logs two")
    assert (r.out, r.err, r.rc) == ("from-a\n", 'Defaulted container "a" out of: a, b\n', 0)
    assert (kube("logs two -c b").out, kube("logs two -c b").err) == ("from-b\n", "")
    assert kube("logs two b").out == "from-b\n"  # the old positional container form


def test_logs_default_container_annotation(kube: Any, vcluster: Any) -> None:
    two_container_pod(kube, vcluster, {"kubectl.kubernetes.io/default-container": "b"})
    assert (kube("logs two").out, kube("logs two").err) == ("from-b\n", "")


def test_logs_default_container_annotation_naming_no_container(kube: Any, vcluster: Any) -> None:
    two_container_pod(kube, vcluster, {"kubectl.kubernetes.io/default-container": "nope"})
    r = kube("logs two")  # kubectl 1.32's two notices (exec prints only the second)
    assert (r.out, r.err) == ("from-a\n", 'Default container name "nope" not found in pod two\n'
                                         'Defaulted container "a" out of: a, b\n')
    assert kube("exec two -- echo hi").err == 'Defaulted container "a" out of: a, b\n'


def test_logs_tail_timestamps_and_follow(pkube: Any, vcluster: Any) -> None:  # noqa: F811
    two_container_pod(pkube, vcluster)
    start = vcluster.clock.now()
    r = pkube("logs two -c a -f")  # streams until the container exits (2 s later)
    assert (r.out, r.rc) == ("from-a\nlater\n", 0)
    assert vcluster.clock.now() > start
    assert pkube("logs two -c a --tail=1").out == "later\n"
    stamps = pkube("logs two -c a --timestamps").out.splitlines()
    assert [s.split(" ", 1)[1] for s in stamps] == ["from-a", "later"]
    assert all(s.split(" ", 1)[0].endswith("Z") and "T" in s for s in stamps)


def test_logs_follow_stops_at_the_request_timeout(pkube: Any, vcluster: Any) -> None:  # noqa: F811
    two_container_pod(pkube, vcluster)
    before = vcluster.clock.monotonic()
    r = pkube("logs two -c b -f --request-timeout=3s")
    assert (r.out, r.rc) == ("from-b\n", 0)
    assert 3 <= vcluster.clock.monotonic() - before < 4


def test_logs_of_a_deployment_picks_a_pod(kube: Any, vcluster: Any) -> None:
    make(kube, vcluster, replicas=2)
    r = kube("logs deployment/web")
    pods = vcluster.store.list("Pod", "default")
    assert r.err.startswith("Found 2 pods, using pod/") and r.rc == 0
    chosen = r.err.strip().rsplit("/", 1)[1]
    assert chosen in {p["metadata"]["name"] for p in pods}
    assert r.out == kube.client.logs("default", chosen)


def test_logs_by_selector_concatenates_pods(kube: Any, vcluster: Any) -> None:
    make(kube, vcluster, replicas=2)
    pods = sorted(p["metadata"]["name"] for p in vcluster.store.list("Pod", "default"))
    r = kube("logs -l app=web --tail=1")
    assert r.out == "".join(kube.client.logs("default", p, tail=1) for p in pods) and r.rc == 0


@pytest.mark.parametrize("line, err", [
    ("logs", "error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required "
             "argument for the logs command\nSee 'kubectl logs -h' for help and examples\n"),
    ("logs nope", 'Error from server (NotFound): pods "nope" not found\n'),
    ("logs two -c zz", "error: container zz is not valid for pod two\n"),
    ("logs two -c a -p", 'Error from server (BadRequest): previous terminated container "a" in pod "two" not found\n'),
    ("logs two -c b --tail=x",
     'Error: invalid argument "x" for "--tail" flag: strconv.ParseInt: parsing "x": invalid syntax\n'
     "See 'kubectl logs --help' for usage.\n"),
])
def test_logs_errors(kube: Any, vcluster: Any, line: str, err: str) -> None:
    two_container_pod(kube, vcluster)
    r = kube(line)
    assert (r.out, r.err, r.rc) == ("", err, 1)


def test_logs_of_a_container_still_creating(kube: Any, vcluster: Any) -> None:
    make(kube, vcluster, wait=False)
    vcluster.wait_for(lambda: any(p["spec"].get("nodeName") for p in vcluster.store.list("Pod", "default")), 30)
    pod = vcluster.store.list("Pod", "default")[0]["metadata"]["name"]
    r = kube(f"logs {pod}")
    assert r.err == (f'Error from server (BadRequest): container "web" in pod "{pod}" is waiting to start: '
                     "ContainerCreating\n") and r.rc == 1


# ---- exec ----------------------------------------------------------------------------------


def test_exec_prints_output_and_passes_the_exit_code(kube: Any, vcluster: Any) -> None:
    two_container_pod(kube, vcluster)
    r = kube("exec two -c b -- cat /etc/hostname")
    assert (r.out, r.err, r.rc) == ("two\n", "", 0)
    r = kube("exec two -c b -- sh -c 'echo hi; exit 4'")
    assert (r.out, r.err, r.rc) == ("hi\n", "command terminated with exit code 4\n", 4)


def test_exec_defaults_the_container_and_has_no_tty(kube: Any, vcluster: Any) -> None:
    make(kube, vcluster)
    r = kube("exec deploy/web -it -- echo hi")
    assert (r.out, r.err, r.rc) == (
        "hi\n", "Unable to use a TTY - input is not a terminal or the right kind of file\n", 0)
    two_container_pod(kube, vcluster)
    r = kube("exec two -- echo x")
    assert r.err.startswith('Defaulted container "a" out of: a, b\n')


@pytest.mark.parametrize("line, err", [
    ("exec two ls", "error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead\n"
                    "See 'kubectl exec -h' for help and examples\n"),
    ("exec two", "error: you must specify at least one command for the container\n"),
    ("exec -- ls", "error: pod, type/name or --filename must be specified\n"),
    ("exec nope -- ls", 'Error from server (NotFound): pods "nope" not found\n'),
    ("exec two -c zz -- ls", "Error from server (BadRequest): container zz is not valid for pod two\n"),
    ("exec two -c b -- nosuch", None),
])
def test_exec_errors(kube: Any, vcluster: Any, line: str, err: str | None) -> None:
    two_container_pod(kube, vcluster)
    r = kube(line)
    if err is None:
        assert r.err.startswith("error: Internal error occurred: error executing command in container: ")
        assert r.err.endswith('exec: "nosuch": executable file not found in $PATH: unknown\n')
    else:
        assert r.err == err
    assert (r.out, r.rc) == ("", 1)


def test_exec_into_a_completed_pod(kube: Any, vcluster: Any) -> None:
    kube.client.create(builders.pod("done", "busybox", container="a", command=["sh", "-c", "exit 0"],
                                    restart="Never"))
    vcluster.wait_for(lambda: vcluster.store.get("Pod", "default", "done")["status"].get("phase") == "Succeeded", 30)
    r = kube("exec done -- ls")
    assert r.err == "error: cannot exec into a container in a completed pod; current phase is Succeeded\n"
