"""Turning a JSON request body into a value, with kube-apiserver's 400 when it is not JSON.

A create or update body that does not parse gets handlers/rest.go transformDecodeError's
words: `the object provided is unrecognized (must be of type Pod): couldn't get
version/kind; json parse error: <Go's syntax error> (<the first 30 bytes>)` — the type is
what the URL decodes into (DeleteOptions for DELETE, Eviction/Binding/Scale for those
subresources). Patch bodies get the words of their patch library (`patch_error`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kubenb.api.errors import BadRequest
from kubenb.server import gojson
from kubenb.server.paths import parse

if TYPE_CHECKING:
    from kubenb.server.handler import ApiRequestHandler

SUBRESOURCE_KINDS = {"eviction": "Eviction", "binding": "Binding", "scale": "Scale"}


def summarize(data: bytes, limit: int = 30) -> str:
    """handlers' summarizeData: an object's first bytes as text, anything else as hex."""
    if not data:
        return "<empty>"
    if data[:1] == b"{":
        text = data[:limit].decode("utf-8", "replace")
        return text + " ..." if len(data) > limit else text
    return data[:limit].hex() + (" ..." if len(data) > limit else "")


def body_kind(h: ApiRequestHandler) -> str:
    """The type a request's body decodes into."""
    if h.request.method == "DELETE":
        return "DeleteOptions"
    try:
        t = parse(h.request.path, h.api.store.registry)
    except Exception:  # noqa: BLE001 - an unknown path decodes into nothing known
        t = None
    if t is None:
        return "Status"
    return SUBRESOURCE_KINDS.get(t.subresource or "", t.kind)


def decode_json(h: ApiRequestHandler, data: bytes) -> Any:
    try:
        return gojson.loads(data)
    except gojson.GoSyntaxError as e:
        raise BadRequest(f"the object provided is unrecognized (must be of type "
                         f"{body_kind(h)}): couldn't get version/kind; json parse error: "
                         f"{e} ({summarize(data)})") from None


def patch_body(data: bytes, patch_type: str) -> Any:
    """A JSON/merge/strategic patch body, refused with the words of the library that reads
    it upstream (evanphx/json-patch for merge and JSON patches, encoding/json else)."""
    try:
        return gojson.loads(data)
    except gojson.GoSyntaxError as e:
        if patch_type == "merge":
            raise BadRequest("Invalid JSON Patch") from None
        raise BadRequest(str(e)) from None
