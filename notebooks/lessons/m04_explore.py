"""Module 4, pods and nodes: get pods, describe pods, the pod proxy, logs, exec."""

from __future__ import annotations

from .cells import Module, code, exercise, md, picture, real_cluster_note, recap, setup, teardown
from .m03_deploy_app import POD_NAME, POD_NAME_STRIP

MODULE = Module(
    slug="04-explore",
    title={"en": "Viewing Pods and Nodes", "zh": "查看 Pod 和工作节点"},
    summary={"en": "kubectl get, describe, logs and exec: troubleshooting an app",
             "zh": "kubectl get、describe、logs 和 exec：排查应用问题"},
    minutes=15,
    cells=[
        md("""
           # Viewing Pods and Nodes

           When you created a Deployment, Kubernetes created a **Pod** to host your application.
           A Pod is a group of one or more containers that share:

           - storage, as volumes;
           - networking: one IP address for the whole Pod;
           - information about how to run each container (image, ports, environment).

           The Pod is the smallest unit Kubernetes schedules. Each Pod is tied to the **node**
           it was scheduled to and stays there until it ends or is deleted; if the node fails,
           its Pods are replaced by new ones on other nodes. A node runs a *kubelet*, which
           manages its Pods and reports to the control plane, and a container runtime, which
           pulls images and runs the containers.

           Four `kubectl` commands answer most questions about a running app:

           | command | shows |
           |---|---|
           | `kubectl get` | a list of resources |
           | `kubectl describe` | details of a resource, and its recent events |
           | `kubectl logs` | what a container printed |
           | `kubectl exec` | runs a command inside a container |
           """,
           """
           # 查看 Pod 和工作节点

           创建 Deployment 时，Kubernetes 创建了一个 **Pod** 来托管你的应用。
           Pod 是一组（一个或多个）容器，它们共享：

           - 存储，以卷的形式；
           - 网络：整个 Pod 只有一个 IP 地址；
           - 每个容器如何运行的信息（镜像、端口、环境变量）。

           Pod 是 Kubernetes 调度的最小单元。每个 Pod 都与它被调度到的**节点**绑定，
           并留在那里直到结束或被删除；如果节点出故障，它上面的 Pod 会被其他节点上的新 Pod 替换。
           节点上运行着 *kubelet*，它管理本节点的 Pod 并向控制平面汇报；
           还运行着容器运行时，负责拉取镜像、运行容器。

           排查正在运行的应用时，四条 `kubectl` 命令能回答大部分问题：

           | 命令 | 显示 |
           |---|---|
           | `kubectl get` | 资源列表 |
           | `kubectl describe` | 资源的详细信息及最近的事件 |
           | `kubectl logs` | 容器打印的内容 |
           | `kubectl exec` | 在容器里执行命令 |
           """),
        *setup(seed=4),
        md("""
           Deploy the tutorial's app, as in the previous lesson, and wait until it is available.
           """,
           """
           像上一节那样部署教程应用，并等待它可用。
           """),
        code("%kubectl create deployment kubernetes-bootcamp --image=gcr.io/google-samples/kubernetes-bootcamp:v1"),
        code("%kubectl wait --for=condition=Available deployment/kubernetes-bootcamp --timeout=120s"),
        md("""
           ## List and describe

           `kubectl get pods` lists the pods. The name is the Deployment's name, the
           ReplicaSet's hash and a random suffix.
           """,
           """
           ## 列出与描述

           `kubectl get pods` 列出 Pod。Pod 名由 Deployment 名、ReplicaSet 的哈希和一个随机后缀组成。
           """),
        code("%kubectl get pods"),
        *picture('The same pod in the picture; hover over its chip for its name and state.',
                  '图中的同一个 Pod；把鼠标移到小方块上可以看到它的名字和状态。'),
        md("""
           `kubectl describe pods` shows everything about each pod. Notice: the **Node** it runs
           on (and that node's address), its **IP**, the container's **Image**, `Port: <none>`
           (`create deployment` declares no port, although the app listens on 8080), and at the
           bottom the **Events**: scheduled, image pulled, container created and started.
           """,
           """
           `kubectl describe pods` 显示每个 Pod 的全部信息。注意：它运行在哪个 **Node** 上
           （以及该节点的地址）、它的 **IP**、容器的 **Image**、`Port: <none>`
           （`create deployment` 没有声明端口，尽管应用监听 8080），还有最下面的 **Events**：
           已调度、镜像已拉取、容器已创建并启动。
           """),
        code("%kubectl describe pods"),
        real_cluster_note("addresses", "tolerations"),
        md("""
           ## Inspect the node

           Pods run on nodes, and nodes can be inspected the same way. `-o wide` adds each
           node's address, operating system, kernel and **container runtime** (the program
           that starts the containers); `kubectl describe node` shows its capacity, how much
           of it pods have requested, its conditions (memory, disk and PID pressure, Ready)
           and every pod it runs, kube-system's included.
           """,
           """
           ## 查看节点

           Pod 运行在节点上，节点也可以用同样的方式查看。`-o wide` 会加上每个节点的地址、操作系统、
           内核以及**容器运行时**（负责启动容器的程序）；`kubectl describe node` 显示节点的容量、
           Pod 已经请求了其中多少、节点的状况（内存、磁盘和 PID 压力，Ready），
           以及它运行的每个 Pod，包括 kube-system 里的 Pod。
           """),
        code("%kubectl get nodes -o wide"),
        code("%kubectl describe node minikube"),
        md("""
           ## Reach the app through the API

           Start `kubectl proxy` again and store the pod's name in `POD_NAME`.
           """,
           """
           ## 通过 API 访问应用

           再次启动 `kubectl proxy`，并把 Pod 的名字保存到 `POD_NAME` 中。
           """),
        code("%kubectl proxy"),
        code(POD_NAME),
        code(POD_NAME_STRIP),
        md("""
           Send a request to the app through the API server's pod proxy:
           """,
           """
           通过 API 服务器的 Pod 代理向应用发送一个请求：
           """),
        code("!curl -s http://localhost:8001/api/v1/namespaces/default/pods/$POD_NAME:8080/proxy/"),
        md("""
           ## Container logs

           Everything the app prints to standard output ends up in the container's log. The
           bootcamp app logs when it started and one line per request — including the one you
           just sent. A pod with one container needs no container name.
           """,
           """
           ## 容器日志

           应用打印到标准输出的内容都会进入容器日志。bootcamp 应用会记录它何时启动，
           每个请求记一行——包括你刚刚发送的那个。只有一个容器的 Pod 不需要指定容器名。
           """),
        code("%kubectl logs $POD_NAME"),
        md("""
           ## Run commands in the container

           `kubectl exec` runs a command inside the pod's container. `env` prints its
           environment: the pod's name as `HOSTNAME`, the `KUBERNETES_SERVICE_…` variables
           Kubernetes injects into every container, and the image's own variables (this app
           is built on Node.js 6.3.1).
           """,
           """
           ## 在容器中执行命令

           `kubectl exec` 在 Pod 的容器里执行命令。`env` 打印它的环境变量：`HOSTNAME` 是 Pod 名，
           `KUBERNETES_SERVICE_…` 是 Kubernetes 为每个容器注入的变量，其余的来自镜像本身
           （这个应用基于 Node.js 6.3.1）。
           """),
        code("%kubectl exec $POD_NAME -- env"),
        md("""
           In a terminal, `kubectl exec -ti $POD_NAME -- bash` would open a shell in the container.
           A notebook cell is not a terminal, so run one command at a time instead. The app's
           source code is in `server.js`:
           """,
           """
           在终端里，`kubectl exec -ti $POD_NAME -- bash` 会在容器中打开一个 shell。
           笔记本单元格不是终端，所以每次执行一条命令。应用的源代码在 `server.js` 中：
           """),
        code("%kubectl exec $POD_NAME -- cat server.js"),
        md("""
           Inside the container, `localhost` is the pod itself, so `curl` reaches the app
           directly, without any proxy:
           """,
           """
           在容器内部，`localhost` 就是 Pod 自己，所以 `curl` 可以不经过任何代理直接访问应用：
           """),
        code("%kubectl exec $POD_NAME -- curl -s http://localhost:8080"),
        code("%kubectl proxy --stop"),
        *exercise("Delete the pod `$POD_NAME` and make sure the Deployment replaces it: the old pod "
                  "is gone and one new pod runs. (The bootcamp app ignores the request to stop, so "
                  "the deletion takes its 30 s grace period.)",
                  "删除 Pod `$POD_NAME`，并确认 Deployment 会替换它：旧 Pod 已不存在，一个新的 Pod 在运行。"
                  "（bootcamp 应用会忽略停止请求，所以删除要等 30 秒的宽限期结束。）",
                  'kubenb.expect.pod(POD_NAME, running=False),\n'
                  '              kubenb.expect.pods("app=kubernetes-bootcamp", count=1)',
                  ["%kubectl delete pod $POD_NAME",
                   "%kubectl wait --for=condition=Ready pod -l app=kubernetes-bootcamp --timeout=120s"]),
        *teardown(),
        recap(["`kubectl get pods` lists pods; `kubectl describe pods` shows their containers, "
               "images, IP address, node and events.",
               "`kubectl logs POD` prints what the container wrote to its standard output.",
               "`kubectl exec POD -- COMMAND` runs a command in the container: `env`, `cat`, "
               "`curl localhost:8080` from inside the pod.",
               "A pod of a Deployment is replaceable: delete it and the Deployment creates a new "
               "one, with a new name."],
              ["`kubectl get pods` 列出 Pod；`kubectl describe pods` 显示它们的容器、镜像、IP 地址、所在节点和事件。",
               "`kubectl logs POD` 打印容器写到标准输出的内容。",
               "`kubectl exec POD -- COMMAND` 在容器中运行命令：在 Pod 内部运行 `env`、`cat`、`curl localhost:8080`。",
               "Deployment 的 Pod 是可替换的：删除一个，Deployment 就会创建一个名字不同的新 Pod。"]),
    ],
)
