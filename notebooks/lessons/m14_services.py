"""Chapter 14, Services in depth: cluster DNS, a headless Service, LoadBalancer with
`minikube tunnel`, Ingress with the ingress addon; exercise: route /banana through the Ingress."""

from __future__ import annotations

from .cells import (
    Module,
    code,
    exercise,
    md,
    picture,
    recap,
    setup,
    teardown,
)
from .m05_expose import MINIKUBE_IP
from .manifests import APPLY, deployment

FRUIT = APPLY + "\n---\n".join(
    deployment(fruit, "echo", "hashicorp/http-echo", replicas=replicas,
               container_spec=f'args: ["-text={fruit}"]')
    for fruit, replicas in (("apple", 2), ("banana", 1)))

HEADLESS = """\
%%kubectl apply -f -
apiVersion: v1
kind: Service
metadata:
  name: apple-headless
spec:
  clusterIP: None
  selector:
    app: apple
  ports:
  - port: 5678"""

INGRESS = """\
%%kubectl apply -f -
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: fruit
spec:
  rules:
  - host: fruit.example
    http:
      paths:
      - path: /apple
        pathType: Prefix
        backend:
          service:
            name: apple
            port:
              number: 5678"""

INGRESS_BOTH = INGRESS + """
      - path: /banana
        pathType: Prefix
        backend:
          service:
            name: banana
            port:
              number: 5678"""

LB_GET = """\
from urllib.request import urlopen

LB_IP = %kubectl get service banana-lb -o jsonpath='{.status.loadBalancer.ingress[0].ip}{"\\n"}'
with urlopen(f"http://{LB_IP.strip()}:8080", timeout=10) as reply:
    print(reply.status, reply.read().decode().strip())"""

UNKNOWN_HOST = """\
from urllib.error import HTTPError
from urllib.request import Request, urlopen

try:
    urlopen(Request(f"http://{MINIKUBE_IP}/apple", headers={"Host": "other.example"}), timeout=10)
except HTTPError as err:
    print(err.code, err.headers["Server"])"""

CELLS = [
    md("""
       # Services in depth: DNS, LoadBalancer, Ingress

       A Service gives a changing set of pods one stable name and address. This chapter
       looks at how pods find Services by **name** (cluster DNS), at a **headless** Service
       that hands out the pods' own addresses, at a **LoadBalancer** Service and the
       address `minikube tunnel` gives it, and at an **Ingress**, which sends HTTP requests
       to different Services by host name and path.
       """,
       """
       # 深入 Service：DNS、LoadBalancer 与 Ingress

       Service 为一组不断变化的 Pod 提供一个稳定的名字和地址。本章介绍 Pod 如何通过**名字**找到
       Service（集群 DNS）、直接给出各个 Pod 地址的 **Headless** Service、**LoadBalancer** 类型的
       Service 以及 `minikube tunnel` 为它分配的地址，最后介绍 **Ingress**：它按主机名和路径把
       HTTP 请求分发到不同的 Service。
       """),
    *setup(seed=14, nodes=2),
    md("""
       Two small web apps: `apple` (two replicas) and `banana` (one), each a
       `hashicorp/http-echo` server that answers every request on port 5678 with its word.
       """,
       """
       两个小型 Web 应用：`apple`（两个副本）和 `banana`（一个副本），都是 `hashicorp/http-echo`
       服务器，在 5678 端口上用自己的单词回答每个请求。
       """),
    code(FRUIT),
    code("%kubectl rollout status deployment/apple"),
    code("%kubectl rollout status deployment/banana"),
    code("%kubectl expose deployment apple --port=5678"),
    code("%kubectl get services"),
    md("""
       ## Cluster DNS

       Every Service gets a DNS name, `NAME.NAMESPACE.svc.cluster.local`. Start a busybox
       pod to look names up from inside the cluster:
       """,
       """
       ## 集群 DNS

       每个 Service 都有一个 DNS 名字：`NAME.NAMESPACE.svc.cluster.local`。启动一个 busybox Pod，
       从集群内部查询这些名字：
       """),
    code("%kubectl run dns-test --image=busybox --restart=Never -- sleep 3600"),
    code("%kubectl wait --for=condition=Ready pod/dns-test --timeout=60s"),
    code("%kubectl exec dns-test -- nslookup apple.default.svc.cluster.local"),
    md("""
       The answer is the Service's ClusterIP (the `CLUSTER-IP` column above). The short
       name works too, because of the pod's `/etc/resolv.conf`:
       """,
       """
       答案就是 Service 的 ClusterIP（上面的 `CLUSTER-IP` 列）。短名字同样可用，原因在 Pod 的
       `/etc/resolv.conf` 里：
       """),
    code("%kubectl exec dns-test -- cat /etc/resolv.conf"),
    md("""
       `search` lists the domains tried after a name with fewer than `ndots:5` dots: `apple`
       becomes `apple.default.svc.cluster.local` first, so a pod finds the Services of its own
       namespace by their short name (and `apple.default` from any namespace). The
       `nameserver` is the ClusterIP of the `kube-dns` Service in `kube-system`, in front of
       the cluster's DNS server (CoreDNS). Look up the short name:
       """,
       """
       `search` 列出了名字中的点少于 `ndots:5` 个时依次尝试的域：`apple` 会先被补全为
       `apple.default.svc.cluster.local`，所以 Pod 可以用短名字找到同一命名空间里的 Service
       （在任何命名空间中都可以用 `apple.default`）。`nameserver` 是 `kube-system` 中
       `kube-dns` Service 的 ClusterIP，它背后是集群的 DNS 服务器（CoreDNS）。查询短名字：
       """),
    code("%kubectl exec dns-test -- nslookup apple"),
    md("""
       The first answer is `apple.default.svc.cluster.local`, the Service. busybox's
       `nslookup` goes on to ask the other search domains too (for IPv4 and IPv6 addresses),
       prints `NXDOMAIN` for the names that do not exist, and exits with code 1 because some
       lookups failed. The cluster's DNS server sits behind the `nameserver` address, the
       `kube-dns` Service:
       """,
       """
       第一个答案是 `apple.default.svc.cluster.local`，也就是那个 Service。busybox 的 `nslookup`
       还会继续查询其余的搜索域（IPv4 和 IPv6 地址各查一次），对不存在的名字打印 `NXDOMAIN`，
       并因为有查询失败而以退出码 1 结束。集群的 DNS 服务器就在 `nameserver` 那个地址后面，
       即 `kube-dns` Service：
       """),
    code("%kubectl get service kube-dns -n kube-system"),
    md("""
       ## A headless Service

       A Service with `clusterIP: None` has no virtual address. Its DNS name answers with
       the addresses of the ready pods it selects, one per pod, and clients pick one
       themselves (StatefulSets use this to give each pod its own name).
       """,
       """
       ## Headless Service

       设置了 `clusterIP: None` 的 Service 没有虚拟地址。它的 DNS 名字直接返回被选中的就绪 Pod
       的地址，每个 Pod 一个，由客户端自己挑选（StatefulSet 就是靠它给每个 Pod 一个独立的名字）。
       """),
    code(HEADLESS),
    code("%kubectl get endpoints apple-headless"),
    code("%kubectl exec dns-test -- nslookup apple-headless.default.svc.cluster.local"),
    md("""
       Two addresses, the two `apple` pods' IPs; with `CLUSTER-IP` `None`:
       """,
       """
       两个地址，正是两个 `apple` Pod 的 IP；它的 `CLUSTER-IP` 是 `None`：
       """),
    code("%kubectl get service apple-headless"),
    md("""
       ## A LoadBalancer Service

       `type: LoadBalancer` asks the cloud for an external load balancer. minikube has none,
       so the external address stays `<pending>`:
       """,
       """
       ## LoadBalancer 类型的 Service

       `type: LoadBalancer` 会向云平台申请一个外部负载均衡器。minikube 没有云平台，所以外部地址
       一直是 `<pending>`：
       """),
    code("%kubectl expose deployment banana --name=banana-lb --type=LoadBalancer --port=8080 --target-port=5678"),
    code("%kubectl get service banana-lb"),
    md("""
       `minikube tunnel` plays the load balancer: it gives each LoadBalancer Service an
       external address (its ClusterIP) and routes traffic to it.
       """,
       """
       `minikube tunnel` 扮演负载均衡器：它为每个 LoadBalancer Service 分配一个外部地址（即它的
       ClusterIP），并把流量路由过去。
       """),
    code("%minikube tunnel"),
    code("%kubectl wait --for=jsonpath='{.status.loadBalancer.ingress[0].ipMode}'=VIP service/banana-lb --timeout=30s"),
    code("%kubectl get service banana-lb"),
    md("""
       The EXTERNAL-IP answers on the Service's port, 8080:
       """,
       """
       EXTERNAL-IP 在 Service 的端口 8080 上应答：
       """),
    code(LB_GET),
    md("""
       `minikube service NAME --url` prints a URL for a Service from outside the cluster
       (through the node port every LoadBalancer Service also has):
       """,
       """
       `minikube service NAME --url` 打印从集群外访问某个 Service 的 URL（经由每个 LoadBalancer
       Service 同样拥有的节点端口）：
       """),
    code("%minikube service banana-lb --url"),
    md("""
       Stop the tunnel: with real minikube you press Ctrl-C in its terminal; kubenb's
       tunnel runs in the background and stops with `--stop`. The EXTERNAL-IP goes back to
       `<pending>`.
       """,
       """
       停止隧道：在真实的 minikube 中，你在它的终端里按 Ctrl-C；kubenb 的隧道在后台运行，
       用 `--stop` 停止。EXTERNAL-IP 又变回 `<pending>`。
       """),
    code("%minikube tunnel --stop\n%kubectl get service banana-lb"),
    md("""
       **kubenb and a real cluster:** the addresses are loopback addresses (`127.…`), as every
       node and pod lives on your machine; a real minikube shows ClusterIPs from
       `10.96.0.0/12`. Real `minikube tunnel` is a separate process that runs in the
       foreground (it asks for `sudo` to add a route, prints its status every 5 s and stops on
       Ctrl-C); kubenb runs it in the background of the kernel, prints its status once, and
       `minikube tunnel --stop` (kubenb's own flag), `minikube stop` or `minikube delete` end it.
       """,
       """
       **kubenb 与真实集群：**这些地址是回环地址（`127.…`），因为每个节点和 Pod 都在你的机器上；
       真实的 minikube 显示的是来自 `10.96.0.0/12` 的 ClusterIP。真实的 `minikube tunnel`
       是一个在前台运行的独立进程（它需要 `sudo` 来添加路由，每 5 秒打印一次状态，按 Ctrl-C 停止）；
       kubenb 在内核的后台运行它，只打印一次状态，用 `minikube tunnel --stop`（kubenb 自己的参数）、
       `minikube stop` 或 `minikube delete` 结束它。
       """),
    md("""
       ## Ingress

       An Ingress routes HTTP requests by host name and path to Services, behind one
       address. It needs an ingress controller; minikube's `ingress` addon installs
       ingress-nginx.
       """,
       """
       ## Ingress

       Ingress 在同一个地址后面，按主机名和路径把 HTTP 请求路由到不同的 Service。它需要一个
       Ingress 控制器；minikube 的 `ingress` 插件会安装 ingress-nginx。
       """),
    code("%minikube addons enable ingress"),
    code("%kubectl wait --namespace ingress-nginx --for=condition=ready pod "
         "--selector=app.kubernetes.io/component=controller --timeout=90s"),
    md("""
       An Ingress for the host `fruit.example` that sends `/apple` to the `apple` Service:
       """,
       """
       为主机 `fruit.example` 创建一个 Ingress，把 `/apple` 发给 `apple` Service：
       """),
    code(INGRESS),
    code("%kubectl wait --for=jsonpath='{.status.loadBalancer.ingress[0].ip}' ingress/fruit --timeout=60s"),
    code("%kubectl get ingress"),
    md("""
       ADDRESS is the node's address, where the controller listens on port 80. Send it a
       request with the `Host` header a browser would send for `fruit.example`:
       """,
       """
       ADDRESS 是节点的地址，Ingress 控制器在它的 80 端口上监听。向它发送一个请求，带上浏览器
       访问 `fruit.example` 时会发送的 `Host` 请求头：
       """),
    code(MINIKUBE_IP),
    code("!curl -s -H 'Host: fruit.example' http://$MINIKUBE_IP/apple"),
    md("""
       A host no rule names gets the controller's default backend: `404 Not Found`, from
       nginx.
       """,
       """
       没有任何规则提到的主机会交给控制器的默认后端处理：nginx 返回 `404 Not Found`。
       """),
    code(UNKNOWN_HOST),
    md("""
       **kubenb and a real cluster:** the addon creates the objects of minikube's
       `ingress-nginx` (namespace, controller Deployment, Services, IngressClass `nginx`), but
       the controller is kubenb's own HTTP proxy in the kernel: it routes hosts and paths,
       and answers with nginx's 404 and 503 pages, as ingress-nginx does; ingress-nginx
       annotations (`rewrite-target` …) and regex paths are not supported.
       """,
       """
       **kubenb 与真实集群：**插件会创建 minikube 的 `ingress-nginx` 中的对象（命名空间、控制器
       Deployment、Service、IngressClass `nginx`），但控制器是 kubenb 自己在内核里运行的 HTTP
       代理：它像 ingress-nginx 一样按主机和路径路由，并返回 nginx 的 404 和 503 页面；
       不支持 ingress-nginx 的注解（`rewrite-target` 等）和正则表达式路径。
       """),
    *picture("""
             The cluster now: the `apple` and `banana` pods over the two nodes, the Services
             in front of them.
             """,
             """
             现在的集群：`apple` 和 `banana` 的 Pod 分布在两个节点上，Service 在它们前面。
             """),
    *exercise("Give the `banana` Deployment a ClusterIP Service named `banana` on port 5678, "
              "and route `fruit.example/banana` to it through the `fruit` Ingress.",
              "为 `banana` Deployment 创建一个名为 `banana`、端口为 5678 的 ClusterIP Service，"
              "并通过 `fruit` Ingress 把 `fruit.example/banana` 路由到它。",
              'kubenb.expect.service("banana", type="ClusterIP", endpoints=1),\n'
              '              kubenb.expect.ingress_route("fruit.example", "/banana", "banana", 5678)',
              ["%kubectl expose deployment banana --port=5678",
               INGRESS_BOTH,
               "!curl -s -H 'Host: fruit.example' http://$MINIKUBE_IP/banana"]),
    *teardown(),
    recap(["Pods find Services by DNS name: `NAME`, `NAME.NAMESPACE` or "
           "`NAME.NAMESPACE.svc.cluster.local` (`kubectl exec POD -- nslookup NAME`), through "
           "the search domains of their resolv.conf and the `kube-dns` Service.",
           "A headless Service (`clusterIP: None`) answers with one address per ready pod.",
           "A LoadBalancer Service's EXTERNAL-IP is `<pending>` on minikube until "
           "`minikube tunnel` runs; `minikube service NAME --url` prints a URL for it.",
           "`minikube addons enable ingress` installs an ingress controller; an Ingress routes "
           "host names and paths to Services, unknown hosts get a 404."],
          ["Pod 通过 DNS 名字找到 Service：`NAME`、`NAME.NAMESPACE` 或 "
           "`NAME.NAMESPACE.svc.cluster.local`（`kubectl exec POD -- nslookup NAME`），"
           "依靠的是 resolv.conf 中的搜索域和 `kube-dns` Service。",
           "Headless Service（`clusterIP: None`）为每个就绪 Pod 返回一个地址。",
           "在 minikube 上，LoadBalancer Service 的 EXTERNAL-IP 在运行 `minikube tunnel` 之前一直是 "
           "`<pending>`；`minikube service NAME --url` 打印访问它的 URL。",
           "`minikube addons enable ingress` 安装 Ingress 控制器；Ingress 按主机名和路径把请求路由到 "
           "Service，未知的主机得到 404。"]),
]


MODULE = Module(
    slug="14-services",
    title={"en": "Services in depth: DNS, LoadBalancer, Ingress",  # = CHAPTERS["14-services"]
           "zh": "深入 Service：DNS、LoadBalancer 与 Ingress"},
    summary={"en": "Cluster DNS, headless Services, LoadBalancer with minikube tunnel, Ingress",
             "zh": "集群 DNS、Headless Service、配合 minikube tunnel 的 LoadBalancer、Ingress"},
    tutorial=False,
    chapter=True,
    minutes=25,
    cells=CELLS,
)
