"""Collection GETs as kube-apiserver pages and versions them: continue tokens, snapshots,
resourceVersionMatch, 410 Gone and 504 for resourceVersions the store cannot serve."""

from __future__ import annotations

import base64
import collections
import json
from typing import Any

import pytest

from kubenb.api.errors import Expired
from kubenb.api.store import Store
from kubenb.clock import VirtualClock
from tests import builders

from .conftest import Served

CMS = "/api/v1/namespaces/paging/configmaps"


def token_data(token: str) -> dict[str, Any]:
    assert "=" not in token  # RawURLEncoding
    return json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))


@pytest.fixture(scope="module")
def five(served: Served) -> list[str]:
    served.request("POST", "/api/v1/namespaces",
                   {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "paging"}})
    names = [f"cm-{i}" for i in range(5)]
    for n in names:
        cm = builders.configmap(n, {"k": n}, namespace=None)
        cm["metadata"]["labels"] = {"page": "yes"}
        assert served.request("POST", CMS, cm).status == 201
    return names


def test_pages_carry_upstreams_continue_token(served: Served, five: list[str]) -> None:
    first = served.request("GET", f"{CMS}?limit=2").json()
    meta = first["metadata"]
    rv = int(meta["resourceVersion"])
    assert [i["metadata"]["name"] for i in first["items"]] == five[:2]
    assert token_data(meta["continue"]) == {"v": "meta.k8s.io/v1", "rv": rv,
                                            "start": "cm-1\u0000"}
    everything = [i["metadata"]["name"] for i in served.request("GET", CMS).json()["items"]]
    assert meta["remainingItemCount"] == len(everything) - 2
    names = [i["metadata"]["name"] for i in first["items"]]
    token = meta["continue"]
    while token:
        page = served.request("GET", f"{CMS}?limit=2&continue={token}").json()
        assert page["metadata"]["resourceVersion"] == str(rv)
        names += [i["metadata"]["name"] for i in page["items"]]
        token = page["metadata"].get("continue")
    assert names == everything and names[:5] == five  # kube-root-ca.crt sorts last


def test_a_continued_list_reads_the_first_pages_snapshot(served: Served, five: list[str]) -> None:
    first = served.request("GET", f"{CMS}?limit=2").json()
    served.request("DELETE", f"{CMS}/cm-4")
    try:
        rest = served.request("GET", f"{CMS}?continue={first['metadata']['continue']}").json()
        assert [i["metadata"]["name"] for i in rest["items"]][:3] == five[2:]
        fresh = served.request("GET", CMS).json()
        assert "cm-4" not in [i["metadata"]["name"] for i in fresh["items"]]
    finally:
        cm = builders.configmap("cm-4", {"k": "cm-4"}, namespace=None)
        cm["metadata"]["labels"] = {"page": "yes"}
        served.request("POST", CMS, cm)


def test_all_namespace_tokens_start_at_namespace_slash_name(served: Served,
                                                             five: list[str]) -> None:
    page = served.request("GET", "/api/v1/configmaps?limit=1").json()
    item = page["items"][0]["metadata"]
    assert token_data(page["metadata"]["continue"])["start"] == \
        f"{item['namespace']}/{item['name']}\u0000"


def test_selectors_drop_remaining_item_count(served: Served, five: list[str]) -> None:
    meta = served.request("GET", f"{CMS}?limit=2&labelSelector=page%3Dyes").json()["metadata"]
    assert "continue" in meta and "remainingItemCount" not in meta


def test_resource_version_zero_ignores_limit(served: Served, five: list[str]) -> None:
    body = served.request("GET", f"{CMS}?limit=2&resourceVersion=0").json()
    assert len(body["items"]) > 2 and "continue" not in body["metadata"]


def test_exact_resource_version_lists_the_past(served: Served, five: list[str]) -> None:
    before = served.request("GET", CMS).json()["metadata"]["resourceVersion"]
    served.request("PATCH", f"{CMS}/cm-0", b'{"data":{"k":"new"}}',
                   headers={"Content-Type": "application/merge-patch+json"})
    old = served.request("GET", f"{CMS}?resourceVersion={before}&resourceVersionMatch=Exact")
    assert old.json()["metadata"]["resourceVersion"] == before
    assert old.json()["items"][0]["data"] == {"k": "cm-0"}
    now = served.request("GET", f"{CMS}?resourceVersion={before}&resourceVersionMatch="
                                "NotOlderThan").json()
    assert now["items"][0]["data"] == {"k": "new"}


def test_a_too_old_resource_version_is_410(served: Served, five: list[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    store = served.store
    first = served.request("GET", f"{CMS}?limit=2").json()
    rv = first["metadata"]["resourceVersion"]
    served.request("PATCH", f"{CMS}/cm-1", b'{"data":{"k":"again"}}',
                   headers={"Content-Type": "application/merge-patch+json"})
    monkeypatch.setattr(store, "_log", collections.deque(maxlen=1))  # all compacted
    r = served.request("GET", f"{CMS}?resourceVersion={int(rv) - 1}&resourceVersionMatch=Exact")
    assert r.status == 410
    assert r.body == (b'{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",'
                      b'"message":"The resourceVersion for the provided list is too old.",'
                      b'"reason":"Expired","code":410}\n')
    r = served.request("GET", f"{CMS}?continue={first['metadata']['continue']}")
    assert r.status == 410
    body = r.json()
    assert body["message"].startswith("The provided continue parameter is too old")
    assert token_data(body["metadata"]["continue"]) == {"v": "meta.k8s.io/v1", "rv": -1,
                                                        "start": "cm-1\u0000"}
    rest = served.request("GET", f"{CMS}?continue={body['metadata']['continue']}").json()
    assert [i["metadata"]["name"] for i in rest["items"]][:3] == five[2:]
    r = served.request("GET", f"/api/v1/namespaces/paging/configmaps?watch=true&"
                              f"resourceVersion={int(rv) - 1}&timeoutSeconds=5")
    event = json.loads(r.body.splitlines()[0])
    assert event["type"] == "ERROR" and event["object"]["code"] == 410


def test_a_future_resource_version_is_504(served: Served, five: list[str]) -> None:
    r = served.request("GET", f"{CMS}?resourceVersion=99999999&resourceVersionMatch=Exact")
    assert r.status == 504
    body = r.json()
    assert body["reason"] == "Timeout"
    assert body["message"].startswith("Too large resource version: 99999999, current: ")
    assert body["details"] == {"causes": [{"reason": "ResourceVersionTooLarge",
                                           "message": "Too large resource version"}],
                               "retryAfterSeconds": 1}


@pytest.mark.parametrize(("query", "message"), [
    ("resourceVersionMatch=Exact",
     'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: '
     "resourceVersionMatch is forbidden unless resourceVersion is provided"),
    ("resourceVersion=1&resourceVersionMatch=Newest",
     'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Unsupported value: '
     '"Newest": supported values: "Exact", "NotOlderThan", ""'),
    ("resourceVersion=0&resourceVersionMatch=Exact",
     'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: '
     'resourceVersionMatch "exact" is forbidden for resourceVersion "0"'),
    ("sendInitialEvents=true",
     'ListOptions.meta.k8s.io "" is invalid: sendInitialEvents: Forbidden: '
     "sendInitialEvents is forbidden for list"),
])
def test_bad_list_options_are_invalid(served: Served, query: str, message: str) -> None:
    r = served.request("GET", f"{CMS}?{query}")
    assert (r.status, r.json()["message"]) == (422, message)


@pytest.mark.parametrize(("token", "message"), [
    ("e30", "invalid continue token: continue key is not valid: server does not recognize "
            "this encoded version "),
    (base64.urlsafe_b64encode(b'{"v":"meta.k8s.io/v1","start":"a"}').decode().rstrip("="),
     "invalid continue token: continue key is not valid: incorrect encoded start "
     "resourceVersion (version meta.k8s.io/v1)"),
    (base64.urlsafe_b64encode(b'{"v":"meta.k8s.io/v1","rv":5}').decode().rstrip("="),
     "invalid continue token: continue key is not valid: encoded start key empty (version "
     "meta.k8s.io/v1)"),
])
def test_bad_continue_tokens_are_400(served: Served, token: str, message: str) -> None:
    r = served.request("GET", f"{CMS}?continue={token}")
    assert (r.status, r.json()["message"]) == (400, message)
    r = served.request("GET", f"{CMS}?continue={token}&resourceVersion=5")
    assert r.json()["message"] == "specifying resource version is not allowed when using continue"


def test_list_at_undoes_later_changes_and_expires(clock: VirtualClock) -> None:
    store = Store(clock, history=3)
    store.ensure_namespaces(["default"])
    store.create(builders.configmap("a", {"k": "1"}))
    rv = int(store.resource_version)
    store.create(builders.configmap("b", {"k": "1"}))
    store.delete("ConfigMap", "default", "a")
    assert [o["metadata"]["name"] for o in store.list_at("ConfigMap", "default", rv)] == ["a"]
    store.create(builders.configmap("c", {"k": "1"}))
    store.create(builders.configmap("d", {"k": "1"}))
    with pytest.raises(Expired):
        store.list_at("ConfigMap", "default", rv)


@pytest.mark.parametrize(("query", "message"), [
    ("sendInitialEvents=true",
     'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: '
     "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan"),
    ("resourceVersionMatch=NotOlderThan",
     'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: '
     "resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided"),
    ("sendInitialEvents=true&resourceVersionMatch=Exact",
     'ListOptions.meta.k8s.io "" is invalid: [resourceVersionMatch: Forbidden: '
     "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan, "
     'resourceVersionMatch: Unsupported value: "Exact": supported values: "NotOlderThan"]'),
])
def test_bad_watch_options_are_invalid(served: Served, query: str, message: str) -> None:
    r = served.request("GET", f"{CMS}?watch=true&{query}")
    assert (r.status, r.json()["message"]) == (422, message)


def test_watch_without_initial_events_starts_now(served: Served, five: list[str]) -> None:
    r = served.request("GET", f"{CMS}?watch=true&sendInitialEvents=false&resourceVersionMatch="
                              "NotOlderThan&allowWatchBookmarks=true&timeoutSeconds=1")
    assert r.status == 200 and b'"ADDED"' not in r.body
    r = served.request("GET", f"{CMS}?watch=true&sendInitialEvents=true&resourceVersionMatch="
                              "NotOlderThan&allowWatchBookmarks=true&timeoutSeconds=1")
    events = [json.loads(line) for line in r.body.splitlines()]
    assert [e["type"] for e in events][-1] == "BOOKMARK"
    assert {e["object"]["metadata"]["name"] for e in events[:-1]} >= set(five)
    assert events[-1]["object"]["metadata"]["annotations"] == {
        "k8s.io/initial-events-end": "true"}
