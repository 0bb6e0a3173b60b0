"""Self-healing: a node dies under traffic — NotReady, eviction, rescheduling — counted and plotted."""

from __future__ import annotations

from .cells import LIVE, Module, code, md, setup, teardown
from .m05_expose import MINIKUBE_IP, NODE_PORT

TRAFFIC = """\
import threading
import time
from urllib.request import urlopen

URL = f"http://{MINIKUBE_IP}:{NODE_PORT}"
t0 = time.monotonic()
requests_log = []  # (seconds since t0, answered?)
answered = threading.Condition()
stop = threading.Event()


def traffic():
    while not stop.is_set():
        sent = time.monotonic() - t0
        try:
            with urlopen(URL, timeout=2) as reply:
                ok = reply.status == 200
        except OSError:
            ok = False
        with answered:
            requests_log.append((sent, ok))
            answered.notify_all()
        stop.wait(0.05)  # about 20 requests a second


worker = threading.Thread(target=traffic, daemon=True)
worker.start()
with answered:
    answered.wait_for(lambda: len(requests_log) >= 20, timeout=30)
print("requests are flowing:", all(ok for _, ok in requests_log))"""

TIMELINE = """\
import kubenb.widgets

timeline = kubenb.widgets.timeline(by="node", selector="app=kubernetes-bootcamp")"""

AFTER = """\
settled_at = time.monotonic() - t0
with answered:  # 40 more requests after the replacements are ready
    answered.wait_for(lambda: sum(t >= settled_at for t, _ in requests_log) >= 40, timeout=30)
stop.set()
worker.join()"""

SUMMARY_EN = """\
phases = [("before the node stopped", lambda t: t < stopped_at),
          ("while the node was failing", lambda t: stopped_at <= t < settled_at),
          ("after the pods were replaced", lambda t: t >= settled_at)]
for name, during in phases:
    results = [ok for t, ok in requests_log if during(t)]
    print(f"{name:30} {results.count(False)} of {len(results)} requests failed")"""

SUMMARY_ZH = """\
phases = [("节点停止之前", lambda t: t < stopped_at),
          ("节点故障期间", lambda t: stopped_at <= t < settled_at),
          ("Pod 被替换之后", lambda t: t >= settled_at)]
for name, during in phases:
    results = [ok for t, ok in requests_log if during(t)]
    print(f"{name}：{len(results)} 个请求中失败 {results.count(False)} 个")"""

PLOT_TIMELINE = """\
%matplotlib inline
timeline.stop()
timeline.plot(title="bootcamp pods per node while minikube-m02 fails")"""

MODULE = Module(
    slug="08-self-healing",
    title={"en": "Self-healing: a node fails under traffic", "zh": "自我修复：节点在流量中出故障"},
    summary={"en": "stop a node while requests flow: NotReady, eviction, rescheduling, no lost users",
             "zh": "在请求不断时停掉一个节点：NotReady、驱逐、重新调度，用户无感知"},
    tutorial=False,
    cells=[
        md("""
           # Self-healing: a node fails under traffic

           The Deployment lessons promised that Kubernetes replaces the pods of a failed node.
           Here you watch it happen, step by step, while a stream of requests keeps hitting the
           app through its Service — the way real users would.

           What happens when a node dies:

           1. Its kubelet stops sending heartbeats. After a grace period the control plane marks
              the node `NotReady` and its pods not ready, so the Service stops sending them
              traffic.
           2. The node gets a taint, `node.kubernetes.io/unreachable`. Pods tolerate it for a
              while (5 minutes by default; 10 seconds in kubenb, so you don't wait), then they
              are **evicted**.
           3. The ReplicaSet sees fewer pods than wanted and creates replacements, which the
              scheduler puts on the healthy nodes.
           """,
           """
           # 自我修复：节点在流量中出故障

           在 Deployment 那一节我们说过，Kubernetes 会替换故障节点上的 Pod。这里你将一步步看着它发生，
           同时有源源不断的请求通过 Service 访问应用——就像真实用户那样。

           节点宕机时会发生什么：

           1. 它的 kubelet 不再发送心跳。经过一段宽限期后，控制平面把节点标记为 `NotReady`，
              把它上面的 Pod 标记为未就绪，于是 Service 不再把流量发给它们。
           2. 节点被加上污点 `node.kubernetes.io/unreachable`。Pod 对它的容忍有时限
             （默认 5 分钟；kubenb 中为 10 秒，免得你久等），之后 Pod 就会被**驱逐**。
           3. ReplicaSet 发现 Pod 少于期望值，于是创建替代的 Pod，调度器把它们放到健康的节点上。
           """),
        *setup(seed=8, nodes=3),
        md("""
           ## Six replicas on three nodes

           Deploy the app with six replicas and a NodePort Service.
           """,
           """
           ## 三个节点上的六个副本

           部署应用，六个副本，再加一个 NodePort 类型的 Service。
           """),
        code("%kubectl create deployment kubernetes-bootcamp --image=gcr.io/google-samples/kubernetes-bootcamp:v1 --replicas=6"),
        code("%kubectl rollout status deployment/kubernetes-bootcamp"),
        code('%kubectl expose deployment/kubernetes-bootcamp --type="NodePort" --port 8080'),
        code("%kubectl get pods -o wide"),
        md("""
           The live picture of the cluster: keep an eye on it when the node goes down.
           """,
           """
           集群的实时图：节点宕机时请留意它的变化。
           """, needs="widget"),
        code("import kubenb\n\nkubenb.show()", needs="widget", tags=LIVE),
        md("""
           Note which pods run on `minikube-m02`, the node that is going to fail.
           """,
           """
           记下哪些 Pod 运行在 `minikube-m02` 上——它就是将要出故障的节点。
           """),
        code("ON_M02 = %kubectl get pods --field-selector spec.nodeName=minikube-m02 -o name"),
        md("""
           ## Traffic

           Start a background thread that sends about 20 requests a second to the Service
           through the node port of `minikube` (the node that stays up) and records whether each
           one was answered.
           """,
           """
           ## 流量

           启动一个后台线程：通过 `minikube`（不会出故障的那个节点）的节点端口，每秒向 Service
           发送大约 20 个请求，并记录每个请求是否得到了应答。
           """),
        code(NODE_PORT),
        code(MINIKUBE_IP),
        code(TRAFFIC),
        md("""
           Record the pods on each node over time, for a plot at the end.
           """,
           """
           记录每个节点上的 Pod 数随时间的变化，最后画成图。
           """),
        code(TIMELINE),
        md("""
           ## Stop the node

           `minikube node stop` kills the node: its pods' processes die at once and its kubelet
           goes silent.
           """,
           """
           ## 停止节点

           `minikube node stop` 让节点宕机：它上面 Pod 的进程立刻终止，kubelet 也不再发声。
           """),
        code("stopped_at = time.monotonic() - t0\n%minikube node stop minikube-m02"),
        md("""
           A few seconds without heartbeats, and the node controller gives up on the node: its
           Ready condition becomes `Unknown`, shown as `NotReady`.
           """,
           """
           几秒钟没有心跳后，节点控制器放弃了这个节点：它的 Ready 状况变成 `Unknown`，
           显示为 `NotReady`。
           """),
        code("%kubectl wait --for=condition=Ready=Unknown node/minikube-m02 --timeout=60s"),
        code("%kubectl get nodes"),
        md("""
           The node controller marks its pods not ready: their `Ready` condition turns `False`
           (that is what `wait` checks), which removes them from the Service's endpoints. The
           list still shows them `1/1 Running`: that is the last thing their node reported,
           and nobody can ask it now.
           """,
           """
           节点控制器把它上面的 Pod 标记为未就绪：它们的 `Ready` 状况变为 `False`（`wait` 检查的正是这个），
           于是它们从 Service 的端点中移除。列表里它们仍显示 `1/1 Running`：这是节点最后一次汇报的状态，
           而现在已经无法再问它了。
           """),
        code("""\
            for pod in ON_M02.split():
                %kubectl wait --for=condition=Ready=false $pod --timeout=60s"""),
        code("%kubectl get pods -o wide"),
        md("""
           The taint on the node: `unreachable`, with effects `NoSchedule` (no new pods) and
           `NoExecute` (evict the pods that do not tolerate it any more).
           """,
           """
           节点上的污点：`unreachable`，效果为 `NoSchedule`（不再调度新 Pod）和
           `NoExecute`（驱逐不再容忍它的 Pod）。
           """),
        code("%kubectl get node minikube-m02 -o custom-columns=NAME:.metadata.name,TAINTS:.spec.taints"),
        md("""
           Ten seconds later the pods' toleration runs out and they are evicted: they get a
           deletion timestamp. The ReplicaSet creates replacements at once, and `rollout status`
           waits until they are all available.
           """,
           """
           十秒后 Pod 的容忍时间用完，它们被驱逐：被打上删除时间戳。ReplicaSet 立刻创建替代的 Pod，
           `rollout status` 一直等到它们全部可用。
           """),
        code("""\
            for pod in ON_M02.split():
                %kubectl wait --for=jsonpath='{.metadata.deletionTimestamp}' $pod --timeout=60s"""),
        code("%kubectl rollout status deployment/kubernetes-bootcamp"),
        md("""
           Six pods are running again, on the two healthy nodes. The evicted ones stay
           `Terminating`: their node cannot confirm they stopped, so Kubernetes keeps their
           records until it can.
           """,
           """
           又有六个 Pod 在运行了，分布在两个健康的节点上。被驱逐的 Pod 停留在 `Terminating`：
           它们的节点无法确认它们已停止，所以 Kubernetes 会一直保留它们的记录，直到能够确认为止。
           """),
        code("%kubectl get pods -o wide"),
        md("""
           ## What the users saw

           Let 40 more requests through, stop the traffic, and count the failures in each phase.
           """,
           """
           ## 用户看到了什么

           再让 40 个请求通过，然后停止流量，统计每个阶段失败的请求数。
           """),
        code(AFTER),
        md("""
           Requests can fail only in the short window between the node's death and the moment
           its pods leave the Service's endpoints; once the replacements are ready, none fail.
           """,
           """
           请求只可能在很短的时间窗口内失败：从节点宕机到它的 Pod 被移出 Service 端点为止；
           替代的 Pod 就绪之后，就不会再有失败。
           """),
        code(SUMMARY_EN, zh=SUMMARY_ZH),
        md("""
           Live pods per node over time. The vertical marks show when `minikube-m02` changed
           state; the line of `minikube-m02` drops when its pods are evicted, and the others rise
           as the replacements start.
           """,
           """
           每个节点上存活的 Pod 数随时间的变化。竖线标出 `minikube-m02` 状态改变的时刻；
           Pod 被驱逐时 `minikube-m02` 的曲线下降，替代的 Pod 启动时其他节点的曲线上升。
           """),
        code(PLOT_TIMELINE),
        md("""
           ## The node comes back

           Start the node again. Its kubelet reports in, learns that its old pods were deleted
           and removes them. The pods do **not** move back: Kubernetes does not rebalance
           running pods; new ones will use the node.
           """,
           """
           ## 节点恢复

           重新启动这个节点。它的 kubelet 重新汇报，得知旧 Pod 已被删除，于是清理掉它们。
           Pod **不会**搬回来：Kubernetes 不会重新平衡正在运行的 Pod；以后的新 Pod 才会用到这个节点。
           """),
        code("%minikube node start minikube-m02"),
        code("%kubectl wait --for=condition=Ready node/minikube-m02 --timeout=60s"),
        md("""
           Wait until the node has removed its old pods (`%%capture` hides the messages: whether
           there are any depends on how quickly the node cleaned up), then look:
           """,
           """
           等待节点清理掉它的旧 Pod（`%%capture` 隐藏了输出：有没有输出取决于节点清理得有多快），然后再看：
           """),
        code("""\
            %%capture
            for pod in ON_M02.split():
                %kubectl wait --for=delete $pod --timeout=60s"""),
        code("%kubectl get pods -o wide"),
        *teardown(),
    ],
)
