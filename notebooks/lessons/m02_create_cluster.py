"""Module 2, create a cluster: minikube start / status, kubectl version, cluster-info, get nodes."""

from __future__ import annotations

from .cells import Module, code, exercise, md, picture, recap, teardown

MODULE = Module(
    slug="02-create-cluster",
    title={"en": "Create a cluster with Minikube", "zh": "创建集群：Minikube"},
    summary={"en": "minikube start, minikube status, kubectl get nodes",
             "zh": "minikube start、minikube status、kubectl get nodes"},
    minutes=10,
    cells=[
        md("""
           # Create a cluster with Minikube

           [Minikube](https://minikube.sigs.k8s.io/) runs a small Kubernetes cluster on your
           own computer, for learning and for development. In a terminal you would type
           `minikube start`; in this notebook you type the same command with a `%` in front:
           `%minikube` and `%kubectl` are *magics*, commands of the Jupyter kernel. They accept
           the same arguments as the real tools and print the same output.

           The cluster they manage lives inside the notebook's kernel, so there is nothing to
           install: no virtual machine and no Docker.
           """,
           """
           # 创建集群：Minikube

           [Minikube](https://minikube.sigs.k8s.io/) 可以在你自己的电脑上运行一个小型 Kubernetes
           集群，适合学习和日常开发。在终端里你会输入 `minikube start`；在本笔记本中，
           输入同样的命令，只是前面加一个 `%`：`%minikube` 和 `%kubectl` 是 Jupyter 内核的
           *魔法命令*，参数与真实工具相同，输出也相同。

           它们管理的集群运行在笔记本的内核里，所以不需要安装任何东西：没有虚拟机，也不需要 Docker。
           """),
        md("""
           ## Start the cluster

           First load the magics, then check which minikube this is.
           """,
           """
           ## 启动集群

           先加载魔法命令，再看看这是哪个版本的 minikube。
           """),
        code("%load_ext kubenb"),
        code("%minikube version"),
        md("""
           `minikube start` creates the cluster: one node that runs the control plane and your
           applications. Read its log from top to bottom: it picks a *driver* (how nodes are
           made — here, inside this kernel), creates the node, prepares Kubernetes and finally
           configures `kubectl` to talk to the new cluster.

           First, one line that only kubenb needs: the `KUBENB_SEED` environment variable
           fixes the random parts of names and addresses, so the output you get matches the
           output stored in this notebook. `minikube start` itself is the real command.
           """,
           """
           `minikube start` 创建集群：一个既运行控制平面、又运行应用的节点。从上往下读它的日志：
           它先选择一个*驱动*（节点如何创建——这里是在内核中），然后创建节点、准备 Kubernetes，
           最后配置 `kubectl` 与新集群通信。

           先运行一行只有 kubenb 需要的设置：环境变量 `KUBENB_SEED` 固定名字和地址里的随机部分，
           这样你得到的输出与本笔记本中保存的一致。`minikube start` 本身就是真实的命令。
           """),
        code("%env KUBENB_SEED=1"),
        code("%minikube start"),
        md("""
           `minikube status` reports each part of the node. All four say `Running` /
           `Configured`: the host, the kubelet (the node's agent), the API server and your
           kubeconfig (the file that tells `kubectl` where the cluster is).
           """,
           """
           `minikube status` 报告节点各部分的状态。四项都应是 `Running` / `Configured`：
           主机、kubelet（节点上的代理）、API 服务器，以及 kubeconfig（告诉 `kubectl`
           集群在哪里的配置文件）。
           """),
        code("%minikube status"),
        md("""
           ## Talk to it with kubectl

           `kubectl` is the command-line client of every Kubernetes cluster. `kubectl version`
           prints two versions: the client's and the server's (the cluster's API server).
           """,
           """
           ## 用 kubectl 与集群交互

           `kubectl` 是所有 Kubernetes 集群通用的命令行客户端。`kubectl version`
           会打印两个版本：客户端的和服务器（集群的 API 服务器）的。
           """),
        code("%kubectl version"),
        md("""
           `kubectl cluster-info` shows the address of the control plane.
           """,
           """
           `kubectl cluster-info` 显示控制平面的地址。
           """),
        code("%kubectl cluster-info"),
        md("""
           `kubectl get nodes` lists the nodes that can run applications. There is one, named
           `minikube`; `Ready` means its kubelet is healthy and reporting in.
           """,
           """
           `kubectl get nodes` 列出可以运行应用的节点。这里只有一个，名叫 `minikube`；
           `Ready` 表示它的 kubelet 工作正常，并在按时汇报状态。
           """),
        code("%kubectl get nodes"),
        *picture('The cluster as a picture: one node, the control plane; none of your pods yet.',
                  '用图来看这个集群：一个节点，也就是控制平面；还没有你的 Pod。'),
        md("""
           Every command explains itself with `--help`. Try `%kubectl get nodes --help` in a new
           cell.
           """,
           """
           每条命令都可以用 `--help` 查看说明。可以在新的单元格里试试 `%kubectl get nodes --help`。
           """),
        *exercise("Your cluster has a single node. Add a second one and make sure both nodes are "
                  "Ready and the new one accepts pods.",
                  "你的集群只有一个节点。再加一个节点，并确认两个节点都已就绪（Ready），新节点可以接收 Pod。",
                  'kubenb.expect.node("minikube", ready=True),\n'
                  '              kubenb.expect.node("minikube-m02", ready=True, schedulable=True)',
                  ["%minikube node add", "%kubectl get nodes"]),
        *teardown(),
        recap(["`minikube start` creates a cluster: here a single node that is also the control plane; "
               "`minikube status` and `minikube delete` look after it.",
               "`kubectl version` shows the client's and the server's versions, `kubectl cluster-info` "
               "where the control plane answers.",
               "`kubectl get nodes` lists the machines that run your apps; `Ready` means the node's "
               "kubelet is healthy.",
               "`minikube node add` adds a worker node to a running cluster."],
              ["`minikube start` 创建集群：这里只有一个节点，它同时也是控制平面；`minikube status` 查看状态，"
               "`minikube delete` 删除集群。",
               "`kubectl version` 显示客户端和服务器的版本，`kubectl cluster-info` 显示控制平面的地址。",
               "`kubectl get nodes` 列出运行应用的机器；`Ready` 表示节点的 kubelet 工作正常。",
               "`minikube node add` 给正在运行的集群添加一个工作节点。"]),
    ],
)
