"""Why a pod did not fit: kube-scheduler's FitError message, word for word.

`0/<all> nodes are available: <prefilter msg>.` or `0/<all> nodes are available: <n> <reason>, ….`
— one count per distinct reason over every node's status (nodes a PreFilter ruled out share
one "absent" status), the "<count> <reason>" strings sorted as strings (so "10 x" sorts
before "2 y", as in Go) — then the PostFilter (preemption) message, if any, after a space.
Used by scheduler.py for the PodScheduled condition and the FailedScheduling event, and by
preemption.py for its own nested "preemption: 0/N nodes are available: …" text.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from kubenb.scheduler.filters import Status

NO_NODES = "no nodes available to schedule pods"
NOTE_LENGTH_LIMIT = 1024  # validation.NoteLengthLimit for event messages


@dataclass
class Diagnosis:
    """Per-node statuses of one failed attempt."""

    num_all_nodes: int
    statuses: dict[str, Status] = field(default_factory=dict)  # explicit, per node
    absent: Status | None = None  # status of every node not in `statuses`
    prefilter_msg: str = ""
    postfilter_msg: str = ""

    def status_of(self, node: str) -> Status | None:
        return self.statuses.get(node, self.absent)


def fit_error(d: Diagnosis) -> str:
    msg = f"0/{d.num_all_nodes} nodes are available:"
    if d.prefilter_msg:
        msg += f" {d.prefilter_msg}."
    else:
        counts: Counter[str] = Counter()
        for _, reasons in d.statuses.values():
            counts.update(reasons)
        missing = d.num_all_nodes - len(d.statuses)
        if missing > 0 and d.absent is not None:
            for reason in d.absent[1]:
                counts[reason] += missing
        histogram = sorted(f"{n} {reason}" for reason, n in counts.items())
        if histogram:
            msg += f" {', '.join(histogram)}."
    if d.postfilter_msg:
        msg += f" {d.postfilter_msg}"
    return msg


def truncate(message: str) -> str:
    """truncateMessage: events carry at most 1024 characters."""
    if len(message) <= NOTE_LENGTH_LIMIT:
        return message
    suffix = " ..."
    return message[: NOTE_LENGTH_LIMIT - len(suffix)] + suffix
