"""The request handler base: authentication and authorization (server/auth.py), body limits, decoding, Status error bodies.

Every API handler derives from `ApiRequestHandler`. `prepare()` refuses requests without
the server's bearer token (401 Status, as the apiserver words it); request bodies stream in
through `data_received` and stop being kept once they pass the size limit (413 once read,
so clients see the answer instead of a reset). Any `ApiError` a handler raises becomes the
apiserver's `Status` JSON with its code; anything else becomes a 500 InternalError Status,
and the server keeps serving. `body_object()` decodes JSON, YAML (apply patches) or
Kubernetes protobuf (`protobuf.decode`).
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

import tornado.web

from kubenb.api.errors import ApiError, BadRequest, InternalError
from kubenb.api.rbac import UserInfo
from kubenb.server import auth, protobuf
from kubenb.server.decoding import decode_json
from kubenb.server.options import check_write_query

if TYPE_CHECKING:
    from kubenb.server.app import ApiServer

log = logging.getLogger("kubenb.server")


class Unauthorized(ApiError):
    code, reason = 401, "Unauthorized"


class RequestEntityTooLarge(ApiError):
    code, reason = 413, "RequestEntityTooLarge"


def status_success(details: dict[str, Any] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"kind": "Status", "apiVersion": "v1", "metadata": {},
                            "status": "Success"}
    if details:
        body["details"] = details
    return body


def dumps(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


class AuthMixin:
    """The bearer-token check shared by plain and WebSocket handlers."""

    api: ApiServer
    request: Any

    user: UserInfo | None = None

    def authorized(self) -> bool:
        """Authenticate (`self.user`), apply impersonation and authorize the request:
        False for no credentials (401), the authorizer's Forbidden for a refusal (403)."""
        try:
            cert = self.request.get_ssl_certificate()
        except (ValueError, AttributeError):  # plain HTTP, or no handshake information
            cert = None
        user = auth.authenticate(self.api, self.request.headers, cert)
        if user is None:
            return False
        self.user = auth.effective_user(self.api, user, self.request.headers)
        watch = self.request.query_arguments.get("watch", [b""])[-1].lower() in (b"true", b"1")
        auth.check(self.api, self.user, self.request.method, self.request.path, watch)
        return True


class ApiRequestHandler(AuthMixin, tornado.web.RequestHandler):
    """Base of every API endpoint (streamed bodies are collected by `data_received`)."""

    def initialize(self, api: ApiServer) -> None:
        self.api = api
        self._chunks: list[bytes] = []
        self._size = 0
        self.on_close_hooks: list[Any] = []
        self.warnings: list[str] = []  # Warning header values; errors keep them too

    def on_connection_close(self) -> None:
        for hook in self.on_close_hooks:
            hook()

    def set_default_headers(self) -> None:
        self.set_header("Content-Type", "application/json")
        self.set_header("Cache-Control", "no-cache, private")
        self.clear_header("Server")

    def prepare(self) -> None:
        if not self.authorized():
            self.send_status(Unauthorized("Unauthorized"))
            return

    def data_received(self, chunk: bytes) -> None:
        self._size += len(chunk)
        if self._size <= self.api.max_body_bytes:
            self._chunks.append(chunk)
        else:
            self._chunks = []

    @property
    def body(self) -> bytes:
        if self._size > self.api.max_body_bytes:
            raise RequestEntityTooLarge(f"Request entity too large: limit is "
                                        f"{self.api.max_body_bytes}")
        return b"".join(self._chunks) if self._chunks else (self.request.body or b"")

    def content_type(self) -> str:
        return self.request.headers.get("Content-Type", "application/json").split(";")[0].strip()

    def body_object(self) -> Any:
        """The request body as a JSON value (JSON, YAML or Kubernetes protobuf on the wire)."""
        data = self.body
        ctype = self.content_type()
        if ctype == protobuf.CONTENT_TYPE:
            return protobuf.decode(data)
        if ctype == "application/apply-patch+yaml":
            import yaml

            try:
                return yaml.safe_load(data.decode("utf-8"))
            except (yaml.YAMLError, UnicodeDecodeError) as e:
                raise BadRequest(f"error decoding YAML: {e}") from None
            except RecursionError:  # the YAML parser's own nesting cap (go-yaml: 10000)
                raise BadRequest("error decoding YAML: exceeded max depth of 10000") from None
        return decode_json(self, data)

    def query(self, name: str, default: str | None = None) -> str | None:
        return self.get_query_argument(name, default)

    def flag(self, name: str) -> bool:
        return (self.query(name) or "").lower() in ("true", "1")

    def dry_run(self) -> bool:
        """`dryRun=All` (Invalid for anything else, as the write's options are checked)."""
        return check_write_query(self.request.method or "", self.get_query_arguments)[0]

    def field_validation(self) -> str:
        """The write's `fieldValidation` ("", Ignore, Warn or Strict)."""
        return check_write_query(self.request.method or "", self.get_query_arguments)[1]

    def send_json(self, obj: Any, code: int = 200, content_type: str = "application/json") -> None:
        self.set_status(code)
        self.set_header("Content-Type", content_type)
        self.finish(dumps(obj) + b"\n")  # Go's json.Encoder ends every body with a newline

    def send_status(self, error: ApiError) -> None:
        self.send_json(error.status(), error.code)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        exc = kwargs.get("exc_info", (None, None, None))[1]
        if isinstance(exc, ApiError):
            error = exc
        elif isinstance(exc, tornado.web.HTTPError):
            error = ApiError(exc.log_message or self._reason)
            error.code = exc.status_code
            error.reason = {404: "NotFound", 405: "MethodNotAllowed",
                            400: "BadRequest"}.get(exc.status_code, "InternalError")
        else:
            error = InternalError(f"Internal error occurred: {exc}")
        self.set_status(error.code)
        self.set_header("Content-Type", "application/json")
        for warning in self.warnings:
            self.add_header("Warning", warning)
        self.finish(dumps(error.status()) + b"\n")

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:
        if isinstance(value, (ApiError, tornado.web.HTTPError)):
            return
        log.error("API request %s %s failed", self.request.method, self.request.uri,
                  exc_info=(typ, value, tb))
