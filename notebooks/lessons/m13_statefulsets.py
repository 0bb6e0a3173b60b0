"""Chapter 13, StatefulSets and storage: the default StorageClass, a claim bound by the
provisioner, a headless Service and a StatefulSet (ordered pods, a claim each, stable names in
DNS), data surviving a pod's deletion, scaling, and what deleting keeps or removes."""

from __future__ import annotations

from .cells import (
    VARIES,
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

CLAIM = """\
%%kubectl apply -f -
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: scratch
spec:
  accessModes: ["ReadWriteOnce"]
  resources:
    requests:
      storage: 1Gi"""

WEB = """\
%%kubectl apply -f -
apiVersion: v1
kind: Service
metadata:
  name: nginx
  labels:
    app: nginx
spec:
  ports:
  - port: 80
    name: web
  clusterIP: None
  selector:
    app: nginx
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: nginx
  replicas: 3
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: store
        image: busybox
        command: ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"]
        volumeMounts:
        - name: www
          mountPath: /usr/share/nginx/html
  volumeClaimTemplates:
  - metadata:
      name: www
    spec:
      accessModes: ["ReadWriteOnce"]
      resources:
        requests:
          storage: 1Gi"""


MODULE = Module(
    slug="13-statefulsets",
    title={"en": "StatefulSets and storage", "zh": "StatefulSet 与存储"},  # CHAPTERS["13-statefulsets"]
    summary={"en": "StorageClass, PersistentVolumeClaims, a StatefulSet's stable names, DNS and volumes",
             "zh": "StorageClass、PersistentVolumeClaim，StatefulSet 稳定的名字、DNS 与存储卷"},
    tutorial=False,
    chapter=True,
    minutes=25,
    cells=[
        md("""
           # StatefulSets and storage

           A Deployment's pods are interchangeable: random names, no disk of their own, any one
           can replace any other. A database, a queue or a key-value store needs more: each
           replica keeps **its own data**, and the others must find it **by a name that does
           not change**. Kubernetes gives you two things for that:

           - **Persistent storage**: a *PersistentVolumeClaim* (PVC) asks for storage; a
             *PersistentVolume* (PV) is the storage itself; a *StorageClass* says how volumes are
             made on demand (*dynamic provisioning*).
           - **StatefulSets**: pods named `web-0`, `web-1`, `web-2` that are created in order,
             each with its own claim and its own DNS name, and that come back with the same name
             and the same volume when they are replaced.
           """,
           """
           # StatefulSet 与存储

           Deployment 的 Pod 是可以互相替换的：名字随机，没有自己的磁盘，任何一个都能顶替另一个。
           而数据库、消息队列或键值存储需要更多：每个副本保存**自己的数据**，其他副本还要能通过
           **一个不变的名字**找到它。Kubernetes 为此提供了两样东西：

           - **持久存储**：*PersistentVolumeClaim*（PVC，持久卷申领）申请存储；
             *PersistentVolume*（PV，持久卷）是存储本身；*StorageClass*（存储类）规定如何按需创建卷
             （*动态制备*）。
           - **StatefulSet**：名为 `web-0`、`web-1`、`web-2` 的 Pod 按顺序创建，每个都有自己的申领和
             自己的 DNS 名字，被替换时会以相同的名字、挂着相同的卷回来。
           """),
        *setup(seed=13, nodes=2),
        md("""
           ## Storage on demand

           minikube comes with one StorageClass, `standard`, marked `(default)`: a claim that names
           no class gets this one. Its provisioner, `k8s.io/minikube-hostpath`, makes a directory
           for each claim. RECLAIMPOLICY `Delete` means that the volume is deleted when its claim
           is; VOLUMEBINDINGMODE `Immediate` means that a claim is bound as soon as it is made.
           """,
           """
           ## 按需提供存储

           minikube 自带一个 StorageClass：`standard`，标记为 `(default)`（默认）：没有指定存储类的申领
           就会使用它。它的制备器 `k8s.io/minikube-hostpath` 为每个申领创建一个目录。
           RECLAIMPOLICY 为 `Delete`，表示申领被删除时卷也随之删除；VOLUMEBINDINGMODE 为
           `Immediate`，表示申领一创建就立即绑定。
           """),
        code("%kubectl get storageclass"),
        md("""
           Ask for 1 GiB that one node at a time may mount read-write (`ReadWriteOnce`):
           """,
           """
           申请 1 GiB、同一时间只允许一个节点以读写方式挂载（`ReadWriteOnce`）的存储：
           """),
        code(CLAIM),
        code("%kubectl wait --for=jsonpath='{.status.phase}'=Bound pvc/scratch --timeout=60s"),
        md("""
           The provisioner saw the claim, made a PersistentVolume for it (named after the
           claim's uid) and the claim is `Bound` to it. The PV's CLAIM column points back at
           `default/scratch`; its RECLAIM POLICY, `Delete`, comes from the StorageClass.
           """,
           """
           制备器发现了这个申领，为它创建了一个 PersistentVolume（以申领的 uid 命名），
           申领的状态变为 `Bound`（已绑定）。PV 的 CLAIM 列指回 `default/scratch`；它的
           RECLAIM POLICY（回收策略）`Delete` 来自 StorageClass。
           """),
        code("%kubectl get pvc,pv"),
        md("""
           ## A headless Service and a StatefulSet

           The StatefulSet below is the one of the Kubernetes tutorial *StatefulSet Basics*, with
           one change: its container is a small `busybox` process that keeps whatever you write
           into its volume, a tiny key-value store, instead of nginx serving it. Two objects:

           - a **headless** Service (`clusterIP: None`) named `nginx`: no virtual IP, but a DNS
             name for every pod it selects;
           - a StatefulSet `web` with 3 replicas, `serviceName: nginx`, and a
             **volumeClaimTemplate** `www`: every pod gets its own claim made from that template.
           """,
           """
           ## Headless Service 与 StatefulSet

           下面的 StatefulSet 就是 Kubernetes 教程《StatefulSet 基础》中的那个，只改了一处：
           它的容器是一个小小的 `busybox` 进程，保存你写进卷里的内容，相当于一个迷你键值存储，
           而不是用 nginx 对外提供。一共两个对象：

           - 一个名为 `nginx` 的 **headless**（无头）Service（`clusterIP: None`）：没有虚拟 IP，
             但为它选中的每个 Pod 提供一个 DNS 名字；
           - 一个有 3 个副本的 StatefulSet `web`，`serviceName: nginx`，还有一个
             **volumeClaimTemplate**（卷申领模板）`www`：每个 Pod 都会得到一个按这个模板创建的申领。
           """),
        code(WEB),
        code("%kubectl wait --for=jsonpath='{.status.readyReplicas}'=3 statefulset/web --timeout=120s"),
        md("""
           The pods are named after the StatefulSet and an ordinal: `web-0`, `web-1`, `web-2`.
           With the default `podManagementPolicy: OrderedReady` they are made **one at a time, in
           order**: `web-1` only once `web-0` is Running and Ready, `web-2` once `web-1` is. The
           StatefulSet's events record that order, and each pod's claim created just before it:
           """,
           """
           Pod 以 StatefulSet 的名字加上序号命名：`web-0`、`web-1`、`web-2`。在默认的
           `podManagementPolicy: OrderedReady` 下，它们**按顺序逐个**创建：`web-0` 运行并就绪之后才创建
           `web-1`，`web-1` 就绪之后才创建 `web-2`。StatefulSet 的事件记录了这个顺序，
           以及在每个 Pod 之前创建的它自己的申领：
           """),
        code("%kubectl describe statefulset web"),
        code("%kubectl get pods -l app=nginx -o wide"),
        real_cluster_note("addresses"),
        md("""
           Each pod has its own claim, named after the template and the pod: `www-web-0`,
           `www-web-1`, `www-web-2`, each bound to its own volume.
           """,
           """
           每个 Pod 都有自己的申领，名字由模板名和 Pod 名组成：`www-web-0`、`www-web-1`、
           `www-web-2`，各自绑定到自己的卷。
           """),
        code("%kubectl get pvc -l app=nginx"),
        *picture("""
                 The cluster now: three pods with stable names, spread over the two nodes.
                 """,
                 """
                 集群现在的样子：三个名字固定的 Pod，分布在两个节点上。
                 """),
        md("""
           ## A stable network identity

           Each pod's hostname is its name:
           """,
           """
           ## 稳定的网络标识

           每个 Pod 的主机名就是它的名字：
           """),
        code("%kubectl exec web-0 -- hostname"),
        code("%kubectl exec web-1 -- hostname"),
        md("""
           and the headless Service gives each one a DNS name, `POD.SERVICE.NAMESPACE.svc.cluster.local`,
           that any pod can look up. Inside the namespace `web-0.nginx` is enough for most
           programs (the pod's DNS search list adds the rest); recent `busybox` versions of
           `nslookup` do not use the search list, so give it the full name:
           """,
           """
           headless Service 还为每个 Pod 提供一个 DNS 名字 `POD.SERVICE.NAMESPACE.svc.cluster.local`，
           任何 Pod 都能解析它。在同一个命名空间里，大多数程序只需写 `web-0.nginx`
           （Pod 的 DNS 搜索列表会补全其余部分）；较新版本 `busybox` 的 `nslookup` 不使用搜索列表，
           所以这里给出完整的名字：
           """),
        code("%kubectl exec web-1 -- nslookup web-0.nginx.default.svc.cluster.local"),
        md("""
           ## Data that survives the pod

           Write a value into `web-0`'s volume and read it back:
           """,
           """
           ## 比 Pod 活得更久的数据

           往 `web-0` 的卷里写一个值，再读出来：
           """),
        code("""%kubectl exec web-0 -- sh -c 'echo "greeting=hello from web-0" > /usr/share/nginx/html/index.html; cat /usr/share/nginx/html/index.html'"""),
        md("""
           Now delete the pod. The StatefulSet controller makes a new one with **the same name**,
           `web-0`, and mounts **the same claim**, `www-web-0`, so the value is still there:
           """,
           """
           现在删除这个 Pod。StatefulSet 控制器会创建一个**名字相同**的新 Pod `web-0`，
           并挂载**同一个申领** `www-web-0`，所以值还在：
           """),
        code("%kubectl delete pod web-0"),
        md("""
           `kubectl delete` returned once the old pod was gone; wait for the new one to be
           created, then to be ready:
           """,
           """
           `kubectl delete` 在旧 Pod 消失后才返回；先等新 Pod 被创建，再等它就绪：
           """),
        code("%kubectl wait --for=create pod/web-0 --timeout=120s"),
        code("%kubectl wait --for=condition=Ready pod/web-0 --timeout=120s"),
        code("%kubectl exec web-0 -- cat /usr/share/nginx/html/index.html"),
        md("""
           ## Scaling down and up

           Scaling down removes the pods with the highest ordinals first, one at a time, and
           **keeps their claims**: the data of `web-2` waits for it. The StatefulSet's
           `status.replicas` counts its pods until they are gone, terminating ones included, so
           waiting for it to read 2 waits for `web-2` to be deleted.
           """,
           """
           ## 缩容与扩容

           缩容时先删除序号最大的 Pod，一次一个，并且**保留它们的申领**：`web-2` 的数据在等它回来。StatefulSet 的
           `status.replicas` 会一直计入它的 Pod（包括正在终止的），直到它们消失，
           所以等它变为 2，就是等 `web-2` 被删除。
           """),
        code("%kubectl scale statefulset web --replicas=2"),
        code("%kubectl wait --for=jsonpath='{.status.replicas}'=2 statefulset/web --timeout=120s"),
        code("%kubectl get pods,pvc -l app=nginx"),
        md("""
           Scaling back up makes `web-2` again, with the claim `www-web-2` it had before.
           """,
           """
           再扩容回来，`web-2` 会重新创建，并使用它原来的申领 `www-web-2`。
           """),
        code("%kubectl scale statefulset web --replicas=3"),
        code("%kubectl wait --for=jsonpath='{.status.readyReplicas}'=3 statefulset/web --timeout=120s"),
        code("%kubectl get pod web-2 -o jsonpath='{.spec.volumes[0].persistentVolumeClaim.claimName}'"),
        md("""
           **kubenb and a real cluster:** a volume of the `standard` class is a directory per
           claim under this profile's state directory (`hostpath-provisioner/NAMESPACE/CLAIM`),
           as minikube's hostpath provisioner keeps one under `/tmp/hostpath-provisioner` on its
           node; every node of this cluster sees the same disk, and the requested size is a label,
           not a quota (minikube's neither). On a cloud cluster the `standard`-like class makes a
           network disk instead, which follows a pod to another node in the same zone, and takes
           seconds to minutes to attach.
           """,
           """
           **kubenb 与真实集群：**`standard` 类的卷是本 profile 状态目录下每个申领一个的目录
           （`hostpath-provisioner/NAMESPACE/CLAIM`），就像 minikube 的 hostpath 制备器在节点的
           `/tmp/hostpath-provisioner` 下为每个申领建一个目录；这个集群的所有节点看到的是同一块磁盘，
           申请的容量只是一个标注，并不是配额（minikube 也一样）。在云上的集群里，类似 `standard` 的存储类会创建网络磁盘，
           它可以跟着 Pod 转到同一可用区的另一个节点，挂载需要几秒到几分钟。
           """),
        *exercise("Scale the StatefulSet `web` to 4 replicas and check that the new pod `web-3` has "
                  "its own bound claim, `www-web-3`.",
                  "把 StatefulSet `web` 扩容到 4 个副本，并确认新的 Pod `web-3` 有自己已绑定的申领 `www-web-3`。",
                  'kubenb.expect.statefulset("web", replicas=4, ready=4),\n'
                  '              kubenb.expect.claim("www-web-3", bound=True),\n'
                  '              kubenb.expect.pod_claim("web-3", "www-web-3")',
                  ["%kubectl scale statefulset web --replicas=4",
                   "%kubectl wait --for=jsonpath='{.status.readyReplicas}'=4 statefulset/web --timeout=120s",
                   "%kubectl get pvc www-web-3"]),
        md("""
           ## What deleting keeps

           Deleting the StatefulSet deletes its pods but **not** their claims: the data is
           precious, so Kubernetes leaves that decision to you. (The pods are deleted in the
           background, after the StatefulSet.)
           """,
           """
           ## 删除时保留了什么

           删除 StatefulSet 会删除它的 Pod，但**不会**删除它们的申领：数据很宝贵，
           所以 Kubernetes 把这个决定留给你。（Pod 是在 StatefulSet 之后于后台删除的。）
           """),
        code("%kubectl delete statefulset web"),
        code("%kubectl get pvc"),
        md("""
           Deleting the claims releases their volumes, and the `Delete` reclaim policy then
           removes the volumes (and their directories) too. `kubectl delete pvc` returns once
           each claim is gone (a claim still mounted by a pod waits for the pod to stop); its
           volume is deleted a moment later, in the background, so which volumes `wait` still
           finds (if any) differs from run to run; after it, none is left.
           """,
           """
           删除申领会释放它们的卷，`Delete` 回收策略接着把卷（以及卷的目录）也删除。
           `kubectl delete pvc` 在每个申领消失后才返回（仍被 Pod 挂载的申领会等 Pod 停止）；
           卷随后在后台删除，所以 `wait` 还能找到哪些卷（也可能一个都没有），每次运行都可能不同；
           等待之后，一个卷也不剩。
           """),
        code("%kubectl delete pvc --all"),
        code("%kubectl wait --for=delete pv --all --timeout=120s\n%kubectl get pv", tags=VARIES),
        *teardown(),
        recap(["A **PersistentVolumeClaim** asks for storage; the default StorageClass's provisioner "
               "makes a **PersistentVolume** and binds it (`kubectl get storageclass`, "
               "`kubectl get pvc,pv`: STATUS `Bound`, RECLAIM POLICY `Delete`).",
               "A **StatefulSet** names its pods `NAME-0`, `NAME-1`, … and creates them in order; "
               "a **headless Service** (`clusterIP: None`) gives each one a DNS name "
               "such as `web-0.nginx`.",
               "`volumeClaimTemplates` give every pod its own claim (`www-web-0`, …): a replaced pod "
               "(`kubectl delete pod web-0`) comes back with the same name and the same data.",
               "Scaling down (`kubectl scale statefulset web --replicas=N`) and deleting the "
               "StatefulSet keep the claims; deleting a claim (`kubectl delete pvc`) deletes its "
               "volume under the `Delete` policy."],
              ["**PersistentVolumeClaim** 申请存储；默认 StorageClass 的制备器创建一个 **PersistentVolume**"
               "并与之绑定（`kubectl get storageclass`、`kubectl get pvc,pv`：STATUS 为 `Bound`，"
               "RECLAIM POLICY 为 `Delete`）。",
               "**StatefulSet** 把它的 Pod 命名为 `NAME-0`、`NAME-1`……并按顺序创建；"
               "**headless Service**（`clusterIP: None`）为每个 Pod 提供 `web-0.nginx` 这样的 DNS 名字。",
               "`volumeClaimTemplates` 让每个 Pod 都有自己的申领（`www-web-0`……）：被替换的 Pod"
               "（`kubectl delete pod web-0`）会以相同的名字、带着相同的数据回来。",
               "缩容（`kubectl scale statefulset web --replicas=N`）和删除 StatefulSet 都会保留申领；"
               "删除申领（`kubectl delete pvc`）时，在 `Delete` 策略下它的卷也会被删除。"]),
    ],
)
