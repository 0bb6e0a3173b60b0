"""Jobs and CronJobs through real kubectl 1.32: its describe text (computed client-side from
the objects and events our server returns) is the expected text for kubenb's own, and its
`create job|cronjob --dry-run=client` objects are the expected objects of our builders. Its
typed creates (job, cronjob, poddisruptionbudget) send protobuf, which the server decodes.

Goldens keep the recorded text with placeholders for what changes from run to run (times,
uids, durations, pod-name suffixes); the live comparison with real kubectl is exact.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from .conftest import KUBECTL_132, Served
from .test_kubectl_daemons import ours, real, words

pytestmark = pytest.mark.skipif(not __import__("shutil").which(KUBECTL_132), reason="needs kubectl 1.32")


def job_yaml(name: str, command: str, **spec: Any) -> str:
    extra = "".join(f"  {k}: {json.dumps(v)}\n" for k, v in spec.items())
    return f"""apiVersion: batch/v1
kind: Job
metadata:
  name: {name}
spec:
{extra}  template:
    spec:
      restartPolicy: Never
      containers:
      - name: main
        image: busybox
        command: ["sh", "-c", {json.dumps(command)}]
"""


CRONJOB = """apiVersion: batch/v1
kind: CronJob
metadata:
  name: tick
spec:
  schedule: "*/1 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
          - name: main
            image: busybox
            command: ["sh", "-c", "exit 0"]
"""

_PLACEHOLDERS = (
    (re.compile(r"\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d [+-]\d{4}"), "<TIME>"),
    (re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), "<UID>"),
    (re.compile(r"^(Duration:\s+)\S+$", re.M), r"\1<DURATION>"),
    (re.compile(r"\b(tick-)\d{8}\b"), r"\1<MINUTES>"),
    (re.compile(r"\b((?:done|fails|idx-\d)-)[a-z0-9]{5}\b"), r"\1<POD>"),
)


_AGE = re.compile(r"^(\d+[smhd])+$")


def placeholders(text: str) -> str:
    """The recorded text with what differs between runs named instead; event rows keep
    their words only (their column widths follow the ages)."""
    for pattern, replacement in _PLACEHOLDERS:
        text = pattern.sub(replacement, text)
    head, sep, events = text.partition("\nEvents:")
    rows = ["  " + " ".join("<AGE>" if _AGE.match(w) else w for w in line.split())
            for line in events.splitlines()[1:]]
    return head + sep + events.splitlines()[0] + "".join("\n" + r for r in rows) + "\n" if sep else head


def condition(served: Served, kind: str, name: str, ctype: str) -> bool:
    obj = served.store.try_get(kind, "default", name)
    return obj is not None and any(c["type"] == ctype and c["status"] == "True"
                                   for c in (obj.get("status") or {}).get("conditions") or [])


def same_describe(served: Served, golden: Any, kind: str, name: str) -> None:
    """kubenb's describe equals kubectl 1.32's: exactly without events, word for word
    (ages aside) with them; the recorded text is kept as a golden."""
    described = real(served, "describe", kind, name, "--show-events=false")
    assert ours(served, "describe", kind, name, "--show-events=false") == described
    with_events = real(served, "describe", kind, name)
    assert words(ours(served, "describe", kind, name)) == words(with_events)
    golden(f"describe_{kind}_{name}_132", placeholders(with_events))


def test_describe_jobs_with_real_kubectl(served: Served, golden: Any) -> None:
    for name, command, spec in (("done", "exit 0", {}),
                                ("fails", "exit 1", {"backoffLimit": 0}),
                                ("idx", "exit 0", {"completions": 3, "parallelism": 2,
                                                   "completionMode": "Indexed"})):
        assert real(served, "apply", "-f", "-", stdin=job_yaml(name, command, **spec)) == (
            f"job.batch/{name} created\n")
    served.cluster.wait_for(lambda: condition(served, "Job", "done", "Complete")
                            and condition(served, "Job", "idx", "Complete")
                            and condition(served, "Job", "fails", "Failed"), timeout=120)
    for name in ("done", "fails", "idx"):
        same_describe(served, golden, "job", name)
    assert "BackoffLimitExceeded  " in ours(served, "describe", "job", "fails")
    assert "Completed Indexes:  0-2\n" in ours(served, "describe", "job", "idx")
    real(served, "delete", "jobs", "done", "fails", "idx")


def test_describe_cronjob_with_active_and_past_jobs(served: Served, golden: Any) -> None:
    assert real(served, "apply", "-f", "-", stdin=CRONJOB) == "cronjob.batch/tick created\n"

    def saw(reason: str) -> bool:
        return any(e["reason"] == reason and e["involvedObject"]["name"] == "tick"
                   for e in served.store.list("Event", "default"))

    served.cluster.wait_for(lambda: saw("SawCompletedJob"), timeout=150)
    real(served, "patch", "cronjob", "tick", "--type=json", "-p",
         '[{"op":"replace","path":"/spec/jobTemplate/spec/template/spec/containers/0/command",'
         '"value":["sh","-c","sleep 3600"]}]')
    served.cluster.wait_for(lambda: bool((served.store.get("CronJob", "default", "tick").get("status") or {})
                                         .get("active")), timeout=150)
    real(served, "patch", "cronjob", "tick", "-p", '{"spec":{"suspend":true}}')
    text = ours(served, "describe", "cronjob", "tick")
    assert re.search(r"Active Jobs:\s+tick-\d+\n", text)
    assert "SawCompletedJob" in text and "SuccessfulCreate" in text
    same_describe(served, golden, "cronjob", "tick")
    real(served, "delete", "cronjob", "tick")


CREATE_CLIENT_SIDE = (
    ["create", "job", "j1", "--image=busybox", "--dry-run=client", "-o", "json", "--", "sh", "-c", "echo done"],
    ["create", "job", "j1", "-n", "default", "--image=busybox", "--dry-run=client", "-o", "yaml"],
    ["create", "cronjob", "c1", "--image=busybox", "--schedule=*/1 * * * *", "--dry-run=client", "-o", "json",
     "--", "date"],
    ["create", "cj", "c1", "--image=busybox", "--schedule=*/5 * * * *", "--restart=Never", "--dry-run=client",
     "-o", "yaml"],
    ["create", "job", "j1", "--dry-run=client"],
    ["create", "job", "j1", "--image=busybox", "--from=cronjob/x"],
    ["create", "job", "j1", "--from=cronjob/x", "--", "date"],
    ["create", "job", "j1", "--from=cronjob/nope"],
    ["create", "job", "j1", "--from=cronjobs"],
    ["create", "job"],
)


def test_create_job_and_cronjob_match_real_kubectl(served: Served) -> None:
    for args in CREATE_CLIENT_SIDE:
        run = served.kubectl(*args, binary=KUBECTL_132)
        assert ours(served, *args) == run.out + run.err, args
    # --from: kubectl reads the CronJob from our server; keys differ in order only in -o json
    real(served, "apply", "-f", "-", stdin=CRONJOB.replace("name: tick", "name: nightly").replace(
        '"*/1 * * * *"', '"0 3 * * *"').replace("    spec:\n      template", "    metadata:\n"
                                                  "      labels: {team: a}\n    spec:\n      template"))
    from_cj = ["create", "job", "by-hand", "--from=cronjob/nightly", "--dry-run=client", "-o", "yaml"]
    assert ours(served, *from_cj) == real(served, *from_cj)
    real(served, "create", "deployment", "web", "--image=nginx")
    assert ours(served, "create", "job", "j", "--from=deployment/web") == real(
        served, "create", "job", "j", "--from=deployment/web", rc=1) == "error: unknown object type *v1.Deployment\n"
    real(served, "delete", "deployment", "web")
    real(served, "delete", "cronjob", "nightly")


@pytest.mark.parametrize("binary", __import__("tests.server.conftest", fromlist=["KUBECTLS"]).KUBECTLS,
                         ids=lambda b: "1.37" if ".venv" in b else "1.32")
def test_real_kubectl_creates_jobs_and_cronjobs_in_protobuf(served: Served, binary: str) -> None:
    """kubectl's typed `create job|cronjob` sends protobuf: the server decodes batch/v1."""
    suffix = "137" if ".venv" in binary else "132"
    job, cj = f"pj-{suffix}", f"pc-{suffix}"
    made = served.kubectl("create", "job", job, "--image=busybox", "--", "sh", "-c", "echo hi",
                          binary=binary)
    assert (made.rc, made.out, made.err) == (0, f"job.batch/{job} created\n", "")
    stored = served.store.get("Job", "default", job)
    assert stored["spec"]["template"]["spec"]["containers"][0]["command"] == ["sh", "-c", "echo hi"]
    made = served.kubectl("create", "cronjob", cj, "--image=busybox", "--schedule=*/5 * * * *",
                          binary=binary)
    assert (made.rc, made.out) == (0, f"cronjob.batch/{cj} created\n"), made.err
    assert served.store.get("CronJob", "default", cj)["spec"]["schedule"] == "*/5 * * * *"


def test_real_kubectl_creates_a_pod_disruption_budget_in_protobuf(served: Served) -> None:
    """`create poddisruptionbudget` is typed (protobuf) too: the server decodes policy/v1."""
    made = served.kubectl("create", "poddisruptionbudget", "pdb-132", "--selector=app=web",
                          "--min-available=1", binary=KUBECTL_132)
    assert (made.rc, made.out, made.err) == (0, "poddisruptionbudget.policy/pdb-132 created\n", "")
    assert served.store.get("PodDisruptionBudget", "default", "pdb-132")["spec"] == {
        "minAvailable": 1, "selector": {"matchLabels": {"app": "web"}}}
