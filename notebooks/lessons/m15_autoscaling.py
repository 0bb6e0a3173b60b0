"""Chapter 15, autoscaling (the Kubernetes docs' HorizontalPodAutoscaler Walkthrough): metrics-server,
kubectl top, a CPU-hungry Deployment, kubectl autoscale, real load from a load-generator pod,
scale-out to the maximum, scale-down once the load stops."""

from __future__ import annotations

from .cells import VARIES, Module, code, exercise, md, picture, recap, setup, teardown
from .manifests import APPLY, deployment

SLUG = "15-autoscaling"

# The walkthrough's php-apache image answers each request after a million square roots
# (index.php). This is the same program in Python, in a python image: every request costs
# CPU, so the CPU the pods use follows the load.
PHP_APACHE = APPLY + deployment("php-apache", "php-apache", "python:3.13-alpine", label="run",
                                container_spec="""\
command:
- python3
- -c
- |
  import http.server, math
  class Handler(http.server.BaseHTTPRequestHandler):
      def do_GET(self):
          x = 0.0001
          for i in range(3000000):
              x += math.sqrt(x)
          self.send_response(200)
          self.end_headers()
          self.wfile.write(b"OK!")
      def log_message(self, *args):
          pass
  http.server.HTTPServer(("", 8080), Handler).serve_forever()
ports:
- containerPort: 8080
resources:
  requests:
    cpu: 100m""") + """
---
apiVersion: v1
kind: Service
metadata:
  name: php-apache
  labels:
    run: php-apache
spec:
  ports:
  - port: 80
    targetPort: 8080
  selector:
    run: php-apache"""

LOAD = ('%kubectl run load-generator --image=busybox:1.28 --restart=Never -- '
        '/bin/sh -c "while sleep 0.01; do wget -q -O- http://php-apache; done"')

SHORTER_WINDOW = ("%kubectl patch hpa php-apache --patch "
                  "'{\"spec\":{\"behavior\":{\"scaleDown\":{\"stabilizationWindowSeconds\":15}}}}'")

MODULE = Module(
    slug=SLUG,
    title={"en": "Autoscaling: the HorizontalPodAutoscaler", "zh": "自动扩缩：HorizontalPodAutoscaler"},  # = CHAPTERS[SLUG]
    summary={"en": "metrics-server, kubectl top, kubectl autoscale, an HPA scaling out under real load and back",
             "zh": "metrics-server、kubectl top、kubectl autoscale，HPA 在真实负载下扩容、负载消失后缩容"},
    tutorial=False,
    chapter=True,
    minutes=20,
    cells=[
        md("""
           # Autoscaling: the HorizontalPodAutoscaler

           In the Basics course you scaled a Deployment by hand with `kubectl scale`. A
           **HorizontalPodAutoscaler** (HPA) does it for you: it watches how busy the pods are
           and changes the number of replicas to keep them near a target — more pods when the
           load grows, fewer when it falls. "Horizontal" means more pods, not bigger ones.

           Every 15 seconds the HPA controller reads the pods' CPU use from the **Metrics API**
           (served by metrics-server), compares it with the pods' CPU **requests**, and computes

           `desired replicas = ceil(current replicas × current utilization / target utilization)`

           This chapter follows the Kubernetes docs' *HorizontalPodAutoscaler Walkthrough*: a
           server that burns CPU on each request, an HPA at 50 % CPU, real load, and the HPA
           scaling out and back.
           """,
           """
           # 自动扩缩：HorizontalPodAutoscaler

           在基础课程里，你用 `kubectl scale` 手动扩缩 Deployment。**HorizontalPodAutoscaler**（HPA，
           水平 Pod 自动扩缩器）替你做这件事：它观察 Pod 有多忙，并调整副本数，让它们保持在目标附近——
           负载上升时增加 Pod，负载下降时减少 Pod。“水平”指的是更多的 Pod，而不是更大的 Pod。

           HPA 控制器每 15 秒从 **Metrics API**（由 metrics-server 提供）读取 Pod 的 CPU 用量，
           与 Pod 的 CPU **请求**（requests）比较，然后计算

           `期望副本数 = ceil(当前副本数 × 当前利用率 / 目标利用率)`

           本章沿用 Kubernetes 文档中的 *HorizontalPodAutoscaler 演练*：一个每处理一个请求都要消耗 CPU
           的服务器、一个目标为 50% CPU 的 HPA、真实的负载，以及 HPA 的扩容和缩容。
           """),
        *setup(seed=15, nodes=2),
        md("""
           ## Metrics

           The HPA needs the Metrics API. On minikube it comes from the **metrics-server** addon:
           """,
           """
           ## 指标

           HPA 需要 Metrics API。在 minikube 上，它由 **metrics-server** 插件提供：
           """),
        code("%minikube addons enable metrics-server"),
        md("""
           ## A server that needs CPU

           The walkthrough's `php-apache` image computes a million square roots for each request.
           Here the same kind of program is written in Python (three million square roots, as
           Python is slower) and runs in a `python` image; a Service named `php-apache` sends
           requests to it. The important part is `resources.requests.cpu: 100m`: the HPA measures
           CPU **as a percentage of the request**, so 50m of CPU used (a twentieth of a core)
           is 50 %. (The walkthrough requests 200m; half of that keeps the load far above the
           target even on a busy machine.)
           """,
           """
           ## 一个需要 CPU 的服务器

           演练中的 `php-apache` 镜像每处理一个请求就计算一百万次平方根。这里用 Python 写了同样的程序
           （Python 更慢，所以计算三百万次），运行在 `python` 镜像中；名为 `php-apache` 的 Service
           把请求发给它。关键是 `resources.requests.cpu: 100m`：HPA 以**请求值的百分比**来衡量
           CPU，所以用掉 50m CPU（二十分之一个核）就是 50%。（演练中请求的是 200m；减半之后，
           即使机器很忙，负载也远远高于目标。）
           """),
        code(PHP_APACHE),
        code("%kubectl rollout status deployment/php-apache --timeout=120s"),
        md("""
           `kubectl top` shows what metrics-server measured. The numbers are real measurements
           of this machine, so yours will differ.
           """,
           """
           `kubectl top` 显示 metrics-server 测得的用量。这些数字是对本机的真实测量，所以你看到的会不一样。
           """),
        code("%kubectl top nodes", tags=VARIES),
        md("""
           ## Create the autoscaler

           Keep the average CPU of the pods at 50 % of their request, with between 1 and 5 pods:
           """,
           """
           ## 创建自动扩缩器

           让 Pod 的平均 CPU 保持在请求值的 50%，Pod 数在 1 到 5 之间：
           """),
        code("%kubectl autoscale deployment php-apache --cpu-percent=50 --min=1 --max=5"),
        code("%kubectl get hpa"),
        md("""
           TARGETS reads `cpu: <unknown>/50%` and REPLICAS `0`: the controller looks at a new HPA
           only at its next sync, up to 15 seconds later.

           When the load falls, the HPA does not remove pods at once: it scales down only to the
           highest count it recommended during the last **5 minutes** (the downscale
           stabilization window), so a short lull does not throw away pods that are needed a
           moment later. So that you do not have to wait 5 minutes here, shorten this HPA's window
           to 15 seconds with its `behavior` field (autoscaling/v2):
           """,
           """
           TARGETS 显示 `cpu: <unknown>/50%`，REPLICAS 为 `0`：控制器要到下一次同步才会查看新的 HPA，
           最多需要 15 秒。

           负载下降时，HPA 不会立刻删除 Pod：它只会缩到过去 **5 分钟**内（缩容稳定窗口）推荐过的最大副本数，
           这样短暂的空闲不会删掉片刻之后又需要的 Pod。为了不必在这里等 5 分钟，用 HPA 的
           `behavior` 字段（autoscaling/v2）把这个 HPA 的窗口缩短为 15 秒：
           """),
        code(SHORTER_WINDOW),
        md("""
           Wait until the HPA has read the pods' CPU once:
           """,
           """
           等待 HPA 第一次读到 Pod 的 CPU 用量：
           """),
        code("%kubectl wait --for=jsonpath='{.status.currentMetrics[0].type}'=Resource hpa/php-apache --timeout=120s"),
        code("%kubectl get hpa"),
        md("""
           With no requests the server is idle: `cpu: 0%/50%`, one replica. `kubectl top pods`
           shows each pod's CPU (in millicores) and memory:
           """,
           """
           没有请求时服务器是空闲的：`cpu: 0%/50%`，一个副本。`kubectl top pods` 显示每个 Pod 的
           CPU（以毫核为单位）和内存：
           """),
        code("%kubectl top pods", tags=VARIES),
        md("""
           ## Add load

           As in the walkthrough, start a pod that sends requests to the Service in an endless
           loop. (The walkthrough runs it with `-i --tty --rm` and stops it with Ctrl+C; in a
           notebook it runs in the background and you delete it later.)
           """,
           """
           ## 增加负载

           和演练一样，启动一个 Pod，在无限循环中向 Service 发送请求。（演练中用 `-i --tty --rm`
           运行它并用 Ctrl+C 停止；在笔记本里它在后台运行，稍后删除它。）
           """),
        code(LOAD),
        md("""
           The server now uses far more than 50m of CPU. At its next sync the HPA computes more
           replicas than the maximum and scales the Deployment to 5. Wait for it (this takes up
           to half a minute: the load has to be measured, then the HPA syncs):
           """,
           """
           现在服务器使用的 CPU 远超 50m。下一次同步时，HPA 算出的副本数超过上限，于是把 Deployment
           扩容到 5 个。等待它完成（最多需要半分钟：先要测到负载，然后 HPA 同步）：
           """),
        code("%kubectl wait --for=jsonpath='{.status.currentReplicas}'=5 hpa/php-apache --timeout=120s"),
        code("%kubectl rollout status deployment/php-apache --timeout=120s"),
        code("%kubectl get hpa"),
        md("""
           REPLICAS is 5, MAXPODS. The CPU percentage in TARGETS is measured, so yours differs;
           it stays above 50 % because one load generator sends more work than five pods at 50 %
           of 100m can take, so the HPA would like more pods than `--max` allows.
           """,
           """
           REPLICAS 为 5，等于 MAXPODS。TARGETS 中的 CPU 百分比是测量值，所以你的会不一样；
           它一直高于 50%，因为一个负载生成器发来的工作量超过了五个 Pod 在 100m 的 50% 下能承担的量，
           HPA 想要的 Pod 比 `--max` 允许的更多。
           """),
        code("%kubectl get deployment php-apache"),
        *picture("The picture now: the HPA beside its Deployment, five `php-apache` pods spread over the "
                 "two nodes, and the load generator.",
                 "现在的集群图：HPA 在它的 Deployment 旁边，五个 `php-apache` Pod 分布在两个节点上，"
                 "还有负载生成器。"),
        md("""
           `describe` tells the story. Under **Events**, `SuccessfulRescale` says
           `New size: 5; reason: cpu resource utilization (percentage of request) above target`
           (sometimes in two steps, e.g. 4 and then 5, when the first measurement caught only
           the start of the load). **Conditions** say
           whether the HPA could scale (`AbleToScale`), whether its metrics work
           (`ScalingActive`) and whether `--min`/`--max` held it back (`ScalingLimited`,
           `TooManyReplicas` while it wants more than 5).
           """,
           """
           `describe` 讲述了经过。在 **Events** 中，`SuccessfulRescale` 写着
           `New size: 5; reason: cpu resource utilization (percentage of request) above target`
           （有时分两步，比如先到 4 再到 5，因为第一次测量只赶上了负载的开始）。
           **Conditions** 说明 HPA 能否扩缩（`AbleToScale`）、指标是否可用（`ScalingActive`），以及
           `--min`/`--max` 是否限制了它（`ScalingLimited`，想要超过 5 个时为 `TooManyReplicas`）。
           """),
        code("%kubectl describe hpa php-apache", tags=VARIES),
        md("""
           ## Stop the load

           Delete the load generator. Within a few seconds the pods' CPU falls to 0 %; the HPA
           then wants 1 replica (`--min`), and once nothing higher was recommended within the
           stabilization window it scales the Deployment down.
           """,
           """
           ## 停止负载

           删除负载生成器。几秒钟之内 Pod 的 CPU 降到 0%；HPA 随后只想要 1 个副本（`--min`），
           一旦稳定窗口内没有更高的推荐值，它就会把 Deployment 缩容。
           """),
        code("%kubectl delete pod load-generator"),
        code("%kubectl wait --for=jsonpath='{.status.currentReplicas}'=1 hpa/php-apache --timeout=120s"),
        code("%kubectl get hpa"),
        md("""
           The last `SuccessfulRescale` event gives the reason:
           """,
           """
           最后一条 `SuccessfulRescale` 事件给出了原因：
           """),
        code("%kubectl get events --field-selector reason=SuccessfulRescale --sort-by=.lastTimestamp "
             "-o jsonpath='{.items[-1:].message}'"),
        md("""
           **kubenb and a real cluster:** the HPA controller syncs every 15 s and scales down
           after a 5-minute (300 s) stabilization window by default, in kubenb as on a real
           cluster — this lesson set the window to 15 s on its HPA, a real setting you can use
           anywhere. kubenb's metrics-server measures every 5 s, where minikube's measures every
           15 s (its `--metric-resolution`), so a real cluster takes up to a minute to see new
           load. The CPU numbers are real: each pod is a process on your machine and its CPU
           time is what is reported. The walkthrough also gives the container a CPU **limit**
           (500m); kubenb's process runtime does not enforce CPU limits, so this lesson leaves
           it out.
           """,
           """
           **kubenb 与真实集群：**HPA 控制器每 15 秒同步一次，默认在 5 分钟（300 秒）的稳定窗口之后才缩容，
           kubenb 与真实集群一样——本节把这个 HPA 的窗口设为 15 秒，这是一个在任何集群上都能用的真实设置。
           kubenb 的 metrics-server 每 5 秒测量一次，而 minikube 的每 15 秒一次（它的 `--metric-resolution`），
           所以真实集群要多花最多一分钟才能看到新的负载。CPU 数字是真实的：每个 Pod 都是你机器上的一个进程，
           报告的就是它用掉的 CPU 时间。演练还给容器设置了 CPU **上限**（limit，500m）；kubenb
           的进程运行时不执行 CPU 上限，所以本节没有设置它。
           """),
        *exercise("Change the HPA so that it never runs more than 3 pods (keep the minimum of 1 and "
                  "the 50 % CPU target).",
                  "修改 HPA，让它最多只运行 3 个 Pod（保留最少 1 个和 50% 的 CPU 目标）。",
                  'kubenb.expect.hpa("php-apache", target="Deployment/php-apache", min_replicas=1,\n'
                  '                                max_replicas=3, cpu_percent=50),\n'
                  '              kubenb.expect.hpa_replicas("php-apache")',
                  ["%kubectl patch hpa php-apache --patch '{\"spec\":{\"maxReplicas\":3}}'",
                   "%kubectl get hpa"]),
        *teardown(),
        recap(["`minikube addons enable metrics-server` serves the Metrics API; `kubectl top nodes` "
               "and `kubectl top pods` show what it measured.",
               "`kubectl autoscale deployment NAME --cpu-percent=50 --min=1 --max=5` creates an HPA; "
               "utilization is measured against the pods' CPU **requests**.",
               "Every 15 s the HPA computes `ceil(replicas × current / target)`, bounded by min and max; "
               "`kubectl get hpa` and `kubectl describe hpa` (SuccessfulRescale events, conditions) "
               "show what it did.",
               "Scale-down waits for the stabilization window (300 s by default; "
               "`spec.behavior.scaleDown.stabilizationWindowSeconds` changes it)."],
              ["`minikube addons enable metrics-server` 提供 Metrics API；`kubectl top nodes` 和 "
               "`kubectl top pods` 显示它测得的用量。",
               "`kubectl autoscale deployment NAME --cpu-percent=50 --min=1 --max=5` 创建 HPA；"
               "利用率是相对于 Pod 的 CPU **请求**（requests）来衡量的。",
               "HPA 每 15 秒计算一次 `ceil(副本数 × 当前值 / 目标值)`，并受最小值和最大值约束；"
               "`kubectl get hpa` 和 `kubectl describe hpa`（SuccessfulRescale 事件、Conditions）"
               "显示它做了什么。",
               "缩容要等待稳定窗口（默认 300 秒；用 `spec.behavior.scaleDown.stabilizationWindowSeconds` 修改）。"]),
    ],
)
