"""A recorder of pods per ReplicaSet or per node over cluster time, and its plot.

    rec = kubenb.widgets.timeline(by="node")     # starts watching now
    %minikube node stop minikube-m02
    ...
    rec.stop(); rec.plot()                       # step lines per node, marks at NotReady

It follows Pods and Nodes through the same feeds as ClusterView (`feed.py`), keeps a count
of live pods (not terminated, not being deleted) per group, and appends a sample
`(cluster time, {group: count})` whenever a count changes; node Ready transitions become
marks. Times come from the client's clock, so a virtual clock gives virtual seconds.
"""

from __future__ import annotations

import threading
from collections import Counter
from datetime import datetime
from typing import Any, Literal

from matplotlib.figure import Figure

from kubenb.api.pods import owner_of
from kubenb.api.selectors import parse_label_selector
from kubenb.widgets.options import SYSTEM_NAMESPACE

from .feed import make_feed
from .records import PALETTE, node_ready

Group = Literal["replicaset", "node"]
UNSCHEDULED = "(unscheduled)"
NO_REPLICASET = "(no ReplicaSet)"


class Timeline:
    """Samples of live pods per group; `plot()` draws them. Stop it with `stop()`."""

    def __init__(self, client: Any = None, *, by: Group = "replicaset",
                 namespace: str | None = None, selector: str | None = None,
                 feed: str = "auto", show_system: bool = False) -> None:
        """`show_system`: also count kube-system's pods (left out by default, as the
        picture leaves them out)."""
        if by not in ("replicaset", "node"):
            raise ValueError(f'by must be "replicaset" or "node", not {by!r}')
        if client is None:
            from kubenb.cli import session
            from kubenb.profiles import NoCluster

            client = session.current_client()
            if client is None:
                raise NoCluster()
        self.client, self.by, self.namespace = client, by, namespace
        self.show_system = show_system or namespace == SYSTEM_NAMESPACE
        self._labels = parse_label_selector(selector)
        self._lock = threading.Lock()
        self._group_of: dict[str, str] = {}
        self._counts: Counter[str] = Counter()
        self._ready: dict[str, str] = {}
        self.samples: list[tuple[datetime, dict[str, int]]] = []
        self.marks: list[tuple[datetime, str]] = []
        self._stopped_at: datetime | None = None
        self._feed = make_feed(client, self._on_event, self._on_relist,
                               kinds=("Node", "Pod"), feed=feed)
        self._feed.start()

    # ---- recording ----------------------------------------------------------------------

    def _group(self, pod: dict[str, Any]) -> str | None:
        meta = pod["metadata"]
        if meta.get("deletionTimestamp") or (pod.get("status") or {}).get("phase") in (
                "Succeeded", "Failed"):
            return None
        if self.namespace and meta.get("namespace") != self.namespace:
            return None
        if not self.show_system and meta.get("namespace") == SYSTEM_NAMESPACE:
            return None
        if not self._labels.matches(meta.get("labels")):
            return None
        if self.by == "node":
            return (pod.get("spec") or {}).get("nodeName") or UNSCHEDULED
        ref = owner_of(pod, "ReplicaSet")
        return ref["name"] if ref else NO_REPLICASET

    def _on_event(self, etype: str, obj: dict[str, Any]) -> None:
        with self._lock:
            self._apply(etype, obj)

    def _on_relist(self, kind: str, items: list[dict[str, Any]]) -> None:
        """A whole list at once: one sample for all of it."""
        with self._lock:
            changed = False
            for obj in items:
                changed = self._apply("ADDED", obj, sample=False) or changed
            if changed:
                self.samples.append((self.client.now(), dict(self._counts)))

    def _apply(self, etype: str, obj: dict[str, Any], *, sample: bool = True) -> bool:
        """Count one change; True if a group's count changed."""
        now = self.client.now()
        if obj.get("kind") == "Node":
            name = obj["metadata"]["name"]
            ready = "Deleted" if etype == "DELETED" else node_ready(obj)
            ready = "NotReady" if ready == "Unknown" else ready  # kubectl's word
            if self._ready.get(name) != ready:
                if name in self._ready:
                    self.marks.append((now, f"{name} {ready}"))
                self._ready[name] = ready
            return False
        uid = obj["metadata"].get("uid", "")
        before = self._group_of.pop(uid, None)
        after = None if etype == "DELETED" else self._group(obj)
        if after is not None:
            self._group_of[uid] = after
        if before == after:
            return False
        if before is not None:
            self._counts[before] -= 1
        if after is not None:
            self._counts[after] += 1
        if sample:
            self.samples.append((now, dict(self._counts)))
        return True

    # ---- reading ------------------------------------------------------------------------

    def groups(self) -> list[str]:
        """Every group that ever had a pod, in order of first appearance."""
        seen: dict[str, None] = {}
        with self._lock:
            for _, counts in self.samples:
                for g in counts:
                    seen.setdefault(g, None)
        return list(seen)

    def series(self, group: str) -> list[tuple[datetime, int]]:
        with self._lock:
            return [(t, counts.get(group, 0)) for t, counts in self.samples]

    def plot(self, *, title: str | None = None) -> Figure:
        """Live pods per group over cluster time, stacked (so the total stays visible and a
        hand-over — old to new ReplicaSet, failed node to the others — reads as bands
        trading places); dashed marks where a node changed state."""
        fig = Figure(figsize=(8, 3.2), dpi=100)
        ax = fig.add_subplot(1, 1, 1)
        groups = self.groups()
        with self._lock:
            samples, marks = list(self.samples), list(self.marks)
            end = self._stopped_at or self.client.now()
        if samples:
            t0 = samples[0][0]
            xs = [(t - t0).total_seconds() for t, _ in samples]
            xs.append(max(xs[-1], (end - t0).total_seconds()))  # hold the last counts until now
            ys = [[c.get(g, 0) for _, c in samples] for g in groups]
            ys = [row + row[-1:] for row in ys]
            colors = [PALETTE[i % len(PALETTE)] for i in range(len(groups))]
            bands = ax.stackplot(xs, *ys, labels=groups, colors=colors, step="post", alpha=0.85)
            for band, g in zip(bands, groups, strict=True):
                band.set_gid(f"series:{g}")
            for t, text in marks:
                x = (t - t0).total_seconds()
                line = ax.axvline(x, color="#d62728" if "NotReady" in text else "#2e8b57",
                                  linestyle="--", linewidth=1)
                line.set_gid(f"mark:{text}")
                ax.annotate(text, (x, 0), rotation=90, fontsize=7, color="#57606a",
                            xytext=(3, 3), textcoords="offset points", va="bottom")
            handles, labels = ax.get_legend_handles_labels()  # top band first, as stacked
            ax.legend(handles[::-1], labels[::-1], loc="upper left", bbox_to_anchor=(1.0, 1.0),
                      fontsize=7, frameon=False)
            ax.set_xlim(0, xs[-1] or 1)
        ax.set_xlabel("seconds (cluster time)")
        ax.set_ylabel("live pods")
        ax.set_title(title or f"pods per {'node' if self.by == 'node' else 'ReplicaSet'}",
                     fontsize=10)
        ax.grid(alpha=0.3)
        fig.tight_layout()
        return fig

    def stop(self) -> None:
        """Stop watching; the plot then ends here."""
        self._feed.stop()
        with self._lock:
            if self._stopped_at is None:
                self._stopped_at = self.client.now()

    def __enter__(self) -> Timeline:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _repr_png_(self) -> bytes:
        import io

        buf = io.BytesIO()
        self.plot().savefig(buf, format="png")
        return buf.getvalue()


def timeline(client: Any = None, *, by: Group = "replicaset", namespace: str | None = None,
             selector: str | None = None, show_system: bool = False) -> Timeline:
    """Start recording pods per ReplicaSet (or per node) of `client` (default: the current
    profile; kube-system only with `show_system`). Call `.stop()` then `.plot()`."""
    return Timeline(client, by=by, namespace=namespace, selector=selector,
                    show_system=show_system)
