"""Field documentation for `kubectl explain`: the kinds kubenb serves and their parts.

A small stand-in for the OpenAPI v3 document a kube-apiserver serves. Each `Schema` is a
description plus fields; a field's `type` is what explain prints in angle brackets
(`string`, `integer`, `[]Container`, `map[string]string`, `IntOrString`, `ObjectMeta`), and
a type named here can be explained further. Descriptions are shortened from the Kubernetes
API reference (v1.32); enum values are listed in the API's sorted order. Read by
`kubenb.cli.kubectl.commands.explain`.
"""

from __future__ import annotations

from kubenb.api.docs import META_SCHEMAS
from kubenb.api.explain.schema import (
    API_VERSION,
    CONVENTIONS,
    KIND,
    METADATA,
    PROTOCOLS,
    SPEC_INFO,
    F,
    Field,
    R,
    Schema,
)
from kubenb.api.explain.schema import condition as _condition
from kubenb.api.explain.schema import top as _top

SCHEMAS: dict[str, Schema] = {
    # ---- meta --------------------------------------------------------------------------
    **META_SCHEMAS,  # ObjectMeta, OwnerReference (api/docs.py: the API server publishes them too)
    "LabelSelector": Schema(
        "A label selector is a label query over a set of resources. The result of matchLabels and "
        "matchExpressions are ANDed. An empty label selector matches all objects. A null label "
        "selector matches no objects.", {
            "matchExpressions": F("[]LabelSelectorRequirement", "matchExpressions is a list of label selector requirements. The requirements are ANDed."),
            "matchLabels": F("map[string]string", "matchLabels is a map of {key,value} pairs. A single {key,value} in the matchLabels map is equivalent to an element of matchExpressions, whose key field is \"key\", the operator is \"In\", and the values array contains only \"value\". The requirements are ANDed."),
        }),
    "LabelSelectorRequirement": Schema(
        "A label selector requirement is a selector that contains values, a key, and an operator "
        "that relates the key and values.", {
            "key": R("string", "key is the label key that the selector applies to."),
            "operator": R("string", "operator represents a key's relationship to a set of values. Valid operators are In, NotIn, Exists and DoesNotExist."),
            "values": F("[]string", "values is an array of string values. If the operator is In or NotIn, the values array must be non-empty. If the operator is Exists or DoesNotExist, the values array must be empty. This array is replaced during a strategic merge patch."),
        }),
    "ObjectReference": Schema(
        "ObjectReference contains enough information to let you inspect or modify the referred object.", {
            "apiVersion": F("string", "API version of the referent."),
            "fieldPath": F("string", "If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2]."),
            "kind": F("string", f"Kind of the referent. More info: {CONVENTIONS}#types-kinds"),
            "name": F("string", "Name of the referent."),
            "namespace": F("string", "Namespace of the referent."),
            "resourceVersion": F("string", "Specific resourceVersion to which this reference is made, if any."),
            "uid": F("string", "UID of the referent."),
        }),
    "LocalObjectReference": Schema(
        "LocalObjectReference contains enough information to let you locate the referenced object "
        "inside the same namespace.", {
            "name": F("string", "Name of the referent. This field is effectively required, but due to backwards compatibility is allowed to be empty."),
        }),
}

# ---- pods -------------------------------------------------------------------------------
SCHEMAS.update({
    "Pod": _top(
        "Pod is a collection of containers that can run on a host. This resource is created by "
        "clients and scheduled onto hosts.",
        spec=F("PodSpec", f"Specification of the desired behavior of the pod. {SPEC_INFO}"),
        status=F("PodStatus", "Most recently observed status of the pod. This data may not be up "
                 f"to date. Populated by the system. Read-only. {SPEC_INFO}")),
    "PodTemplateSpec": Schema(
        "PodTemplateSpec describes the data a pod should have when created from a template", {
            "metadata": METADATA,
            "spec": F("PodSpec", f"Specification of the desired behavior of the pod. {SPEC_INFO}"),
        }),
    "PodSpec": Schema("PodSpec is a description of a pod.", {
        "activeDeadlineSeconds": F("integer", "Optional duration in seconds the pod may be active on the node relative to StartTime before the system will actively try to mark it failed and kill associated containers."),
        "affinity": F("Affinity", "If specified, the pod's scheduling constraints"),
        "automountServiceAccountToken": F("boolean", "AutomountServiceAccountToken indicates whether a service account token should be automatically mounted."),
        "containers": R("[]Container", "List of containers belonging to the pod. Containers cannot currently be added or removed. There must be at least one container in a Pod. Cannot be updated."),
        "dnsPolicy": F("string", "Set DNS policy for the pod. Defaults to \"ClusterFirst\". Valid values are 'ClusterFirstWithHostNet', 'ClusterFirst', 'Default' or 'None'.", "ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"),
        "enableServiceLinks": F("boolean", "EnableServiceLinks indicates whether information about services should be injected into pod's environment variables, matching the syntax of Docker links. Optional: Defaults to true."),
        "hostNetwork": F("boolean", "Host networking requested for this pod. Use the host's network namespace. If this option is set, the ports that will be used must be specified. Default to false."),
        "hostname": F("string", "Specifies the hostname of the Pod If not specified, the pod's hostname will be set to a system-defined value."),
        "imagePullSecrets": F("[]LocalObjectReference", "ImagePullSecrets is an optional list of references to secrets in the same namespace to use for pulling any of the images used by this PodSpec."),
        "initContainers": F("[]Container", "List of initialization containers belonging to the pod. Init containers are executed in order prior to containers being started. If any init container fails, the pod is considered to have failed and is handled according to its restartPolicy."),
        "nodeName": F("string", "NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate for scheduling by the scheduler defined in schedulerName. Once this field is set, the kubelet for this node becomes responsible for the lifecycle of this pod."),
        "nodeSelector": F("map[string]string", "NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node's labels for the pod to be scheduled on that node. More info: https://kubernetes.io/docs/concepts/configuration/assign-pod-node/"),
        "priority": F("integer", "The priority value. Various system components use this field to find the priority of the pod. When Priority Admission Controller is enabled, it prevents users from setting this field. The admission controller populates this field from PriorityClassName."),
        "priorityClassName": F("string", "If specified, indicates the pod's priority. \"system-node-critical\" and \"system-cluster-critical\" are two special keywords which indicate the highest priorities."),
        "restartPolicy": F("string", "Restart policy for all containers within the pod. One of Always, OnFailure, Never. In some contexts, only a subset of those values may be permitted. Default to Always. More info: https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#restart-policy", "Always", "Never", "OnFailure"),
        "schedulerName": F("string", "If specified, the pod will be dispatched by specified scheduler. If not specified, the pod will be dispatched by default scheduler."),
        "securityContext": F("PodSecurityContext", "SecurityContext holds pod-level security attributes and common container settings. Optional: Defaults to empty."),
        "serviceAccountName": F("string", "ServiceAccountName is the name of the ServiceAccount to use to run this pod. More info: https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/"),
        "subdomain": F("string", "If specified, the fully qualified Pod hostname will be \"<hostname>.<subdomain>.<pod namespace>.svc.<cluster domain>\". If not specified, the pod will not have a domainname at all."),
        "terminationGracePeriodSeconds": F("integer", "Optional duration in seconds the pod needs to terminate gracefully. May be decreased in delete request. Value must be non-negative integer. The value zero indicates stop immediately via the kill signal (no opportunity to shut down). Defaults to 30 seconds."),
        "tolerations": F("[]Toleration", "If specified, the pod's tolerations."),
        "topologySpreadConstraints": F("[]TopologySpreadConstraint", "TopologySpreadConstraints describes how a group of pods ought to spread across topology domains. Scheduler will schedule pods in a way which abides by the constraints."),
        "volumes": F("[]Volume", "List of volumes that can be mounted by containers belonging to the pod. More info: https://kubernetes.io/docs/concepts/storage/volumes"),
    }),
    "Container": Schema("A single application container that you want to run within a pod.", {
        "args": F("[]string", "Arguments to the entrypoint. The container image's CMD is used if this is not provided. Cannot be updated. More info: https://kubernetes.io/docs/tasks/inject-data-application/define-command-argument-container/#running-a-command-in-a-shell"),
        "command": F("[]string", "Entrypoint array. Not executed within a shell. The container image's ENTRYPOINT is used if this is not provided. Cannot be updated."),
        "env": F("[]EnvVar", "List of environment variables to set in the container. Cannot be updated."),
        "envFrom": F("[]EnvFromSource", "List of sources to populate environment variables in the container. The keys defined within a source must be a C_IDENTIFIER. Cannot be updated."),
        "image": F("string", "Container image name. More info: https://kubernetes.io/docs/concepts/containers/images This field is optional to allow higher level config management to default or override container images in workload controllers like Deployments and StatefulSets."),
        "imagePullPolicy": F("string", "Image pull policy. One of Always, Never, IfNotPresent. Defaults to Always if :latest tag is specified, or IfNotPresent otherwise. Cannot be updated. More info: https://kubernetes.io/docs/concepts/containers/images#updating-images", "Always", "IfNotPresent", "Never"),
        "lifecycle": F("Lifecycle", "Actions that the management system should take in response to container lifecycle events. Cannot be updated."),
        "livenessProbe": F("Probe", "Periodic probe of container liveness. Container will be restarted if the probe fails. Cannot be updated. More info: https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle#container-probes"),
        "name": R("string", "Name of the container specified as a DNS_LABEL. Each container in a pod must have a unique name (DNS_LABEL). Cannot be updated."),
        "ports": F("[]ContainerPort", "List of ports to expose from the container. Not specifying a port here DOES NOT prevent that port from being exposed. Cannot be updated."),
        "readinessProbe": F("Probe", "Periodic probe of container service readiness. Container will be removed from service endpoints if the probe fails. Cannot be updated. More info: https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle#container-probes"),
        "resources": F("ResourceRequirements", "Compute Resources required by this container. Cannot be updated. More info: https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/"),
        "securityContext": F("SecurityContext", "SecurityContext defines the security options the container should be run with. More info: https://kubernetes.io/docs/tasks/configure-pod-container/security-context/"),
        "startupProbe": F("Probe", "StartupProbe indicates that the Pod has successfully initialized. If specified, no other probes are executed until this completes successfully. Cannot be updated."),
        "stdin": F("boolean", "Whether this container should allocate a buffer for stdin in the container runtime. If this is not set, reads from stdin in the container will always result in EOF. Default is false."),
        "terminationMessagePath": F("string", "Optional: Path at which the file to which the container's termination message will be written is mounted into the container's filesystem. Defaults to /dev/termination-log. Cannot be updated."),
        "terminationMessagePolicy": F("string", "Indicate how the termination message should be populated. File will use the contents of terminationMessagePath. FallbackToLogsOnError will use the last chunk of container log output if the termination message file is empty and the container exited with an error. Defaults to File. Cannot be updated.", "FallbackToLogsOnError", "File"),
        "tty": F("boolean", "Whether this container should allocate a TTY for itself, also requires 'stdin' to be true. Default is false."),
        "volumeMounts": F("[]VolumeMount", "Pod volumes to mount into the container's filesystem. Cannot be updated."),
        "workingDir": F("string", "Container's working directory. If not specified, the container runtime's default will be used, which might be configured in the container image. Cannot be updated."),
    }),
    "ContainerPort": Schema("ContainerPort represents a network port in a single container.", {
        "containerPort": R("integer", "Number of port to expose on the pod's IP address. This must be a valid port number, 0 < x < 65536."),
        "hostIP": F("string", "What host IP to bind the external port to."),
        "hostPort": F("integer", "Number of port to expose on the host. If specified, this must be a valid port number, 0 < x < 65536. Most containers do not need this."),
        "name": F("string", "If specified, this must be an IANA_SVC_NAME and unique within the pod. Each named port in a pod must have a unique name. Name for the port that can be referred to by services."),
        "protocol": F("string", "Protocol for port. Must be UDP, TCP, or SCTP. Defaults to \"TCP\".", *PROTOCOLS),
    }),
    "EnvVar": Schema("EnvVar represents an environment variable present in a Container.", {
        "name": R("string", "Name of the environment variable. Must be a C_IDENTIFIER."),
        "value": F("string", "Variable references $(VAR_NAME) are expanded using the previously defined environment variables in the container and any service environment variables. Defaults to \"\"."),
        "valueFrom": F("EnvVarSource", "Source for the environment variable's value. Cannot be used if value is not empty."),
    }),
    "ResourceRequirements": Schema("ResourceRequirements describes the compute resource requirements.", {
        "limits": F("map[string]Quantity", "Limits describes the maximum amount of compute resources allowed. More info: https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/"),
        "requests": F("map[string]Quantity", "Requests describes the minimum amount of compute resources required. If Requests is omitted for a container, it defaults to Limits if that is explicitly specified, otherwise to an implementation-defined value. Requests cannot exceed Limits. More info: https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/"),
    }),
    "Probe": Schema(
        "Probe describes a health check to be performed against a container to determine whether "
        "it is alive or ready to receive traffic.", {
            "exec": F("ExecAction", "Exec specifies a command to execute in the container."),
            "failureThreshold": F("integer", "Minimum consecutive failures for the probe to be considered failed after having succeeded. Defaults to 3. Minimum value is 1."),
            "httpGet": F("HTTPGetAction", "HTTPGet specifies an HTTP GET request to perform."),
            "initialDelaySeconds": F("integer", "Number of seconds after the container has started before liveness probes are initiated. More info: https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle#container-probes"),
            "periodSeconds": F("integer", "How often (in seconds) to perform the probe. Default to 10 seconds. Minimum value is 1."),
            "successThreshold": F("integer", "Minimum consecutive successes for the probe to be considered successful after having failed. Defaults to 1. Must be 1 for liveness and startup. Minimum value is 1."),
            "tcpSocket": F("TCPSocketAction", "TCPSocket specifies a connection to a TCP port."),
            "timeoutSeconds": F("integer", "Number of seconds after which the probe times out. Defaults to 1 second. Minimum value is 1."),
        }),
    "ExecAction": Schema("ExecAction describes a \"run in container\" action.", {
        "command": F("[]string", "Command is the command line to execute inside the container, the working directory for the command is root ('/') in the container's filesystem. The command is simply exec'd, it is not run inside a shell."),
    }),
    "HTTPGetAction": Schema("HTTPGetAction describes an action based on HTTP Get requests.", {
        "host": F("string", "Host name to connect to, defaults to the pod IP."),
        "path": F("string", "Path to access on the HTTP server."),
        "port": R("IntOrString", "Name or number of the port to access on the container. Number must be in the range 1 to 65535. Name must be an IANA_SVC_NAME."),
        "scheme": F("string", "Scheme to use for connecting to the host. Defaults to HTTP.", "HTTP", "HTTPS"),
    }),
    "TCPSocketAction": Schema("TCPSocketAction describes an action based on opening a socket", {
        "host": F("string", "Optional: Host name to connect to, defaults to the pod IP."),
        "port": R("IntOrString", "Number or name of the port to access on the container. Number must be in the range 1 to 65535. Name must be an IANA_SVC_NAME."),
    }),
    "VolumeMount": Schema("VolumeMount describes a mounting of a Volume within a container.", {
        "mountPath": R("string", "Path within the container at which the volume should be mounted. Must not contain ':'."),
        "name": R("string", "This must match the Name of a Volume."),
        "readOnly": F("boolean", "Mounted read-only if true, read-write otherwise (false or unspecified). Defaults to false."),
        "subPath": F("string", "Path within the volume from which the container's volume should be mounted. Defaults to \"\" (volume's root)."),
    }),
    "Volume": Schema(
        "Volume represents a named volume in a pod that may be accessed by any container in the pod.", {
            "configMap": F("ConfigMapVolumeSource", "configMap represents a configMap that should populate this volume"),
            "emptyDir": F("EmptyDirVolumeSource", "emptyDir represents a temporary directory that shares a pod's lifetime. More info: https://kubernetes.io/docs/concepts/storage/volumes#emptydir"),
            "ephemeral": F("EphemeralVolumeSource", "ephemeral represents a volume that is handled by a cluster storage driver. The volume's lifecycle is tied to the pod that defines it - it will be created before the pod starts, and deleted when the pod is removed.\n\nUse this if: a) the volume is only needed while the pod runs, b) features of normal volumes like restoring from snapshot or capacity\n   tracking are needed,\nc) the storage driver is specified through a storage class, and d) the storage driver supports dynamic volume provisioning through\n   a PersistentVolumeClaim (see EphemeralVolumeSource for more\n   information on the connection between this volume type\n   and PersistentVolumeClaim).\n\nUse PersistentVolumeClaim or one of the vendor-specific APIs for volumes that persist for longer than the lifecycle of an individual pod.\n\nUse CSI for light-weight local ephemeral volumes if the CSI driver is meant to be used that way - see the documentation of the driver for more information.\n\nA pod can use both types of ephemeral volumes and persistent volumes at the same time."),
            "hostPath": F("HostPathVolumeSource", "hostPath represents a pre-existing file or directory on the host machine that is directly exposed to the container."),
            "name": R("string", "name of the volume. Must be a DNS_LABEL and unique within the pod. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#names"),
            "persistentVolumeClaim": F("PersistentVolumeClaimVolumeSource", "persistentVolumeClaimVolumeSource represents a reference to a PersistentVolumeClaim in the same namespace."),
            "secret": F("SecretVolumeSource", "secret represents a secret that should populate this volume. More info: https://kubernetes.io/docs/concepts/storage/volumes#secret"),
        }),
    "EphemeralVolumeSource": Schema("Represents an ephemeral volume that is handled by a normal storage driver.", {
        "volumeClaimTemplate": F("PersistentVolumeClaimTemplate", "Will be used to create a stand-alone PVC to provision the volume. The pod in which this EphemeralVolumeSource is embedded will be the owner of the PVC, i.e. the PVC will be deleted together with the pod.  The name of the PVC will be `<pod name>-<volume name>` where `<volume name>` is the name from the `PodSpec.Volumes` array entry. Pod validation will reject the pod if the concatenated name is not valid for a PVC (for example, too long).\n\nAn existing PVC with that name that is not owned by the pod will *not* be used for the pod to avoid using an unrelated volume by mistake. Starting the pod is then blocked until the unrelated PVC is removed. If such a pre-created PVC is meant to be used by the pod, the PVC has to updated with an owner reference to the pod once the pod exists. Normally this should not be necessary, but it may be useful when manually reconstructing a broken cluster.\n\nThis field is read-only and no changes will be made by Kubernetes to the PVC after it has been created.\n\nRequired, must not be nil."),
    }),
    "PersistentVolumeClaimTemplate": Schema(
        "PersistentVolumeClaimTemplate is used to produce PersistentVolumeClaim objects as part of an EphemeralVolumeSource.", {
            "metadata": F("ObjectMeta", "May contain labels and annotations that will be copied into the PVC when creating it. No other fields are allowed and will be rejected during validation."),
            "spec": R("PersistentVolumeClaimSpec", "The specification for the PersistentVolumeClaim. The entire content is copied unchanged into the PVC that gets created from this template. The same fields as in a PersistentVolumeClaim are also valid here."),
        }),
    "Toleration": Schema(
        "The pod this Toleration is attached to tolerates any taint that matches the triple "
        "<key,value,effect> using the matching operator <operator>.", {
            "effect": F("string", "Effect indicates the taint effect to match. Empty means match all taint effects. When specified, allowed values are NoSchedule, PreferNoSchedule and NoExecute.", "NoExecute", "NoSchedule", "PreferNoSchedule"),
            "key": F("string", "Key is the taint key that the toleration applies to. Empty means match all taint keys. If the key is empty, operator must be Exists."),
            "operator": F("string", "Operator represents a key's relationship to the value. Valid operators are Exists and Equal. Defaults to Equal.", "Equal", "Exists"),
            "tolerationSeconds": F("integer", "TolerationSeconds represents the period of time the toleration (which must be of effect NoExecute, otherwise this field is ignored) tolerates the taint. By default, it is not set, which means tolerate the taint forever."),
            "value": F("string", "Value is the taint value the toleration matches to. If the operator is Exists, the value should be empty, otherwise just a regular string."),
        }),
    "PodStatus": Schema(
        "PodStatus represents information about the status of a pod. Status may trail the actual "
        "state of a system, especially if the node that hosts the pod cannot contact the control plane.", {
            "conditions": F("[]PodCondition", "Current service state of pod. More info: https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle#pod-conditions"),
            "containerStatuses": F("[]ContainerStatus", "The list has one entry per container in the manifest. More info: https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle#pod-and-container-status"),
            "hostIP": F("string", "hostIP holds the IP address of the host to which the pod is assigned. Empty if the pod has not started yet."),
            "initContainerStatuses": F("[]ContainerStatus", "The list has one entry per init container in the manifest."),
            "message": F("string", "A human readable message indicating details about why the pod is in this condition."),
            "nominatedNodeName": F("string", "nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods."),
            "phase": F("string", "The phase of a Pod is a simple, high-level summary of where the Pod is in its lifecycle. More info: https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle#pod-phase", "Failed", "Pending", "Running", "Succeeded", "Unknown"),
            "podIP": F("string", "podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated."),
            "podIPs": F("[]PodIP", "podIPs holds the IP addresses allocated to the pod. If this field is specified, the 0th entry must match the podIP field."),
            "qosClass": F("string", "The Quality of Service (QOS) classification assigned to the pod based on resource requirements. More info: https://kubernetes.io/docs/concepts/workloads/pods/pod-qos/#quality-of-service-classes", "BestEffort", "Burstable", "Guaranteed"),
            "reason": F("string", "A brief CamelCase message indicating details about why the pod is in this state. e.g. 'Evicted'"),
            "startTime": F("string", "RFC 3339 date and time at which the object was acknowledged by the Kubelet. This is before the Kubelet pulled the container image(s) for the pod."),
        }),
    "PodCondition": _condition("PodCondition contains details for the current condition of this pod."),
    "ContainerStatus": Schema("ContainerStatus contains details for the current status of this container.", {
        "containerID": F("string", "ContainerID is the ID of the container in the format '<type>://<container_id>'. Where type is a container runtime identifier, returned from Version call of CRI API (for example \"containerd\")."),
        "image": R("string", "Image is the name of container image that the container is running."),
        "imageID": R("string", "ImageID is the image ID of the container's image."),
        "lastState": F("ContainerState", "LastTerminationState holds the last termination state of the container to help debug container crashes and restarts."),
        "name": R("string", "Name is a DNS_LABEL representing the unique name of the container. Each container in a pod must have a unique name across all container types. Cannot be updated."),
        "ready": R("boolean", "Ready specifies whether the container is currently passing its readiness check. The value will change as readiness probes keep executing."),
        "restartCount": R("integer", "RestartCount holds the number of times the container has been restarted. Kubelet makes an effort to always increment the value, but there are cases when the state may be lost due to node restarts and then the value may be reset to 0."),
        "started": F("boolean", "Started indicates whether the container has finished its postStart lifecycle hook and passed its startup probe."),
        "state": F("ContainerState", "State holds details about the container's current condition."),
    }),
    "ContainerState": Schema(
        "ContainerState holds a possible state of container. Only one of its members may be "
        "specified. If none of them is specified, the default one is ContainerStateWaiting.", {
            "running": F("ContainerStateRunning", "Details about a running container"),
            "terminated": F("ContainerStateTerminated", "Details about a terminated container"),
            "waiting": F("ContainerStateWaiting", "Details about a waiting container"),
        }),
    "ContainerStateRunning": Schema("ContainerStateRunning is a running state of a container.", {
        "startedAt": F("string", "Time at which the container was last (re-)started"),
    }),
    "ContainerStateTerminated": Schema("ContainerStateTerminated is a terminated state of a container.", {
        "containerID": F("string", "Container's ID in the format '<type>://<container_id>'"),
        "exitCode": R("integer", "Exit status from the last termination of the container"),
        "finishedAt": F("string", "Time at which the container last terminated"),
        "message": F("string", "Message regarding the last termination of the container"),
        "reason": F("string", "(brief) reason from the last termination of the container"),
        "signal": F("integer", "Signal from the last termination of the container"),
        "startedAt": F("string", "Time at which previous execution of the container started"),
    }),
    "ContainerStateWaiting": Schema("ContainerStateWaiting is a waiting state of a container.", {
        "message": F("string", "Message regarding why the container is not yet running."),
        "reason": F("string", "(brief) reason the container is not yet running."),
    }),
})

# ---- apps -------------------------------------------------------------------------------
SCHEMAS.update({
    "Deployment": _top(
        "Deployment enables declarative updates for Pods and ReplicaSets.",
        spec=F("DeploymentSpec", "Specification of the desired behavior of the Deployment."),
        status=F("DeploymentStatus", "Most recently observed status of the Deployment.")),
    "DeploymentSpec": Schema("DeploymentSpec is the specification of the desired behavior of the Deployment.", {
        "minReadySeconds": F("integer", "Minimum number of seconds for which a newly created pod should be ready without any of its container crashing, for it to be considered available. Defaults to 0 (pod will be considered available as soon as it is ready)"),
        "paused": F("boolean", "Indicates that the deployment is paused."),
        "progressDeadlineSeconds": F("integer", "The maximum time in seconds for a deployment to make progress before it is considered to be failed. The deployment controller will continue to process failed deployments and a condition with a ProgressDeadlineExceeded reason will be surfaced in the deployment status. Defaults to 600s."),
        "replicas": F("integer", "Number of desired pods. This is a pointer to distinguish between explicit zero and not specified. Defaults to 1."),
        "revisionHistoryLimit": F("integer", "The number of old ReplicaSets to retain to allow rollback. This is a pointer to distinguish between explicit zero and not specified. Defaults to 10."),
        "selector": R("LabelSelector", "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment. It must match the pod template's labels."),
        "strategy": F("DeploymentStrategy", "The deployment strategy to use to replace existing pods with new ones."),
        "template": R("PodTemplateSpec", "Template describes the pods that will be created. The only allowed template.spec.restartPolicy value is \"Always\"."),
    }),
    "DeploymentStrategy": Schema("DeploymentStrategy describes how to replace existing pods with new ones.", {
        "rollingUpdate": F("RollingUpdateDeployment", "Rolling update config params. Present only if DeploymentStrategyType = RollingUpdate."),
        "type": F("string", "Type of deployment. Can be \"Recreate\" or \"RollingUpdate\". Default is RollingUpdate.", "Recreate", "RollingUpdate"),
    }),
    "RollingUpdateDeployment": Schema("Spec to control the desired behavior of rolling update.", {
        "maxSurge": F("IntOrString", "The maximum number of pods that can be scheduled above the desired number of pods. Value can be an absolute number (ex: 5) or a percentage of desired pods (ex: 10%). This can not be 0 if MaxUnavailable is 0. Absolute number is calculated from percentage by rounding up. Defaults to 25%."),
        "maxUnavailable": F("IntOrString", "The maximum number of pods that can be unavailable during the update. Value can be an absolute number (ex: 5) or a percentage of desired pods (ex: 10%). Absolute number is calculated from percentage by rounding down. This can not be 0 if MaxSurge is 0. Defaults to 25%."),
    }),
    "DeploymentStatus": Schema("DeploymentStatus is the most recently observed status of the Deployment.", {
        "availableReplicas": F("integer", "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment."),
        "collisionCount": F("integer", "Count of hash collisions for the Deployment. The Deployment controller uses this field as a collision avoidance mechanism when it needs to create the name for the newest ReplicaSet."),
        "conditions": F("[]DeploymentCondition", "Represents the latest available observations of a deployment's current state."),
        "observedGeneration": F("integer", "The generation observed by the deployment controller."),
        "readyReplicas": F("integer", "readyReplicas is the number of pods targeted by this Deployment with a Ready Condition."),
        "replicas": F("integer", "Total number of non-terminated pods targeted by this deployment (their labels match the selector)."),
        "unavailableReplicas": F("integer", "Total number of unavailable pods targeted by this deployment. This is the total number of pods that are still required for the deployment to have 100% available capacity."),
        "updatedReplicas": F("integer", "Total number of non-terminated pods targeted by this deployment that have the desired template spec."),
    }),
    "DeploymentCondition": _condition("DeploymentCondition describes the state of a deployment at a certain point.", update=True),
    "ReplicaSet": _top(
        "ReplicaSet ensures that a specified number of pod replicas are running at any given time.",
        spec=F("ReplicaSetSpec", f"Spec defines the specification of the desired behavior of the ReplicaSet. {SPEC_INFO}"),
        status=F("ReplicaSetStatus", "Status is the most recently observed status of the ReplicaSet. This data may be out of date by some window of time. Populated by the system. Read-only.")),
    "ReplicaSetSpec": Schema("ReplicaSetSpec is the specification of a ReplicaSet.", {
        "minReadySeconds": F("integer", "Minimum number of seconds for which a newly created pod should be ready without any of its container crashing, for it to be considered available. Defaults to 0."),
        "replicas": F("integer", "Replicas is the number of desired pods. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1."),
        "selector": R("LabelSelector", "Selector is a label query over pods that should match the replica count. Label keys and values that must match in order to be controlled by this replica set. It must match the pod template's labels."),
        "template": F("PodTemplateSpec", "Template is the object that describes the pod that will be created if insufficient replicas are detected."),
    }),
    "ReplicaSetStatus": Schema("ReplicaSetStatus represents the current status of a ReplicaSet.", {
        "availableReplicas": F("integer", "The number of available non-terminating pods (ready for at least minReadySeconds) for this replica set."),
        "conditions": F("[]ReplicaSetCondition", "Represents the latest available observations of a replica set's current state."),
        "fullyLabeledReplicas": F("integer", "The number of non-terminating pods that have labels matching the labels of the pod template of the replicaset."),
        "observedGeneration": F("integer", "ObservedGeneration reflects the generation of the most recently observed ReplicaSet."),
        "readyReplicas": F("integer", "The number of non-terminating pods targeted by this ReplicaSet with a Ready Condition."),
        "replicas": R("integer", "Replicas is the most recently observed number of non-terminating pods."),
    }),
    "ReplicaSetCondition": _condition("ReplicaSetCondition describes the state of a replica set at a certain point."),
})

# ---- services and endpoints -------------------------------------------------------------
SCHEMAS.update({
    "Service": _top(
        "Service is a named abstraction of software service (for example, mysql) consisting of "
        "local port (for example 3306) that the proxy listens on, and the selector that "
        "determines which pods will answer requests sent through the proxy.",
        spec=F("ServiceSpec", f"Spec defines the behavior of a service. {SPEC_INFO}"),
        status=F("ServiceStatus", "Most recently observed status of the service. Populated by the system. Read-only.")),
    "ServiceSpec": Schema("ServiceSpec describes the attributes that a user creates on a service.", {
        "clusterIP": F("string", "clusterIP is the IP address of the service and is usually assigned randomly. If an address is specified manually, is in-range, and is not in use, it will be allocated to the service; otherwise creation of the service will fail. \"None\" makes a headless service."),
        "clusterIPs": F("[]string", "ClusterIPs is a list of IP addresses assigned to this service, and are usually assigned randomly. The first entry must match clusterIP."),
        "externalIPs": F("[]string", "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service. These IPs are not managed by Kubernetes."),
        "externalName": F("string", "externalName is the external reference that discovery mechanisms will return as an alias for this service (e.g. a DNS CNAME record). Requires `type` to be \"ExternalName\"."),
        "externalTrafficPolicy": F("string", "externalTrafficPolicy describes how nodes distribute service traffic they receive on one of the Service's \"externally-facing\" addresses (NodePorts, ExternalIPs, and LoadBalancer IPs).", "Cluster", "Local"),
        "internalTrafficPolicy": F("string", "InternalTrafficPolicy describes how nodes distribute service traffic they receive on the ClusterIP. If set to \"Local\", the proxy will assume that pods only want to talk to endpoints of the service on the same node as the pod.", "Cluster", "Local"),
        "ipFamilies": F("[]string", "IPFamilies is a list of IP families (e.g. IPv4, IPv6) assigned to this service."),
        "ipFamilyPolicy": F("string", "IPFamilyPolicy represents the dual-stack-ness requested or required by this Service. If there is no value provided, then this field will be set to SingleStack.", "PreferDualStack", "RequireDualStack", "SingleStack"),
        "loadBalancerIP": F("string", "Only applies to Service Type: LoadBalancer. Deprecated: This field was under-specified and its meaning varies across implementations."),
        "ports": F("[]ServicePort", "The list of ports that are exposed by this service. More info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies"),
        "publishNotReadyAddresses": F("boolean", "publishNotReadyAddresses indicates that any agent which deals with endpoints for this Service should disregard any indications of ready/not-ready."),
        "selector": F("map[string]string", "Route service traffic to pods with label keys and values matching this selector. If empty or not present, the service is assumed to have an external process managing its endpoints, which Kubernetes will not modify."),
        "sessionAffinity": F("string", "Supports \"ClientIP\" and \"None\". Used to maintain session affinity. Enable client IP based session affinity. Must be ClientIP or None. Defaults to None.", "ClientIP", "None"),
        "type": F("string", "type determines how the Service is exposed. Defaults to ClusterIP. Valid options are ExternalName, ClusterIP, NodePort, and LoadBalancer. \"NodePort\" builds on ClusterIP and allocates a port on every node which routes to the same endpoints as the clusterIP. More info: https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types", "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"),
    }),
    "ServicePort": Schema("ServicePort contains information on service's port.", {
        "appProtocol": F("string", "The application protocol for this port. This is used as a hint for implementations to offer richer behavior for protocols that they understand."),
        "name": F("string", "The name of this port within the service. This must be a DNS_LABEL. All ports within a ServiceSpec must have unique names."),
        "nodePort": F("integer", "The port on each node on which this service is exposed when type is NodePort or LoadBalancer. Usually assigned by the system. More info: https://kubernetes.io/docs/concepts/services-networking/service/#type-nodeport"),
        "port": R("integer", "The port that will be exposed by this service."),
        "protocol": F("string", "The IP protocol for this port. Supports \"TCP\", \"UDP\", and \"SCTP\". Default is TCP.", *PROTOCOLS),
        "targetPort": F("IntOrString", "Number or name of the port to access on the pods targeted by the service. Number must be in the range 1 to 65535. If this is a string, it will be looked up as a named port in the target Pod's container ports. Defaults to the value of the 'port' field."),
    }),
    "ServiceStatus": Schema("ServiceStatus represents the current status of a service.", {
        "conditions": F("[]Condition", "Current service state"),
        "loadBalancer": F("LoadBalancerStatus", "LoadBalancer contains the current status of the load-balancer, if one is present."),
    }),
    "Endpoints": _top(
        "Endpoints is a collection of endpoints that implement the actual service.",
        subsets=F("[]EndpointSubset", "The set of all endpoints is the union of all subsets. Addresses are placed into subsets according to the IPs they share.")),
    "EndpointSubset": Schema(
        "EndpointSubset is a group of addresses with a common set of ports. The expanded set of "
        "endpoints is the Cartesian product of Addresses x Ports.", {
            "addresses": F("[]EndpointAddress", "IP addresses which offer the related ports that are marked as ready. These endpoints should be considered safe for load balancers and clients to utilize."),
            "notReadyAddresses": F("[]EndpointAddress", "IP addresses which offer the related ports but are not currently marked as ready because they have not yet finished starting, have recently failed a readiness check, or have recently failed a liveness check."),
            "ports": F("[]EndpointPort", "Port numbers available on the related IP addresses."),
        }),
    "EndpointAddress": Schema("EndpointAddress is a tuple that describes single IP address.", {
        "hostname": F("string", "The Hostname of this endpoint"),
        "ip": R("string", "The IP of this endpoint. May not be loopback (127.0.0.0/8 or ::1), link-local (169.254.0.0/16 or fe80::/10), or link-local multicast (224.0.0.0/24 or ff02::/16)."),
        "nodeName": F("string", "Optional: Node hosting this endpoint. This can be used to determine endpoints local to a node."),
        "targetRef": F("ObjectReference", "Reference to object providing the endpoint."),
    }),
    "EndpointPort": Schema("EndpointPort is a tuple that describes a single port.", {
        "appProtocol": F("string", "The application protocol for this port."),
        "name": F("string", "The name of this port. This must match the 'name' field in the corresponding ServicePort. Must be a DNS_LABEL. Optional only if one port is defined."),
        "port": R("integer", "The port number of the endpoint."),
        "protocol": F("string", "The IP protocol for this port. Must be UDP, TCP, or SCTP. Default is TCP.", *PROTOCOLS),
    }),
})

# ---- nodes and namespaces ---------------------------------------------------------------
SCHEMAS.update({
    "Node": _top(
        "Node is a worker node in Kubernetes. Each node will have a unique identifier in the cache (i.e. in etcd).",
        spec=F("NodeSpec", f"Spec defines the behavior of a node. {SPEC_INFO}"),
        status=F("NodeStatus", "Most recently observed status of the node. Populated by the system. Read-only.")),
    "NodeSpec": Schema("NodeSpec describes the attributes that a node is created with.", {
        "podCIDR": F("string", "PodCIDR represents the pod IP range assigned to the node."),
        "podCIDRs": F("[]string", "podCIDRs represents the IP ranges assigned to the node for usage by Pods on that node. If this field is specified, the 0th entry must match the podCIDR field."),
        "providerID": F("string", "ID of the node assigned by the cloud provider in the format: <ProviderName>://<ProviderSpecificNodeID>"),
        "taints": F("[]Taint", "If specified, the node's taints."),
        "unschedulable": F("boolean", "Unschedulable controls node schedulability of new pods. By default, node is schedulable. More info: https://kubernetes.io/docs/concepts/nodes/node/#manual-node-administration"),
    }),
    "Taint": Schema(
        "The node this Taint is attached to has the \"effect\" on any pod that does not tolerate the Taint.", {
            "effect": R("string", "Required. The effect of the taint on pods that do not tolerate the taint. Valid effects are NoSchedule, PreferNoSchedule and NoExecute.", "NoExecute", "NoSchedule", "PreferNoSchedule"),
            "key": R("string", "Required. The taint key to be applied to a node."),
            "timeAdded": F("string", "TimeAdded represents the time at which the taint was added. It is only written for NoExecute taints."),
            "value": F("string", "The taint value corresponding to the taint key."),
        }),
    "NodeStatus": Schema("NodeStatus is information about the current status of a node.", {
        "addresses": F("[]NodeAddress", "List of addresses reachable to the node. Queried from cloud provider, if available. More info: https://kubernetes.io/docs/reference/node/node-status/#addresses"),
        "allocatable": F("map[string]Quantity", "Allocatable represents the resources of a node that are available for scheduling. Defaults to Capacity."),
        "capacity": F("map[string]Quantity", "Capacity represents the total resources of a node. More info: https://kubernetes.io/docs/reference/node/node-status/#capacity"),
        "conditions": F("[]NodeCondition", "Conditions is an array of current observed node conditions. More info: https://kubernetes.io/docs/reference/node/node-status/#condition"),
        "daemonEndpoints": F("NodeDaemonEndpoints", "Endpoints of daemons running on the Node."),
        "images": F("[]ContainerImage", "List of container images on this node"),
        "nodeInfo": F("NodeSystemInfo", "Set of ids/uuids to uniquely identify the node. More info: https://kubernetes.io/docs/reference/node/node-status/#info"),
        "phase": F("string", "NodePhase is the recently observed lifecycle phase of the node. The field is never populated, and now is deprecated.", "Pending", "Running", "Terminated"),
    }),
    "NodeAddress": Schema("NodeAddress contains information for the node's address.", {
        "address": R("string", "The node address."),
        "type": R("string", "Node address type, one of Hostname, ExternalIP or InternalIP."),
    }),
    "NodeCondition": _condition(
        "NodeCondition contains condition information for a node.",
        heartbeat="Last time we got an update on a given condition."),
    "NodeSystemInfo": Schema("NodeSystemInfo is a set of ids/uuids to uniquely identify the node.", {
        "architecture": R("string", "The Architecture reported by the node"),
        "bootID": R("string", "Boot ID reported by the node."),
        "containerRuntimeVersion": R("string", "ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2)."),
        "kernelVersion": R("string", "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64)."),
        "kubeProxyVersion": R("string", "Deprecated: KubeProxy Version reported by the node."),
        "kubeletVersion": R("string", "Kubelet Version reported by the node."),
        "machineID": R("string", "MachineID reported by the node. For unique machine identification in the cluster this field is preferred."),
        "operatingSystem": R("string", "The Operating System reported by the node"),
        "osImage": R("string", "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy))."),
        "systemUUID": R("string", "SystemUUID reported by the node. For unique machine identification MachineID is preferred."),
    }),
    "Namespace": _top(
        "Namespace provides a scope for Names. Use of multiple namespaces is optional.",
        spec=F("NamespaceSpec", f"Spec defines the behavior of the Namespace. {SPEC_INFO}"),
        status=F("NamespaceStatus", f"Status describes the current status of a Namespace. {SPEC_INFO}")),
    "NamespaceSpec": Schema("NamespaceSpec describes the attributes on a Namespace.", {
        "finalizers": F("[]string", "Finalizers is an opaque list of values that must be empty to permanently remove object from storage. More info: https://kubernetes.io/docs/tasks/administer-cluster/namespaces/"),
    }),
    "NamespaceStatus": Schema("NamespaceStatus is information about the current status of a Namespace.", {
        "conditions": F("[]NamespaceCondition", "Represents the latest available observations of a namespace's current state."),
        "phase": F("string", "Phase is the current lifecycle phase of the namespace. More info: https://kubernetes.io/docs/tasks/administer-cluster/namespaces/", "Active", "Terminating"),
    }),
    "NamespaceCondition": _condition("NamespaceCondition contains details about state of namespace."),
})

# ---- configuration, identity and events -------------------------------------------------
SCHEMAS.update({
    "ConfigMap": _top(
        "ConfigMap holds configuration data for pods to consume.",
        binaryData=F("map[string]string", "BinaryData contains the binary data. Each key must consist of alphanumeric characters, '-', '_' or '.'. Values are base64-encoded byte sequences. The keys stored in BinaryData must not overlap with the ones in the Data field."),
        data=F("map[string]string", "Data contains the configuration data. Each key must consist of alphanumeric characters, '-', '_' or '.'. Values with non-UTF-8 byte sequences must use the BinaryData field."),
        immutable=F("boolean", "Immutable, if set to true, ensures that data stored in the ConfigMap cannot be updated (only object metadata can be modified). Defaulted to nil.")),
    "Secret": _top(
        "Secret holds secret data of a certain type. The total bytes of the values in the Data "
        "field must be less than MaxSecretSize bytes.",
        data=F("map[string]string", "Data contains the secret data. Each key must consist of alphanumeric characters, '-', '_' or '.'. The serialized form of the secret data is a base64 encoded string, representing the arbitrary (possibly non-string) data value here."),
        immutable=F("boolean", "Immutable, if set to true, ensures that data stored in the Secret cannot be updated (only object metadata can be modified). Defaulted to nil."),
        stringData=F("map[string]string", "stringData allows specifying non-binary secret data in string form. It is provided as a write-only input field for convenience. All keys and values are merged into the data field on write, overwriting any existing values."),
        type=F("string", "Used to facilitate programmatic handling of secret data. More info: https://kubernetes.io/docs/concepts/configuration/secret/#secret-types")),
    "ServiceAccount": _top(
        "ServiceAccount binds together: * a name, understood by users, and perhaps by peripheral "
        "systems, for an identity * a principal that can be authenticated and authorized * a set "
        "of secrets",
        automountServiceAccountToken=F("boolean", "AutomountServiceAccountToken indicates whether pods running as this service account should have an API token automatically mounted. Can be overridden at the pod level."),
        imagePullSecrets=F("[]LocalObjectReference", "ImagePullSecrets is a list of references to secrets in the same namespace to use for pulling any images in pods that reference this ServiceAccount."),
        secrets=F("[]ObjectReference", "Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.")),
    "Event": Schema(
        "Event is a report of an event somewhere in the cluster. Events have a limited retention "
        "time and triggers and messages may evolve with time.", {
            "action": F("string", "What action was taken/failed regarding to the Regarding object."),
            "apiVersion": API_VERSION,
            "count": F("integer", "The number of times this event has occurred."),
            "eventTime": F("MicroTime", "Time when this Event was first observed."),
            "firstTimestamp": F("string", "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)"),
            "involvedObject": R("ObjectReference", "The object that this event is about."),
            "kind": KIND,
            "lastTimestamp": F("string", "The time at which the most recent occurrence of this event was recorded."),
            "message": F("string", "A human-readable description of the status of this operation."),
            "metadata": Field("ObjectMeta", f"Standard object's metadata. More info: {CONVENTIONS}#metadata", (), True),
            "reason": F("string", "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
            "related": F("ObjectReference", "Optional secondary object for more complex actions."),
            "reportingComponent": F("string", "Name of the controller that emitted this Event, e.g. `kubernetes.io/kubelet`."),
            "reportingInstance": F("string", "ID of the controller instance, e.g. `kubelet-xyzf`."),
            "series": F("EventSeries", "Data about the Event series this event represents or nil if it's a singleton Event."),
            "source": F("EventSource", "The component reporting this event. Should be a short machine understandable string."),
            "type": F("string", "Type of this event (Normal, Warning), new types could be added in the future"),
        }),
    "EventSource": Schema("EventSource contains information for an event.", {
        "component": F("string", "Component from which the event is generated."),
        "host": F("string", "Node name on which the event is generated."),
    }),
})

# ---- kinds documented in their own modules ------------------------------------------------
from kubenb.api.explain.apiextensions import SCHEMAS as _APIEXTENSIONS  # noqa: E402
from kubenb.api.explain.apiregistration import SCHEMAS as _APIREGISTRATION  # noqa: E402
from kubenb.api.explain.autoscaling import SCHEMAS as _AUTOSCALING  # noqa: E402
from kubenb.api.explain.batch import SCHEMAS as _BATCH  # noqa: E402
from kubenb.api.explain.certificates import SCHEMAS as _CERTIFICATES  # noqa: E402
from kubenb.api.explain.coordination import SCHEMAS as _COORDINATION  # noqa: E402
from kubenb.api.explain.daemons import SCHEMAS as _DAEMONS  # noqa: E402
from kubenb.api.explain.networking import SCHEMAS as _NETWORKING  # noqa: E402
from kubenb.api.explain.policy import SCHEMAS as _POLICY  # noqa: E402
from kubenb.api.explain.rbac import SCHEMAS as _RBAC  # noqa: E402
from kubenb.api.explain.stateful import SCHEMAS as _STATEFUL  # noqa: E402
from kubenb.api.explain.storage import SCHEMAS as _STORAGE  # noqa: E402

for _more in (_APIREGISTRATION, _AUTOSCALING, _BATCH, _CERTIFICATES, _COORDINATION, _DAEMONS,
              _NETWORKING, _RBAC, _STATEFUL, _STORAGE, _POLICY):
    SCHEMAS.update(_more)
SCHEMAS.update(_APIEXTENSIONS)
