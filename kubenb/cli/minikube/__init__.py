"""minikube for kubenb: profiles (one in-process cluster each), their kubeconfig, the commands.

`commands.minikube(argv, out, err, profiles)` runs a command line; `profiles.Profiles` is the
registry the magics keep and hand to kubectl (`current_client()`, `kubeconfig`).
"""

from kubenb.cli.minikube.commands import minikube
from kubenb.cli.minikube.profiles import Profiles

__all__ = ["Profiles", "minikube"]
