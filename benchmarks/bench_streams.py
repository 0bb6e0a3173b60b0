"""`kubectl port-forward` throughput and `kubectl exec POD -- true` round trip, through the API.

A process-runtime cluster serves its API over HTTPS; real kubectl (/usr/bin/kubectl, 1.32)
talks to it. One pod runs a small Python server that, per connection, sends `--megabytes`
of bytes and closes. Throughput is measured straight to the pod's IP and through
`kubectl port-forward pod/bulk :9000` (WebSocket-tunnelled SPDY), interleaved, `--runs`
times each; the report gives the medians and their ratio (target ≥ 50 %). Then `kubectl
exec bulk -- true` runs `--execs` times: the median wall time of the whole command (the
binary's own start-up included; `kubectl version --client` is timed too for comparison).

Usage: python benchmarks/bench_streams.py [--megabytes 64] [--runs 5] [--execs 15]
"""

from __future__ import annotations

import argparse
import base64
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time

from kubenb.cluster import Cluster
from kubenb.server import ApiServer

KUBECTL = "/usr/bin/kubectl"
SERVER = """
import socket, sys, threading
size = int(sys.argv[2])
block = bytes(range(256)) * 4096
def send(c):
    left = size
    while left > 0:
        left -= c.send(block[:min(left, len(block))])
    c.close()
s = socket.create_server((sys.argv[1], 9000))
while True:
    c, _ = s.accept()
    threading.Thread(target=send, args=(c,), daemon=True).start()
"""


def kubeconfig(path: str, api: ApiServer) -> None:
    with open(path, "w") as f:
        f.write(f"""apiVersion: v1
kind: Config
clusters:
- name: bench
  cluster: {{server: {api.url}, certificate-authority-data: {base64.b64encode(api.ca_data).decode()}}}
users:
- name: bench
  user: {{token: {api.token}}}
contexts:
- name: bench
  context: {{cluster: bench, user: bench, namespace: default}}
current-context: bench
""")


def download(host: str, port: int) -> tuple[int, float]:
    """Bytes read from one connection until the server closes it, and the seconds taken."""
    t0 = time.perf_counter()
    total = 0
    with socket.create_connection((host, port), timeout=60) as s:
        while data := s.recv(1 << 20):
            total += len(data)
    return total, time.perf_counter() - t0


def timed(cmd: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, capture_output=True, timeout=60)
    return time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--megabytes", type=int, default=64)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--execs", type=int, default=15)
    args = ap.parse_args()
    size = args.megabytes << 20
    with tempfile.TemporaryDirectory() as home:
        cluster = Cluster("bench", runtime="process", state_dir=os.path.join(home, "state"),
                          node_subnet="192.168.231")
        api = ApiServer()
        cluster.serve_api(api)
        cluster.start()
        forward = None
        try:
            cfg = os.path.join(home, "config")
            kubeconfig(cfg, api)
            env = {"PATH": "/usr/bin:/bin", "KUBECONFIG": cfg, "HOME": home}
            cluster.store.create({
                "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "bulk", "namespace": "default"},
                "spec": {"containers": [{
                    "name": "bulk", "image": "python",
                    "command": ["python", "-c", SERVER, "0.0.0.0", str(size)],
                    "readinessProbe": {"tcpSocket": {"port": 9000}, "periodSeconds": 1}}]}})

            def ready() -> bool:
                pod = cluster.store.try_get("Pod", "default", "bulk") or {}
                return any(s.get("ready") for s in (pod.get("status") or {}).get(
                    "containerStatuses") or [])

            cluster.wait_for(ready, timeout=60)
            pod_ip = cluster.store.get("Pod", "default", "bulk")["status"]["podIP"]
            forward = subprocess.Popen([KUBECTL, "port-forward", "pod/bulk", ":9000"], env=env,
                                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            assert forward.stdout is not None
            line = forward.stdout.readline().decode()
            found = re.search(r"127\.0\.0\.1:(\d+)", line)
            if not found:
                raise SystemExit(f"kubectl port-forward said: {line!r}")
            local = int(found.group(1))
            download(pod_ip, 9000)  # warm up both paths
            download("127.0.0.1", local)
            direct, forwarded = [], []
            for _ in range(args.runs):
                n, t = download(pod_ip, 9000)
                assert n == size
                direct.append(n / t / 1e6)
                n, t = download("127.0.0.1", local)
                assert n == size, f"port-forward delivered {n} of {size} bytes"
                forwarded.append(n / t / 1e6)
            execs = [timed([KUBECTL, "exec", "bulk", "--", "true"], env)
                     for _ in range(args.execs)]
            client = [timed([KUBECTL, "version", "--client"], env) for _ in range(5)]
        finally:
            if forward is not None:
                forward.terminate()
                forward.communicate(timeout=30)
            cluster.stop()
    ratio = statistics.median(forwarded) / statistics.median(direct)
    print(f"{args.megabytes} MiB per connection, {args.runs} runs each (MB/s, medians)")
    print(f"straight to the pod {pod_ip}:9000   {statistics.median(direct):8.1f} MB/s "
          f"(min {min(direct):.1f}, max {max(direct):.1f})")
    print(f"kubectl port-forward :{local}        {statistics.median(forwarded):8.1f} MB/s "
          f"(min {min(forwarded):.1f}, max {max(forwarded):.1f})")
    print(f"port-forward / direct: {ratio * 100:.0f} % (target >= 50 %): "
          f"{'ok' if ratio >= 0.5 else 'MISSED'}")
    print(f"kubectl exec bulk -- true, {args.execs} runs: median "
          f"{statistics.median(execs) * 1e3:.0f} ms (min {min(execs) * 1e3:.0f} ms); "
          f"kubectl version --client alone: median {statistics.median(client) * 1e3:.0f} ms")
    return 0 if ratio >= 0.5 else 1


if __name__ == "__main__":
    sys.exit(main())
