"""Extending Kubernetes: a CustomResourceDefinition, custom objects, and an operator written
with kopf (run from the notebook) that reconciles them into Deployments."""

from __future__ import annotations

from .cells import Module, code, exercise, md, picture, recap, setup, teardown

CRD = """\
%%kubectl apply -f -
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: webapps.example.com
spec:
  group: example.com
  scope: Namespaced
  names:
    kind: WebApp
    plural: webapps
    singular: webapp
    shortNames: [wa]
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            description: What the learner wants to run.
            required: [image]
            properties:
              image:
                type: string
                description: The container image of the web app.
              replicas:
                type: integer
                description: How many pods serve it.
                minimum: 1
                maximum: 10
                default: 1
          status:
            type: object
            x-kubernetes-preserve-unknown-fields: true
    subresources:
      status: {}
    additionalPrinterColumns:
    - name: Image
      type: string
      jsonPath: .spec.image
    - name: Replicas
      type: integer
      jsonPath: .spec.replicas
    - name: Deployment
      type: string
      jsonPath: .status.deployment
    - name: Age
      type: date
      jsonPath: .metadata.creationTimestamp"""

HELLO = """\
%%kubectl apply -f -
apiVersion: example.com/v1
kind: WebApp
metadata:
  name: hello
spec:
  image: nginx"""

TOO_MANY = """\
%%kubectl apply -f -
apiVersion: example.com/v1
kind: WebApp
metadata:
  name: greedy
spec:
  image: nginx
  replicas: 50"""

OPERATOR = '''\
import logging

import kopf
import kubernetes

kubernetes.config.load_kube_config()  # the kubeconfig %kubectl uses
apps = kubernetes.client.AppsV1Api()


def deployment_for(name, spec):
    labels = {"app": name}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "labels": labels},
        "spec": {
            "replicas": spec["replicas"],
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels},
                "spec": {"containers": [{"name": "web", "image": spec["image"]}]},
            },
        },
    }


@kopf.on.create("example.com", "v1", "webapps")
def create_deployment(name, namespace, spec, body, patch, **_):
    deployment = deployment_for(name, spec)
    kopf.adopt(deployment, owner=body)  # the WebApp owns its Deployment
    apps.create_namespaced_deployment(namespace, deployment)
    patch.status["deployment"] = name


@kopf.on.update("example.com", "v1", "webapps", field="spec.replicas")
def scale_deployment(name, namespace, new, **_):
    apps.patch_namespaced_deployment_scale(name, namespace, {"spec": {"replicas": new}})


@kopf.on.startup()
def configure(settings, **_):
    settings.posting.enabled = False  # no Events of kopf's log lines in this lesson


# kopf's log lines would interleave with the cells' outputs: here they go nowhere.
logging.getLogger("kopf").addHandler(logging.NullHandler())
logging.getLogger("kopf").propagate = False'''

RUN = '''\
import asyncio
import threading

stop, ready = threading.Event(), threading.Event()


def run_operator():
    asyncio.run(kopf.operator(standalone=True, namespaces=["default"],
                              stop_flag=stop, ready_flag=ready))


operator = threading.Thread(target=run_operator, daemon=True)
operator.start()
ready.wait(timeout=60)'''

STOP = '''\
stop.set()
operator.join(timeout=60)
operator.is_alive()'''

SHOP = """\
%%kubectl apply -f -
apiVersion: example.com/v1
kind: WebApp
metadata:
  name: shop
spec:
  image: nginx
  replicas: 2"""

MODULE = Module(
    slug="18-extending",
    title={"en": "Extending Kubernetes: CRDs and operators", "zh": "扩展 Kubernetes：CRD 与 Operator"},
    summary={"en": "a CustomResourceDefinition, custom objects, an operator written with kopf",
             "zh": "CustomResourceDefinition、自定义对象、用 kopf 编写的 Operator"},
    tutorial=False,
    chapter=True,
    minutes=25,
    cells=[
        md("""
           # Extending Kubernetes: CRDs and operators

           Everything so far used kinds Kubernetes ships with: Pod, Deployment, Service… A
           **CustomResourceDefinition** (CRD) adds a kind of your own to the API server. From
           then on `kubectl` creates, lists, describes and deletes its objects like any other,
           the API server validates them against the schema you gave, and watchers see them
           change.

           A new kind does nothing by itself: it is only data. An **operator** is a program
           that watches those objects and does the work they describe — the same control loop
           as the Deployment controller, written by you. In this lesson you define a `WebApp`
           kind and write a small operator with [kopf](https://kopf.readthedocs.io) that turns
           each WebApp into a Deployment.
           """,
           """
           # 扩展 Kubernetes：CRD 与 Operator

           到目前为止，我们用的都是 Kubernetes 自带的类型：Pod、Deployment、Service……
           **CustomResourceDefinition**（CRD，自定义资源定义）可以给 API 服务器加上你自己的类型。
           从此以后，`kubectl` 可以像对待其他对象一样创建、列出、描述和删除它的对象，
           API 服务器会按照你给出的模式（schema）校验它们，监视者也能看到它们的变化。

           新的类型本身什么也不做：它只是数据。**Operator** 是一个程序，它监视这些对象，
           并完成对象所描述的工作——和 Deployment 控制器一样的控制循环，只不过由你来写。
           本节中你会定义一个 `WebApp` 类型，并用 [kopf](https://kopf.readthedocs.io)
           写一个小小的 Operator，把每个 WebApp 变成一个 Deployment。
           """),
        *setup(seed=18),
        md("""
           ## A new kind

           The CRD names the kind (`WebApp`, plural `webapps`, short name `wa`), its API group
           and version (`example.com/v1`), and an OpenAPI schema: `image` is required,
           `replicas` is a number from 1 to 10 and defaults to 1. The printer columns say
           what `kubectl get` shows, and the `status` subresource lets the operator report
           back without touching `spec`.
           """,
           """
           ## 一个新的类型

           CRD 给出类型的名字（`WebApp`，复数 `webapps`，简称 `wa`）、它的 API 组和版本
           （`example.com/v1`），以及一个 OpenAPI 模式：`image` 是必填的，`replicas`
           是 1 到 10 之间的数字，默认为 1。打印列（printer columns）决定 `kubectl get`
           显示什么；`status` 子资源让 Operator 可以回报结果，而不必改动 `spec`。
           """),
        code(CRD),
        md("""
           The API server accepts the definition and, once it is `Established`, serves the new
           resource next to the built-in ones:
           """,
           """
           API 服务器接受这个定义；一旦它进入 `Established` 状态，新资源就和内置资源一起提供服务：
           """),
        code("%kubectl wait --for=condition=Established crd/webapps.example.com --timeout=60s"),
        code("%kubectl get crd"),
        code("%kubectl api-resources --api-group=example.com"),
        md("""
           `kubectl explain` reads the documentation from your schema, as it does for Pods:
           """,
           """
           `kubectl explain` 从你的模式中读取说明文档，就像对 Pod 一样：
           """),
        code("%kubectl explain webapp.spec"),
        md("""
           ## Custom objects

           Create a WebApp. Its `replicas` is left out: the API server fills in the default
           from the schema.
           """,
           """
           ## 自定义对象

           创建一个 WebApp。这里没有写 `replicas`：API 服务器会按照模式填入默认值。
           """),
        code(HELLO),
        code("%kubectl get webapps"),
        code("%kubectl get wa hello -o jsonpath='{.spec}'"),
        md("""
           The schema is enforced: 50 replicas is more than the maximum, and the API server
           refuses the object with the reason.
           """,
           """
           模式是强制执行的：50 个副本超过了上限，API 服务器拒绝这个对象并给出原因。
           """),
        code(TOO_MANY),
        md("""
           The WebApp exists, but nothing runs: no controller knows what a WebApp means. The
           DEPLOYMENT column is empty and there are no pods.
           """,
           """
           WebApp 已经存在，但什么也没有运行：没有哪个控制器知道 WebApp 意味着什么。
           DEPLOYMENT 列是空的，也没有 Pod。
           """),
        code("%kubectl get deployments,pods"),
        md("""
           ## An operator

           kopf turns Python functions into handlers: `create_deployment` runs once for each
           new WebApp, `scale_deployment` each time a WebApp's `spec.replicas` changes. They
           use the official Python client, with the same kubeconfig as `%kubectl`.
           `kopf.adopt` puts an owner reference on the Deployment, so that Kubernetes'
           garbage collector deletes it with its WebApp.
           """,
           """
           kopf 把 Python 函数变成处理器（handler）：每出现一个新的 WebApp，`create_deployment`
           运行一次；每当 WebApp 的 `spec.replicas` 改变，`scale_deployment` 运行一次。
           它们使用官方的 Python 客户端，和 `%kubectl` 使用同一个 kubeconfig。
           `kopf.adopt` 在 Deployment 上加一个属主引用（owner reference），这样 Kubernetes
           的垃圾收集器会在删除 WebApp 时一并删除它的 Deployment。
           """),
        code(OPERATOR),
        md("""
           Start the operator in the background of this kernel. It lists the WebApps that
           already exist, handles `hello`, and keeps watching for changes.
           """,
           """
           在本内核的后台启动 Operator。它先列出已经存在的 WebApp，处理 `hello`，然后持续监视变化。
           """),
        code(RUN),
        md("""
           **kubenb and a real cluster:** here the operator runs inside this notebook's kernel,
           the way `kopf run` runs on a developer's laptop. In production it runs as a
           Deployment in the cluster, with a ServiceAccount whose Role allows exactly what it
           does (watch WebApps, manage Deployments), and usually with more than one replica
           and leader election.
           """,
           """
           **kubenb 与真实集群：**这里的 Operator 运行在本笔记本的内核里，就像开发者在自己的电脑上运行
           `kopf run` 一样。在生产环境中，它以 Deployment 的形式运行在集群里，使用一个
           ServiceAccount，其 Role 只允许它所做的事（监视 WebApp、管理 Deployment），
           而且通常有多个副本并进行领导者选举。
           """),
        md("""
           The operator created the Deployment and wrote its name into the WebApp's status:
           """,
           """
           Operator 创建了 Deployment，并把它的名字写进了 WebApp 的状态：
           """),
        code("%kubectl wait --for=jsonpath='{.status.deployment}'=hello webapp/hello --timeout=60s"),
        code("%kubectl wait --for=condition=Available deployment/hello --timeout=120s"),
        code("%kubectl get webapps"),
        code("%kubectl get deployment hello -o jsonpath='{.metadata.ownerReferences[0].kind}/{.metadata.ownerReferences[0].name}'"),
        md("""
           The status the operator wrote, through the status subresource:
           """,
           """
           Operator 通过 status 子资源写下的状态：
           """),
        code("%kubectl get webapp hello -o jsonpath='{.status}'"),
        md("""
           ## Change the object, the operator follows

           Ask the WebApp for three replicas. The operator sees the change of
           `spec.replicas` and scales its Deployment.
           """,
           """
           ## 修改对象，Operator 随之跟进

           让 WebApp 运行三个副本。Operator 看到 `spec.replicas` 的变化，随之扩容它的 Deployment。
           """),
        code("%kubectl patch webapp hello --type=merge -p '{\"spec\":{\"replicas\":3}}'"),
        code("%kubectl wait --for=jsonpath='{.status.availableReplicas}'=3 deployment/hello --timeout=120s"),
        code("%kubectl get webapp,deployment"),
        *picture("The three pods the operator's Deployment runs:",
                 "Operator 的 Deployment 运行的三个 Pod："),
        md("""
           ## Delete the object

           Deleting the WebApp deletes what it owns: the garbage collector follows the owner
           reference to the Deployment, and the Deployment's ReplicaSet and pods go with it.
           (`%%capture` hides the wait's line: whether the Deployment is already gone when
           the wait starts varies from run to run.)
           """,
           """
           ## 删除对象

           删除 WebApp 会删除它所拥有的东西：垃圾收集器顺着属主引用找到 Deployment，
           Deployment 的 ReplicaSet 和 Pod 也随之删除。
           （`%%capture` 隐藏了等待命令的输出：等待开始时 Deployment 是否已经消失，每次运行都可能不同。）
           """),
        code("%kubectl delete webapp hello"),
        code("%%capture\n%kubectl wait --for=delete deployment/hello --timeout=60s"),
        code("%kubectl get webapps,deployments"),
        *exercise("Create a WebApp named `shop` that runs `nginx` with 2 replicas, and wait until "
                  "the operator's Deployment has both pods available.",
                  "创建一个名为 `shop` 的 WebApp，用 2 个副本运行 `nginx`，并等待 Operator 创建的 "
                  "Deployment 的两个 Pod 都可用。",
                  'kubenb.expect.exists("webapp", "shop"),\n'
                  '              kubenb.expect.deployment("shop", replicas=2, available=2, image="nginx")',
                  [SHOP,
                   "%kubectl wait --for=jsonpath='{.status.deployment}'=shop webapp/shop --timeout=60s",
                   "%kubectl wait --for=jsonpath='{.status.availableReplicas}'=2 deployment/shop "
                   "--timeout=120s"]),
        md("""
           ## Stop the operator

           Stop the operator before the cluster goes: it finishes its work and closes its
           watches (`False`: the thread has ended).
           """,
           """
           ## 停止 Operator

           在删除集群之前先停止 Operator：它会做完手头的工作并关闭监视（`False` 表示线程已经结束）。
           """),
        code(STOP),
        *teardown(),
        recap(["A **CustomResourceDefinition** adds a kind to the API: `kubectl apply` it, wait "
               "for `condition=Established`, then `kubectl get`, `explain` and `describe` its "
               "objects like any other.",
               "The CRD's OpenAPI schema validates objects and fills in defaults; printer columns "
               "shape `kubectl get`.",
               "An **operator** watches custom objects and does their work; with kopf, "
               "`@kopf.on.create` / `@kopf.on.update` handlers, run here by `kopf.operator(...)`.",
               "Owner references (`kopf.adopt`) let the garbage collector delete what an object "
               "created when the object goes (`kubectl delete webapp …`)."],
              ["**CustomResourceDefinition** 给 API 加上一个类型：用 `kubectl apply` 创建它，等待 "
               "`condition=Established`，然后像其他对象一样用 `kubectl get`、`explain` 和 `describe` "
               "查看它的对象。",
               "CRD 的 OpenAPI 模式校验对象并填入默认值；打印列决定 `kubectl get` 的显示内容。",
               "**Operator** 监视自定义对象并完成它们描述的工作；用 kopf 写的 `@kopf.on.create` / "
               "`@kopf.on.update` 处理器，这里由 `kopf.operator(...)` 运行。",
               "属主引用（`kopf.adopt`）让垃圾收集器在对象被删除时（`kubectl delete webapp …`），"
               "一并删除它创建的东西。"]),
    ],
)
