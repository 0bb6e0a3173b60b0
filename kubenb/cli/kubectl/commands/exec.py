"""`kubectl exec POD|TYPE/NAME [-c C] [-i] [-t] -- COMMAND [ARGS…]`.

Runs the command through `client.exec` and prints its output; a non-zero exit status
becomes kubectl's `command terminated with exit code N` on stderr and the exit code of
the command line. A notebook cell has no terminal, so `-it` prints kubectl's own
`Unable to use a TTY …` line and runs without one.
"""

from __future__ import annotations

from kubenb.api.errors import BadRequest, InternalError
from kubenb.cli.kubectl.app import Command, CommandError, Ctx
from kubenb.cli.kubectl.commands.logs import default_container, pods_for
from kubenb.cli.kubectl.flags import Flag

NO_TTY = "Unable to use a TTY - input is not a terminal or the right kind of file"


def run(ctx: Ctx, args: list[str]) -> int:
    assert ctx.flags is not None
    dash = ctx.flags.dash_args
    positional = args[: len(args) - len(dash)] if dash else args
    if not dash and len(positional) > 1:
        raise CommandError("exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] "
                           "instead\nSee 'kubectl exec -h' for help and examples")
    if not positional and not ctx.flag("filename"):
        raise CommandError("pod, type/name or --filename must be specified")
    if not dash:
        raise CommandError("you must specify at least one command for the container")
    pod = pods_for(ctx, positional[0], notice=False)
    phase = (pod.get("status") or {}).get("phase")
    if phase in ("Succeeded", "Failed"):
        raise CommandError(f"cannot exec into a container in a completed pod; current phase is {phase}")
    container = ctx.flag("container") or default_container(ctx, pod, ctx.flag("quiet"))
    if ctx.flag("stdin") and ctx.flag("tty") and not ctx.flag("quiet"):
        ctx.err.write(NO_TTY + "\n")
    meta = pod["metadata"]
    try:
        code, output = ctx.client.exec(meta.get("namespace") or ctx.namespace, meta["name"], container,
                                       list(dash))
    except (BadRequest, InternalError) as err:
        if isinstance(err, InternalError) or err.message.startswith("unable to upgrade connection"):
            raise CommandError(err.message) from None  # a stream error, not an API Status
        raise
    ctx.out.write(output)
    if code != 0:
        ctx.err.write(f"command terminated with exit code {code}\n")
    return code


FLAGS = (
    Flag("container", "string", short="c"),
    Flag("stdin", "bool", short="i"),
    Flag("tty", "bool", short="t"),
    Flag("quiet", "bool", short="q"),
    Flag("filename", "stringArray", short="f"),
    Flag("pod-running-timeout", "string", "1m0s"),
)

COMMAND = Command("exec", "Execute a command in a container", run, FLAGS, takes_dash_args=True)
