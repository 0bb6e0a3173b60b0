"""`kubectl explain` documentation for PersistentVolume and StorageClass.

Same shape as `explain_docs.py` (which merges `SCHEMAS` from here): descriptions from the
Kubernetes API reference (v1.32: core/v1 and storage/v1 types.go), enum values in the API's
sorted order. Of a PV's volume sources only those kubenb serves are listed (csi, hostPath,
local, nfs).
"""

from __future__ import annotations

from kubenb.api.explain.schema import F, R, Schema
from kubenb.api.explain.schema import top as _top

_PV = "https://kubernetes.io/docs/concepts/storage/persistent-volumes"

SCHEMAS: dict[str, Schema] = {
    "PersistentVolume": _top(
        "PersistentVolume (PV) is a storage resource provisioned by an administrator. It is analogous "
        f"to a node. More info: {_PV}",
        spec=F("PersistentVolumeSpec", "spec defines a specification of a persistent volume owned by the "
               f"cluster. Provisioned by an administrator. More info: {_PV}#persistent-volumes"),
        status=F("PersistentVolumeStatus", "status represents the current information/status for the "
                 "persistent volume. Populated by the system. Read-only. More info: "
                 f"{_PV}#persistent-volumes")),
    "PersistentVolumeSpec": Schema("PersistentVolumeSpec is the specification of a persistent volume.", {
        "accessModes": F("[]string", f"accessModes contains all ways the volume can be mounted. More info: {_PV}#access-modes"),
        "capacity": F("map[string]Quantity", f"capacity is the description of the persistent volume's resources and capacity. More info: {_PV}#capacity"),
        "claimRef": F("ObjectReference", "claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim. Expected to be non-nil when bound. claim.VolumeName is the authoritative bind between PV and PVC. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#binding"),
        "csi": F("CSIPersistentVolumeSource", "csi represents storage that is handled by an external CSI driver."),
        "hostPath": F("HostPathVolumeSource", "hostPath represents a directory on the host. Provisioned by a developer or tester. This is useful for single-node development and testing only! On-host storage is not supported in any way and WILL NOT WORK in a multi-node cluster. More info: https://kubernetes.io/docs/concepts/storage/volumes#hostpath"),
        "local": F("LocalVolumeSource", "local represents directly-attached storage with node affinity"),
        "mountOptions": F("[]string", f"mountOptions is the list of mount options, e.g. [\"ro\", \"soft\"]. Not validated - mount will simply fail if one is invalid. More info: {_PV}/#mount-options"),
        "nfs": F("NFSVolumeSource", "nfs represents an NFS mount on the host. Provisioned by an admin. More info: https://kubernetes.io/docs/concepts/storage/volumes#nfs"),
        "nodeAffinity": F("VolumeNodeAffinity", "nodeAffinity defines constraints that limit what nodes this volume can be accessed from. This field influences the scheduling of pods that use this volume."),
        "persistentVolumeReclaimPolicy": F("string", f"persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim. Valid options are Retain (default for manually created PersistentVolumes), Delete (default for dynamically provisioned PersistentVolumes), and Recycle (deprecated). Recycle must be supported by the volume plugin underlying this PersistentVolume. More info: {_PV}#reclaiming", "Delete", "Recycle", "Retain"),
        "storageClassName": F("string", "storageClassName is the name of StorageClass to which this persistent volume belongs. Empty value means that this volume does not belong to any StorageClass."),
        "volumeAttributesClassName": F("string", "Name of VolumeAttributesClass to which this persistent volume belongs. Empty value is not allowed. When this field is not set, it indicates that this volume does not belong to any VolumeAttributesClass."),
        "volumeMode": F("string", "volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state. Value of Filesystem is implied when not included in spec.", "Block", "Filesystem"),
    }),
    "PersistentVolumeStatus": Schema("PersistentVolumeStatus is the current status of a persistent volume.", {
        "lastPhaseTransitionTime": F("string", "lastPhaseTransitionTime is the time the phase transitioned from one to another and automatically resets to current time everytime a volume phase transitions."),
        "message": F("string", "message is a human-readable message indicating details about why the volume is in this state."),
        "phase": F("string", f"phase indicates if a volume is available, bound to a claim, or released by a claim. More info: {_PV}#phase", "Available", "Bound", "Failed", "Pending", "Released"),
        "reason": F("string", "reason is a brief CamelCase string that describes any failure and is meant for machine parsing and tidy display in the CLI."),
    }),
    "HostPathVolumeSource": Schema("Represents a host path mapped into a pod. Host path volumes do not support ownership management or SELinux relabeling.", {
        "path": R("string", "path of the directory on the host. If the path is a symlink, it will follow the link to the real path. More info: https://kubernetes.io/docs/concepts/storage/volumes#hostpath"),
        "type": F("string", "type for HostPath Volume Defaults to \"\" More info: https://kubernetes.io/docs/concepts/storage/volumes#hostpath", "\"\"", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File", "FileOrCreate", "Socket"),
    }),
    "LocalVolumeSource": Schema("Local represents directly-attached storage with node affinity", {
        "fsType": F("string", "fsType is the filesystem type to mount. It applies only when the Path is a block device. Must be a filesystem type supported by the host operating system. Ex. \"ext4\", \"xfs\", \"ntfs\". The default value is to auto-select a filesystem if unspecified."),
        "path": R("string", "path of the full path to the volume on the node. It can be either a directory or block device (disk, partition, ...)."),
    }),
    "NFSVolumeSource": Schema("Represents an NFS mount that lasts the lifetime of a pod. NFS volumes do not support ownership management or SELinux relabeling.", {
        "path": R("string", "path that is exported by the NFS server. More info: https://kubernetes.io/docs/concepts/storage/volumes#nfs"),
        "readOnly": F("boolean", "readOnly here will force the NFS export to be mounted with read-only permissions. Defaults to false. More info: https://kubernetes.io/docs/concepts/storage/volumes#nfs"),
        "server": R("string", "server is the hostname or IP address of the NFS server. More info: https://kubernetes.io/docs/concepts/storage/volumes#nfs"),
    }),
    "CSIPersistentVolumeSource": Schema("Represents storage that is managed by an external CSI volume driver", {
        "driver": R("string", "driver is the name of the driver to use for this volume. Required."),
        "fsType": F("string", "fsType to mount. Must be a filesystem type supported by the host operating system. Ex. \"ext4\", \"xfs\", \"ntfs\"."),
        "readOnly": F("boolean", "readOnly value to pass to ControllerPublishVolumeRequest. Defaults to false (read/write)."),
        "volumeAttributes": F("map[string]string", "volumeAttributes of the volume to publish."),
        "volumeHandle": R("string", "volumeHandle is the unique volume name returned by the CSI volume plugin’s CreateVolume to refer to the volume on all subsequent calls. Required."),
    }),
    "VolumeNodeAffinity": Schema("VolumeNodeAffinity defines constraints that limit what nodes this volume can be accessed from.", {
        "required": F("NodeSelector", "required specifies hard node constraints that must be met."),
    }),
    "NodeSelector": Schema("A node selector represents the union of the results of one or more label queries over a set of nodes; that is, it represents the OR of the selectors represented by the node selector terms.", {
        "nodeSelectorTerms": R("[]NodeSelectorTerm", "Required. A list of node selector terms. The terms are ORed."),
    }),
    "NodeSelectorTerm": Schema("A null or empty node selector term matches no objects. The requirements of them are ANDed. The TopologySelectorTerm type implements a subset of the NodeSelectorTerm.", {
        "matchExpressions": F("[]NodeSelectorRequirement", "A list of node selector requirements by node's labels."),
        "matchFields": F("[]NodeSelectorRequirement", "A list of node selector requirements by node's fields."),
    }),
    "NodeSelectorRequirement": Schema("A node selector requirement is a selector that contains values, a key, and an operator that relates the key and values.", {
        "key": R("string", "The label key that the selector applies to."),
        "operator": R("string", "Represents a key's relationship to a set of values. Valid operators are In, NotIn, Exists, DoesNotExist. Gt, and Lt.", "DoesNotExist", "Exists", "Gt", "In", "Lt", "NotIn"),
        "values": F("[]string", "An array of string values. If the operator is In or NotIn, the values array must be non-empty. If the operator is Exists or DoesNotExist, the values array must be empty. If the operator is Gt or Lt, the values array must have a single element, which will be interpreted as an integer. This array is replaced during a strategic merge patch."),
    }),
    "TopologySelectorLabelRequirement": Schema("A topology selector requirement is a selector that matches given label. This is an alpha feature and may change in the future.", {
        "key": R("string", "The label key that the selector applies to."),
        "values": R("[]string", "An array of string values. One value must match the label to be selected. Each entry in Values is ORed."),
    }),
    "StorageClass": Schema(
        "StorageClass describes the parameters for a class of storage for which PersistentVolumes can "
        "be dynamically provisioned.\n\nStorageClasses are non-namespaced; the name of the storage "
        "class according to etcd is in ObjectMeta.Name.", {
            "allowVolumeExpansion": F("boolean", "allowVolumeExpansion shows whether the storage class allow volume expand."),
            "allowedTopologies": F("[]TopologySelectorTerm", "allowedTopologies restrict the node topologies where volumes can be dynamically provisioned. Each volume plugin defines its own supported topology specifications. An empty TopologySelectorTerm list means there is no topology restriction. This field is only honored by servers that enable the VolumeScheduling feature."),
            "apiVersion": F("string", "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources"),
            "kind": F("string", "Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds"),
            "metadata": F("ObjectMeta", "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata"),
            "mountOptions": F("[]string", "mountOptions controls the mountOptions for dynamically provisioned PersistentVolumes of this storage class. e.g. [\"ro\", \"soft\"]. Not validated - mount of the PVs will simply fail if one is invalid."),
            "parameters": F("map[string]string", "parameters holds the parameters for the provisioner that should create volumes of this storage class."),
            "provisioner": R("string", "provisioner indicates the type of the provisioner."),
            "reclaimPolicy": F("string", "reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class. Defaults to Delete.", "Delete", "Recycle", "Retain"),
            "volumeBindingMode": F("string", "volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound.  When unset, VolumeBindingImmediate is used. This field is only honored by servers that enable the VolumeScheduling feature.", "Immediate", "WaitForFirstConsumer"),
        }),
    "TopologySelectorTerm": Schema("A topology selector term represents the result of label queries. A null or empty topology selector term matches no objects. The requirements of them are ANDed. It provides a subset of functionality as NodeSelectorTerm. This is an alpha feature and may change in the future.", {
        "matchLabelExpressions": F("[]TopologySelectorLabelRequirement", "A list of topology selector requirements by labels."),
    }),
}
