"""`kubectl explain` documentation for the access-control kinds: rbac.authorization.k8s.io/v1
(Role, ClusterRole, RoleBinding, ClusterRoleBinding), authentication.k8s.io/v1 (TokenReview,
SelfSubjectReview) and authorization.k8s.io/v1 (SubjectAccessReview, LocalSubjectAccessReview,
SelfSubjectAccessReview, SelfSubjectRulesReview) with their nested types.

The text is what a v1.32 kube-apiserver's OpenAPI v3 carries: the comments of the k8s.io/api
v0.32.0 types as openapi-gen joins them (lines joined with a space, a blank line kept as a
paragraph break, an indented line kept on its own line); a field is required when its json tag
has no omitempty and it is not marked +optional. Merged into explain_docs.SCHEMAS at the end of
that module.
"""

from __future__ import annotations

from kubenb.api.explain.schema import CONVENTIONS, F, R, Schema
from kubenb.api.explain.schema import top as _top

_RBAC_METADATA = F("ObjectMeta", "Standard object's metadata.")
_REVIEW_METADATA = F("ObjectMeta", f"Standard list metadata. More info: {CONVENTIONS}#metadata")
_SUBJECTS = F("[]Subject", "Subjects holds references to the objects the role applies to.")
_ROLE_REF = ("If the RoleRef cannot be resolved, the Authorizer must return an error. This field is "
             "immutable.")
_SPEC = "Spec holds information about the request being evaluated"
_ACCESS_STATUS = F("SubjectAccessReviewStatus", "Status is filled in by the server and indicates "
                   "whether the request is allowed or not")
_ACCESS_SPEC = ("{kind} is a description of the access request.  Exactly one of "
                "ResourceAuthorizationAttributes and NonResourceAuthorizationAttributes must be set")
_ATTRIBUTES = {
    "nonResourceAttributes": F("NonResourceAttributes", "NonResourceAttributes describes information for a non-resource access request"),
    "resourceAttributes": F("ResourceAttributes", "ResourceAuthorizationAttributes describes information for a resource access request"),
}
_ALPHA_SELECTOR = ("{what} describes the limitation on access based on {basis}.  It can only limit "
                   "access, not broaden it.\n\nThis field  is alpha-level. To use this field, you must "
                   "enable the `AuthorizeWithSelectors` feature gate (disabled by default).")
_SELECTOR_ATTRIBUTES = (
    "{kind}SelectorAttributes indicates a {basis} limited access. Webhook authors are encouraged to * "
    "ensure rawSelector and requirements are not both set * consider the requirements field if set * "
    "not try to parse or consider the rawSelector field if set. This is to avoid another CVE-2022-2880 "
    "(i.e. getting different systems to agree on how exactly to parse a query is not something we "
    "want), see https://www.oxeye.io/resources/golang-parameter-smuggling-attack for more details. For "
    "the *SubjectAccessReview endpoints of the kube-apiserver: * If rawSelector is empty and "
    "requirements are empty, the request is not limited. * If rawSelector is present and requirements "
    "are empty, the rawSelector will be parsed and limited if the parsing succeeds. * If rawSelector "
    "is empty and requirements are present, the requirements should be honored * If rawSelector is "
    "present and requirements are present, the request is invalid.")
_RAW_SELECTOR = F("string", "rawSelector is the serialization of a field selector that would be included in a query parameter. Webhook implementations are encouraged to ignore rawSelector. The kube-apiserver's *SubjectAccessReview will parse the rawSelector as long as the requirements are not present.")
_REQUIREMENTS = ("requirements is the parsed interpretation of a {basis} selector. All requirements must "
                 "be met for a resource instance to match the selector. Webhook implementations should "
                 "handle requirements, but how to handle them is up to the webhook. Since requirements "
                 "can only limit the request, it is safe to authorize as unlimited request if the "
                 "requirements are not understood.")
_RULES_LIST = ("{what} is the list of actions the subject is allowed to perform on {on}. The list "
               "ordering isn't significant, may contain duplicates, and possibly be incomplete.")


def _selector_attributes(kind: str, basis: str) -> Schema:
    return Schema(_SELECTOR_ATTRIBUTES.format(kind=kind, basis=basis), {
        "rawSelector": _RAW_SELECTOR,
        "requirements": F(f"[]{kind}SelectorRequirement", _REQUIREMENTS.format(basis=basis)),
    })


SCHEMAS: dict[str, Schema] = {
    # ---- rbac.authorization.k8s.io/v1 ------------------------------------------------------
    "Role": _top(
        "Role is a namespaced, logical grouping of PolicyRules that can be referenced as a unit by a "
        "RoleBinding.",
        metadata=_RBAC_METADATA, rules=F("[]PolicyRule", "Rules holds all the PolicyRules for this Role")),
    "ClusterRole": _top(
        "ClusterRole is a cluster level, logical grouping of PolicyRules that can be referenced as a unit "
        "by a RoleBinding or ClusterRoleBinding.",
        aggregationRule=F("AggregationRule", "AggregationRule is an optional field that describes how to build the Rules for this ClusterRole. If AggregationRule is set, then the Rules are controller managed and direct changes to Rules will be stomped by the controller."),
        metadata=_RBAC_METADATA, rules=F("[]PolicyRule", "Rules holds all the PolicyRules for this ClusterRole")),
    "PolicyRule": Schema(
        "PolicyRule holds information that describes a policy rule, but does not contain information "
        "about who the rule applies to or which namespace the rule applies to.", {
            "apiGroups": F("[]string", "APIGroups is the name of the APIGroup that contains the resources.  If multiple API groups are specified, any action requested against one of the enumerated resources in any API group will be allowed. \"\" represents the core API group and \"*\" represents all API groups."),
            "nonResourceURLs": F("[]string", "NonResourceURLs is a set of partial urls that a user should have access to.  *s are allowed, but only as the full, final step in the path Since non-resource URLs are not namespaced, this field is only applicable for ClusterRoles referenced from a ClusterRoleBinding. Rules can either apply to API resources (such as \"pods\" or \"secrets\") or non-resource URL paths (such as \"/api\"),  but not both."),
            "resourceNames": F("[]string", "ResourceNames is an optional white list of names that the rule applies to.  An empty set means that everything is allowed."),
            "resources": F("[]string", "Resources is a list of resources this rule applies to. '*' represents all resources."),
            "verbs": R("[]string", "Verbs is a list of Verbs that apply to ALL the ResourceKinds contained in this rule. '*' represents all verbs."),
        }),
    "AggregationRule": Schema(
        "AggregationRule describes how to locate ClusterRoles to aggregate into the ClusterRole", {
            "clusterRoleSelectors": F("[]LabelSelector", "ClusterRoleSelectors holds a list of selectors which will be used to find ClusterRoles and create the rules. If any of the selectors match, then the ClusterRole's permissions will be added"),
        }),
    "RoleBinding": _top(
        "RoleBinding references a role, but does not contain it.  It can reference a Role in the same "
        "namespace or a ClusterRole in the global namespace. It adds who information via Subjects and "
        "namespace information by which namespace it exists in.  RoleBindings in a given namespace only "
        "have effect in that namespace.",
        metadata=_RBAC_METADATA,
        roleRef=R("RoleRef", "RoleRef can reference a Role in the current namespace or a ClusterRole in "
                  "the global namespace. " + _ROLE_REF),
        subjects=_SUBJECTS),
    "ClusterRoleBinding": _top(
        "ClusterRoleBinding references a ClusterRole, but not contain it.  It can reference a "
        "ClusterRole in the global namespace, and adds who information via Subject.",
        metadata=_RBAC_METADATA,
        roleRef=R("RoleRef", "RoleRef can only reference a ClusterRole in the global namespace. " + _ROLE_REF),
        subjects=_SUBJECTS),
    "RoleRef": Schema("RoleRef contains information that points to the role being used", {
        "apiGroup": R("string", "APIGroup is the group for the resource being referenced"),
        "kind": R("string", "Kind is the type of resource being referenced"),
        "name": R("string", "Name is the name of resource being referenced"),
    }),
    "Subject": Schema(
        "Subject contains a reference to the object or user identities a role binding applies to.  This "
        "can either hold a direct API object reference, or a value for non-objects such as user and group "
        "names.", {
            "apiGroup": F("string", "APIGroup holds the API group of the referenced subject. Defaults to \"\" for ServiceAccount subjects. Defaults to \"rbac.authorization.k8s.io\" for User and Group subjects."),
            "kind": R("string", "Kind of object being referenced. Values defined by this API group are \"User\", \"Group\", and \"ServiceAccount\". If the Authorizer does not recognized the kind value, the Authorizer should report an error."),
            "name": R("string", "Name of the object being referenced."),
            "namespace": F("string", "Namespace of the referenced object.  If the object kind is non-namespace, such as \"User\" or \"Group\", and this value is not empty the Authorizer should report an error."),
        }),
    # ---- authentication.k8s.io/v1 ----------------------------------------------------------
    "TokenReview": _top(
        "TokenReview attempts to authenticate a token to a known user. Note: TokenReview requests may be "
        "cached by the webhook token authenticator plugin in the kube-apiserver.",
        spec=R("TokenReviewSpec", _SPEC),
        status=F("TokenReviewStatus", "Status is filled in by the server and indicates whether the request can be authenticated.")),
    "TokenReviewSpec": Schema("TokenReviewSpec is a description of the token authentication request.", {
        "audiences": F("[]string", "Audiences is a list of the identifiers that the resource server presented with the token identifies as. Audience-aware token authenticators will verify that the token was intended for at least one of the audiences in this list. If no audiences are provided, the audience will default to the audience of the Kubernetes apiserver."),
        "token": F("string", "Token is the opaque bearer token."),
    }),
    "TokenReviewStatus": Schema("TokenReviewStatus is the result of the token authentication request.", {
        "audiences": F("[]string", "Audiences are audience identifiers chosen by the authenticator that are compatible with both the TokenReview and token. An identifier is any identifier in the intersection of the TokenReviewSpec audiences and the token's audiences. A client of the TokenReview API that sets the spec.audiences field should validate that a compatible audience identifier is returned in the status.audiences field to ensure that the TokenReview server is audience aware. If a TokenReview returns an empty status.audience field where status.authenticated is \"true\", the token is valid against the audience of the Kubernetes API server."),
        "authenticated": F("boolean", "Authenticated indicates that the token was associated with a known user."),
        "error": F("string", "Error indicates that the token couldn't be checked"),
        "user": F("UserInfo", "User is the UserInfo associated with the provided token."),
    }),
    "UserInfo": Schema("UserInfo holds the information about the user needed to implement the user.Info interface.", {
        "extra": F("map[string][]string", "Any additional information provided by the authenticator."),
        "groups": F("[]string", "The names of groups this user is a part of."),
        "uid": F("string", "A unique value that identifies this user across time. If this user is deleted and another user by the same name is added, they will have different UIDs."),
        "username": F("string", "The name that uniquely identifies this user among all active users."),
    }),
    "SelfSubjectReview": _top(
        "SelfSubjectReview contains the user information that the kube-apiserver has about the user "
        "making this request. When using impersonation, users will receive the user info of the user being "
        "impersonated.  If impersonation or request header authentication is used, any extra keys will "
        "have their case ignored and returned as lowercase.",
        status=F("SelfSubjectReviewStatus", "Status is filled in by the server with the user attributes.")),
    "SelfSubjectReviewStatus": Schema(
        "SelfSubjectReviewStatus is filled by the kube-apiserver and sent back to a user.", {
            "userInfo": F("UserInfo", "User attributes of the user making this request."),
        }),
    # ---- authorization.k8s.io/v1 -----------------------------------------------------------
    "SubjectAccessReview": _top(
        "SubjectAccessReview checks whether or not a user or group can perform an action.",
        metadata=_REVIEW_METADATA, spec=R("SubjectAccessReviewSpec", _SPEC), status=_ACCESS_STATUS),
    "LocalSubjectAccessReview": _top(
        "LocalSubjectAccessReview checks whether or not a user or group can perform an action in a given "
        "namespace. Having a namespace scoped resource makes it much easier to grant namespace scoped "
        "policy that includes permissions checking.",
        metadata=_REVIEW_METADATA,
        spec=R("SubjectAccessReviewSpec", _SPEC + ".  spec.namespace must be equal to the namespace you "
               "made the request against.  If empty, it is defaulted."),
        status=_ACCESS_STATUS),
    "SelfSubjectAccessReview": _top(
        "SelfSubjectAccessReview checks whether or the current user can perform an action.  Not filling "
        "in a spec.namespace means \"in all namespaces\".  Self is a special case, because users should "
        "always be able to check whether they can perform an action",
        metadata=_REVIEW_METADATA,
        spec=R("SelfSubjectAccessReviewSpec", _SPEC + ".  user and groups must be empty"),
        status=_ACCESS_STATUS),
    "SubjectAccessReviewSpec": Schema(_ACCESS_SPEC.format(kind="SubjectAccessReviewSpec"), {
        "extra": F("map[string][]string", "Extra corresponds to the user.Info.GetExtra() method from the authenticator.  Since that is input to the authorizer it needs a reflection here."),
        "groups": F("[]string", "Groups is the groups you're testing for."),
        **_ATTRIBUTES,
        "uid": F("string", "UID information about the requesting user."),
        "user": F("string", "User is the user you're testing for. If you specify \"User\" but not \"Groups\", then is it interpreted as \"What if User were not a member of any groups"),
    }),
    "SelfSubjectAccessReviewSpec": Schema(_ACCESS_SPEC.format(kind="SelfSubjectAccessReviewSpec"),
                                          dict(_ATTRIBUTES)),
    "ResourceAttributes": Schema(
        "ResourceAttributes includes the authorization attributes available for resource requests to the "
        "Authorizer interface", {
            "fieldSelector": F("FieldSelectorAttributes", _ALPHA_SELECTOR.format(what="fieldSelector", basis="field")),
            "group": F("string", "Group is the API Group of the Resource.  \"*\" means all."),
            "labelSelector": F("LabelSelectorAttributes", _ALPHA_SELECTOR.format(what="labelSelector", basis="labels")),
            "name": F("string", "Name is the name of the resource being requested for a \"get\" or deleted for a \"delete\". \"\" (empty) means all."),
            "namespace": F("string", "Namespace is the namespace of the action being requested.  Currently, there is no distinction between no namespace and all namespaces \"\" (empty) is defaulted for LocalSubjectAccessReviews \"\" (empty) is empty for cluster-scoped resources \"\" (empty) means \"all\" for namespace scoped resources from a SubjectAccessReview or SelfSubjectAccessReview"),
            "resource": F("string", "Resource is one of the existing resource types.  \"*\" means all."),
            "subresource": F("string", "Subresource is one of the existing resource types.  \"\" means none."),
            "verb": F("string", "Verb is a kubernetes resource API verb, like: get, list, watch, create, update, delete, proxy.  \"*\" means all."),
            "version": F("string", "Version is the API Version of the Resource.  \"*\" means all."),
        }),
    "FieldSelectorAttributes": _selector_attributes("Field", "field"),
    "LabelSelectorAttributes": _selector_attributes("Label", "label"),
    "FieldSelectorRequirement": Schema(
        "FieldSelectorRequirement is a selector that contains values, a key, and an operator that relates "
        "the key and values.", {
            "key": R("string", "key is the field selector key that the requirement applies to."),
            "operator": R("string", "operator represents a key's relationship to a set of values. Valid operators are In, NotIn, Exists, DoesNotExist. The list of operators may grow in the future."),
            "values": F("[]string", "values is an array of string values. If the operator is In or NotIn, the values array must be non-empty. If the operator is Exists or DoesNotExist, the values array must be empty."),
        }),
    "NonResourceAttributes": Schema(
        "NonResourceAttributes includes the authorization attributes available for non-resource requests "
        "to the Authorizer interface", {
            "path": F("string", "Path is the URL path of the request"),
            "verb": F("string", "Verb is the standard HTTP verb"),
        }),
    "SubjectAccessReviewStatus": Schema("SubjectAccessReviewStatus", {
        "allowed": R("boolean", "Allowed is required. True if the action would be allowed, false otherwise."),
        "denied": F("boolean", "Denied is optional. True if the action would be denied, otherwise false. If both allowed is false and denied is false, then the authorizer has no opinion on whether to authorize the action. Denied may not be true if Allowed is true."),
        "evaluationError": F("string", "EvaluationError is an indication that some error occurred during the authorization check. It is entirely possible to get an error and be able to continue determine authorization status in spite of it. For instance, RBAC can be missing a role, but enough roles are still present and bound to reason about the request."),
        "reason": F("string", "Reason is optional.  It indicates why a request was allowed or denied."),
    }),
    "SelfSubjectRulesReview": _top(
        "SelfSubjectRulesReview enumerates the set of actions the current user can perform within a "
        "namespace. The returned list of actions may be incomplete depending on the server's authorization "
        "mode, and any errors experienced during the evaluation. SelfSubjectRulesReview should be used by "
        "UIs to show/hide actions, or to quickly let an end user reason about their permissions. It should "
        "NOT Be used by external systems to drive authorization decisions as this raises confused deputy, "
        "cache lifetime/revocation, and correctness concerns. SubjectAccessReview, and LocalAccessReview "
        "are the correct way to defer authorization decisions to the API server.",
        metadata=_REVIEW_METADATA,
        spec=R("SelfSubjectRulesReviewSpec", _SPEC + "."),
        status=F("SubjectRulesReviewStatus", "Status is filled in by the server and indicates the set of actions a user can perform.")),
    "SelfSubjectRulesReviewSpec": Schema(
        "SelfSubjectRulesReviewSpec defines the specification for SelfSubjectRulesReview.", {
            "namespace": F("string", "Namespace to evaluate rules for. Required."),
        }),
    "SubjectRulesReviewStatus": Schema(
        "SubjectRulesReviewStatus contains the result of a rules check. This check can be incomplete "
        "depending on the set of authorizers the server is configured with and any errors experienced "
        "during evaluation. Because authorization rules are additive, if a rule appears in a list it's safe "
        "to assume the subject has that permission, even if that list is incomplete.", {
            "evaluationError": F("string", "EvaluationError can appear in combination with Rules. It indicates an error occurred during rule evaluation, such as an authorizer that doesn't support rule evaluation, and that ResourceRules and/or NonResourceRules may be incomplete."),
            "incomplete": R("boolean", "Incomplete is true when the rules returned by this call are incomplete. This is most commonly encountered when an authorizer, such as an external authorizer, doesn't support rules evaluation."),
            "nonResourceRules": R("[]NonResourceRule", _RULES_LIST.format(what="NonResourceRules", on="non-resources")),
            "resourceRules": R("[]ResourceRule", _RULES_LIST.format(what="ResourceRules", on="resources")),
        }),
    "ResourceRule": Schema(_RULES_LIST.format(what="ResourceRule", on="resources"), {
        "apiGroups": F("[]string", "APIGroups is the name of the APIGroup that contains the resources.  If multiple API groups are specified, any action requested against one of the enumerated resources in any API group will be allowed.  \"*\" means all."),
        "resourceNames": F("[]string", "ResourceNames is an optional white list of names that the rule applies to.  An empty set means that everything is allowed.  \"*\" means all."),
        "resources": F("[]string", "Resources is a list of resources this rule applies to.  \"*\" means all in the specified apiGroups.\n \"*/foo\" represents the subresource 'foo' for all resources in the specified apiGroups."),
        "verbs": R("[]string", "Verb is a list of kubernetes resource API verbs, like: get, list, watch, create, update, delete, proxy.  \"*\" means all."),
    }),
    "NonResourceRule": Schema("NonResourceRule holds information that describes a rule for the non-resource", {
        "nonResourceURLs": F("[]string", "NonResourceURLs is a set of partial urls that a user should have access to.  *s are allowed, but only as the full, final step in the path.  \"*\" means all."),
        "verbs": R("[]string", "Verb is a list of kubernetes non-resource API verbs, like: get, post, put, delete, patch, head, options.  \"*\" means all."),
    }),
}
