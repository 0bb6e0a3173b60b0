"""Quickstart: three nodes, a Deployment, a node failure — kubenb in five minutes."""

from __future__ import annotations

from .cells import LIVE, Module, code, md, real_cluster_note, recap, setup, teardown

MODULE = Module(
    slug="00-quickstart",
    title={"en": "kubenb quickstart", "zh": "kubenb 快速上手"},
    summary={"en": "five minutes: a three-node cluster, an app, a node failure",
             "zh": "五分钟：三节点集群、一个应用、一次节点故障"},
    tutorial=False,
    minutes=5,
    cells=[
        md("""
           # kubenb quickstart

           A Kubernetes cluster that lives inside this notebook's kernel. No VM, no cloud
           account, no Docker: `%minikube` starts a control plane on a background thread of the
           kernel, and `%kubectl` talks to it and prints what the real `kubectl` prints.
           """,
           """
           # kubenb 快速上手

           一个运行在本笔记本内核里的 Kubernetes 集群。不需要虚拟机、云账号或 Docker：
           `%minikube` 在内核的后台线程上启动控制平面，`%kubectl` 与它对话，打印的内容和真正的
           `kubectl` 一样。
           """),
        *setup(seed=1, nodes=3),
        code("%kubectl get nodes"),
        md("""
           The live picture of the cluster: one card per node, one chip per pod. Keep it in
           view (JupyterLab: right-click the output, *Create New View for Cell Output*) and watch
           it follow every command below, the node failure included; its buttons scale, cordon
           and stop nodes like the commands do.
           """,
           """
           集群的实时示意图：每个节点一张卡片，每个 Pod 一个小方块。把它一直留在视野里
           （JupyterLab：右键点击输出，选择 *Create New View for Cell Output*），
           看它如何随下面的每条命令变化，包括节点故障；它的按钮可以像命令一样扩缩容、封锁和停止节点。
           """, needs="widget"),
        code("import kubenb\n\nkubenb.show()", needs="widget", tags=LIVE),
        md("""
           ## Deploy an app

           A Deployment asks for three copies (replicas) of the tutorial's `kubernetes-bootcamp`
           app. Watch the scheduler spread them over the nodes: the NODE column.
           """,
           """
           ## 部署一个应用

           Deployment 要求运行教程应用 `kubernetes-bootcamp` 的三个副本。注意 NODE 列：
           调度器把它们分散到了不同节点上。
           """),
        code("%kubectl create deployment kubernetes-bootcamp --image=gcr.io/google-samples/kubernetes-bootcamp:v1 --replicas=3"),
        code("%kubectl wait --for=condition=Available deployment/kubernetes-bootcamp --timeout=120s"),
        code("%kubectl get pods -o wide"),
        real_cluster_note("addresses"),
        md("""
           ## Break a node

           `minikube node stop` is a node failure: its pods die with it and its heartbeats stop.
           The control plane marks the node `NotReady`, evicts its pods and the Deployment
           replaces them on the other nodes.
           """,
           """
           ## 让一个节点出故障

           `minikube node stop` 相当于节点故障：节点上的 Pod 随之停止，心跳也停了。
           控制平面把节点标记为 `NotReady`，驱逐它上面的 Pod，Deployment 在其他节点上补齐副本。
           """),
        code("%minikube node stop minikube-m02"),
        md("""
           The node goes `NotReady` once its heartbeats have been missing for a few seconds, and
           the pods on it stop counting as available: the Deployment loses its `Available`
           condition.
           """,
           """
           心跳缺失几秒后节点变为 `NotReady`，它上面的 Pod 不再算作可用：Deployment 失去
           `Available` 状况。
           """),
        code("%kubectl wait --for=condition=Available=False deployment/kubernetes-bootcamp --timeout=60s"),
        code("%kubectl get nodes"),
        md("""
           When the pods' toleration of the unreachable node runs out, they are evicted and the
           ReplicaSet creates replacements on the healthy nodes. The evicted pod stays
           `Terminating`: its node cannot confirm it stopped, exactly as on a real cluster.
           """,
           """
           Pod 对“节点不可达”的容忍时间一到，它们就被驱逐，ReplicaSet 在健康节点上创建替代的 Pod。
           被驱逐的 Pod 停留在 `Terminating`：它所在的节点无法确认它已停止——真实集群也是这样。
           """),
        code("%kubectl wait --for=condition=Available deployment/kubernetes-bootcamp --timeout=120s"),
        code("%kubectl get pods -o wide"),
        *teardown(),
        recap(["`%minikube start --nodes=3` starts a cluster of three nodes inside this notebook; "
               "`%kubectl get nodes` lists them.",
               "`%kubectl create deployment … --replicas=3` runs three pods of an app, and "
               "`%kubectl get pods -o wide` shows the node each one runs on.",
               "When a node fails (`%minikube node stop`), Kubernetes marks it `NotReady`, evicts its "
               "pods and the Deployment replaces them on the healthy nodes."],
              ["`%minikube start --nodes=3` 在本笔记本里启动一个有三个节点的集群；`%kubectl get nodes` 列出这些节点。",
               "`%kubectl create deployment … --replicas=3` 运行一个应用的三个 Pod，"
               "`%kubectl get pods -o wide` 显示每个 Pod 运行在哪个节点上。",
               "节点出故障时（`%minikube node stop`），Kubernetes 把它标记为 `NotReady`，驱逐它上面的 Pod，"
               "Deployment 在健康的节点上补齐副本。"]),
    ],
)
