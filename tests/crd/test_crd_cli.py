"""kubectl for CustomResourceDefinitions on a seeded virtual cluster: a CRD becomes
Established and its kind is served (get by plural, singular, short name, plural.group),
printer columns, schema validation in the API server's words, defaulting, pruning,
and deleting the CRD deletes its objects."""

from __future__ import annotations

import json
from typing import Any

from tests.crd.crontab import CRONTAB_CRD, crd, crontab


def _established(kube: Any, vcluster: Any) -> None:
    r = kube("apply -f -", stdin=json.dumps(CRONTAB_CRD))
    assert r.out == "customresourcedefinition.apiextensions.k8s.io/crontabs.stable.example.com created\n", r.err
    vcluster.wait_for(lambda: kube("get crontabs").rc == 0, timeout=30)


def test_crd_status_conditions_and_stored_versions(kube: Any, vcluster: Any) -> None:
    _established(kube, vcluster)
    assert kube("wait --for condition=established crd/crontabs.stable.example.com").out == (
        "customresourcedefinition.apiextensions.k8s.io/crontabs.stable.example.com condition met\n")
    status = json.loads(kube("get crd crontabs.stable.example.com -o json").out)["status"]
    assert status["acceptedNames"] == {"categories": ["all"], "kind": "CronTab", "listKind": "CronTabList",
                                       "plural": "crontabs", "shortNames": ["ct"], "singular": "crontab"}
    assert [(c["type"], c["status"], c["reason"], c["message"]) for c in status["conditions"]] == [
        ("NamesAccepted", "True", "NoConflicts", "no conflicts found"),
        ("Established", "True", "InitialNamesAccepted", "the initial names have been accepted")]
    assert status["storedVersions"] == ["v1"]
    assert json.loads(kube("get crd crontabs.stable.example.com -o json").out)["metadata"]["generation"] == 1


def test_get_custom_objects_by_every_name(kube: Any, vcluster: Any) -> None:
    _established(kube, vcluster)
    assert kube("apply -f -", stdin=json.dumps(crontab())).out == "crontab.stable.example.com/my-new-cron-object created\n"
    table = ("NAME                 SPEC          REPLICAS   AGE\n"
             "my-new-cron-object   * * * * */5   1          0s\n")
    for name in ("crontabs", "crontab", "ct", "crontabs.stable.example.com", "CronTab"):
        assert kube(f"get {name}").out == table, name
    assert kube("get ct -o wide").out == (
        "NAME                 SPEC          REPLICAS   AGE   IMAGE\n"
        "my-new-cron-object   * * * * */5   1          0s    my-awesome-cron-image\n")
    obj = json.loads(kube("get ct my-new-cron-object -o json").out)
    assert obj["spec"]["replicas"] == 1  # defaulted
    assert obj["metadata"]["generation"] == 1


def test_invalid_custom_objects_get_the_api_servers_words(kube: Any, vcluster: Any) -> None:
    _established(kube, vcluster)
    r = kube("apply -f -", stdin=json.dumps(crontab(cronSpec="* * * *", replicas=15)))
    assert (r.out, r.rc) == ("", 1)
    assert r.err == (
        'The CronTab "my-new-cron-object" is invalid: \n'
        "* spec.cronSpec: Invalid value: \"* * * *\": spec.cronSpec in body should match "
        "'^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$'\n"
        "* spec.replicas: Invalid value: 15: spec.replicas in body should be less than or equal to 10\n")
    r = kube("apply -f -", stdin=json.dumps(crontab(replicas="three")))
    assert r.err == ('The CronTab "my-new-cron-object" is invalid: spec.replicas: Invalid value: "string": '
                     'spec.replicas in body must be of type integer: "string"\n')
    assert kube("get ct").err == "No resources found in default namespace.\n"
    assert kube("get ct --field-selector spec.image=x").err == (
        'Error from server (BadRequest): Unable to find "stable.example.com/v1, Resource=crontabs" that match '
        'label selector "", field selector "spec.image=x": field label not supported: spec.image\n')


def test_deleting_the_crd_deletes_its_objects(kube: Any, vcluster: Any) -> None:
    _established(kube, vcluster)
    kube("apply -f -", stdin=json.dumps(crontab()))
    held = vcluster.store.create(crontab("held"))
    vcluster.store.update({**held, "metadata": {**held["metadata"], "finalizers": ["example.com/hold"]}})
    assert kube("delete crd crontabs.stable.example.com --wait=false").rc == 0
    # the cleanup finalizer holds the CRD while an object's own finalizer holds that object
    vcluster.wait_for(lambda: vcluster.store.try_get("CronTab", "default", "my-new-cron-object") is None,
                      timeout=30)
    crd_obj = vcluster.store.get("CustomResourceDefinition", None, "crontabs.stable.example.com")
    assert crd_obj["metadata"]["finalizers"] == ["customresourcecleanup.apiextensions.k8s.io"]
    assert [(c["type"], c["status"], c["reason"]) for c in crd_obj["status"]["conditions"]][-1] == (
        "Terminating", "True", "InstanceDeletionInProgress")
    r = kube("apply -f -", stdin=json.dumps(crontab("late")))
    assert r.err == ('Error from server (MethodNotAllowed): error when creating "STDIN": create not allowed '
                     "while custom resource definition is terminating\n")
    left = vcluster.store.get("CronTab", "default", "held")
    vcluster.store.update({**left, "metadata": {**left["metadata"], "finalizers": []}})
    vcluster.wait_for(lambda: vcluster.store.list("CustomResourceDefinition") == [], timeout=30)
    vcluster.wait_for(lambda: kube("get ct").rc != 0, timeout=30)
    if not hasattr(kube, "api"):
        assert kube("get ct").err == 'error: the server doesn\'t have a resource type "ct"\n'
    else:  # over HTTP the client's discovery is stale, as kubectl's cache is
        assert kube("get ct").err == (
            'Error from server (NotFound): Unable to list "stable.example.com/v1, Resource=crontabs": '
            "the server could not find the requested resource\n")
    deleted = [e["object"]["metadata"]["name"] for e in vcluster.store.events_since("0")
               if e["object"]["kind"] == "CronTab" and e["type"] == "DELETED"]
    assert deleted == ["my-new-cron-object", "held"]  # watchers saw them go


def test_invalid_crd(kube: Any) -> None:
    bad = crd(group="example")
    bad["metadata"]["name"] = "x"
    r = kube("apply -f -", stdin=json.dumps(bad))
    assert r.err == (
        'The CustomResourceDefinition "x" is invalid: \n'
        '* metadata.name: Invalid value: "x": must be spec.names.plural+"."+spec.group\n'
        '* spec.group: Invalid value: "example": should be a domain with at least one dot\n')


def test_patch_scale_and_apply_of_custom_objects(kube: Any, vcluster: Any) -> None:
    _established(kube, vcluster)
    kube("apply -f -", stdin=json.dumps(crontab()))
    r = kube("patch ct my-new-cron-object -p " + json.dumps(json.dumps({"spec": {"image": "x"}})))
    assert (r.err, r.rc) == (
        "error: application/strategic-merge-patch+json is not supported by stable.example.com/v1, "
        "Kind=CronTab: the body of the request was in an unknown format - accepted media types include: "
        "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml\n", 1)
    r = kube("patch ct my-new-cron-object --type=merge -p " + json.dumps(json.dumps({"spec": {"image": "x"}})))
    assert r.out == "crontab.stable.example.com/my-new-cron-object patched\n", r.err
    assert kube("scale ct my-new-cron-object --replicas=3").out == "crontab.stable.example.com/my-new-cron-object scaled\n"
    assert kube("apply -f -", stdin=json.dumps(crontab(image="y"))).out == (
        "crontab.stable.example.com/my-new-cron-object configured\n")
    obj = json.loads(kube("get ct my-new-cron-object -o json").out)
    assert obj["spec"] == {"cronSpec": "* * * * */5", "image": "y", "replicas": 3}
    assert obj["metadata"]["generation"] == 4  # spec changed three times; status is a subresource
    assert kube("label ct my-new-cron-object a=b").out == "crontab.stable.example.com/my-new-cron-object labeled\n"
    assert json.loads(kube("get ct my-new-cron-object -o json").out)["metadata"]["generation"] == 4


def test_describe_custom_objects_as_the_generic_describer(kube: Any, vcluster: Any) -> None:
    _established(kube, vcluster)
    kube("apply -f -", stdin=json.dumps(crontab()))
    out = kube("describe ct my-new-cron-object").out
    uid = vcluster.store.get("CronTab", "default", "my-new-cron-object")["metadata"]["uid"]
    rv = vcluster.store.get("CronTab", "default", "my-new-cron-object")["metadata"]["resourceVersion"]
    assert out == (
        "Name:         my-new-cron-object\n"
        "Namespace:    default\n"
        "Labels:       <none>\n"
        "Annotations:  <none>\n"
        "API Version:  stable.example.com/v1\n"
        "Kind:         CronTab\n"
        "Metadata:\n"
        "  Creation Timestamp:  2024-01-01T00:00:00Z\n".replace(
            "2024-01-01T00:00:00Z", vcluster.store.get("CronTab", "default", "my-new-cron-object")
            ["metadata"]["creationTimestamp"]) +
        "  Generation:          1\n"
        f"  Resource Version:    {rv}\n"
        f"  UID:                 {uid}\n"
        "Spec:\n"
        "  Cron Spec:  * * * * */5\n"
        "  Image:      my-awesome-cron-image\n"
        "  Replicas:   1\n"
        "Events:       <none>\n")
    crd_text = kube("describe crd crontabs.stable.example.com").out
    assert "  Conditions:\n    Last Transition Time:  " in crd_text
    assert "    Type:                  NamesAccepted\n" in crd_text


def test_explain_from_the_schema(kube: Any, vcluster: Any) -> None:
    documented = crd()
    spec_schema = documented["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]
    spec_schema["description"] = "What the CronTab should run."
    spec_schema["properties"]["replicas"]["description"] = "How many jobs to launch."
    spec_schema["required"] = ["image"]
    spec_schema["properties"]["mode"] = {"type": "string", "enum": ["Fast", "Slow"]}
    spec_schema["properties"]["ports"] = {"type": "array", "items": {
        "type": "object", "properties": {"port": {"x-kubernetes-int-or-string": True}}}}
    kube("apply -f -", stdin=json.dumps(documented))
    vcluster.wait_for(lambda: kube("get crontabs").rc == 0, timeout=30)
    assert kube("explain ct.spec").out == (
        "GROUP:      stable.example.com\nKIND:       CronTab\nVERSION:    v1\n\n"
        "FIELD: spec <Object>\n\n\n"
        "DESCRIPTION:\n    What the CronTab should run.\n    \n"
        "FIELDS:\n"
        "  cronSpec\t<string>\n    <no description>\n\n"
        "  image\t<string> -required-\n    <no description>\n\n"
        "  mode\t<string>\n  enum: Fast, Slow\n    <no description>\n\n"
        "  ports\t<[]Object>\n    <no description>\n\n"
        "  replicas\t<integer>\n    How many jobs to launch.\n\n\n")
    # int-or-string is published as anyOf integer/string: kubectl's template names it Object
    assert "    ports\t<[]Object>\n      port\t<Object>\n" in kube("explain ct --recursive").out
    assert kube("explain ct").out.startswith(
        "GROUP:      stable.example.com\nKIND:       CronTab\nVERSION:    v1\n\nDESCRIPTION:\n    <empty>\n")
    assert kube("explain ct.spec.nope").err == 'error: field "nope" does not exist\n'


def test_owned_objects_of_a_deleted_custom_object_are_collected(kube: Any, vcluster: Any) -> None:
    _established(kube, vcluster)
    owner = vcluster.store.create(crontab("owner"))
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {
        "name": "child", "namespace": "default", "ownerReferences": [{
            "apiVersion": "stable.example.com/v1", "kind": "CronTab", "name": "owner",
            "uid": owner["metadata"]["uid"]}]}}
    vcluster.store.create(cm)
    kube("delete ct owner")
    vcluster.wait_for(lambda: vcluster.store.try_get("ConfigMap", "default", "child") is None, timeout=30)


def test_a_kind_served_already_is_not_accepted(kube: Any, vcluster: Any) -> None:
    clash = crd(group="other.example.com")
    clash["metadata"]["name"] = "pods.other.example.com"
    clash["spec"]["names"] = {"plural": "pods", "singular": "pod", "kind": "Pod"}
    kube("apply -f -", stdin=json.dumps(clash))

    def names_accepted() -> Any:
        got = vcluster.store.get("CustomResourceDefinition", None, "pods.other.example.com")
        return [(c["type"], c["status"], c["reason"]) for c in (got.get("status") or {}).get("conditions") or []]

    vcluster.wait_for(lambda: names_accepted(), timeout=30)
    assert names_accepted() == [("NamesAccepted", "False", "KindConflict"), ("Established", "False", "NotAccepted")]
    assert kube("get pods.other.example.com").rc == 1
    assert kube("get pods -n kube-system").rc == 0  # the built-in kind is untouched


def test_namespace_deletion_takes_its_custom_objects(kube: Any, vcluster: Any) -> None:
    _established(kube, vcluster)
    kube("create namespace team")
    obj = crontab("in-team")
    obj["metadata"]["namespace"] = "team"
    vcluster.store.create(obj)
    kube("delete namespace team --wait=false")
    vcluster.wait_for(lambda: vcluster.store.try_get("Namespace", None, "team") is None, timeout=60)
    assert vcluster.store.list("CronTab") == []


def test_versions_without_conversion_differ_in_apiversion_only(kube: Any, vcluster: Any) -> None:
    two = crd()
    v1 = two["spec"]["versions"][0]
    beta = {**json.loads(json.dumps(v1)), "name": "v1beta1", "storage": False}
    beta["additionalPrinterColumns"] = [{"name": "Image", "type": "string", "jsonPath": ".spec.image"}]
    two["spec"]["versions"] = [beta, v1]
    _ = kube("apply -f -", stdin=json.dumps(two))
    vcluster.wait_for(lambda: kube("get crontabs").rc == 0, timeout=30)
    old = crontab("old")
    old["apiVersion"] = "stable.example.com/v1beta1"
    assert kube("apply -f -", stdin=json.dumps(old)).out == "crontab.stable.example.com/old created\n"
    assert vcluster.store.get("CronTab", "default", "old")["apiVersion"] == "stable.example.com/v1"
    rt = vcluster.store.registry.by_kind("CronTab")
    assert rt.versions == ("v1", "v1beta1")
    status = json.loads(kube("get crd crontabs.stable.example.com -o json").out)["status"]
    assert status["storedVersions"] == ["v1"]


def test_each_served_group_version_gets_a_local_apiservice(kube: Any, vcluster: Any) -> None:
    _established(kube, vcluster)
    row = [line.split() for line in kube("get apiservices").out.splitlines() if "stable.example.com" in line]
    assert row == [["v1.stable.example.com", "Local", "True", "0s"]]
    svc = vcluster.store.get("APIService", None, "v1.stable.example.com")
    assert svc["spec"] == {"group": "stable.example.com", "version": "v1", "groupPriorityMinimum": 1000,
                           "versionPriority": 100}
    kube("delete crd crontabs.stable.example.com")
    vcluster.wait_for(lambda: vcluster.store.try_get("APIService", None, "v1.stable.example.com") is None,
                      timeout=30)
