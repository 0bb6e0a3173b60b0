"""The vocabulary of `kubectl explain` documentation: a `Schema` is a description plus
`Field`s (type, description, enum, required), with the constructors and the fields every
top-level kind shares (apiVersion, kind, metadata) and the standard condition. The per-group
documentation modules (explain_docs, explain_batch, explain_daemons, explain_stateful,
explain_autoscaling, explain_rbac, explain_apiregistration, explain_certificates,
explain_coordination) are written in it.
"""

from __future__ import annotations

from kubenb.api.docs import CONVENTIONS, F, Field, R, Schema

__all__ = ["CONVENTIONS", "F", "Field", "R", "Schema"]

API_VERSION = F("string", "APIVersion defines the versioned schema of this representation of an object. "
                "Servers should convert recognized schemas to the latest internal value, and may "
                f"reject unrecognized values. More info: {CONVENTIONS}#resources")
KIND = F("string", "Kind is a string value representing the REST resource this object represents. "
         "Servers may infer this from the endpoint the client submits requests to. Cannot be "
         f"updated. In CamelCase. More info: {CONVENTIONS}#types-kinds")
METADATA = F("ObjectMeta", f"Standard object's metadata. More info: {CONVENTIONS}#metadata")
SPEC_INFO = f"More info: {CONVENTIONS}#spec-and-status"
PROTOCOLS = ("SCTP", "TCP", "UDP")


def top(description: str, **fields: Field) -> Schema:
    return Schema(description, {"apiVersion": API_VERSION, "kind": KIND, "metadata": METADATA, **fields})


def condition(description: str, *, heartbeat: str = "", update: bool = False,
              type_doc: str = "Type of the condition.") -> Schema:
    fields = {
        "lastTransitionTime": F("string", "Last time the condition transitioned from one status to another."),
        "message": F("string", "A human readable message indicating details about the transition."),
        "reason": F("string", "The reason for the condition's last transition."),
        "status": R("string", "Status of the condition, one of True, False, Unknown."),
        "type": R("string", type_doc),
    }
    if heartbeat:
        fields["lastHeartbeatTime"] = F("string", heartbeat)
    if update:
        fields["lastUpdateTime"] = F("string", "The last time this condition was updated.")
    return Schema(description, fields)
