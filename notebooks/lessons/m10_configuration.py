"""Chapter 10, configuration: ConfigMaps (literals, a file, YAML) and Secrets, as env vars and
as files; an update reaching the files but not the env; a missing key holding a container."""

from __future__ import annotations

from .cells import Module, code, exercise, md, picture, recap, setup, teardown
from .manifests import APPLY, deployment

REDIS_FILE = """\
%%writefile redis-config
maxmemory 2mb
maxmemory-policy allkeys-lru"""

UI_CONFIG = """\
%%kubectl apply -f -
apiVersion: v1
kind: ConfigMap
metadata:
  name: ui-config
data:
  theme: dark
  ui.properties: |
    color.good=purple
    how.nice.to.look=fairlyNice"""

WEB = APPLY + deployment("web", "app", "busybox", replicas=1, container_spec="""\
command: ["sh", "-c", "trap 'sleep 5; exit 0' TERM; sleep 3600 & wait"]
envFrom:
- configMapRef:
    name: app-config
env:
- name: FAVORITE_COLOR
  valueFrom:
    configMapKeyRef:
      name: app-config
      key: COLOR
- name: DB_PASSWORD
  valueFrom:
    secretKeyRef:
      name: db-pass
      key: password
volumeMounts:
- name: app
  mountPath: /etc/app
- name: redis
  mountPath: /etc/redis""", pod_spec="""\
volumes:
- name: app
  configMap:
    name: app-config
- name: redis
  configMap:
    name: redis-config
    items:
    - key: redis-config
      path: redis.conf""")

NEEDS_LEVEL = """\
%%kubectl apply -f -
apiVersion: v1
kind: Pod
metadata:
  name: needs-level
spec:
  containers:
  - name: app
    image: busybox
    command: ["sh", "-c", "echo level is $LEVEL; sleep 3600"]
    env:
    - name: LEVEL
      valueFrom:
        configMapKeyRef:
          name: app-config
          key: LEVEL"""

FIRST_POD = "web-f46f8d6b5-7jmpq"  # the Deployment's first pod (KUBENB_SEED fixes the name)

WAIT_GREEN = ("%kubectl exec deploy/web -- sh -c "
              "'until grep -q green /etc/app/COLOR; do sleep 1; done; cat /etc/app/COLOR'")

MODULE = Module(
    slug="10-configuration",
    title={"en": "Configuration: ConfigMaps and Secrets", "zh": "配置：ConfigMap 与 Secret"},
    summary={"en": "ConfigMaps and Secrets as env vars and files, updates, a missing key",
             "zh": "把 ConfigMap 与 Secret 用作环境变量和文件、更新配置、缺少的键"},
    tutorial=False,
    chapter=True,
    minutes=20,
    cells=[
        md("""
           # Configuration: ConfigMaps and Secrets

           An image should not have to be rebuilt to change a colour, a log level or a password.
           Kubernetes keeps configuration in objects of its own: a **ConfigMap** holds
           non-confidential key/value pairs, a **Secret** holds small amounts of sensitive data.
           A pod uses them as **environment variables** or as **files** in a volume, and the
           same image runs with different settings in different places.
           """,
           """
           改一个颜色、一个日志级别或一个密码，不应该需要重新构建镜像。Kubernetes 用专门的对象保存配置：
           **ConfigMap** 保存非机密的键值对，**Secret** 保存少量敏感数据。
           Pod 把它们用作**环境变量**，或者用作卷里的**文件**，于是同一个镜像可以在不同的地方以不同的设置运行。
           """),
        *setup(seed=10),
        md("""
           ## Create ConfigMaps

           From literal values on the command line, one `--from-literal` per key:
           """,
           """
           ## 创建 ConfigMap

           在命令行上直接给出取值，每个键一个 `--from-literal`：
           """),
        code("%kubectl create configmap app-config --from-literal=COLOR=blue --from-literal=GREETING=hello"),
        md("""
           From a file: the file's name becomes the key and its content the value. This is the
           Redis configuration of the official tutorial "Configuring Redis using a ConfigMap".
           """,
           """
           从文件创建：文件名成为键，文件内容成为值。下面是官方教程“使用 ConfigMap 来配置 Redis”里的 Redis 配置。
           """),
        code(REDIS_FILE),
        code("%kubectl create configmap redis-config --from-file=redis-config"),
        md("""
           The ConfigMap holds its own copy, so the local file can go:
           """,
           """
           ConfigMap 保存了自己的一份副本，所以本地文件可以删掉了：
           """),
        code("!rm -v redis-config"),
        md("""
           And from YAML, like any other object. A value can be a one-line setting or a whole
           file (`|` keeps the line breaks):
           """,
           """
           也可以像其他对象一样用 YAML 创建。值可以是一行设置，也可以是整个文件（`|` 保留换行）：
           """),
        code(UI_CONFIG),
        md("""
           DATA counts the keys of each ConfigMap. `kube-root-ca.crt` was not made by you:
           Kubernetes puts it in every namespace, with the certificate pods use to trust the
           API server.
           """,
           """
           DATA 是每个 ConfigMap 中键的个数。`kube-root-ca.crt` 不是你创建的：Kubernetes
           在每个命名空间里都放一个，里面是 Pod 用来信任 API 服务器的证书。
           """),
        code("%kubectl get configmaps"),
        code("%kubectl describe configmap redis-config"),
        md("""
           ## Secrets

           `kubectl create secret generic` takes the same `--from-literal` and `--from-file`
           flags:
           """,
           """
           ## Secret

           `kubectl create secret generic` 接受同样的 `--from-literal` 和 `--from-file` 参数：
           """),
        code("%kubectl create secret generic db-pass --from-literal=password=s3cr3t"),
        md("""
           `describe` shows only the sizes of the values, but the object itself holds them
           **base64-encoded**:
           """,
           """
           `describe` 只显示取值的长度，而对象本身以 **base64 编码**保存这些值：
           """),
        code("%kubectl describe secret db-pass"),
        code("%kubectl get secret db-pass -o jsonpath='{.data.password}'"),
        code("!echo czNjcjN0 | base64 -d"),
        md("""
           base64 is an **encoding, not encryption**: anyone who can read the Secret can decode
           it, as you just did. By default Secrets are stored unencrypted in the API server's
           data store (etcd). What protects them is who may read them: RBAC rules, and on a real
           cluster encryption at rest configured by the administrator. Secrets differ from
           ConfigMaps in how carefully Kubernetes handles them (the kubelet keeps their
           volumes in memory, `describe` hides the values), not in being scrambled.
           """,
           """
           base64 是一种**编码，而不是加密**：任何能读取这个 Secret 的人都能把它解码，就像你刚才做的那样。
           默认情况下，Secret 以未加密的形式保存在 API 服务器的数据存储（etcd）里。
           保护它们的是“谁可以读取”：RBAC 规则，以及真实集群上由管理员配置的静态加密（encryption at rest）。
           Secret 与 ConfigMap 的区别在于 Kubernetes 对它们更小心（kubelet 把它们的卷放在内存里，
           `describe` 隐藏取值），而不在于内容被打乱。
           """),
        md("""
           ## Use them in a pod

           The Deployment below uses them in every way at once:

           - `envFrom` turns **every key** of `app-config` into an environment variable
             (`COLOR`, `GREETING`);
           - `env` with `valueFrom` takes **one key** under a name of your choice
             (`FAVORITE_COLOR` from `app-config`'s `COLOR`, `DB_PASSWORD` from the Secret);
           - a `configMap` **volume** shows each key as a file: all keys of `app-config` under
             `/etc/app`, and with `items` just the key `redis-config` of `redis-config`, as the
             file `/etc/redis/redis.conf`.
           """,
           """
           ## 在 Pod 中使用

           下面的 Deployment 同时用到了所有方式：

           - `envFrom` 把 `app-config` 的**每个键**都变成环境变量（`COLOR`、`GREETING`）；
           - `env` 加 `valueFrom` 以你选定的名字取**一个键**（`FAVORITE_COLOR` 取自 `app-config` 的 `COLOR`，
             `DB_PASSWORD` 取自 Secret）；
           - `configMap` **卷**把每个键显示为一个文件：`app-config` 的所有键在 `/etc/app` 下；
             用 `items` 只取 `redis-config` 中的键 `redis-config`，作为文件 `/etc/redis/redis.conf`。
           """),
        code(WEB),
        code("%kubectl rollout status deployment/web"),
        code("%kubectl get pods -l app=web"),
        *picture("""
                 One pod, running with its configuration: the ConfigMaps and the Secret are not
                 part of the image, they are given to the pod when it starts.
                 """,
                 """
                 一个 Pod，带着它的配置在运行：ConfigMap 和 Secret 不属于镜像，而是在 Pod 启动时交给它的。
                 """),
        md("""
           Look from inside the pod. `kubectl exec deploy/web` runs a command in one of the
           Deployment's pods; `printenv` prints the variables named:
           """,
           """
           从 Pod 内部看一看。`kubectl exec deploy/web` 在 Deployment 的一个 Pod 里运行命令；
           `printenv` 打印指定的变量：
           """),
        code("%kubectl exec deploy/web -- printenv COLOR GREETING FAVORITE_COLOR DB_PASSWORD"),
        md("""
           The Secret arrives decoded: the container sees `s3cr3t`, not base64. The volumes
           hold one file per key:
           """,
           """
           Secret 到达容器时已经解码：容器看到的是 `s3cr3t`，而不是 base64。卷里每个键一个文件：
           """),
        code("%kubectl exec deploy/web -- ls /etc/app /etc/redis"),
        code("%kubectl exec deploy/web -- cat /etc/redis/redis.conf"),
        md("""
           ## Update a ConfigMap

           Change `COLOR` to `green` (`kubectl edit` or `kubectl apply` of a changed manifest do
           the same):
           """,
           """
           ## 更新 ConfigMap

           把 `COLOR` 改成 `green`（用 `kubectl edit` 或 `kubectl apply` 修改后的清单效果相同）：
           """),
        code("""%kubectl patch configmap app-config -p '{"data":{"COLOR":"green"}}'"""),
        md("""
           The kubelet rewrites the files of configMap volumes when the ConfigMap changes. This
           command waits inside the pod until the file says `green`, then prints it:
           """,
           """
           ConfigMap 变化后，kubelet 会重写 configMap 卷里的文件。下面的命令在 Pod 内等待，
           直到文件内容变成 `green`，然后打印出来：
           """),
        code(WAIT_GREEN),
        md("""
           The environment did not change: a process's environment is fixed when it starts, so
           the variables keep the values they had when the container was created.
           """,
           """
           环境变量没有变：进程的环境在启动时就固定了，所以这些变量保留着容器创建时的值。
           """),
        code("%kubectl exec deploy/web -- printenv COLOR FAVORITE_COLOR"),
        md("""
           To pass the new values to the environment, recreate the pods. `kubectl rollout
           restart` does it without downtime: it changes an annotation of the pod template, so
           the Deployment rolls out new pods as for any update.
           """,
           """
           要让环境变量拿到新值，就得重建 Pod。`kubectl rollout restart` 可以不停机地完成：它修改
           Pod 模板上的一个注解，于是 Deployment 像任何一次更新那样滚动创建新的 Pod。
           """),
        code("%kubectl rollout restart deployment/web"),
        code("%kubectl rollout status deployment/web"),
        md("""
           The rollout is done when the new pod is ready, but the old one is still
           terminating (this app takes five seconds to shut down after SIGTERM), and
           `kubectl exec deploy/web` picks the pod that has been ready longest: the old one. Wait until it is gone (your pod's name is in the
           `get pods` output above):
           """,
           """
           新 Pod 就绪时滚动更新就完成了，但旧 Pod 还在终止中（这个应用收到 SIGTERM 后要用五秒钟才能退出），而 `kubectl exec deploy/web`
           会选择就绪时间最长的 Pod，也就是旧的那个。等它消失（你的 Pod 名字在上面 `get pods` 的输出里）：
           """),
        code(f"%kubectl wait --for=delete pod/{FIRST_POD} --timeout=60s"),
        code("%kubectl exec deploy/web -- printenv COLOR FAVORITE_COLOR"),
        md("""
           **kubenb and a real cluster:** kubenb's kubelet watches ConfigMaps and Secrets, so a
           change reaches the mounted files within a fraction of a second. A real kubelet
           notices it only when it next syncs the pod — every minute by default
           (`--sync-frequency`), plus the time its ConfigMap cache takes to refresh — so the
           files change **up to about a minute or more** after the update. Either way the
           change is eventually consistent: wait on the content, as above, not on a fixed
           time. Files mounted with `subPath` are never updated, on either.
           """,
           """
           **kubenb 与真实集群：**kubenb 的 kubelet 监视（watch）ConfigMap 和 Secret，所以改动在不到一秒内就能到达挂载的文件。
           真实的 kubelet 要等到下一次同步这个 Pod 时才会发现——默认每分钟一次（`--sync-frequency`），
           再加上它的 ConfigMap 缓存刷新的时间——所以文件会在更新之后**最多大约一分钟甚至更久**才变化。
           无论哪种情况，这种变化都是最终一致的：像上面那样等待内容，而不是等待固定的时间。
           用 `subPath` 挂载的文件在两者上都不会更新。
           """),
        md("""
           ## A missing key

           A container that needs a key the ConfigMap does not have cannot be created. This pod
           wants `LEVEL` from `app-config`:
           """,
           """
           ## 缺少的键

           如果容器需要的键在 ConfigMap 中不存在，容器就无法创建。这个 Pod 需要 `app-config` 中的 `LEVEL`：
           """),
        code(NEEDS_LEVEL),
        code("%kubectl wait --for=jsonpath='{.status.containerStatuses[0].state.waiting.reason}'"
             "=CreateContainerConfigError pod/needs-level --timeout=60s"),
        code("%kubectl get pod needs-level"),
        md("""
           The kubelet says why in the pod's events (the end of `describe`):
           """,
           """
           kubelet 在 Pod 的事件里说明了原因（`describe` 的末尾）：
           """),
        code("%kubectl get events --field-selector involvedObject.name=needs-level,reason=Failed"),
        md("""
           The kubelet keeps trying. As soon as the key exists, the container starts:
           """,
           """
           kubelet 会不断重试。键一出现，容器就启动了：
           """),
        code("""%kubectl patch configmap app-config -p '{"data":{"LEVEL":"debug"}}'"""),
        code("%kubectl wait --for=condition=Ready pod/needs-level --timeout=60s"),
        code("%kubectl exec needs-level -- printenv LEVEL"),
        md("""
           **kubenb and a real cluster:** kubenb's kubelet retries a pod whose start failed
           every second; a real kubelet waits about 10 seconds between attempts, so there the
           container starts up to ten seconds after the key appears.
           """,
           """
           **kubenb 与真实集群：**kubenb 的 kubelet 每秒重试一次启动失败的 Pod；真实的 kubelet
           两次尝试之间大约等 10 秒，所以在真实集群上，容器会在键出现后最多十秒才启动。
           """),
        *exercise("Add the key `MODE` with the value `fast` to the ConfigMap `app-config`, and make "
                  "the pods of the Deployment `web` get it as the environment variable `APP_MODE`.",
                  "在 ConfigMap `app-config` 中添加键 `MODE`，取值为 `fast`，并让 Deployment `web` "
                  "的 Pod 以环境变量 `APP_MODE` 的形式得到它。",
                  'kubenb.expect.configmap("app-config", key="MODE", value="fast"),\n'
                  '              kubenb.expect.pods_env("app=web", "APP_MODE", "fast")',
                  ["""%kubectl patch configmap app-config -p '{"data":{"MODE":"fast"}}'""",
                   "%kubectl set env deployment/web --from=configmap/app-config --keys=MODE --prefix=APP_",
                   "%kubectl rollout status deployment/web",
                   "%kubectl wait --for=jsonpath='{.status.replicas}'=1 deployment/web --timeout=60s"]),
        *teardown(),
        recap(["A **ConfigMap** holds settings: `kubectl create configmap NAME --from-literal=K=V`, "
               "`--from-file=FILE`, or a YAML manifest.",
               "A **Secret** (`kubectl create secret generic`) is only base64-encoded, not encrypted: "
               "access rules protect it.",
               "Pods use them as env vars (`envFrom`, `env.valueFrom`) or files (a `configMap` volume, "
               "`items`); `kubectl exec POD -- printenv` / `cat` shows what the container sees.",
               "Updates reach mounted files after a while; env vars change only in new pods: "
               "`kubectl rollout restart deployment/NAME`.",
               "A missing ConfigMap key keeps the container in `CreateContainerConfigError` until the "
               "key appears."],
              ["**ConfigMap** 保存设置：`kubectl create configmap NAME --from-literal=K=V`、"
               "`--from-file=FILE`，或者 YAML 清单。",
               "**Secret**（`kubectl create secret generic`）只是 base64 编码，并没有加密：保护它的是访问规则。",
               "Pod 把它们用作环境变量（`envFrom`、`env.valueFrom`）或文件（`configMap` 卷、`items`）；"
               "`kubectl exec POD -- printenv` / `cat` 显示容器看到的内容。",
               "更新过一会儿才会到达挂载的文件；环境变量只在新 Pod 中改变：`kubectl rollout restart deployment/NAME`。",
               "缺少 ConfigMap 的键时，容器停在 `CreateContainerConfigError`，直到这个键出现。"]),
    ],
)
