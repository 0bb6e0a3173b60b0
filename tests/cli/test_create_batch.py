"""`kubectl create job|cronjob` on a virtual cluster: the objects written, and kubectl 1.32's
messages (the same texts are checked against real kubectl in tests/server/test_kubectl_batch.py)."""

from __future__ import annotations

from typing import Any


def test_create_job_with_image_and_command_runs_it(kube: Any) -> None:
    assert kube("create job hello --image=busybox -- sh -c 'echo done'").text == "job.batch/hello created\n"
    job = kube.cluster.store.get("Job", "default", "hello")
    container = job["spec"]["template"]["spec"]["containers"][0]
    assert (container["name"], container["image"], container["command"]) == ("hello", "busybox",
                                                                             ["sh", "-c", "echo done"])
    assert job["spec"]["template"]["spec"]["restartPolicy"] == "Never"


def test_create_job_from_cronjob_copies_its_template(kube: Any) -> None:
    assert kube("create cronjob nightly --image=busybox --schedule='0 3 * * *' -- date").text == (
        "cronjob.batch/nightly created\n")
    cj = kube.cluster.store.get("CronJob", "default", "nightly")
    assert cj["spec"]["jobTemplate"]["spec"]["template"]["spec"]["restartPolicy"] == "OnFailure"
    assert kube("create job by-hand --from=cronjob/nightly").text == "job.batch/by-hand created\n"
    job = kube.cluster.store.get("Job", "default", "by-hand")
    assert job["metadata"]["annotations"]["cronjob.kubernetes.io/instantiate"] == "manual"
    ref = job["metadata"]["ownerReferences"][0]
    assert (ref["kind"], ref["name"], ref["uid"], ref["controller"]) == ("CronJob", "nightly",
                                                                         cj["metadata"]["uid"], True)
    assert job["spec"]["template"]["spec"]["containers"][0]["command"] == ["date"]


def test_create_cronjob_restart_never_and_dry_run(kube: Any) -> None:
    out = kube("create cj c --image=busybox --schedule='*/1 * * * *' --restart=Never --dry-run=client -o yaml").out
    assert "          restartPolicy: Never\n  schedule: '*/1 * * * *'\n" in out
    assert kube("create cronjob c --image=busybox --schedule='*/1 * * * *' --dry-run=server").text == (
        "cronjob.batch/c created (server dry run)\n")
    assert kube.cluster.store.try_get("CronJob", "default", "c") is None


def test_create_batch_errors_in_kubectls_words(kube: Any) -> None:
    kube("create deployment web --image=nginx")
    cases = {
        "create job j": "error: either --image or --from must be specified\n",
        "create job j --image=busybox --from=cronjob/x": "error: either --image or --from must be specified\n",
        "create job j --from=cronjob/x -- date": "error: cannot specify --from and command\n",
        "create job j --from=cronjob/nope": 'Error from server (NotFound): cronjobs.batch "nope" not found\n',
        "create job j --from=deployment/web": "error: unknown object type *v1.Deployment\n",
        "create job j --from=cronjobs": "error: resource(s) were provided, but no name was specified\n",
        "create cronjob c --schedule='* * * * *'": 'error: required flag(s) "image" not set\n',
        "create cronjob c --image=busybox": 'error: required flag(s) "schedule" not set\n',
        "create cronjob c --image=busybox --schedule='* * * * *' --restart=Always": (
            'error: failed to create cronjob: CronJob.batch "c" is invalid: spec.jobTemplate.spec.template.spec.'
            'restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"\n'),
    }
    for line, want in cases.items():
        result = kube(line)
        assert (result.rc, result.text) == (1, want), line
