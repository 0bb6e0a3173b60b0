"""Image references and the offline image catalog that runtimes pull from.

No registry is reachable, so every runtime resolves images here: `normalize()` turns what a
user wrote into the fully qualified Docker reference containerd uses (`nginx` →
`docker.io/library/nginx:latest`), and `Catalog.resolve()` finds the image's `Behaviour` —
what a program started from it does (ports, whether it keeps running, how it answers
SIGTERM, its log lines, its environment and a few files) — or raises `ImageNotFound` with the
registry's own answer, which the runtime wraps in its pull error.

The sim runtime (kubenb/node/runtime/sim.py) reads `Behaviour` to fake containers; the
process runtime (kubenb/node/runtime/process.py) reads the same entries to pick the program
it really runs: `Behaviour.app` names a built-in app of kubenb/apps/ (bootcamp, nginx,
http-echo, echoserver; "" with program "server" → a generic server answering
`http_response`), a "shell" image runs its command with the host's tools, and `handler` is a
notebook's own Python function serving HTTP. A notebook adds its own images with
`kubenb.images.add(...)` (kubenb/images.py), which registers them here.

Digests: the two bootcamp images carry the digests public `kubectl describe` outputs show;
every other digest is synthetic (sha256 of the reference), stable across runs.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

DEFAULT_DOMAIN = "docker.io"
LEGACY_DOMAIN = "index.docker.io"
OFFICIAL_PREFIX = "library/"

_DIGEST = re.compile(r"^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$")
_PATH = re.compile(r"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$")
_TAG = re.compile(r"^[\w][\w.-]{0,127}$")


class InvalidReference(ValueError):
    """The string is not a Docker image reference (kubelet: InvalidImageName)."""


@dataclass(frozen=True)
class ImageRef:
    """A parsed, normalised reference: `domain/path:tag@digest` (tag or digest may be empty)."""

    domain: str
    path: str
    tag: str = ""
    digest: str = ""

    @property
    def repository(self) -> str:
        return f"{self.domain}/{self.path}"

    def __str__(self) -> str:
        out = self.repository
        if self.tag:
            out += f":{self.tag}"
        if self.digest:
            out += f"@{self.digest}"
        return out

    @property
    def familiar(self) -> str:
        """Docker's short form: `nginx:latest`, `jocatalin/kubernetes-bootcamp:v2`."""
        name = self.repository
        if self.domain == DEFAULT_DOMAIN:
            name = self.path[len(OFFICIAL_PREFIX):] if self.path.startswith(OFFICIAL_PREFIX) else self.path
        return name + (f":{self.tag}" if self.tag else "") + (f"@{self.digest}" if self.digest else "")


@functools.lru_cache(maxsize=1024)  # every pod start asks again; ImageRef is frozen
def normalize(image: str) -> ImageRef:
    """Parse like containerd's `ParseDockerRef`: default domain, `library/`, tag `latest`."""
    text = image.strip()
    if not text or text != image or any(c.isspace() for c in text):
        raise InvalidReference(f"couldn't parse image reference {image!r}: invalid reference format")
    name, _, digest = text.partition("@")
    if digest and not _DIGEST.match(digest):
        raise InvalidReference(f"couldn't parse image reference {image!r}: invalid reference format")
    tag = ""
    slash = name.rfind("/")
    colon = name.rfind(":")
    if colon > slash:
        name, tag = name[:colon], name[colon + 1:]
        if not _TAG.match(tag):
            raise InvalidReference(f"couldn't parse image reference {image!r}: invalid reference format")
    first, sep, rest = name.partition("/")
    if sep and ("." in first or ":" in first or first == "localhost"):
        domain, path = first, rest
    else:
        domain, path = DEFAULT_DOMAIN, name
    if domain == LEGACY_DOMAIN:
        domain = DEFAULT_DOMAIN
    if domain == DEFAULT_DOMAIN and "/" not in path:
        path = OFFICIAL_PREFIX + path
    if not _PATH.match(path):
        raise InvalidReference(
            f"couldn't parse image reference {image!r}: invalid reference format: "
            "repository name must be lowercase" if path.lower() != path
            else f"couldn't parse image reference {image!r}: invalid reference format")
    if not tag and not digest:
        tag = "latest"
    return ImageRef(domain, path, tag, digest.lower())


def pull_error_message(ref: str, repo_missing: bool) -> str:
    """containerd's words for a reference the registry does not have."""
    head = f'failed to pull and unpack image "{ref}": failed to resolve reference "{ref}": '
    if repo_missing:
        return ("rpc error: code = Unknown desc = " + head + "pull access denied, repository "
                "does not exist or may require authorization: server message: "
                "insufficient_scope: authorization failed")
    return f"rpc error: code = NotFound desc = {head}{ref}: not found"


def synthetic_digest(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Behaviour:
    """What a container started from an image does, as data.

    `program`: "server" runs until stopped; "shell" runs its command (a shell with nothing to
    read exits 0 at once); "exit" exits with `exit_code`. `sigterm`: "exit" stops at once
    with `sigterm_exit_code`, "ignore" waits for the kill at the end of the grace period (a
    PID 1 without a handler — the bootcamp app's node process does this). Log lines and the
    HTTP answer are templates over {pod}, {hostname}, {iso_ms}, {nginx_time}, {port}.
    """

    program: Literal["server", "shell", "exit"] = "server"
    ports: tuple[int, ...] = ()
    sigterm: Literal["exit", "ignore"] = "exit"
    sigterm_exit_code: int = 0
    exit_code: int = 0
    logs: tuple[str, ...] = ()
    http_response: str | None = None
    env: tuple[tuple[str, str], ...] = ()
    files: dict[str, str] = field(default_factory=dict)
    entrypoint: tuple[str, ...] = ()
    cmd: tuple[str, ...] = ()
    workdir: str = "/"
    size: int = 0
    has_bash: bool = True
    app: str = ""  # the built-in app of kubenb/apps/ the process runtime runs (bootcamp, nginx …)
    app_version: str = ""  # what the app prints as its version (bootcamp v=1, echoserver 1.4)
    # A notebook's HTTP handler, `func(request) -> str | bytes | (status, body)`: the process
    # runtime serves it from the kernel (kubenb/node/runtime/process_custom.py).
    handler: Callable[..., Any] | None = field(default=None, compare=False)


@dataclass(frozen=True)
class CatalogEntry:
    """A repository and the tags it answers to (a list, or a pattern for "any real tag")."""

    repository: str  # normalised: docker.io/library/nginx
    behaviour: Behaviour
    tags: tuple[str, ...] = ()
    tag_pattern: str | None = None
    digests: dict[str, str] = field(default_factory=dict)  # tag -> digest, when known

    def has_tag(self, tag: str) -> bool:
        if tag in self.tags:
            return True
        return self.tag_pattern is not None and re.fullmatch(self.tag_pattern, tag) is not None

    def digest_of(self, tag: str) -> str:
        return self.digests.get(tag) or synthetic_digest(f"{self.repository}:{tag}")


@dataclass(frozen=True)
class ResolvedImage:
    """An image as a runtime stores it after a pull."""

    ref: str  # docker.io/library/nginx:latest (or repo@digest when pulled by digest)
    repository: str
    tag: str
    digest: str  # sha256:…
    size: int
    behaviour: Behaviour

    @property
    def repo_digest(self) -> str:
        """What pod status shows as imageID under containerd: `repo@sha256:…`."""
        return f"{self.repository}@{self.digest}"

    @property
    def image_id(self) -> str:
        return synthetic_digest("config:" + self.repo_digest)


class ImageNotFound(Exception):
    """The registry does not have it. `repo_missing`: the repository itself is unknown."""

    def __init__(self, ref: str, repo_missing: bool) -> None:
        super().__init__(ref)
        self.ref = ref
        self.repo_missing = repo_missing


# Any tag that looks like a real release: latest, stable, 1.27, 3.12-slim, alpine3.20 …
REAL_TAG = r"(?:latest|stable|mainline|alpine|slim|bookworm|bullseye|jammy|noble|musl|glibc|uclibc|[0-9][\w.]*)(?:-[\w.]+)*"

# console.log(…, host, "\n") prints the "\n" argument and its own newline: a blank line follows
_BOOTCAMP_LOG = "Kubernetes Bootcamp App Started At: {iso_ms} | Running On:  {hostname} \n\n"
_BOOTCAMP_ENV = (
    ("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),
    ("NPM_CONFIG_LOGLEVEL", "info"),
    ("NODE_VERSION", "6.3.1"),
)
_SERVER_JS = """var http = require('http');
var requests=0;
var podname= process.env.HOSTNAME;
var startTime;
var host;
var handleRequest = function(request, response) {
  response.setHeader('Content-Type', 'text/plain');
  response.writeHead(200);
  response.write("Hello Kubernetes bootcamp! | Running on: ");
  response.write(host);
  response.end(" | v=%s\\n");
  console.log("Running On:" ,host, "| Total Requests:", ++requests,"| App Uptime:", (new Date() - startTime)/1000 , "seconds", "| Log Time:",new Date());
}
var www = http.createServer(handleRequest);
www.listen(8080,function () {
    startTime = new Date();;
    host = process.env.HOSTNAME;
    console.log ("Kubernetes Bootcamp App Started At:",startTime, "| Running On: " ,host, "\\n" );
});
"""
_NGINX_LOGS = (
    "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration",
    "/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/",
    "/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh",
    "10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf",
    "10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf",
    "/docker-entrypoint.sh: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh",
    "/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh",
    "/docker-entrypoint.sh: Launching /docker-entrypoint.d/30-tune-worker-processes.sh",
    "/docker-entrypoint.sh: Configuration complete; ready for start up",
    "{nginx_time} [notice] 1#1: using the \"epoll\" event method",
    "{nginx_time} [notice] 1#1: nginx/1.27.3",
    "{nginx_time} [notice] 1#1: built by gcc 12.2.0 (Debian 12.2.0-14) ",
    "{nginx_time} [notice] 1#1: OS: Linux 5.15.0-139-generic",
    "{nginx_time} [notice] 1#1: getrlimit(RLIMIT_NOFILE): 1048576:1048576",
    "{nginx_time} [notice] 1#1: start worker processes",
    "{nginx_time} [notice] 1#1: start worker process 29",
)
_SHELL_ENV = (("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),)
NGINX_WELCOME = """<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href="http://nginx.org/">nginx.org</a>.<br/>
Commercial support is available at
<a href="http://nginx.com/">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
"""


def _bootcamp(version: str) -> Behaviour:
    return Behaviour(
        program="server", app="bootcamp", app_version=version, ports=(8080,), sigterm="ignore",
        logs=(_BOOTCAMP_LOG,),
        http_response=f"Hello Kubernetes bootcamp! | Running on: {{hostname}} | v={version}\n",
        env=_BOOTCAMP_ENV, files={"/server.js": _SERVER_JS.replace("%s", version)},
        entrypoint=("/bin/sh", "-c", "node server.js"), size=211_336_459,
    )


def _echoserver(tag: str) -> Behaviour:
    return Behaviour(app="echoserver", app_version=tag, ports=(8080,),
                     http_response="CLIENT VALUES:\nreal path=/\n" if tag == "1.4" else
                     "\n\nHostname: {hostname}\n", env=_SHELL_ENV, size=46_042_186)


def builtin_entries() -> list[CatalogEntry]:
    """The images the tutorials use, plus common small ones."""
    v1, v2 = _bootcamp("1"), _bootcamp("2")
    shell = Behaviour(program="shell", env=_SHELL_ENV, cmd=("sh",), size=4_269_126, has_bash=False)
    entries = [
        CatalogEntry("gcr.io/google-samples/kubernetes-bootcamp", v1, ("v1",), digests={
            "v1": "sha256:0d6b8ee63bb57c5f5b6156f446b3bc3b3c143d233037f3a2f00e279c8fcc64af"}),
        CatalogEntry("docker.io/jocatalin/kubernetes-bootcamp", v2, ("v2",), digests={
            "v2": "sha256:fb1a3ced00cecfc1f83f18ab5cd14199e30adc1b49aa4244f5d65ad3f5feb2a5"}),
        CatalogEntry("gcr.io/k8s-minikube/kubernetes-bootcamp", v1, ("v1",)),
        CatalogEntry("registry.k8s.io/minikube/kubernetes-bootcamp", v1, ("v1",)),
        CatalogEntry("docker.io/library/nginx", Behaviour(
            app="nginx", app_version="1.27.3", ports=(80,), logs=_NGINX_LOGS,
            env=(("NGINX_VERSION", "1.27.3"),) + _SHELL_ENV, http_response=NGINX_WELCOME,
            entrypoint=("/docker-entrypoint.sh",), cmd=("nginx", "-g", "daemon off;"),
            size=72_195_292), tag_pattern=REAL_TAG),
        CatalogEntry("docker.io/library/httpd", Behaviour(
            ports=(80,), http_response="<html><body><h1>It works!</h1></body></html>\n",
            cmd=("httpd-foreground",), env=_SHELL_ENV, size=58_150_417), tag_pattern=REAL_TAG),
        CatalogEntry("docker.io/library/busybox", shell, tag_pattern=REAL_TAG),
        CatalogEntry("docker.io/library/alpine", Behaviour(
            program="shell", env=_SHELL_ENV, cmd=("/bin/sh",), size=3_623_807,
            has_bash=False), tag_pattern=REAL_TAG),
        CatalogEntry("docker.io/library/ubuntu", Behaviour(
            program="shell", env=_SHELL_ENV, cmd=("/bin/bash",), size=29_754_422), tag_pattern=REAL_TAG),
        CatalogEntry("docker.io/library/debian", Behaviour(
            program="shell", env=_SHELL_ENV, cmd=("bash",), size=48_494_272), tag_pattern=REAL_TAG),
        CatalogEntry("docker.io/library/python", Behaviour(
            program="shell", env=(("PYTHON_VERSION", "3.13.1"),) + _SHELL_ENV, cmd=("python3",),
            size=1_017_331_010), tag_pattern=REAL_TAG),
        CatalogEntry("docker.io/library/redis", Behaviour(
            ports=(6379,), cmd=("redis-server",), env=_SHELL_ENV, size=45_022_140,
            logs=("1:M {nginx_time} * Ready to accept connections tcp",)), tag_pattern=REAL_TAG),
        CatalogEntry("docker.io/hashicorp/http-echo", Behaviour(
            app="http-echo", ports=(5678,), http_response="hello-world\n", entrypoint=("/http-echo",),
            logs=("{nginx_time} [INFO] server is listening on :5678",), size=3_794_226),
            tag_pattern=REAL_TAG),
        CatalogEntry("registry.k8s.io/echoserver", _echoserver("1.4"), ("1.4",)),
        CatalogEntry("registry.k8s.io/echoserver", _echoserver("1.10"), ("1.10",)),
        CatalogEntry("k8s.gcr.io/echoserver", _echoserver("1.4"), ("1.4",)),
        CatalogEntry("k8s.gcr.io/echoserver", _echoserver("1.10"), ("1.10",)),
        CatalogEntry("docker.io/kicbase/echo-server", Behaviour(
            ports=(8080,), http_response="Request served by {hostname}\n", size=4_939_776),
            ("1.0", "latest")),
        CatalogEntry("registry.k8s.io/pause", Behaviour(entrypoint=("/pause",), size=320_368),
                     ("3.1", "3.2", "3.5", "3.6", "3.7", "3.8", "3.9", "3.10", "latest")),
    ]
    return entries


class Catalog:
    """Known repositories; a notebook may register more (or new tags of known ones)."""

    def __init__(self, entries: Iterable[CatalogEntry] = ()) -> None:
        self._by_repo: dict[str, list[CatalogEntry]] = {}
        for e in entries:
            self.add(e)

    def add(self, entry: CatalogEntry) -> None:
        self._by_repo.setdefault(entry.repository, []).insert(0, entry)

    def register(self, image: str, behaviour: Behaviour, digest: str | None = None) -> ResolvedImage:
        """Make `name:tag` pullable with `behaviour` (the newest registration wins)."""
        ref = normalize(image)
        tag = ref.tag or "latest"
        self.add(CatalogEntry(ref.repository, behaviour, (tag,),
                              digests={tag: digest} if digest else {}))
        return self.resolve(f"{ref.repository}:{tag}")

    def resolve(self, image: str) -> ResolvedImage:
        """The image a pull of `image` gets; ImageNotFound or InvalidReference otherwise."""
        ref = normalize(image)
        entries = self._by_repo.get(ref.repository)
        if not entries:
            raise ImageNotFound(str(ref), repo_missing=True)
        for e in entries:
            if ref.digest:
                for tag in e.tags + ((ref.tag,) if ref.tag else ("latest",)):
                    if e.has_tag(tag) and e.digest_of(tag) == ref.digest:
                        return self._resolved(ref, e, tag)
            elif e.has_tag(ref.tag):
                return self._resolved(ref, e, ref.tag)
        raise ImageNotFound(str(ref), repo_missing=False)

    @staticmethod
    def _resolved(ref: ImageRef, e: CatalogEntry, tag: str) -> ResolvedImage:
        size = e.behaviour.size or 10_000_000 + int(e.digest_of(tag)[7:13], 16) % 90_000_000
        return ResolvedImage(str(ref), ref.repository, tag, e.digest_of(tag), size, e.behaviour)


CATALOG = Catalog(builtin_entries())
