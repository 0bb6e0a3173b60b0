"""`kubenb.check(...)`: the check cell of an exercise — what is right, what is missing.

An exercise says in words what the learner should do ("scale to 3 so that every node runs
one"); its check cell states the same as expectations and reads the cluster once:

    kubenb.check(kubenb.expect.deployment("web", replicas=3, available=3),
                 kubenb.expect.pods("app=web", node="minikube-m02", at_least=1), lang="zh")

Each expectation reads what it needs through the current profile's client (the kubeconfig's
context, like `%kubectl`) and yields one line per fact: `✔` what is right, `✘` what is still
missing, with the value found and the value wanted, in the lesson's language ("en" or "zh").
A last line sums up. Nothing waits and nothing is random: the same cluster state prints the
same lines, so a notebook can run both the failing and the passing path under nbval.
The lines go to stdout; the returned `Report` (`.passed`, `.lines`) displays as nothing.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from kubenb.cli.expectations import expect
from kubenb.cli.findings import LANGS, Expectation, Finding, Text, t

__all__ = ["Report", "check", "expect", "explain"]


@dataclass
class Report:
    """The result of a check: every line printed, and whether all expectations hold."""

    passed: bool
    lines: list[str] = field(default_factory=list)

    def _ipython_display_(self) -> None:  # already printed
        return None

    def __bool__(self) -> bool:
        return self.passed




def check(*expectations: Expectation, lang: str = "en", client: Any = None,
          out: Any = None) -> Report:
    """Evaluate the expectations against the cluster; print one line per fact and a summary."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}")
    stream = out if out is not None else sys.stdout
    if client is None:
        from kubenb.cli import session

        client = session.current_client()
        if client is None:
            line = {"en": "✘ no cluster is running: start one with %minikube start",
                    "zh": "✘ 没有正在运行的集群：先用 %minikube start 启动一个"}[lang]
            stream.write(line + "\n")
            return Report(False, [line])
    findings = [f for e in expectations for f in e(client)]
    lines = explain(findings, lang)
    failed = sum(1 for ok, _ in findings if not ok)
    lines.append(_summary(failed, len(findings))[lang])
    stream.write("".join(line + "\n" for line in lines))
    return Report(failed == 0, lines)


def _summary(failed: int, total: int) -> Text:
    if failed == 0:
        return t("All done.", "全部完成。")
    return t(f"Not yet: {failed} of {total} checks fail.",
              f"还没完成：{total} 项检查中有 {failed} 项未通过。")


def explain(findings: Iterable[Finding], lang: str) -> list[str]:
    """The lines for findings, as `check` prints them (for tests and other front ends)."""
    return [("✔ " if ok else "✘ ") + text[lang] for ok, text in findings]
