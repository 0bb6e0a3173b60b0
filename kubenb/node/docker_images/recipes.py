"""Recipes: what goes into each offline image, derived from the image catalog.

`recipe_for(ref)` answers for any reference the catalog resolves (kubenb/node/images.py):
the bootcamp images (a `node` that runs server.js: greeting, port 8080 and log lines as the
real app), nginx (its entrypoint, start lines, welcome page and access log), the pause image
for sandboxes, shells (busybox, alpine, ubuntu, …: busybox's sh, with `bash` standing in),
and any other HTTP server of the catalog (its start lines and answer on its ports). Each
`Recipe` has the files, the image config (`changes` for `docker import`) and a hash of both
that the built image carries as a label, so a changed recipe rebuilds.
"""

from __future__ import annotations

import hashlib
import json
import shlex
from dataclasses import dataclass, field

from kubenb.node.docker_images import scripts
from kubenb.node.images import CATALOG, Behaviour, Catalog, ResolvedImage, normalize

PAUSE_IMAGE = "registry.k8s.io/pause:3.10"
LABEL_RECIPE = "kubenb.recipe"
LABEL_DIGEST = "kubenb.digest"
NODE_VERSION = "6.3.1"


@dataclass(frozen=True)
class Recipe:
    ref: str  # normalised: docker.io/library/nginx:latest
    files: dict[str, str]
    entrypoint: tuple[str, ...] = ()
    cmd: tuple[str, ...] = ()
    env: tuple[tuple[str, str], ...] = ()
    workdir: str = "/"
    ports: tuple[int, ...] = ()
    digest: str = ""  # the registry digest the image stands for
    labels: dict[str, str] = field(default_factory=dict)

    @property
    def fingerprint(self) -> str:
        body = json.dumps([self.files, self.entrypoint, self.cmd, self.env, self.workdir,
                           self.ports, self.digest], sort_keys=True)
        return hashlib.sha256(body.encode()).hexdigest()[:16]

    def changes(self) -> list[str]:
        """Dockerfile instructions for `docker import --change`."""
        out = [f"ENV {k}={_env_value(v)}" for k, v in self.env]
        out.append(f"WORKDIR {self.workdir}")
        if self.entrypoint:
            out.append("ENTRYPOINT " + json.dumps(list(self.entrypoint)))
        if self.cmd:
            out.append("CMD " + json.dumps(list(self.cmd)))
        out += [f"EXPOSE {p}/tcp" for p in self.ports]
        labels = {**self.labels, LABEL_RECIPE: self.fingerprint}
        if self.digest:
            labels[LABEL_DIGEST] = self.digest
        out += [f"LABEL {k}={json.dumps(v)}" for k, v in sorted(labels.items())]
        return out


def _env_value(v: str) -> str:
    return json.dumps(v) if any(c.isspace() or c in "\"'\\$" for c in v) else v


def _fill(text: str, **values: str) -> str:
    text = text.replace("@LIB@", scripts.LIB_DIR)
    for k, v in values.items():
        text = text.replace(f"@{k}@", v)
    return text


def _lib() -> dict[str, str]:
    return {f"{scripts.LIB_DIR}/http.sh": scripts.HTTP_LIB}


def _bootcamp(img: ResolvedImage) -> Recipe:
    b = img.behaviour
    version = b.http_response.rsplit("v=", 1)[1].strip() if b.http_response else "1"
    files = {**_lib(),
             "/usr/local/bin/node": _fill(scripts.BOOTCAMP_NODE, NODE_VERSION=NODE_VERSION),
             f"{scripts.LIB_DIR}/bootcamp-handler": _fill(scripts.BOOTCAMP_HANDLER, VERSION=version),
             "/usr/bin/curl": scripts.CURL, "/bin/bash": scripts.BASH,
             **b.files}
    return Recipe(img.ref, files, cmd=("/bin/sh", "-c", "node server.js"), env=b.env,
                  workdir=b.workdir, ports=b.ports, digest=img.digest)


def _nginx(img: ResolvedImage) -> Recipe:
    b = img.behaviour
    version = dict(b.env).get("NGINX_VERSION", "1.27.3")
    files = {**_lib(),
             "/docker-entrypoint.sh": scripts.NGINX_ENTRYPOINT,
             "/usr/sbin/nginx": _fill(scripts.NGINX_BINARY, NGINX_VERSION=version),
             f"{scripts.LIB_DIR}/nginx-handler": _fill(scripts.NGINX_HANDLER, NGINX_VERSION=version),
             f"{scripts.LIB_DIR}/nginx-404.html": _fill(scripts.NGINX_404, NGINX_VERSION=version),
             "/usr/share/nginx/html/index.html": scripts.NGINX_INDEX,
             "/usr/share/nginx/html/50x.html": "<!DOCTYPE html>\n<html>\n<head>\n<title>Error</title>\n"
                                               "</head>\n<body>\n<h1>An error occurred.</h1>\n</body>\n</html>\n",
             **b.files}
    return Recipe(img.ref, files, entrypoint=b.entrypoint or ("/docker-entrypoint.sh",),
                  cmd=b.cmd or ("nginx", "-g", "daemon off;"), env=b.env, workdir=b.workdir,
                  ports=b.ports, digest=img.digest, labels={"maintainer": "NGINX Docker Maintainers"})


def _pause(img: ResolvedImage) -> Recipe:
    return Recipe(img.ref, {"/pause": scripts.PAUSE}, entrypoint=("/pause",), digest=img.digest)


def _shell(img: ResolvedImage) -> Recipe:
    b = img.behaviour
    files = {"/bin/bash": scripts.BASH, **b.files}
    cmd = b.cmd or ("sh",)
    if cmd[0].rsplit("/", 1)[-1] not in ("sh", "bash", "ash"):
        cmd = ("sh",)  # the catalog's interpreter (python3, …) is not in busybox
    return Recipe(img.ref, files, entrypoint=b.entrypoint, cmd=cmd, env=b.env,
                  workdir=b.workdir, digest=img.digest)


def _exit(img: ResolvedImage) -> Recipe:
    b = img.behaviour
    return Recipe(img.ref, dict(b.files), cmd=("sh", "-c", f"exit {b.exit_code}"), env=b.env,
                  digest=img.digest)


def _server(img: ResolvedImage) -> Recipe:
    b = img.behaviour
    ports = b.ports or (80,)
    sigterm = (f"trap 'exit {b.sigterm_exit_code}' TERM INT" if b.sigterm == "exit" else
               "# SIGTERM is ignored, as by the real program running as PID 1")
    server = _fill(scripts.GENERIC_SERVER, IMAGE=img.ref, PORTS=" ".join(map(str, ports)),
                   FIRST_PORT=str(ports[0]), SIGTERM=sigterm)
    program = (b.entrypoint or b.cmd or ("/usr/local/bin/server",))[0]
    if "/" not in program:
        program = f"/usr/local/bin/{program}"
    files = {**_lib(), program: server,
             f"{scripts.LIB_DIR}/generic-handler": _fill(scripts.GENERIC_HANDLER),
             "/etc/kubenb/response": b.http_response or "",
             "/bin/bash": scripts.BASH, **b.files}
    if b.logs:
        files["/etc/kubenb/logs"] = "".join(line if line.endswith("\n") else line + "\n"
                                            for line in b.logs)
    entry = b.entrypoint or ()
    cmd = b.cmd if b.cmd else (() if entry else (program,))
    if entry:
        entry = (program, *entry[1:])
    else:
        cmd = (program, *cmd[1:])
    return Recipe(img.ref, files, entrypoint=entry, cmd=cmd, env=b.env, workdir=b.workdir,
                  ports=ports, digest=img.digest)


def recipe_for(ref: str, catalog: Catalog = CATALOG) -> Recipe:
    """The recipe of an image the catalog resolves (ImageNotFound / InvalidReference else)."""
    img = catalog.resolve(str(normalize(ref)))
    b: Behaviour = img.behaviour
    if "bootcamp" in img.repository and "/server.js" in b.files:
        return _bootcamp(img)
    if img.repository == "docker.io/library/nginx":
        return _nginx(img)
    if img.repository.endswith("/pause"):
        return _pause(img)
    if b.program == "shell":
        return _shell(img)
    if b.program == "exit":
        return _exit(img)
    return _server(img)


# What `kubenb images build` builds by default: the tutorial images.
TUTORIAL_IMAGES = (
    PAUSE_IMAGE,
    "docker.io/library/busybox:latest",
    "gcr.io/google-samples/kubernetes-bootcamp:v1",
    "docker.io/jocatalin/kubernetes-bootcamp:v2",
    "docker.io/library/nginx:latest",
)


def describe(recipe: Recipe) -> str:
    """One line for `kubenb images build`: the reference and its command."""
    argv = list(recipe.entrypoint) + list(recipe.cmd)
    return f"{recipe.ref}  ({shlex.join(argv)})"
