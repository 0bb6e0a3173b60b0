"""Module 3, deploy an app: create deployment, get deployments, kubectl proxy, the pod proxy URL."""

from __future__ import annotations

from .cells import Module, code, exercise, md, picture, recap, setup, teardown

POD_NAME = """POD_NAME = %kubectl get pods -o go-template --template '{{range .items}}{{.metadata.name}}{{"\\n"}}{{end}}'"""
POD_NAME_STRIP = """\
POD_NAME = POD_NAME.strip()  # the template ends the name with a newline
print("Name of the Pod:", POD_NAME)"""

MODULE = Module(
    slug="03-deploy-app",
    title={"en": "Deploy an app with a Deployment", "zh": "部署应用：Deployment"},
    summary={"en": "kubectl create deployment, kubectl proxy, reaching a pod through the API",
             "zh": "kubectl create deployment、kubectl proxy、通过 API 访问 Pod"},
    minutes=15,
    cells=[
        md("""
           # Deploy an app with a Deployment

           Once a cluster runs, you can deploy containerized applications on it. You do that by
           creating a **Deployment**: an object that tells Kubernetes how to create and update
           the instances of your application. The control plane then schedules those instances
           onto nodes, and the Deployment controller keeps watching them: if an instance or its
           node goes down, it is replaced by a new one on another node. This is Kubernetes'
           *self-healing*.

           You create and manage Deployments with `kubectl`, which talks to the cluster through
           the Kubernetes API.
           """,
           """
           # 部署应用：Deployment

           集群运行起来后，就可以在上面部署容器化应用了。做法是创建一个 **Deployment**：
           它告诉 Kubernetes 如何创建和更新应用的实例。控制平面随后把这些实例调度到节点上，
           Deployment 控制器会持续关注它们：如果某个实例或它所在的节点出了故障，
           它会在另一个节点上用新实例替换——这就是 Kubernetes 的*自我修复*。

           你用 `kubectl` 创建和管理 Deployment，它通过 Kubernetes API 与集群交互。
           """),
        *setup(seed=3),
        md("""
           ## The nodes

           `kubectl get nodes` shows the nodes your application can run on.
           """,
           """
           ## 节点

           `kubectl get nodes` 显示应用可以运行在哪些节点上。
           """),
        code("%kubectl get nodes"),
        md("""
           ## Create the Deployment

           `kubectl create deployment` needs a name and the location of the app's container
           image. The tutorial's app, `kubernetes-bootcamp`, is a tiny web server on port 8080.
           Kubernetes finds a node for it, schedules it there, and will reschedule it if needed.
           """,
           """
           ## 创建 Deployment

           `kubectl create deployment` 需要一个名字和应用容器镜像的位置。教程的应用
           `kubernetes-bootcamp` 是一个监听 8080 端口的小型 Web 服务器。
           Kubernetes 为它找一个节点，把它调度到那里，必要时还会重新调度。
           """),
        code("%kubectl create deployment kubernetes-bootcamp --image=gcr.io/google-samples/kubernetes-bootcamp:v1"),
        md("""
           Starting a container takes a moment. Instead of guessing how long, wait for the
           Deployment to report the condition `Available`:
           """,
           """
           启动容器需要一点时间。与其猜要等多久，不如等待 Deployment 报告 `Available` 状况：
           """),
        code("%kubectl wait --for=condition=Available deployment/kubernetes-bootcamp --timeout=120s"),
        md("""
           `kubectl get deployments` lists the Deployments. READY `1/1` means one instance is
           wanted and one is ready; UP-TO-DATE counts the instances running the newest
           template; AVAILABLE those ready for users.
           """,
           """
           `kubectl get deployments` 列出所有 Deployment。READY 为 `1/1` 表示需要一个实例、
           已就绪一个；UP-TO-DATE 是运行最新模板的实例数；AVAILABLE 是可以为用户提供服务的实例数。
           """),
        code("%kubectl get deployments"),
        *picture("The Deployment's pod, as a picture: a chip on the node it was scheduled to.",
                  '用图来看 Deployment 的 Pod：它是调度到的那个节点上的一个小方块。'),
        md("""
           ## Look inside with kubectl proxy

           Pods run on a private network inside the cluster: other pods and Services can reach
           them, the outside world cannot. `kubectl proxy` opens a door: it forwards requests
           from `localhost:8001` to the Kubernetes API. In a terminal it would keep running in
           a second window; here it runs in the background of the kernel.
           """,
           """
           ## 用 kubectl proxy 看看集群内部

           Pod 运行在集群内部的私有网络中：其他 Pod 和 Service 能访问它们，外部却不能。
           `kubectl proxy` 打开了一扇门：它把发往 `localhost:8001` 的请求转发给 Kubernetes API。
           在终端里它需要在第二个窗口里一直运行；在这里它在内核的后台运行。
           """),
        code("%kubectl proxy"),
        md("""
           The API answers directly. `/version` returns the version of the API server as JSON
           (`!` runs a shell command such as `curl` from the notebook):
           """,
           """
           API 直接作答。`/version` 以 JSON 返回 API 服务器的版本（`!` 在笔记本里运行
           `curl` 这样的 shell 命令）：
           """),
        code("!curl -s http://localhost:8001/version"),
        md("""
           The API server can also forward a request to a pod. For that we need the pod's name.
           A Go template prints the names of all pods; the `x = %kubectl …` form keeps the
           printed text in a Python variable, as `export POD_NAME=$(…)` would in a shell.
           """,
           """
           API 服务器还可以把请求转发给某个 Pod。为此需要知道 Pod 的名字。下面的 Go 模板打印所有
           Pod 的名字；`x = %kubectl …` 的写法把打印的文字保存到 Python 变量中，
           就像 shell 里的 `export POD_NAME=$(…)`。
           """),
        code(POD_NAME),
        code(POD_NAME_STRIP),
        md("""
           Now ask the API server to forward a request to port 8080 of that pod. The answer
           comes from the app itself: it says hello and names the pod it runs in.
           """,
           """
           现在请 API 服务器把请求转发到这个 Pod 的 8080 端口。回答来自应用本身：
           它打个招呼，并说出自己运行在哪个 Pod 里。
           """),
        code("!curl -s http://localhost:8001/api/v1/namespaces/default/pods/$POD_NAME:8080/proxy/"),
        md("""
           Stop the proxy when you no longer need it.
           """,
           """
           不再需要代理时，把它停掉。
           """),
        code("%kubectl proxy --stop"),
        *exercise("Deploy the same image a second time, as a Deployment called `hello` with two "
                  "replicas, and make sure both of its pods are running.",
                  "用同一个镜像再部署一次：创建一个名为 `hello`、有两个副本的 Deployment，并确认它的两个 Pod 都在运行。",
                  'kubenb.expect.deployment("hello", replicas=2, available=2),\n'
                  '              kubenb.expect.pods("app=hello", count=2)',
                  ["%kubectl create deployment hello --image=gcr.io/google-samples/kubernetes-bootcamp:v1 --replicas=2",
                   "%kubectl wait --for=condition=Available deployment/hello --timeout=120s",
                   "%kubectl get deployments"]),
        *teardown(),
        recap(["A **Deployment** keeps the pods of your app running: `kubectl create deployment NAME "
               "--image=IMAGE` creates one, `--replicas` says how many pods.",
               "`kubectl wait --for=condition=Available` waits until the app is up, "
               "`kubectl get deployments` shows READY, UP-TO-DATE and AVAILABLE.",
               "Pods are reachable only inside the cluster; `kubectl proxy` opens the API server on "
               "`localhost:8001`, and `/api/v1/namespaces/default/pods/POD:8080/proxy/` reaches a pod "
               "through it."],
              ["**Deployment** 让应用的 Pod 一直运行：`kubectl create deployment NAME --image=IMAGE` "
               "创建一个 Deployment，`--replicas` 指定 Pod 的数量。",
               "`kubectl wait --for=condition=Available` 等待应用启动完成，`kubectl get deployments` "
               "显示 READY、UP-TO-DATE 和 AVAILABLE。",
               "Pod 默认只能在集群内部访问；`kubectl proxy` 在 `localhost:8001` 上打开 API 服务器，"
               "通过 `/api/v1/namespaces/default/pods/POD:8080/proxy/` 可以访问某个 Pod。"]),
    ],
)
