"""The objects `kubectl create <kind>`, `run` and `expose` build from flags, as kubectl builds them.

Each builder returns a Kubernetes JSON dict whose keys follow the Go struct field order of
the typed object kubectl fills in (kind, apiVersion, metadata{name, namespace,
creationTimestamp: null, labels…}, spec…, status{}), so `--dry-run=client -o json` prints
the same bytes as kubectl and `-o yaml` (sorted) matches too. Flag-level problems raise
CommandError with kubectl's words. Feeds commands/create.py, run.py and expose.py.
"""

from __future__ import annotations

import base64
import os
import re
from typing import Any

from kubenb.api.names import config_map_key_errors, port_name_errors, port_num_errors, regex_error
from kubenb.api.objects import Obj
from kubenb.cli.kubectl.app import CommandError

_RAND = "bcdfghjklmnpqrstvwxz2456789"
_ENV_FMT = "[-._a-zA-Z][-._a-zA-Z0-9]*"
_ENV_MSG = ("a valid environment variable name must consist of alphabetic characters, digits, "
            "'_', '-', or '.', and must not start with a digit")


def env_var_name_errors(name: str) -> list[str]:
    """validation.IsEnvVarName, the strict form kubectl checks on the client."""
    if re.fullmatch(_ENV_FMT, name):
        return []
    return [regex_error(_ENV_MSG, _ENV_FMT, "my.env-name", "MY_ENV.NAME", "MyEnvName1")]


def meta(name: str, namespace: str = "", **rest: Any) -> Obj:
    """ObjectMeta in struct order: name, namespace, creationTimestamp, labels, annotations."""
    m: Obj = {"name": name}
    if namespace:
        m["namespace"] = namespace
    m["creationTimestamp"] = None
    for key in ("labels", "annotations"):
        if rest.get(key):
            m[key] = rest[key]
    return m


# ---- deployment --------------------------------------------------------------------------


def container_name(image: str, rng: Any = None) -> str:
    """kubectl create deployment's container name: the image's last path part, no tag or
    digest; `.`/`_` become `-` plus a random 5-letter suffix (sanitizeAndUniquify)."""
    name = image.split("/")[-1].split(":")[0].split("@")[0]
    if "_" in name or "." in name:
        import random

        r = rng or random.Random()
        name = name.replace("_", "-").replace(".", "-") + "-" + "".join(
            r.choice(_RAND) for _ in range(5))
    return name


def deployment(name: str, images: list[str], replicas: int, port: int, command: list[str],
               namespace: str = "") -> Obj:
    if len(images) > 1 and command:
        raise CommandError("cannot specify multiple --image options and command")
    labels = {"app": name}
    containers = []
    for image in images:
        c: Obj = {"name": container_name(image), "image": image}
        if command:
            c["command"] = list(command)
        c["resources"] = {}
        containers.append(c)
    if port >= 0 and containers:
        first = containers[0]
        rebuilt: Obj = {k: v for k, v in first.items() if k != "resources"}
        rebuilt["ports"] = [{"containerPort": port}]
        rebuilt["resources"] = {}
        containers[0] = rebuilt
    return {
        "kind": "Deployment", "apiVersion": "apps/v1",
        "metadata": meta(name, namespace, labels=dict(labels)),
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": dict(labels)},
            "template": {"metadata": {"creationTimestamp": None, "labels": dict(labels)},
                         "spec": {"containers": containers}},
            "strategy": {},
        },
        "status": {},
    }


def namespace(name: str) -> Obj:
    return {"kind": "Namespace", "apiVersion": "v1", "metadata": meta(name), "spec": {},
            "status": {}}


# ---- configmap / secret ------------------------------------------------------------------


def _literal(source: str) -> tuple[str, str]:
    key, eq, value = source.partition("=")
    if not eq or not key:
        raise CommandError(f"invalid literal source {source}, expected key=value")
    return key, value


def _file_source(source: str) -> tuple[str, str]:
    if "=" not in source:
        return os.path.basename(source), source
    key, _, path = source.partition("=")
    if not key or not path:
        raise CommandError("key names or file paths cannot be empty")
    return key, path


def _stat(path: str) -> None:
    if not os.path.exists(path):
        raise CommandError(f"error reading {path}: no such file or directory")


def env_file_pairs(path: str) -> list[tuple[str, str]]:
    """KEY=VALUE lines of an env file (cmdutil.AddFromEnvFile): blank and # lines skipped, a
    bare KEY takes its value from this process's environment (skipped when unset)."""
    _stat(path)
    if os.path.isdir(path):
        raise CommandError("__DIR__")
    pairs = []
    with open(path, encoding="utf-8") as fh:
        for line in fh.read().splitlines():
            line = line.lstrip()
            if not line or line.startswith("#"):
                continue
            key, eq, value = line.partition("=")
            errs = env_var_name_errors(key)
            if errs:
                raise CommandError(f'"{key}" is not a valid key name: {";".join(errs)}')
            if not eq:
                if key not in os.environ:
                    continue
                value = os.environ[key]
            pairs.append((key, value))
    return pairs


def _sources(file_sources: list[str], literals: list[str], env_files: list[str],
             kind: str) -> list[tuple[str, bytes | str]]:
    """(key, value) from --from-file (bytes), --from-literal and --from-env-file (text)."""
    out: list[tuple[str, bytes | str]] = []
    for src in file_sources:
        key, path = _file_source(src)
        _stat(path)
        if os.path.isdir(path):
            if "=" in src:
                raise CommandError("cannot give a key name for a directory path")
            for item in sorted(os.listdir(path)):
                full = os.path.join(path, item)
                if os.path.isfile(full):
                    with open(full, "rb") as fh:
                        out.append((item, fh.read()))
        else:
            with open(path, "rb") as fh:
                out.append((key, fh.read()))
    out += [_literal(s) for s in literals]
    for path in env_files:
        try:
            out += env_file_pairs(path)
        except CommandError as err:
            if err.message == "__DIR__":
                raise CommandError(f"env {kind} file cannot be a directory") from None
            raise
    return out


def _check_exclusive(file_sources: list[str], literals: list[str], env_files: list[str]) -> None:
    if env_files and (file_sources or literals):
        raise CommandError("from-env-file cannot be combined with from-file or from-literal")


def configmap(name: str, file_sources: list[str], literals: list[str], env_files: list[str],
              namespace: str = "") -> Obj:
    _check_exclusive(file_sources, literals, env_files)
    data: dict[str, str] = {}
    binary: dict[str, str] = {}
    for key, value in _sources(file_sources, literals, env_files, "config"):
        errs = config_map_key_errors(key)
        if errs:
            raise CommandError(f'"{key}" is not a valid key name for a ConfigMap: {",".join(errs)}')
        if key in data:
            raise CommandError(f'cannot add key "{key}", another key by that name already exists '
                               f'in Data for ConfigMap "{name}"')
        if key in binary:
            raise CommandError(f'cannot add key "{key}", another key by that name already exists '
                               f'in BinaryData for ConfigMap "{name}"')
        if isinstance(value, bytes):
            try:
                data[key] = value.decode("utf-8")
            except UnicodeDecodeError:
                binary[key] = base64.b64encode(value).decode()
        else:
            data[key] = value
    obj: Obj = {"kind": "ConfigMap", "apiVersion": "v1", "metadata": meta(name, namespace)}
    if data:
        obj["data"] = data
    if binary:
        obj["binaryData"] = binary
    return obj


def secret(name: str, file_sources: list[str], literals: list[str], env_files: list[str],
           secret_type: str = "", namespace: str = "") -> Obj:
    _check_exclusive(file_sources, literals, env_files)
    data: dict[str, str] = {}
    for key, value in _sources(file_sources, literals, env_files, "secret"):
        errs = config_map_key_errors(key)
        if errs:
            raise CommandError(f'"{key}" is not valid key name for a Secret {";".join(errs)}')
        if key in data:
            raise CommandError(f"cannot add key {key}, another key by that name already exists")
        raw = value if isinstance(value, bytes) else value.encode()
        data[key] = base64.b64encode(raw).decode()
    obj: Obj = {"kind": "Secret", "apiVersion": "v1", "metadata": meta(name, namespace)}
    if data:
        obj["data"] = data
    if secret_type:
        obj["type"] = secret_type
    return obj


# ---- services ----------------------------------------------------------------------------


def parse_port(text: str) -> int:
    """utilsnet.ParsePort(text, allowZero=true): strconv.ParseUint(text, 10, 16)."""
    if not re.fullmatch(r"\d+", text):
        raise CommandError(f'strconv.ParseUint: parsing "{text}": invalid syntax')
    if int(text) > 65535:
        raise CommandError(f'strconv.ParseUint: parsing "{text}": value out of range')
    return int(text)


def _target(text: str) -> int | str:
    if re.fullmatch(r"[+-]?\d+", text):
        num = int(text)
        errs = port_num_errors(num)
        if errs:
            raise CommandError(",".join(errs))
        return num
    errs = port_name_errors(text)
    if errs:
        raise CommandError(",".join(errs))
    return text


def service(name: str, svc_type: str, tcp: list[str], cluster_ip: str = "", node_port: int = 0,
            namespace: str = "") -> Obj:
    """`kubectl create service clusterip|nodeport|loadbalancer NAME --tcp=port:target`."""
    if cluster_ip == "None" and svc_type != "ClusterIP":
        raise CommandError("ClusterIP=None can only be used with ClusterIP service type")
    if cluster_ip != "None" and not tcp:
        raise CommandError("at least one tcp port specifier must be provided")
    ports = []
    for spec in tcp:
        parts = spec.split(":")
        port = parse_port(parts[0])
        target: int | str = port if len(parts) == 1 else _target(parts[1])
        p: Obj = {"name": spec.replace(":", "-"), "protocol": "TCP", "port": port,
                  "targetPort": target}
        if node_port:
            p["nodePort"] = node_port
        ports.append(p)
    spec_obj: Obj = {}
    if ports:
        spec_obj["ports"] = ports
    spec_obj["selector"] = {"app": name}
    if cluster_ip:
        spec_obj["clusterIP"] = cluster_ip
    spec_obj["type"] = svc_type
    return {"kind": "Service", "apiVersion": "v1",
            "metadata": meta(name, namespace, labels={"app": name}),
            "spec": spec_obj, "status": {"loadBalancer": {}}}


# ---- kubectl run ---------------------------------------------------------------------------


def parse_labels(spec: str) -> dict[str, str]:
    """generate.ParseLabels: `a=b,c=d` (exactly one `=` each)."""
    if not spec:
        raise CommandError("no label spec passed")
    labels = {}
    for part in spec.split(","):
        kv = part.split("=")
        if len(kv) != 2:
            raise CommandError(f"unexpected label spec: {part}")
        if not kv[0]:
            raise CommandError("unexpected empty label key")
        labels[kv[0]] = kv[1]
    return labels


def parse_envs(envs: list[str]) -> list[Obj]:
    out = []
    for env in envs:
        name, eq, value = env.partition("=")
        if not eq or not name or env_var_name_errors(name):
            raise CommandError(f"invalid env: {env}")
        out.append({"name": name, "value": value})
    return out


def pod(name: str, image: str, *, labels: str = "", annotations: list[str] | None = None,
        env: list[str] | None = None, port: str = "", args: list[str] | None = None,
        command: bool = False, restart: str = "Always", pull_policy: str = "",
        stdin: bool = False, tty: bool = False, privileged: bool = False,
        service_account: str = "", namespace: str = "") -> Obj:
    """The pod `kubectl run` builds (generateversioned.BasicPod)."""
    pod_labels = parse_labels(labels) if labels else {"run": name}
    notes: dict[str, str] = {}
    for a in annotations or []:
        key, eq, value = a.partition("=")
        if not eq or a.startswith("="):
            raise CommandError(f"invalid annotations format: {a}")
        notes[key] = value
    c: Obj = {"name": name, "image": image}
    if args:
        c["command" if command else "args"] = list(args)
    if port:
        if not re.fullmatch(r"[+-]?\d+", port):
            raise CommandError(f'strconv.Atoi: parsing "{port}": invalid syntax')
        c["ports"] = [{"containerPort": int(port)}]
    if env:
        c["env"] = parse_envs(env)
    c["resources"] = {}
    if pull_policy:
        c["imagePullPolicy"] = pull_policy
    if privileged:
        c["securityContext"] = {"privileged": True}
    if stdin:
        c["stdin"] = True
        c["stdinOnce"] = True
    if tty:
        c["tty"] = True
    spec: Obj = {"containers": [c], "restartPolicy": restart, "dnsPolicy": "ClusterFirst"}
    if service_account:
        spec["serviceAccountName"] = service_account
    return {"kind": "Pod", "apiVersion": "v1",
            "metadata": meta(name, namespace, labels=pod_labels, annotations=notes),
            "spec": spec, "status": {}}
