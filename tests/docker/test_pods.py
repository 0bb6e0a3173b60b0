"""Pods as real Docker containers: labels, pod IPs, rollouts, pull failures, logs, exec,
shared localhost, crash loops, command/args mapping and resource limits."""

from __future__ import annotations

import ipaddress
import time
from typing import Any

import pytest

from kubenb.cluster import Cluster
from tests.conftest import Kube
from tests.docker.conftest import (
    answers,
    container_state,
    deployment,
    get,
    ours,
    pod,
    pods,
    wait_ready,
)

pytestmark = pytest.mark.docker

V1 = "gcr.io/google-samples/kubernetes-bootcamp:v1"
V2 = "docker.io/jocatalin/kubernetes-bootcamp:v2"


@pytest.fixture(scope="module")
def bootcamp(dcluster: Cluster) -> list[dict[str, Any]]:
    deployment(dcluster, "kubernetes-bootcamp", V1, replicas=3)
    ready = wait_ready(dcluster, "kubernetes-bootcamp", 3)
    dcluster.wait_for(lambda: all(answers(f"http://{p['status']['podIP']}:8080/") for p in ready),
                      timeout=30)
    return ready


def test_every_container_is_a_labelled_docker_container(dcluster: Cluster, engine: Any,
                                                        bootcamp: list[dict[str, Any]]) -> None:
    found = ours(engine, dcluster.name, all=False)
    by_pod: dict[str, list[dict[str, Any]]] = {}
    for c in found:
        by_pod.setdefault(c["Labels"]["kubenb.pod"], []).append(c)
    for p in bootcamp:
        name = p["metadata"]["name"]
        kinds = sorted(c["Labels"]["kubenb.container"] for c in by_pod[name])
        assert kinds == ["POD", "kubernetes-bootcamp"]
        for c in by_pod[name]:
            labels = c["Labels"]
            assert labels["kubenb.node"] == p["spec"]["nodeName"]
            assert labels["kubenb.namespace"] == "default"
            assert labels["kubenb.pod-uid"] == p["metadata"]["uid"]
        app = next(c for c in by_pod[name] if c["Labels"]["kubenb.container"] != "POD")
        sandbox = next(c for c in by_pod[name] if c["Labels"]["kubenb.container"] == "POD")
        assert app["Names"][0].startswith(f"/k8s_kubernetes-bootcamp_{name}_default_")
        info = engine.api.inspect_container(app["Id"])
        assert info["HostConfig"]["NetworkMode"] == f"container:{sandbox['Id']}"
        assert info["HostConfig"]["RestartPolicy"]["Name"] == "no"
        status = p["status"]["containerStatuses"][0]
        assert status["containerID"] == f"docker://{app['Id']}"
        assert status["imageID"].startswith("docker-pullable://gcr.io/google-samples/kubernetes-bootcamp@sha256:")
    nodes = {c["Labels"]["kubenb.node"] for c in found}
    assert nodes <= {dcluster.name, f"{dcluster.name}-m02"}
    node = dcluster.store.get("Node", None, dcluster.name)
    assert node["status"]["nodeInfo"]["containerRuntimeVersion"] == f"docker://{engine.version()['Version']}"


def test_pods_answer_on_their_ips_with_their_names(dcluster: Cluster, engine: Any,
                                                  bootcamp: list[dict[str, Any]]) -> None:
    net = engine.api.inspect_network(f"kubenb-{dcluster.name}")
    subnet = ipaddress.ip_network(net["IPAM"]["Config"][0]["Subnet"])
    for p in bootcamp:
        ip = p["status"]["podIP"]
        assert ipaddress.ip_address(ip) in subnet
        name = p["metadata"]["name"]
        sandbox = engine.api.containers(filters={"label": [f"kubenb.pod={name}", "kubenb.container=POD"]})[0]
        assert sandbox["NetworkSettings"]["Networks"][f"kubenb-{dcluster.name}"]["IPAddress"] == ip
        assert get(f"http://{ip}:8080/") == f"Hello Kubernetes bootcamp! | Running on: {name} | v=1\n"
    wide = Kube(dcluster)("get pods -o wide").out
    for p in bootcamp:
        assert p["status"]["podIP"] in wide and p["spec"]["nodeName"] in wide


def test_logs_show_the_start_line_and_each_request(dcluster: Cluster,
                                                   bootcamp: list[dict[str, Any]]) -> None:
    p = bootcamp[0]
    name, ip = p["metadata"]["name"], p["status"]["podIP"]
    get(f"http://{ip}:8080/")
    kube = Kube(dcluster)
    out = kube(f"logs {name}").out
    assert out.startswith("Kubernetes Bootcamp App Started At: ")
    assert f"| Running On:  {name} \n\n" in out
    assert f"Running On: {name} | Total Requests: " in out
    last = kube(f"logs {name} --tail=1").out
    assert last.startswith(f"Running On: {name} | Total Requests: ") and last.count("\n") == 1
    stamped = kube(f"logs {name} --timestamps --tail=1").out
    assert stamped[:4].isdigit() and stamped.split(" ", 1)[0].endswith("Z")


def test_exec_runs_inside_the_pod(dcluster: Cluster, bootcamp: list[dict[str, Any]]) -> None:
    name = bootcamp[0]["metadata"]["name"]
    kube = Kube(dcluster)
    env = kube(f"exec {name} -- env").out
    assert f"HOSTNAME={name}\n" in env and "KUBERNETES_SERVICE_HOST=" in env
    assert kube(f"exec {name} -- wget -qO- localhost:8080").out == \
        f"Hello Kubernetes bootcamp! | Running on: {name} | v=1\n"
    assert "response.write(\"Hello Kubernetes bootcamp! | Running on: \");" in \
        kube(f"exec {name} -- cat server.js").out
    failed = kube(f"exec {name} -- no-such-tool")
    assert failed.rc != 0
    assert 'exec: "no-such-tool": executable file not found in $PATH' in failed.err


def test_rollout_to_v2_answers_v2_and_v10_backs_off(dcluster: Cluster,
                                                   bootcamp: list[dict[str, Any]]) -> None:
    kube = Kube(dcluster)
    assert kube(f"set image deployments/kubernetes-bootcamp kubernetes-bootcamp={V2}").rc == 0
    new = wait_ready(dcluster, "kubernetes-bootcamp", 3,
                     lambda p: p["spec"]["containers"][0]["image"] == V2)
    dcluster.wait_for(lambda: all(answers(f"http://{p['status']['podIP']}:8080/", " | v=2\n")
                                  for p in new), timeout=30)
    v10 = "gcr.io/google-samples/kubernetes-bootcamp:v10"
    assert kube(f"set image deployments/kubernetes-bootcamp kubernetes-bootcamp={v10}").rc == 0

    def backing_off() -> bool:
        return any(container_state(dcluster, p["metadata"]["name"]).get("state", {})
                   .get("waiting", {}).get("reason") == "ImagePullBackOff"
                   for p in pods(dcluster, selector={"app": "kubernetes-bootcamp"})
                   if p["spec"]["containers"][0]["image"] == v10)

    dcluster.wait_for(backing_off, timeout=30)
    events = kube("get events").out
    assert (f'Failed to pull image "{v10}": rpc error: code = Unknown desc = Error response from '
            f"daemon: manifest for gcr.io/google-samples/kubernetes-bootcamp:v10 not found: "
            "manifest unknown: manifest unknown") in events
    assert kube("rollout undo deployments/kubernetes-bootcamp").rc == 0
    wait_ready(dcluster, "kubernetes-bootcamp", 3, lambda p: p["spec"]["containers"][0]["image"] == V2)


def test_unknown_repository_fails_in_dockers_words(dcluster: Cluster) -> None:
    pod(dcluster, "nowhere", [{"name": "c", "image": "kubenb-test/does-not-exist:1"}])

    def failed() -> bool:
        return container_state(dcluster, "nowhere").get("state", {}).get("waiting", {}) \
            .get("reason") in ("ErrImagePull", "ImagePullBackOff")

    dcluster.wait_for(failed, timeout=30)
    events = Kube(dcluster)("get events --field-selector involvedObject.name=nowhere").out
    assert ("pull access denied for kubenb-test/does-not-exist, repository does not exist or may "
            "require 'docker login'") in events


def test_containers_of_a_pod_share_localhost(dcluster: Cluster) -> None:
    pod(dcluster, "pair", [
        {"name": "web", "image": "nginx", "ports": [{"containerPort": 80}]},
        {"name": "client", "image": "busybox", "command": ["sh", "-c", "sleep 3600"]},
    ])
    kube = Kube(dcluster)

    def answered() -> bool:
        return "<title>Welcome to nginx!</title>" in kube("exec pair -c client -- wget -qO- localhost:80").out

    dcluster.wait_for(answered, timeout=60)
    line = '127.0.0.1 - - ['
    dcluster.wait_for(lambda: line in kube("logs pair -c web").out, timeout=10)  # after the answer
    access = kube("logs pair -c web").out
    assert '"GET / HTTP/1.1" 200 615 "-" "Wget" "-"\n' in access
    assert "/docker-entrypoint.sh: Configuration complete; ready for start up" in access


def test_a_crashing_container_loops_with_back_off(dcluster: Cluster) -> None:
    pod(dcluster, "crasher", [{"name": "c", "image": "busybox",
                               "command": ["sh", "-c", "echo attempt at $(date +%s); exit 1"]}])

    def looping() -> bool:
        st = container_state(dcluster, "crasher")
        return (st.get("restartCount", 0) >= 1
                and st.get("state", {}).get("waiting", {}).get("reason") == "CrashLoopBackOff")

    dcluster.wait_for(looping, timeout=60)
    st = container_state(dcluster, "crasher")
    assert st["lastState"]["terminated"]["exitCode"] == 1
    assert st["lastState"]["terminated"]["reason"] == "Error"
    kube = Kube(dcluster)
    assert "CrashLoopBackOff" in kube("get pod crasher").out
    assert kube("logs crasher --previous").out.startswith("attempt at ")


def test_command_args_env_and_working_dir_map_onto_docker(dcluster: Cluster, engine: Any) -> None:
    pod(dcluster, "shell", [{"name": "c", "image": "busybox", "workingDir": "/tmp",
                             "command": ["sh", "-c"], "args": ['echo "$(GREETING) from $(pwd)"'],
                             "env": [{"name": "GREETING", "value": "hello"}]}],
        restartPolicy="Never")
    pod(dcluster, "version", [{"name": "c", "image": "nginx", "args": ["nginx", "-v"]}],
        restartPolicy="Never")

    def done(name: str) -> bool:
        return container_state(dcluster, name).get("state", {}).get("terminated", {}).get("reason") == "Completed"

    dcluster.wait_for(lambda: done("shell") and done("version"), timeout=60)
    kube = Kube(dcluster)
    assert kube("logs shell").out == "hello from /tmp\n"
    version = kube("logs version").out  # nginx's entrypoint announces itself for `nginx …`
    assert "/docker-entrypoint.sh: Configuration complete; ready for start up\n" in version
    assert "\nnginx version: nginx/1.27.3\n" in "\n" + version  # stderr, beside stdout
    (app,) = [c for c in ours(engine, dcluster.name)
              if c["Labels"].get("kubenb.pod") == "version" and c["Labels"]["kubenb.container"] == "c"]
    config = engine.api.inspect_container(app["Id"])["Config"]
    assert config["Entrypoint"] == ["/docker-entrypoint.sh"] and config["Cmd"] == ["nginx", "-v"]


def test_limits_become_docker_limits(dcluster: Cluster, engine: Any) -> None:
    pod(dcluster, "limited", [{"name": "c", "image": "busybox", "command": ["sleep", "3600"],
                               "resources": {"limits": {"cpu": "500m", "memory": "64Mi"},
                                             "requests": {"cpu": "250m"}}}])
    dcluster.wait_for(lambda: "running" in container_state(dcluster, "limited").get("state", {}),
                      timeout=60)
    (app,) = [c for c in ours(engine, dcluster.name, all=False)
              if c["Labels"].get("kubenb.pod") == "limited" and c["Labels"]["kubenb.container"] == "c"]
    host = engine.api.inspect_container(app["Id"])["HostConfig"]
    assert host["NanoCpus"] == 500_000_000
    assert host["Memory"] == 64 * 1024 * 1024
    assert host["CpuShares"] == 256


def test_pull_policies_ask_the_engine(dcluster: Cluster) -> None:
    pod(dcluster, "never", [{"name": "c", "image": "busybox:1.0-kubenb-absent",
                             "imagePullPolicy": "Never"}])
    pod(dcluster, "present", [{"name": "c", "image": "busybox:latest", "command": ["sleep", "3600"],
                               "imagePullPolicy": "IfNotPresent"}])

    def settled() -> bool:
        never = container_state(dcluster, "never").get("state", {}).get("waiting", {})
        return never.get("reason") == "ErrImageNeverPull" and \
            "running" in container_state(dcluster, "present").get("state", {})

    dcluster.wait_for(settled, timeout=60)
    kube = Kube(dcluster)
    assert 'Container image "busybox:latest" already present on machine' in \
        kube("get events --field-selector involvedObject.name=present").out
    assert 'Container image "busybox:1.0-kubenb-absent" is not present with pull policy of Never' in \
        kube("get events --field-selector involvedObject.name=never").out


def test_deletion_waits_the_grace_period_for_a_container_ignoring_sigterm(dcluster: Cluster) -> None:
    """The bootcamp app (like node as PID 1) ignores SIGTERM: killed when the grace ends,
    while other pods keep being served — the wait holds no engine thread."""
    node = dcluster.name
    for i in range(10):  # more than the node runtime's 8 engine threads
        pod(dcluster, f"stubborn-{i}", [{"name": "c", "image": V1}], terminationGracePeriodSeconds=3,
            nodeName=node)
    names = [f"stubborn-{i}" for i in range(10)]
    dcluster.wait_for(lambda: all("running" in container_state(dcluster, n).get("state", {})
                                  for n in names), timeout=60)
    kube = Kube(dcluster)
    started = time.monotonic()
    for n in names:
        kube(f"delete pod {n} --wait=false")
    pod(dcluster, "meanwhile", [{"name": "c", "image": "busybox", "command": ["sleep", "3600"]}],
        nodeName=node)
    dcluster.wait_for(lambda: "running" in container_state(dcluster, "meanwhile").get("state", {}),
                      timeout=30)
    assert time.monotonic() - started < 3  # not queued behind the grace periods
    dcluster.wait_for(lambda: all(dcluster.store.try_get("Pod", "default", n) is None for n in names),
                      timeout=30)
    assert time.monotonic() - started >= 3  # SIGTERM alone did not stop them


def test_host_ports_are_published_on_the_node_address(dcluster: Cluster) -> None:
    pod(dcluster, "hosted", [{"name": "c", "image": V1, "ports": [
        {"containerPort": 8080, "hostPort": 18080}]}], nodeName=f"{dcluster.name}-m02")
    node_ip = dcluster.addresses.node_ip(2)
    dcluster.wait_for(lambda: answers(f"http://{node_ip}:18080/", "Running on: hosted | v=1"),
                      timeout=60)
