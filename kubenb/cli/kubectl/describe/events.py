"""The `Events:` section every describer ends with (kubectl `DescribeEvents`).

`Events:\\t<none>` when there are none — the TAB lets it align with the block above.
Otherwise the tabwriter is flushed first, and a two-space-indented table follows:
Type, Reason, Age, From, Message, with a dashes row, oldest `lastTimestamp` first.
Age is the first-seen age, or `<last> (x<count> over <first>)` for repeated events
(`series` for events.k8s.io-style events, `count > 1` for core ones). kubectl >= 1.35
prefixes the message with `<involvedObject.fieldPath>: `; `field_path_prefix=False` gives
the older bare message. Fed by the per-kind describers and by the CLI's describe command.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from kubenb.api.tables.duration import age, parse_time
from kubenb.cli.kubectl.describe.writer import DEFAULT_KUBECTL_MINOR, DescribeWriter


def _sort_key(event: dict[str, Any]) -> datetime:
    when = parse_time(event.get("lastTimestamp"))
    return when if when is not None else datetime.min.replace(tzinfo=timezone.utc)


def event_age(event: dict[str, Any], now: datetime) -> str:
    """The Age cell: `60s`, or `2m (x3 over 10m)`."""
    first = age(event.get("eventTime"), now)
    if not event.get("eventTime"):
        first = age(event.get("firstTimestamp"), now)
    series = event.get("series")
    if series is not None:
        return f"{age(series.get('lastObservedTime'), now)} (x{series.get('count', 0)} over {first})"
    count = event.get("count") or 0
    if count > 1:
        return f"{age(event.get('lastTimestamp'), now)} (x{count} over {first})"
    return first


def event_message(event: dict[str, Any], field_path_prefix: bool = True) -> str:
    """The Message cell: the trimmed message, optionally after `<fieldPath>: `."""
    message = (event.get("message") or "").strip()
    field_path = (event.get("involvedObject") or {}).get("fieldPath") or ""
    if field_path_prefix and field_path:
        message = f"{field_path}: {message}"
    return message


def write_events(
    w: DescribeWriter, events: list[dict[str, Any]], now: datetime, *, field_path_prefix: bool = True,
) -> None:
    """Write the Events section into a describer's output."""
    if not events:
        w.write(0, "Events:\t<none>\n")
        return
    w.flush()
    w.write(0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n")
    w.write(1, "----\t------\t----\t----\t-------\n")
    for event in sorted(events, key=_sort_key):
        source = (event.get("source") or {}).get("component") or event.get("reportingController") or ""
        w.write(1, f"{event.get('type', '')}\t{event.get('reason', '')}\t{event_age(event, now)}\t"
                   f"{source}\t{event_message(event, field_path_prefix)}\n")


def write_events_if_shown(
    w: DescribeWriter, events: list[dict[str, Any]] | None, now: datetime,
    kubectl_minor: int = DEFAULT_KUBECTL_MINOR,
) -> None:
    """The Events section unless `events` is None (`--show-events=false`); the kubectl
    version picks whether messages carry their field path (>= 1.35)."""
    if events is not None:
        write_events(w, events, now, field_path_prefix=kubectl_minor >= 35)


def describe_events(
    events: list[dict[str, Any]], now: datetime, *, field_path_prefix: bool = True,
) -> str:
    """The Events section on its own, laid out (ends with a newline)."""
    w = DescribeWriter()
    write_events(w, events, now, field_path_prefix=field_path_prefix)
    return w.render()
