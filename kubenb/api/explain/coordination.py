"""`kubectl explain` documentation for Lease (coordination.k8s.io/v1), from the comments of
the upstream API type (staging/src/k8s.io/api/coordination/v1/types.go, Kubernetes 1.32).
Merged into explain_docs.SCHEMAS at the end of that module.
"""

from __future__ import annotations

from kubenb.api.explain.schema import API_VERSION, CONVENTIONS, KIND, F, Schema

_GATE = "(Alpha) Using this field requires the CoordinatedLeaderElection feature gate to be enabled."

SCHEMAS: dict[str, Schema] = {
    "Lease": Schema("Lease defines a lease concept.", {
        "apiVersion": API_VERSION,
        "kind": KIND,
        "metadata": F("ObjectMeta", f"More info: {CONVENTIONS}#metadata"),
        "spec": F("LeaseSpec", "spec contains the specification of the Lease. More info: "
                  f"{CONVENTIONS}#spec-and-status"),
    }),
    "LeaseSpec": Schema("LeaseSpec is a specification of a Lease.", {
        "acquireTime": F("string", "acquireTime is a time when the current lease was acquired."),
        "holderIdentity": F("string", "holderIdentity contains the identity of the holder of a "
                            "current lease. If Coordinated Leader Election is used, the holder "
                            "identity must be equal to the elected LeaseCandidate.metadata.name "
                            "field."),
        "leaseDurationSeconds": F("integer", "leaseDurationSeconds is a duration that candidates "
                                  "for a lease need to wait to force acquire it. This is measured "
                                  "against the time of last observed renewTime."),
        "leaseTransitions": F("integer", "leaseTransitions is the number of transitions of a "
                              "lease between holders."),
        "preferredHolder": F("string", "PreferredHolder signals to a lease holder that the lease "
                             "has a more optimal holder and should be given up. This field can "
                             "only be set if Strategy is also set."),
        "renewTime": F("string", "renewTime is a time when the current holder of a lease has last "
                       "updated the lease."),
        "strategy": F("string", "Strategy indicates the strategy for picking the leader for "
                      "coordinated leader election. If the field is not specified, there is no "
                      f"active coordination for this lease. {_GATE}"),
    }),
}
