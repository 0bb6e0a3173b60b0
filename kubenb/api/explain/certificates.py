"""`kubectl explain` documentation for certificates.k8s.io/v1 CertificateSigningRequest and its
nested types (CertificateSigningRequestSpec, CertificateSigningRequestStatus,
CertificateSigningRequestCondition).

The text is what a v1.32 kube-apiserver's OpenAPI v3 carries: the comments of the k8s.io/api
v0.32.0 types (certificates/v1) as openapi-gen joins them (lines joined with a space, a blank line
kept as a paragraph break, an indented line kept on its own line); a field is required when its
json tag has no omitempty and it is not marked +optional. request and certificate ([]byte) are
base64 strings in OpenAPI; extra (map of ExtraValue) is a map of string lists; usages is a plain
string list (openapi-gen lists no enum for a slice of KeyUsage), and the v0.32.0 condition type
is no enum either. The object's metadata carries no comment, so no description. Merged into
explain_docs.SCHEMAS at the end of that module.
"""

from __future__ import annotations

from kubenb.api.explain.schema import F, R, Schema
from kubenb.api.explain.schema import top as _top

_BY_CREATOR = "{what} of the user that created the CertificateSigningRequest. Populated by the API server on creation and immutable."

SCHEMAS: dict[str, Schema] = {
    "CertificateSigningRequest": _top(
        "CertificateSigningRequest objects provide a mechanism to obtain x509 certificates by submitting a certificate signing request, and having it asynchronously approved and issued.\n\n"
        "Kubelets use this API to obtain:\n"
        " 1. client certificates to authenticate to kube-apiserver (with the \"kubernetes.io/kube-apiserver-client-kubelet\" signerName).\n"
        " 2. serving certificates for TLS endpoints kube-apiserver can connect to securely (with the \"kubernetes.io/kubelet-serving\" signerName).\n\n"
        "This API can be used to request client certificates to authenticate to kube-apiserver (with the \"kubernetes.io/kube-apiserver-client\" signerName), or to obtain certificates from custom non-Kubernetes signers.",
        metadata=F("ObjectMeta", ""),
        spec=R("CertificateSigningRequestSpec", "spec contains the certificate request, and is immutable after creation. Only the request, signerName, expirationSeconds, and usages fields can be set on creation. Other fields are derived by Kubernetes and cannot be modified by users."),
        status=F("CertificateSigningRequestStatus", "status contains information about whether the request is approved or denied, and the certificate issued by the signer, or the failure condition indicating signer failure.")),
    "CertificateSigningRequestSpec": Schema("CertificateSigningRequestSpec contains the certificate request.", {
        "expirationSeconds": F("integer",
            "expirationSeconds is the requested duration of validity of the issued certificate. The certificate signer may issue a certificate with a different validity duration so a client must check the delta between the notBefore and and notAfter fields in the issued certificate to determine the actual duration.\n\n"
            "The v1.22+ in-tree implementations of the well-known Kubernetes signers will honor this field as long as the requested duration is not greater than the maximum duration they will honor per the --cluster-signing-duration CLI flag to the Kubernetes controller manager.\n\n"
            "Certificate signers may not honor this field for various reasons:\n\n"
            "  1. Old signer that is unaware of the field (such as the in-tree\n"
            "     implementations prior to v1.22)\n"
            "  2. Signer whose configured maximum is shorter than the requested duration\n"
            "  3. Signer whose configured minimum is longer than the requested duration\n\n"
            "The minimum valid value for expirationSeconds is 600, i.e. 10 minutes."),
        "extra": F("map[string][]string", _BY_CREATOR.format(what="extra contains extra attributes")),
        "groups": F("[]string", _BY_CREATOR.format(what="groups contains group membership")),
        "request": R("string", "request contains an x509 certificate signing request encoded in a \"CERTIFICATE REQUEST\" PEM block. When serialized as JSON or YAML, the data is additionally base64-encoded."),
        "signerName": R("string",
            "signerName indicates the requested signer, and is a qualified name.\n\n"
            "List/watch requests for CertificateSigningRequests can filter on this field using a \"spec.signerName=NAME\" fieldSelector.\n\n"
            "Well-known Kubernetes signers are:\n"
            " 1. \"kubernetes.io/kube-apiserver-client\": issues client certificates that can be used to authenticate to kube-apiserver.\n"
            "  Requests for this signer are never auto-approved by kube-controller-manager, can be issued by the \"csrsigning\" controller in kube-controller-manager.\n"
            " 2. \"kubernetes.io/kube-apiserver-client-kubelet\": issues client certificates that kubelets use to authenticate to kube-apiserver.\n"
            "  Requests for this signer can be auto-approved by the \"csrapproving\" controller in kube-controller-manager, and can be issued by the \"csrsigning\" controller in kube-controller-manager.\n"
            " 3. \"kubernetes.io/kubelet-serving\" issues serving certificates that kubelets use to serve TLS endpoints, which kube-apiserver can connect to securely.\n"
            "  Requests for this signer are never auto-approved by kube-controller-manager, and can be issued by the \"csrsigning\" controller in kube-controller-manager.\n\n"
            "More details are available at https://k8s.io/docs/reference/access-authn-authz/certificate-signing-requests/#kubernetes-signers\n\n"
            "Custom signerNames can also be specified. The signer defines:\n"
            " 1. Trust distribution: how trust (CA bundles) are distributed.\n"
            " 2. Permitted subjects: and behavior when a disallowed subject is requested.\n"
            " 3. Required, permitted, or forbidden x509 extensions in the request (including whether subjectAltNames are allowed, which types, restrictions on allowed values) and behavior when a disallowed extension is requested.\n"
            " 4. Required, permitted, or forbidden key usages / extended key usages.\n"
            " 5. Expiration/certificate lifetime: whether it is fixed by the signer, configurable by the admin.\n"
            " 6. Whether or not requests for CA certificates are allowed."),
        "uid": F("string", _BY_CREATOR.format(what="uid contains the uid")),
        "usages": F("[]string",
            "usages specifies a set of key usages requested in the issued certificate.\n\n"
            "Requests for TLS client certificates typically request: \"digital signature\", \"key encipherment\", \"client auth\".\n\n"
            "Requests for TLS serving certificates typically request: \"key encipherment\", \"digital signature\", \"server auth\".\n\n"
            "Valid values are:\n"
            " \"signing\", \"digital signature\", \"content commitment\",\n"
            " \"key encipherment\", \"key agreement\", \"data encipherment\",\n"
            " \"cert sign\", \"crl sign\", \"encipher only\", \"decipher only\", \"any\",\n"
            " \"server auth\", \"client auth\",\n"
            " \"code signing\", \"email protection\", \"s/mime\",\n"
            " \"ipsec end system\", \"ipsec tunnel\", \"ipsec user\",\n"
            " \"timestamping\", \"ocsp signing\", \"microsoft sgc\", \"netscape sgc\""),
        "username": F("string", _BY_CREATOR.format(what="username contains the name")),
    }),
    "CertificateSigningRequestStatus": Schema(
        "CertificateSigningRequestStatus contains conditions used to indicate approved/denied/failed status of the request, and the issued certificate.", {
            "certificate": F("string",
                "certificate is populated with an issued certificate by the signer after an Approved condition is present. This field is set via the /status subresource. Once populated, this field is immutable.\n\n"
                "If the certificate signing request is denied, a condition of type \"Denied\" is added and this field remains empty. If the signer cannot issue the certificate, a condition of type \"Failed\" is added and this field remains empty.\n\n"
                "Validation requirements:\n"
                " 1. certificate must contain one or more PEM blocks.\n"
                " 2. All PEM blocks must have the \"CERTIFICATE\" label, contain no headers, and the encoded data\n"
                "  must be a BER-encoded ASN.1 Certificate structure as described in section 4 of RFC5280.\n"
                " 3. Non-PEM content may appear before or after the \"CERTIFICATE\" PEM blocks and is unvalidated,\n"
                "  to allow for explanatory text as described in section 5.2 of RFC7468.\n\n"
                "If more than one PEM block is present, and the definition of the requested spec.signerName does not indicate otherwise, the first block is the issued certificate, and subsequent blocks should be treated as intermediate certificates and presented in TLS handshakes.\n\n"
                "The certificate is encoded in PEM format.\n\n"
                "When serialized as JSON or YAML, the data is additionally base64-encoded, so it consists of:\n\n"
                "    base64(\n"
                "    -----BEGIN CERTIFICATE-----\n"
                "    ...\n"
                "    -----END CERTIFICATE-----\n"
                "    )"),
            "conditions": F("[]CertificateSigningRequestCondition", "conditions applied to the request. Known conditions are \"Approved\", \"Denied\", and \"Failed\"."),
        }),
    "CertificateSigningRequestCondition": Schema(
        "CertificateSigningRequestCondition describes a condition of a CertificateSigningRequest object", {
            "lastTransitionTime": F("string", "lastTransitionTime is the time the condition last transitioned from one status to another. If unset, when a new condition type is added or an existing condition's status is changed, the server defaults this to the current time."),
            "lastUpdateTime": F("string", "lastUpdateTime is the time of the last update to this condition"),
            "message": F("string", "message contains a human readable message with details about the request state"),
            "reason": F("string", "reason indicates a brief reason for the request state"),
            "status": R("string", "status of the condition, one of True, False, Unknown. Approved, Denied, and Failed conditions may not be \"False\" or \"Unknown\"."),
            "type": R("string",
                "type of the condition. Known conditions are \"Approved\", \"Denied\", and \"Failed\".\n\n"
                "An \"Approved\" condition is added via the /approval subresource, indicating the request was approved and should be issued by the signer.\n\n"
                "A \"Denied\" condition is added via the /approval subresource, indicating the request was denied and should not be issued by the signer.\n\n"
                "A \"Failed\" condition is added via the /status subresource, indicating the signer failed to issue the certificate.\n\n"
                "Approved and Denied conditions are mutually exclusive. Approved, Denied, and Failed conditions cannot be removed once added.\n\n"
                "Only one condition of a given type is allowed."),
        }),
}
