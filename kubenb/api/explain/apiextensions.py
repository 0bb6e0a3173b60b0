"""`kubectl explain` documentation for CustomResourceDefinition (apiextensions.k8s.io/v1),
from the comments of the upstream API type (staging/src/k8s.io/apiextensions-apiserver/pkg/
apis/apiextensions/v1/types.go, Kubernetes 1.32). Merged into explain_docs.SCHEMAS at the end
of that module. The schemas of custom resources themselves come from their CRDs
(explain_custom.py).
"""

from __future__ import annotations

from kubenb.api.explain.schema import API_VERSION, CONVENTIONS, KIND, F, R, Schema

SCHEMAS: dict[str, Schema] = {
    "CustomResourceDefinition": Schema(
        "CustomResourceDefinition represents a resource that should be exposed on the API "
        "server.  Its name MUST be in the format <.spec.name>.<.spec.group>.", {
            "apiVersion": API_VERSION,
            "kind": KIND,
            "metadata": F("ObjectMeta", "Standard object's metadata More info: "
                          f"{CONVENTIONS}#metadata"),
            "spec": R("CustomResourceDefinitionSpec", "spec describes how the user wants the "
                      "resources to appear"),
            "status": F("CustomResourceDefinitionStatus", "status indicates the actual state of "
                        "the CustomResourceDefinition"),
        }),
    "CustomResourceDefinitionSpec": Schema(
        "CustomResourceDefinitionSpec describes how a user wants their resource to appear", {
            "conversion": F("CustomResourceConversion", "conversion defines conversion settings "
                            "for the CRD."),
            "group": R("string", "group is the API group of the defined custom resource. The "
                       "custom resources are served under `/apis/<group>/...`. Must match the "
                       "name of the CustomResourceDefinition (in the form "
                       "`<names.plural>.<group>`)."),
            "names": R("CustomResourceDefinitionNames", "names specify the resource and kind "
                       "names for the custom resource."),
            "preserveUnknownFields": F("boolean", "preserveUnknownFields indicates that object "
                                       "fields which are not specified in the OpenAPI schema "
                                       "should be preserved when persisting to storage. "
                                       "apiVersion, kind, metadata and known fields inside "
                                       "metadata are always preserved. This field is deprecated "
                                       "in favor of setting `x-preserve-unknown-fields` to true "
                                       "in `spec.versions[*].schema.openAPIV3Schema`. See "
                                       "https://kubernetes.io/docs/tasks/extend-kubernetes/"
                                       "custom-resources/custom-resource-definitions/"
                                       "#field-pruning for details."),
            "scope": R("string", "scope indicates whether the defined custom resource is cluster- "
                       "or namespace-scoped. Allowed values are `Cluster` and `Namespaced`."),
            "versions": R("[]CustomResourceDefinitionVersion", "versions is the list of all API "
                          "versions of the defined custom resource. Version names are used to "
                          "compute the order in which served versions are listed in API "
                          "discovery. If the version string is \"kube-like\", it will sort above "
                          "non \"kube-like\" version strings, which are ordered "
                          "lexicographically. \"Kube-like\" versions start with a \"v\", then are "
                          "followed by a number (the major version), then optionally the string "
                          "\"alpha\" or \"beta\" and another number (the minor version). These "
                          "are sorted first by GA > beta > alpha (where GA is a version with no "
                          "suffix such as beta or alpha), and then by comparing major version, "
                          "then minor version. An example sorted list of versions: v10, v2, v1, "
                          "v11beta2, v10beta3, v3beta1, v12alpha1, v11alpha2, foo1, foo10."),
        }),
    "CustomResourceConversion": Schema(
        "CustomResourceConversion describes how to convert different versions of a CR.", {
            "strategy": R("string", "strategy specifies how custom resources are converted "
                          "between versions. Allowed values are: - `\"None\"`: The converter "
                          "only change the apiVersion and would not touch any other field in "
                          "the custom resource. - `\"Webhook\"`: API Server will call to an "
                          "external webhook to do the conversion. Additional information\n  is "
                          "needed for this option. This requires spec.preserveUnknownFields to "
                          "be false, and spec.conversion.webhook to be set.", "None", "Webhook"),
            "webhook": F("WebhookConversion", "webhook describes how to call the conversion "
                         "webhook. Required when `strategy` is set to `\"Webhook\"`."),
        }),
    "CustomResourceDefinitionNames": Schema(
        "CustomResourceDefinitionNames indicates the names to serve this "
        "CustomResourceDefinition", {
            "categories": F("[]string", "categories is a list of grouped resources this custom "
                            "resource belongs to (e.g. 'all'). This is published in API discovery "
                            "documents, and used by clients to support invocations like `kubectl "
                            "get all`."),
            "kind": R("string", "kind is the serialized kind of the resource. It is normally "
                      "CamelCase and singular. Custom resource instances will use this value as "
                      "the `kind` attribute in API calls."),
            "listKind": F("string", "listKind is the serialized kind of the list for this "
                          "resource. Defaults to \"`kind`List\"."),
            "plural": R("string", "plural is the plural name of the resource to serve. The "
                        "custom resources are served under `/apis/<group>/<version>/.../<plural>`. "
                        "Must match the name of the CustomResourceDefinition (in the form "
                        "`<names.plural>.<group>`). Must be all lowercase."),
            "shortNames": F("[]string", "shortNames are short names for the resource, exposed in "
                            "API discovery documents, and used by clients to support invocations "
                            "like `kubectl get <shortname>`. It must be all lowercase."),
            "singular": F("string", "singular is the singular name of the resource. It must be "
                          "all lowercase. Defaults to lowercased `kind`."),
        }),
    "CustomResourceDefinitionVersion": Schema(
        "CustomResourceDefinitionVersion describes a version for CRD.", {
            "additionalPrinterColumns": F("[]CustomResourceColumnDefinition",
                                          "additionalPrinterColumns specifies additional columns "
                                          "returned in Table output. See "
                                          "https://kubernetes.io/docs/reference/using-api/"
                                          "api-concepts/#receiving-resources-as-tables for "
                                          "details. If no columns are specified, a single column "
                                          "displaying the age of the custom resource is used."),
            "deprecated": F("boolean", "deprecated indicates this version of the custom resource "
                            "API is deprecated. When set to true, API requests to this version "
                            "receive a warning header in the server response. Defaults to false."),
            "deprecationWarning": F("string", "deprecationWarning overrides the default warning "
                                    "returned to API clients. May only be set when `deprecated` "
                                    "is true. The default warning indicates this version is "
                                    "deprecated and recommends use of the newest served version "
                                    "of equal or greater stability, if one exists."),
            "name": R("string", "name is the version name, e.g. “v1”, “v2beta1”, etc. The custom "
                      "resources are served under this version at `/apis/<group>/<version>/...` "
                      "if `served` is true."),
            "schema": F("CustomResourceValidation", "schema describes the schema used for "
                        "validation, pruning, and defaulting of this version of the custom "
                        "resource."),
            "served": R("boolean", "served is a flag enabling/disabling this version from being "
                        "served via REST APIs"),
            "storage": R("boolean", "storage indicates this version should be used when persisting "
                         "custom resources to storage. There must be exactly one version with "
                         "storage=true."),
            "subresources": F("CustomResourceSubresources", "subresources specify what "
                              "subresources this version of the defined custom resource have."),
        }),
    "CustomResourceColumnDefinition": Schema(
        "CustomResourceColumnDefinition specifies a column for server side printing.", {
            "description": F("string", "description is a human readable description of this "
                             "column."),
            "format": F("string", "format is an optional OpenAPI type definition for this column. "
                        "The 'name' format is applied to the primary identifier column to assist "
                        "in clients identifying column is the resource name. See https://github."
                        "com/OAI/OpenAPI-Specification/blob/master/versions/2.0.md#data-types for "
                        "details."),
            "jsonPath": R("string", "jsonPath is a simple JSON path (i.e. with array notation) "
                          "which is evaluated against each custom resource to produce the value "
                          "for this column."),
            "name": R("string", "name is a human readable name for the column."),
            "priority": F("integer", "priority is an integer defining the relative importance of "
                          "this column compared to others. Lower numbers are considered higher "
                          "priority. Columns that may be omitted in limited space scenarios "
                          "should be given a priority greater than 0."),
            "type": R("string", "type is an OpenAPI type definition for this column. See "
                      "https://github.com/OAI/OpenAPI-Specification/blob/master/versions/2.0.md"
                      "#data-types for details."),
        }),
    "CustomResourceDefinitionStatus": Schema(
        "CustomResourceDefinitionStatus indicates the state of the CustomResourceDefinition", {
            "acceptedNames": F("CustomResourceDefinitionNames", "acceptedNames are the names "
                               "that are actually being used to serve discovery. They may be "
                               "different than the names in spec."),
            "conditions": F("[]CustomResourceDefinitionCondition", "conditions indicate state for "
                            "particular aspects of a CustomResourceDefinition"),
            "storedVersions": F("[]string", "storedVersions lists all versions of "
                                "CustomResources that were ever persisted. Tracking these "
                                "versions allows a migration path for stored versions in etcd. "
                                "The field is mutable so a migration controller can finish a "
                                "migration to another version (ensuring no old objects are left "
                                "in storage), and then remove the rest of the versions from this "
                                "list. Versions may not be removed from `spec.versions` while "
                                "they exist in this list."),
        }),
    "CustomResourceDefinitionCondition": Schema(
        "CustomResourceDefinitionCondition contains details for the current condition of this "
        "pod.", {
            "lastTransitionTime": F("string", "lastTransitionTime last time the condition "
                                    "transitioned from one status to another."),
            "message": F("string", "message is a human-readable message indicating details about "
                         "last transition."),
            "reason": F("string", "reason is a unique, one-word, CamelCase reason for the "
                        "condition's last transition."),
            "status": R("string", "status is the status of the condition. Can be True, False, "
                        "Unknown."),
            "type": R("string", "type is the type of the condition. Types include Established, "
                      "NamesAccepted and Terminating."),
        }),
    "WebhookConversion": Schema(
        "WebhookConversion describes how to call a conversion webhook", {
            "clientConfig": F("WebhookClientConfig", "clientConfig is the instructions for how to "
                              "call the webhook if strategy is `Webhook`."),
            "conversionReviewVersions": R("[]string", "conversionReviewVersions is an ordered "
                                          "list of preferred `ConversionReview` versions the "
                                          "Webhook expects. The API server will use the first "
                                          "version in the list which it supports. If none of the "
                                          "versions specified in this list are supported by API "
                                          "server, conversion will fail for the custom resource. "
                                          "If a persisted Webhook configuration specifies allowed "
                                          "versions and does not include any versions known to "
                                          "the API Server, calls to the webhook will fail."),
        }),
    "WebhookClientConfig": Schema(
        "WebhookClientConfig contains the information to make a TLS connection with the "
        "webhook.", {
            "caBundle": F("string", "caBundle is a PEM encoded CA bundle which will be used to "
                          "validate the webhook's server certificate. If unspecified, system "
                          "trust roots on the apiserver are used."),
            "service": F("ServiceReference", "service is a reference to the service for this "
                         "webhook. Either service or url must be specified.\n\nIf the webhook is "
                         "running within the cluster, then you should use `service`."),
            "url": F("string", "url gives the location of the webhook, in standard URL form "
                     "(`scheme://host:port/path`). Exactly one of `url` or `service` must be "
                     "specified."),
        }),
    "ServiceReference": Schema(
        "ServiceReference holds a reference to Service.legacy.k8s.io", {
            "name": R("string", "name is the name of the service. Required"),
            "namespace": R("string", "namespace is the namespace of the service. Required"),
            "path": F("string", "path is an optional URL path at which the webhook will be "
                      "contacted."),
            "port": F("integer", "port is an optional service port at which the webhook will be "
                      "contacted. `port` should be a valid port number (1-65535, inclusive). "
                      "Defaults to 443 for backward compatibility."),
        }),
    "CustomResourceValidation": Schema(
        "CustomResourceValidation is a list of validation methods for CustomResources.", {
            "openAPIV3Schema": F("JSONSchemaProps", "openAPIV3Schema is the OpenAPI v3 schema to "
                                 "use for validation and pruning."),
        }),
    "JSONSchemaProps": Schema(
        "JSONSchemaProps is a JSON-Schema following Specification Draft 4 "
        "(http://json-schema.org/).", {
            "format": F("string", "format is an OpenAPI v3 format string. Unknown formats are "
                        "ignored."),
            "x-kubernetes-int-or-string": F("boolean", "x-kubernetes-int-or-string specifies "
                                            "that this value is either an integer or a string. "
                                            "If this is true, an empty type is allowed and type as "
                                            "child of anyOf is permitted if following one of the "
                                            "following patterns:\n\n1) anyOf:\n   - type: integer\n"
                                            "   - type: string\n2) allOf:\n   - anyOf:\n     - "
                                            "type: integer\n     - type: string\n   - "
                                            "... zero or more"),
            "x-kubernetes-preserve-unknown-fields": F("boolean", "x-kubernetes-preserve-unknown-"
                                                      "fields stops the API server decoding step "
                                                      "from pruning fields which are not specified "
                                                      "in the validation schema. This affects "
                                                      "fields recursively, but switches back to "
                                                      "normal pruning behaviour if nested "
                                                      "properties or additionalProperties are "
                                                      "specified in the schema. This can either be "
                                                      "true or undefined. False is forbidden."),
        }),
    "CustomResourceSubresources": Schema(
        "CustomResourceSubresources defines the status and scale subresources for "
        "CustomResources.", {
            "scale": F("CustomResourceSubresourceScale", "scale indicates the custom resource "
                       "should serve a `/scale` subresource that returns an `autoscaling/v1` Scale "
                       "object."),
            "status": F("Object", "status indicates the custom resource should serve a `/status` "
                        "subresource. When enabled: 1. requests to the custom resource primary "
                        "endpoint ignore changes to the `status` stanza of the object. 2. requests "
                        "to the custom resource `/status` subresource ignore changes to anything "
                        "other than the `status` stanza of the object."),
        }),
    "CustomResourceSubresourceScale": Schema(
        "CustomResourceSubresourceScale defines how to serve the scale subresource for "
        "CustomResources.", {
            "labelSelectorPath": F("string", "labelSelectorPath defines the JSON path inside of a "
                                   "custom resource that corresponds to Scale `status.selector`. "
                                   "Only JSON paths without the array notation are allowed. Must "
                                   "be a JSON Path under `.status` or `.spec`. Must be set to work "
                                   "with HorizontalPodAutoscaler."),
            "specReplicasPath": R("string", "specReplicasPath defines the JSON path inside of a "
                                  "custom resource that corresponds to Scale `spec.replicas`. Only "
                                  "JSON paths without the array notation are allowed. Must be a "
                                  "JSON Path under `.spec`. If there is no value under the given "
                                  "path in the custom resource, the `/scale` subresource will "
                                  "return an error on GET."),
            "statusReplicasPath": R("string", "statusReplicasPath defines the JSON path inside of "
                                    "a custom resource that corresponds to Scale "
                                    "`status.replicas`. Only JSON paths without the array notation "
                                    "are allowed. Must be a JSON Path under `.status`. If there is "
                                    "no value under the given path in the custom resource, the "
                                    "`status.replicas` value in the `/scale` subresource will "
                                    "default to 0."),
        }),
}
