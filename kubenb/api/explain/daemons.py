"""`kubectl explain` documentation for DaemonSet, ReplicationController and
ControllerRevision and their spec/status types (Kubernetes API reference v1.32, shortened).
Merged into explain_docs.SCHEMAS at the end of that module.
"""

from __future__ import annotations

from kubenb.api.explain.schema import SPEC_INFO, F, R, Schema
from kubenb.api.explain.schema import condition as _condition
from kubenb.api.explain.schema import top as _top

_MIN_READY = ("The minimum number of seconds for which a newly created DaemonSet pod should be ready "
              "without any of its container crashing, for it to be considered available. Defaults to 0 "
              "(pod will be considered available as soon as it is ready).")

SCHEMAS: dict[str, Schema] = {
    "DaemonSet": _top(
        "DaemonSet represents the configuration of a daemon set.",
        spec=F("DaemonSetSpec", f"The desired behavior of this daemon set. {SPEC_INFO}"),
        status=F("DaemonSetStatus", "The current status of this daemon set. This data may be out of date by some window of time. Populated by the system. Read-only. " + SPEC_INFO)),
    "DaemonSetSpec": Schema("DaemonSetSpec is the specification of a daemon set.", {
        "minReadySeconds": F("integer", _MIN_READY),
        "revisionHistoryLimit": F("integer", "The number of old history to retain to allow rollback. This is a pointer to distinguish between explicit zero and not specified. Defaults to 10."),
        "selector": R("LabelSelector", "A label query over pods that are managed by the daemon set. Must match in order to be controlled. It must match the pod template's labels. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors"),
        "template": R("PodTemplateSpec", "An object that describes the pod that will be created. The DaemonSet will create exactly one copy of this pod on every node that matches the template's node selector (or on every node if no node selector is specified). The only allowed template.spec.restartPolicy value is \"Always\". More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller#pod-template"),
        "updateStrategy": F("DaemonSetUpdateStrategy", "An update strategy to replace existing DaemonSet pods with new pods."),
    }),
    "DaemonSetUpdateStrategy": Schema("DaemonSetUpdateStrategy is a struct used to control the update strategy for a DaemonSet.", {
        "rollingUpdate": F("RollingUpdateDaemonSet", "Rolling update config params. Present only if type = \"RollingUpdate\"."),
        "type": F("string", "Type of daemon set update. Can be \"RollingUpdate\" or \"OnDelete\". Default is RollingUpdate.", "OnDelete", "RollingUpdate"),
    }),
    "RollingUpdateDaemonSet": Schema("Spec to control the desired behavior of daemon set rolling update.", {
        "maxSurge": F("IntOrString", "The maximum number of nodes with an existing available DaemonSet pod that can have an updated DaemonSet pod during during an update. Value can be an absolute number (ex: 5) or a percentage of desired pods (ex: 10%). This can not be 0 if MaxUnavailable is 0. Absolute number is calculated from percentage by rounding up to a minimum of 1. Default value is 0. Example: when this is set to 30%, at most 30% of the total number of nodes that should be running the daemon pod (i.e. status.desiredNumberScheduled) can have their a new pod created before the old pod is marked as deleted. The update starts by launching new pods on 30% of nodes. Once an updated pod is available (Ready for at least minReadySeconds) the old DaemonSet pod on that node is marked deleted. If the old pod becomes unavailable for any reason (Ready transitions to false, is evicted, or is drained) an updated pod is immediatedly created on that node without considering surge limits. Allowing surge implies the possibility that the resources consumed by the daemonset on any given node can double if the readiness check fails, and so resource intensive daemonsets should take into account that they may cause evictions during disruption."),
        "maxUnavailable": F("IntOrString", "The maximum number of DaemonSet pods that can be unavailable during the update. Value can be an absolute number (ex: 5) or a percentage of total number of DaemonSet pods at the start of the update (ex: 10%). Absolute number is calculated from percentage by rounding up. This cannot be 0 if MaxSurge is 0 Default value is 1. Example: when this is set to 30%, at most 30% of the total number of nodes that should be running the daemon pod (i.e. status.desiredNumberScheduled) can have their pods stopped for an update at any given time. The update starts by stopping at most 30% of those DaemonSet pods and then brings up new DaemonSet pods in their place. Once the new pods are available, it then proceeds onto other DaemonSet pods, thus ensuring that at least 70% of original number of DaemonSet pods are available at all times during the update."),
    }),
    "DaemonSetStatus": Schema("DaemonSetStatus represents the current status of a daemon set.", {
        "collisionCount": F("integer", "Count of hash collisions for the DaemonSet. The DaemonSet controller uses this field as a collision avoidance mechanism when it needs to create the name for the newest ControllerRevision."),
        "conditions": F("[]DaemonSetCondition", "Represents the latest available observations of a DaemonSet's current state."),
        "currentNumberScheduled": R("integer", "The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod. More info: https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/"),
        "desiredNumberScheduled": R("integer", "The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod). More info: https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/"),
        "numberAvailable": F("integer", "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)"),
        "numberMisscheduled": R("integer", "The number of nodes that are running the daemon pod, but are not supposed to run the daemon pod. More info: https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/"),
        "numberReady": R("integer", "numberReady is the number of nodes that should be running the daemon pod and have one or more of the daemon pod running with a Ready Condition."),
        "numberUnavailable": F("integer", "The number of nodes that should be running the daemon pod and have none of the daemon pod running and available (ready for at least spec.minReadySeconds)"),
        "observedGeneration": F("integer", "The most recent generation observed by the daemon set controller."),
        "updatedNumberScheduled": F("integer", "The total number of nodes that are running updated daemon pod"),
    }),
    "DaemonSetCondition": _condition("DaemonSetCondition describes the state of a DaemonSet at a certain point.",
                                        type_doc="Type of DaemonSet condition."),
    "ReplicationController": _top(
        "ReplicationController represents the configuration of a replication controller.",
        spec=F("ReplicationControllerSpec", f"Spec defines the specification of the desired behavior of the replication controller. {SPEC_INFO}"),
        status=F("ReplicationControllerStatus", f"Status is the most recently observed status of the replication controller. This data may be out of date by some window of time. Populated by the system. Read-only. {SPEC_INFO}")),
    "ReplicationControllerSpec": Schema("ReplicationControllerSpec is the specification of a replication controller.", {
        "minReadySeconds": F("integer", "Minimum number of seconds for which a newly created pod should be ready without any of its container crashing, for it to be considered available. Defaults to 0 (pod will be considered available as soon as it is ready)"),
        "replicas": F("integer", "Replicas is the number of desired replicas. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller#what-is-a-replicationcontroller"),
        "selector": F("map[string]string", "Selector is a label query over pods that should match the Replicas count. If Selector is empty, it is defaulted to the labels present on the Pod template. Label keys and values that must match in order to be controlled by this replication controller, if empty defaulted to labels on Pod template. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors"),
        "template": F("PodTemplateSpec", "Template is the object that describes the pod that will be created if insufficient replicas are detected. This takes precedence over a TemplateRef. The only allowed template.spec.restartPolicy value is \"Always\". More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller#pod-template"),
    }),
    "ReplicationControllerStatus": Schema("ReplicationControllerStatus represents the current status of a replication controller.", {
        "availableReplicas": F("integer", "The number of available replicas (ready for at least minReadySeconds) for this replication controller."),
        "conditions": F("[]ReplicationControllerCondition", "Represents the latest available observations of a replication controller's current state."),
        "fullyLabeledReplicas": F("integer", "The number of pods that have labels matching the labels of the pod template of the replication controller."),
        "observedGeneration": F("integer", "ObservedGeneration reflects the generation of the most recently observed replication controller."),
        "readyReplicas": F("integer", "The number of ready replicas for this replication controller."),
        "replicas": R("integer", "Replicas is the most recently observed number of replicas. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller#what-is-a-replicationcontroller"),
    }),
    "ReplicationControllerCondition": _condition("ReplicationControllerCondition describes the state of a replication controller at a certain point."),
    "ControllerRevision": _top(
        "ControllerRevision implements an immutable snapshot of state data. Clients are responsible for serializing and deserializing the objects that contain their internal state. Once a ControllerRevision has been successfully created, it can not be updated. The API Server will fail validation of all requests that attempt to mutate the Data field. ControllerRevisions may, however, be deleted. Note that, due to its use by both the DaemonSet and StatefulSet controllers for update and rollback, this object is beta. However, it may be subject to name and representation changes in future releases, and clients should not depend on its stability. It is primarily for internal use by controllers.",
        data=F("Object", "Data is the serialized representation of the state."),
        revision=R("integer", "Revision indicates the revision of the state represented by Data.")),
}
