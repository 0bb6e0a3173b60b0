"""Names: random suffixes, generated names, and apimachinery's string checks.

`random_string`/`generate_name` give pods their `<owner>-xxxxx` names (apiserver
SimpleNameGenerator with util/rand's alphabet); the caller passes a seeded
`random.Random` so notebooks stay deterministic. The `*_errors` functions return
Kubernetes' exact messages (apimachinery `util/validation` and
`api/validate/content`, as served by Kubernetes 1.36); validation turns them into
field errors. Regexes are anchored with fullmatch because Go's `$` never matches
before a trailing newline, and lengths count UTF-8 bytes as Go's len() does.
"""

from __future__ import annotations

import random
import re

ALPHABET = "bcdfghjklmnpqrstvwxz2456789"

MAX_NAME_LENGTH = 63
RANDOM_LENGTH = 5
MAX_GENERATED_NAME_LENGTH = MAX_NAME_LENGTH - RANDOM_LENGTH  # 58

DNS1123_LABEL_MAX = 63
DNS1123_SUBDOMAIN_MAX = 253
DNS1035_LABEL_MAX = 63
LABEL_VALUE_MAX = 63
LABEL_KEY_NAME_MAX = 63


def random_string(rng: random.Random, n: int) -> str:
    """n characters drawn from ALPHABET (util/rand.String)."""
    return "".join(rng.choice(ALPHABET) for _ in range(n))


def generate_name(base: str, rng: random.Random) -> str:
    """SimpleNameGenerator: base cut to 58 characters, plus 5 random characters."""
    if len(base) > MAX_GENERATED_NAME_LENGTH:
        base = base[:MAX_GENERATED_NAME_LENGTH]
    return base + random_string(rng, RANDOM_LENGTH)


def _blen(value: str) -> int:
    return len(value.encode("utf-8"))


def max_len_error(length: int) -> str:
    """util/validation.MaxLenError."""
    return f"must be no more than {length} characters"


def max_bytes_error(length: int) -> str:
    """api/validate/content.MaxLenError (label keys and values)."""
    return f"must be no more than {length} bytes"


def regex_error(msg: str, fmt: str, *examples: str) -> str:
    """util/validation.RegexError, double space before "or" included."""
    if not examples:
        return f"{msg} (regex used for validation is '{fmt}')"
    parts = "".join((" or " if i else "") + f"'{ex}', " for i, ex in enumerate(examples))
    return f"{msg} (e.g. {parts}regex used for validation is '{fmt}')"


def inclusive_range_error(lo: int, hi: int) -> str:
    return f"must be between {lo} and {hi}, inclusive"


_DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_DNS1123_LABEL_MSG = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "
    "and must start and end with an alphanumeric character"
)
_DNS1123_SUBDOMAIN_FMT = _DNS1123_LABEL_FMT + "(\\." + _DNS1123_LABEL_FMT + ")*"
_DNS1123_SUBDOMAIN_MSG = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
    "and must start and end with an alphanumeric character"
)
_DNS1035_LABEL_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?"
_DNS1035_LABEL_MSG = (
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', "
    "start with an alphabetic character, and end with an alphanumeric character"
)
_LABEL_KEY_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
_LABEL_KEY_MSG = (
    "must consist of alphanumeric characters, '-', '_' or '.', "
    "and must start and end with an alphanumeric character"
)
_LABEL_VALUE_FMT = "(" + _LABEL_KEY_FMT + ")?"
_LABEL_VALUE_MSG = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
    "and must start and end with an alphanumeric character"
)
_CONFIG_KEY_FMT = "[-._a-zA-Z0-9]+"
_CONFIG_KEY_MSG = "a valid config key must consist of alphanumeric characters, '-', '_' or '.'"
_PERCENT_FMT = "[0-9]+%"
_PERCENT_MSG = "a valid percent string must be a numeric string followed by an ending '%'"
_C_IDENTIFIER_FMT = "[A-Za-z_][A-Za-z0-9_]*"
_C_IDENTIFIER_MSG = (
    "a valid C identifier must start with alphabetic character or '_', "
    "followed by a string of alphanumeric characters or '_'"
)
_HTTP_HEADER_FMT = "[-A-Za-z0-9]+"
_HTTP_HEADER_MSG = "a valid HTTP header must consist of alphanumeric characters or '-'"
_RELAXED_ENV_MSG = (
    "a valid environment variable name must consist only of printable ASCII characters other than '='"
)

_RE = {fmt: re.compile(fmt) for fmt in (
    _DNS1123_LABEL_FMT, _DNS1123_SUBDOMAIN_FMT, _DNS1035_LABEL_FMT, _LABEL_KEY_FMT,
    _LABEL_VALUE_FMT, _CONFIG_KEY_FMT, _PERCENT_FMT, _C_IDENTIFIER_FMT, _HTTP_HEADER_FMT,
)}


def _match(fmt: str, value: str) -> bool:
    return _RE[fmt].fullmatch(value) is not None


def dns1123_label_errors(name: str) -> list[str]:
    """IsDNS1123Label."""
    errs = []
    if _blen(name) > DNS1123_LABEL_MAX:
        errs.append(max_len_error(DNS1123_LABEL_MAX))
    if not _match(_DNS1123_LABEL_FMT, name):
        if _match(_DNS1123_SUBDOMAIN_FMT, name):
            errs.append("must not contain dots")
        else:
            errs.append(regex_error(_DNS1123_LABEL_MSG, _DNS1123_LABEL_FMT, "my-name", "123-abc"))
    return errs


def dns1123_subdomain_errors(name: str) -> list[str]:
    """IsDNS1123Subdomain."""
    errs = []
    if _blen(name) > DNS1123_SUBDOMAIN_MAX:
        errs.append(max_len_error(DNS1123_SUBDOMAIN_MAX))
    if not _match(_DNS1123_SUBDOMAIN_FMT, name):
        errs.append(regex_error(_DNS1123_SUBDOMAIN_MSG, _DNS1123_SUBDOMAIN_FMT, "example.com"))
    return errs


def dns1035_label_errors(name: str) -> list[str]:
    """IsDNS1035Label (service names)."""
    errs = []
    if _blen(name) > DNS1035_LABEL_MAX:
        errs.append(max_len_error(DNS1035_LABEL_MAX))
    if not _match(_DNS1035_LABEL_FMT, name):
        errs.append(regex_error(_DNS1035_LABEL_MSG, _DNS1035_LABEL_FMT, "my-name", "abc-123"))
    return errs


def qualified_name_errors(key: str) -> list[str]:
    """IsQualifiedName / IsLabelKey: `[prefix/]name`, used for label and annotation keys."""
    errs: list[str] = []
    parts = key.split("/")
    if len(parts) == 1:
        name = parts[0]
    elif len(parts) == 2:
        prefix, name = parts
        if not prefix:
            errs.append("prefix part must be non-empty")
        else:
            errs.extend("prefix part " + m for m in dns1123_subdomain_errors(prefix))
    else:
        return [
            "a valid label key "
            + regex_error(_LABEL_KEY_MSG, _LABEL_KEY_FMT, "MyName", "my.name", "123-abc")
            + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
        ]
    if not name:
        errs.append("name part must be non-empty")
    elif _blen(name) > LABEL_KEY_NAME_MAX:
        errs.append("name part " + max_bytes_error(LABEL_KEY_NAME_MAX))
    if not _match(_LABEL_KEY_FMT, name):
        errs.append("name part " + regex_error(_LABEL_KEY_MSG, _LABEL_KEY_FMT, "MyName", "my.name", "123-abc"))
    return errs


def label_value_errors(value: str) -> list[str]:
    """IsValidLabelValue."""
    errs = []
    if _blen(value) > LABEL_VALUE_MAX:
        errs.append(max_bytes_error(LABEL_VALUE_MAX))
    if not _match(_LABEL_VALUE_FMT, value):
        errs.append(regex_error(_LABEL_VALUE_MSG, _LABEL_VALUE_FMT, "MyValue", "my_value", "12345"))
    return errs


def _chdir_prefix_errors(value: str) -> list[str]:
    if value == ".":
        return ["must not be '.'"]
    if value == "..":
        return ["must not be '..'"]
    if value.startswith(".."):
        return ["must not start with '..'"]
    return []


def config_map_key_errors(key: str) -> list[str]:
    """IsConfigMapKey (ConfigMap and Secret data keys)."""
    errs = []
    if _blen(key) > DNS1123_SUBDOMAIN_MAX:
        errs.append(max_len_error(DNS1123_SUBDOMAIN_MAX))
    if not _match(_CONFIG_KEY_FMT, key):
        errs.append(regex_error(_CONFIG_KEY_MSG, _CONFIG_KEY_FMT, "key.name", "KEY_NAME", "key-name"))
    return errs + _chdir_prefix_errors(key)


def port_num_errors(port: int) -> list[str]:
    """IsValidPortNum."""
    return [] if 1 <= port <= 65535 else [inclusive_range_error(1, 65535)]


def port_name_errors(name: str) -> list[str]:
    """IsValidPortName (IANA_SVC_NAME)."""
    errs = []
    if _blen(name) > 15:
        errs.append(max_len_error(15))
    if not re.fullmatch("[-a-z0-9]+", name):
        errs.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if not re.search("[a-z]", name):
        errs.append("must contain at least one letter (a-z)")
    if "--" in name:
        errs.append("must not contain consecutive hyphens")
    if name and (name[0] == "-" or name[-1] == "-"):
        errs.append("must not begin or end with a hyphen")
    return errs


def percent_errors(value: str) -> list[str]:
    """IsValidPercent."""
    if _match(_PERCENT_FMT, value):
        return []
    return [regex_error(_PERCENT_MSG, _PERCENT_FMT, "1%", "93%")]


def c_identifier_errors(value: str) -> list[str]:
    """IsCIdentifier."""
    if _match(_C_IDENTIFIER_FMT, value):
        return []
    return [regex_error(_C_IDENTIFIER_MSG, _C_IDENTIFIER_FMT, "my_name", "MY_NAME", "MyName")]


def http_header_name_errors(value: str) -> list[str]:
    """IsHTTPHeaderName."""
    if _match(_HTTP_HEADER_FMT, value):
        return []
    return [regex_error(_HTTP_HEADER_MSG, _HTTP_HEADER_FMT, "X-Header-Name")]


def env_var_name_errors(value: str) -> list[str]:
    """IsRelaxedEnvVarName: what 1.36 checks (RelaxedEnvironmentVariableValidation is on)."""
    errs = []
    if not value:
        errs.append("environment variable name must be non-empty")
    if any(not (" " <= c <= "~") or c == "=" for c in value):
        errs.append(_RELAXED_ENV_MSG)
    return errs


def mask_trailing_dash(name: str) -> str:
    """apimachinery maskTrailingDash, quirk included (drops two characters)."""
    if len(name) > 1 and name.endswith("-"):
        return name[:-2] + "a"
    return name
