"""Fuzzing `%kubectl` / `%%kubectl`: whatever a learner types, kubectl's words come back.

Hypothesis builds command lines from a vocabulary read off the live command tree (every
command and subcommand, the flags of each with right and wrong values, resource names,
short names and typos, object names that exist and don't, `-o` values, odd unicode, `--`,
empty words) and random or malformed YAML for `%%kubectl apply -f -` / `create -f -`. Each
runs through the magic in a real IPython shell against one shared virtual-clock cluster.

Properties, per run:
- the magic returns normally (no exception escapes it) and returns an `Output`;
- nothing printed contains "Traceback";
- when the exit code is non-zero and the line was a flag/parse error, or a command aimed at a
  single object, the store's resourceVersion did not move (a failed command writes nothing).

A few commands legitimately write before failing, exactly as kubectl does, and are left
out of the last property: `drain` cordons the node before it fails on unmanaged pods,
`delete … --timeout` deletes and then times out waiting, and commands that wait or watch
(`rollout status`, `wait`, `-w`, `logs -f`) run the virtual cluster, whose controllers and
kubelets write on their own.
"""

from __future__ import annotations

import contextlib
import io
import shlex
from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from IPython.core.interactiveshell import InteractiveShell

from kubenb.api.registry import REGISTRY
from kubenb.cli import session
from kubenb.cli.kubectl.app import GLOBAL_FLAGS, Command
from kubenb.cli.kubectl.commands import root
from kubenb.cli.kubectl.flags import Flag
from kubenb.clock import VirtualClock
from kubenb.magics import Output
from kubenb.magics import settings as magic_settings
from kubenb.profiles import Profiles

FUZZ = settings(max_examples=200, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])

# ---- the vocabulary ------------------------------------------------------------------------


def command_paths(cmd: Command, prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Command]]:
    found: list[tuple[tuple[str, ...], Command]] = []
    for name, sub in sorted(cmd.subcommands.items()):
        path = (*prefix, name)
        found.append((path, sub))
        found += command_paths(sub, path)
    return found


PATHS = command_paths(root())
FLAGS_OF = {path: tuple(sub.flags) + GLOBAL_FLAGS for path, sub in PATHS}
ALL_FLAGS = sorted({f.name for flags in FLAGS_OF.values() for f in flags})

RESOURCE_WORDS = sorted({w for rt in REGISTRY for w in (
    rt.plural, rt.singular, rt.kind, rt.qualified, *rt.short_names)} | {
    "all", "po,svc", "deploy,rs,po", "deploymnt", "pdos", "svc,", ",", "pods.", "pods.apps",
    "deployments.v1.apps", "Deployment", "DEPLOYMENT", "nodes", "ns", "events", "ev"})
NAMES = ["web", "kubernetes", "minikube", "default", "kube-system", "settings", "nope",
         "web-0", "Web", "a_b", "a" * 70, "-", "ñame", "名字", "😀", "x y", "..", "."]
OBJECT_REFS = [f"{r}/{n}" for r in ("deploy", "deployment", "pod", "svc", "node", "cm", "rs",
                                     "ns", "bogus") for n in ("web", "nope", "minikube", "")]
OUTPUTS = ["yaml", "json", "name", "wide", "jsonpath={.items[*].metadata.name}",
           "jsonpath={.metadata.name}", "jsonpath={", "jsonpath={.x[", "jsonpath=",
           "go-template={{.metadata.name}}", "go-template={{", "go-template={{range .items}}",
           "go-template", "custom-columns=NAME:.metadata.name", "custom-columns=",
           "custom-columns=BAD", "template={{.kind}}", "jsonpath-as-json={.kind}", "yml", "",
           "table", "jsonpath-file=/nonexistent", "go-template-file=/nonexistent"]
ODD = ["", " ", "--", "-", "---", "=", "-=", "--=", "-n", "-o", "\t", "\n", "'", '"', "\\",
       "$", "${x}", "é", "\u200b", "\x00", "名", "🙂", "-😀", "--😀", "k=v", "k-", "=v",
       "app=web", "c=nginx:1", "*", "%", "{{", "}}", "1", "-1", "0", "3.5", "1e9",
       "99999999999999999999", "true", "null"]
WRONG_VALUES = ["", "abc", "-1", "1.5", "99999999999999999999", "true", "=", "--", "😀",
                "1x", "10zz", "-5s"]


def right_values(flag: Flag) -> list[str]:
    return {
        "bool": ["true", "false"],
        "int": ["0", "1", "2", "4"],
        "duration": ["1s", "0s", "5s"],
        "strings": ["a", "a,b"],
        "stringArray": ["a", "-"],
    }.get(flag.type, ["web", "yaml", "default", "app=web", "x"])


def flag_words(flag: Flag, value: str | None, form: int) -> list[str]:
    """One flag in one of kubectl's spellings."""
    if value is None:
        return [f"--{flag.name}"] if form or not flag.short else [f"-{flag.short}"]
    if form == 0 and flag.short:
        return [f"-{flag.short}", value]
    if form == 1:
        return [f"--{flag.name}={value}"]
    return [f"--{flag.name}", value]


@st.composite
def flag_strategy(draw: Any, flags: tuple[Flag, ...], clean: bool = False) -> list[str]:
    flag = draw(st.sampled_from(flags))
    values = right_values(flag) + ([] if clean else WRONG_VALUES)
    if flag.name == "output":
        values = OUTPUTS[:6] if clean else OUTPUTS
    if clean:
        value = None if flag.type == "bool" else draw(st.sampled_from(values))
        return flag_words(flag, value, draw(st.integers(0, 2)))
    value = draw(st.one_of(st.none(), st.sampled_from(values)))
    return flag_words(flag, value, draw(st.integers(0, 2)))


def word_strategy() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(RESOURCE_WORDS), st.sampled_from(NAMES), st.sampled_from(OBJECT_REFS),
        st.sampled_from(ODD), st.sampled_from([f"--{n}" for n in ALL_FLAGS]),
        st.text(max_size=8),
    )


# The commands a learner types most, drawn more often than the rest of the tree.
COMMON = sorted({p[0] for p, _ in PATHS} & {
    "get", "describe", "delete", "scale", "label", "annotate", "expose", "logs", "exec", "patch",
    "rollout", "set", "create", "apply", "edit", "run", "wait"})


@st.composite
def common_path(draw: Any) -> tuple[str, ...]:
    top = draw(st.sampled_from(COMMON))
    return draw(st.sampled_from([p for p, _ in PATHS if p[0] == top]))


@st.composite
def plausible_words(draw: Any) -> list[str]:
    """`TYPE NAME`, `TYPE/NAME` or `TYPE`, mostly with things that exist."""
    resource = draw(st.sampled_from(["pods", "po", "deploy", "deployments", "svc", "cm", "rs",
                                     "nodes", "ns", "all", "po,svc", *RESOURCE_WORDS[:8]]))
    name = draw(st.sampled_from(["web", "kubernetes", "minikube", "settings", "default", "nope"]))
    form = draw(st.integers(0, 3))
    return [resource] if form == 0 else [f"{resource}/{name}"] if form == 1 else [resource, name]


@st.composite
def argv_strategy(draw: Any) -> list[str]:
    path = draw(st.one_of(common_path(), st.sampled_from([p for p, _ in PATHS])))
    flags = FLAGS_OF[path]
    argv = list(path)
    if draw(st.integers(0, 9)) == 0:  # a typo or a stray word in the command path
        argv[draw(st.integers(0, len(argv) - 1))] = draw(word_strategy())
    if draw(st.booleans()):
        argv += draw(plausible_words())
    if draw(st.integers(0, 2)) == 0:  # a line a learner could have meant: known words only
        for _ in range(draw(st.integers(0, 2))):
            argv += draw(flag_strategy(tuple(f for f in flags if f.name not in {
                "watch", "watch-only", "follow", "kubeconfig", "context", "filename", "v"}), True))
        return argv
    for _ in range(draw(st.integers(0, 4))):
        if draw(st.integers(0, 2)):
            argv += draw(flag_strategy(flags))
        else:
            argv.append(draw(word_strategy()))
    if draw(st.integers(0, 5)) == 0:
        argv += ["--", *draw(st.lists(st.sampled_from(["echo", "hi", "env", "-c", "x"]), max_size=3))]
    return argv


# ---- manifests ---------------------------------------------------------------------------------

KINDS = sorted({rt.kind for rt in REGISTRY}) + ["Bogus", "", "pod", "List"]
API_VERSIONS = sorted({rt.api_version for rt in REGISTRY}) + ["v2", "apps/v9", "", "bogus/v1"]
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-3, 70000), st.floats(allow_nan=False),
                    st.text(max_size=12), st.sampled_from(NAMES + ["nginx", "80", "TCP"]))
FIELDS = ["spec", "replicas", "selector", "matchLabels", "template", "metadata", "labels",
          "containers", "name", "image", "ports", "containerPort", "port", "targetPort",
          "type", "data", "app", "status", "items", "x"]
JSONISH = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.sampled_from(FIELDS), inner, max_size=4)),
    max_leaves=12,
)


@st.composite
def manifest_doc(draw: Any) -> Any:
    if draw(st.integers(0, 6)) == 0:
        return draw(JSONISH)
    meta: dict[str, Any] = {"name": draw(st.one_of(st.sampled_from(NAMES), SCALARS))}
    if draw(st.booleans()):
        meta["namespace"] = draw(st.sampled_from(["default", "kube-system", "nope", "", "X"]))
    if draw(st.booleans()):
        meta["labels"] = draw(st.dictionaries(st.sampled_from(["app", "a/b", "", "é"]), SCALARS,
                                              max_size=2))
    doc: dict[str, Any] = {
        "apiVersion": draw(st.one_of(st.sampled_from(API_VERSIONS), SCALARS)),
        "kind": draw(st.one_of(st.sampled_from(KINDS), SCALARS)),
        "metadata": meta if draw(st.integers(0, 8)) else draw(SCALARS),
    }
    for key in draw(st.lists(st.sampled_from(["spec", "data", "status", "items"]), max_size=2)):
        doc[key] = draw(JSONISH)
    if draw(st.integers(0, 9)) == 0:
        doc.pop(draw(st.sampled_from(sorted(doc))))
    return doc


@st.composite
def manifest_text(draw: Any) -> str:
    choice = draw(st.integers(0, 9))
    if choice == 0:
        return draw(st.text(max_size=60))
    if choice == 1:
        return draw(st.sampled_from(["", "---", "- a\n- b", "a: [", "{", "kind: Pod\n\tx: 1",
                                     "!!python/object:os.system x", "&a [*a]", "--- |\n x",
                                     "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n"
                                     "spec:\n  containers: null\n", "\x00", "\ufeffkind: Pod"]))
    docs = [yaml.safe_dump(d, allow_unicode=True) for d in draw(st.lists(manifest_doc(), min_size=1, max_size=3))]
    text = "---\n".join(docs)
    if draw(st.integers(0, 5)) == 0:  # cut it anywhere
        text = text[: draw(st.integers(0, len(text)))]
    return text


# ---- the cluster -----------------------------------------------------------------------------------

SEED_OBJECTS = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx}]
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports: [{port: 80}]
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data: {mode: demo}
"""


@pytest.fixture(scope="module")
def shell() -> Iterator[InteractiveShell]:
    old = session.reset(Profiles(clock_factory=VirtualClock, register_atexit=False))
    if old is not None:
        old.close()
    ip = InteractiveShell.instance()
    ip.run_line_magic("load_ext", "kubenb")
    magic_settings.strict = False
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        ip.run_line_magic("minikube", "start --seed=1")
        result = ip.run_cell_magic("kubectl", "apply -f -", SEED_OBJECTS)
    assert result.exit_code == 0
    cluster().wait_for(lambda: len([p for p in cluster().store.list("Pod", "default")
                                    if p.get("status", {}).get("phase") == "Running"]) == 2, 120)
    yield ip
    reg = session.reset(None)
    if reg is not None:
        reg.close()


def cluster() -> Any:
    prof = session.profiles().current()
    assert prof is not None
    return prof.cluster


def run_magic(ip: InteractiveShell, line: str, cell: str | None = None) -> tuple[Output, str, str, str, str]:
    """Run one magic; returns (result, stdout, stderr, rv before, rv after)."""
    c = cluster()
    c.advance(0.5)  # let the cluster settle, so only the command itself can write
    before = c.store.resource_version
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        if cell is None:
            result = ip.run_line_magic("kubectl", line)
        else:
            result = ip.run_cell_magic("kubectl", line, cell)
    return result, out.getvalue(), err.getvalue(), before, c.store.resource_version


# ---- classifying a command line -------------------------------------------------------------------

SELECTING = {"-l", "--selector", "--all", "-A", "--all-namespaces", "-f", "--filename",
             "--field-selector", "-R", "--recursive", "-k", "--kustomize"}
DRIVES_CLUSTER = {("rollout", "status"), ("wait",), ("drain",)}
WATCHING = {"-w", "--watch", "--watch-only", "-f", "--follow"}


def split_args(argv: list[str]) -> tuple[tuple[str, ...], list[str], list[str]]:
    """(command path, positional words, flag words) the way the command tree reads them."""
    path: tuple[str, ...] = ()
    words = list(argv)
    while words and (*path, words[0]) in FLAGS_OF:
        path = (*path, words.pop(0))
    flags = {f"--{f.name}": f for f in FLAGS_OF.get(path, GLOBAL_FLAGS)}
    flags |= {f"-{f.short}": f for f in FLAGS_OF.get(path, GLOBAL_FLAGS) if f.short}
    positional: list[str] = []
    flag_words: list[str] = []
    i = 0
    while i < len(words):
        w = words[i]
        if w == "--":
            break
        if w.startswith("-") and len(w) > 1:
            flag_words.append(w.split("=", 1)[0])
            f = flags.get(w)
            if f is not None and f.type != "bool" and "=" not in w:
                i += 1
        else:
            positional.append(w)
        i += 1
    return path, positional, flag_words


def single_target(argv: list[str]) -> bool:
    path, positional, flag_words = split_args(argv)
    if not path or any(f in SELECTING for f in flag_words):
        return False
    names = [p for p in positional if "=" not in p and not p.endswith("-")]
    if any(n == "all" or n.startswith("all/") for n in names):
        return False  # a category: several kinds at once
    if len(names) == 1:
        return "," not in names[0] and ("/" in names[0] or path[0] == "create")
    return len(names) == 2 and "/" not in names[0] + names[1] and "," not in names[0]


def may_write_then_fail(argv: list[str], err: str) -> bool:
    path, _, flag_words = split_args(argv)
    if path[:2] in DRIVES_CLUSTER or path[:1] in DRIVES_CLUSTER:
        return True
    if any(f in WATCHING for f in flag_words) and path[:1] in {("get",), ("logs",)}:
        return True
    return "timed out waiting" in err


def check_run(argv_or_line: str, result: Any, out: str, err: str) -> None:
    assert isinstance(result, Output), f"{argv_or_line!r}: the magic returned {result!r}"
    assert "Traceback" not in out + err, f"{argv_or_line!r} printed a traceback:\n{out}{err}"


# ---- the properties ---------------------------------------------------------------------------------


@FUZZ
@given(argv=argv_strategy())
def test_random_command_lines(shell: InteractiveShell, argv: list[str]) -> None:
    line = " ".join(shlex.quote(w) for w in argv)
    result, out, err, before, after = run_magic(shell, line)
    check_run(line, result, out, err)
    if result.exit_code == 0 or may_write_then_fail(argv, err):
        return
    if err.startswith("Error: ") or single_target(argv):
        assert after == before, (f"kubectl {line} failed (exit {result.exit_code}) but wrote "
                                 f"(resourceVersion {before} -> {after}):\n{err}")


@FUZZ
@given(line=st.one_of(
    st.text(max_size=40),
    st.lists(st.sampled_from(["get", "pods", "'", '"', "\\", "$", "$X", "${", "}", "`", "|",
                              ";", "&&", "#", "-o", "name", " ", "\\\n", "'a b'", '"$POD"']),
             max_size=8).map("".join),
))
def test_raw_lines(shell: InteractiveShell, line: str) -> None:
    """Unbalanced quotes, `$`, backslashes: the line splitter answers in words, not tracebacks."""
    result, out, err, before, after = run_magic(shell, line)
    if result is None:  # the splitter refused the line and said why
        assert err.startswith("error: ") and "Traceback" not in err, err
        assert after == before
        return
    check_run(line, result, out, err)


@FUZZ
@given(text=manifest_text(), verb=st.sampled_from(["apply -f -", "create -f -",
                                                   "apply --dry-run=server -f -",
                                                   "create --dry-run=client -o yaml -f -"]))
def test_random_manifests(shell: InteractiveShell, text: str, verb: str) -> None:
    text = text or "\n"  # IPython itself refuses a cell magic with an empty body
    result, out, err, before, after = run_magic(shell, verb, text)
    check_run(f"%%kubectl {verb}\n{text}", result, out, err)
    docs = [d for d in text.split("\n---") if d.strip()]
    if result.exit_code != 0 and len(docs) <= 1:
        assert after == before, (f"%%kubectl {verb} failed but wrote "
                                 f"(resourceVersion {before} -> {after}):\n{text}\n{err}")
