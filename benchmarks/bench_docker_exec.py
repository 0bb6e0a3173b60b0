"""`kubectl exec` and `kubectl cp` into a Docker pod, through the API server.

A 1-node docker-runtime cluster serves its API over HTTPS; real kubectl (/usr/bin/kubectl,
1.32) talks to it; one busybox pod sleeps. Timed, as wall time of the whole kubectl command
(the binary's start-up included): `kubectl exec box -- true` `--execs` times, `kubectl exec
-i box -- cat` of `--megabytes` (through stdin and back), and `kubectl cp` of a file of
`--megabytes` random bytes into the pod and back out `--runs` times (each copy checked
byte for byte). Medians (and the fastest) are reported.

Usage: python benchmarks/bench_docker_exec.py [--execs 15] [--megabytes 10] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

from benchmarks.bench_streams import KUBECTL, kubeconfig
from kubenb.cluster import Cluster
from kubenb.server import ApiServer


def timed(cmd: list[str], env: dict[str, str], stdin: bytes | None = None) -> tuple[float, bytes]:
    t0 = time.perf_counter()
    run = subprocess.run(cmd, env=env, input=stdin, check=True, capture_output=True, timeout=300)
    return time.perf_counter() - t0, run.stdout


def report(name: str, seconds: list[float], size: int = 0) -> None:
    rate = f"  ({size / statistics.median(seconds) / 1e6:6.1f} MB/s)" if size else ""
    print(f"{name:40s} median {statistics.median(seconds) * 1000:7.0f} ms   "
          f"min {min(seconds) * 1000:7.0f} ms{rate}")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--execs", type=int, default=15)
    ap.add_argument("--megabytes", type=int, default=10)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    size = args.megabytes << 20
    data = os.urandom(size)
    with tempfile.TemporaryDirectory() as home:
        cluster = Cluster(f"bx{os.getpid()}", runtime="docker",
                          state_dir=os.path.join(home, "state"), node_subnet="192.168.233")
        api = ApiServer()
        cluster.serve_api(api)
        cluster.start()
        try:
            cfg = os.path.join(home, "config")
            kubeconfig(cfg, api)
            env = {"PATH": "/usr/bin:/bin", "KUBECONFIG": cfg, "HOME": home}
            cluster.store.create({
                "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "box", "namespace": "default"},
                "spec": {"terminationGracePeriodSeconds": 1, "containers": [
                    {"name": "box", "image": "busybox", "command": ["sleep", "3600"]}]}})

            def running() -> bool:
                pod = cluster.store.try_get("Pod", "default", "box") or {}
                return any("running" in (s.get("state") or {}) for s in
                           (pod.get("status") or {}).get("containerStatuses") or [])

            cluster.wait_for(running, timeout=120)
            exe = [KUBECTL, "exec", "box", "--", "true"]
            timed(exe, env)  # warm up
            execs = [timed(exe, env)[0] for _ in range(args.execs)]
            cats = []
            for _ in range(args.runs):
                t, out = timed([KUBECTL, "exec", "-i", "box", "--", "cat"], env, data)
                assert out == data, "exec -i cat changed the bytes"
                cats.append(t)
            local, back = os.path.join(home, "local.bin"), os.path.join(home, "back.bin")
            with open(local, "wb") as f:
                f.write(data)
            ups, downs = [], []
            for _ in range(args.runs):
                ups.append(timed([KUBECTL, "cp", local, "box:/tmp/copied.bin"], env)[0])
                downs.append(timed([KUBECTL, "cp", "box:/tmp/copied.bin", back], env)[0])
                with open(back, "rb") as f:
                    assert f.read() == data, "cp changed the bytes"
                os.unlink(back)
        finally:
            cluster.stop()
    print(f"docker runtime, kubectl 1.32 through the API server; {args.megabytes} MiB payloads")
    report("kubectl exec box -- true", execs)
    report(f"kubectl exec -i box -- cat ({args.megabytes} MiB)", cats, size)
    report(f"kubectl cp into the pod ({args.megabytes} MiB)", ups, size)
    report(f"kubectl cp out of the pod ({args.megabytes} MiB)", downs, size)
    return 0


if __name__ == "__main__":
    sys.exit(main())
