"""`kubenb.expect.configmap` and `kubenb.expect.pods_env`: the Configuration chapter's check
fails before the learner's step, says what is missing in both languages, and passes after."""

from __future__ import annotations

from typing import Any

from kubenb.cli.check import expect
from tests.cli.test_check import run
from tests.cli.test_rollout import V1, make, rolled_out


def test_configmap_key_and_pods_env_exercise_in_both_languages(kube: Any, vcluster: Any) -> None:
    task = (expect.configmap("app-config", key="MODE", value="fast"),
            expect.pods_env("app=web", "APP_MODE", "fast"))
    assert run(kube, *task) == (False, (
        "✘ configmap/app-config does not exist in namespace default\n"
        "✘ 0 of 0 running pods with labels app=web get APP_MODE=fast\n"
        "Not yet: 2 of 2 checks fail.\n"))
    assert kube("create configmap app-config --from-literal=MODE=slow").rc == 0
    make(kube, vcluster)
    assert run(kube, *task) == (False, (
        "✘ configmap/app-config has MODE=slow, not fast\n"
        "✘ 0 of 1 running pod with labels app=web get APP_MODE=fast; the others get (unset)\n"
        "Not yet: 2 of 2 checks fail.\n"))
    assert run(kube, *task, lang="zh") == (False, (
        "✘ ConfigMap app-config 中 MODE=slow，而不是 fast\n"
        "✘ 1 个带标签 app=web 的运行中的 Pod 里有 0 个得到 APP_MODE=fast；其余得到的是 (unset)\n"
        "还没完成：2 项检查中有 2 项未通过。\n"))
    env = [{"name": "APP_MODE", "valueFrom": {"configMapKeyRef": {"name": "app-config", "key": "MODE"}}}]
    kube.client.patch("Deployment", "default", "web",
                      {"spec": {"template": {"spec": {"containers": [{"name": "web", "env": env}]}}}}, "strategic")
    vcluster.wait_for(lambda: rolled_out(vcluster, "web"), timeout=60)
    assert run(kube, *task)[1].splitlines()[1] == (
        "✘ 0 of 1 running pod with labels app=web get APP_MODE=fast; the others get slow")
    assert kube("""patch configmap app-config -p '{"data":{"MODE":"fast"}}'""").rc == 0
    assert run(kube, *task) == (True, (
        "✔ configmap/app-config has MODE=fast\n"
        "✔ 1 of 1 running pod with labels app=web get APP_MODE=fast\n"
        "All done.\n"))
    assert run(kube, *task, lang="zh")[1].endswith("全部完成。\n")


def test_env_sources_resolve_like_the_kubelet(kube: Any, vcluster: Any) -> None:
    """envFrom with a prefix, a later `env` entry overriding it, a Secret key decoded, a
    missing key, a configmap without a key asked for."""
    assert kube("create configmap cfg --from-literal=COLOR=blue").rc == 0
    assert kube("create secret generic pw --from-literal=password=s3cr3t").rc == 0
    make(kube, vcluster)
    container = {"name": "web", "image": V1,
                 "envFrom": [{"configMapRef": {"name": "cfg"}, "prefix": "X_"}],
                 "env": [{"name": "PW", "valueFrom": {"secretKeyRef": {"name": "pw", "key": "password"}}},
                         {"name": "LITERAL", "value": "one"}]}
    kube.client.patch("Deployment", "default", "web",
                      {"spec": {"template": {"spec": {"containers": [container]}}}}, "strategic")
    vcluster.wait_for(lambda: rolled_out(vcluster, "web"), timeout=60)
    assert run(kube, expect.pods_env("app=web", "X_COLOR", "blue"),
               expect.pods_env("app=web", "PW", "s3cr3t"),
               expect.pods_env("app=web", "LITERAL", "one"),
               expect.configmap("cfg")) == (True, (
        "✔ 1 of 1 running pod with labels app=web get X_COLOR=blue\n"
        "✔ 1 of 1 running pod with labels app=web get PW=s3cr3t\n"
        "✔ 1 of 1 running pod with labels app=web get LITERAL=one\n"
        "✔ configmap/cfg exists\n"
        "All done.\n"))
    assert run(kube, expect.pods_env("app=web", "COLOR", "blue"),
               expect.configmap("cfg", key="SIZE"), lang="zh") == (False, (
        "✘ 1 个带标签 app=web 的运行中的 Pod 里有 0 个得到 COLOR=blue；其余得到的是 (unset)\n"
        "✘ ConfigMap cfg 中没有键 SIZE\n"
        "还没完成：2 项检查中有 2 项未通过。\n"))
