"""Module 5, Services and labels: expose NodePort, the node port, labels, delete service -l."""

from __future__ import annotations

from .cells import Module, code, exercise, md, picture, real_cluster_note, recap, setup, teardown
from .m03_deploy_app import POD_NAME, POD_NAME_STRIP

NODE_PORT = "NODE_PORT = %kubectl get services/kubernetes-bootcamp -o go-template='{{(index .spec.ports 0).nodePort}}'"
MINIKUBE_IP = """\
MINIKUBE_IP = %minikube ip
MINIKUBE_IP = MINIKUBE_IP.strip()"""
CURL_NODE_PORT = "!curl -sS http://$MINIKUBE_IP:$NODE_PORT"

MODULE = Module(
    slug="05-expose",
    title={"en": "Expose your app with a Service", "zh": "公开应用：Service 与标签"},
    summary={"en": "a NodePort Service, its node port, labels and selectors",
             "zh": "NodePort 类型的 Service、节点端口、标签与选择算符"},
    minutes=15,
    cells=[
        md("""
           # Expose your app with a Service

           Pods come and go: when a node fails, its pods are replaced by new ones with new IP
           addresses. A **Service** gives a set of pods one stable address and spreads traffic
           over them, so nobody has to track individual pods. Its `type` says how far it reaches:

           - `ClusterIP` (the default): an address inside the cluster only;
           - `NodePort`: also a port on every node, reachable from outside at `<node IP>:<port>`;
           - `LoadBalancer`: also an external load balancer, where the environment provides one.

           A Service finds its pods with a **label selector**. Labels are key/value pairs
           attached to objects (`app=kubernetes-bootcamp`); a selector picks every object whose
           labels match. Labels can be added or changed at any time.
           """,
           """
           # 公开应用：Service 与标签

           Pod 会不断地出现和消失：节点出故障时，它上面的 Pod 会被换成新 Pod，IP 地址也随之改变。
           **Service** 为一组 Pod 提供一个稳定的地址，并把流量分发给它们，这样就没人需要追踪单个 Pod。
           它的 `type` 决定了它的可达范围：

           - `ClusterIP`（默认）：只在集群内部可达的地址；
           - `NodePort`：另外在每个节点上开放一个端口，可以从外部通过 `<节点 IP>:<端口>` 访问；
           - `LoadBalancer`：另外再配一个外部负载均衡器（如果环境提供的话）。

           Service 通过**标签选择算符**找到它的 Pod。标签是附加在对象上的键值对
           （`app=kubernetes-bootcamp`）；选择算符会选中所有标签匹配的对象。标签随时可以添加或修改。
           """),
        *setup(seed=5),
        code("%kubectl create deployment kubernetes-bootcamp --image=gcr.io/google-samples/kubernetes-bootcamp:v1"),
        code("%kubectl wait --for=condition=Available deployment/kubernetes-bootcamp --timeout=120s"),
        md("""
           ## Create a Service

           The app runs in one pod. Which Services exist already?
           """,
           """
           ## 创建 Service

           应用运行在一个 Pod 中。现在已经有哪些 Service？
           """),
        code("%kubectl get pods"),
        md("""
           Only `kubernetes`: the Service of the API server itself, created with the cluster.
           """,
           """
           只有 `kubernetes`：这是 API 服务器自己的 Service，随集群一起创建。
           """),
        code("%kubectl get services"),
        real_cluster_note("addresses"),
        md("""
           `kubectl expose` creates a Service for the Deployment's pods: type `NodePort`,
           port 8080 (the app's port).
           """,
           """
           `kubectl expose` 为 Deployment 的 Pod 创建一个 Service：类型为 `NodePort`，
           端口 8080（即应用的端口）。
           """),
        code('%kubectl expose deployment/kubernetes-bootcamp --type="NodePort" --port 8080'),
        md("""
           The endpoints controller fills in the Service's endpoints a moment after the Service
           is created. A script waits for them as it waits for a rollout:
           """,
           """
           Service 创建之后，端点控制器（endpoints controller）稍后才填好它的端点。
           脚本会像等待一次滚动更新那样等它们出现：
           """),
        code("%kubectl wait --for=jsonpath='{.subsets[0].addresses[0].targetRef.kind}'=Pod "
             "endpoints/kubernetes-bootcamp --timeout=60s"),
        md("""
           `kubectl describe` shows what the Service got: a cluster IP, the **NodePort** that
           every node now opens, the **Selector** it uses to find its pods, and the
           **Endpoints**: the address of the pod behind it.
           """,
           """
           `kubectl describe` 显示这个 Service 得到了什么：一个集群 IP、每个节点都会开放的
           **NodePort**、用来寻找 Pod 的 **Selector**，以及 **Endpoints**：它背后那个 Pod 的地址。
           """),
        code("%kubectl describe services/kubernetes-bootcamp"),
        *picture('In the picture the Service is listed with its endpoints: the pod it sends traffic to.',
                  '图中列出了这个 Service 及其端点：也就是它把流量发往的那个 Pod。'),
        md("""
           Keep the node port in `NODE_PORT` (a Go template picks it out of the Service), and
           the node's address, which `minikube ip` prints, in `MINIKUBE_IP`.
           """,
           """
           把节点端口保存到 `NODE_PORT`（用 Go 模板从 Service 中取出），
           把 `minikube ip` 打印的节点地址保存到 `MINIKUBE_IP`。
           """),
        code(NODE_PORT),
        code(MINIKUBE_IP),
        md("""
           Now the app is reachable from outside the cluster — from this notebook — at the
           node's address and the node port:
           """,
           """
           现在可以从集群外部——从这个笔记本——通过节点地址加节点端口访问应用了：
           """),
        code(CURL_NODE_PORT),
        md("""
           `minikube service --url` does the same lookup for you: it prints the URL at which a
           NodePort Service answers from outside the cluster.
           """,
           """
           `minikube service --url` 替你完成同样的查找：它打印出一个 NodePort Service
           可以从集群外部访问的 URL。
           """),
        code("%minikube service kubernetes-bootcamp --url"),
        md("""
           ### And LoadBalancer?

           On a cloud provider, the official tutorial's other choice, `--type=LoadBalancer`,
           asks the cloud for an external load balancer, and its address appears as
           EXTERNAL-IP. minikube has no cloud behind it: the Service works like a NodePort
           one, and EXTERNAL-IP stays `<pending>` until `minikube tunnel` runs (the chapter
           on Services shows the tunnel).
           """,
           """
           ### 那 LoadBalancer 呢？

           在云服务商那里，官方教程的另一种选择 `--type=LoadBalancer` 会向云平台申请一个外部负载均衡器，
           它的地址显示在 EXTERNAL-IP 列。minikube 背后没有云平台：这个 Service 的工作方式与
           NodePort 相同，EXTERNAL-IP 一直是 `<pending>`，直到运行 `minikube tunnel`
           （讲 Service 的那一章会演示 tunnel）。
           """),
        code('%kubectl expose deployment/kubernetes-bootcamp --type="LoadBalancer" --port 8080 --name=bootcamp-lb'),
        code("%kubectl get services bootcamp-lb"),
        code("%kubectl delete service bootcamp-lb"),
        md("""
           ## Labels

           `kubectl create deployment` labelled the Deployment and its pods `app=kubernetes-bootcamp`;
           `describe deployment` shows the label and the selector built from it.
           """,
           """
           ## 标签

           `kubectl create deployment` 给 Deployment 和它的 Pod 加上了标签 `app=kubernetes-bootcamp`；
           `describe deployment` 会显示这个标签以及由它构成的选择算符。
           """),
        code("%kubectl describe deployment"),
        md("""
           Use the label to select: `-l` works with every `get`.
           """,
           """
           用标签来筛选：所有 `get` 都支持 `-l`。
           """),
        code("%kubectl get pods -l app=kubernetes-bootcamp"),
        code("%kubectl get services -l app=kubernetes-bootcamp"),
        md("""
           Add a label of your own to the pod: `version=v1`.
           """,
           """
           给 Pod 加一个你自己的标签：`version=v1`。
           """),
        code(POD_NAME),
        code(POD_NAME_STRIP),
        code("%kubectl label pods $POD_NAME version=v1"),
        md("""
           The pod's **Labels** now list `version=v1` next to the ones it was born with:
           """,
           """
           现在 Pod 的 **Labels** 中除了原有的标签，还多了 `version=v1`：
           """),
        code("%kubectl describe pods $POD_NAME"),
        real_cluster_note("tolerations"),
        code("%kubectl get pods -l version=v1"),
        *exercise("Give the same pod a second label, `tier=frontend`, so that "
                  "`-l app=kubernetes-bootcamp,tier=frontend` selects exactly that one pod.",
                  "给同一个 Pod 再加一个标签 `tier=frontend`，让 "
                  "`-l app=kubernetes-bootcamp,tier=frontend` 恰好选中这一个 Pod。",
                  'kubenb.expect.pods("app=kubernetes-bootcamp,tier=frontend", count=1)',
                  ["%kubectl label pods $POD_NAME tier=frontend",
                   "%kubectl get pods -l app=kubernetes-bootcamp,tier=frontend"]),
        md("""
           ## Delete the Service

           Selectors work for deleting too. This removes every Service labelled
           `app=kubernetes-bootcamp`:
           """,
           """
           ## 删除 Service

           选择算符也可以用于删除。下面的命令删除所有带 `app=kubernetes-bootcamp` 标签的 Service：
           """),
        code("%kubectl delete service -l app=kubernetes-bootcamp"),
        code("%kubectl get services"),
        md("""
           The node port is closed now, so the request from outside fails:
           """,
           """
           节点端口已经关闭，所以从外部发出的请求会失败：
           """),
        code(CURL_NODE_PORT),
        md("""
           The app itself still runs — the Deployment was not touched. From inside the pod it
           still answers:
           """,
           """
           应用本身仍在运行——Deployment 没有受影响。在 Pod 内部，它依然会应答：
           """),
        code("%kubectl exec $POD_NAME -- curl -s http://localhost:8080"),
        *teardown(),
        recap(["A **Service** gives a set of pods one stable address: "
               "`kubectl expose deployment/NAME --type=NodePort --port 8080` opens it on a port of "
               "every node, and `kubectl describe services/NAME` shows its endpoints.",
               "`minikube ip` and the Service's node port (`-o go-template`) make the URL to reach "
               "the app from outside the cluster.",
               "**Labels** select objects: `kubectl label pods POD KEY=VALUE` adds one, `-l KEY=VALUE` "
               "filters `get`, `describe` and `delete`.",
               "Deleting the Service (`kubectl delete service -l …`) closes the outside door; the "
               "pods keep running."],
              ["**Service** 为一组 Pod 提供一个稳定的地址：`kubectl expose deployment/NAME --type=NodePort --port 8080` "
               "在每个节点的一个端口上开放它，`kubectl describe services/NAME` 显示它的端点。",
               "用 `minikube ip` 和 Service 的节点端口（`-o go-template`）拼出从集群外访问应用的 URL。",
               "**标签**用来选择对象：`kubectl label pods POD KEY=VALUE` 添加标签，`-l KEY=VALUE` "
               "筛选 `get`、`describe` 和 `delete` 的对象。",
               "删除 Service（`kubectl delete service -l …`）会关闭外部入口；Pod 仍在运行。"]),
    ],
)
