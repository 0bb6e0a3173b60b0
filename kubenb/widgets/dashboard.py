"""`%minikube dashboard`: the ClusterView of a profile instead of minikube's browser URL.

Real minikube enables the kubernetes-dashboard addon and opens a proxy URL in a browser;
in a notebook the live picture belongs in the cell, so the magic displays a ClusterView
of the profile (`-p/--profile`, default `minikube`). A missing or stopped profile gets
minikube's own lines (`🤷  Profile "x" not found …`) and exit code, like `minikube status`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TextIO

from kubenb.cli.kubectl.flags import Flag, UsageError, parse
from kubenb.cli.minikube.lifecycle import PROFILE, Quiet, running_profile
from kubenb.cli.minikube.output import Out, in_style_from_env

FLAGS = (PROFILE, Flag("url", "bool"), Flag("port", "int", 0))


def dashboard(argv: Sequence[str], out: TextIO, err: TextIO, *, profiles: Any = None,
              **options: Any) -> tuple[Any, int]:
    """(the ClusterView or None, exit code) for `minikube dashboard ARGS`."""
    from kubenb.cli import session
    from kubenb.cli.minikube.commands import minikube

    from .clusterview import ClusterView

    registry = profiles if profiles is not None else session.profiles()
    o = Out(out, err, in_style_from_env())
    try:
        f = parse(list(argv), FLAGS)
        if f.args:
            raise UsageError(f'unknown command "{f.args[0]}" for "minikube dashboard"')
        prof = running_profile(o, registry, f)
    except UsageError as e:
        err.write(f"Error: {e.message}\nSee 'minikube dashboard --help' for usage.\n")
        return None, 1
    except Quiet as q:
        return None, q.code
    name = prof.name

    def run(args: list[str], o_: TextIO, e_: TextIO) -> int:
        return minikube([*args, "-p", name], o_, e_, registry)

    view = ClusterView(prof.client(), cluster_name=name, minikube=run,
                       kubeconfig=registry.kubeconfig, profiles=registry, **options)
    return view, 0
