"""Access control: who you are, ServiceAccounts, Roles and RoleBindings, a pod calling the API."""

from __future__ import annotations

from .cells import VARIES, Module, code, exercise, md, picture, recap, setup, teardown

SLUG = "17-access-control"
READER = "--as=system:serviceaccount:default:reader"
DEFAULT = "--as=system:serviceaccount:default:default"

SCRIPT = """\
%%kubectl apply -f -
apiVersion: v1
kind: ConfigMap
metadata:
  name: api-client
data:
  call.py: |
    # python call.py METHOD PATH: one request to the API server, as this pod's ServiceAccount
    import json, ssl, sys, urllib.error, urllib.request
    SA = "/var/run/secrets/kubernetes.io/serviceaccount"
    token = open(SA + "/token").read()
    method, path = sys.argv[1], sys.argv[2]
    request = urllib.request.Request("https://kubernetes.default.svc" + path, method=method,
                                     headers={"Authorization": "Bearer " + token})
    tls = ssl.create_default_context(cafile=SA + "/ca.crt")
    try:
        with urllib.request.urlopen(request, context=tls) as response:
            body = json.load(response)
            names = [item["metadata"]["name"] for item in body.get("items", [])]
            print(response.status, body["kind"], *names)
    except urllib.error.HTTPError as error:
        print(error.code, json.load(error)["message"])"""

POD = """\
%%kubectl apply -f -
apiVersion: v1
kind: Pod
metadata:
  name: api-client
spec:
  serviceAccountName: reader
  containers:
  - name: python
    image: python
    command: ["sleep", "infinity"]
    volumeMounts:
    - name: scripts
      mountPath: /scripts
  volumes:
  - name: scripts
    configMap:
      name: api-client"""

CALL = "%kubectl exec api-client -- python /scripts/call.py"

MODULE = Module(
    slug=SLUG,
    title={"en": "Access control: ServiceAccounts and RBAC", "zh": "访问控制：ServiceAccount 与 RBAC"},
    summary={"en": "whoami and can-i, ServiceAccounts, Roles and RoleBindings, a pod calling the API server",
             "zh": "whoami 与 can-i、ServiceAccount、Role 与 RoleBinding、从 Pod 里调用 API 服务器"},
    tutorial=False,
    chapter=True,
    minutes=20,
    cells=[
        md("""
           # Access control: ServiceAccounts and RBAC

           Every request to the API server — from `kubectl`, from a controller, from a program in
           a pod — goes through two questions. **Authentication**: *who is asking?* A person
           usually proves it with a client certificate from their kubeconfig; a program in a pod
           with the token of its **ServiceAccount**. **Authorization**: *may they do this?*
           With **RBAC** (role-based access control) the answer comes from **Roles**, which list
           what may be done, and **RoleBindings**, which grant a Role to users, groups or
           ServiceAccounts. Anything not granted is refused.

           This chapter gives a ServiceAccount just enough rights to read pods, then runs a pod
           as that account and lets it call the API server: what it may do succeeds, the rest
           gets `403 Forbidden`.
           """,
           """
           # 访问控制：ServiceAccount 与 RBAC

           发往 API 服务器的每个请求——无论来自 `kubectl`、控制器，还是 Pod 里的程序——都要回答两个问题。
           **认证**（authentication）：*是谁在请求？* 人通常用 kubeconfig 里的客户端证书证明身份；
           Pod 里的程序则用它的 **ServiceAccount**（服务账号）的令牌。**鉴权**（authorization）：
           *允许这样做吗？* 在 **RBAC**（基于角色的访问控制）下，答案来自 **Role**（角色，列出允许的操作）
           和 **RoleBinding**（角色绑定，把角色授予用户、组或 ServiceAccount）。没有被授予的一律拒绝。

           本章给一个 ServiceAccount 刚好够读取 Pod 的权限，然后以这个账号运行一个 Pod，
           让它调用 API 服务器：允许的操作成功，其余的得到 `403 Forbidden`。
           """),
        *setup(seed=17),
        md("""
           ## Who am I?

           `kubectl auth whoami` asks the API server who it thinks you are. minikube wrote a
           client certificate into your kubeconfig: its common name `minikube-user` is your user
           name, its organization `system:masters` your group.
           """,
           """
           ## 我是谁？

           `kubectl auth whoami` 询问 API 服务器认为你是谁。minikube 在你的 kubeconfig 里写入了一张客户端证书：
           证书的通用名（CN）`minikube-user` 就是你的用户名，组织（O）`system:masters` 就是你所在的组。
           """),
        code("%kubectl auth whoami"),
        md("""
           `system:masters` is the group of cluster administrators: the built-in ClusterRoleBinding
           `cluster-admin` grants it every verb on every resource. `kubectl auth can-i` asks
           whether a request would be allowed, without making it:
           """,
           """
           `system:masters` 是集群管理员所在的组：内置的 ClusterRoleBinding `cluster-admin`
           授予它对所有资源的所有操作。`kubectl auth can-i` 询问某个请求是否会被允许，而不真正发出它：
           """),
        code("%kubectl get clusterrolebinding cluster-admin -o wide"),
        code("%kubectl auth can-i delete deployments -n kube-system"),
        md("""
           ## A ServiceAccount

           Programs get their own identities: ServiceAccounts, one namespace's objects. Every
           namespace has one called `default`, which pods use unless they name another. Create one
           for a program that only needs to read pods:
           """,
           """
           ## ServiceAccount

           程序有自己的身份：ServiceAccount，它属于某个命名空间。每个命名空间都有一个名为 `default`
           的 ServiceAccount，Pod 没有指定其他账号时就用它。为一个只需要读取 Pod 的程序创建一个账号：
           """),
        code("%kubectl create serviceaccount reader"),
        code("%kubectl get serviceaccounts"),
        md("""
           Its user name is `system:serviceaccount:<namespace>:<name>`. As cluster administrator
           you may act as another user with `--as` (impersonation) — the quickest way to see
           what an account may do. A new account may do nothing:
           """,
           """
           它的用户名是 `system:serviceaccount:<命名空间>:<名字>`。作为集群管理员，你可以用 `--as`
           以另一个用户的身份行事（扮演，impersonation）——这是查看某个账号能做什么的最快方法。
           新账号什么都不能做：
           """),
        code(f"%kubectl auth can-i list pods {READER}"),
        code(f"%kubectl get pods {READER}"),
        md("""
           ## A Role and a RoleBinding

           A Role lists *rules*: verbs (`get`, `list`, `watch`, `create`, `delete`, …) on
           resources, in its namespace. This one may read pods:
           """,
           """
           ## Role 与 RoleBinding

           Role 列出一组*规则*：在它所在的命名空间里，对哪些资源可以执行哪些动词（`get`、`list`、
           `watch`、`create`、`delete`……）。这个 Role 可以读取 Pod：
           """),
        code("%kubectl create role pod-reader --verb=get,list,watch --resource=pods"),
        code("%kubectl describe role pod-reader"),
        md("""
           A Role alone grants nothing. A RoleBinding gives it to subjects — here the
           ServiceAccount `reader` of the namespace `default`:
           """,
           """
           光有 Role 并不授予任何权限。RoleBinding 把它授予主体（subject）——这里是命名空间
           `default` 中的 ServiceAccount `reader`：
           """),
        code("%kubectl create rolebinding reader-reads-pods --role=pod-reader --serviceaccount=default:reader"),
        code("%kubectl get rolebinding reader-reads-pods -o wide"),
        code(f"%kubectl auth can-i list pods {READER}"),
        code(f"%kubectl auth can-i delete pods {READER}"),
        code(f"%kubectl auth can-i list pods {READER} -n kube-system"),
        md("""
           Only pods, only reading, only in `default`. `auth can-i --list` shows everything the
           account may do here: the rules of `pod-reader`, plus what every authenticated user may
           do (look itself up, discover the API).
           """,
           """
           只能读取、只限 Pod、只在 `default` 中。`auth can-i --list` 列出这个账号在这里能做的一切：
           `pod-reader` 的规则，加上每个已认证用户都能做的事（查看自己的身份、发现 API）。
           """),
        code(f"%kubectl auth can-i --list {READER}"),
        md("""
           ## ClusterRoles

           A **ClusterRole** is a Role that belongs to no namespace. Bound by a
           **ClusterRoleBinding** it grants its rules in every namespace (and on cluster-wide
           resources such as nodes); bound by a RoleBinding, only in that binding's namespace.
           Kubernetes ships ClusterRoles meant for the latter: `view` (read most things, not
           Secrets), `edit` (also change them) and `admin` (also manage access in the
           namespace); `cluster-admin` may do everything.
           """,
           """
           ## ClusterRole

           **ClusterRole** 是不属于任何命名空间的 Role。通过 **ClusterRoleBinding** 绑定时，它的规则在所有命名空间中生效
           （也包括节点这类集群范围的资源）；通过 RoleBinding 绑定时，只在该绑定所在的命名空间中生效。
           Kubernetes 自带几个为后一种用法准备的 ClusterRole：`view`（读取大多数对象，但不包括 Secret）、
           `edit`（还能修改它们）和 `admin`（还能管理命名空间内的访问权限）；`cluster-admin` 什么都能做。
           """),
        code("%kubectl get clusterroles view edit admin cluster-admin"),
        md("""
           Let the namespace's `default` ServiceAccount look at everything in `default`: a
           RoleBinding to the ClusterRole `view`. It may now list Deployments, but still not read
           Secrets, and nothing in `kube-system`:
           """,
           """
           让命名空间里的 `default` ServiceAccount 可以查看 `default` 中的一切：用 RoleBinding 绑定 ClusterRole `view`。
           现在它可以列出 Deployment，但仍然不能读取 Secret，在 `kube-system` 中也什么都不能做：
           """),
        code("%kubectl create rolebinding default-view --clusterrole=view --serviceaccount=default:default"),
        code(f"%kubectl auth can-i list deployments {DEFAULT}"),
        code(f"%kubectl auth can-i list secrets {DEFAULT}"),
        code(f"%kubectl auth can-i list deployments {DEFAULT} -n kube-system"),
        md("""
           ## From inside a pod

           A pod runs as its ServiceAccount: the kubelet mounts a volume `kube-api-access-…` at
           /var/run/secrets/kubernetes.io/serviceaccount with a short-lived `token` for the
           account, the cluster's CA certificate `ca.crt` and the pod's `namespace`. A program
           sends the token as `Authorization: Bearer …` to `https://kubernetes.default.svc`, the
           `kubernetes` Service in front of the API server.

           This small Python program uses only the standard library: it makes one request and
           prints the status code with the names listed, or the API server's message. (The
           official client, `pip install kubernetes`, does the same with
           `config.load_incluster_config()`.) A ConfigMap carries it into the pod, which runs
           as `reader` and a web server to look at:
           """,
           """
           ## 从 Pod 内部访问

           Pod 以它的 ServiceAccount 的身份运行：kubelet 在 /var/run/secrets/kubernetes.io/serviceaccount
           挂载一个名为 `kube-api-access-…` 的卷，里面有这个账号的短期令牌 `token`、集群的 CA 证书 `ca.crt`
           和 Pod 所在的 `namespace`。程序把令牌放在 `Authorization: Bearer …` 里，发送到
           `https://kubernetes.default.svc`，也就是 API 服务器前面的 `kubernetes` Service。

           下面这个小小的 Python 程序只用标准库：它发出一个请求，打印状态码和列出的名字，或者 API 服务器的消息。
           （官方客户端 `pip install kubernetes` 用 `config.load_incluster_config()` 做的是同样的事。）
           用一个 ConfigMap 把它带进 Pod；这个 Pod 以 `reader` 的身份运行。再启动一个 Web 服务器作为观察对象：
           """),
        code(SCRIPT),
        code(POD),
        code("%kubectl run web --image=nginx"),
        code("%kubectl wait --for=condition=Ready pod/api-client pod/web --timeout=60s"),
        code("%kubectl exec api-client -- ls /var/run/secrets/kubernetes.io/serviceaccount"),
        *picture("The two pods on the node; `api-client` runs as the ServiceAccount `reader`.",
                 "节点上的两个 Pod；`api-client` 以 ServiceAccount `reader` 的身份运行。"),
        md("""
           Listing pods is allowed:
           """,
           """
           列出 Pod 是允许的：
           """),
        code(f"{CALL} GET /api/v1/namespaces/default/pods"),
        md("""
           Reading Secrets and deleting pods are not: the API server answers `403 Forbidden`
           and says who was refused what, in which API group and namespace.
           """,
           """
           读取 Secret 和删除 Pod 则不行：API 服务器返回 `403 Forbidden`，并说明谁在哪个 API 组和命名空间里被拒绝了什么操作。
           """),
        code(f"{CALL} GET /api/v1/namespaces/default/secrets"),
        code(f"{CALL} DELETE /api/v1/namespaces/default/pods/web"),
        md("""
           ## Granting one more permission

           Bind a second Role that allows deleting pods. RBAC only adds: there are no "deny"
           rules, so the account may now do what either Role allows. The very next request —
           with the same token — succeeds; the answer is the deleted Pod.
           """,
           """
           ## 再授予一项权限

           再绑定一个允许删除 Pod 的 Role。RBAC 只做加法：没有“拒绝”规则，所以这个账号现在可以做两个
           Role 中任何一个允许的事。紧接着的下一个请求——用的还是同一个令牌——就成功了；返回的是被删除的 Pod。
           """),
        code("%kubectl create role pod-deleter --verb=delete --resource=pods"),
        code("%kubectl create rolebinding reader-deletes-pods --role=pod-deleter --serviceaccount=default:reader"),
        code(f"{CALL} DELETE /api/v1/namespaces/default/pods/web"),
        # `wait` prints "pod/web condition met" only if the pod is still terminating when it starts
        code("%kubectl wait --for=delete pod/web --timeout=60s\n%kubectl get pods", tags=VARIES),
        md("""
           ## Tokens for programs outside the cluster

           `kubectl create token` asks the API server for a token of an account (the TokenRequest
           API), for a program outside the cluster or a quick test with `curl`. It is a signed
           JWT that expires — after an hour unless `--duration` says otherwise — and stops
           working when the account is deleted. A new one every time:
           """,
           """
           ## 给集群外程序的令牌

           `kubectl create token` 向 API 服务器申请某个账号的令牌（TokenRequest API），
           供集群外的程序使用，或者用 `curl` 快速测试。它是一个会过期的签名 JWT——除非用 `--duration`
           另行指定，否则一小时后过期——账号被删除后也随即失效。每次得到的都是一个新令牌：
           """),
        code("%kubectl create token reader --duration=10m", tags=VARIES),
        md("""
           **kubenb and a real cluster:** a real minikube authenticates you the same way, with
           the client certificate of `minikube-user` in group `system:masters`. A pod's token
           volume asks for a token of 3607 s, and the kubelet renews it at 80 % of its lifetime,
           as on a real node; kubenb issues it for exactly that long, while a real kube-apiserver
           (`--service-account-extend-token-expiration`, on by default) keeps such a pod token
           valid for a year and only flags its use after the first hour, so that old clients
           that never reread the file keep working. `kubectl create token` gives one hour on
           both. kubenb signs tokens with HS256 and a key of the cluster's own; kube-apiserver
           signs them with RS256 and its service-account key — a program using them sees no
           difference.
           """,
           """
           **kubenb 与真实集群：**真实的 minikube 也用同样的方式认证你：`system:masters` 组中 `minikube-user`
           的客户端证书。Pod 的令牌卷申请的是 3607 秒的令牌，kubelet 在有效期过去 80% 时续期，这和真实节点一样；
           kubenb 签发的令牌有效期就是这么长，而真实的 kube-apiserver（`--service-account-extend-token-expiration`，
           默认开启）会让这种 Pod 令牌在一年内都有效，只在一小时后的使用上做标记，好让从不重新读取令牌文件的旧客户端继续工作。
           `kubectl create token` 在两边都默认一小时。kubenb 用集群自己的密钥以 HS256 签名令牌；
           kube-apiserver 则用它的 service-account 密钥以 RS256 签名——使用令牌的程序察觉不到区别。
           """),
        *exercise("Let the ServiceAccount `reader` also list Services in the namespace `default` — "
                  "and still not read Secrets.",
                  "让 ServiceAccount `reader` 也能列出命名空间 `default` 中的 Service——但仍然不能读取 Secret。",
                  'kubenb.expect.access("system:serviceaccount:default:reader", "list", "services"),\n'
                  '              kubenb.expect.access("system:serviceaccount:default:reader", "list", "secrets",'
                  ' allowed=False)',
                  ["%kubectl create role service-reader --verb=get,list,watch --resource=services",
                   "%kubectl create rolebinding reader-reads-services --role=service-reader "
                   "--serviceaccount=default:reader",
                   f"{CALL} GET /api/v1/namespaces/default/services"]),
        *teardown(),
        recap(["`kubectl auth whoami` says who the API server thinks you are; minikube's kubeconfig "
               "holds a client certificate for `minikube-user` in group `system:masters`.",
               "A **ServiceAccount** is a program's identity (`kubectl create serviceaccount`); a pod "
               "gets its token at /var/run/secrets/kubernetes.io/serviceaccount and sends it as a "
               "Bearer token to `https://kubernetes.default.svc`.",
               "A **Role** lists allowed verbs on resources (`kubectl create role`), a **RoleBinding** "
               "grants it in its namespace (`kubectl create rolebinding`); ClusterRoles such as "
               "`view` and `edit` are reusable; anything not granted gets `403 Forbidden`.",
               "`kubectl auth can-i VERB RESOURCE --as=system:serviceaccount:NS:NAME` (or `--list`) "
               "checks access without making the request; `kubectl create token` issues a token."],
              ["`kubectl auth whoami` 显示 API 服务器认为你是谁；minikube 的 kubeconfig 里是 "
               "`system:masters` 组中 `minikube-user` 的客户端证书。",
               "**ServiceAccount** 是程序的身份（`kubectl create serviceaccount`）；Pod 在 "
               "/var/run/secrets/kubernetes.io/serviceaccount 得到它的令牌，并把它作为 Bearer 令牌发送到 "
               "`https://kubernetes.default.svc`。",
               "**Role** 列出对资源允许的动词（`kubectl create role`），**RoleBinding** 在它的命名空间里授予它"
               "（`kubectl create rolebinding`）；`view`、`edit` 等 ClusterRole 可以复用；"
               "没有被授予的操作得到 `403 Forbidden`。",
               "`kubectl auth can-i VERB RESOURCE --as=system:serviceaccount:NS:NAME`（或 `--list`）"
               "不发出请求就能检查权限；`kubectl create token` 签发令牌。"]),
    ],
)
