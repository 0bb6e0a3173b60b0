"""Module 7, rolling update: set image v2, rollout status, a missing image v10, rollout undo."""

from __future__ import annotations

from .cells import (
    LIVE,
    Module,
    code,
    exercise,
    md,
    picture,
    real_cluster_note,
    recap,
    setup,
    teardown,
)
from .m05_expose import CURL_NODE_PORT, MINIKUBE_IP, NODE_PORT

AFFECTED_POD = """AFFECTED_POD = %kubectl get pods --field-selector status.phase=Pending -o go-template --template '{{range .items}}{{.metadata.name}}{{"\\n"}}{{end}}'"""

MODULE = Module(
    slug="07-update",
    title={"en": "Performing a rolling update", "zh": "滚动更新"},
    summary={"en": "kubectl set image, rollout status, a broken image, rollout undo",
             "zh": "kubectl set image、rollout status、有问题的镜像、rollout undo"},
    minutes=15,
    cells=[
        md("""
           # Performing a rolling update

           Users expect an app to be available all the time, and developers ship new versions
           several times a day. A **rolling update** replaces the pods of a Deployment a few at a
           time: new pods are started and, once they are ready, old ones are stopped, so the app
           keeps answering throughout. The Service sends traffic only to pods that are ready.

           Every update is recorded as a *revision* of the Deployment, so you can go back to the
           previous one — *roll back* — with one command.
           """,
           """
           # 滚动更新

           用户希望应用随时可用，而开发者每天可能要发布好几个新版本。**滚动更新**每次只替换
           Deployment 中的几个 Pod：先启动新 Pod，等它们就绪后再停止旧 Pod，应用在整个过程中一直可以应答。
           Service 只会把流量发给已就绪的 Pod。

           每次更新都会记录为 Deployment 的一个*修订版本*，所以一条命令就能回到上一个版本——*回滚*。
           """),
        *setup(seed=7),
        md("""
           Deploy version 1 of the app with two replicas, behind a NodePort Service.
           """,
           """
           部署应用的第 1 版，两个副本，前面放一个 NodePort 类型的 Service。
           """),
        code("%kubectl create deployment kubernetes-bootcamp --image=gcr.io/google-samples/kubernetes-bootcamp:v1 --replicas=2"),
        code("%kubectl rollout status deployments/kubernetes-bootcamp"),
        code('%kubectl expose deployment/kubernetes-bootcamp --type="NodePort" --port 8080'),
        md("""
           ## Where we start

           Two replicas, both ready, both running image `kubernetes-bootcamp:v1` (look for
           **Image** in the description).
           """,
           """
           ## 起点

           两个副本，都已就绪，都在运行镜像 `kubernetes-bootcamp:v1`（在描述中找 **Image**）。
           """),
        code("%kubectl get deployments"),
        code("%kubectl get pods"),
        code("%kubectl describe pods"),
        real_cluster_note("addresses", "tolerations"),
        md("""
           Keep this picture in view while you update: it follows the pods of each revision
           as they come and go.
           """,
           """
           更新时请留意这张图：它会实时显示每个修订版本的 Pod 的创建与消失。
           """, needs="widget"),
        code("import kubenb\n\nkubenb.show()", needs="widget", tags=LIVE),
        md("""
           ## Update to version 2

           `kubectl set image` changes the container image of the Deployment's pod template.
           The argument is `<container name>=<new image>`.
           """,
           """
           ## 更新到第 2 版

           `kubectl set image` 修改 Deployment 的 Pod 模板中的容器镜像，参数格式为 `<容器名>=<新镜像>`。
           """),
        code("OLD_PODS = %kubectl get pods -o name"),
        code("%kubectl set image deployments/kubernetes-bootcamp kubernetes-bootcamp=docker.io/jocatalin/kubernetes-bootcamp:v2"),
        *picture('The picture during the rollout: pods of the old and the new ReplicaSet side by side.',
                  '更新进行中的示意图：新旧两个 ReplicaSet 的 Pod 同时存在。'),
        md("""
           `kubectl rollout status` follows the rollout until every replica runs the new
           template and is available.
           """,
           """
           `kubectl rollout status` 会一直跟踪更新过程，直到每个副本都运行新模板并且可用。
           """),
        code("%kubectl rollout status deployments/kubernetes-bootcamp"),
        *picture("And after it: only pods of the new ReplicaSet count as the Deployment's replicas.",
                  '更新完成后：只有新 ReplicaSet 的 Pod 算作 Deployment 的副本。'),
        md("""
           The new pods (a new hash in their names: a new ReplicaSet) are running. The old ones
           are `Terminating`: the app ignores the polite stop signal, so they are stopped when
           their 30-second grace period ends. The Service no longer sends them traffic.
           """,
           """
           新 Pod（名字里的哈希变了：这是一个新的 ReplicaSet）已经在运行。旧 Pod 处于 `Terminating`：
           应用会忽略“请停止”的信号，所以要等 30 秒宽限期结束才会被停止。Service 已不再把流量发给它们。
           """),
        code("%kubectl get pods"),
        md("""
           Wait for the old pods to be gone (up to their 30-second grace period).
           """,
           """
           等旧 Pod 全部消失（最多等到 30 秒宽限期结束）。
           """),
        code("""\
            for pod in OLD_PODS.split():
                %kubectl wait --for=delete $pod --timeout=60s"""),
        md("""
           ## Verify the update

           First check that the Service still routes to the app: its Endpoints are now the
           addresses of the new pods.
           """,
           """
           ## 验证更新

           先确认 Service 仍然把流量转发给应用：它的 Endpoints 现在是新 Pod 的地址。
           """),
        code("%kubectl describe services/kubernetes-bootcamp"),
        md("""
           Through the Service, the app now answers `v=2`, and the remaining pods run image
           `jocatalin/kubernetes-bootcamp:v2`:
           """,
           """
           通过 Service 访问，应用现在的回答是 `v=2`；剩下的 Pod 运行的是镜像
           `jocatalin/kubernetes-bootcamp:v2`：
           """),
        code(NODE_PORT),
        code(MINIKUBE_IP),
        code(CURL_NODE_PORT),
        code("%kubectl describe pods"),
        md("""
           ## An update that goes wrong

           Now update to an image tag that does not exist: `v10`.
           """,
           """
           ## 一次出错的更新

           现在更新到一个不存在的镜像标签：`v10`。
           """),
        code("%kubectl set image deployments/kubernetes-bootcamp kubernetes-bootcamp=gcr.io/google-samples/kubernetes-bootcamp:v10"),
        md("""
           The rollout starts one new pod, which never becomes ready, and keeps both old pods
           running. `get deployments` shows it: UP-TO-DATE 1 (one pod has the new template) but
           still AVAILABLE 2 — the old ones.
           """,
           """
           更新过程启动了一个新 Pod，它永远不会就绪；两个旧 Pod 则继续运行。`get deployments`
           能看出来：UP-TO-DATE 为 1（一个 Pod 使用了新模板），AVAILABLE 仍为 2——是那两个旧 Pod。
           """),
        code("%kubectl wait --for=jsonpath='{.status.updatedReplicas}'=1 deployment/kubernetes-bootcamp --timeout=60s"),
        code("%kubectl get deployments"),
        md("""
           Which pod is stuck? It never started, so its phase is still `Pending`.
           """,
           """
           卡住的是哪个 Pod？它从未启动，所以它的阶段（phase）仍是 `Pending`。
           """),
        code(AFFECTED_POD),
        code("AFFECTED_POD = AFFECTED_POD.strip()\nprint(\"AFFECTED POD=\" + AFFECTED_POD)"),
        md("""
           The kubelet tries to pull the image, fails (`ErrImagePull`), and then waits longer
           and longer before trying again (`ImagePullBackOff`). Wait for that state, then look:
           """,
           """
           kubelet 尝试拉取镜像，失败（`ErrImagePull`），然后每次重试前等待的时间越来越长
           （`ImagePullBackOff`）。等它进入这个状态后再看：
           """),
        code("%kubectl wait --for=jsonpath='{.status.containerStatuses[0].state.waiting.reason}'=ImagePullBackOff pod/$AFFECTED_POD --timeout=60s"),
        code("%kubectl get pods"),
        md("""
           `describe` tells why: the **Events** at the bottom say the image was not found.
           """,
           """
           `describe` 说明了原因：最下面的 **Events** 显示找不到这个镜像。
           """),
        code("%kubectl describe pod $AFFECTED_POD"),
        md("""
           ## Roll back

           `kubectl rollout undo` returns the Deployment to its previous revision — version 2.
           The stuck pod is removed; the two version-2 pods never stopped serving.
           """,
           """
           ## 回滚

           `kubectl rollout undo` 让 Deployment 回到上一个修订版本——第 2 版。卡住的 Pod 被删除；
           两个第 2 版的 Pod 一直在提供服务，从未中断。
           """),
        code("%kubectl rollout undo deployments/kubernetes-bootcamp"),
        code("%kubectl rollout status deployments/kubernetes-bootcamp"),
        md("""
           Wait until the stuck pod is gone (`%%capture` hides the message: whether there is one
           depends on whether the pod was already deleted), then list the pods.
           """,
           """
           等待卡住的 Pod 消失（`%%capture` 隐藏了输出：有没有输出取决于 Pod 是否已经被删除），然后列出 Pod。
           """),
        code("%%capture\n%kubectl wait --for=delete pod/$AFFECTED_POD --timeout=60s"),
        code("%kubectl get pods"),
        code("%kubectl describe pods"),
        md("""
           `kubectl rollout history` lists the Deployment's revisions — one per pod template it
           has run. The rollback did not add a copy of revision 2: it renumbered it, so the list
           is 1 (v1), 3 (v10) and 4 (v2, current). CHANGE-CAUSE stays `<none>` unless you
           annotate the Deployment with `kubernetes.io/change-cause`.
           """,
           """
           `kubectl rollout history` 列出 Deployment 的修订版本——它运行过的每个 Pod 模板各一个。
           回滚并没有复制出一个新的第 2 版，而是给它重新编号，所以列表是 1（v1）、3（v10）和 4（v2，当前版本）。
           除非你给 Deployment 加上 `kubernetes.io/change-cause` 注解，否则 CHANGE-CAUSE 一直是 `<none>`。
           """),
        code("%kubectl rollout history deployments/kubernetes-bootcamp"),
        code("%kubectl rollout history deployments/kubernetes-bootcamp --revision=1"),
        *exercise("Roll back to the first version, v1, and run four replicas: make sure all four "
                  "pods run the image `kubernetes-bootcamp:v1`.",
                  "回滚到最初的 v1 版本，并运行四个副本：确认四个 Pod 运行的都是 `kubernetes-bootcamp:v1` 镜像。",
                  'kubenb.expect.deployment("kubernetes-bootcamp", replicas=4, available=4),\n'
                  '              kubenb.expect.pods("app=kubernetes-bootcamp", count=4,\n'
                  '                                 image="gcr.io/google-samples/kubernetes-bootcamp:v1")',
                  ["%kubectl rollout undo deployments/kubernetes-bootcamp --to-revision=1",
                   "%kubectl scale deployments/kubernetes-bootcamp --replicas=4",
                   "%kubectl rollout status deployments/kubernetes-bootcamp"]),
        md("""
           The official tutorial ends by deleting the Deployment and the Service:
           """,
           """
           官方教程最后会删除 Deployment 和 Service：
           """),
        code("%kubectl delete deployments/kubernetes-bootcamp services/kubernetes-bootcamp"),
        *teardown(),
        recap(["`kubectl set image deployments/NAME CONTAINER=IMAGE` starts a **rolling update**: "
               "a new ReplicaSet's pods replace the old ones a few at a time, and the Service only "
               "sends traffic to pods that are ready.",
               "`kubectl rollout status` waits for the update to finish; an image that cannot be "
               "pulled leaves the new pod in `ImagePullBackOff` while the old pods keep serving.",
               "`kubectl rollout undo` returns to the previous revision, `--to-revision=N` to any "
               "earlier one that `kubectl rollout history` lists."],
              ["`kubectl set image deployments/NAME CONTAINER=IMAGE` 启动**滚动更新**：新 ReplicaSet 的 Pod "
               "分批替换旧 Pod，Service 只把流量发给已就绪的 Pod。",
               "`kubectl rollout status` 等待更新完成；拉取不到的镜像会让新 Pod 停在 `ImagePullBackOff`，"
               "旧 Pod 继续提供服务。",
               "`kubectl rollout undo` 回到上一个版本，`--to-revision=N` 回到 `kubectl rollout history` "
               "列出的更早的任意版本。"]),
    ],
)
