"""Scheduling: requests and limits, a Pending pod, nodeSelector, taints and tolerations, cordon/drain."""

from __future__ import annotations

from .cells import Module, code, exercise, md, picture, real_cluster_note, recap, setup, teardown
from .manifests import APPLY, deployment

WEB = APPLY + deployment("web", "nginx", "nginx", replicas=3, container_spec="""\
resources:
  requests:
    cpu: 250m
    memory: 64Mi
  limits:
    cpu: 500m
    memory: 128Mi""")

GREEDY = """\
%%kubectl apply -f -
apiVersion: v1
kind: Pod
metadata:
  name: greedy
spec:
  containers:
  - name: nginx
    image: nginx
    resources:
      requests:
        cpu: "3\""""

SSD = """\
%%kubectl apply -f -
apiVersion: v1
kind: Pod
metadata:
  name: ssd-app
spec:
  nodeSelector:
    disktype: ssd
  containers:
  - name: nginx
    image: nginx"""

GPU = """\
%%kubectl apply -f -
apiVersion: v1
kind: Pod
metadata:
  name: gpu-job
spec:
  nodeSelector:
    kubernetes.io/hostname: minikube-m02
  tolerations:
  - key: dedicated
    operator: Equal
    value: gpu
    effect: NoSchedule
  containers:
  - name: nginx
    image: nginx"""

LATE = """\
%%kubectl apply -f -
apiVersion: v1
kind: Pod
metadata:
  name: late
spec:
  containers:
  - name: nginx
    image: nginx
    resources:
      requests:
        cpu: 1500m"""

COLUMNS = "NAME:.metadata.name,NODE:.spec.nodeName,CPU:.spec.containers[0].resources.requests.cpu,QOS:.status.qosClass"
# Pods by node, without their generated names: after the scheduler's retries the random name
# suffixes of new pods depend on timing, where they run does not.
BY_NODE = ("-o custom-columns=NODE:.spec.nodeName,CPU:.spec.containers[0].resources.requests.cpu,"
           "QOS:.status.qosClass --sort-by=.spec.nodeName")

MODULE = Module(
    slug="09-scheduling",
    title={"en": "Scheduling: where pods run", "zh": "调度：Pod 运行在哪里"},
    summary={"en": "requests and limits, a Pending pod, nodeSelector, taints, cordon and drain",
             "zh": "资源请求与限制、Pending 的 Pod、nodeSelector、污点、cordon 与 drain"},
    tutorial=False,
    minutes=20,
    cells=[
        md("""
           # Scheduling: where pods run

           Every new pod waits in a queue until the **scheduler** picks a node for it. The
           scheduler first *filters* the nodes (does the pod fit? is it allowed there?) and then
           *scores* the ones left (spread pods out, balance load). When no node passes the
           filters the pod stays `Pending`, and the scheduler says why in an event called
           `FailedScheduling`.

           This lesson tries each filter in turn: resource requests, node selectors, taints and
           tolerations, and cordoned nodes.
           """,
           """
           # 调度：Pod 运行在哪里

           每个新 Pod 都在队列里等待，直到**调度器**为它选定一个节点。调度器先*过滤*节点
           （Pod 放得下吗？允许放在那里吗？），再给剩下的节点*打分*（把 Pod 分散开、平衡负载）。
           如果没有节点通过过滤，Pod 就停留在 `Pending`，调度器会在名为 `FailedScheduling`
           的事件中说明原因。

           本节依次尝试每一种过滤条件：资源请求、节点选择器、污点与容忍度，以及被封锁（cordon）的节点。
           """),
        *setup(seed=9, nodes=3, extra="--cpus=2 --memory=4096"),
        md("""
           Three nodes with 2 CPUs and 4 GiB of memory each. *Allocatable* is what pods may use:
           """,
           """
           三个节点，每个有 2 个 CPU 和 4 GiB 内存。*Allocatable*（可分配量）是 Pod 可以使用的部分：
           """),
        code("%kubectl get nodes -o custom-columns=NAME:.metadata.name,CPU:.status.allocatable.cpu,MEMORY:.status.allocatable.memory"),
        md("""
           ## Requests and limits

           A container can declare **requests**, the CPU and memory it needs, and **limits**, the
           most it may use. The scheduler places a pod only on a node whose allocatable resources
           minus the requests of the pods already there still cover the new pod's requests.
           (Limits are enforced while the container runs: CPU above the limit is throttled,
           memory above it gets the container killed.)

           This Deployment asks for a quarter of a CPU (`250m`, 250 millicores) per pod:
           """,
           """
           ## 资源请求与限制

           容器可以声明 **requests**（请求：它需要的 CPU 和内存）和 **limits**（限制：它最多能用多少）。
           只有当某个节点的可分配资源减去已有 Pod 的请求量后仍能满足新 Pod 的请求时，调度器才会把 Pod 放到那里。
           （限制在容器运行时生效：CPU 超过限制会被限流，内存超过限制容器会被杀掉。）

           下面这个 Deployment 为每个 Pod 请求四分之一个 CPU（`250m`，即 250 毫核）：
           """),
        code(WEB),
        code("%kubectl rollout status deployment/web"),
        md("""
           One pod per node: the scheduler spreads the replicas of a Deployment. The QoS class
           `Burstable` means requests are set and lower than the limits.
           """,
           """
           每个节点一个 Pod：调度器会把同一个 Deployment 的副本分散开。QoS 类别 `Burstable`
           表示设置了请求，并且请求低于限制。
           """),
        code(f"%kubectl get pods -o custom-columns={COLUMNS}"),
        md("""
           A node's description adds up the requests of its pods under **Allocated resources**,
           the cluster's own pods of the `kube-system` namespace included (here `kube-proxy`,
           which runs on every node; `minikube` also runs the control plane, whose pods request
           750m of its CPU):
           """,
           """
           节点的描述在 **Allocated resources** 下汇总了它上面所有 Pod 的请求量，也包括集群自己在
           `kube-system` 命名空间里的 Pod（这里是每个节点上都有的 `kube-proxy`；`minikube`
           还运行着控制平面，它的 Pod 请求了 750m CPU）：
           """),
        code("%kubectl describe node minikube-m02"),
        real_cluster_note("addresses"),
        md("""
           ## A pod that fits nowhere

           This pod asks for 3 CPUs. No node has that much:
           """,
           """
           ## 哪里都放不下的 Pod

           这个 Pod 请求 3 个 CPU。没有哪个节点有这么多：
           """),
        code(GREEDY),
        code("%kubectl wait --for=condition=PodScheduled=false pod/greedy --timeout=60s"),
        code("%kubectl get pods greedy"),
        md("""
           It stays `Pending`. The scheduler's reason is at the bottom of the description:
           `0/3 nodes are available: 3 Insufficient cpu.` The second half says that evicting
           lower-priority pods (*preemption*) would not help either.
           """,
           """
           它一直停留在 `Pending`。调度器给出的原因在描述的最下面：
           `0/3 nodes are available: 3 Insufficient cpu.` 后半句说明，驱逐优先级更低的 Pod
           （*抢占*）也无济于事。
           """),
        code("%kubectl describe pod greedy"),
        real_cluster_note("tolerations"),
        code("%kubectl delete pod greedy"),
        md("""
           ## Choosing nodes by label: nodeSelector

           A pod can require node labels with `nodeSelector`. This one wants a node labelled
           `disktype=ssd` — and there is none yet:
           """,
           """
           ## 按标签选择节点：nodeSelector

           Pod 可以通过 `nodeSelector` 要求节点带有某些标签。这个 Pod 需要带 `disktype=ssd`
           标签的节点——目前还没有：
           """),
        code(SSD),
        code("%kubectl wait --for=condition=PodScheduled=false pod/ssd-app --timeout=60s"),
        code("%kubectl get events --field-selector involvedObject.name=ssd-app"),
        md("""
           Label a node. The scheduler retries the waiting pod and places it there at once.
           """,
           """
           给一个节点加上标签。调度器会重试这个等待中的 Pod，并立刻把它放到那里。
           """),
        code("%kubectl label nodes minikube-m03 disktype=ssd"),
        code("%kubectl wait --for=condition=Ready pod/ssd-app --timeout=60s"),
        code("%kubectl get nodes -L disktype"),
        code("%kubectl get pod ssd-app -o wide"),
        md("""
           ## Keeping pods away: taints and tolerations

           A **taint** on a node repels pods: with the effect `NoSchedule`, only pods that
           **tolerate** the taint can be scheduled there. Reserve `minikube-m02` for GPU work:
           """,
           """
           ## 让 Pod 远离：污点与容忍度

           节点上的**污点**（taint）会排斥 Pod：效果为 `NoSchedule` 时，只有**容忍**（toleration）
           这个污点的 Pod 才能调度到那里。把 `minikube-m02` 留给 GPU 任务：
           """),
        code("%kubectl taint nodes minikube-m02 dedicated=gpu:NoSchedule"),
        code("%kubectl get nodes -o custom-columns=NAME:.metadata.name,TAINTS:.spec.taints"),
        md("""
           Scale `web` to 6. The three new pods avoid `minikube-m02`; the pod already running
           there stays (`NoSchedule` does not evict, `NoExecute` would).
           """,
           """
           把 `web` 扩到 6 个副本。新增的三个 Pod 避开了 `minikube-m02`；已经在那里运行的 Pod
           不受影响（`NoSchedule` 不会驱逐，`NoExecute` 才会）。
           """),
        code("%kubectl scale deployment/web --replicas=6"),
        code("%kubectl rollout status deployment/web"),
        code(f"%kubectl get pods -l app=web {BY_NODE}"),
        md("""
           A pod with a matching toleration may run on the tainted node. A toleration only
           *allows*; to *send* the pod there, this one also selects the node by its hostname label.
           """,
           """
           带有匹配容忍度的 Pod 可以运行在有污点的节点上。容忍度只是*允许*；为了把 Pod *派*过去，
           这个 Pod 还用主机名标签选择了那个节点。
           """),
        code(GPU),
        code("%kubectl wait --for=condition=Ready pod/gpu-job --timeout=60s"),
        code("%kubectl get pod gpu-job -o wide"),
        md("""
           ## Maintenance: cordon and drain

           Before working on a node, **cordon** it (no new pods) and **drain** it (evict the
           pods it runs, so their controllers recreate them elsewhere).
           """,
           """
           ## 维护节点：cordon 与 drain

           在维护节点之前，先**封锁**（cordon）它（不再接收新 Pod），再**腾空**（drain）它
           （驱逐它上面运行的 Pod，由它们的控制器在别处重新创建）。
           """),
        code("%kubectl cordon minikube-m03"),
        code("%kubectl get nodes"),
        md("""
           `drain` refuses at first: `ssd-app` is a bare pod that no controller would recreate,
           so evicting it would lose it. `--force` says that is fine. `--ignore-daemonsets`
           leaves the node's `kube-proxy` pod alone: its DaemonSet would put it right back.
           """,
           """
           `drain` 一开始会拒绝：`ssd-app` 是一个没有控制器的裸 Pod，驱逐它就意味着它永远消失了。
           加上 `--force` 表示可以接受。`--ignore-daemonsets` 让节点上的 `kube-proxy` Pod
           留在原地：它的 DaemonSet 反正会马上把它放回来。
           """),
        code("%kubectl drain minikube-m03 --ignore-daemonsets"),
        code("%kubectl drain minikube-m03 --ignore-daemonsets --force"),
        md("""
           The Deployment is three pods short now (3 available). It replaces them on the only
           node that accepts them, `minikube`; wait until all six are available again.
           `ssd-app` is gone for good.
           """,
           """
           Deployment 现在少了三个 Pod（可用的只有 3 个）。它在唯一接受它们的节点 `minikube`
           上替换被驱逐的 Pod；等到六个 Pod 全部重新可用。`ssd-app` 则彻底消失了。
           """),
        code("%kubectl wait --for=jsonpath='{.status.availableReplicas}'=3 deployment/web --timeout=60s"),
        code("%kubectl wait --for=jsonpath='{.status.availableReplicas}'=6 deployment/web --timeout=60s"),
        code(f"%kubectl get pods {BY_NODE}"),
        *picture('The picture after the drain: `minikube-m03` cordoned and empty, `minikube-m02` tainted, the pods on `minikube`.',
                  '排空之后的示意图：`minikube-m03` 被封锁且为空，`minikube-m02` 带有污点，Pod 都在 `minikube` 上。'),
        md("""
           ## Every filter at once

           Now a pod asking for 1.5 CPUs finds no node: `minikube` has too little CPU left,
           `minikube-m02` is tainted and `minikube-m03` is cordoned. The `FailedScheduling`
           message counts the nodes rejected for each reason.
           """,
           """
           ## 所有过滤条件同时出现

           现在一个请求 1.5 个 CPU 的 Pod 找不到节点：`minikube` 剩余的 CPU 不够，`minikube-m02`
           有污点，`minikube-m03` 被封锁了。`FailedScheduling` 消息按原因统计了被排除的节点数。
           """),
        code(LATE),
        code("%kubectl wait --for=condition=PodScheduled=false pod/late --timeout=60s"),
        code("%kubectl get events --field-selector involvedObject.name=late"),
        md("""
           Maintenance over: `uncordon` makes `minikube-m03` schedulable again, and the waiting
           pod lands there.
           """,
           """
           维护结束：`uncordon` 让 `minikube-m03` 重新可调度，等待中的 Pod 随即被放到那里。
           """),
        code("%kubectl uncordon minikube-m03"),
        code("%kubectl wait --for=condition=Ready pod/late --timeout=60s"),
        code("%kubectl get pod late -o wide"),
        *exercise("Scale `web` to 8 replicas and make sure the GPU node keeps only the one `web` "
                  "pod it already had: no new pod may land on `minikube-m02`.",
                  "把 `web` 扩到 8 个副本，并确认 GPU 节点上仍然只有原来那一个 `web` Pod："
                  "新的 Pod 都不能落到 `minikube-m02` 上。",
                  'kubenb.expect.deployment("web", replicas=8, available=8),\n'
                  '              kubenb.expect.pods("app=web", node="minikube-m02", count=1)',
                  ["%kubectl scale deployment/web --replicas=8",
                   "%kubectl rollout status deployment/web"]),
        *teardown(),
        recap(["The scheduler puts a pod only on a node with enough unreserved CPU and memory for "
               "its **requests**; otherwise the pod stays `Pending` and a `FailedScheduling` event "
               "says why (`kubectl describe pod`, `kubectl get events`).",
               "`nodeSelector` sends a pod to nodes with a label (`kubectl label nodes NODE KEY=VALUE`).",
               "`kubectl taint nodes NODE KEY=VALUE:NoSchedule` keeps pods away unless they tolerate "
               "the taint; pods already there stay.",
               "`kubectl cordon` stops new pods from landing on a node, `kubectl drain` evicts its "
               "pods, `kubectl uncordon` opens it again."],
              ["调度器只会把 Pod 放到未预留的 CPU 和内存足以满足其**请求**（requests）的节点上；否则 Pod 停在 "
               "`Pending`，`FailedScheduling` 事件会说明原因（`kubectl describe pod`、`kubectl get events`）。",
               "`nodeSelector` 把 Pod 派到带有某个标签的节点上（`kubectl label nodes NODE KEY=VALUE`）。",
               "`kubectl taint nodes NODE KEY=VALUE:NoSchedule` 让不容忍该污点的 Pod 远离节点；已经在上面的 Pod 不受影响。",
               "`kubectl cordon` 禁止新 Pod 落到节点上，`kubectl drain` 驱逐节点上的 Pod，"
               "`kubectl uncordon` 重新开放节点。"]),
    ],
)
