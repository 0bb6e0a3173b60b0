"""`kubectl describe` for LimitRange and ResourceQuota (describeLimitRange, describeQuota).

- LimitRange: Name, Namespace, then the table Type Resource Min Max Default Request
  Default Limit Max Limit/Request Ratio (rows as in `describe namespace`, names sorted where
  Go walks a map).
- ResourceQuota: Name, Namespace, Scopes with their help lines, then Resource Used Hard
  for every resource of `status.hard`, sorted; a used amount in another format than its hard
  limit is re-printed as a whole number in the hard limit's format, as kubectl does.
Neither prints labels, annotations or events. Fed by the CLI's describe command.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from kubenb.api.quantity import format_quantity, is_quantity, parse_quantity, quantity_format
from kubenb.cli.kubectl.describe.config import write_limit_range_rows, write_quota_table
from kubenb.cli.kubectl.describe.writer import (
    DEFAULT_KUBECTL_MINOR,
    DescribeWriter,
    meta,
)


def describe_limit_range(lr: dict[str, Any], events: Sequence[dict[str, Any]] | None = None,
                         now: datetime | None = None, *, kubectl_minor: int = DEFAULT_KUBECTL_MINOR) -> str:
    w = DescribeWriter()
    w.write(0, f"Name:\t{meta(lr).get('name', '')}\n")
    w.write(0, f"Namespace:\t{meta(lr).get('namespace', '')}\n")
    w.write(0, "Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\tMax Limit/Request Ratio\n")
    w.write(0, "----\t--------\t---\t---\t---------------\t-------------\t-----------------------\n")
    write_limit_range_rows(w, lr, "")
    return w.render()


def _used_text(used: Any, hard: Any) -> str:
    if not is_quantity(hard):
        return str(used or "0")
    if not is_quantity(used):
        used = "0"
    fmt = quantity_format(hard)
    if quantity_format(used) != fmt:  # resource.NewQuantity(used.Value(), hard.Format)
        return format_quantity(math.ceil(parse_quantity(used)), fmt)
    return format_quantity(parse_quantity(used), fmt)


def describe_quota(quota: dict[str, Any], events: Sequence[dict[str, Any]] | None = None,
                   now: datetime | None = None, *, kubectl_minor: int = DEFAULT_KUBECTL_MINOR) -> str:
    w = DescribeWriter()
    w.write(0, f"Name:\t{meta(quota).get('name', '')}\n")
    w.write(0, f"Namespace:\t{meta(quota).get('namespace', '')}\n")
    write_quota_table(w, 0, quota, bullet=" * ", rule="----", used_text=_used_text)
    return w.render()
