"""How the HTTP client turns what a server answered (or failed to) into kubenb's errors.

Two boundaries, both as kubectl draws them (k8s.io/kubectl `cmd/util/helpers.go`
StandardErrorMessage):

- An HTTP error response becomes the `kubenb.api.errors` exception of its Status `reason`
  (NotFound, AlreadyExists, Conflict, Invalid with its causes, …), keeping the server's
  message and details word for word, so commands print the same `Error from server (…)`
  text as in-process. A body that is not a Status gets client-go's generic text
  (`the server could not find the requested resource (get pods nope)`). 401 is kubectl's
  `error: You must be logged in to the server (…)`, raised as `Unreachable` because it is
  printed as it is.
- A transport failure (refused, unresolvable, timed out, TLS) becomes `Unreachable` with
  kubectl's `The connection to the server HOST:PORT was refused - did you specify the right
  host or port?` or `Unable to connect to the server: <Go's dial error>`.
"""

from __future__ import annotations

import errno
import json
import socket
import ssl
from typing import Any
from urllib.parse import urlsplit

import urllib3.exceptions as u3

from kubenb.api import errors as api
from kubenb.client.base import Unreachable

_BY_REASON: dict[str, type[api.ApiError]] = {
    "NotFound": api.NotFound,
    "AlreadyExists": api.AlreadyExists,
    "Conflict": api.Conflict,
    "Invalid": api.Invalid,
    "BadRequest": api.BadRequest,
    "Forbidden": api.Forbidden,
    "MethodNotAllowed": api.MethodNotAllowed,
    "Expired": api.Expired,
    "Gone": api.Expired,
    "InternalError": api.InternalError,
    "TooManyRequests": api.TooManyRequests,
}

# client-go's NewGenericServerResponse: reason and message for a code without a Status body.
_GENERIC: dict[int, tuple[str, str]] = {
    400: ("BadRequest", "the server rejected our request for an unknown reason"),
    401: ("Unauthorized", "the server has asked for the client to provide credentials"),
    403: ("Forbidden", "the server does not allow access to the requested resource"),
    404: ("NotFound", "the server could not find the requested resource"),
    405: ("MethodNotAllowed", "the server does not allow this method on the requested resource"),
    406: ("NotAcceptable", "the server was unable to respond with a content type that the client supports"),
    409: ("Conflict", "the server reported a conflict"),
    410: ("Gone", "the server has asked for the client to retry"),
    413: ("RequestEntityTooLarge", "the server has rejected the request because the request entity is too large"),
    415: ("UnsupportedMediaType", "the server was unable to respond with a content type that the client supports"),
    422: ("Invalid", "the server rejected our request due to an error in our request"),
    429: ("TooManyRequests", "the server has received too many requests and has asked us to try again later"),
    500: ("InternalError", "an error on the server has prevented the request from succeeding"),
    503: ("ServiceUnavailable", "the server is currently unable to handle the request"),
    504: ("Timeout", "the server was unable to return a response in the time allotted, but may still be processing the request"),
}


def error_from_status(status: dict[str, Any], code: int = 0) -> api.ApiError:
    """The kubenb exception for a `Status` body, with its message and details unchanged."""
    reason = str(status.get("reason") or "")
    code = int(status.get("code") or code or 500)
    details = dict(status.get("details") or {})
    message = str(status.get("message") or "")
    cls = _BY_REASON.get(reason)
    if cls is None:
        cls = type(reason or "StatusError", (api.ApiError,), {"code": code, "reason": reason})
    err = cls.__new__(cls)
    api.ApiError.__init__(err, message, details=details)
    err.code, err.reason = code, reason  # type: ignore[misc]
    # What the typed constructors would have set, for callers that read them.
    err.name = str(details.get("name", ""))  # type: ignore[attr-defined]
    kind, group = str(details.get("kind", "")), str(details.get("group", ""))
    err.resource = f"{kind}.{group}" if group else kind  # type: ignore[attr-defined]
    if isinstance(err, api.Invalid):
        err.kind = kind
        err.errors = [_field_error(c) for c in details.get("causes") or []]
    return err


def _field_error(cause: dict[str, Any]) -> api.FieldError:
    return api.FieldError("Invalid", str(cause.get("field", "")), detail=str(cause.get("message", "")))


def error_from_response(code: int, body: bytes, verb: str, resource: str, name: str = "") -> Exception:
    """The exception for an HTTP error answer to `verb resource name` (for generic texts)."""
    status: Any = None
    try:
        status = json.loads(body.decode("utf-8", "replace")) if body else None
    except ValueError:
        status = None
    if not (isinstance(status, dict) and status.get("kind") == "Status"):
        reason, message = _GENERIC.get(code, ("", f"an error on the server ({_snippet(body)}) has "
                                              "prevented the request from succeeding"))
        target = f"{verb} {resource}" + (f" {name}" if name else "")
        status = {"reason": reason, "code": code,
                  "message": f"{message} ({target})" if resource else message}
    if code == 401 or status.get("reason") == "Unauthorized":
        return Unreachable(f"error: You must be logged in to the server ({status.get('message', '')})")
    return error_from_status(status, code)


def _snippet(body: bytes) -> str:
    text = body.decode("utf-8", "replace").strip()
    return text[:200] if text else "unknown"


def unreachable(err: BaseException, url: str) -> Unreachable:
    """kubectl's words for a request to `url` that never got an answer."""
    host = urlsplit(url).netloc or url
    cause = _root(err)
    if isinstance(cause, ConnectionRefusedError) or getattr(cause, "errno", None) == errno.ECONNREFUSED \
            or "Connection refused" in str(cause):
        return Unreachable(f"The connection to the server {host} was refused - did you specify "
                           "the right host or port?")
    return Unreachable(f"Unable to connect to the server: {_go_text(cause, url)}")


def _root(err: BaseException) -> BaseException:
    """The innermost cause: MaxRetryError → NewConnectionError → OSError."""
    seen = 0
    while seen < 8:
        seen += 1
        nxt = getattr(err, "reason", None) if isinstance(err, u3.MaxRetryError) else None
        if nxt is None and isinstance(err, (u3.NewConnectionError, u3.ProtocolError, u3.SSLError)):
            nxt = err.__cause__ or err.__context__ or (err.args[-1] if err.args else None)
        if not isinstance(nxt, BaseException) or nxt is err:
            return err
        err = nxt
    return err


def _go_text(cause: BaseException, url: str) -> str:
    """Go's net/http error text for the usual causes (Python's wording for the rest)."""
    parts = urlsplit(url)
    host, port = parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80)
    hostport = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    if isinstance(cause, (u3.NameResolutionError, socket.gaierror)) or "Name or service not known" in str(cause):
        return f"dial tcp: lookup {host}: no such host"
    if isinstance(cause, (u3.ConnectTimeoutError, TimeoutError, socket.timeout)):
        return f"dial tcp {hostport}: i/o timeout"
    if isinstance(cause, (u3.ReadTimeoutError,)):
        return "net/http: request canceled (Client.Timeout exceeded while awaiting headers)"
    if isinstance(cause, ssl.SSLCertVerificationError) or "CERTIFICATE_VERIFY_FAILED" in str(cause):
        return "tls: failed to verify certificate: x509: certificate signed by unknown authority"
    if isinstance(cause, ConnectionResetError):
        return f"read tcp {hostport}: read: connection reset by peer"
    if isinstance(cause, OSError) and cause.errno == errno.EHOSTUNREACH:
        return f"dial tcp {hostport}: connect: no route to host"
    return str(cause) or type(cause).__name__
