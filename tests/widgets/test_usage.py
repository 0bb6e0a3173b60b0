"""The nodes' CPU and memory in use, from the Metrics API, beside their requests: read every
`usage_period` while the view lives, sent as `used` in the node records, gone without the API."""

from __future__ import annotations

import threading
from typing import Any

from kubenb.widgets.usage import read_node_usage
from tests.cli.test_top import MetricsClient, node_metrics
from tests.widgets.conftest import FrontEnd


def next_reading(view: Any) -> None:
    """Block until the view's poller has handed over a reading taken from now on."""
    poller = view._usage
    seen = threading.Event()
    original = poller.on_usage

    def spy(usage: Any) -> None:
        original(usage)
        seen.set()

    poller.on_usage = spy
    try:
        for _ in range(2):  # the read under way may predate the caller's change: one more
            assert seen.wait(30), "the view stopped reading the Metrics API"
            seen.clear()
    finally:
        poller.on_usage = original


def test_read_node_usage_in_millicores_and_bytes(vcluster: Any) -> None:
    client = MetricsClient(vcluster, [node_metrics("minikube", "250m", "512Mi"),
                                      node_metrics("other", "1500000n", "2048Ki")], [])
    assert read_node_usage(client) == {"minikube": {"cpu": 250, "memory": 512 * 2**20},
                                       "other": {"cpu": 2, "memory": 2 * 2**20}}
    assert read_node_usage(MetricsClient(vcluster, None, None)) is None


def test_node_cards_carry_what_the_node_uses(vcluster: Any, view_factory: Any) -> None:
    client = MetricsClient(vcluster, [node_metrics("minikube", "250m", "512Mi")], [])
    view = view_factory(client, usage_period=0.05)
    fe = FrontEnd(view)
    next_reading(view)
    view.flush()
    fe.catch_up()
    node = fe.state["nodes"]["minikube"]
    assert (node["cpu"]["used"], node["memory"]["used"]) == (250, 512 * 2**20)
    assert node["cpu"]["requested"] <= node["cpu"]["allocatable"]  # requests still drawn
    from kubenb.widgets.html import render_text

    assert ", 250m used" in render_text(view.current())  # the static picture says it too

    client.node_metrics = [node_metrics("minikube", "900m", "1Gi")]
    next_reading(view)
    view.flush()
    fe.catch_up()
    assert fe.state["nodes"]["minikube"]["cpu"]["used"] == 900

    client.node_metrics = None  # the addon is disabled: requests only
    next_reading(view)
    view.flush()
    fe.catch_up()
    assert "used" not in fe.state["nodes"]["minikube"]["cpu"]
    fe.matches_view()


def test_no_reads_with_a_zero_period_and_none_after_close(vcluster: Any, view_factory: Any) -> None:
    client = MetricsClient(vcluster, [node_metrics("minikube", "250m", "512Mi")], [])
    assert view_factory(client, usage_period=0)._usage is None
    view = view_factory(client, usage_period=0.05)
    poller = view._usage
    view.close()
    assert not poller.alive()
