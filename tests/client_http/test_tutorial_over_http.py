"""Acceptance: the Kubernetes Basics tutorial over HTTP, with the in-process goldens.

The same learner (tests/integration/test_tutorial_flow.py: modules 1-6, typed through the
magics into a real IPython shell) runs against a cluster whose profile serves the HTTP API
(`serve_api=True`, its kubeconfig entries written to a file of the test's own), after
`kubenb.connect(http=True)`: every `%kubectl` goes through `HttpClient` → the cluster's
`ApiServer` — the way `%kubectl --context` reaches a real cluster. The transcripts must
equal tests/golden/tutorial_m*.txt byte for byte.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from typing import Any

import pytest
from IPython.core.interactiveshell import InteractiveShell

import kubenb
from kubenb.cli import session
from kubenb.client.http import HttpClient
from kubenb.clock import VirtualClock
from kubenb.magics import settings
from kubenb.profiles import Profiles
from tests.client_http.conftest import leaked_threads
from tests.integration.test_tutorial_flow import MODULES, Flow


@pytest.fixture(scope="module")
def flow() -> Iterator[Flow]:
    with tempfile.TemporaryDirectory(prefix="kubenb-kubeconfig-") as home:
        path = os.path.join(home, "config")
        saved = os.environ.get("KUBECONFIG")
        os.environ["KUBECONFIG"] = path
        old = session.reset(Profiles(clock_factory=VirtualClock, register_atexit=False,
                                     serve_api=True, kubeconfig_path=path))
        if old is not None:
            old.close()
        kubenb.connect(http=True)
        shell = InteractiveShell.instance()
        shell.run_line_magic("load_ext", "kubenb")
        settings.strict = False
        f = Flow(shell)
        try:
            yield f
        finally:
            for name in ("POD_NAME", "NODE_PORT", "AFFECTED_POD"):
                shell.user_ns.pop(name, None)
            reg = session.reset(None)
            if reg is not None:
                reg.close()
            if saved is None:
                os.environ.pop("KUBECONFIG", None)
            else:
                os.environ["KUBECONFIG"] = saved
    assert not leaked_threads(), leaked_threads()


@pytest.mark.parametrize("index", range(len(MODULES)), ids=[m[0] for m in MODULES])
def test_tutorial_module_over_http(index: int, flow: Flow, capsys: Any, golden: Any) -> None:
    flow.capsys = capsys
    name = flow.run_module(index)
    if index < len(MODULES) - 1:  # (the last module deletes the cluster)
        client = session.current_client()
        assert isinstance(client, HttpClient), client
        assert client.server == session.profiles().current().api_server.url  # type: ignore[union-attr]
    flow.done = index + 1
    problems, flow.problems = flow.problems, []
    golden(f"tutorial_{name}", flow.transcript())
    assert not problems, "\n".join(problems)
