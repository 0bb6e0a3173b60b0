"""`kubectl explain` documentation for LimitRange and ResourceQuota.

Same shape as `explain_docs.py` (which merges `SCHEMAS` from here): descriptions from the
Kubernetes API reference (v1.32 core/v1 types.go), enum values in the API's sorted order.
"""

from __future__ import annotations

from kubenb.api.explain.schema import F, R, Schema
from kubenb.api.explain.schema import top as _top

_CONV = "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status"
_RQ = "https://kubernetes.io/docs/concepts/policy/resource-quotas/"
_SCOPES = ("BestEffort", "CrossNamespacePodAffinity", "NotBestEffort", "NotTerminating", "PriorityClass",
           "Terminating")

SCHEMAS: dict[str, Schema] = {
    "LimitRange": _top(
        "LimitRange sets resource usage limits for each kind of resource in a Namespace.",
        spec=F("LimitRangeSpec", f"Spec defines the limits enforced. More info: {_CONV}")),
    "LimitRangeSpec": Schema("LimitRangeSpec defines a min/max usage limit for resources that match on kind.", {
        "limits": R("[]LimitRangeItem", "Limits is the list of LimitRangeItem objects that are enforced."),
    }),
    "LimitRangeItem": Schema("LimitRangeItem defines a min/max usage limit for any resource that matches on kind.", {
        "default": F("map[string]Quantity", "Default resource requirement limit value by resource name if resource limit is omitted."),
        "defaultRequest": F("map[string]Quantity", "DefaultRequest is the default resource requirement request value by resource name if resource request is omitted."),
        "max": F("map[string]Quantity", "Max usage constraints on this kind by resource name."),
        "maxLimitRequestRatio": F("map[string]Quantity", "MaxLimitRequestRatio if specified, the named resource must have a request and limit that are both non-zero where limit divided by request is less than or equal to the enumerated value; this represents the max burst for the named resource."),
        "min": F("map[string]Quantity", "Min usage constraints on this kind by resource name."),
        "type": R("string", "Type of resource that this limit applies to."),
    }),
    "ResourceQuota": _top(
        "ResourceQuota sets aggregate quota restrictions enforced per namespace",
        spec=F("ResourceQuotaSpec", f"Spec defines the desired quota. {_CONV}"),
        status=F("ResourceQuotaStatus", f"Status defines the actual enforced quota and its current usage. {_CONV}")),
    "ResourceQuotaSpec": Schema("ResourceQuotaSpec defines the desired hard limits to enforce for Quota.", {
        "hard": F("map[string]Quantity", f"hard is the set of desired hard limits for each named resource. More info: {_RQ}"),
        "scopeSelector": F("ScopeSelector", "scopeSelector is also a collection of filters like scopes that must match each object tracked by a quota but expressed using ScopeSelectorOperator in combination with possible values. For a resource to match, both scopes AND scopeSelector (if specified in spec), must be matched."),
        "scopes": F("[]string", "A collection of filters that must match each object tracked by a quota. If not specified, the quota matches all objects.", *_SCOPES),
    }),
    "ScopeSelector": Schema("A scope selector represents the AND of the selectors represented by the scoped-resource selector requirements.", {
        "matchExpressions": F("[]ScopedResourceSelectorRequirement", "A list of scope selector requirements by scope of the resources."),
    }),
    "ScopedResourceSelectorRequirement": Schema("A scoped-resource selector requirement is a selector that contains values, a scope name, and an operator that relates the scope name and values.", {
        "operator": R("string", "Represents a scope's relationship to a set of values. Valid operators are In, NotIn, Exists, DoesNotExist.", "DoesNotExist", "Exists", "In", "NotIn"),
        "scopeName": R("string", "The name of the scope that the selector applies to.", *_SCOPES),
        "values": F("[]string", "An array of string values. If the operator is In or NotIn, the values array must be non-empty. If the operator is Exists or DoesNotExist, the values array must be empty. This array is replaced during a strategic merge patch."),
    }),
    "ResourceQuotaStatus": Schema("ResourceQuotaStatus defines the enforced hard limits and observed use.", {
        "hard": F("map[string]Quantity", f"Hard is the set of enforced hard limits for each named resource. More info: {_RQ}"),
        "used": F("map[string]Quantity", "Used is the current observed total usage of the resource in the namespace."),
    }),
}
