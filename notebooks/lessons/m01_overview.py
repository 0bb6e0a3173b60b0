"""Module 1, overview: what Kubernetes is, and the parts of a cluster you can see."""

from __future__ import annotations

from .cells import LIVE, Module, code, md, real_cluster_note, recap, setup, teardown

MODULE = Module(
    slug="01-overview",
    title={"en": "Overview: what Kubernetes does", "zh": "概述：Kubernetes 做什么"},
    summary={"en": "the control plane, the nodes, and what they do for your app",
             "zh": "控制平面、节点，以及它们为你的应用做了什么"},
    minutes=10,
    cells=[
        md("""
           # Overview: what Kubernetes does

           Kubernetes runs containerized applications on a group of machines (a *cluster*) and
           keeps them running. You tell it what you want — "three copies of this app, reachable
           on port 8080" — and it works out where to run them, starts them, replaces them when
           they or their machine fail, and changes them step by step when you ship a new version.

           With Kubernetes you can:

           - deploy an application quickly, without choosing a machine for it;
           - scale it up and down with one command;
           - roll out a new version without downtime, and roll it back;
           - use your machines well: the scheduler packs applications by the resources they ask for.
           """,
           """
           # 概述：Kubernetes 做什么

           Kubernetes 在一组机器（一个*集群*）上运行容器化的应用，并让它们一直运行下去。
           你告诉它你想要什么——“这个应用运行三份，端口 8080 可访问”——它决定在哪里运行、
           启动它们、在应用或机器出故障时替换它们，并在你发布新版本时一步步地更新它们。

           借助 Kubernetes，你可以：

           - 快速部署应用，而不必为它挑选机器；
           - 用一条命令扩容或缩容；
           - 不停机地发布新版本，也能回滚；
           - 更好地利用硬件：调度器按照应用申请的资源把它们安排到各台机器上。
           """),
        md("""
           ## Why containers

           A container packs an application with everything it needs to run — its runtime,
           libraries and files — into an **image**, and runs it isolated from the other
           applications on the same machine. The same image runs the same way on a laptop, a
           test server and in production; it starts in seconds, not the minutes a virtual
           machine takes, and many containers share one machine. Kubernetes schedules and runs
           containers; it does not care what language the application inside is written in.
           """,
           """
           ## 为什么用容器

           容器把应用和它运行所需的一切——运行环境、库和文件——打包成一个**镜像**，
           并让它与同一台机器上的其他应用相互隔离地运行。同一个镜像在笔记本电脑、测试服务器和生产环境中
           运行起来完全一样；它几秒钟就能启动，而虚拟机要几分钟；许多容器可以共享一台机器。
           Kubernetes 负责调度和运行容器，它并不关心容器里的应用是用什么语言写的。
           """),
        md("""
           ## Two kinds of machines

           ```
           ┌──────────────── cluster ────────────────┐
           │  control plane                          │
           │  API server · scheduler · controllers   │
           │        ▲              ▲                 │
           │        │ kubelet      │ kubelet         │
           │  ┌─────┴─────┐  ┌─────┴─────┐           │
           │  │  node 1   │  │  node 2   │   …       │
           │  │ pod  pod  │  │ pod       │           │
           │  └───────────┘  └───────────┘           │
           └─────────────────────────────────────────┘
           ```

           - The **control plane** coordinates the cluster: it stores what you asked for,
             schedules applications onto nodes, keeps the desired number of copies running and
             rolls out updates.
           - **Nodes** run the applications. A node is a virtual machine or a physical
             computer. Each node has a **kubelet**, the agent that talks to the control plane
             and starts and stops containers through a **container runtime** (containerd,
             CRI-O, or Docker Engine through cri-dockerd), and kube-proxy, which routes Service
             traffic.

           Older texts, and the first edition of this tutorial, call the control plane the
           **master** (and its machine the master node); it is the same thing.

           In this notebook the whole cluster lives inside the Jupyter kernel: the control plane
           is a background thread, and each container is a real process on your machine, listening
           on its own loopback address.
           """,
           """
           ## 两类机器

           ```
           ┌──────────────── 集群 ───────────────────┐
           │  控制平面                               │
           │  API 服务器 · 调度器 · 控制器           │
           │        ▲              ▲                 │
           │        │ kubelet      │ kubelet         │
           │  ┌─────┴─────┐  ┌─────┴─────┐           │
           │  │  节点 1   │  │  节点 2   │   …       │
           │  │ pod  pod  │  │ pod       │           │
           │  └───────────┘  └───────────┘           │
           └─────────────────────────────────────────┘
           ```

           - **控制平面**负责协调整个集群：保存你提出的要求、把应用调度到节点上、
             维持所需的副本数、推出更新。
           - **节点**负责运行应用。节点可以是一台虚拟机，也可以是一台物理计算机。
             每个节点上都有 **kubelet**，它是与控制平面通信的代理，通过**容器运行时**
             （containerd、CRI-O，或者通过 cri-dockerd 使用 Docker Engine）启动和停止容器；
             还有 kube-proxy，负责转发 Service 的流量。

           较早的资料（包括本教程的第一版）把控制平面称为 **Master**（它所在的机器称为主节点），
           指的是同一个东西。

           在本笔记本里，整个集群都运行在 Jupyter 内核中：控制平面是一个后台线程，
           每个容器都是你机器上的一个真实进程，监听着自己的回环地址。
           """),
        md("""
           ## See it

           Start a cluster with two nodes: one runs the control plane, the other is a worker.
           """,
           """
           ## 动手看看

           启动一个有两个节点的集群：一个运行控制平面，另一个是工作节点。
           """),
        *setup(seed=1, nodes=2),
        md("""
           `kubectl get nodes` lists the machines. Notice the ROLES column (`control-plane` for
           the first node) and, with `-o wide`, each node's address and its container runtime.
           """,
           """
           `kubectl get nodes` 列出集群中的机器。注意 ROLES 列（第一个节点是 `control-plane`），
           加上 `-o wide` 还能看到每个节点的地址和容器运行时。
           """),
        code("%kubectl get nodes -o wide"),
        real_cluster_note("addresses"),
        md("""
           `kubectl cluster-info` tells where the control plane's API server answers. Every
           `kubectl` command is a request to that API.
           """,
           """
           `kubectl cluster-info` 显示控制平面的 API 服务器在哪里。每条 `kubectl` 命令都是对这个
           API 的一次请求。
           """),
        code("%kubectl cluster-info"),
        md("""
           A picture of the cluster: nodes, and the pods on them (none yet). It updates live
           while you work; in a saved notebook you see a snapshot.
           """,
           """
           集群的示意图：节点以及节点上的 Pod（现在还没有）。你操作时它会实时更新；
           在保存下来的笔记本里看到的是一张快照。
           """, needs="widget"),
        code("import kubenb\n\nkubenb.show()", needs="widget", tags=LIVE),
        *teardown(),
        recap(["Kubernetes runs containerized apps on a cluster and keeps them in the state you "
               "asked for: it places, restarts, scales and updates them.",
               "The **control plane** (API server, scheduler, controllers) decides; the **nodes** run "
               "your pods, each through its kubelet.",
               "`minikube start --nodes=2` starts a cluster of two nodes: `minikube`, which also "
               "runs the control plane, and `minikube-m02`.",
               "`kubectl get nodes -o wide` lists the nodes and their addresses, `kubectl cluster-info` "
               "where the control plane answers."],
              ["Kubernetes 在集群上运行容器化应用，并让它们保持你要求的状态：安排位置、重启、扩缩和更新。",
               "**控制平面**（API 服务器、调度器、控制器）负责决策；**节点**通过各自的 kubelet 运行你的 Pod。",
               "`minikube start --nodes=2` 启动一个有两个节点的集群：同时运行控制平面的 `minikube`，以及 `minikube-m02`。",
               "`kubectl get nodes -o wide` 列出节点和它们的地址，`kubectl cluster-info` 显示控制平面的地址。"]),
    ],
)
