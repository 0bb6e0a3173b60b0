"""Cluster DNS queries per second: 4 UDP clients against the kube-dns ClusterIP.

Starts a 1-node process-runtime cluster (its DNS server, kubenb/net/cluster_dns.py, runs on
the control-plane loop) with `--services` Services, then 4 client processes (their Python
apart from the server's) each send A queries for `svc-<i>.default.svc.cluster.local` in
turn, one outstanding at a time, for `--seconds`, plus one run of NXDOMAIN questions (the
first search-domain miss every short name costs). Every answer is checked. Loopback only.
Prints JSON: queries/s for hits and misses, and the median round trip.

Usage: python benchmarks/bench_dns.py [--services 200] [--seconds 5] [--clients 4]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dnslib import RCODE, DNSRecord  # noqa: E402

from kubenb.cluster import Cluster  # noqa: E402


def hammer(ip: str, port: int, names: list[str], seconds: float, want_rcode: int) -> tuple[int, float]:
    """Ask until `seconds` pass: (answers, median round trip in ms)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.settimeout(5)
    sock.connect((ip, port))
    packets = [DNSRecord.question(n).pack() for n in names]
    done, trips, end = 0, [], time.monotonic() + seconds
    while time.monotonic() < end:
        packet = packets[done % len(packets)]
        start = time.perf_counter()
        sock.send(packet)
        reply = DNSRecord.parse(sock.recv(4096))
        trips.append(time.perf_counter() - start)
        if reply.header.rcode != want_rcode or (want_rcode == RCODE.NOERROR and not reply.rr):
            raise RuntimeError(f"unexpected answer: {reply}")
        done += 1
    sock.close()
    return done, statistics.median(trips) * 1000


def run(ip: str, port: int, names: list[str], seconds: float, clients: int,
        rcode: int) -> tuple[float, float]:
    with mp.get_context("spawn").Pool(clients) as pool:
        results = pool.starmap(hammer, [(ip, port, names, seconds, rcode)] * clients)
    return sum(r[0] for r in results) / seconds, statistics.median(r[1] for r in results)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--services", type=int, default=200)
    ap.add_argument("--seconds", type=float, default=5)
    ap.add_argument("--clients", type=int, default=4)
    args = ap.parse_args()
    cluster = Cluster("bench-dns", nodes=1, runtime="process", node_subnet="192.168.241",
                      state_dir=tempfile.mkdtemp(prefix="bench-dns-")).start()
    try:
        for i in range(args.services):
            cluster.store.create({"apiVersion": "v1", "kind": "Service",
                                  "metadata": {"name": f"svc-{i}", "namespace": "default"},
                                  "spec": {"ports": [{"name": "http", "port": 80}]}})
        assert cluster.dns is not None
        cluster.wait_for(lambda: (cluster.dns.sync() or cluster.dns.address()) is not None, 30)
        ip, port = cluster.dns.address()  # type: ignore[misc]
        hits = [f"svc-{i}.default.svc.cluster.local" for i in range(args.services)]
        misses = [f"svc-{i}.svc.cluster.local" for i in range(args.services)]
        hit_qps, hit_ms = run(ip, port, hits, args.seconds, args.clients, RCODE.NOERROR)
        miss_qps, miss_ms = run(ip, port, misses, args.seconds, args.clients, RCODE.NXDOMAIN)
    finally:
        cluster.stop()
    print(json.dumps({"clients": args.clients, "services": args.services,
                      "a_queries_per_s": round(hit_qps), "a_median_ms": round(hit_ms, 3),
                      "nxdomain_queries_per_s": round(miss_qps),
                      "nxdomain_median_ms": round(miss_ms, 3)}))


if __name__ == "__main__":
    main()
