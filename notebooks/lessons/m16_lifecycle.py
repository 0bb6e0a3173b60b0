"""Pod lifecycle and resources: phases, probes, graceful termination, QoS, OOMKilled, PDB and drain."""

from __future__ import annotations

from .cells import VARIES, Module, code, exercise, md, picture, recap, setup, teardown
from .manifests import APPLY, deployment

ONCE = """\
%%kubectl apply -f -
apiVersion: v1
kind: Pod
metadata:
  name: once
spec:
  restartPolicy: Never
  containers:
  - name: job
    image: busybox
    command: ["sh", "-c", "echo working; exit 0"]"""

READY = """\
%%kubectl apply -f -
apiVersion: v1
kind: Pod
metadata:
  name: shy
  labels:
    app: shy
spec:
  containers:
  - name: app
    image: busybox
    command: ["sh", "-c", "sleep 3600"]
    readinessProbe:
      exec:
        command: ["cat", "/data/ready"]
      periodSeconds: 1
    volumeMounts:
    - name: data
      mountPath: /data
  volumes:
  - name: data
    emptyDir: {}"""

LIVENESS = """\
%%kubectl apply -f -
apiVersion: v1
kind: Pod
metadata:
  name: liveness
spec:
  terminationGracePeriodSeconds: 2  # sh as PID 1 ignores SIGTERM: SIGKILL 2 s after the kill
  containers:
  - name: app
    image: busybox
    # first run: never healthy; after the restart: healthy
    command: ["sh", "-c", "if [ -e /data/started ]; then touch /data/healthy; else touch /data/started; fi; sleep 3600"]
    livenessProbe:
      exec:
        command: ["cat", "/data/healthy"]
      initialDelaySeconds: 1
      periodSeconds: 1
      failureThreshold: 2
    volumeMounts:
    - name: data
      mountPath: /data
  volumes:
  - name: data
    emptyDir: {}"""

GRACE = """\
%%kubectl apply -f -
apiVersion: v1
kind: Pod
metadata:
  name: polite
spec:
  terminationGracePeriodSeconds: 10
  containers:
  - name: app
    image: busybox
    command: ["sh", "-c", "trap 'echo cleaning up; sleep 1; exit 0' TERM; while true; do sleep 1; done"]
---
apiVersion: v1
kind: Pod
metadata:
  name: stubborn
spec:
  terminationGracePeriodSeconds: 10
  containers:
  - name: app
    image: busybox
    command: ["sh", "-c", "trap '' TERM; while true; do sleep 1; done"]"""

QOS = """\
%%kubectl apply -f -
apiVersion: v1
kind: Pod
metadata:
  name: guaranteed
spec:
  containers:
  - name: app
    image: busybox
    command: ["sleep", "3600"]
    resources:
      requests:
        cpu: 100m
        memory: 64Mi
      limits:
        cpu: 100m
        memory: 64Mi
---
apiVersion: v1
kind: Pod
metadata:
  name: burstable
spec:
  containers:
  - name: app
    image: busybox
    command: ["sleep", "3600"]
    resources:
      requests:
        memory: 32Mi
---
apiVersion: v1
kind: Pod
metadata:
  name: besteffort
spec:
  containers:
  - name: app
    image: busybox
    command: ["sleep", "3600"]"""

HOG = """\
%%kubectl apply -f -
apiVersion: v1
kind: Pod
metadata:
  name: hog
spec:
  restartPolicy: Never
  containers:
  - name: app
    image: python
    command: ["python3", "-c", "import time; data = b'x' * (400 * 1024 * 1024); time.sleep(600)"]
    resources:
      limits:
        memory: 100Mi"""

WEB = APPLY + deployment("web", "nginx", "nginx", replicas=4)

# The exercise's solution: the same pod as `guaranteed` above, named `steady`.
STEADY = QOS.split("---")[0].replace("name: guaranteed", "name: steady").rstrip()

BY_NODE = ("-o custom-columns=NODE:.spec.nodeName,STATUS:.status.phase --sort-by=.spec.nodeName")
STATE = "{.status.phase}{\"  \"}{.status.containerStatuses[0].state}{\"\\n\"}"

MODULE = Module(
    slug="16-lifecycle",
    title={"en": "Pod lifecycle and resources", "zh": "Pod 的生命周期与资源"},
    summary={"en": "phases, readiness and liveness probes, graceful termination, QoS, OOMKilled, "
                   "PodDisruptionBudgets and drain",
             "zh": "阶段、就绪与存活探针、优雅终止、QoS、OOMKilled、PodDisruptionBudget 与 drain"},
    tutorial=False,
    chapter=True,
    minutes=25,
    cells=[
        md("""
           # Pod lifecycle and resources

           A pod is born, runs and ends. Along the way the kubelet asks its containers whether
           they are **ready** (to get traffic) and **alive** (or be restarted), gives them time to
           shut down cleanly, and keeps them inside their **memory limits**. A cluster
           administrator can move pods off a node with `kubectl drain`, and a
           **PodDisruptionBudget** says how many pods of an application may be away at once.

           This chapter follows the Kubernetes docs' *Pod Lifecycle*, *Configure Liveness,
           Readiness and Startup Probes*, *Resource Management for Pods and Containers*,
           *Pod Quality of Service Classes*, *Disruptions* and *Safely Drain a Node*.
           """,
           """
           # Pod 的生命周期与资源

           Pod 会创建、运行、结束。在这个过程中，kubelet 会询问它的容器是否**就绪**（可以接收流量），
           是否**存活**（否则就重启），给它们时间干净地退出，并把它们限制在**内存限制**之内。
           集群管理员可以用 `kubectl drain` 把 Pod 从节点上迁走，而 **PodDisruptionBudget**
           规定一个应用同时最多可以有多少个 Pod 不在岗。

           本章对应 Kubernetes 文档中的 *Pod 的生命周期*、*配置存活、就绪和启动探针*、
           *为 Pod 和容器管理资源*、*Pod 的服务质量类*、*干扰* 以及 *安全地腾空节点*。
           """),
        *setup(seed=16, nodes=2),
        md("""
           ## Phases and container states

           A pod's `status.phase` is one word for where it is in its life: `Pending` (accepted,
           not all containers started yet), `Running`, `Succeeded` (every container exited with
           0 and will not restart), `Failed`, or `Unknown`. Each container has its own **state**:
           `waiting`, `running` or `terminated` (with an exit code and a reason).

           This pod runs one command and exits; with `restartPolicy: Never` it is not restarted:
           """,
           """
           ## 阶段与容器状态

           Pod 的 `status.phase` 用一个词概括它处在生命中的哪个阶段：`Pending`（已被接受，但还有容器
           没有启动）、`Running`、`Succeeded`（所有容器都以 0 退出，且不会再重启）、`Failed`
           或 `Unknown`。每个容器还有自己的**状态**：`waiting`、`running` 或 `terminated`
           （带有退出码和原因）。

           这个 Pod 运行一条命令后就退出；因为 `restartPolicy: Never`，它不会被重启：
           """),
        code(ONCE),
        code("%kubectl wait --for=jsonpath='{.status.phase}'=Succeeded pod/once --timeout=60s"),
        code("%kubectl get pod once"),
        code(f"%kubectl get pod once -o jsonpath='{STATE}'"),
        md("""
           The phase is `Succeeded`, the container's state is `terminated` with exit code 0 and
           reason `Completed`. `kubectl get pods` shows the reason in its STATUS column.
           """,
           """
           阶段是 `Succeeded`，容器的状态是 `terminated`，退出码为 0，原因是 `Completed`。
           `kubectl get pods` 在 STATUS 列中显示的就是这个原因。
           """),
        code("%kubectl delete pod once"),
        md("""
           ## Readiness: traffic only for ready pods

           A **readiness probe** is a check the kubelet runs again and again (`periodSeconds`). Until
           it passes, the pod is not `Ready`, and a Service does not send it traffic: the pod's
           address stays out of the Service's endpoints. This pod is ready only once the file
           `/data/ready` exists:
           """,
           """
           ## 就绪探针：只把流量发给就绪的 Pod

           **就绪探针**（readiness probe）是 kubelet 反复执行（每 `periodSeconds` 秒一次）的检查。
           在它通过之前，Pod 不是 `Ready`，Service 也不会把流量发给它：Pod 的地址不会出现在
           Service 的端点（endpoints）中。这个 Pod 只有在文件 `/data/ready` 存在之后才就绪：
           """),
        code(READY),
        code("%kubectl expose pod shy --port=80"),
        code("%kubectl wait --for=jsonpath='{.status.phase}'=Running pod/shy --timeout=60s"),
        code("%kubectl wait --for=jsonpath='{.subsets[0].notReadyAddresses[0].targetRef.name}'=shy "
             "endpoints/shy --timeout=60s"),
        code("%kubectl get pod shy"),
        code("%kubectl describe endpoints shy"),
        md("""
           The container runs, but READY says `0/1`: the Service's endpoints know the pod's
           address only under `NotReadyAddresses`, and no traffic goes there (`kubectl get
           endpoints shy` shows an empty ENDPOINTS column). The pod's `Ready` condition says why
           (`kubectl describe pod shy` also lists the failed probes as `Unhealthy` events). Now
           make the probe pass:
           """,
           """
           容器在运行，但 READY 显示 `0/1`：Service 的端点只把这个 Pod 的地址列在
           `NotReadyAddresses` 之下，不会有流量发给它（`kubectl get endpoints shy` 的 ENDPOINTS
           列是空的）。Pod 的 `Ready` 条件说明了原因（`kubectl describe pod shy` 还会把失败的探测
           列为 `Unhealthy` 事件）。现在让探针通过：
           """),
        code("%kubectl get pod shy -o jsonpath='{.status.conditions[?(@.type==\"Ready\")]}{\"\\n\"}'"),
        code("%kubectl exec shy -- sh -c 'touch /data/ready && ls /data'"),
        code("%kubectl wait --for=condition=Ready pod/shy --timeout=60s"),
        code("%kubectl wait --for=jsonpath='{.subsets[0].addresses[0].targetRef.name}'=shy endpoints/shy --timeout=60s"),
        code("%kubectl get endpoints shy"),
        md("""
           The pod is ready and its address is in the Service's endpoints. A readiness probe never
           restarts anything: it only decides who gets traffic.
           """,
           """
           Pod 已就绪，它的地址出现在 Service 的端点中。就绪探针从不重启任何东西：它只决定谁能收到流量。
           """),
        code("%kubectl delete service shy\n%kubectl delete pod shy --grace-period=1"),
        md("""
           ## Liveness: restart what is stuck

           A **liveness probe** is for a container that runs but no longer works. After
           `failureThreshold` failures in a row the kubelet kills the container, and the pod's
           `restartPolicy` (here the default, `Always`) starts it again. This container is
           unhealthy on its first run and healthy after a restart (it remembers in an `emptyDir`
           volume, which lives as long as the pod):
           """,
           """
           ## 存活探针：重启卡住的容器

           **存活探针**（liveness probe）用于那种还在运行、却已经不工作的容器。连续失败
           `failureThreshold` 次之后，kubelet 会杀掉这个容器，再按照 Pod 的 `restartPolicy`
           （这里是默认的 `Always`）重新启动它。这个容器第一次运行时不健康，重启之后就健康了
           （它用一个 `emptyDir` 卷记住自己运行过，这个卷与 Pod 同生共死）：
           """),
        code(LIVENESS),
        code("%kubectl wait --for=jsonpath='{.status.containerStatuses[0].restartCount}'=1 pod/liveness --timeout=60s"),
        code("%kubectl wait --for=condition=Ready pod/liveness --timeout=60s"),
        code("%kubectl get pod liveness"),
        md("""
           RESTARTS counts the restart. The pod's events tell the story (`kubectl describe pod
           liveness` lists them at the end, with the others): the kubelet's warnings
           `Liveness probe failed`, then `Container app failed liveness probe, will be
           restarted`:
           """,
           """
           RESTARTS 记下了这次重启。Pod 的事件讲述了整个过程（`kubectl describe pod liveness`
           会在末尾把它们和其他事件一起列出）：kubelet 先警告 `Liveness probe failed`，然后是
           `Container app failed liveness probe, will be restarted`：
           """),
        code("%kubectl get events --field-selector involvedObject.name=liveness,type=Warning"),
        code("%kubectl get events --field-selector involvedObject.name=liveness,reason=Killing"),
        md("""
           The container that was killed is the pod's *last state*: terminated, and the pod kept
           running with a fresh one.
           """,
           """
           被杀掉的那个容器成了 Pod 的 *上一个状态*（last state）：已终止，而 Pod 换上新容器继续运行。
           """),
        code("%kubectl get pod liveness -o jsonpath='{.status.containerStatuses[0].lastState}{\"\\n\"}'"),
        code("%kubectl delete pod liveness --grace-period=1"),
        md("""
           ## Graceful termination

           Deleting a pod does not kill it outright. The kubelet sends its containers **SIGTERM**
           and waits up to `terminationGracePeriodSeconds` (30 s unless the pod says otherwise);
           whatever still runs then gets **SIGKILL**. `polite` catches SIGTERM with a shell `trap`,
           cleans up for a second and exits; `stubborn` ignores SIGTERM. Both have a 10 s grace
           period:
           """,
           """
           ## 优雅终止

           删除 Pod 并不会立刻杀掉它。kubelet 先给容器发送 **SIGTERM**，最多等待
           `terminationGracePeriodSeconds` 秒（除非 Pod 另有规定，默认 30 秒）；到那时还在运行的进程会收到
           **SIGKILL**。`polite` 用 shell 的 `trap` 捕获 SIGTERM，花一秒钟清理后退出；`stubborn`
           则忽略 SIGTERM。两者的宽限期都是 10 秒：
           """),
        code(GRACE),
        code("%kubectl wait --for=condition=Ready pod/polite pod/stubborn --timeout=60s"),
        code("%kubectl delete pod polite stubborn --wait=false"),
        code("%kubectl get pods polite stubborn"),
        md("""
           Both are `Terminating`. `polite` is gone after its cleanup, while `stubborn` is still
           there: its container keeps running until the grace period ends.
           """,
           """
           两个都是 `Terminating`。`polite` 清理完就消失了，而 `stubborn` 还在：它的容器一直运行到宽限期结束。
           """),
        code("%kubectl wait --for=delete pod/polite --timeout=60s"),
        code("%kubectl get pods stubborn"),
        code("%kubectl get pod stubborn -o custom-columns=NAME:.metadata.name,GRACE:.metadata.deletionGracePeriodSeconds,DELETED:.metadata.deletionTimestamp"),
        code("%kubectl wait --for=delete pod/stubborn --timeout=60s"),
        md("""
           Ten seconds after the delete the kubelet killed `stubborn` with SIGKILL (exit code 137).
           A program that handles SIGTERM shuts down cleanly and sooner; one that ignores it costs
           the whole grace period every time it is deleted, rolled out or drained.
           """,
           """
           删除 10 秒之后，kubelet 用 SIGKILL 杀掉了 `stubborn`（退出码 137）。处理 SIGTERM 的程序
           能更早、更干净地退出；忽略它的程序每次被删除、滚动更新或腾空时都要耗掉整个宽限期。
           """),
        md("""
           ## Requests, limits and QoS classes

           **Requests** are what the scheduler reserves for a container, **limits** the most it may
           use. From them Kubernetes gives every pod a **QoS class**: `Guaranteed` (every container
           has CPU and memory limits equal to its requests), `Burstable` (some request or limit,
           but not Guaranteed) or `BestEffort` (none at all). When a node runs short of memory,
           BestEffort pods are evicted first and Guaranteed ones last.
           """,
           """
           ## 请求、限制与 QoS 类

           **请求**（requests）是调度器为容器预留的资源，**限制**（limits）是它最多能用的资源。
           Kubernetes 据此给每个 Pod 一个 **QoS 类**：`Guaranteed`（每个容器的 CPU 和内存限制都等于请求）、
           `Burstable`（有一些请求或限制，但不满足 Guaranteed）或 `BestEffort`（什么都没有）。
           节点内存不足时，BestEffort 的 Pod 最先被驱逐，Guaranteed 的最后。
           """),
        code(QOS),
        code("%kubectl get pods guaranteed burstable besteffort -o custom-columns=NAME:.metadata.name,QOS:.status.qosClass"),
        code("%kubectl get pod burstable -o jsonpath='{.status.qosClass}'"),
        code("%kubectl delete pod guaranteed burstable besteffort --grace-period=1"),
        md("""
           ### Past the memory limit: OOMKilled

           A container that uses more memory than its limit is killed by the kernel's
           out-of-memory killer. This Python program allocates 400 MiB with a 100 MiB limit:
           """,
           """
           ### 超出内存限制：OOMKilled

           使用的内存超过限制的容器会被内核的 OOM killer（内存不足杀手）杀掉。这个 Python 程序在
           100 MiB 的限制下申请 400 MiB：
           """),
        code(HOG),
        code("%kubectl wait --for=jsonpath='{.status.phase}'=Failed pod/hog --timeout=60s"),
        code("%kubectl get pod hog"),
        code(f"%kubectl get pod hog -o jsonpath='{STATE}'"),
        md("""
           STATUS says `OOMKilled` and the container terminated with exit code 137 (128 + 9, the
           number of SIGKILL). `describe` shows the same under `Last State`/`State`, and that the
           100 MiB limit also became the request (with no request, a limit sets it):
           """,
           """
           STATUS 显示 `OOMKilled`，容器以退出码 137（128 + 9，9 是 SIGKILL 的编号）终止。`describe`
           在 `State` 下显示同样的信息，还能看到 100 MiB 的限制也成了请求（没写请求时，限制就是请求）：
           """),
        code("%kubectl describe pod hog"),
        code("%kubectl delete pod hog"),
        md("""
           ## Disruptions: PodDisruptionBudgets and drain

           `kubectl drain` empties a node for maintenance: it cordons the node and **evicts** its
           pods through the Eviction API. Unlike a plain delete, an eviction respects
           **PodDisruptionBudgets**: a budget saying `minAvailable: 3` for `app=web` refuses any
           eviction that would leave fewer than 3 of those pods ready.

           Four nginx replicas, two per node, and a budget that keeps at least three of them:
           """,
           """
           ## 干扰：PodDisruptionBudget 与 drain

           `kubectl drain` 为维护而腾空节点：它先封锁（cordon）节点，再通过 Eviction API **驱逐**
           上面的 Pod。与直接删除不同，驱逐会遵守 **PodDisruptionBudget**：一个为 `app=web` 规定
           `minAvailable: 3` 的预算会拒绝任何会让就绪的这类 Pod 少于 3 个的驱逐。

           四个 nginx 副本，每个节点两个，再加一个至少保留三个副本的预算：
           """),
        code(WEB),
        code("%kubectl rollout status deployment/web --timeout=60s"),
        code(f"%kubectl get pods -l app=web {BY_NODE}"),
        code("%kubectl create pdb web --selector=app=web --min-available=3"),
        code("%kubectl wait --for=jsonpath='{.status.disruptionsAllowed}'=1 pdb/web --timeout=60s"),
        code("%kubectl get pdb web"),
        md("""
           The budget allows one disruption. Draining `minikube-m02` evicts its first pod at
           once; the second eviction is refused — `Cannot evict pod as it would violate the
           pod's disruption budget.` — and drain retries every 5 seconds. As soon as the first
           pod's replacement is ready on `minikube`, the retry succeeds. (Which of the two pods
           goes first varies from run to run.) Afterwards no `web` pod is left on the node; the
           Deployment has replaced both on `minikube`:
           """,
           """
           预算允许一次干扰。腾空 `minikube-m02` 时，它的第一个 Pod 立即被驱逐；第二次驱逐被拒绝——
           `Cannot evict pod as it would violate the pod's disruption budget.`——drain 每 5 秒重试一次。
           一旦第一个 Pod 的替代者在 `minikube` 上就绪，重试就成功了。（两个 Pod 中哪个先走，每次运行都可能不同。）
           之后节点上不再有 `web` 的 Pod；Deployment 已经在 `minikube` 上替换了这两个 Pod：
           """),
        code("%kubectl drain minikube-m02 --ignore-daemonsets", tags=VARIES),
        code("%kubectl get pods -l app=web --field-selector=spec.nodeName=minikube-m02"),
        code("%kubectl get nodes"),
        *picture("The picture after the drain: `minikube-m02` cordoned and empty, all four `web` "
                 "pods on `minikube`.",
                 "腾空之后的画面：`minikube-m02` 被封锁且空无一个 `web` Pod，四个 `web` Pod 都在 `minikube` 上。"),
        md("""
           Maintenance done, `uncordon` lets the scheduler use the node again. Pods already
           running stay where they are; new ones may land there.
           """,
           """
           维护完成后，`uncordon` 让调度器重新使用这个节点。已经在运行的 Pod 留在原地；新的 Pod 可能会落到它上面。
           """),
        code("%kubectl uncordon minikube-m02"),
        md("""
           **kubenb and a real cluster:** probes, grace periods and the memory limit work as on a
           real cluster, with the values in the manifests (this chapter uses short ones,
           `periodSeconds: 1` instead of the default 10 s, and 10 s grace periods instead of 30 s,
           to keep the waits short). kubenb shortens other timers: a crash-looping container is
           restarted after 2 s, then 4 s… up to 40 s (a real kubelet: 10 s up to 5 minutes).
           On kubenb's process runtime the memory limit is a cgroup on the node machine (or,
           where none can be made, a watchdog that polls memory every 0.25 s), and so is the CPU
           limit (a CFS quota; without cgroups CPU limits are not enforced). A container's first
           process is PID 1 of its own PID namespace, as in a real container: a shell without a
           `trap` ignores SIGTERM and is killed at the end of the grace period (so the liveness
           pod above has a 2 s one; the kill after its failed probe waited it out: exit code 137).
           kubectl drain's 5 s retry is the real one.
           """,
           """
           **kubenb 与真实集群：**探针、宽限期和内存限制的行为与真实集群相同，取的都是清单里的值
           （本章为了少等，用了较短的值：`periodSeconds: 1` 而不是默认的 10 秒，宽限期 10 秒而不是
           30 秒）。kubenb 缩短了其他一些计时器：崩溃循环的容器在 2 秒、4 秒……直到 40 秒后重启
           （真实的 kubelet 是 10 秒直到 5 分钟）。在 kubenb 的进程运行时中，内存限制由节点机器上的
           cgroup 实施（无法创建 cgroup 时，由每 0.25 秒检查一次内存的看门狗实施），CPU 限制也一样
           （CFS 配额；没有 cgroup 时 CPU 限制不生效）。与真实容器一样，容器的第一个进程是它自己
           PID 命名空间里的 PID 1：没有 `trap` 的 shell 会忽略 SIGTERM，直到宽限期结束才被杀掉
           （所以上面的存活探针 Pod 的宽限期是 2 秒；探针失败后的终止等满了这 2 秒：退出码 137）。
           kubectl drain 的 5 秒重试间隔与真实的一样。
           """),
        md("""
           ## Exercise: a Guaranteed pod

           `steady` was started with `kubectl run`, without resources, so it is `BestEffort`:
           """,
           """
           ## 练习：一个 Guaranteed 的 Pod

           `steady` 是用 `kubectl run` 启动的，没有声明资源，所以它是 `BestEffort`：
           """),
        code("%kubectl run steady --image=busybox -- sleep 3600"),
        code("%kubectl wait --for=condition=Ready pod/steady --timeout=60s"),
        code("%kubectl get pod steady -o jsonpath='{.status.qosClass}'"),
        *exercise("Run a pod named `steady` (image `busybox`, command `sleep 3600`) in the "
                  "`Guaranteed` QoS class, with 100m CPU and 64Mi of memory. A pod's resources "
                  "cannot be changed in place: delete the pod and create it again.",
                  "运行一个名为 `steady` 的 Pod（镜像 `busybox`，命令 `sleep 3600`），QoS 类为 "
                  "`Guaranteed`，使用 100m CPU 和 64Mi 内存。Pod 的资源不能原地修改：删除 Pod 后重新创建。",
                  'kubenb.expect.qos("steady", "Guaranteed"), kubenb.expect.pod("steady")',
                  ["%kubectl delete pod steady --grace-period=1", STEADY,
                   "%kubectl wait --for=condition=Ready pod/steady --timeout=60s"]),
        *teardown(),
        recap(["A pod's phase (`Pending`, `Running`, `Succeeded`, `Failed`) sums up its "
               "containers' states (`waiting`, `running`, `terminated` with exit code and reason).",
               "A readiness probe keeps a pod out of its Services' endpoints until it passes; a "
               "liveness probe restarts a container that fails it (RESTARTS, `Liveness probe failed`).",
               "Deletion sends SIGTERM, then SIGKILL after `terminationGracePeriodSeconds`: "
               "`kubectl delete pod NAME`, `kubectl wait --for=delete pod/NAME`.",
               "Requests and limits give the QoS class (`kubectl get pod NAME -o "
               "jsonpath='{.status.qosClass}'`); past its memory limit a container is OOMKilled "
               "(exit code 137).",
               "`kubectl create pdb NAME --selector=... --min-available=N`, `kubectl drain NODE "
               "--ignore-daemonsets` (evictions respect the budget, refused ones are retried), "
               "`kubectl uncordon NODE`."],
              ["Pod 的阶段（`Pending`、`Running`、`Succeeded`、`Failed`）概括了其容器的状态"
               "（`waiting`、`running`、带退出码和原因的 `terminated`）。",
               "就绪探针通过之前，Pod 不会出现在 Service 的端点中；存活探针失败的容器会被重启"
               "（RESTARTS、`Liveness probe failed`）。",
               "删除先发送 SIGTERM，`terminationGracePeriodSeconds` 之后再发送 SIGKILL："
               "`kubectl delete pod NAME`、`kubectl wait --for=delete pod/NAME`。",
               "请求与限制决定 QoS 类（`kubectl get pod NAME -o jsonpath='{.status.qosClass}'`）；"
               "超出内存限制的容器会被 OOMKilled（退出码 137）。",
               "`kubectl create pdb NAME --selector=... --min-available=N`、`kubectl drain NODE "
               "--ignore-daemonsets`（驱逐遵守预算，被拒绝的会重试）、`kubectl uncordon NODE`。"]),
    ],
)
