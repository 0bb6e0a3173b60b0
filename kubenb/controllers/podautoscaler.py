"""The horizontal pod autoscaler (Kubernetes pkg/controller/podautoscaler/horizontal.go).

Watches HorizontalPodAutoscalers (own key) and looks at each every `Timings.hpa_sync_period`
(upstream 15 s): a new or changed HPA waits for that period too, as upstream's rate-limited
queue makes it. `reconcile` reads the target's scale generically
(`spec.replicas` and `spec.selector` of whatever kind scaleTargetRef names: Deployment,
ReplicaSet, StatefulSet, ReplicationController …), reads pod usage from the Metrics API the
cluster serves (the `metrics` callable it is built with: Cluster.metrics, None while the
metrics-server addon is off), computes the desired count with the replica calculator
(kubenb/controllers/podautoscaler_replicas.py), bounds it by min/max, stabilization windows
and scaling policies, writes `spec.replicas` of the target, and writes status
(currentReplicas, desiredReplicas, currentMetrics, lastScaleTime, conditions AbleToScale /
ScalingActive / ScalingLimited) with upstream's reasons and events (SuccessfulRescale,
FailedGetScale, FailedGetResourceMetric, FailedComputeMetricsReplicas). The deployment and
replicaset controllers take the new spec.replicas from there.

Only Resource metrics (cpu, memory) are computed, with Utilization or AverageValue targets;
other metric types count as invalid. Every spec.metrics entry has its place in
status.currentMetrics: an invalid or failed one keeps upstream's empty entry (`type: ""`), so
describe and the TARGETS column (`<unknown>/50%`) stay aligned with spec.metrics.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from kubenb.api.errors import ApiError, NotFound
from kubenb.api.objects import Key, Obj, clone
from kubenb.api.pods import set_condition
from kubenb.api.quantity import cpu_millis as milli_value
from kubenb.api.quantity import format_cpu_millis
from kubenb.api.registry import UnknownResource
from kubenb.api.selectors import from_label_selector
from kubenb.clock import rfc3339
from kubenb.config import Context
from kubenb.controllers.base import Controller, Watch, own_key
from kubenb.controllers.podautoscaler_replicas import (
    MetricError,
    Proposal,
    raw_replicas,
    resource_replicas,
    scale_down_limit,
    scale_up_limit,
    within_rules,
)

MetricsSource = Callable[..., "list[dict[str, Any]] | None"]
DOWNSCALE_WINDOW = 300.0  # --horizontal-pod-autoscaler-downscale-stabilization
NO_METRICS_API = ("unable to fetch metrics from resource metrics API: the server could not find "
                  "the requested resource (get pods.metrics.k8s.io)")


class ScaleError(Exception):
    pass


class HorizontalController(Controller):
    name = "horizontal-pod-autoscaler"

    def __init__(self, ctx: Context, metrics: MetricsSource | None = None) -> None:
        super().__init__(ctx)
        self.metrics = metrics
        self.recommendations: dict[Key, list[tuple[datetime, int]]] = {}
        self.scale_events: dict[Key, list[tuple[datetime, int]]] = {}  # + up, − down

    def watches(self) -> list[Watch]:
        # enqueueHPA: every add or update waits a sync period (AddRateLimited with a fixed
        # interval) and an earlier pending request wins, so an HPA — new, edited, or just
        # written by its own status update — is looked at once per period, never at once.
        return [Watch("HorizontalPodAutoscaler", own_key, coalesce=self.ctx.timings.hpa_sync_period)]

    # ---- the target -------------------------------------------------------------------

    def _target(self, hpa: Obj) -> Obj:
        ref = hpa["spec"].get("scaleTargetRef") or {}
        group = (ref.get("apiVersion") or "").rpartition("/")[0]
        try:
            rt = self.store.registry.by_kind(ref.get("kind", ""))
        except UnknownResource:
            raise ScaleError(f'no matches for kind "{ref.get("kind")}" in group "{group}"') from None
        if "scale" not in rt.subresources:
            raise ScaleError(f'{rt.qualified} "{ref.get("name")}" has no scale subresource')
        try:
            return self.store.get(rt.kind, hpa["metadata"]["namespace"], ref.get("name", ""))
        except NotFound as err:
            raise ScaleError(err.message) from None

    # ---- reconcile --------------------------------------------------------------------

    def reconcile(self, key: Key) -> float | None:
        hpa = self.store.try_get("HorizontalPodAutoscaler", key.namespace, key.name)
        if hpa is None:
            self.recommendations.pop(key, None)
            self.scale_events.pop(key, None)
            return None
        period = self.ctx.timings.hpa_sync_period
        new = clone(hpa)
        status = new.setdefault("status", {})
        now = rfc3339(self.clock.now())
        try:
            target = self._target(hpa)
        except ScaleError as err:
            set_condition(status, "AbleToScale", "False", now, "FailedGetScale",
                          f"the HPA controller was unable to get the target's current scale: {err}")
            self.recorder.event(hpa, "Warning", "FailedGetScale", str(err))
            self._put(hpa, new)
            return period
        set_condition(status, "AbleToScale", "True", now, "SucceededGetScale",
                      "the HPA controller was able to get the target's current scale")
        spec = hpa["spec"]
        current = int((target.get("spec") or {}).get("replicas", 1))
        min_r, max_r = int(spec.get("minReplicas") or 1), int(spec["maxReplicas"])
        reason, metric_statuses = "", status.get("currentMetrics")
        if current == 0 and min_r != 0:
            desired = 0
            set_condition(status, "ScalingActive", "False", now, "ScalingDisabled",
                          "scaling is disabled since the replica count of the target is zero")
        elif current > max_r:
            desired, reason = max_r, "Current number of replicas above Spec.MaxReplicas"
        elif current < min_r:
            desired, reason = min_r, "Current number of replicas below Spec.MinReplicas"
        else:
            outcome = self._from_metrics(hpa, target, status, current, now)
            if outcome is None:
                status.update(currentReplicas=current)
                self._put(hpa, new)
                return period
            desired, metric_name, metric_statuses = outcome
            if desired > current:
                reason = f"{metric_name} above target"
            elif desired < current:
                reason = "All metrics below target"
            if spec.get("behavior") is None:
                desired = self._normalize(key, status, current, desired, min_r, max_r, now)
            else:
                desired = self._normalize_with_behavior(key, spec["behavior"], status, current,
                                                        desired, min_r, max_r, now)
        rescale = desired != current
        if rescale:
            try:
                scaled = clone(target)
                scaled["spec"]["replicas"] = desired
                self.store.update(scaled)
            except ApiError as err:
                self.recorder.event(hpa, "Warning", "FailedRescale",
                                    f"New size: {desired}; reason: {reason}; error: {err}")
                set_condition(status, "AbleToScale", "False", now, "FailedUpdateScale",
                              f"the HPA controller was unable to update the target scale: {err}")
                self._put(hpa, new)
                return period
            set_condition(status, "AbleToScale", "True", now, "SucceededRescale",
                          f"the HPA controller was able to update the target scale to {desired}")
            self.recorder.event(hpa, "Normal", "SuccessfulRescale", f"New size: {desired}; reason: {reason}")
            self.scale_events.setdefault(key, []).append((self.clock.now(), desired - current))
            status["lastScaleTime"] = now
        status["currentReplicas"], status["desiredReplicas"] = current, desired
        if metric_statuses:
            status["currentMetrics"] = metric_statuses
        self._put(hpa, new)
        return period

    def _from_metrics(self, hpa: Obj, target: Obj, status: Obj, current: int,
                      now: str) -> tuple[int, str, list[Obj]] | None:
        """computeReplicasForMetrics: (replicas, metric name, statuses), None if every metric failed."""
        specs = hpa["spec"].get("metrics") or []
        selector = from_label_selector((target.get("spec") or {}).get("selector"))
        pods = self.store.list("Pod", hpa["metadata"]["namespace"], label_selector=selector)
        best: tuple[int, str] | None = None
        statuses: list[Obj] = []
        first_error = first_condition = ""
        for spec in specs:
            source = spec.get("resource") or {}
            name = source.get("name", "")
            raw = (source.get("target") or {}).get("averageValue") is not None
            try:
                if spec.get("type") != "Resource":
                    raise MetricError(f'unsupported metric source type "{spec.get("type")}"')
                proposal = self._resource(hpa, source, pods, current)
            except MetricError as err:
                text = f"failed to get {name} {'usage' if raw else 'utilization'}: {err}"
                self.recorder.event(hpa, "Warning", "FailedGetResourceMetric", text)
                first_error = first_error or f"failed to get {name} resource metric value: {text}"
                first_condition = first_condition or (
                    f"the HPA was unable to compute the replica count: {text}")
                statuses.append({"type": ""})  # upstream's empty MetricStatus keeps the index
                continue
            statuses.append(self._metric_status(name, proposal))
            metric_name = (f"{name} resource" if proposal.utilization is None
                           else f"{name} resource utilization (percentage of request)")
            if best is None or proposal.replicas > best[0]:
                best = (proposal.replicas, metric_name)
        invalid = sum(1 for s in statuses if not s["type"])
        if best is None or invalid >= len(specs) or (invalid and best[0] < current):
            set_condition(status, "ScalingActive", "False", now, "FailedGetResourceMetric",
                          first_condition)
            message = f"invalid metrics ({invalid} invalid out of {len(specs)}), first error is: {first_error}"
            self.recorder.event(hpa, "Warning", "FailedComputeMetricsReplicas", message)
            status["currentMetrics"] = statuses
            return None
        set_condition(status, "ScalingActive", "True", now, "ValidMetricFound",
                      f"the HPA was able to successfully calculate a replica count from {best[1]}")
        return best[0], best[1], statuses

    def _resource(self, hpa: Obj, source: Obj, pods: list[Obj], current: int) -> Proposal:
        name, target = source.get("name", ""), source.get("target") or {}
        metrics = None if self.metrics is None else self.metrics(
            "Pod", hpa["metadata"]["namespace"], None, None)
        if metrics is None:
            raise MetricError(f"unable to get metrics for resource {name}: {NO_METRICS_API}")
        names = {p["metadata"]["name"] for p in pods}
        metrics = [m for m in metrics if m["metadata"]["name"] in names]
        if not metrics:
            raise MetricError(f"unable to get metrics for resource {name}: no metrics returned "
                              "from resource metrics API")
        if target.get("averageValue") is not None:  # checked first, as upstream does
            average = milli_value(str(target["averageValue"]))
            return raw_replicas(current, average, name, pods, metrics, self.clock.now())
        util = target.get("averageUtilization")
        if util is None:
            raise MetricError("invalid resource metric source: neither an average utilization "
                              "target nor an average value (usage) target was set")
        return resource_replicas(current, int(util), name, pods, metrics, self.clock.now())

    @staticmethod
    def _metric_status(name: str, p: Proposal) -> Obj:
        """MetricValueStatus: averageValue is NewMilliQuantity(raw, DecimalSI) for both targets."""
        current: Obj = {"averageValue": format_cpu_millis(p.raw)}
        if p.utilization is not None:
            current = {"averageUtilization": p.utilization, **current}
        return {"type": "Resource", "resource": {"name": name, "current": current}}

    # ---- normalisation ----------------------------------------------------------------

    def _normalize(self, key: Key, status: Obj, current: int, desired: int, min_r: int,
                   max_r: int, now: str) -> int:
        """normalizeDesiredReplicas: the 5-minute downscale window, then min/max and rate."""
        t = self.clock.now()
        recs = [r for r in self.recommendations.get(key, [])
                if r[0] > t - timedelta(seconds=DOWNSCALE_WINDOW)]
        stabilized = max([desired, *(n for _, n in recs)])
        self.recommendations[key] = [*recs, (t, desired)]
        if stabilized != desired:
            set_condition(status, "AbleToScale", "True", now, "ScaleDownStabilized",
                          "recent recommendations were higher than current one, applying the highest "
                          "recent recommendation")
        else:
            set_condition(status, "AbleToScale", "True", now, "ReadyForNewScale",
                          "recommended size matches current size")
        final, reason, message = within_rules(current, stabilized, min_r, max_r)
        set_condition(status, "ScalingLimited", "False" if final == stabilized else "True", now,
                      reason, message)
        return final

    def _normalize_with_behavior(self, key: Key, behavior: Obj, status: Obj, current: int,
                                 desired: int, min_r: int, max_r: int, now: str) -> int:
        """normalizeDesiredReplicasWithBehaviors: both windows, then the scaling policies."""
        t = self.clock.now()
        up, down = behavior.get("scaleUp") or {}, behavior.get("scaleDown") or {}
        up_window = int(up.get("stabilizationWindowSeconds") or 0)
        down_window = int(down.get("stabilizationWindowSeconds") or 0)
        longest = max(up_window, down_window)
        recs = [r for r in self.recommendations.get(key, []) if r[0] > t - timedelta(seconds=longest)]
        up_rec = min([desired, *(n for s, n in recs if s > t - timedelta(seconds=up_window))])
        down_rec = max([desired, *(n for s, n in recs if s > t - timedelta(seconds=down_window))])
        self.recommendations[key] = [*recs, (t, desired)]
        stabilized = current
        if stabilized < up_rec:
            stabilized = up_rec
        if stabilized > down_rec:
            stabilized = down_rec
        if stabilized == desired:
            set_condition(status, "AbleToScale", "True", now, "ReadyForNewScale",
                          "recommended size matches current size")
        elif stabilized < desired:
            set_condition(status, "AbleToScale", "True", now, "ScaleUpStabilized",
                          "recent recommendations were lower than current one, applying the lowest "
                          "recent recommendation")
        else:
            set_condition(status, "AbleToScale", "True", now, "ScaleDownStabilized",
                          "recent recommendations were higher than current one, applying the highest "
                          "recent recommendation")
        events = self.scale_events.get(key, [])
        final, reason, message = stabilized, "DesiredWithinRange", "the desired count is within the acceptable range"
        if stabilized > current:
            limit = max(scale_up_limit(current, [(s, n) for s, n in events if n > 0], up, t), current)
            highest, reason, message = (limit, "ScaleUpLimit", "the desired replica count is increasing "
                                        "faster than the maximum scale rate") if max_r > limit else (
                max_r, "TooManyReplicas", "the desired replica count is more than the maximum replica count")
            final = min(stabilized, highest)
        elif stabilized < current:
            limit = min(scale_down_limit(current, [(s, -n) for s, n in events if n < 0], down, t), current)
            lowest, reason, message = (limit, "ScaleDownLimit", "the desired replica count is decreasing "
                                       "faster than the maximum scale rate") if min_r < limit else (
                min_r, "TooFewReplicas", "the desired replica count is less than the minimum replica count")
            final = max(stabilized, lowest)
        if final == stabilized:
            reason, message = "DesiredWithinRange", "the desired count is within the acceptable range"
        set_condition(status, "ScalingLimited", "False" if final == stabilized else "True", now,
                      reason, message)
        return final

    def _put(self, hpa: Obj, new: Obj) -> None:
        if new.get("status") != hpa.get("status"):
            self.store.update(new, subresource="status")
