"""`kubectl explain` documentation for HorizontalPodAutoscaler (autoscaling/v2) and
PodDisruptionBudget (policy/v1) and their spec/status types, from the comments of the
upstream API types (staging/src/k8s.io/api/autoscaling/v2/types.go, policy/v1/types.go).
Merged into explain_docs.SCHEMAS at the end of that module.
"""

from __future__ import annotations

from kubenb.api.explain.schema import F, R, Schema
from kubenb.api.explain.schema import top as _top

_CONVENTIONS = "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md"
_METRIC = F("MetricIdentifier", "metric identifies the target metric by name and selector")
_RMETRIC = R("MetricIdentifier", "metric identifies the target metric by name and selector")
_TARGET = R("MetricTarget", "target specifies the target value for the given metric")
_CURRENT = R("MetricValueStatus", "current contains the current value for the given metric")
_RES_NAME = R("string", "name is the name of the resource in question.")
_CONTAINER = R("string", "container is the name of the container in the pods of the scaling target")
_BUILT_IN = ("Such metrics are built in to Kubernetes, and have special scaling options on top of those "
             "available to normal per-pod metrics using the \"pods\" source.")
_TYPES = ("type is the type of metric source.  It {verb} be one of \"ContainerResource\", \"External\", "
          "\"Object\", \"Pods\" or \"Resource\", each {maps} a matching field in the object.")
_OBJECT = "object refers to a metric describing a single kubernetes object (for example, hits-per-second on an Ingress object)."
_PODS = ("pods refers to a metric describing each pod in the current scale target (for example, "
         "transactions-processed-per-second).  The values will be averaged together before being compared "
         "to the target value.")
_RESOURCE = ("resource refers to a resource metric (such as those specified in requests and limits) known to "
             "Kubernetes describing each pod in the current scale target (e.g. CPU or memory). " + _BUILT_IN)
_EXTERNAL = ("external refers to a global metric that is not associated with any Kubernetes object. It allows "
             "autoscaling based on information coming from components running outside of cluster (for example "
             "length of queue in cloud messaging service, or QPS from loadbalancer running outside of cluster).")
_RESOURCE_SOURCE = ("indicates how to scale on a resource metric known to Kubernetes, as specified in requests "
                    "and limits, describing each pod in the current scale target (e.g. CPU or memory).  The "
                    "values will be averaged together before being compared to the target.  " + _BUILT_IN
                    + "  Only one \"target\" type should be set.")
_RESOURCE_STATUS = ("indicates the current value of a resource metric known to Kubernetes, as specified in "
                    "requests and limits, describing {what} in the current scale target (e.g. CPU or memory).  "
                    "Such metrics are built in to Kubernetes, and have special scaling options on top of those "
                    "available to normal per-pod metrics using the \"pods\" source.")
_UNHEALTHY = (
    "UnhealthyPodEvictionPolicy defines the criteria for when unhealthy pods should be considered for "
    "eviction. Current implementation considers healthy pods, as pods that have status.conditions item with "
    "type=\"Ready\",status=\"True\".\n\nValid policies are IfHealthyBudget and AlwaysAllow. If no policy is "
    "specified, the default behavior will be used, which corresponds to the IfHealthyBudget policy.\n\n"
    "IfHealthyBudget policy means that running pods (status.phase=\"Running\"), but not yet healthy can be "
    "evicted only if the guarded application is not disrupted (status.currentHealthy is at least equal to "
    "status.desiredHealthy). Healthy pods will be subject to the PDB for eviction.\n\nAlwaysAllow policy "
    "means that all running pods (status.phase=\"Running\"), but not yet healthy are considered disrupted and "
    "can be evicted regardless of whether the criteria in a PDB is met. This means perspective running pods "
    "of a disrupted application might not get a chance to become healthy. Healthy pods will be subject to "
    "the PDB for eviction.\n\nAdditional policies may be added in the future. Clients making eviction "
    "decisions should disallow eviction of unhealthy pods if they encounter an unrecognized policy in this "
    "field.\n\nThis field is beta-level. The eviction API uses this field when the feature gate "
    "PDBUnhealthyPodEvictionPolicy is enabled (enabled by default).")
_PDB_CONDITIONS = (
    "Conditions contain conditions for PDB. The disruption controller sets the DisruptionAllowed condition. "
    "The following are known values for the reason field (additional reasons could be added in the future): "
    "- SyncFailed: The controller encountered an error and wasn't able to compute\n              the number "
    "of allowed disruptions. Therefore no disruptions are\n              allowed and the status of the "
    "condition will be False.\n- InsufficientPods: The number of pods are either at or below the number\n"
    "                    required by the PodDisruptionBudget. No disruptions are\n                    "
    "allowed and the status of the condition will be False.\n- SufficientPods: There are more pods than "
    "required by the PodDisruptionBudget.\n                  The condition will be True, and the number of "
    "allowed\n                  disruptions are provided by the disruptionsAllowed property.")

SCHEMAS: dict[str, Schema] = {
    "HorizontalPodAutoscaler": _top(
        "HorizontalPodAutoscaler is the configuration for a horizontal pod autoscaler, which automatically "
        "manages the replica count of any resource implementing the scale subresource based on the metrics "
        "specified.",
        metadata=F("ObjectMeta", "metadata is the standard object metadata. More info: "
                   f"{_CONVENTIONS}#metadata"),
        spec=F("HorizontalPodAutoscalerSpec", "spec is the specification for the behaviour of the autoscaler. "
               f"More info: {_CONVENTIONS}#spec-and-status."),
        status=F("HorizontalPodAutoscalerStatus", "status is the current information about the autoscaler.")),
    "HorizontalPodAutoscalerSpec": Schema(
        "HorizontalPodAutoscalerSpec describes the desired functionality of the HorizontalPodAutoscaler.", {
            "behavior": F("HorizontalPodAutoscalerBehavior", "behavior configures the scaling behavior of the target in both Up and Down directions (scaleUp and scaleDown fields respectively). If not set, the default HPAScalingRules for scale up and scale down are used."),
            "maxReplicas": R("integer", "maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up. It cannot be less that minReplicas."),
            "metrics": F("[]MetricSpec", "metrics contains the specifications for which to use to calculate the desired replica count (the maximum replica count across all metrics will be used).  The desired replica count is calculated multiplying the ratio between the target value and the current value by the current number of pods.  Ergo, metrics used must decrease as the pod count is increased, and vice-versa.  See the individual metric source types for more information about how each type of metric must respond. If not set, the default metric will be set to 80% average CPU utilization."),
            "minReplicas": F("integer", "minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down.  It defaults to 1 pod.  minReplicas is allowed to be 0 if the alpha feature gate HPAScaleToZero is enabled and at least one Object or External metric is configured.  Scaling is active as long as at least one metric value is available."),
            "scaleTargetRef": R("CrossVersionObjectReference", "scaleTargetRef points to the target resource to scale, and is used to the pods for which metrics should be collected, as well as to actually change the replica count."),
        }),
    "CrossVersionObjectReference": Schema(
        "CrossVersionObjectReference contains enough information to let you identify the referred resource.", {
            "apiVersion": F("string", "apiVersion is the API version of the referent"),
            "kind": R("string", f"kind is the kind of the referent; More info: {_CONVENTIONS}#types-kinds"),
            "name": R("string", "name is the name of the referent; More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#names"),
        }),
    "MetricSpec": Schema(
        "MetricSpec specifies how to scale based on a single metric (only `type` and one other matching field "
        "should be set at once).", {
            "containerResource": F("ContainerResourceMetricSource", "containerResource refers to a resource metric (such as those specified in requests and limits) known to Kubernetes describing a single container in each pod of the current scale target (e.g. CPU or memory). " + _BUILT_IN),
            "external": F("ExternalMetricSource", _EXTERNAL),
            "object": F("ObjectMetricSource", _OBJECT),
            "pods": F("PodsMetricSource", _PODS),
            "resource": F("ResourceMetricSource", _RESOURCE),
            "type": R("string", _TYPES.format(verb="should", maps="mapping to")),
        }),
    "ObjectMetricSource": Schema(
        "ObjectMetricSource indicates how to scale on a metric describing a kubernetes object (for example, "
        "hits-per-second on an Ingress object).", {
            "describedObject": R("CrossVersionObjectReference", "describedObject specifies the descriptions of a object,such as kind,name apiVersion"),
            "metric": _RMETRIC, "target": _TARGET,
        }),
    "PodsMetricSource": Schema(
        "PodsMetricSource indicates how to scale on a metric describing each pod in the current scale target "
        "(for example, transactions-processed-per-second). The values will be averaged together before being "
        "compared to the target value.", {"metric": _RMETRIC, "target": _TARGET}),
    "ResourceMetricSource": Schema("ResourceMetricSource " + _RESOURCE_SOURCE, {"name": _RES_NAME, "target": _TARGET}),
    "ContainerResourceMetricSource": Schema(
        "ContainerResourceMetricSource " + _RESOURCE_SOURCE,
        {"container": _CONTAINER, "name": _RES_NAME, "target": _TARGET}),
    "ExternalMetricSource": Schema(
        "ExternalMetricSource indicates how to scale on a metric not associated with any Kubernetes object "
        "(for example length of queue in cloud messaging service, or QPS from loadbalancer running outside of "
        "cluster).", {"metric": _RMETRIC, "target": _TARGET}),
    "MetricIdentifier": Schema("MetricIdentifier defines the name and optionally selector for a metric", {
        "name": R("string", "name is the name of the given metric"),
        "selector": F("LabelSelector", "selector is the string-encoded form of a standard kubernetes label selector for the given metric When set, it is passed as an additional parameter to the metrics server for more specific metrics scoping. When unset, just the metricName will be used to gather metrics."),
    }),
    "MetricTarget": Schema(
        "MetricTarget defines the target value, average value, or average utilization of a specific metric", {
            "averageUtilization": F("integer", "averageUtilization is the target value of the average of the resource metric across all relevant pods, represented as a percentage of the requested value of the resource for the pods. Currently only valid for Resource metric source type"),
            "averageValue": F("Quantity", "averageValue is the target value of the average of the metric across all relevant pods (as a quantity)"),
            "type": R("string", "type represents whether the metric type is Utilization, Value, or AverageValue"),
            "value": F("Quantity", "value is the target value of the metric (as a quantity)."),
        }),
    "HorizontalPodAutoscalerBehavior": Schema(
        "HorizontalPodAutoscalerBehavior configures the scaling behavior of the target in both Up and Down "
        "directions (scaleUp and scaleDown fields respectively).", {
            "scaleDown": F("HPAScalingRules", "scaleDown is scaling policy for scaling Down. If not set, the default value is to allow to scale down to minReplicas pods, with a 300 second stabilization window (i.e., the highest recommendation for the last 300sec is used)."),
            "scaleUp": F("HPAScalingRules", "scaleUp is scaling policy for scaling Up. If not set, the default value is the higher of:\n  * increase no more than 4 pods per 60 seconds\n  * double the number of pods per 60 seconds\nNo stabilization is used."),
        }),
    "HPAScalingRules": Schema(
        "HPAScalingRules configures the scaling behavior for one direction. These Rules are applied after "
        "calculating DesiredReplicas from metrics for the HPA. They can limit the scaling velocity by "
        "specifying scaling policies. They can prevent flapping by specifying the stabilization window, so "
        "that the number of replicas is not set instantly, instead, the safest value from the stabilization "
        "window is chosen.", {
            "policies": F("[]HPAScalingPolicy", "policies is a list of potential scaling polices which can be used during scaling. At least one policy must be specified, otherwise the HPAScalingRules will be discarded as invalid"),
            "selectPolicy": F("string", "selectPolicy is used to specify which policy should be used. If not set, the default value Max is used."),
            "stabilizationWindowSeconds": F("integer", "stabilizationWindowSeconds is the number of seconds for which past recommendations should be considered while scaling up or scaling down. StabilizationWindowSeconds must be greater than or equal to zero and less than or equal to 3600 (one hour). If not set, use the default values: - For scale up: 0 (i.e. no stabilization is done). - For scale down: 300 (i.e. the stabilization window is 300 seconds long)."),
        }),
    "HPAScalingPolicy": Schema("HPAScalingPolicy is a single policy which must hold true for a specified past interval.", {
        "periodSeconds": R("integer", "periodSeconds specifies the window of time for which the policy should hold true. PeriodSeconds must be greater than zero and less than or equal to 1800 (30 min)."),
        "type": R("string", "type is used to specify the scaling policy."),
        "value": R("integer", "value contains the amount of change which is permitted by the policy. It must be greater than zero"),
    }),
    "HorizontalPodAutoscalerStatus": Schema(
        "HorizontalPodAutoscalerStatus describes the current status of a horizontal pod autoscaler.", {
            "conditions": F("[]HorizontalPodAutoscalerCondition", "conditions is the set of conditions required for this autoscaler to scale its target, and indicates whether or not those conditions are met."),
            "currentMetrics": F("[]MetricStatus", "currentMetrics is the last read state of the metrics used by this autoscaler."),
            "currentReplicas": F("integer", "currentReplicas is current number of replicas of pods managed by this autoscaler, as last seen by the autoscaler."),
            "desiredReplicas": R("integer", "desiredReplicas is the desired number of replicas of pods managed by this autoscaler, as last calculated by the autoscaler."),
            "lastScaleTime": F("string", "lastScaleTime is the last time the HorizontalPodAutoscaler scaled the number of pods, used by the autoscaler to control how often the number of pods is changed."),
            "observedGeneration": F("integer", "observedGeneration is the most recent generation observed by this autoscaler."),
        }),
    "HorizontalPodAutoscalerCondition": Schema(
        "HorizontalPodAutoscalerCondition describes the state of a HorizontalPodAutoscaler at a certain point.", {
            "lastTransitionTime": F("string", "lastTransitionTime is the last time the condition transitioned from one status to another"),
            "message": F("string", "message is a human-readable explanation containing details about the transition"),
            "reason": F("string", "reason is the reason for the condition's last transition."),
            "status": R("string", "status is the status of the condition (True, False, Unknown)"),
            "type": R("string", "type describes the current condition"),
        }),
    "MetricStatus": Schema("MetricStatus describes the last-read state of a single metric.", {
        "containerResource": F("ContainerResourceMetricStatus", "container resource refers to a resource metric (such as those specified in requests and limits) known to Kubernetes describing a single container in each pod in the current scale target (e.g. CPU or memory). " + _BUILT_IN),
        "external": F("ExternalMetricStatus", _EXTERNAL),
        "object": F("ObjectMetricStatus", _OBJECT),
        "pods": F("PodsMetricStatus", _PODS),
        "resource": F("ResourceMetricStatus", _RESOURCE),
        "type": R("string", _TYPES.format(verb="will", maps="corresponds to")),
    }),
    "ObjectMetricStatus": Schema(
        "ObjectMetricStatus indicates the current value of a metric describing a kubernetes object (for "
        "example, hits-per-second on an Ingress object).", {
            "current": _CURRENT,
            "describedObject": R("CrossVersionObjectReference", "DescribedObject specifies the descriptions of a object,such as kind,name apiVersion"),
            "metric": _RMETRIC,
        }),
    "PodsMetricStatus": Schema(
        "PodsMetricStatus indicates the current value of a metric describing each pod in the current scale "
        "target (for example, transactions-processed-per-second).", {"current": _CURRENT, "metric": _RMETRIC}),
    "ResourceMetricStatus": Schema("ResourceMetricStatus " + _RESOURCE_STATUS.format(what="each pod"),
                                   {"current": _CURRENT, "name": _RES_NAME}),
    "ContainerResourceMetricStatus": Schema(
        "ContainerResourceMetricStatus " + _RESOURCE_STATUS.format(what="a single container in each pod"),
        {"container": _CONTAINER, "current": _CURRENT, "name": _RES_NAME}),
    "ExternalMetricStatus": Schema(
        "ExternalMetricStatus indicates the current value of a global metric not associated with any "
        "Kubernetes object.", {"current": _CURRENT, "metric": _RMETRIC}),
    "MetricValueStatus": Schema("MetricValueStatus holds the current value for a metric", {
        "averageUtilization": F("integer", "currentAverageUtilization is the current value of the average of the resource metric across all relevant pods, represented as a percentage of the requested value of the resource for the pods."),
        "averageValue": F("Quantity", "averageValue is the current value of the average of the metric across all relevant pods (as a quantity)"),
        "value": F("Quantity", "value is the current value of the metric (as a quantity)."),
    }),
    "PodDisruptionBudget": _top(
        "PodDisruptionBudget is an object to define the max disruption that can be caused to a collection of pods",
        spec=F("PodDisruptionBudgetSpec", "Specification of the desired behavior of the PodDisruptionBudget."),
        status=F("PodDisruptionBudgetStatus", "Most recently observed status of the PodDisruptionBudget.")),
    "PodDisruptionBudgetSpec": Schema("PodDisruptionBudgetSpec is a description of a PodDisruptionBudget.", {
        "maxUnavailable": F("IntOrString", "An eviction is allowed if at most \"maxUnavailable\" pods selected by \"selector\" are unavailable after the eviction, i.e. even in absence of the evicted pod. For example, one can prevent all voluntary evictions by specifying 0. This is a mutually exclusive setting with \"minAvailable\"."),
        "minAvailable": F("IntOrString", "An eviction is allowed if at least \"minAvailable\" pods selected by \"selector\" will still be available after the eviction, i.e. even in the absence of the evicted pod.  So for example you can prevent all voluntary evictions by specifying \"100%\"."),
        "selector": F("LabelSelector", "Label query over pods whose evictions are managed by the disruption budget. A null selector will match no pods, while an empty ({}) selector will select all pods within the namespace."),
        "unhealthyPodEvictionPolicy": F("string", _UNHEALTHY, "AlwaysAllow", "IfHealthyBudget"),
    }),
    "PodDisruptionBudgetStatus": Schema(
        "PodDisruptionBudgetStatus represents information about the status of a PodDisruptionBudget. Status "
        "may trail the actual state of a system.", {
            "conditions": F("[]Condition", _PDB_CONDITIONS),
            "currentHealthy": R("integer", "current number of healthy pods"),
            "desiredHealthy": R("integer", "minimum desired number of healthy pods"),
            "disruptedPods": F("map[string]string", "DisruptedPods contains information about pods whose eviction was processed by the API server eviction subresource handler but has not yet been observed by the PodDisruptionBudget controller. A pod will be in this map from the time when the API server processed the eviction request to the time when the pod is seen by PDB controller as having been marked for deletion (or after a timeout). The key in the map is the name of the pod and the value is the time when the API server processed the eviction request. If the deletion didn't occur and a pod is still there it will be removed from the list automatically by PodDisruptionBudget controller after some time. If everything goes smooth this map should be empty for the most of the time. Large number of entries in the map may indicate problems with pod deletions."),
            "disruptionsAllowed": R("integer", "Number of pod disruptions that are currently allowed."),
            "expectedPods": R("integer", "total number of pods counted by this disruption budget"),
            "observedGeneration": F("integer", "Most recent generation observed when updating this PDB status. DisruptionsAllowed and other status information is valid only if observedGeneration equals to PDB's object generation."),
        }),
}
