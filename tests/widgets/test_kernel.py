"""In a real kernel: a click is handled while a cell is busy (ipykernel 7 subshells)."""

from __future__ import annotations

import queue
import textwrap
from collections.abc import Iterator
from typing import Any

import pytest

jupyter_client = pytest.importorskip("jupyter_client")
ipykernel = pytest.importorskip("ipykernel")


@pytest.fixture
def kernel() -> Iterator[Any]:
    from jupyter_client.manager import start_new_kernel

    km, kc = start_new_kernel(kernel_name="python3")
    try:
        yield kc
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def run(kc: Any, code: str, timeout: float = 60) -> tuple[str, dict[str, Any]]:
    """Execute a cell; its stdout and the reply."""
    msg_id = kc.execute(textwrap.dedent(code))
    out = []
    while True:
        msg = kc.get_iopub_msg(timeout=timeout)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "stream":
            out.append(msg["content"]["text"])
        if msg["msg_type"] == "error":
            out.append("\n".join(msg["content"]["traceback"]))
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            break
    return "".join(out), kc.get_shell_msg(timeout=timeout)


def test_an_action_runs_while_a_cell_is_busy(kernel: Any) -> None:
    if int(ipykernel.__version__.split(".")[0]) < 7:
        pytest.skip("subshells need ipykernel 7")
    kc = kernel
    out, _ = run(kc, """
        import kubenb
        from kubenb.client.inprocess import InProcessClient
        from kubenb.cli.kubectl.main import kubectl
        import io
        c = kubenb.Cluster(nodes=1, seed=1).start()
        client = InProcessClient.for_cluster(c)
        kubectl(["create", "deployment", "web", "--image=nginx"], client, io.StringIO(), io.StringIO())
        view = kubenb.show(client)
        print(view.model_id, view.subshell is not None)
    """)
    model_id, routed = out.split()
    assert routed == "True", out
    busy_id = kc.execute(textwrap.dedent("""
        c.wait_for(lambda: c.store.get("Deployment", "default", "web")["spec"]["replicas"] == 3,
                   timeout=30)
        print("scaled while busy")
    """))
    # the cell is running (blocked until the scale happens); now the click arrives
    msg = kc.session.msg("comm_msg", {"comm_id": model_id, "data": {"method": "custom", "content": {
        "type": "action", "id": "x1", "verb": "scale",
        "target": {"namespace": "default", "name": "web"}, "args": {"replicas": 3}}}})
    kc.shell_channel.send(msg)
    texts, result = [], None
    while True:
        try:
            m = kc.get_iopub_msg(timeout=60)
        except queue.Empty:
            pytest.fail("no answer from the kernel")
        if m["msg_type"] == "comm_msg":
            content = m["content"]["data"].get("content") or {}
            if content.get("type") == "action-result":
                result = content
        if m["parent_header"].get("msg_id") == busy_id:
            if m["msg_type"] == "stream":
                texts.append(m["content"]["text"])
            if m["msg_type"] == "error":
                pytest.fail("\n".join(m["content"]["traceback"]))
            if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
                break
    assert "".join(texts) == "scaled while busy\n"
    assert result is not None and result["ok"] and result["output"] == "deployment.apps/web scaled\n"
    out, _ = run(kc, """
        import threading
        view.close(); c.stop()
        print(sorted(t.name for t in threading.enumerate() if t.name.startswith("kubenb")))
    """)
    assert out.strip() == "[]", out
