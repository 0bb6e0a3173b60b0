"""`kubectl config view|current-context|get-contexts|use-context` over kubenb's kubeconfig.

The kubeconfig is `--kubeconfig FILE` when given (read, and written back by use-context),
else the in-memory model the profile registry hands the command as `ctx.kubeconfig`
(minikube's entries for each profile), else an empty config. Output and errors follow
kubectl 1.32 (`DATA+OMITTED`/`REDACTED` in view, `-o json` in clientcmd's field order).
"""

from __future__ import annotations

import base64
import json
from typing import Any

from kubenb.cli.kubectl.app import Command, CommandError, Ctx
from kubenb.cli.kubectl.flags import Flag
from kubenb.cli.kubectl.output import parse_output
from kubenb.cli.kubectl.printers.formats import to_yaml
from kubenb.cli.kubectl.printers.tabwriter import get_tabbed
from kubenb.kubeconfig import ConfigError, KubeConfig

CONFIG_HELP = """\
Modify kubeconfig files using subcommands like "kubectl config set current-context my-context".

 The loading order follows these rules:

  1.  If the --kubeconfig flag is set, then only that file is loaded. The flag may only be set once and no merging takes place.
  2.  If $KUBECONFIG environment variable is set, then it is used as a list of paths (normal path delimiting rules for your system). These paths are merged. When a value is modified, it is modified in the file that defines the stanza. When a value is created, it is created in the first file that exists. If no files in the chain exist, then it creates the last file in the list.
  3.  Otherwise, ${HOME}/.kube/config is used and no merging takes place.

Available Commands:
  current-context   Display the current-context
  get-contexts      Describe one or many contexts
  use-context       Set the current-context in a kubeconfig file
  view              Display merged kubeconfig settings or a specified kubeconfig file

Usage:
  kubectl config SUBCOMMAND [options]

Use "kubectl config <command> --help" for more information about a given command.
Use "kubectl options" for a list of global command-line options (applies to all commands).
"""

USE_CONTEXT_HELP = """\
Set the current-context in a kubeconfig file.

Aliases:
use-context, use

Examples:
  # Use the context for the minikube cluster
  kubectl config use-context minikube

Usage:
  kubectl config use-context CONTEXT_NAME [options]

Use "kubectl options" for a list of global command-line options (applies to all commands).
"""


def kubeconfig(ctx: Ctx) -> KubeConfig:
    """The kubeconfig this command line reads: --kubeconfig, the profiles' model, or empty."""
    path = ctx.flag("kubeconfig")
    if path:
        try:
            return KubeConfig.load(path)
        except (OSError, ValueError) as err:
            raise CommandError(str(err)) from None
    return ctx.kubeconfig if isinstance(ctx.kubeconfig, KubeConfig) else KubeConfig()


def _flatten(doc: dict[str, Any]) -> None:
    """Embed the files a config names, as `--flatten` does."""
    pairs = (("clusters", "cluster", "certificate-authority"),
             ("users", "user", "client-certificate"), ("users", "user", "client-key"))
    for key_list, inner, field in pairs:
        for item in doc.get(key_list) or []:
            entry = item[inner]
            path = entry.pop(field, None)
            if path:
                try:
                    with open(path, "rb") as fh:
                        entry[f"{field}-data"] = base64.b64encode(fh.read()).decode()
                except OSError as err:
                    raise CommandError(f"open {path}: {err.strerror.lower()}") from None


def run_view(ctx: Ctx, args: list[str]) -> int:
    if args:
        raise CommandError(f"unexpected arguments: [{' '.join(args)}]\n"
                           "See 'kubectl config view -h' for help and examples")
    config = kubeconfig(ctx)
    try:
        doc = config.view(minify=ctx.flag("minify"), context=ctx.flag("context"),
                          raw=ctx.flag("raw") or ctx.flag("flatten"))
    except ConfigError as err:
        raise CommandError(str(err)) from None
    if ctx.flag("flatten"):
        _flatten(doc)
    output = ctx.flag("output") or "yaml"
    if output == "yaml":
        ctx.out.write(to_yaml(doc))
    elif output == "json":
        ctx.out.write(json.dumps(doc, indent=4, ensure_ascii=False) + "\n")
    else:
        spec = parse_output(output, ctx.flag("template"))
        if spec.kind in ("name", "wide", "custom-columns"):
            raise CommandError(f'unable to match a printer suitable for the output format "{output}", '
                               "allowed formats are: go-template,go-template-file,json,jsonpath,"
                               "jsonpath-as-json,jsonpath-file,template,templatefile,yaml")
        from kubenb.cli.kubectl import templates

        if spec.kind in ("jsonpath", "jsonpath-as-json"):
            ctx.out.write(templates.jsonpath(spec.template, doc,
                                             as_json=spec.kind == "jsonpath-as-json"))
        else:
            ctx.out.write(templates.go_template(spec.template, doc))
    return 0


def run_current_context(ctx: Ctx, args: list[str]) -> int:
    current = kubeconfig(ctx).current_context
    if not current:
        raise CommandError("current-context is not set")
    ctx.out.write(current + "\n")
    return 0


def run_get_contexts(ctx: Ctx, args: list[str]) -> int:
    output = ctx.flag("output")
    if output not in ("", "name"):
        raise CommandError(f"--output {output} is not available in kubectl config get-contexts; "
                           "resetting to default output format")
    config = kubeconfig(ctx)
    missing = [n for n in args if n not in config.contexts]
    names = sorted(n for n in (args or list(config.contexts)) if n in config.contexts)
    if output == "name":
        ctx.out.write("".join(f"{n}\n" for n in names))
    else:
        lines = [] if ctx.flag("no-headers") else ["CURRENT\tNAME\tCLUSTER\tAUTHINFO\tNAMESPACE"]
        for n in names:
            c = config.contexts[n]
            mark = "*" if n == config.current_context else " "
            lines.append("\t".join([mark, n, c.get("cluster", ""), c.get("user", ""),
                                    c.get("namespace", "")]))
        ctx.out.write(get_tabbed("".join(line + "\n" for line in lines)))
    if len(missing) == 1:
        raise CommandError(f"context {missing[0]} not found")
    if missing:  # an aggregate of several errors prints one per line, unprefixed
        ctx.err.write("".join(f"context {n} not found\n" for n in missing))
        return 1
    return 0


def run_use_context(ctx: Ctx, args: list[str]) -> int:
    if len(args) != 1:
        ctx.out.write(USE_CONTEXT_HELP)
        raise CommandError(f"Unexpected args: [{' '.join(args)}]")
    try:
        kubeconfig(ctx).use_context(args[0])
    except ConfigError as err:
        raise CommandError(str(err)) from None
    ctx.out.write(f'Switched to context "{args[0]}".\n')
    return 0


def run_config(ctx: Ctx, args: list[str]) -> int:
    """Bare `kubectl config` prints its help on stderr; both it and an unknown verb exit 1."""
    if args:
        ctx.err.write(f'error: unknown command "{args[0]}"\n'
                      "See 'kubectl config -h' for help and examples\n")
        return 1
    ctx.err.write(CONFIG_HELP)
    return 1


VIEW_FLAGS = (
    Flag("raw", "bool"), Flag("minify", "bool"), Flag("flatten", "bool"),
    Flag("merge", "string", "true"), Flag("output", "string", short="o"),
    Flag("template", "string"), Flag("allow-missing-template-keys", "bool", True),
    Flag("show-managed-fields", "bool"),
)

COMMAND = Command("config", "Modify kubeconfig files", run_config).add(
    Command("view", "Display merged kubeconfig settings or a specified kubeconfig file",
            run_view, VIEW_FLAGS),
    Command("current-context", "Display the current-context", run_current_context),
    Command("get-contexts", "Describe one or many contexts", run_get_contexts,
            (Flag("output", "string", short="o"), Flag("no-headers", "bool"))),
    Command("use-context", "Set the current-context in a kubeconfig file", run_use_context,
            aliases=("use",)),
)
