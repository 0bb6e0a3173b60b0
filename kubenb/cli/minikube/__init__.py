"""The minikube command line for kubenb.

`commands.minikube(argv, out, err, profiles)` runs a command line against a
`kubenb.profiles.Profiles` registry (the profiles of this process, which the magics keep and
hand to kubectl); the handlers parse, call the registry or a `Profile`, and print
minikube's lines.
"""

from kubenb.cli.minikube.commands import minikube

__all__ = ["minikube"]
