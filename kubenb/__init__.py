"""kubenb: a small, honest Kubernetes that lives inside a Jupyter kernel.

The public Python API::

    import kubenb
    cluster = kubenb.Cluster(nodes=3).start()     # control plane on a background thread
    cluster.store.create({...})                    # Kubernetes JSON in, Kubernetes JSON out
    cluster.wait_for(lambda: ..., timeout=60)      # wait on a condition, never sleep
    cluster.stop()                                 # stops every pod and the control plane
    kubenb.show()                                  # the live ClusterView of the current profile
    kubenb.check(kubenb.expect.pods("app=web", count=3), lang="en")  # an exercise's check

With `clock=kubenb.VirtualClock()` nothing runs in the background: time moves only inside
`wait_for`/`advance`, which is what the scenario tests use.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["Cluster", "NodeShape", "RealClock", "Timings", "VirtualClock", "check", "connect",
           "expect", "show"]
__version__ = "0.1.0"

_LAZY = {
    "Cluster": "kubenb.cluster",
    "NodeShape": "kubenb.config",
    "Timings": "kubenb.config",
    "RealClock": "kubenb.clock",
    "VirtualClock": "kubenb.clock",
    "show": "kubenb.widgets",
    "connect": "kubenb.cli.session",  # kubenb.connect(context=…, kubeconfig=…)
    "check": "kubenb.cli.check",  # an exercise's check cell: kubenb.check(kubenb.expect.…)
    "expect": "kubenb.cli.expectations",
}


def __getattr__(name: str) -> Any:
    """Import the heavy parts on first use, so `import kubenb` stays cheap."""
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'kubenb' has no attribute {name!r}")


def load_ipython_extension(ipython: Any) -> None:
    """`%load_ext kubenb`: registers `%kubectl`, `%%kubectl` and `%minikube`."""
    from kubenb.magics import load

    load(ipython)
