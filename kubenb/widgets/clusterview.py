"""`ClusterView`: the live picture of a cluster as an ipywidgets DOMWidget.

Data flow (labextension/PROTOCOL.md is the wire contract):

    client.list + watch ──feed.py──► ClusterState.apply   (marks records dirty, pokes a timer)
    timer (≤ 1/interval per second) ──► _flush: take_delta ──► comm: {"type": "delta", seq}
    resync / options / request_state / aggregation switch ──► `snapshot` trait (next seq)
    front-end {"type": "action"} ──► actions.ActionRunner (kubectl / minikube, worker thread)
    Metrics API every usage_period s ──usage.py──► ClusterState.set_usage (nodes' bars of use)

Sends may happen on the control-plane thread, the timer's thread or an action's reply; one
lock orders them, so `seq` on the wire always increases by one. After `close()` nothing is
sent, the watches and threads are stopped and the comm is closed.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

import ipywidgets as widgets
from traitlets import Dict, Unicode

from kubenb.clock import rfc3339

from . import kernel
from .actions import ActionRunner, MinikubeRunner
from .feed import LoopTimer, ThreadTimer, make_feed, virtual_loop
from .options import DEFAULT_AGGREGATE_ABOVE, ViewOptions
from .state import ClusterState
from .usage import NodeUsage, UsagePoller

log = logging.getLogger(__name__)

MODULE, VERSION = "kubenb-clusterview", "^0.1.0"
SNAPSHOT_MIME = "application/vnd.kubenb.clusterview+json"
# What the view says (and its buttons answer) once its profile is gone
GONE = {"deleted": 'cluster "{name}" was deleted (minikube delete): start it again to reconnect',
        "stopped": 'cluster "{name}" is stopped (minikube stop): start it again to reconnect'}


class ClusterView(widgets.DOMWidget):
    """Nodes as cards, pods as chips, live. `kubenb.show()` and `%minikube dashboard` make one
    for the current profile; pass `client=` to follow any cluster (`Client` protocol).

    Clicks are handled on a kernel subshell when ipykernel supports it (7+), so they act
    even while a cell is busy; otherwise they wait for the cell and show as queued."""

    _model_name = Unicode("ClusterViewModel").tag(sync=True)
    _model_module = Unicode(MODULE).tag(sync=True)
    _model_module_version = Unicode(VERSION).tag(sync=True)
    _view_name = Unicode("ClusterViewView").tag(sync=True)
    _view_module = Unicode(MODULE).tag(sync=True)
    _view_module_version = Unicode(VERSION).tag(sync=True)

    snapshot = Dict().tag(sync=True)
    options = Dict().tag(sync=True)
    theme_hint = Unicode("auto").tag(sync=True)

    def __init__(self, client: Any = None, namespace: str | None = None,
                 selector: str | None = None, *, aggregate_above: int = DEFAULT_AGGREGATE_ABOVE,
                 show_system: bool = False, interval: float = 0.1, theme: str = "auto",
                 cluster_name: str | None = None,
                 minikube: MinikubeRunner | None = None, kubeconfig: Any = None,
                 feed: str = "auto", watch_timeout: float = 1.0, profiles: Any = None,
                 usage_period: float = 5.0, **kwargs: Any) -> None:
        """`feed`: "auto" (store callbacks for an in-process client, else watch threads),
        "store" or "client". `minikube` runs `minikube node stop|start` for node actions.
        `show_system`: also draw `kube-system` (hidden by default; the widget has a toggle).
        `profiles`: the registry of profile `cluster_name` — the view greys out when that
        profile is stopped or deleted and reconnects when it starts again.
        `usage_period`: how often the nodes' CPU and memory in use are read from the Metrics
        API (the metrics-server addon), drawn beside their requests; 0 reads none."""
        if client is None:
            client, cluster_name, minikube, kubeconfig, profiles = _current_session(cluster_name)
        self.client = client
        self.cluster_name = cluster_name or client.cluster_name
        self._lock = threading.RLock()
        self._closed = False
        self._started = False
        self._seq = 0
        self._gone: str | None = None  # why the cluster is not there (deleted, stopped)
        self._feed_kind, self._watch_timeout = feed, watch_timeout
        self.deltas_sent = 0
        self._state = ClusterState(ViewOptions(namespace, selector, aggregate_above,
                                              show_system))
        self._feed = make_feed(client, self._on_event, self._on_relist, self._on_error,
                               feed=feed, timeout=watch_timeout)
        loop = virtual_loop(self._feed)
        self._actions = ActionRunner(client, self._reply, minikube=minikube,
                                     kubeconfig=kubeconfig)
        try:
            self._feed.start()
        except Exception as err:  # noqa: BLE001 - show the error in the view, not a traceback
            self._state.error = str(err)
        with self._lock:
            initial = self._next_snapshot()
        super().__init__(snapshot=initial, options=self._state.options.to_json(),
                         theme_hint=theme, **kwargs)
        if loop is not None:
            self._timer: Any = LoopTimer(loop, self._flush, interval)
        else:
            self._timer = ThreadTimer(self._flush, interval)
        self.on_msg(self._on_custom)
        self.observe(self._on_options, names="options")
        self.subshell = kernel.route_to_subshell(self.comm) if self.comm is not None else None
        self._usage_period = usage_period
        self._usage = self._start_usage(client)
        self._profiles = profiles
        if profiles is not None and cluster_name:
            profiles.listeners.append(self._on_profile)
        with self._lock:
            self._started = True
            pending = self._state.dirty
        if pending:
            self._timer.poke()

    # ---- events in ----------------------------------------------------------------------

    def _on_event(self, etype: str, obj: dict[str, Any]) -> None:
        with self._lock:
            if self._closed:
                return
            self._state.apply(etype, obj)
            started = self._started
        if started:
            self._timer.poke()

    def _on_relist(self, kind: str, items: list[dict[str, Any]]) -> None:
        with self._lock:
            if self._closed:
                return
            self._state.relist(kind, items)
            started = self._started
        if started:
            self._timer.poke()

    def _start_usage(self, client: Any) -> UsagePoller | None:
        if self._usage_period <= 0:
            return None
        poller = UsagePoller(client, self._on_usage, self._usage_period)
        poller.start()
        return poller

    def _on_usage(self, usage: NodeUsage | None) -> None:
        with self._lock:
            if self._closed or self._gone is not None:
                return
            self._state.set_usage(usage)
            pending = self._started and self._state.dirty
        if pending:
            self._timer.poke()

    def _on_error(self, message: str | None) -> None:
        with self._lock:
            if self._state.error == message or self._closed:
                return
            self._state.error = message
            if not self._started:
                return
            self._send_snapshot()

    # ---- out ----------------------------------------------------------------------------

    def _now(self) -> str | None:
        if self._gone is not None:
            return None
        try:
            return rfc3339(self.client.now())
        except Exception:  # noqa: BLE001 - a client that cannot tell the time
            return None

    def _next_snapshot(self) -> dict[str, Any]:
        self._seq += 1
        body = self._state.take_snapshot()
        return {"seq": self._seq, "time": self._now(), "cluster": self.cluster_name,
                "error": self._state.error, "gone": self._gone, **body}

    def _send_snapshot(self) -> None:
        """Replace `snapshot` (and send it even if a front end's copy is stale)."""
        with self._lock:
            if self._closed:
                return
            self.snapshot = self._next_snapshot()

    def _flush(self) -> None:
        with self._lock:
            if self._closed:
                return
            if self._state.wants_aggregation != self._state.aggregated:
                self._send_snapshot()
                return
            delta = self._state.take_delta()
            if delta is None:
                return
            self._seq += 1
            self.send({"type": "delta", "seq": self._seq, "time": self._now(), **delta})
            self.deltas_sent += 1

    def flush(self) -> None:
        """Send what is pending now (tests, and before a static rendering)."""
        self._flush()

    def _reply(self, msg: dict[str, Any]) -> None:
        with self._lock:
            if not self._closed:
                self.send(msg)

    # ---- messages from the front end ----------------------------------------------------

    def _on_custom(self, _widget: Any, content: dict[str, Any], _buffers: Any) -> None:
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "resync":
            self._send_snapshot()
        elif kind == "action":
            self._actions.submit(content)
        else:
            log.debug("ClusterView: ignored message %r", content)

    def _handle_msg(self, msg: dict[str, Any]) -> None:
        """A (re)connecting front end asks for the state: answer with the current one."""
        data = (msg.get("content") or {}).get("data") or {}
        if data.get("method") != "request_state":
            super()._handle_msg(msg)
            return
        with self._lock:  # held until sent, so no delta can overtake the new snapshot
            if not self._closed:
                snap = self._next_snapshot()
                with self._lock_property(snapshot=snap):
                    self.snapshot = snap
            super()._handle_msg(msg)

    def _on_options(self, change: dict[str, Any]) -> None:
        new = change["new"] or {}
        try:
            options = ViewOptions.from_json(new)
            with self._lock:
                self._state.set_options(options)
                self._state.error = None
        except Exception as err:  # noqa: BLE001 - a bad selector: say so in the view
            with self._lock:
                self._state.error = str(err)
        self._send_snapshot()

    # ---- the profile behind the view ----------------------------------------------------

    def _on_profile(self, event: str, name: str) -> None:
        if name != self.cluster_name:
            return
        if event == "started":
            self._reconnect()
        elif event in GONE:
            self._mark_gone(GONE[event].format(name=name))

    def _mark_gone(self, reason: str) -> None:
        """The cluster went away: stop following it, keep the last picture, say why."""
        with self._lock:
            if self._closed:
                return
            self._feed.stop()
            self._gone = reason
            self._actions.gone = reason
            usage, self._usage = self._usage, None
        if usage is not None:
            usage.stop()
        self._send_snapshot()

    def _reconnect(self) -> None:
        """The profile runs again (a new cluster after a delete): follow it from scratch."""
        prof = self._profiles.get(self.cluster_name)
        if prof is None:
            return
        client = prof.client()
        with self._lock:
            if self._closed:
                return
            self._feed.stop()
            self.client = client
            self._actions.client = client
            self._state = ClusterState(self._state.options)
            self._gone = self._actions.gone = None
            self._feed = make_feed(client, self._on_event, self._on_relist, self._on_error,
                                   feed=self._feed_kind, timeout=self._watch_timeout)
            loop = virtual_loop(self._feed)
            if loop is not None:  # a virtual clock's loop is the cluster's own: a new timer
                self._timer.stop()
                self._timer = LoopTimer(loop, self._flush, self._timer.interval)
        try:
            self._feed.start()
        except Exception as err:  # noqa: BLE001 - shown in the view
            self._on_error(str(err))
        old, self._usage = self._usage, self._start_usage(client)
        if old is not None:
            old.stop()
        self._send_snapshot()

    # ---- lifecycle ----------------------------------------------------------------------

    @property
    def seq(self) -> int:
        return self._seq

    def wait_actions(self) -> None:
        """Block until every action taken so far has been answered."""
        self._actions.join()

    def close(self) -> None:
        if "_lock" not in self.__dict__:  # __init__ failed before the view existed
            super().close()
            return
        with self._lock:
            if self._closed:
                super().close()
                return
            self._closed = True
        if self._profiles is not None and self._on_profile in self._profiles.listeners:
            self._profiles.listeners.remove(self._on_profile)
        for part in ("_feed", "_timer", "_actions", "_usage"):
            obj = getattr(self, part, None)
            if obj is not None:
                obj.stop()
        layout = getattr(self, "layout", None)  # the Layout widget ipywidgets made for us
        if layout is not None:
            layout.close()
        if getattr(self, "subshell", None):
            kernel.release_subshell()
            self.subshell = None
        super().close()

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any] | None:
        """The live view, plus the picture of this moment for every viewer without its
        script: the snapshot (this package's renderer), a PNG (GitHub, nbviewer, nbconvert,
        PDFs) and HTML that shows that PNG first, then the cards as text."""
        bundle = super()._repr_mimebundle_(**kwargs)
        if bundle is None:
            return None
        snap = self.current()
        bundle.update(static_bundle(snap))
        bundle[SNAPSHOT_MIME] = snap  # the extension's read-only renderer (PROTOCOL.md §8)
        return bundle

    def __repr__(self) -> str:  # cheap: never builds a snapshot
        return (f"ClusterView(cluster={self.cluster_name!r}, seq={self._seq}, "
                f"nodes={len(self._state.nodes)}, pods={len(self._state.pods)})")

    def current(self) -> dict[str, Any]:
        """The state as of now, shaped like `snapshot` (for static renderings; sends nothing)."""
        with self._lock:
            return {"seq": self._seq, "time": self._now(), "cluster": self.cluster_name,
                    "error": self._state.error, "gone": self._gone, **self._state.render()}

    def figure(self, **kwargs: Any) -> Any:
        """A matplotlib figure of the current topology (the `snapshot` trait is the wire
        state, so the figure has its own name; `kubenb.widgets.snapshot(view)` is the same)."""
        from .figure import topology_figure

        return topology_figure(self.current(), **kwargs)


def static_bundle(snap: dict[str, Any]) -> dict[str, Any]:
    """image/png, text/html (the PNG, then the cards) and text/plain of a snapshot."""
    import base64

    from .figure import topology_png
    from .html import render_text, static_html

    png = base64.b64encode(topology_png(snap)).decode("ascii")
    return {"image/png": png, "text/html": static_html(snap, png), "text/plain": render_text(snap)}


def _current_session(name: str | None) -> tuple[Any, str | None, MinikubeRunner | None, Any, Any]:
    """The client of the kubeconfig's current context (or of profile `name`), the profile's
    name, a `minikube` runner for it (None for a context that is not a profile), the
    kubeconfig and the profile registry to follow (None for a context that is not a profile)."""
    from kubenb.cli import session
    from kubenb.cli.minikube.commands import minikube
    from kubenb.profiles import NoCluster

    profiles = session.profiles()
    prof = profiles.get(name) if name else profiles.current()
    if prof is None or not prof.running:
        client = None if name else session.current_client()
        if client is None:
            raise NoCluster()
        return client, None, None, profiles.kubeconfig, None
    profile_name = prof.name

    def run(argv: list[str], out: Any, err: Any) -> int:
        return minikube([*argv, "-p", profile_name], out, err, profiles)

    return prof.client(), profile_name, run, profiles.kubeconfig, profiles
