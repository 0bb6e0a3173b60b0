"""Acceptance: the Kubernetes Basics tutorial, typed into a real IPython shell, module by module.

Every command of modules 1-6 (docs/tutorials/kubernetes-basics, see
/work/shared/reference/bootcamp-tutorial.md) runs through `%minikube` / `%kubectl` exactly as a
learner types it, on one virtual-clock cluster (`%minikube start --seed=1`) that carries its
state from module to module. Each module's transcript (`$ command`, stdout, then stderr and the
exit code when there are any) is compared with tests/golden/tutorial_m<N>_*.txt; each step also
checks the few facts the tutorial promises (exit codes, the one-line messages, what the pods
do), so a golden accepted by mistake still cannot hide a broken step.

Where a learner would simply wait (pods starting, an image pull failing), the test drives the
cluster with `cluster.wait_for(...)` / `cluster.advance(...)` and writes a `# …` line into the
transcript; commands that watch (`rollout status`) drive the virtual cluster themselves.

The module tests share one cluster and run in file order; running one alone (`-k m5`) first
replays the earlier modules without comparing their transcripts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from IPython.core.interactiveshell import InteractiveShell

from kubenb.api.pods import is_pod_ready
from kubenb.cli import session
from kubenb.clock import VirtualClock
from kubenb.magics import Output, settings
from kubenb.profiles import Profiles

APP = "kubernetes-bootcamp"
V1 = "gcr.io/google-samples/kubernetes-bootcamp:v1"
V2 = "docker.io/jocatalin/kubernetes-bootcamp:v2"
V10 = "gcr.io/google-samples/kubernetes-bootcamp:v10"
NAMES = "'{{range .items}}{{.metadata.name}}{{\"\\n\"}}{{end}}'"


class Flow:
    """The learner: runs lines through the magics, keeps a transcript and the failed checks."""

    def __init__(self, shell: InteractiveShell) -> None:
        self.ip = shell
        self.capsys: Any = None
        self.lines: list[str] = []
        self.problems: list[str] = []
        self.done = 0  # modules already run

    # ---- the cluster behind the magics ---------------------------------------------------

    @property
    def cluster(self) -> Any:
        prof = session.profiles().current()
        assert prof is not None, "no minikube profile is running"
        return prof.cluster

    def pods(self, *, live_only: bool = True) -> list[dict[str, Any]]:
        pods = self.cluster.store.list("Pod", "default")
        if live_only:
            pods = [p for p in pods if not p["metadata"].get("deletionTimestamp")]
        return pods

    # ---- typing commands -----------------------------------------------------------------

    def _record(self, command: str, result: Any) -> tuple[str, str, int]:
        cap = self.capsys.readouterr()
        code = getattr(result, "exit_code", 0) if result is not None else 1
        self.lines.append(f"$ {command}\n")
        self.lines.append(cap.out)
        if cap.out and not cap.out.endswith("\n"):
            self.lines.append("\n")  # kubectl output without a final newline (go-template)
        if cap.err:
            self.lines.append("[stderr]\n" + cap.err + ("" if cap.err.endswith("\n") else "\n"))
        if code:
            self.lines.append(f"[exit {code}]\n")
        self.check("Traceback" not in cap.out + cap.err, f"{command}: a traceback was printed")
        return cap.out, cap.err, code

    def kubectl(self, line: str, *, rc: int = 0, out: str | None = None,
                has: tuple[str, ...] = (), err: str | None = None) -> str:
        self.capsys.readouterr()
        result = self.ip.run_line_magic("kubectl", line)
        got_out, got_err, code = self._record(f"kubectl {line}", result)
        self._expect(f"kubectl {line}", got_out, got_err, code, rc, out, has, err)
        if isinstance(result, Output):
            self.check(str(result) == got_out, f"kubectl {line}: returned text != printed text")
        return got_out

    def minikube(self, line: str, *, rc: int = 0, out: str | None = None,
                 has: tuple[str, ...] = ()) -> str:
        self.capsys.readouterr()
        result = self.ip.run_line_magic("minikube", line)
        got_out, got_err, code = self._record(f"minikube {line}", result)
        self._expect(f"minikube {line}", got_out, got_err, code, rc, out, has, None)
        return got_out

    def cell(self, source: str, *, has: tuple[str, ...] = ()) -> None:
        """A notebook cell (e.g. `POD_NAME = %kubectl …`); it must not raise."""
        self.capsys.readouterr()
        res = self.ip.run_cell(source)
        out, _, _ = self._record(source, Output("") if res.success else None)
        self.check(res.success, f"cell {source!r} raised {res.error_in_exec!r}")
        for text in has:
            self.check(text in out, f"cell {source!r}: {text!r} not printed")

    def _expect(self, cmd: str, out: str, err: str, code: int, rc: int, want_out: str | None,
                has: tuple[str, ...], want_err: str | None) -> None:
        self.check(code == rc, f"{cmd}: exit code {code}, want {rc} (stderr: {err.strip()!r})")
        if want_out is not None:
            self.check(out == want_out, f"{cmd}: stdout {_short(out)!r}, want {want_out!r}")
        for text in has:
            self.check(text in out, f"{cmd}: {text!r} not in stdout {_short(out)!r}")
        if want_err is not None:
            self.check(err == want_err, f"{cmd}: stderr {err!r}, want {want_err!r}")
        elif rc == 0:
            self.check(err == "", f"{cmd}: unexpected stderr {err!r}")

    def check(self, ok: bool, problem: str) -> None:
        if not ok:
            self.problems.append(problem)

    # ---- the learner waits -------------------------------------------------------------------

    def wait(self, what: str, predicate: Callable[[], bool], timeout: float = 300) -> None:
        self.lines.append(f"# (the learner waits until {what})\n")
        try:
            self.cluster.wait_for(predicate, timeout)
        except TimeoutError:
            self.problems.append(f"timed out waiting until {what}")

    def read(self, seconds: float) -> None:
        """The learner reads the page for a while: cluster time passes, AGE columns move."""
        self.lines.append(f"# ({seconds:g}s pass)\n")
        self.cluster.advance(seconds)

    def pods_ready(self, n: int, image: str | None = None) -> Callable[[], bool]:
        def ready() -> bool:
            pods = self.pods(live_only=False)
            good = [p for p in pods if is_pod_ready(p) and not p["metadata"].get("deletionTimestamp")
                    and (image is None or p["spec"]["containers"][0]["image"] == image)]
            return len(good) == n and len(pods) == n
        return ready

    # ---- helpers ---------------------------------------------------------------------------------

    def var(self, name: str) -> str:
        return str(self.ip.user_ns.get(name, "")).strip()

    def transcript(self) -> str:
        text = "".join(self.lines)
        self.lines = []
        return text

    def run_module(self, index: int) -> str:
        """Run module `index` of MODULES (the ones before it first, when it runs alone); its name."""
        while self.done < index:  # run alone: replay the modules before this one
            MODULES[self.done][1](self)
            self.done += 1
            self.transcript()
            self.problems = []
        name, module = MODULES[index]
        module(self)
        return name


def _short(text: str) -> str:
    return text if len(text) < 300 else text[:150] + " … " + text[-150:]


# ---- the modules -------------------------------------------------------------------------------


def m1_cluster(f: Flow) -> None:
    """Module 1: Using Minikube to create a cluster."""
    f.minikube("start --seed=1", has=(
        '🏄  Done! kubectl is now configured to use "minikube" cluster and "default" '
        "namespace by default\n",))
    f.minikube("status", out="minikube\ntype: Control Plane\nhost: Running\nkubelet: Running\n"
               "apiserver: Running\nkubeconfig: Configured\n\n")


def m2_deploy(f: Flow) -> None:
    """Module 2: Using kubectl to create a Deployment."""
    out = f.kubectl("version")
    f.check(out.startswith("Client Version: v1.") and "\nServer Version: v1." in out
            and "\nKustomize Version: v5." in out, "kubectl version: three version lines")
    out = f.kubectl("get nodes")
    f.check(out.splitlines()[0].split() == ["NAME", "STATUS", "ROLES", "AGE", "VERSION"],
            "get nodes: header")
    f.check("minikube   Ready    control-plane   " in out, "get nodes: the one Ready node")
    f.kubectl(f"create deployment {APP} --image={V1}",
              out="deployment.apps/kubernetes-bootcamp created\n")
    f.kubectl("get deployments", has=("NAME                  READY   UP-TO-DATE   AVAILABLE   AGE\n"
                                      "kubernetes-bootcamp   0/1 ",))
    f.wait("the pod is Ready", f.pods_ready(1))
    f.read(5)
    f.kubectl("get deployments", has=("kubernetes-bootcamp   1/1     1            1           ",))
    f.cell(f"POD_NAME = %kubectl get pods -o go-template --template {NAMES}")
    pod = f.var("POD_NAME")
    f.check(pod.startswith(f"{APP}-") and "\n" not in pod, f"POD_NAME is one pod name: {pod!r}")
    f.cell('print("Name of the Pod:", POD_NAME.strip())', has=(f"Name of the Pod: {pod}",))


def m3_explore(f: Flow) -> None:
    """Module 3: Viewing Pods and Nodes."""
    f.read(60)
    pod = f.var("POD_NAME")
    out = f.kubectl("get pods")
    f.check(f"{pod}   1/1     Running   0          " in out, "get pods: one Running pod")
    out = f.kubectl("describe pods")
    for line in (f"Name:             {pod}\n", "Node:             minikube/192.168.49.2\n",
                 "Labels:           app=kubernetes-bootcamp\n", "Status:           Running\n",
                 f"    Image:          {V1}\n", "    Port:           <none>\n"):
        f.check(line in out, f"describe pods: {line!r} missing")
    f.check(out.rstrip().endswith(f"Started container {APP}"), "describe pods: events end Started")
    f.cell(f"POD_NAME = %kubectl get pods -o go-template --template {NAMES}")
    f.check(f.var("POD_NAME") == pod, "POD_NAME unchanged")
    f.kubectl("describe pods $POD_NAME", has=(f"Name:             {pod}\n",))
    f.kubectl("logs $POD_NAME", has=("Kubernetes Bootcamp App Started At: 2025-01-06T10:00:0",
                                     f" | Running On:  {pod} \n\n"))
    out = f.kubectl("exec $POD_NAME -- env")
    for line in (f"HOSTNAME={pod}", "KUBERNETES_SERVICE_HOST=10.96.0.1", "NPM_CONFIG_LOGLEVEL=info",
                 "NODE_VERSION=6.3.1", "HOME=/root"):
        f.check(line in out.splitlines(), f"exec env: {line} missing")
    # `-ti` without a terminal: kubectl warns and runs bash with an empty stdin (it exits at once).
    f.kubectl("exec -ti $POD_NAME -- bash",
              err="Unable to use a TTY - input is not a terminal or the right kind of file\n")
    # What the learner types inside the container, run as single commands in a notebook.
    f.kubectl("exec $POD_NAME -- cat server.js", has=("www.listen(8080,function () {",))
    f.kubectl("exec $POD_NAME -- curl http://localhost:8080",
              out=f"Hello Kubernetes bootcamp! | Running on: {pod} | v=1\n")


def m4_expose(f: Flow) -> None:
    """Module 4: Using a Service to expose your app."""
    f.read(60)
    pod = f.var("POD_NAME")
    f.kubectl("get pods", has=(f"{pod}   1/1     Running   0          ",))
    out = f.kubectl("get services")
    f.check(out.splitlines()[1:] and out.splitlines()[1].split()[:5]
            == ["kubernetes", "ClusterIP", "10.96.0.1", "<none>", "443/TCP"]
            and len(out.splitlines()) == 2, "get services: only `kubernetes`")
    f.kubectl('expose deployment/kubernetes-bootcamp --type="NodePort" --port 8080',
              out="service/kubernetes-bootcamp exposed\n")
    f.read(2)  # the endpoints controller fills the Service's endpoints meanwhile
    out = f.kubectl("describe services/kubernetes-bootcamp")
    f.check(f"Endpoints:                {f.pods()[0]['status']['podIP']}:8080\n" in out,
            "describe services: the pod's endpoint")
    for line in ("Selector:                 app=kubernetes-bootcamp\n",
                 "Type:                     NodePort\n",
                 "Port:                     <unset>  8080/TCP\n",
                 "TargetPort:               8080/TCP\n"):
        f.check(line in out, f"describe services: {line!r} missing")
    f.cell("NODE_PORT = %kubectl get services/kubernetes-bootcamp "
           "-o go-template='{{(index .spec.ports 0).nodePort}}'")
    port = f.var("NODE_PORT")
    f.check(port.isdigit() and 30000 <= int(port) <= 32767, f"NODE_PORT {port!r} in 30000-32767")
    f.cell('print(f"NODE_PORT={NODE_PORT}")', has=(f"NODE_PORT={port}",))
    f.minikube("ip", out="192.168.49.2\n")
    out = f.kubectl("describe deployment")
    for line in ("Selector:               app=kubernetes-bootcamp\n",
                 "Replicas:               1 desired | 1 updated | 1 total | 1 available | 0 unavailable\n",
                 f"    Image:         {V1}\n"):
        f.check(line in out, f"describe deployment: {line!r} missing")
    f.kubectl("get pods -l app=kubernetes-bootcamp", has=(f"{pod}   1/1     Running",))
    f.kubectl("get services -l app=kubernetes-bootcamp",
              has=("kubernetes-bootcamp   NodePort   10.", f"   <none>        8080:{port}/TCP   "))
    f.cell(f"POD_NAME = %kubectl get pods -o go-template --template {NAMES}")
    f.kubectl("label pods $POD_NAME version=v1", out=f"pod/{pod} labeled\n")
    f.kubectl("describe pods $POD_NAME", has=("                  version=v1\n",))
    f.kubectl("get pods -l version=v1", has=(f"{pod}   1/1     Running",))
    f.kubectl("delete service -l app=kubernetes-bootcamp",
              out='service "kubernetes-bootcamp" deleted\n')
    out = f.kubectl("get services")
    f.check(len(out.splitlines()) == 2 and out.splitlines()[1].startswith("kubernetes   "),
            "get services after delete: only `kubernetes`")
    # The app still answers from inside its pod (the deployment was not touched).
    f.kubectl("exec -ti $POD_NAME -- curl http://localhost:8080",
              out=f"Hello Kubernetes bootcamp! | Running on: {pod} | v=1\n",
              err="Unable to use a TTY - input is not a terminal or the right kind of file\n")


def m5_scale(f: Flow) -> None:
    """Module 5: Running multiple instances of your app."""
    f.read(60)
    # The page's note: the section assumes a LoadBalancer Service (module 4 deleted the NodePort one).
    f.kubectl('expose deployment/kubernetes-bootcamp --type="LoadBalancer" --port 8080',
              out="service/kubernetes-bootcamp exposed\n")
    # minikube has no load balancer until `minikube tunnel`: the external IP stays pending.
    f.kubectl("get services", has=("kubernetes-bootcamp   LoadBalancer   10.",
                                   "   <pending>     8080:3"))
    f.kubectl("get deployments", has=("kubernetes-bootcamp   1/1     1            1           ",))
    out = f.kubectl("get rs")
    f.check(out.splitlines()[0].split() == ["NAME", "DESIRED", "CURRENT", "READY", "AGE"],
            "get rs: header")
    f.check(len(out.splitlines()) == 2 and out.splitlines()[1].split()[1:4] == ["1", "1", "1"],
            "get rs: one replica set 1 1 1")
    f.kubectl("scale deployments/kubernetes-bootcamp --replicas=4",
              out="deployment.apps/kubernetes-bootcamp scaled\n")
    f.wait("4 pods are Ready", f.pods_ready(4))
    f.read(5)
    f.kubectl("get deployments", has=("kubernetes-bootcamp   4/4     4            4           ",))
    out = f.kubectl("get pods -o wide")
    rows = out.splitlines()[1:]
    f.check(out.splitlines()[0].split() == ["NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP",
                                            "NODE", "NOMINATED", "NODE", "READINESS", "GATES"],
            "get pods -o wide: header")
    ips = {r.split()[5] for r in rows}
    f.check(len(rows) == 4 and all(" Running " in r and " minikube " in r for r in rows)
            and len(ips) == 4, "get pods -o wide: 4 Running pods with distinct IPs on minikube")
    out = f.kubectl("describe deployments/kubernetes-bootcamp", has=(
        "Replicas:               4 desired | 4 updated | 4 total | 4 available | 0 unavailable\n",
        "from 1 to 4"))
    out = f.kubectl("describe services/kubernetes-bootcamp", has=(
        "Type:                     LoadBalancer\n",))
    f.check(out.count(":8080,") == 2 and ":8080 + 1 more...\n" in out,
            "describe services: 3 of the 4 endpoints shown, `+ 1 more...`")
    f.cell("NODE_PORT = %kubectl get services/kubernetes-bootcamp "
           "-o go-template='{{(index .spec.ports 0).nodePort}}'")
    f.kubectl("scale deployments/kubernetes-bootcamp --replicas=2",
              out="deployment.apps/kubernetes-bootcamp scaled\n")
    f.wait("2 pods are Ready and 2 are terminating", lambda: len(f.pods()) == 2)
    f.kubectl("get deployments", has=("kubernetes-bootcamp   2/2     2            2           ",))
    out = f.kubectl("get pods -o wide")
    f.check(out.count(" Running ") == 2, "get pods -o wide after scale down: 2 Running")


def m6_update(f: Flow) -> None:
    """Module 6: Performing a rolling update."""
    f.wait("the scaled-down pods are gone", lambda: len(f.pods(live_only=False)) == 2)
    f.read(60)
    f.kubectl("get deployments", has=("kubernetes-bootcamp   2/2     2            2           ",))
    out = f.kubectl("get pods")
    f.check(out.count(" Running ") == 2, "get pods: 2 Running")
    out = f.kubectl("describe pods")
    f.check(out.count(f"    Image:          {V1}\n") == 2, "describe pods: both pods run v1")
    f.kubectl(f"set image deployments/kubernetes-bootcamp kubernetes-bootcamp={V2}",
              out="deployment.apps/kubernetes-bootcamp image updated\n")
    f.kubectl("get pods")
    f.kubectl("describe services/kubernetes-bootcamp", has=("Type:                     LoadBalancer\n",))
    f.kubectl('expose deployment/kubernetes-bootcamp --type="NodePort" --port 8080', rc=1,
              out="", err='Error from server (AlreadyExists): services "kubernetes-bootcamp" '
                          "already exists\n")
    f.kubectl("rollout status deployments/kubernetes-bootcamp",
              has=('deployment "kubernetes-bootcamp" successfully rolled out\n',))
    f.check(len(f.pods()) == 2 and all(is_pod_ready(p) for p in f.pods()),
            "after rollout status: 2 Ready pods (the old ones may still be terminating)")
    f.kubectl("get pods")
    f.wait("the old pods are gone", f.pods_ready(2, V2))
    # The page curls the NodePort from the host; in a notebook, ask one pod of the deployment
    # (asked earlier, kubectl would pick the longest-Ready pod: a terminating v1 one).
    f.kubectl("exec deployments/kubernetes-bootcamp -- curl http://localhost:8080",
              has=(" | v=2\n",))
    out = f.kubectl("describe pods")
    f.check(out.count(f"    Image:          {V2}\n") == 2, "describe pods: both pods run v2")
    f.kubectl(f"set image deployments/kubernetes-bootcamp kubernetes-bootcamp={V10}",
              out="deployment.apps/kubernetes-bootcamp image updated\n")

    def backing_off() -> bool:
        for p in f.pods():
            for cs in (p.get("status") or {}).get("containerStatuses") or []:
                if ((cs.get("state") or {}).get("waiting") or {}).get("reason") == "ImagePullBackOff":
                    return True
        return False

    f.wait("the new pod backs off pulling its image", backing_off)
    f.read(5)
    f.kubectl("get deployments", has=("kubernetes-bootcamp   2/2     1            2           ",))
    out = f.kubectl("get pods")
    f.check(out.count(" Running ") == 2 and out.count("   0/1     ImagePullBackOff   0 ") == 1,
            "get pods: 2 Running v2 pods and 1 in ImagePullBackOff")
    f.cell("AFFECTED_POD = %kubectl get pods --field-selector status.phase=Pending "
           f"-o go-template --template {NAMES}")
    affected = f.var("AFFECTED_POD")
    f.check(affected.startswith(f"{APP}-") and "\n" not in affected,
            f"AFFECTED_POD is one pod: {affected!r}")
    f.kubectl("describe pod $AFFECTED_POD", has=(
        f"    Image:          {V10}\n", "    State:          Waiting\n",
        "      Reason:       ImagePullBackOff\n", f'Failed to pull image "{V10}": ',
        "Error: ErrImagePull", f'Back-off pulling image "{V10}"', "Error: ImagePullBackOff"))
    f.kubectl("rollout undo deployments/kubernetes-bootcamp",
              out="deployment.apps/kubernetes-bootcamp rolled back\n")
    f.wait("the v10 pod is gone", f.pods_ready(2, V2))
    f.kubectl("get pods")
    out = f.kubectl("describe pods")
    f.check(out.count(f"    Image:          {V2}\n") == 2 and V10 not in out,
            "describe pods after undo: v2 only")
    f.kubectl("delete deployments/kubernetes-bootcamp services/kubernetes-bootcamp",
              out='deployment.apps "kubernetes-bootcamp" deleted\n'
                  'service "kubernetes-bootcamp" deleted\n')
    f.wait("the pods are gone", lambda: not f.pods(live_only=False))
    f.kubectl("get all", has=("service/kubernetes   ClusterIP   10.96.0.1",))
    f.minikube("delete", has=('🔥  Deleting "minikube" in sim ...',
                              '💀  Removed all traces of the "minikube" cluster.'))
    f.kubectl("get pods", rc=1, out="",
              err="The connection to the server localhost:8080 was refused - did you specify "
                  "the right host or port?\n")


MODULES: list[tuple[str, Callable[[Flow], None]]] = [
    ("m1_cluster", m1_cluster),
    ("m2_deploy", m2_deploy),
    ("m3_explore", m3_explore),
    ("m4_expose", m4_expose),
    ("m5_scale", m5_scale),
    ("m6_update", m6_update),
]


@pytest.fixture(scope="module")
def flow() -> Iterator[Flow]:
    old = session.reset(Profiles(clock_factory=VirtualClock, register_atexit=False))
    if old is not None:
        old.close()
    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "kubenb")
    settings.strict = False
    f = Flow(shell)
    yield f
    for name in ("POD_NAME", "NODE_PORT", "AFFECTED_POD"):
        shell.user_ns.pop(name, None)
    reg = session.reset(None)
    if reg is not None:
        reg.close()


@pytest.mark.parametrize("index", range(len(MODULES)), ids=[m[0] for m in MODULES])
def test_tutorial_module(index: int, flow: Flow, capsys: Any, golden: Any) -> None:
    flow.capsys = capsys
    name = flow.run_module(index)
    flow.done = index + 1
    problems, flow.problems = flow.problems, []
    golden(f"tutorial_{name}", flow.transcript())
    assert not problems, "\n".join(problems)
