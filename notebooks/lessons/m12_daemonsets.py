"""DaemonSets: kube-proxy, a node agent of our own, nodes joining and leaving, nodeSelector,
the automatic tolerations and a rolling update."""

from __future__ import annotations

from .cells import Module, code, exercise, md, picture, real_cluster_note, recap, setup, teardown

SLUG = "12-daemonsets"

AGENT = """\
%%kubectl apply -f -
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: node-agent
spec:
  selector:
    matchLabels:
      app: node-agent
  template:
    metadata:
      labels:
        app: node-agent
    spec:
      containers:
      - name: agent
        image: busybox:1.36
        # PID 1 ignores SIGTERM without a handler: the trap lets it stop at once
        command: ["sh", "-c", "trap 'exit 0' TERM; echo agent running on $NODE_NAME; while true; do sleep 3600 & wait; done"]
        env:
        - name: NODE_NAME
          valueFrom:
            fieldRef:
              fieldPath: spec.nodeName"""

# Pods of the agent by node, without their generated names.
BY_NODE = "-l app=node-agent -o custom-columns=NODE:.spec.nodeName,STATUS:.status.phase,IMAGE:.spec.containers[0].image --sort-by=.spec.nodeName"
TOLERATIONS = ("-l app=node-agent -o custom-columns=NODE:.spec.nodeName,"
               "TOLERATES:.spec.tolerations[*].key --sort-by=.spec.nodeName")

MODULE = Module(
    slug=SLUG,
    title={"en": "DaemonSets: a pod on every node", "zh": "DaemonSet：每个节点一个 Pod"},
    summary={"en": "kube-proxy, a node agent of your own, nodes joining and leaving, nodeSelector, "
                   "tolerations, a rolling update",
             "zh": "kube-proxy、自己的节点代理、节点加入与离开、nodeSelector、容忍度、滚动更新"},
    tutorial=False,
    chapter=True,
    minutes=15,
    cells=[
        md("""
           # DaemonSets: a pod on every node

           A Deployment asks for a number of replicas and lets the scheduler choose the nodes. A
           **DaemonSet** asks for something else: *one pod on every node* (or on every node that
           matches a selector). When a node joins the cluster, the DaemonSet adds a pod to it;
           when a node leaves, its pod goes with it. That is how clusters run node agents: a
           network proxy, a log collector, a monitoring agent.
           """,
           """
           # DaemonSet：每个节点一个 Pod

           Deployment 要求一定数量的副本，由调度器来选择节点。**DaemonSet** 要求的是另一回事：
           *每个节点上一个 Pod*（或者每个匹配选择器的节点上一个）。有节点加入集群时，DaemonSet
           就在它上面添加一个 Pod；节点离开时，它的 Pod 也随之消失。集群就是这样运行节点代理的：
           网络代理、日志收集器、监控代理。
           """),
        *setup(seed=12, nodes=2),
        md("""
           ## The DaemonSet every cluster has: kube-proxy

           The cluster already runs a DaemonSet of its own, in the `kube-system` namespace:
           `kube-proxy`, which programs each node's Service routing. Two nodes, so two pods:
           """,
           """
           ## 每个集群都有的 DaemonSet：kube-proxy

           集群自己在 `kube-system` 命名空间里已经运行着一个 DaemonSet：`kube-proxy`，
           它负责在每个节点上配置 Service 的转发规则。两个节点，所以有两个 Pod：
           """),
        code("%kubectl rollout status ds/kube-proxy -n kube-system"),
        code("%kubectl get daemonsets -A"),
        md("""
           The columns count nodes, not replicas: **DESIRED** nodes should run the pod,
           **CURRENT** run one, **READY** run a ready one, **UP-TO-DATE** run the latest pod
           template, **AVAILABLE** have been ready long enough. **NODE SELECTOR** limits the
           nodes (`kubernetes.io/os=linux` here). Every `kube-proxy-…` pod sits on a different node:
           """,
           """
           这些列统计的是节点，而不是副本：**DESIRED** 是应当运行该 Pod 的节点数，**CURRENT** 是
           已经运行它的节点数，**READY** 是运行着就绪 Pod 的节点数，**UP-TO-DATE** 是运行最新
           Pod 模板的节点数，**AVAILABLE** 是 Pod 就绪已足够久的节点数。**NODE SELECTOR** 限定
           了节点范围（这里是 `kubernetes.io/os=linux`）。每个 `kube-proxy-…` Pod 都在不同的节点上：
           """),
        code("%kubectl get pods -n kube-system -l k8s-app=kube-proxy -o wide"),
        md("""
           **kubenb and a real cluster:** a real multi-node minikube cluster also shows a second
           DaemonSet here, `kindnet`, the network plugin minikube installs when it starts more than
           one node. kubenb connects its pods without a network plugin and has no `kindnet`.
           The `kube-proxy` pods use the host's network, so their IP is the node's address.
           """,
           """
           **kubenb 与真实集群：**真实的多节点 minikube 集群在这里还会显示第二个 DaemonSet
           `kindnet`，这是 minikube 启动多个节点时安装的网络插件。kubenb 不用网络插件就能连通它的 Pod，
           所以没有 `kindnet`。`kube-proxy` Pod 使用主机网络，所以它们的 IP 就是节点的地址。
           """),
        real_cluster_note("addresses"),
        md("""
           ## A node agent of your own

           This DaemonSet runs a small agent on every node. It has no `replicas`: the number of
           pods follows the number of nodes. The agent reads its node's name from the pod's own
           `spec.nodeName` (the *downward API*) and says where it runs.
           """,
           """
           ## 自己的节点代理

           这个 DaemonSet 在每个节点上运行一个小代理。它没有 `replicas`：Pod 的数量跟随节点的数量。
           代理通过 Pod 自己的 `spec.nodeName`（*Downward API*）得知所在节点的名字，并报告它运行在哪里。
           """),
        code(AGENT),
        code("%kubectl rollout status ds/node-agent"),
        code("%kubectl get ds node-agent"),
        md("""
           One pod per node, each pinned to its node (the DaemonSet controller gives every pod a
           node affinity for exactly one node name):
           """,
           """
           每个节点一个 Pod，各自固定在自己的节点上（DaemonSet 控制器给每个 Pod 设置了只匹配一个节点名的节点亲和性）：
           """),
        code(f"%kubectl get pods {BY_NODE}"),
        code("%kubectl logs -l app=node-agent --prefix"),
        *picture("One `node-agent` pod on each node, next to the node's `kube-proxy` pod.",
                 "每个节点上一个 `node-agent` Pod，旁边是该节点的 `kube-proxy` Pod。"),
        md("""
           ## A node joins

           Add a third node. Nobody touches the DaemonSet, yet it now wants three pods, and the new
           node gets its agent (and its `kube-proxy`) as soon as it is ready:
           """,
           """
           ## 节点加入

           添加第三个节点。没有人改动 DaemonSet，它却开始需要三个 Pod，新节点一就绪就有了自己的代理
           （以及自己的 `kube-proxy`）：
           """),
        code("%minikube node add"),
        code("%kubectl wait --for=condition=Ready node/minikube-m03 --timeout=120s"),
        code("%kubectl rollout status ds/node-agent"),
        code("%kubectl get ds node-agent"),
        code(f"%kubectl get pods {BY_NODE}"),
        *picture("After `minikube node add`: `minikube-m03` runs its own `node-agent` pod.",
                 "`minikube node add` 之后：`minikube-m03` 运行着它自己的 `node-agent` Pod。"),
        md("""
           **kubenb and a real cluster:** kubenb adds a node in about a second; real minikube
           starts a new container or virtual machine, which takes tens of seconds to a minute, and
           gives it the next address of its network (`192.168.49.4`).
           """,
           """
           **kubenb 与真实集群：**kubenb 添加一个节点大约只要一秒；真实的 minikube 要启动一个新的容器或虚拟机，
           需要几十秒到一分钟，并为它分配所在网络的下一个地址（`192.168.49.4`）。
           """),
        md("""
           ## A node leaves

           Delete that node again. The DaemonSet wants two pods again at once:
           """,
           """
           ## 节点离开

           再把这个节点删掉。DaemonSet 立刻又只需要两个 Pod 了：
           """),
        code("%minikube node delete minikube-m03"),
        code("%kubectl wait --for=jsonpath='{.status.desiredNumberScheduled}'=2 ds/node-agent --timeout=60s"),
        code("%kubectl get ds node-agent"),
        md("""
           The agent pod of the deleted node is still listed for a moment: no kubelet is left to
           stop it. The **pod garbage collector** deletes pods bound to a node that no longer
           exists, after a quarantine that makes sure the node is really gone. Wait for it:
           """,
           """
           被删除节点上的代理 Pod 还会在列表里停留片刻：已经没有 kubelet 来停止它了。
           **Pod 垃圾回收器**会删除绑定在已不存在节点上的 Pod，但要先等待一段隔离期，确认节点真的不在了。等它完成：
           """),
        code("%kubectl wait --for=delete pods -l app=node-agent --field-selector spec.nodeName=minikube-m03 --timeout=60s"),
        code(f"%kubectl get pods {BY_NODE}"),
        md("""
           **kubenb and a real cluster:** the pod garbage collector of a real cluster waits 40 s
           before it deletes the pods of a deleted node; kubenb waits 8 s.
           """,
           """
           **kubenb 与真实集群：**真实集群的 Pod 垃圾回收器要等 40 秒才删除已删除节点上的 Pod；kubenb 只等 8 秒。
           """),
        md("""
           ## Cordoned nodes still run the daemon

           A cordoned node takes no new pods — except DaemonSet pods. The DaemonSet controller
           adds tolerations to every pod it creates, among them one for
           `node.kubernetes.io/unschedulable`, and two `NoExecute` ones without a time limit, so
           the agent also stays on a node that is not ready or unreachable:
           """,
           """
           ## 被封锁的节点照样运行守护进程

           被封锁（cordon）的节点不再接收新 Pod——DaemonSet 的 Pod 除外。DaemonSet 控制器给它创建的每个
           Pod 都加上了容忍度，其中一条针对 `node.kubernetes.io/unschedulable`，还有两条不限时长的
           `NoExecute` 容忍度，所以节点未就绪或不可达时，代理也会留在上面：
           """),
        code(f"%kubectl get pods {TOLERATIONS}"),
        md("""
           Cordon `minikube-m02` and replace every agent pod with `rollout restart`. The new pod of
           `minikube-m02` lands on the cordoned node all the same:
           """,
           """
           封锁 `minikube-m02`，再用 `rollout restart` 替换所有代理 Pod。`minikube-m02`
           的新 Pod 照样落在了这个被封锁的节点上：
           """),
        code("%kubectl cordon minikube-m02"),
        code("%kubectl rollout restart ds/node-agent"),
        code("%kubectl rollout status ds/node-agent"),
        code(f"%kubectl get pods {BY_NODE}"),
        code("%kubectl uncordon minikube-m02"),
        md("""
           ## A rolling update

           A DaemonSet updates its pods node by node. Its default strategy is `RollingUpdate`
           with `maxUnavailable: 1` (at most one node without a ready agent at a time) and
           `maxSurge: 0` (the old pod of a node stops before the new one starts):
           """,
           """
           ## 滚动更新

           DaemonSet 逐个节点地更新它的 Pod。默认策略是 `RollingUpdate`，其中 `maxUnavailable: 1`
           （同一时刻最多一个节点没有就绪的代理），`maxSurge: 0`（先停掉节点上的旧 Pod，再启动新 Pod）：
           """),
        code("%kubectl get ds node-agent -o jsonpath='{.spec.updateStrategy}'"),
        code("%kubectl set image ds/node-agent agent=busybox:1.37"),
        code("%kubectl rollout status ds/node-agent"),
        code(f"%kubectl get pods {BY_NODE}"),
        code("%kubectl rollout history ds/node-agent"),
        md("""
           ## Only some nodes: nodeSelector

           A `nodeSelector` in the pod template limits the DaemonSet to nodes with a label. Nodes
           without it get no pod (a running pod there is deleted); labelling a node later brings
           the pod to it, and the **NODE SELECTOR** column of `kubectl get ds` shows the selector.
           """,
           """
           ## 只在部分节点上运行：nodeSelector

           在 Pod 模板里写上 `nodeSelector`，就能把 DaemonSet 限定在带某个标签的节点上。没有这个标签的节点
           不会有 Pod（已经在运行的 Pod 会被删除）；之后给节点加上标签，Pod 就会出现在那里。
           `kubectl get ds` 的 **NODE SELECTOR** 列会显示这个选择器。
           """),
        *exercise("Run the agent only on *edge* nodes: give `node-agent`'s pod template the node "
                  "selector `role: edge`, and label `minikube-m02` as an edge node (`role=edge`). "
                  "`minikube` must end up without an agent.",
                  "让代理只运行在 *edge* 节点上：给 `node-agent` 的 Pod 模板加上节点选择器 `role: edge`，"
                  "并给 `minikube-m02` 打上 edge 节点的标签（`role=edge`）。最后 `minikube` 上不能再有代理。",
                  'kubenb.expect.daemonset("node-agent", desired=1, ready=1),\n'
                  '              kubenb.expect.pods("app=node-agent", node="minikube-m02", count=1),\n'
                  '              kubenb.expect.pods("app=node-agent", node="minikube", count=0)',
                  ["%kubectl label nodes minikube-m02 role=edge",
                   "%kubectl patch ds node-agent -p '{\"spec\":{\"template\":{\"spec\":{\"nodeSelector\":{\"role\":\"edge\"}}}}}'",
                   "%kubectl rollout status ds/node-agent",
                   "%kubectl get ds node-agent"]),
        *teardown(),
        recap(["A DaemonSet runs one pod on every node (`kubectl get ds` counts nodes: DESIRED, CURRENT, "
               "READY, UP-TO-DATE, AVAILABLE); `kube-proxy` in `kube-system` is one.",
               "Nodes joining (`minikube node add`) get the pod, nodes leaving "
               "(`minikube node delete`) take theirs with them; nobody edits the DaemonSet.",
               "DaemonSet pods tolerate `unschedulable`, `not-ready` and `unreachable`: cordoned "
               "nodes still run them.",
               "`kubectl set image ds/NAME ...` and `kubectl rollout status ds/NAME` update node by "
               "node (`maxUnavailable: 1`); a `nodeSelector` in the template limits the nodes."],
              ["DaemonSet 在每个节点上运行一个 Pod（`kubectl get ds` 统计的是节点：DESIRED、CURRENT、"
               "READY、UP-TO-DATE、AVAILABLE）；`kube-system` 里的 `kube-proxy` 就是一个 DaemonSet。",
               "加入的节点（`minikube node add`）会得到这个 Pod，离开的节点（`minikube node delete`）"
               "带走自己的 Pod；不需要任何人修改 DaemonSet。",
               "DaemonSet 的 Pod 容忍 `unschedulable`、`not-ready` 和 `unreachable`：被封锁的节点照样运行它们。",
               "`kubectl set image ds/NAME ...` 和 `kubectl rollout status ds/NAME` 逐个节点地更新"
               "（`maxUnavailable: 1`）；模板里的 `nodeSelector` 限定运行的节点。"]),
    ],
)
