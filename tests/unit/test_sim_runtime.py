"""The sim runtime and the container programs it runs (stages.py)."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

import pytest

from kubenb.node.images import CATALOG, Behaviour
from kubenb.node.runtime.base import ContainerConfig, ExecError, ImagePullError
from kubenb.node.runtime.sim import SimRuntime
from kubenb.node.stages import Shell, Unsupported, handles_sigterm, parse, program_for


def _pod(uid: str, name: str = "p", annotations: dict[str, str] | None = None) -> dict:
    return {"metadata": {"uid": uid, "name": name, "namespace": "default",
                         "annotations": annotations or {}}}


@pytest.fixture
def rt(ctx):
    return SimRuntime(ctx, "node", pod_cidr="10.244.0.0/24")


def go(clock, coro):
    return clock.loop.run_until_complete(coro)


async def _container(rt, uid, image, command=(), args=(), annotations=None):
    await rt.run_sandbox(_pod(uid, annotations=annotations))
    info = await rt.pull_image(image)
    cid = await rt.create_container(_pod(uid, annotations=annotations), {"name": "c"},
                                    ContainerConfig("c", info, tuple(command), tuple(args),
                                                    hostname="p"))
    await rt.start_container(cid)
    return cid


def test_pull_takes_image_pull_time_and_reports_errors(rt, clock):
    info = go(clock, rt.pull_image("nginx"))
    assert clock.t == pytest.approx(0.3) and info.ref == "docker.io/library/nginx:latest"
    assert go(clock, rt.image_status("docker.io/library/nginx")) == info
    with pytest.raises(ImagePullError) as err:
        go(clock, rt.pull_image("nginx:nope"))
    assert err.value.message == (
        'rpc error: code = NotFound desc = failed to pull and unpack image '
        '"docker.io/library/nginx:nope": failed to resolve reference '
        '"docker.io/library/nginx:nope": docker.io/library/nginx:nope: not found')
    with pytest.raises(ImagePullError, match="pull access denied, repository does not exist"):
        go(clock, rt.pull_image("nosuch/thing:1"))


def test_concurrent_pulls_share_one(rt, clock):
    async def both():
        return await asyncio.gather(rt.pull_image("busybox"), rt.pull_image("busybox:latest"))
    a, b = go(clock, both())
    assert a == b and clock.t == pytest.approx(0.3)


def test_ips_start_at_2_and_are_reused(rt, clock):
    ips = [go(clock, rt.run_sandbox(_pod(f"u{i}"))) for i in range(3)]
    assert ips == ["10.244.0.2", "10.244.0.3", "10.244.0.4"]
    go(clock, rt.stop_sandbox("u1"))
    assert go(clock, rt.run_sandbox(_pod("u9"))) == "10.244.0.3"
    assert go(clock, rt.run_sandbox(_pod("u0"))) == "10.244.0.2"  # still ready: same IP


@pytest.mark.parametrize(("command", "code", "reason"), [
    (["sh", "-c", "exit 3"], 3, "Error"),
    (["sh", "-c", "echo hi && exit 0"], 0, "Completed"),
    (["false"], 1, "Error"),
    (["true"], 0, "Completed"),
    (["sleep", "5"], 0, "Completed"),
])
def test_short_programs_exit(rt, clock, command, code, reason):
    cid = go(clock, _container(rt, "u", "busybox", command))
    st = go(clock, rt.wait_container(cid))
    assert (st.state, st.exit_code, st.reason) == ("exited", code, reason)
    assert st.finished_at > st.started_at


def test_servers_run_until_stopped_and_sigterm_handling(rt, clock):
    nginx = go(clock, _container(rt, "a", "nginx"))
    boot = go(clock, _container(rt, "b", "gcr.io/google-samples/kubernetes-bootcamp:v1"))
    go(clock, asyncio.sleep(100))
    assert go(clock, rt.container_status(nginx)).state == "running"
    t0 = clock.t
    go(clock, rt.stop_container(nginx, 30))
    assert clock.t == t0 and go(clock, rt.container_status(nginx)).exit_code == 0
    go(clock, rt.stop_container(boot, 30))  # ignores SIGTERM: killed at the end of the grace
    st = go(clock, rt.container_status(boot))
    assert clock.t - t0 == pytest.approx(30) and (st.exit_code, st.reason) == (137, "Error")


def test_commands_are_pid_1_sigterm_needs_a_handler(rt, clock):
    """As a container's PID 1, a command without a SIGTERM handler ignores SIGTERM (SIGKILL at
    the end of the grace, 137); one with a `trap … TERM` ends on it (143)."""
    plain = go(clock, _container(rt, "a", "busybox", ["sh", "-c", "while true; do sleep 1; done"]))
    traps = go(clock, _container(rt, "b", "busybox", ["sh", "-c", "trap 'exit' TERM; sleep 3600"]))
    t0 = clock.t
    go(clock, rt.stop_container(traps, 30))
    assert clock.t == t0 and go(clock, rt.container_status(traps)).exit_code == 143
    go(clock, rt.stop_container(plain, 30))
    st = go(clock, rt.container_status(plain))
    assert clock.t - t0 == pytest.approx(30) and (st.exit_code, st.reason) == (137, "Error")


@pytest.mark.parametrize(("argv", "handles"), [
    (("sh", "-c", "trap 'echo bye; exit 0' TERM; while true; do sleep 1; done"), True),
    (("sh", "-c", 'trap "exit 0" INT SIGTERM; x'), True),
    (("sh", "-c", "trap cleanup 15; x"), True),
    (("sh", "-c", "trap '' TERM; while true; do sleep 1; done"), False),  # ignored explicitly
    (("sh", "-c", "trap - TERM; x"), False),
    (("sh", "-c", "trap 'exit' INT; x"), False),
    (("sleep", "3600"), False),
    (("python3", "-c", "import signal; signal.signal(signal.SIGTERM, lambda *a: exit())"), True),
])
def test_handles_sigterm(argv, handles):
    assert handles_sigterm(argv) is handles


def test_annotations_steer_exit_and_readiness(rt, clock):
    cid = go(clock, _container(rt, "a", "nginx", annotations={
        "sim.kubenb.io/exit-code": "4", "sim.kubenb.io/run-seconds": "10",
        "sim.kubenb.io/not-ready.c": "true"}))
    assert go(clock, rt.container_status(cid)).unhealthy
    st = go(clock, rt.wait_container(cid))
    assert st.exit_code == 4 and (st.finished_at - st.started_at).total_seconds() == pytest.approx(10)


def test_logs_follow_the_clock(rt, clock):
    cid = go(clock, _container(rt, "a", "busybox", ["sh", "-c", "while true; do echo tick; sleep 10; done"]))
    go(clock, asyncio.sleep(25))
    assert go(clock, rt.logs(cid)) == "tick\ntick\ntick\n"
    assert go(clock, rt.logs(cid, tail=1)) == "tick\n"
    stamped = go(clock, rt.logs(cid, timestamps=True)).splitlines()[1]
    assert stamped.endswith("000Z tick") and stamped.startswith("2025-01-06T10:00:10.")
    assert go(clock, rt.container_status(cid)).state == "running"


def test_exec(rt, clock):
    cid = go(clock, _container(rt, "a", "gcr.io/google-samples/kubernetes-bootcamp:v1"))
    assert go(clock, rt.exec(cid, ["hostname"])) == (0, "p\n")
    assert go(clock, rt.exec(cid, ["sh", "-c", "echo $HOSTNAME; exit 5"])) == (5, "p\n")
    code, out = go(clock, rt.exec(cid, ["cat", "server.js"]))
    assert code == 0 and "www.listen(8080" in out
    assert go(clock, rt.exec(cid, ["curl", "http://localhost:8080"])) == (
        0, "Hello Kubernetes bootcamp! | Running on: p | v=1\n")
    assert go(clock, rt.exec(cid, ["curl", "localhost:81"]))[0] == 7
    assert go(clock, rt.exec(cid, ["sh", "-c", "nosuch"])) == (127, "sh: nosuch: not found\n")
    with pytest.raises(ExecError, match='exec: "nosuch": executable file not found in \\$PATH'):
        go(clock, rt.exec(cid, ["nosuch"]))
    bb = go(clock, _container(rt, "b", "busybox", ["sleep", "3600"]))
    with pytest.raises(ExecError):
        go(clock, rt.exec(bb, ["bash"]))


def test_kill_all(rt, clock):
    cid = go(clock, _container(rt, "a", "nginx"))
    go(clock, rt.kill_all())
    st = go(clock, rt.container_status(cid))
    assert (st.state, st.exit_code, st.reason) == ("exited", 255, "Unknown")
    assert not go(clock, rt.sandbox_status("a")).ready
    assert go(clock, rt.run_sandbox(_pod("z"))) == "10.244.0.2"


@pytest.mark.parametrize(("script", "ok"), [
    ("echo a; echo b", True), ("while true; do sleep 1; done", True), ("a && b || c", True),
    ("echo a | cat", False), ("if true; then echo; fi", False), ("while true; do echo", False),
])
def test_parse(script, ok):
    if ok:
        parse(script)
    else:
        with pytest.raises(Unsupported):
            parse(script)


@pytest.mark.parametrize(("command", "args", "ends"), [
    ((), (), None),  # the image's server
    (("nginx", "-g", "daemon off;"), (), None),
    (("/my/app",), (), None),  # a program sim cannot read runs until stopped
    (("sh", "-c", "exit 9"), (), (0.0, 9)),
])
def test_program_for_server_image(command, args, ends):
    nginx = CATALOG.resolve("nginx").behaviour
    prog = program_for(nginx, command, args, {}, "c")
    shell = Shell(nginx, {}, datetime(2025, 1, 6, tzinfo=timezone.utc))
    assert prog.end(shell, 0.0) == ends


def test_shell_image_without_command_exits_at_once():
    prog = program_for(CATALOG.resolve("busybox").behaviour, (), (), {}, "c")
    assert prog.end(Shell(Behaviour(), {}, datetime(2025, 1, 6, tzinfo=timezone.utc)), 0.1) == (0.1, 0)
