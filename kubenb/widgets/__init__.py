"""The live picture of a cluster: `ClusterView` (an ipywidgets model whose front end is the
JupyterLab extension in `labextension/`), its static renderings and a pod timeline.

    records.py   objects → protocol records        state.py   events → snapshot / deltas
    records_workload.py  workloads, HPAs → records owners.py  pod → top workload index
    options.py   namespace / selector / kube-system filters
    feed.py      list + watch, flush timers        actions.py clicks → kubectl / minikube
    kernel.py    clicks handled while a cell runs  clusterview.py  the widget
    html.py      text/html + text/plain            figure.py  matplotlib topology
    recorder.py  pods per ReplicaSet / node over time

The wire protocol is `labextension/PROTOCOL.md`. Imports are lazy: `import kubenb.widgets`
does not load ipywidgets or matplotlib until a name is used.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

__all__ = ["ClusterView", "Timeline", "show", "snapshot", "timeline"]

# What `kubenb.show()` says when no cluster is running (one line, no traceback)
NO_CLUSTER = ("No cluster is running: start one with `%minikube start` (after `%load_ext kubenb`), "
              "then run `kubenb.show()` again.")

_LAZY = {
    "ClusterView": "kubenb.widgets.clusterview",
    "Timeline": "kubenb.widgets.recorder",
    "timeline": "kubenb.widgets.recorder",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'kubenb.widgets' has no attribute {name!r}")


def show(client: Any = None, namespace: str | None = None, selector: str | None = None,
         **options: Any) -> Any:
    """A ClusterView of `client` (default: the current minikube profile), returned so a
    notebook cell displays it. `kube-system` is hidden unless `show_system=True` (or the
    widget's checkbox)."""
    from .clusterview import ClusterView

    if client is None:
        from kubenb.profiles import NoCluster

        try:
            return ClusterView(client, namespace, selector, **options)
        except NoCluster:
            print(NO_CLUSTER, file=sys.stderr)
            return None
    return ClusterView(client, namespace, selector, **options)


def snapshot(source: Any = None, **kwargs: Any) -> Any:
    """A matplotlib Figure of the topology: of a ClusterView, a snapshot dict, or a client
    (default: the current profile)."""
    from .clusterview import ClusterView
    from .figure import topology_figure

    if isinstance(source, dict):
        return topology_figure(source, **kwargs)
    if isinstance(source, ClusterView):
        return source.figure(**kwargs)
    view = ClusterView(source)
    try:
        return view.figure(**kwargs)
    finally:
        view.close()
