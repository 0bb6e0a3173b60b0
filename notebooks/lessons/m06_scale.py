"""Module 6, scaling: get rs, scale to 4, pods over nodes, load spread by the Service, scale to 2."""

from __future__ import annotations

from .cells import (
    LIVE,
    VARIES,
    Module,
    code,
    exercise,
    md,
    real_cluster_note,
    recap,
    setup,
    teardown,
)
from .m05_expose import MINIKUBE_IP, NODE_PORT

WHO_ANSWERS = """\
from collections import Counter
from urllib.request import urlopen

answered_by = Counter()
for _ in range(40):
    with urlopen(f"http://{MINIKUBE_IP}:{NODE_PORT}", timeout=10) as reply:
        text = reply.read().decode()  # Hello Kubernetes bootcamp! | Running on: POD | v=1
    answered_by[text.split(" | ")[1].removeprefix("Running on: ")] += 1
print(f"{len(answered_by)} different pods answered:")
print("\\n".join(sorted(answered_by)))"""

MODULE = Module(
    slug="06-scale",
    title={"en": "Scale your app", "zh": "扩缩应用"},
    summary={"en": "kubectl scale, ReplicaSets, a Service spreading requests over pods",
             "zh": "kubectl scale、ReplicaSet、Service 把请求分发到多个 Pod"},
    minutes=15,
    cells=[
        md("""
           # Scale your app

           So far the Deployment ran one pod. When traffic grows, run more: **scaling** a
           Deployment changes its number of replicas, and Kubernetes creates (or removes) pods
           to match, on nodes that have room. Running several instances also means no single
           pod is a point of failure, and it is what allows updates without downtime.

           A Service spreads its traffic over all the ready pods it selects, and follows them as
           they come and go. Scaling to zero is allowed too: it stops all the pods and keeps the
           Deployment.
           """,
           """
           # 扩缩应用

           到目前为止，Deployment 只运行了一个 Pod。流量增长时，就多运行几个：**扩缩** Deployment
           会改变它的副本数，Kubernetes 随之在有空间的节点上创建（或删除）Pod。
           运行多个实例还意味着不存在单点故障，这也是不停机更新的前提。

           Service 会把流量分发给它选中的所有就绪 Pod，并随着 Pod 的增减自动跟进。
           也可以缩容到零：所有 Pod 停止，Deployment 仍然保留。
           """),
        md("""
           This time the cluster has two nodes, so you can see the pods spread out.
           """,
           """
           这次集群有两个节点，你可以看到 Pod 是如何分布的。
           """),
        *setup(seed=6, nodes=2),
        md("""
           Deploy the app and give it a Service, as in the previous lessons. (The official
           tutorial uses a `LoadBalancer` Service here; on minikube it behaves like `NodePort`
           until a load balancer is provided, so `NodePort` serves just as well.)
           """,
           """
           像前几节一样部署应用并为它创建 Service。（官方教程在这里使用 `LoadBalancer` 类型的
           Service；在 minikube 上，没有负载均衡器时它的表现与 `NodePort` 相同，所以用 `NodePort` 即可。）
           """),
        code("%kubectl create deployment kubernetes-bootcamp --image=gcr.io/google-samples/kubernetes-bootcamp:v1"),
        code("%kubectl wait --for=condition=Available deployment/kubernetes-bootcamp --timeout=120s"),
        code('%kubectl expose deployment/kubernetes-bootcamp --type="NodePort" --port 8080'),
        md("""
           ## Scale up

           The Deployment has one replica:
           """,
           """
           ## 扩容

           Deployment 现在有一个副本：
           """),
        code("%kubectl get deployments"),
        md("""
           The pods are not created by the Deployment directly but by a **ReplicaSet** it owns.
           Its name is the Deployment's name plus a hash of the pod template. DESIRED is the
           number of replicas wanted, CURRENT how many exist, READY how many are ready.
           """,
           """
           Pod 并不是由 Deployment 直接创建的，而是由它拥有的 **ReplicaSet** 创建。
           ReplicaSet 的名字是 Deployment 名加上 Pod 模板的哈希值。DESIRED 是期望的副本数，
           CURRENT 是现有的副本数，READY 是已就绪的副本数。
           """),
        code("%kubectl get rs"),
        md("""
           Ask for four replicas, and wait for the rollout to finish.
           """,
           """
           要求四个副本，并等待扩容完成。
           """),
        code("%kubectl scale deployments/kubernetes-bootcamp --replicas=4"),
        code("%kubectl rollout status deployments/kubernetes-bootcamp"),
        code("%kubectl get deployments"),
        md("""
           Four pods now, each with its own IP address. Look at the NODE column: the scheduler
           spread them over both nodes.
           """,
           """
           现在有四个 Pod，每个都有自己的 IP 地址。看 NODE 列：调度器把它们分散到了两个节点上。
           """),
        code("%kubectl get pods -o wide"),
        real_cluster_note("addresses"),
        md("""
           The same, as a picture: two nodes, four pods.
           """,
           """
           用图来看也一样：两个节点，四个 Pod。
           """, needs="widget"),
        code("import kubenb\n\nkubenb.show()", needs="widget", tags=LIVE),
        md("""
           The Deployment's events record the change: `Scaled up replica set … from 1 to 4`.
           """,
           """
           Deployment 的事件记录了这次变化：`Scaled up replica set … from 1 to 4`。
           """),
        code("%kubectl describe deployments/kubernetes-bootcamp"),
        md("""
           ## Load balancing

           The Service now has four **Endpoints**, one per pod:
           """,
           """
           ## 负载均衡

           现在 Service 有四个 **Endpoints**，每个 Pod 一个：
           """),
        code("%kubectl describe services/kubernetes-bootcamp"),
        code(NODE_PORT),
        code(MINIKUBE_IP),
        md("""
           Send a request to the node port a few times: different pods answer.
           """,
           """
           向节点端口发几次请求：应答的是不同的 Pod。
           """),
        code("!curl -s http://$MINIKUBE_IP:$NODE_PORT"),
        code("!curl -s http://$MINIKUBE_IP:$NODE_PORT"),
        md("""
           Which pods answer, over 40 requests? Every one of the four:
           """,
           """
           发 40 个请求，都有哪些 Pod 应答？四个都有：
           """),
        code(WHO_ANSWERS),
        md("""
           ## Scale down

           Go back to two replicas.
           """,
           """
           ## 缩容

           回到两个副本。
           """),
        code("%kubectl scale deployments/kubernetes-bootcamp --replicas=2"),
        md("""
           Wait until the Deployment counts two pods (pods being deleted no longer count):
           """,
           """
           等待 Deployment 的 Pod 数变为两个（正在删除的 Pod 不再计入）：
           """),
        code("%kubectl wait --for=jsonpath='{.status.replicas}'=2 deployments/kubernetes-bootcamp --timeout=60s"),
        code("%kubectl get deployments"),
        md("""
           Two pods are `Terminating`. Kubernetes asked them to stop (SIGTERM), but the
           bootcamp app ignores that signal, so they are killed only when their grace period
           (30 seconds) runs out. They no longer receive traffic from the Service meanwhile.
           Which two go is decided by how long each pod has been ready, down to fractions of a
           second, so your list may name different pods.
           """,
           """
           有两个 Pod 处于 `Terminating`。Kubernetes 已经请它们停止（SIGTERM），但 bootcamp
           应用会忽略这个信号，所以要等宽限期（30 秒）结束才会被强制终止。
           在此期间，Service 已不再把流量发给它们。删除哪两个 Pod 取决于每个 Pod 已就绪多长时间（精确到零点几秒），
           所以你的列表里可能是另外两个 Pod。
           """),
        code("%kubectl get pods -o wide", tags=VARIES),
        *exercise("Scale the Deployment to 3 replicas and wait until all three are available.",
                  "把 Deployment 扩容到 3 个副本，并等待三个副本全部可用。",
                  'kubenb.expect.deployment("kubernetes-bootcamp", replicas=3, available=3),\n'
                  '              kubenb.expect.pods("app=kubernetes-bootcamp", count=3)',
                  ["%kubectl scale deployments/kubernetes-bootcamp --replicas=3",
                   "%kubectl wait --for=jsonpath='{.status.availableReplicas}'=3 "
                   "deployment/kubernetes-bootcamp --timeout=120s"]),
        *teardown(),
        recap(["`kubectl scale deployments/NAME --replicas=N` changes the number of pods; the "
               "Deployment's **ReplicaSet** (`kubectl get rs`) creates or removes them.",
               "The scheduler spreads the pods over the nodes (`kubectl get pods -o wide`, NODE column).",
               "The Service sends requests to every ready pod it selects, and follows them as they "
               "come and go.",
               "Scaling down stops the extra pods: they are `Terminating` until they exit or their "
               "grace period runs out."],
              ["`kubectl scale deployments/NAME --replicas=N` 改变 Pod 的数量；由 Deployment 的 **ReplicaSet**"
               "（`kubectl get rs`）创建或删除 Pod。",
               "调度器把 Pod 分散到各个节点上（`kubectl get pods -o wide` 的 NODE 列）。",
               "Service 把请求发给它选中的每个就绪 Pod，并随着 Pod 的增减自动跟进。",
               "缩容会停止多出来的 Pod：它们处于 `Terminating`，直到自行退出或宽限期结束。"]),
    ],
)
