"""What each node uses right now, from the Metrics API, for the picture's CPU and memory bars.

With the metrics-server addon enabled the client's `metrics("Node", None)` answers (as
`kubectl top nodes` reads it); without it, it answers None and the bars show requests only.
`UsagePoller` reads it every `period` seconds on its own thread while the view lives (the
metrics-server itself only refreshes every scrape), and hands `{node: {"cpu": millicores,
"memory": bytes}}` to the view, or None when there is no Metrics API.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from kubenb.api.quantity import cpu_millis, to_bytes

log = logging.getLogger(__name__)

NodeUsage = dict[str, dict[str, int]]


def read_node_usage(client: Any) -> NodeUsage | None:
    """Each node's CPU (millicores) and memory (bytes) in use; None without a Metrics API."""
    items = client.metrics("Node", None)
    if items is None:
        return None
    usage: NodeUsage = {}
    for item in items:
        name = (item.get("metadata") or {}).get("name")
        used = item.get("usage") or {}
        if name and "cpu" in used and "memory" in used:
            usage[name] = {"cpu": cpu_millis(used["cpu"]), "memory": to_bytes(used["memory"])}
    return usage


class UsagePoller:
    """Calls `on_usage(read_node_usage(client))` now and then every `period` seconds, on a
    daemon thread, until `stop()`. A failing read is reported as None (no bars of use)."""

    def __init__(self, client: Any, on_usage: Callable[[NodeUsage | None], None],
                 period: float) -> None:
        self.client, self.on_usage, self.period = client, on_usage, period
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="kubenb-clusterview-usage",
                                        daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                usage = read_node_usage(self.client)
            except Exception:  # noqa: BLE001 - a cluster going away mid-read
                log.debug("ClusterView: metrics read failed", exc_info=True)
                usage = None
            if self._stop.is_set():
                return
            self.on_usage(usage)
            self._stop.wait(self.period)  # the poll period, not a synchronisation

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout=10)

    def alive(self) -> bool:
        return self._thread.is_alive()
