"""`kubectl exec` in the pod's view, Python programs in pods, and notebooks' own images."""

from __future__ import annotations

import io

import pytest

from kubenb import images
from kubenb.api.errors import InternalError
from kubenb.cli.kubectl.main import kubectl
from kubenb.client.inprocess import InProcessClient
from tests.process.conftest import listening
from tests.process.util import (
    REQUIRES_LOOPBACK,
    SUBNET,
    container_status,
    get,
    pod,
    run_pod,
    status,
)

pytestmark = REQUIRES_LOOPBACK
V1 = "gcr.io/google-samples/kubernetes-bootcamp:v1"


def test_exec_sees_the_pod_env_localhost_files_and_hostname(cluster):
    ip = run_pod(cluster, pod("boot", V1, env=[{"name": "GREETING", "value": "hi"}]))
    assert cluster.pod_exec("default", "boot", None, ["curl", "http://localhost:8080"]) == \
        (0, "Hello Kubernetes bootcamp! | Running on: boot | v=1\n")
    assert cluster.pod_exec("default", "boot", None, ["curl", "-s", f"http://{ip}:8080/x"])[1] \
        .startswith("Hello Kubernetes bootcamp!")
    code, env = cluster.pod_exec("default", "boot", None, ["env"])
    lines = env.splitlines()
    assert code == 0
    assert "HOSTNAME=boot" in lines and "GREETING=hi" in lines and "NODE_VERSION=6.3.1" in lines
    assert f"KUBERNETES_SERVICE_HOST=127.{SUBNET + 1}.0.1" in lines
    # what the image and the pod define, without the runtime's own variables
    assert lines[0] == "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    assert not any(line.startswith(("KUBENB_", "PYTHONPATH=")) for line in lines)
    assert cluster.pod_exec("default", "boot", None, ["printenv", "HOSTNAME", "HOME"]) == (0, "boot\n/root\n")
    assert cluster.pod_exec("default", "boot", None, ["env", "X=1", "sh", "-c", "echo $X $HOSTNAME"]) == \
        (0, "1 boot\n")
    assert cluster.pod_exec("default", "boot", None, ["sh", "-c", "echo $KUBENB_POD_IP"]) == (0, f"{ip}\n")
    code, source = cluster.pod_exec("default", "boot", None, ["cat", "server.js"])
    assert code == 0 and "www.listen(8080" in source and 'response.end(" | v=1\\n");' in source
    assert cluster.pod_exec("default", "boot", None, ["hostname"]) == (0, "boot\n")
    assert cluster.pod_exec("default", "boot", None, ["wget", "-qO-", "localhost:8080"])[1] \
        .startswith("Hello Kubernetes bootcamp! | Running on: boot")


def test_exec_errors_in_the_runtime_words(cluster):
    run_pod(cluster, pod("boot", V1))
    code, out = cluster.pod_exec("default", "boot", None, ["curl", "http://localhost:9999"])
    assert code == 7
    assert out.startswith("curl: (7) Failed to connect to localhost port 9999 after ")
    assert out.endswith(" ms: Couldn't connect to server\n")
    code, out = cluster.pod_exec("default", "boot", None, ["curl", "http://no-such-svc:80"])
    assert (code, out) == (6, "curl: (6) Could not resolve host: no-such-svc\n")
    assert cluster.pod_exec("default", "boot", None, ["sh", "-c", "exit 3"]) == (3, "")
    with pytest.raises(InternalError) as err:
        cluster.pod_exec("default", "boot", None, ["nosuchcmd"])
    assert 'exec: "nosuchcmd": executable file not found in $PATH: unknown' in str(err.value)


def test_python_programs_bind_the_pod_ip_and_see_localhost_as_the_pod(cluster):
    server = ("import http.server, socketserver\n"
              "class H(http.server.BaseHTTPRequestHandler):\n"
              "    def do_GET(self):\n"
              "        self.send_response(200); self.end_headers(); self.wfile.write(b'py says hi')\n"
              "print('serving', flush=False)\n"
              "http.server.HTTPServer(('0.0.0.0', 8000), H).serve_forever()\n")
    ip = run_pod(cluster, pod("py", "python:3.12", command=["python", "-c", server],
                              readinessProbe={"tcpSocket": {"port": 8000}, "periodSeconds": 1}))
    cluster.wait_for(lambda: "serving" in cluster.pod_logs("default", "py"), 20)
    assert get(ip, 8000) == (200, "py says hi")
    bound = {(conn.laddr.ip, conn.laddr.port) for conn in listening()}
    assert (ip, 8000) in bound  # 0.0.0.0 meant the pod's own address
    code, out = cluster.pod_exec("default", "py", None, [
        "python3", "-c", "import urllib.request as u; print(u.urlopen('http://localhost:8000').read().decode())"])
    assert (code, out) == (0, "py says hi\n")


def test_custom_command_image(cluster):
    images.add("hello-cmd:v1", command=["sh", "-c"], args=["echo hello from $HOSTNAME; exit 0"])
    cluster.store.create(pod("hello", "hello-cmd:v1", restart="Never"))
    cluster.wait_for(lambda: status(cluster, "hello").get("phase") == "Succeeded", 20)
    assert cluster.pod_logs("default", "hello") == "hello from hello\n"


def test_custom_function_image_answers_per_pod(cluster):
    def greet(request):
        if request.path == "/teapot":
            return 418, "short and stout\n"
        return f"hi from {request.pod} at {request.pod_ip}\n"

    images.add("greeter:v1", handler=greet, port=8081)
    ip1 = run_pod(cluster, pod("g1", "greeter:v1"))
    ip2 = run_pod(cluster, pod("g2", "greeter:v1"))
    assert get(ip1, 8081) == (200, f"hi from g1 at {ip1}\n")
    assert get(ip2, 8081) == (200, f"hi from g2 at {ip2}\n")
    assert get(ip1, 8081, "/teapot") == (418, "short and stout\n")
    assert '"GET /teapot HTTP/1.1" 418' in cluster.pod_logs("default", "g1")
    assert cluster.pod_exec("default", "g2", None, ["curl", "-s", "localhost:8081"])[1] == \
        f"hi from g2 at {ip2}\n"
    cluster.store.delete("Pod", "default", "g1")
    cluster.wait_for(lambda: cluster.store.try_get("Pod", "default", "g1") is None, 20)
    with pytest.raises(OSError):
        get(ip1, 8081)


def test_custom_image_arguments_are_checked():
    with pytest.raises(ValueError):
        images.add("x:v1")
    with pytest.raises(TypeError):
        images.add("x:v1", command="sh -c true")  # type: ignore[arg-type]


def test_kubectl_logs_follow_prints_until_the_container_ends(cluster):
    script = "for i in 1 2 3; do echo line $i; sleep 0.2; done"
    cluster.store.create(pod("counter", "busybox", command=["sh", "-c", script], restart="Never"))
    cluster.wait_for(lambda: container_status(cluster, "counter").get("state", {}).get("running")
                     is not None or status(cluster, "counter").get("phase") == "Succeeded", 20)
    out, err = io.StringIO(), io.StringIO()
    rc = kubectl(["logs", "-f", "counter"], InProcessClient.for_cluster(cluster), out, err)
    assert (rc, out.getvalue(), err.getvalue()) == (0, "line 1\nline 2\nline 3\n", "")
    out = io.StringIO()
    kubectl(["logs", "counter", "--tail=1", "--timestamps"], InProcessClient.for_cluster(cluster), out, err)
    assert out.getvalue().endswith("Z line 3\n")


def test_following_a_running_server_yields_new_lines_and_stops_when_closed(cluster):
    ip = run_pod(cluster, pod("boot", V1))
    stream = cluster.follow_pod_logs("default", "boot", tail=1)
    assert next(stream) == "\n"  # the last line so far: the blank line after "Started At"
    get(ip, 8080)
    assert next(stream).startswith("Running On: boot | Total Requests: 1 |")
    stream.close()
    kubelet = cluster.kubelets["proc0"]
    code, _ = cluster.call(kubelet.exec("default", "boot", None, ["true"]))
    assert code == 0  # the control plane is fine after the stream was abandoned
