"""Load: 8 concurrent clients × 500 mixed operations over https.

Every client increments shared counters with GET + PUT (the resourceVersion it read is the
precondition), retrying on 409: if the server ever lost an update, a counter would end
lower than the number of PUTs that succeeded. Two watches opened before the load must see
every change of the namespace, in resourceVersion order, exactly as the store logged them.
Meanwhile the main thread (the kernel's, in a notebook) keeps being served promptly.
"""

from __future__ import annotations

import json
import random
import threading
import time
from typing import Any

import pytest

from .conftest import Served
from .test_streams import Stream

NS = "load"
CLIENTS, OPS, COUNTERS = 8, 500, 8


def _client(served: Served, seed: int, results: dict[str, Any], errors: list[str]) -> None:
    rng = random.Random(seed)
    conn = served.connection()
    auth = {"Authorization": f"Bearer {served.api.token}", "Content-Type": "application/json"}
    base = f"/api/v1/namespaces/{NS}/configmaps"

    def call(method: str, path: str, body: Any = None) -> tuple[int, Any]:
        conn.request(method, path, body=None if body is None else json.dumps(body),
                     headers=auth)
        resp = conn.getresponse()
        data = resp.read()
        return resp.status, json.loads(data) if data else None

    puts = conflicts = 0
    try:
        for i in range(OPS):
            roll = rng.random()
            if roll < 0.6:  # read-modify-write a shared counter
                name = f"counter-{rng.randrange(COUNTERS)}"
                while True:
                    status, cm = call("GET", f"{base}/{name}")
                    assert status == 200, cm
                    cm["data"]["n"] = str(int(cm["data"]["n"]) + 1)
                    status, reply = call("PUT", f"{base}/{name}", cm)
                    if status == 409:
                        assert reply["reason"] == "Conflict"
                        conflicts += 1
                        continue
                    assert status == 200, reply
                    puts += 1
                    break
            elif roll < 0.75:
                status, listed = call("GET", f"{base}?limit=50")
                assert status == 200 and listed["kind"] == "ConfigMapList"
            elif roll < 0.9:
                status, reply = call("POST", base, {"apiVersion": "v1", "kind": "ConfigMap",
                                                    "metadata": {"name": f"c{seed}-{i}"}})
                assert status == 201, reply
            else:
                status, reply = call("DELETE", f"{base}/c{seed}-{i - 1}")
                assert status in (200, 404), reply
    except Exception as e:  # noqa: BLE001 - reported by the test
        errors.append(f"client {seed}: {e!r}")
    finally:
        conn.close()
    results[f"puts-{seed}"] = puts
    results[f"conflicts-{seed}"] = conflicts


@pytest.mark.slow  # ~15-20 s: 4,000+ https requests from threads sharing the GIL
def test_concurrent_clients_lose_no_update_and_watches_see_everything(served: Served) -> None:
    store = served.store
    store.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NS}})
    for c in range(COUNTERS):
        store.create({"apiVersion": "v1", "kind": "ConfigMap",
                      "metadata": {"name": f"counter-{c}", "namespace": NS}, "data": {"n": "0"}})
    start = store.resource_version
    watches = [Stream(served, f"/api/v1/namespaces/{NS}/configmaps?watch=true"
                      f"&resourceVersion={start}") for _ in range(2)]
    results: dict[str, Any] = {}
    errors: list[str] = []
    threads = [threading.Thread(target=_client, args=(served, s, results, errors))
               for s in range(CLIENTS)]
    began = time.monotonic()
    for t in threads:
        t.start()
    slowest = 0.0
    while any(t.is_alive() for t in threads):  # the kernel's thread keeps working meanwhile
        t0 = time.monotonic()
        store.list("ConfigMap", NS)
        served.cluster.call(_noop())
        slowest = max(slowest, time.monotonic() - t0)
        threads[0].join(0.05)
    for t in threads:
        t.join()
    elapsed = time.monotonic() - began
    assert errors == []
    puts = sum(v for k, v in results.items() if k.startswith("puts-"))
    conflicts = sum(v for k, v in results.items() if k.startswith("conflicts-"))
    total = sum(int(store.get("ConfigMap", NS, f"counter-{c}")["data"]["n"])
                for c in range(COUNTERS))
    assert total == puts  # no lost update
    assert conflicts > 0  # the clients really raced, and stale writes got 409
    assert slowest < 1.0, f"the main thread waited {slowest:.2f}s"
    logged = [(e["type"], e["object"]["metadata"]["name"], e["object"]["metadata"]
               ["resourceVersion"]) for e in store.events_since(start)
              if e["object"]["kind"] == "ConfigMap"
              and e["object"]["metadata"].get("namespace") == NS]
    for w in watches:
        seen = []
        while len(seen) < len(logged):
            ev = w.next()
            assert ev is not None
            seen.append((ev["type"], ev["object"]["metadata"]["name"],
                         ev["object"]["metadata"]["resourceVersion"]))
        w.close()
        assert seen == logged
    print(f"\n{CLIENTS * OPS} operations ({puts} counted PUTs, {conflicts} conflicts) "
          f"in {elapsed:.1f}s; main thread waited at most {slowest * 1000:.0f} ms")


async def _noop() -> None:
    return None
