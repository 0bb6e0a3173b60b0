"""Decode Kubernetes protobuf request bodies into the JSON objects the store keeps.

kubectl ≥ 1.32 POSTs `application/vnd.kubernetes.protobuf` for its typed-client writes
(`create deployment`, `create namespace`, `drain`'s evictions …) and cannot be told to send
JSON. A body is the magic `k8s\\x00` followed by a `runtime.Unknown` {1 typeMeta {1
apiVersion, 2 kind}, 2 raw, 3 contentEncoding, 4 contentType}; `raw` is the object's message.
`decode(body)` reads it with a small wire-format reader driven by the generated field tables
of `protobuf_schema` and returns the object as the JSON the same object would have been
sent as: zero values of `omitempty` fields dropped, pointers kept, inlined structs merged,
Time as RFC 3339, Quantity and IntOrString as their JSON forms, bytes as base64.
Malformed bodies raise BadRequest; the server never answers in protobuf.
"""

from __future__ import annotations

import base64
import json
import struct
from datetime import datetime, timezone
from typing import Any

from kubenb.api.errors import BadRequest
from kubenb.server.protobuf_schema import MESSAGES

MAGIC = b"k8s\x00"
CONTENT_TYPE = "application/vnd.kubernetes.protobuf"
_META = "k8s.io.apimachinery.pkg.apis.meta.v1."
_REPEATED, _KEEP, _INLINE = 1, 2, 4
_GO_ZERO_TIME = -62135596800  # time.Time{}.Unix()


class _Reader:
    """Protobuf wire format over a bytes buffer."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def done(self) -> bool:
        return self.pos >= len(self.data)

    def varint(self) -> int:
        shift = result = 0
        while True:
            if self.pos >= len(self.data):
                raise BadRequest("proto: unexpected EOF")
            b = self.data[self.pos]
            self.pos += 1
            result |= (b & 0x7F) << shift
            if not b & 0x80:
                return result
            shift += 7
            if shift > 63:
                raise BadRequest("proto: integer overflow")

    def take(self, n: int) -> bytes:
        if n < 0 or self.pos + n > len(self.data):
            raise BadRequest("proto: unexpected EOF")
        out = self.data[self.pos:self.pos + n]
        self.pos += n
        return out

    def fields(self) -> Any:
        """Yield (number, wire type, value): an int for varint/fixed, bytes for length."""
        while not self.done():
            key = self.varint()
            num, wt = key >> 3, key & 7
            if num == 0:
                raise BadRequest("proto: illegal tag 0")
            if wt == 0:
                yield num, wt, self.varint()
            elif wt == 1:
                yield num, wt, self.take(8)
            elif wt == 2:
                yield num, wt, self.take(self.varint())
            elif wt == 5:
                yield num, wt, self.take(4)
            else:
                raise BadRequest(f"proto: illegal wireType {wt}")


def _signed(v: int, bits: int = 64) -> int:
    v &= (1 << 64) - 1
    if v >= 1 << 63:
        v -= 1 << 64
    if bits == 32:
        v = (v + (1 << 31)) % (1 << 32) - (1 << 31)
    return v


def _scalar(typ: str, wt: int, raw: Any) -> Any:
    if typ == "string":
        if wt != 2:
            raise BadRequest("proto: wrong wireType for string")
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise BadRequest("proto: string is not valid UTF-8") from None
    if typ == "bytes":
        return base64.b64encode(raw).decode("ascii")
    if typ == "bool":
        return bool(raw)
    if typ in ("int32", "int64", "uint32", "uint64"):
        if wt != 0:
            raise BadRequest(f"proto: wrong wireType for {typ}")
        return _signed(raw, 32 if typ == "int32" else 64) if typ.startswith("int") else raw
    if typ == "double":
        return struct.unpack("<d", raw)[0]
    if typ == "float":
        return struct.unpack("<f", raw)[0]
    raise BadRequest(f"proto: unsupported field type {typ}")


def _packed(typ: str, raw: bytes) -> list[Any]:
    r = _Reader(raw)
    if typ in ("double", "float"):
        size = 8 if typ == "double" else 4
        return [_scalar(typ, 0, r.take(size)) for _ in range(len(raw) // size)]
    out = []
    while not r.done():
        out.append(_scalar(typ, 0, r.varint()))
    return out


def _time(raw: bytes, micro: bool) -> str | None:
    seconds = nanos = 0
    for num, _wt, v in _Reader(raw).fields():
        if num == 1:
            seconds = _signed(v)
        elif num == 2:
            nanos = _signed(v, 32)
    if (seconds == 0 and nanos == 0) or seconds == _GO_ZERO_TIME:
        return None
    when = datetime.fromtimestamp(seconds, timezone.utc)
    if micro:
        return when.strftime("%Y-%m-%dT%H:%M:%S") + f".{nanos // 1000:06d}Z"
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def _special(typ: str, raw: bytes) -> Any:
    name = typ.rsplit(".", 1)[-1]
    if typ.startswith(_META) and name in ("Time", "MicroTime"):
        return _time(raw, name == "MicroTime")
    fields: dict[int, Any] = {num: v for num, _wt, v in _Reader(raw).fields()}
    if name == "Quantity":
        return fields.get(1, b"").decode("utf-8")
    if name == "IntOrString":
        if fields.get(1, 0) == 1:
            return fields.get(3, b"").decode("utf-8")
        return _signed(fields.get(2, 0), 32)
    if name == "Duration":
        ns = _signed(fields.get(1, 0))
        return f"{ns / 1e9:g}s"
    if name in ("FieldsV1", "RawExtension"):
        try:
            return json.loads(fields.get(1, b"null"))
        except ValueError:
            raise BadRequest(f"proto: {name} does not hold JSON") from None
    return None


def _zero(value: Any) -> bool:
    return value is None or value == "" or value is False or (
        isinstance(value, (int, float)) and not isinstance(value, bool) and value == 0)


def _value(typ: str, wt: int, raw: Any) -> Any:
    if typ in MESSAGES:
        if wt != 2:
            raise BadRequest(f"proto: wrong wireType for {typ}")
        return decode_message(raw, typ)
    if "." in typ:
        return _special(typ, raw)
    return _scalar(typ, wt, raw)


def decode_message(data: bytes, message: str) -> dict[str, Any]:
    """Decode one message of the field tables into its JSON object."""
    table = MESSAGES[message]
    out: dict[str, Any] = {}
    inline: list[dict[str, Any]] = []
    for num, wt, raw in _Reader(data).fields():
        spec = table.get(num)
        if spec is None:
            continue  # a field newer than our tables
        name, typ, flags = spec
        if typ.startswith("map:"):
            key, val = "", None
            vtyp = typ[4:]
            for n, w, v in _Reader(raw).fields():
                if n == 1:
                    key = _scalar("string", w, v)
                elif n == 2:
                    val = _value(vtyp, w, v)
            if val is None:
                val = "" if vtyp in ("string", "bytes") else None
            out.setdefault(name, {})[key] = val
        elif flags & _REPEATED:
            items = out.setdefault(name, [])
            if wt == 2 and "." not in typ and typ not in ("string", "bytes"):
                items.extend(_packed(typ, raw))
            else:
                items.append(_value(typ, wt, raw))
        elif flags & _INLINE:
            inline.append(_value(typ, wt, raw))
        else:
            value = _value(typ, wt, raw)
            if value is None or (_zero(value) and not flags & _KEEP):
                out.pop(name, None)
                continue
            out[name] = value
    for part in inline:
        for k, v in part.items():
            out.setdefault(k, v)
    return out


def decode(body: bytes) -> dict[str, Any]:
    """The object in a `k8s\\x00`-framed protobuf body, as Kubernetes JSON."""
    if not body.startswith(MAGIC):
        raise BadRequest("provided protobuf data does not begin with the expected prefix")
    api_version = kind = ""
    raw = b""
    encoding = ""
    for num, _wt, value in _Reader(body[len(MAGIC):]).fields():
        if num == 1:
            for n, w, v in _Reader(value).fields():
                if n == 1:
                    api_version = _scalar("string", w, v)
                elif n == 2:
                    kind = _scalar("string", w, v)
        elif num == 2:
            raw = value
        elif num == 3:
            encoding = value.decode("utf-8", "replace")
    if encoding:
        raise BadRequest(f"unsupported content encoding {encoding!r}")
    group, _, version = api_version.rpartition("/")
    if kind == "DeleteOptions":
        message = _META + kind
    else:  # k8s.io/api's package of the group: core, apps, batch, autoscaling, policy …
        message = f"k8s.io.api.{group.split('.')[0] or 'core'}.{version}.{kind}"
    if message not in MESSAGES:
        raise BadRequest(f'no kind "{kind}" is registered for version "{api_version}" in '
                         'scheme "pkg/runtime/scheme.go:100"')
    obj: dict[str, Any] = {"kind": kind, "apiVersion": api_version}
    obj.update(decode_message(raw, message))
    return obj
