"""`kubectl explain` documentation for StatefulSet, ControllerRevision and PersistentVolumeClaim.

Same shape as `explain_docs.py` (which merges `SCHEMAS` from here): descriptions shortened
from the Kubernetes API reference (v1.32), enum values in the API's sorted order.
"""

from __future__ import annotations

from kubenb.api.explain.schema import F, R, Schema
from kubenb.api.explain.schema import condition as _condition
from kubenb.api.explain.schema import top as _top

SCHEMAS: dict[str, Schema] = {
    "StatefulSet": _top(
        "StatefulSet represents a set of pods with consistent identities. Identities are defined "
        "as:\n  - Network: A single stable DNS and hostname.\n  - Storage: As many VolumeClaims as "
        "requested.\n\nThe StatefulSet guarantees that a given network identity will always map to "
        "the same storage identity.",
        spec=F("StatefulSetSpec", "Spec defines the desired identities of pods in this set."),
        status=F("StatefulSetStatus", "Status is the current status of Pods in this StatefulSet. This data may be out of date by some window of time.")),
    "StatefulSetSpec": Schema("A StatefulSetSpec is the specification of a StatefulSet.", {
        "minReadySeconds": F("integer", "Minimum number of seconds for which a newly created pod should be ready without any of its container crashing for it to be considered available. Defaults to 0 (pod will be considered available as soon as it is ready)"),
        "ordinals": F("StatefulSetOrdinals", "ordinals controls the numbering of replica indices in a StatefulSet. The default ordinals behavior assigns a \"0\" index to the first replica and increments the index by one for each additional replica requested."),
        "persistentVolumeClaimRetentionPolicy": F("StatefulSetPersistentVolumeClaimRetentionPolicy", "persistentVolumeClaimRetentionPolicy describes the lifecycle of persistent volume claims created from volumeClaimTemplates. By default, all persistent volume claims are created as needed and retained until manually deleted. This policy allows the lifecycle to be altered, for example by deleting persistent volume claims when their stateful set is deleted, or when their pod is scaled down."),
        "podManagementPolicy": F("string", "podManagementPolicy controls how pods are created during initial scale up, when replacing pods on nodes, or when scaling down. The default policy is `OrderedReady`, where pods are created in increasing order (pod-0, then pod-1, etc) and the controller will wait until each pod is ready before continuing. When scaling down, the pods are removed in the opposite order. The alternative policy is `Parallel` which will create pods in parallel to match the desired scale without waiting, and on scale down will delete all pods at once.", "OrderedReady", "Parallel"),
        "replicas": F("integer", "replicas is the desired number of replicas of the given Template. These are replicas in the sense that they are instantiations of the same Template, but individual replicas also have a consistent identity. If unspecified, defaults to 1."),
        "revisionHistoryLimit": F("integer", "revisionHistoryLimit is the maximum number of revisions that will be maintained in the StatefulSet's revision history. The revision history consists of all revisions not represented by a currently applied StatefulSetSpec version. The default value is 10."),
        "selector": R("LabelSelector", "selector is a label query over pods that should match the replica count. It must match the pod template's labels. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors"),
        "serviceName": F("string", "serviceName is the name of the service that governs this StatefulSet. This service must exist before the StatefulSet, and is responsible for the network identity of the set. Pods get DNS/hostnames that follow the pattern: pod-specific-string.serviceName.default.svc.cluster.local where \"pod-specific-string\" is managed by the StatefulSet controller."),
        "template": R("PodTemplateSpec", "template is the object that describes the pod that will be created if insufficient replicas are detected. Each pod stamped out by the StatefulSet will fulfill this Template, but have a unique identity from the rest of the StatefulSet. Each pod will be named with the format <statefulsetname>-<podindex>. For example, a pod in a StatefulSet named \"web\" with index number \"3\" would be named \"web-3\". The only allowed template.spec.restartPolicy value is \"Always\"."),
        "updateStrategy": F("StatefulSetUpdateStrategy", "updateStrategy indicates the StatefulSetUpdateStrategy that will be employed to update Pods in the StatefulSet when a revision is made to Template."),
        "volumeClaimTemplates": F("[]PersistentVolumeClaim", "volumeClaimTemplates is a list of claims that pods are allowed to reference. The StatefulSet controller is responsible for mapping network identities to claims in a way that maintains the identity of a pod. Every claim in this list must have at least one matching (by name) volumeMount in one container in the template. A claim in this list takes precedence over any volumes in the template, with the same name."),
    }),
    "StatefulSetOrdinals": Schema("StatefulSetOrdinals describes the policy used for replica ordinal assignment in this StatefulSet.", {
        "start": F("integer", "start is the number representing the first replica's index. It may be used to number replicas from an alternate index (eg: 1-indexed) over the default 0-indexed names, or to orchestrate progressive movement of replicas from one StatefulSet to another. If set, replica indices will be in the range:\n  [.spec.ordinals.start, .spec.ordinals.start + .spec.replicas).\nIf unset, defaults to 0. Replica indices will be in the range:\n  [0, .spec.replicas)."),
    }),
    "StatefulSetPersistentVolumeClaimRetentionPolicy": Schema(
        "StatefulSetPersistentVolumeClaimRetentionPolicy describes the policy used for PVCs created from the StatefulSet VolumeClaimTemplates.", {
            "whenDeleted": F("string", "WhenDeleted specifies what happens to PVCs created from StatefulSet VolumeClaimTemplates when the StatefulSet is deleted. The default policy of `Retain` causes PVCs to not be affected by StatefulSet deletion. The `Delete` policy causes those PVCs to be deleted."),
            "whenScaled": F("string", "WhenScaled specifies what happens to PVCs created from StatefulSet VolumeClaimTemplates when the StatefulSet is scaled down. The default policy of `Retain` causes PVCs to not be affected by a scaledown. The `Delete` policy causes the associated PVCs for any excess pods above the replica count to be deleted."),
        }),
    "StatefulSetUpdateStrategy": Schema(
        "StatefulSetUpdateStrategy indicates the strategy that the StatefulSet controller will use to perform updates. It includes any additional parameters necessary to perform the update for the indicated strategy.", {
            "rollingUpdate": F("RollingUpdateStatefulSetStrategy", "RollingUpdate is used to communicate parameters when Type is RollingUpdateStatefulSetStrategyType."),
            "type": F("string", "Type indicates the type of the StatefulSetUpdateStrategy. Default is RollingUpdate.", "OnDelete", "RollingUpdate"),
        }),
    "RollingUpdateStatefulSetStrategy": Schema(
        "RollingUpdateStatefulSetStrategy is used to communicate parameter for RollingUpdateStatefulSetStrategyType.", {
            "maxUnavailable": F("IntOrString", "The maximum number of pods that can be unavailable during the update. Value can be an absolute number (ex: 5) or a percentage of desired pods (ex: 10%). Absolute number is calculated from percentage by rounding up. This can not be 0. Defaults to 1. This field is alpha-level and is only honored by servers that enable the MaxUnavailableStatefulSet feature. The field applies to all pods in the range 0 to Replicas-1. That means if there is any unavailable pod in the range 0 to Replicas-1, it will be counted towards MaxUnavailable."),
            "partition": F("integer", "Partition indicates the ordinal at which the StatefulSet should be partitioned for updates. During a rolling update, all pods from ordinal Replicas-1 to Partition are updated. All pods from ordinal Partition-1 to 0 remain untouched. This is helpful in being able to do a canary based deployment. The default value is 0."),
        }),
    "StatefulSetStatus": Schema("StatefulSetStatus represents the current state of a StatefulSet.", {
        "availableReplicas": F("integer", "Total number of available pods (ready for at least minReadySeconds) targeted by this statefulset."),
        "collisionCount": F("integer", "collisionCount is the count of hash collisions for the StatefulSet. The StatefulSet controller uses this field as a collision avoidance mechanism when it needs to create the name for the newest ControllerRevision."),
        "conditions": F("[]StatefulSetCondition", "Represents the latest available observations of a statefulset's current state."),
        "currentReplicas": F("integer", "currentReplicas is the number of Pods created by the StatefulSet controller from the StatefulSet version indicated by currentRevision."),
        "currentRevision": F("string", "currentRevision, if not empty, indicates the version of the StatefulSet used to generate Pods in the sequence [0,currentReplicas)."),
        "observedGeneration": F("integer", "observedGeneration is the most recent generation observed for this StatefulSet. It corresponds to the StatefulSet's generation, which is updated on mutation by the API Server."),
        "readyReplicas": F("integer", "readyReplicas is the number of pods created for this StatefulSet with a Ready Condition."),
        "replicas": R("integer", "replicas is the number of Pods created by the StatefulSet controller."),
        "updateRevision": F("string", "updateRevision, if not empty, indicates the version of the StatefulSet used to generate Pods in the sequence [replicas-updatedReplicas,replicas)"),
        "updatedReplicas": F("integer", "updatedReplicas is the number of Pods created by the StatefulSet controller from the StatefulSet version indicated by updateRevision."),
    }),
    "StatefulSetCondition": _condition("StatefulSetCondition describes the state of a statefulset at a certain point.",
                                          type_doc="Type of statefulset condition."),
    "ControllerRevision": _top(
        "ControllerRevision implements an immutable snapshot of state data. Clients are responsible "
        "for serializing and deserializing the objects that contain their internal state. Once a "
        "ControllerRevision has been successfully created, it can not be updated.",
        data=F("Object", "Data is the serialized representation of the state."),
        revision=R("integer", "Revision indicates the revision of the state represented by Data.")),
    "PersistentVolumeClaim": _top(
        "PersistentVolumeClaim is a user's request for and claim to a persistent volume",
        spec=F("PersistentVolumeClaimSpec", "spec defines the desired characteristics of a volume requested by a pod author. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#persistentvolumeclaims"),
        status=F("PersistentVolumeClaimStatus", "status represents the current information/status of a persistent volume claim. Read-only. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#persistentvolumeclaims")),
    "PersistentVolumeClaimSpec": Schema(
        "PersistentVolumeClaimSpec describes the common attributes of storage devices and allows a Source for provider-specific attributes", {
            "accessModes": F("[]string", "accessModes contains the desired access modes the volume should have. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#access-modes-1"),
            "dataSource": F("TypedLocalObjectReference", "dataSource field can be used to specify either: * An existing VolumeSnapshot object (snapshot.storage.k8s.io/VolumeSnapshot) * An existing PVC (PersistentVolumeClaim) If the provisioner or an external controller can support the specified data source, it will create a new volume based on the contents of the specified data source."),
            "dataSourceRef": F("TypedObjectReference", "dataSourceRef specifies the object from which to populate the volume with data, if a non-empty volume is desired. This may be any object from a non-empty API group (non core object) or a PersistentVolumeClaim object."),
            "resources": F("VolumeResourceRequirements", "resources represents the minimum resources the volume should have. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#resources"),
            "selector": F("LabelSelector", "selector is a label query over volumes to consider for binding."),
            "storageClassName": F("string", "storageClassName is the name of the StorageClass required by the claim. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#class-1"),
            "volumeAttributesClassName": F("string", "volumeAttributesClassName may be used to set the VolumeAttributesClass used by this claim."),
            "volumeMode": F("string", "volumeMode defines what type of volume is required by the claim. Value of Filesystem is implied when not included in claim spec.", "Block", "Filesystem"),
            "volumeName": F("string", "volumeName is the binding reference to the PersistentVolume backing this claim."),
        }),
    "VolumeResourceRequirements": Schema("VolumeResourceRequirements describes the storage resource requirements for a volume.", {
        "limits": F("map[string]Quantity", "Limits describes the maximum amount of compute resources allowed. More info: https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/"),
        "requests": F("map[string]Quantity", "Requests describes the minimum amount of compute resources required. If Requests is omitted for a container, it defaults to Limits if that is explicitly specified, otherwise to an implementation-defined value. Requests cannot exceed Limits. More info: https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/"),
    }),
    "TypedLocalObjectReference": Schema(
        "TypedLocalObjectReference contains enough information to let you locate the typed referenced object inside the same namespace.", {
            "apiGroup": F("string", "APIGroup is the group for the resource being referenced. If APIGroup is not specified, the specified Kind must be in the core API group. For any other third-party types, APIGroup is required."),
            "kind": R("string", "Kind is the type of resource being referenced"),
            "name": R("string", "Name is the name of resource being referenced"),
        }),
    "TypedObjectReference": Schema(
        "TypedObjectReference contains enough information to let you locate the typed referenced object", {
            "apiGroup": F("string", "APIGroup is the group for the resource being referenced. If APIGroup is not specified, the specified Kind must be in the core API group. For any other third-party types, APIGroup is required."),
            "kind": R("string", "Kind is the type of resource being referenced"),
            "name": R("string", "Name is the name of resource being referenced"),
            "namespace": F("string", "Namespace is the namespace of resource being referenced."),
        }),
    "PersistentVolumeClaimStatus": Schema("PersistentVolumeClaimStatus is the current status of a persistent volume claim.", {
        "accessModes": F("[]string", "accessModes contains the actual access modes the volume backing the PVC has. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#access-modes-1"),
        "allocatedResourceStatuses": F("map[string]string", "allocatedResourceStatuses stores status of resource being resized for the given PVC."),
        "allocatedResources": F("map[string]Quantity", "allocatedResources tracks the resources allocated to a PVC including its capacity."),
        "capacity": F("map[string]Quantity", "capacity represents the actual resources of the underlying volume."),
        "conditions": F("[]PersistentVolumeClaimCondition", "conditions is the current Condition of persistent volume claim. If underlying persistent volume is being resized then the Condition will be set to 'Resizing'."),
        "currentVolumeAttributesClassName": F("string", "currentVolumeAttributesClassName is the current name of the VolumeAttributesClass the PVC is using."),
        "phase": F("string", "phase represents the current phase of PersistentVolumeClaim.", "Bound", "Lost", "Pending"),
    }),
    "PersistentVolumeClaimCondition": _condition("PersistentVolumeClaimCondition contains details about state of pvc"),
}
