"""The container runtimes a node can drive, by driver name: one declared table.

`RUNTIMES` names each runtime's module and class; `runtime_class(name)` imports it on first
use (the docker runtime needs the Docker SDK, an optional dependency, and nobody pays for
the process runtime's imports in a sim cluster). `check_engine(name)` asks the engine a
runtime stands on before a cluster is built (the Docker engine's version; "" for runtimes
that need none). The protocol every runtime implements is `base.Runtime`.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from kubenb.node.runtime import docker_engine
from kubenb.node.runtime.base import Runtime


@dataclass(frozen=True)
class RuntimeEntry:
    module: str
    cls: str


RUNTIMES: dict[str, RuntimeEntry] = {
    "sim": RuntimeEntry("kubenb.node.runtime.sim", "SimRuntime"),
    "process": RuntimeEntry("kubenb.node.runtime.process", "ProcessRuntime"),
    "docker": RuntimeEntry("kubenb.node.runtime.docker", "DockerRuntime"),
}


class UnknownRuntime(ValueError):
    """No runtime of that name (a driver kubenb does not have)."""


class RuntimeUnavailable(Exception):
    """The runtime's module is not part of this installation."""


def runtime_class(name: str) -> type[Runtime]:
    """The runtime class of a driver name; raises UnknownRuntime or RuntimeUnavailable."""
    try:
        entry = RUNTIMES[name]
    except KeyError:
        raise UnknownRuntime(f"unknown runtime {name!r}") from None
    try:
        module = importlib.import_module(entry.module)
    except ModuleNotFoundError as err:
        if err.name != entry.module:
            raise
        raise RuntimeUnavailable(name) from None
    cls: type[Runtime] = getattr(module, entry.cls)  # a misspelt table entry fails loudly
    return cls


def check_engine(name: str) -> str:
    """The version of the engine the runtime drives ("" when it needs none); raises the
    engine's own error (`docker_engine.EngineUnavailable`) when it does not answer."""
    runtime_class(name)
    if name == "docker":
        return docker_engine.check_engine()
    return ""
