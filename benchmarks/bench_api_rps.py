"""Requests per second of the API server with 8 concurrent clients, authorization on.

Builds a sim cluster on the real clock with an `ApiServer` and `--pods` pods, and a
ServiceAccount `reader` bound to a Role that may get/list/watch pods. Then 8 client processes
(so their Python does not share the server's interpreter lock), each on its own keep-alive
TLS connection, send for `--seconds`:
- `get`: GET one pod by name; `list`: GET the pods collection (`limit=50`);
each as the kubeconfig's admin (system:masters: the authorizer's short cut) and as the
ServiceAccount's token (every request authenticated and put to RBAC). For `watch`, 8 clients
watch configmaps as the ServiceAccount (its Role allows it) while the benchmark creates
`--events` ConfigMaps; it reports events delivered per second over all watchers.
Prints JSON: requests/s per verb and identity, events/s for watch.

Usage: python benchmarks/bench_api_rps.py [--pods 200] [--seconds 5] [--events 1000]
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing as mp
import ssl
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kubenb.api.tokens import request_token  # noqa: E402
from kubenb.cluster import Cluster  # noqa: E402
from kubenb.server import ApiServer  # noqa: E402

CLIENTS = 8


def _connection(port: int, ca: str) -> http.client.HTTPSConnection:
    return http.client.HTTPSConnection("127.0.0.1", port, context=ssl.create_default_context(
        cafile=ca), timeout=60)


def hammer(port: int, ca: str, token: str, path: str, seconds: float) -> int:
    """Send GET `path` until `seconds` pass; the number of 200 answers."""
    conn = _connection(port, ca)
    done, end = 0, time.monotonic() + seconds
    while time.monotonic() < end:
        conn.request("GET", path, headers={"Authorization": f"Bearer {token}"})
        resp = conn.getresponse()
        resp.read()
        if resp.status != 200:
            raise RuntimeError(f"{path}: {resp.status}")
        done += 1
    conn.close()
    return done


def watch(port: int, ca: str, token: str, want: int, ready: Any) -> float:
    """Watch configmaps until `want` ADDED events arrived; seconds from the first to the last."""
    conn = _connection(port, ca)
    conn.request("GET", "/api/v1/namespaces/default/configmaps?watch=true",
                 headers={"Authorization": f"Bearer {token}"})
    resp = conn.getresponse()
    ready.set()
    seen, first = 0, 0.0
    while seen < want:
        line = resp.readline()
        if not line:
            break
        if b'"ADDED"' in line:
            seen += 1
            first = first or time.monotonic()
    conn.close()
    return time.monotonic() - first


def rate(pool: Any, args: tuple[Any, ...], seconds: float) -> float:
    counts = pool.starmap(hammer, [args] * CLIENTS)
    return round(sum(counts) / seconds)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pods", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--events", type=int, default=1000)
    args = parser.parse_args()
    cluster = Cluster(nodes=2, seed=1)
    api = ApiServer(follow_interval=0.2)
    cluster.serve_api(api)
    cluster.start()
    try:
        store = cluster.store
        for i in range(args.pods):
            store.create({"apiVersion": "v1", "kind": "Pod",
                          "metadata": {"name": f"p{i}", "namespace": "default"},
                          "spec": {"containers": [{"name": "c", "image": "nginx"}]}})
        store.create({"apiVersion": "v1", "kind": "ServiceAccount",
                      "metadata": {"name": "reader", "namespace": "default"}})
        rbac = "rbac.authorization.k8s.io/v1"
        store.create({"apiVersion": rbac, "kind": "Role",
                      "metadata": {"name": "reader", "namespace": "default"},
                      "rules": [{"apiGroups": [""], "resources": ["pods", "configmaps"],
                                 "verbs": ["get", "list", "watch"]}]})
        store.create({"apiVersion": rbac, "kind": "RoleBinding",
                      "metadata": {"name": "reader", "namespace": "default"},
                      "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role",
                                  "name": "reader"},
                      "subjects": [{"kind": "ServiceAccount", "name": "reader"}]})
        sa = request_token(store, "default", "reader", {"spec": {}})["status"]["token"]
        port, ca = api.port, api.ca_file
        results: dict[str, Any] = {"pods": args.pods, "clients": CLIENTS}
        with mp.get_context("spawn").Pool(CLIENTS) as pool:
            for who, token in (("admin", api.token), ("serviceaccount", sa)):
                for verb, path in (("get", "/api/v1/namespaces/default/pods/p0"),
                                   ("list", "/api/v1/namespaces/default/pods?limit=50")):
                    results[f"{verb}_{who}_rps"] = rate(
                        pool, (port, ca, token, path, args.seconds), args.seconds)
            manager = mp.get_context("spawn").Manager()
            flags = [manager.Event() for _ in range(CLIENTS)]
            waits = [pool.apply_async(watch, (port, ca, sa, args.events, f)) for f in flags]
            for flag in flags:
                flag.wait(60)
            started = time.monotonic()
            for i in range(args.events):
                store.create({"apiVersion": "v1", "kind": "ConfigMap",
                              "metadata": {"name": f"cm{i}", "namespace": "default"},
                              "data": {"k": "v"}})
            spans = [w.get(300) for w in waits]
            total = time.monotonic() - started
            results["watch_events_per_s"] = round(CLIENTS * args.events / max(total, max(spans)))
            manager.shutdown()
        print(json.dumps(results, indent=2))
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
