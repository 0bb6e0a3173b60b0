"""Self-healing: a node dies under traffic — the failure window counted, NotReady, eviction,
rescheduling, and what protects users (replicas, readiness, retries, PodDisruptionBudgets)."""

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
from .m05_expose import MINIKUBE_IP, NODE_PORT

TRAFFIC = """\
import threading
import time
from urllib.request import urlopen

URL = f"http://{MINIKUBE_IP}:{NODE_PORT}"
TIMEOUT = 2  # seconds a client waits for an answer before it gives up
t0 = time.monotonic()
requests_log = []  # (sent, done, answered?), in seconds since t0
answered = threading.Condition()
stop = threading.Event()


def client():
    while not stop.is_set():
        sent = time.monotonic() - t0
        try:
            with urlopen(URL, timeout=TIMEOUT) as reply:
                ok = reply.status == 200
        except OSError:  # timed out, reset or refused: the user got an error
            ok = False
        with answered:
            requests_log.append((sent, time.monotonic() - t0, ok))
            answered.notify_all()
        stop.wait(0.2)  # four clients: about 20 requests a second


clients = [threading.Thread(target=client, daemon=True) for _ in range(4)]
for c in clients:
    c.start()
with answered:
    answered.wait_for(lambda: len(requests_log) >= 20, timeout=30)
print("requests are flowing:", all(ok for _, _, ok in requests_log))"""

TIMELINE = """\
import kubenb.widgets

timeline = kubenb.widgets.timeline(by="node", selector="app=kubernetes-bootcamp")"""

AFTER = """\
settled_at = time.monotonic() - t0
with answered:  # 40 more requests after the replacements are ready
    answered.wait_for(lambda: sum(sent >= settled_at for sent, _, _ in requests_log) >= 40, timeout=30)
stop.set()
for c in clients:
    c.join()"""

# A request belongs to "before" only if it was answered before the node stopped, and to "after"
# only if it was sent once the replacements were ready: both phases are deterministic (0
# failures); everything in between is the failure window, whose size varies from run to run.
SUMMARY_EN = """\
phases = [("before the node stopped", lambda sent, done: done < stopped_at),
          ("while the node was failing", lambda sent, done: done >= stopped_at and sent < settled_at),
          ("after the pods were replaced", lambda sent, done: sent >= settled_at)]
failed = {}
for name, during in phases:
    results = [ok for sent, done, ok in requests_log if during(sent, done)]
    failed[name] = results.count(False)
    print(f"{name:30} {failed[name]} of {len(results)} requests failed")
print("some requests failed while the node was failing:", failed["while the node was failing"] > 0)"""

SUMMARY_ZH = """\
phases = [("节点停止之前", lambda sent, done: done < stopped_at),
          ("节点故障期间", lambda sent, done: done >= stopped_at and sent < settled_at),
          ("Pod 被替换之后", lambda sent, done: sent >= settled_at)]
failed = {}
for name, during in phases:
    results = [ok for sent, done, ok in requests_log if during(sent, done)]
    failed[name] = results.count(False)
    print(f"{name}：{len(results)} 个请求中失败 {failed[name]} 个")
print(f"节点故障期间有请求失败：{failed['节点故障期间'] > 0}")"""

PLOT_TIMELINE = """\
%matplotlib inline
timeline.stop()
timeline.plot(title="bootcamp pods per node while minikube-m02 fails")"""

TOLERATIONS = "%kubectl get pods -l app=kubernetes-bootcamp -o jsonpath='{.items[0].spec.tolerations}'"

MODULE = Module(
    slug="08-self-healing",
    title={"en": "Self-healing: a node fails under traffic", "zh": "自我修复：节点在流量中出故障"},
    summary={"en": "stop a node while requests flow: the failure window, NotReady, eviction, "
                   "rescheduling, and what protects users",
             "zh": "在请求不断时停掉一个节点：故障窗口、NotReady、驱逐、重新调度，以及怎样保护用户"},
    tutorial=False,
    minutes=20,
    cells=[
        md("""
           # Self-healing: a node fails under traffic

           The Deployment lessons promised that Kubernetes replaces the pods of a failed node.
           Here you watch it happen, step by step, while a stream of requests keeps hitting the
           app through its Service — the way real users would — and you count what those users
           saw. Self-healing is real, but it is not instant: for a while, some requests fail.

           What happens when a node dies:

           1. Its pods die with it, but nobody is told. Its kubelet simply stops sending
              heartbeats, and until the control plane notices, the Service keeps sending a share
              of the traffic to the dead pods.
           2. After a grace period without heartbeats (the **node-monitor grace period**) the
              node controller marks the node `NotReady` and its pods not ready, so the Service
              stops sending them traffic.
           3. The node gets a taint, `node.kubernetes.io/unreachable`. Pods tolerate it for a
              while, then they are **evicted**.
           4. The ReplicaSet sees fewer pods than wanted and creates replacements, which the
              scheduler puts on the healthy nodes.
           """,
           """
           # 自我修复：节点在流量中出故障

           在 Deployment 那一节我们说过，Kubernetes 会替换故障节点上的 Pod。这里你将一步步看着它发生，
           同时有源源不断的请求通过 Service 访问应用——就像真实用户那样——并统计这些用户遇到了什么。
           自我修复是真的，但不是瞬间完成的：有一段时间，部分请求会失败。

           节点宕机时会发生什么：

           1. 它上面的 Pod 随之死去，但没有任何组件得到通知。它的 kubelet 只是不再发送心跳；
              在控制平面察觉之前，Service 仍会把一部分流量发给这些已经死去的 Pod。
           2. 在一段没有心跳的宽限期（**节点监控宽限期**，node-monitor grace period）过后，
              节点控制器把节点标记为 `NotReady`，把它上面的 Pod 标记为未就绪，于是 Service
              不再把流量发给它们。
           3. 节点被加上污点 `node.kubernetes.io/unreachable`。Pod 对它的容忍有时限，
              时间一到，Pod 就会被**驱逐**。
           4. ReplicaSet 发现 Pod 少于期望值，于是创建替代的 Pod，调度器把它们放到健康的节点上。
           """),
        md("""
           kubenb shortens the delays so that all of this plays out in well under a minute; the
           table shows what a real cluster uses by default.

           | delay | kubenb | real cluster |
           |---|---|---|
           | node-monitor grace period (no heartbeat → `NotReady`) | 8 s | 40 s |
           | toleration of `not-ready` / `unreachable` (→ eviction) | 10 s | 300 s |
           """,
           """
           kubenb 缩短了这些延迟，让整个过程在一分钟之内演完；下表列出真实集群的默认值。

           | 延迟 | kubenb | 真实集群 |
           |---|---|---|
           | 节点监控宽限期（没有心跳 → `NotReady`） | 8 秒 | 40 秒 |
           | 对 `not-ready` / `unreachable` 的容忍（→ 驱逐） | 10 秒 | 300 秒 |
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
        real_cluster_note("addresses"),
        md("""
           Every pod got two tolerations when it was created: how long it may stay on a node
           that is `not-ready` or `unreachable`.
           """,
           """
           每个 Pod 在创建时都被加上了两条容忍：它能在 `not-ready`（未就绪）或 `unreachable`（不可达）
           的节点上停留多久。
           """),
        code(TOLERATIONS),
        real_cluster_note("tolerations"),
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

           Start four background clients that together send about 20 requests a second to the
           Service through the node port of `minikube` (the node that stays up). Like a browser
           or an app, each client waits at most 2 seconds for an answer and does not retry. The
           clients record when each request was sent, when it ended, and whether it was
           answered.
           """,
           """
           ## 流量

           启动四个后台客户端：它们通过 `minikube`（不会出故障的那个节点）的节点端口，每秒一共向
           Service 发送大约 20 个请求。像浏览器或应用程序一样，每个客户端最多等待 2 秒应答，不重试。
           客户端记录每个请求的发送时间、结束时间，以及它是否得到了应答。
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
           goes silent. From this moment, a request that kube-proxy sends to one of the three
           pods of `minikube-m02` goes nowhere.
           """,
           """
           ## 停止节点

           `minikube node stop` 让节点宕机：它上面 Pod 的进程立刻终止，kubelet 也不再发声。
           从这一刻起，kube-proxy 发给 `minikube-m02` 上那三个 Pod 的请求都石沉大海。
           """),
        code("stopped_at = time.monotonic() - t0\n%minikube node stop minikube-m02"),
        md("""
           For the node-monitor grace period nothing changes in the API: the node is still
           `Ready`, its pods are still endpoints of the Service. Then the node controller gives
           up on the node: its Ready condition becomes `Unknown`, shown as `NotReady`.
           """,
           """
           在节点监控宽限期内，API 中什么都没有变：节点仍是 `Ready`，它的 Pod 仍是 Service 的端点。
           宽限期过后，节点控制器放弃了这个节点：它的 Ready 状况变成 `Unknown`，显示为 `NotReady`。
           """),
        code("%kubectl wait --for=condition=Ready=Unknown node/minikube-m02 --timeout=60s"),
        code("%kubectl get nodes"),
        *picture("The picture at this moment: `minikube-m02` is `NotReady`, its pods still listed on it.",
                 "此刻的集群图：`minikube-m02` 处于 `NotReady`，它的 Pod 仍然显示在它上面。"),
        md("""
           The node controller marks its pods not ready: their `Ready` condition turns `False`
           (that is what `wait` checks), and the endpoints controller moves them to the
           Service's not-ready addresses, so kube-proxy stops choosing them. The list still shows
           them `1/1 Running`: that is the last thing their node reported, and nobody can ask
           it now.
           """,
           """
           节点控制器把它上面的 Pod 标记为未就绪：它们的 `Ready` 状况变为 `False`（`wait` 检查的正是这个），
           端点控制器随即把它们移到 Service 的未就绪地址中，kube-proxy 也就不再选中它们。
           列表里它们仍显示 `1/1 Running`：这是节点最后一次汇报的状态，而现在已经无法再问它了。
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
           A request counts as *before* if it was answered before the node stopped, as *after* if
           it was sent once the replacements were ready; all the others fall in between. How many
           requests fail in between differs from run to run (the last line, whether any failed,
           does not).
           """,
           """
           ## 用户看到了什么

           再让 40 个请求通过，然后停止流量，统计每个阶段失败的请求数。在节点停止之前就已得到应答的请求
           算作“之前”，在替代的 Pod 就绪之后才发出的请求算作“之后”，其余的都算作故障期间。
           故障期间失败的请求数每次运行都不一样（最后一行，即是否有请求失败，则每次都一样）。
           """),
        code(AFTER),
        code(SUMMARY_EN, zh=SUMMARY_ZH),
        md("""
           ## Why requests failed

           Nothing on the path of a request knew that the node had died:

           - A Service sends traffic to its **endpoints**: the addresses of its ready pods, kept
             up to date by the endpoints controller. The pods of `minikube-m02` stayed endpoints
             until the node controller marked them not ready, and it does that only after the
             node has missed its heartbeats for the node-monitor grace period.
           - kube-proxy (in its default iptables mode) sends each new connection to one endpoint
             **drawn at random**, and **never retries** another one. A connection drawn to a
             pod of the dead node goes nowhere: the client waits until its own timeout (2 s
             here) and gets an error.
           - Three of the six endpoints were on the dead node, so in that window each request
             had one chance in two of failing, and each failure kept its client waiting 2
             seconds. As soon as the pods left the endpoints, every new request went to a live
             pod: most requests of the middle phase came after that, and succeeded. Eviction
             and the replacements came later still: they restore the capacity (six replicas),
             not the availability.

           In a real cluster with the default settings the window lasts about **40 seconds**
           (the grace period), and the replacements start only after **5 minutes** more (the 300 s tolerations): minutes
           with fewer replicas carrying all the traffic.
           """,
           """
           ## 请求为什么会失败

           请求途经的每一个环节都不知道节点已经宕机：

           - Service 把流量发给它的**端点**（endpoints）：即它的就绪 Pod 的地址，由端点控制器负责更新。
             `minikube-m02` 上的 Pod 一直是端点，直到节点控制器把它们标记为未就绪；而节点控制器只有在节点
             错过心跳的时间超过节点监控宽限期之后才会这样做。
           - kube-proxy（默认的 iptables 模式）为每个新连接**随机选取**一个端点，并且**从不重试**别的端点。
             被分到宕机节点上 Pod 的连接石沉大海：客户端一直等到自己的超时（这里是 2 秒），然后得到一个错误。
           - 六个端点中有三个在宕机的节点上，所以在这段窗口期里，每个请求都有一半的几率失败，
             而每次失败都让客户端白等 2 秒。Pod 一离开端点列表，每个新请求就都发往存活的 Pod：
             故障期间的大部分请求是在这之后发出的，它们都成功了。驱逐和替代的 Pod 来得更晚：
             它们恢复的是容量（六个副本），而不是可用性。

           在使用默认设置的真实集群中，这个窗口大约持续 **40 秒**（宽限期），而替代的 Pod 要再过 **5 分钟**（300 秒的容忍）才会启动：在这几分钟里，
           由较少的副本承担全部流量。
           """),
        md("""
           ## What protects users

           - **Enough replicas, spread over nodes.** When a node dies, the others must carry its
             share of the load, and no node may hold every replica. The scheduler spreads a
             Deployment's pods by default; topology spread constraints and pod anti-affinity
             make it a rule.
           - **Client retries, with short timeouts.** A retry is a new connection, so kube-proxy
             draws a new endpoint: most likely a live one. A retry turns most of the failures
             above into slightly slower answers (for requests that are safe to repeat). Ingress
             controllers and service meshes can retry for the client.
           - **Readiness probes.** The kubelet probes each container; a pod that fails its
             readiness probe leaves the endpoints within seconds, while its node is up. That
             covers a hung or overloaded app, not a dead node: the kubelet that runs the probes
             died with it, and only the node-monitor grace period ends that window.
           - **PodDisruptionBudgets (PDBs).** A PDB (`minAvailable`, `maxUnavailable`) limits how
             many replicas *voluntary* disruptions may take down at once: `kubectl drain`,
             cluster upgrades, the cluster autoscaler removing a node. They evict pods through
             the Eviction API, which respects the budget. A PDB does **not** protect against a
             node crash: nobody asks for permission when a node dies.
           """,
           """
           ## 怎样保护用户

           - **足够的副本，分散在多个节点上。** 一个节点宕机时，其他节点必须分担它的那份负载，
             而且任何一个节点都不能承载全部副本。调度器默认会把 Deployment 的 Pod 分散开；
             拓扑分布约束（topology spread constraints）和 Pod 反亲和性（anti-affinity）可以把它定为硬性规则。
           - **客户端重试，配合较短的超时。** 重试是一个新连接，kube-proxy 会重新选取端点：多半会选中存活的
             Pod。重试能把上面的大部分失败变成稍慢一点的应答（对可以安全重复的请求而言）。
             Ingress 控制器和服务网格可以替客户端重试。
           - **就绪探针（readiness probe）。** kubelet 会探测每个容器；在节点正常时，探测失败的 Pod
             几秒钟内就会离开端点列表。它应对的是卡死或过载的应用，而不是宕机的节点：执行探测的 kubelet
             已经随节点一起死去，只有节点监控宽限期才能结束这个窗口。
           - **PodDisruptionBudget（PDB）。** PDB（`minAvailable`、`maxUnavailable`）限制**自愿**中断
             一次最多能让多少副本停止服务：`kubectl drain`、集群升级、集群自动扩缩器移除节点。
             这些操作通过 Eviction API 驱逐 Pod，而 Eviction API 会遵守这个预算。PDB **不能**防范节点崩溃：
             节点宕机时，没有谁会先征求许可。
           """),
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
        *exercise("With one node down, the two others carry all six replicas. Scale the Deployment down to 4 "
                  "replicas, and make sure that both remaining nodes, `minikube` and "
                  "`minikube-m03`, still run at least one of them, so that the next node failure "
                  "cannot take them all.",
                  "一个节点宕机后，六个副本全压在另外两个节点上。把 Deployment 缩容到 4 个副本，并确保剩下的两个节点 "
                  "`minikube` 和 `minikube-m03` 上都至少还运行着其中一个，这样下一次节点故障就不会让它们全部失效。",
                  'kubenb.expect.deployment("kubernetes-bootcamp", replicas=4, available=4),\n'
                  '              kubenb.expect.pods("app=kubernetes-bootcamp", count=4),\n'
                  '              kubenb.expect.pods("app=kubernetes-bootcamp", node="minikube", at_least=1),\n'
                  '              kubenb.expect.pods("app=kubernetes-bootcamp", node="minikube-m03", at_least=1)',
                  ["%kubectl scale deployments/kubernetes-bootcamp --replicas=4",
                   "%kubectl wait --for=jsonpath='{.status.availableReplicas}'=4 "
                   "deployment/kubernetes-bootcamp --timeout=120s"]),
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
        recap(["A dead node is noticed only by its silence: for the node-monitor grace period (8 s "
               "here, 40 s by default) its pods stay endpoints, and requests kube-proxy sends them fail.",
               "Then the pods leave the endpoints and requests succeed again; after the toleration "
               "(10 s here, 300 s by default) the pods are evicted and replaced on healthy nodes.",
               "Replicas spread over nodes and client retries keep users served through the window; "
               "readiness probes handle sick pods on live nodes; PodDisruptionBudgets guard against "
               "drains and upgrades, not crashes.",
               "`%minikube node stop NODE` makes a node fail; `%minikube node start NODE` brings it back.",
               "`%kubectl get nodes`, `%kubectl rollout status deployment/NAME` and "
               "`%kubectl get pods -o wide` show the failure and the healing."],
              ["宕机的节点只能通过它的沉默被发现：在节点监控宽限期内（这里是 8 秒，默认 40 秒），"
               "它的 Pod 仍是端点，kube-proxy 发给它们的请求都会失败。",
               "之后 Pod 离开端点列表，请求重新成功；容忍时间（这里是 10 秒，默认 300 秒）过后，"
               "Pod 被驱逐，并在健康的节点上被替换。",
               "分散在多个节点上的副本和客户端重试能让用户平稳度过这个窗口；就绪探针处理的是正常节点上"
               "出问题的 Pod；PodDisruptionBudget 防范的是排空（drain）和升级，而不是崩溃。",
               "`%minikube node stop 节点` 让节点故障；`%minikube node start 节点` 让它恢复。",
               "`%kubectl get nodes`、`%kubectl rollout status deployment/名称` 和 "
               "`%kubectl get pods -o wide` 能看到故障和自愈的过程。"]),
    ],
)
