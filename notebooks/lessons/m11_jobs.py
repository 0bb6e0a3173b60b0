"""Chapter 11, Jobs and CronJobs: run to completion, completions and parallelism, back-off
and BackoffLimitExceeded, ttlSecondsAfterFinished, a CronJob run by hand and suspended."""

from __future__ import annotations

from .cells import VARIES, Module, code, exercise, md, picture, recap, setup, teardown

PI = '''\
%%kubectl apply -f -
apiVersion: batch/v1
kind: Job
metadata:
  name: pi
spec:
  template:
    spec:
      containers:
      - name: pi
        image: python
        command: ["python", "-c"]
        args:
        - |
          one = 10 ** 60                     # Machin's formula, in integers
          def arccot(x):
              total = term = one // x
              n, sign = 3, -1
              while term:
                  term //= x * x
                  total += sign * (term // n)
                  n, sign = n + 2, -sign
              return total
          pi = str(4 * (4 * arccot(5) - arccot(239)))
          print(pi[0] + "." + pi[1:51])
      restartPolicy: Never
  backoffLimit: 4'''

def busybox_job(name: str, command: str, spec: str = "", container: str = "") -> str:
    """A `%%kubectl apply` cell: a Job of one busybox container running `sh -c command`;
    `spec` is extra Job spec lines (indented by two spaces)."""
    return f"""\
%%kubectl apply -f -
apiVersion: batch/v1
kind: Job
metadata:
  name: {name}
spec:
{spec}  template:
    spec:
      containers:
      - name: {container or name}
        image: busybox
        command: ["sh", "-c", "{command}"]
      restartPolicy: Never"""


FLAKY = busybox_job("flaky", "echo cannot reach the database; exit 1", "  backoffLimit: 2\n")
BATCH = busybox_job("batch", "echo processing one item; sleep 3",
                    "  completions: 4\n  parallelism: 2\n", "worker")
SHORT_LIVED = busybox_job("short-lived", "echo done", "  ttlSecondsAfterFinished: 3\n", "hello")
WORK = busybox_job("work", "echo one piece of work; sleep 1", "  completions: 3\n  parallelism: 2\n",
                   "worker")

TICK = """\
%%kubectl apply -f -
apiVersion: batch/v1
kind: CronJob
metadata:
  name: tick
  annotations:
    kubenb.io/schedule-speedup: "720"
spec:
  schedule: "0 * * * *"
  jobTemplate:
    metadata:
      labels:
        app: tick
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
          - name: tick
            image: busybox
            command: ["sh", "-c", "echo the hour has come"]"""

SLUG = "11-jobs"

MODULE = Module(
    slug=SLUG,
    title={"en": "Jobs and CronJobs", "zh": "Job 与 CronJob"},  # = CHAPTERS[SLUG] (test_structure)
    summary={"en": "Jobs that run to completion, completions and parallelism, back-off, CronJobs",
             "zh": "运行到结束的 Job、completions 与 parallelism、回退重试、CronJob"},
    tutorial=False,
    chapter=True,
    minutes=20,
    cells=[
        md("""
           # Jobs and CronJobs

           A Deployment keeps its pods running forever: when one exits, it is restarted. Some
           work is meant to **finish**: a batch computation, a database migration, a nightly
           backup. A **Job** creates one or more pods and retries them until a given number of
           them have exited successfully; then the Job is complete, and its pods stay (stopped)
           so you can read their logs. A **CronJob** creates a Job on a repeating schedule,
           written like a line of Unix `crontab`.
           """,
           """
           # Job 与 CronJob

           Deployment 会让它的 Pod 一直运行：Pod 一退出就被重启。但有些工作本来就是要**结束**的：
           一次批量计算、一次数据库迁移、每晚一次的备份。**Job** 会创建一个或多个 Pod，
           并不断重试，直到指定数量的 Pod 成功退出；这时 Job 就完成了，它的 Pod 会保留下来（已停止），
           方便你读取它们的日志。**CronJob** 按照重复的时间表创建 Job，时间表的写法与 Unix
           `crontab` 的一行相同。
           """),
        *setup(seed=11, nodes=2),
        md("""
           ## A Job that runs to completion

           The Kubernetes documentation's first Job computes π. Its image here is `python`,
           and it prints 50 digits. `restartPolicy` must be `Never` or `OnFailure` in a Job
           (a pod that always restarts would never finish).
           """,
           """
           ## 运行到结束的 Job

           Kubernetes 文档里的第一个 Job 用来计算 π。这里它用 `python` 镜像，打印 50 位数字。
           Job 中的 `restartPolicy` 必须是 `Never` 或 `OnFailure`（总是重启的 Pod 永远不会结束）。
           """),
        code(PI),
        md("""
           Wait until the Job has the `Complete` condition, then list Jobs. STATUS says
           `Complete`, COMPLETIONS counts successful pods out of the ones wanted, DURATION is
           the time from the Job's start to its completion.
           """,
           """
           等待 Job 出现 `Complete` 状况，然后列出 Job。STATUS 显示 `Complete`，COMPLETIONS
           是成功的 Pod 数与期望数之比，DURATION 是从 Job 开始到完成所用的时间。
           """),
        code("%kubectl wait --for=condition=complete job/pi --timeout=120s"),
        code("%kubectl get jobs"),
        md("""
           The Job's pod has exited: its status is `Completed`, and it is not restarted. The
           Job put the label `job-name=pi` on it.
           """,
           """
           Job 的 Pod 已经退出：状态是 `Completed`，并且不会被重启。Job 给它加上了标签
           `job-name=pi`。
           """),
        code("%kubectl get pods -l job-name=pi"),
        md("""
           `kubectl logs job/pi` reads the output of (one of) the Job's pods:
           """,
           """
           `kubectl logs job/pi` 读取 Job 的（某一个）Pod 的输出：
           """),
        code("%kubectl logs job/pi"),
        md("""
           ## When the pods fail: back-off and `backoffLimit`

           A pod that exits with an error counts as a failure, and the Job creates a new pod
           to try again, after a delay that doubles each time. `backoffLimit` (6 unless you
           set it) is how many retries it allows: after that the Job fails for good. This Job
           always fails and allows 2 retries, so it runs 3 pods.
           """,
           """
           ## Pod 失败时：回退与 `backoffLimit`

           以错误退出的 Pod 算作一次失败，Job 会在一段延迟后创建新的 Pod 重试，延迟每次加倍。
           `backoffLimit`（不设置时为 6）是允许的重试次数：超过之后，Job 就彻底失败。
           下面这个 Job 总是失败，允许重试 2 次，所以一共会运行 3 个 Pod。
           """),
        code(FLAKY),
        code("%kubectl wait --for=condition=failed job/flaky --timeout=120s"),
        code("%kubectl get jobs flaky"),
        code("%kubectl get pods -l job-name=flaky"),
        md("""
           The Job's conditions say why it stopped: `BackoffLimitExceeded`. `describe` shows
           it too, with the three pods it created, one after the other.
           """,
           """
           Job 的状况说明了它停止的原因：`BackoffLimitExceeded`。`describe` 也会显示这一点，
           还有它先后创建的三个 Pod。
           """),
        code("""%kubectl get job flaky -o jsonpath='{.status.conditions[?(@.type=="Failed")].reason}'"""),
        code("%kubectl describe job flaky"),
        md("""
           **kubenb and a real cluster:** a real Job controller waits 10 s, then 20 s, 40 s …
           before re-creating a failed pod, capped at six minutes as the Kubernetes
           documentation says (the 1.32 controller's code caps it at ten). kubenb starts at
           2 s (2 s, 4 s, 8 s …, capped at 2 minutes), so that this Job gives up in seconds
           instead of about half a minute.
           """,
           """
           **kubenb 与真实集群：** 真实的 Job 控制器在重新创建失败的 Pod 之前，会先等 10 秒，
           然后 20 秒、40 秒……，按 Kubernetes 文档的说法最长六分钟（1.32 控制器的代码里上限是十分钟）。kubenb 从 2 秒开始
           （2 秒、4 秒、8 秒……，最长 2 分钟），所以这个 Job 几秒钟就放弃了，而不是大约半分钟。
           """),
        md("""
           ## Several pods: `completions` and `parallelism`

           `completions` is how many pods must succeed; `parallelism` how many may run at
           once. This Job wants 4 successful pods, 2 at a time: each sleeps 3 seconds.
           """,
           """
           ## 多个 Pod：`completions` 与 `parallelism`

           `completions` 是必须成功的 Pod 数；`parallelism` 是同时最多运行的 Pod 数。
           下面这个 Job 需要 4 个成功的 Pod，每次运行 2 个：每个 Pod 睡眠 3 秒。
           """),
        code(BATCH),
        code("%kubectl wait --for=jsonpath='{.status.active}'=2 job/batch --timeout=120s"),
        *picture("The picture now: two of `batch`'s pods start at the same time; the other two wait for their turn.",
                 "此刻的示意图：`batch` 的两个 Pod 同时启动；另外两个要等轮到它们。"),
        code("%kubectl wait --for=condition=complete job/batch --timeout=120s"),
        code("%kubectl get jobs batch"),
        md("""
           Four pods ran, two by two, and each completed once:
           """,
           """
           一共运行了四个 Pod，每次两个，每个都完成了一次：
           """),
        code("%kubectl get pods -l job-name=batch"),
        md("""
           ## Cleaning up finished Jobs: `ttlSecondsAfterFinished`

           Finished Jobs and their pods stay until you delete them. With
           `ttlSecondsAfterFinished`, the TTL-after-finished controller deletes the Job (and,
           with it, its pods) that many seconds after it finishes.
           """,
           """
           ## 清理已结束的 Job：`ttlSecondsAfterFinished`

           已结束的 Job 和它的 Pod 会一直保留，直到你删除它们。设置了 `ttlSecondsAfterFinished`
           之后，TTL-after-finished 控制器会在 Job 结束后这么多秒删除它（连同它的 Pod）。
           """),
        code(SHORT_LIVED),
        code("%kubectl wait --for=condition=complete job/short-lived --timeout=120s"),
        code("%kubectl wait --for=delete job/short-lived --timeout=120s"),
        md("""
           ## CronJobs

           A CronJob creates Jobs on a schedule in cron format: minute, hour, day of month,
           month, day of week. `0 * * * *` means "at minute 0 of every hour".
           """,
           """
           ## CronJob

           CronJob 按照 cron 格式的时间表创建 Job：分钟、小时、日、月、星期。
           `0 * * * *` 表示“每小时的第 0 分钟”。
           """),
        code("%kubectl create cronjob hello --image=busybox --schedule=\"0 * * * *\" -- echo Hello from the Kubernetes cluster"),
        md("""
           SCHEDULE is the schedule, SUSPEND whether it is paused, ACTIVE how many of its Jobs
           are running, LAST SCHEDULE how long ago it last created one (`<none>`: not yet).
           """,
           """
           SCHEDULE 是时间表，SUSPEND 表示是否暂停，ACTIVE 是它正在运行的 Job 数，
           LAST SCHEDULE 是它上次创建 Job 距今多久（`<none>`：还没有过）。
           """),
        code("%kubectl get cronjob hello"),
        md("""
           The first Job will come at the next full hour. To run it now, create a Job from the
           CronJob's template: `kubectl create job --from=cronjob/NAME`. That Job belongs to
           the CronJob, like the scheduled ones.
           """,
           """
           第一个 Job 要到下一个整点才会创建。想现在就运行，可以用 CronJob 的模板创建一个 Job：
           `kubectl create job --from=cronjob/NAME`。这个 Job 和按时间表创建的一样，属于该 CronJob。
           """),
        code("%kubectl create job --from=cronjob/hello hello-now"),
        code("%kubectl wait --for=condition=complete job/hello-now --timeout=120s"),
        code("%kubectl logs job/hello-now"),
        code("%kubectl get jobs hello-now -o jsonpath='{.metadata.ownerReferences[0].kind}/{.metadata.ownerReferences[0].name}'"),
        md("""
           A scheduled Job is named after the CronJob and the scheduled time, in minutes since
           1970: `hello-29420160` for instance. **Suspending** a CronJob stops new Jobs
           (running ones finish); set `suspend` back to `false` to resume.
           """,
           """
           按时间表创建的 Job 以 CronJob 的名字加上计划时间（自 1970 年起的分钟数）命名，
           例如 `hello-29420160`。**暂停**（suspend）CronJob 会停止创建新的 Job（正在运行的会继续完成）；
           把 `suspend` 改回 `false` 即可恢复。
           """),
        code("""%kubectl patch cronjob hello -p '{"spec":{"suspend":true}}'"""),
        code("%kubectl get cronjob hello"),
        md("""
           ## Watching a schedule fire

           An hour is too long to wait in a lesson. kubenb has a switch of its own for that:
           the annotation `kubenb.io/schedule-speedup: "720"` makes one CronJob's schedule
           clock run 720 times faster from its creation, so an hour of schedule passes in 5
           seconds. **It exists only in kubenb**: a real cluster ignores the annotation and
           runs this CronJob once an hour, on the wall clock.
           """,
           """
           ## 看着时间表触发

           在课上等一个小时太久了。kubenb 为此提供了一个自己的开关：注解
           `kubenb.io/schedule-speedup: "720"` 让这一个 CronJob 的时间表时钟从创建起加快 720 倍，
           于是时间表上的一小时只需 5 秒。**这个注解只有 kubenb 认识**：真实集群会忽略它，
           照样按真实时间每小时运行一次这个 CronJob。
           """),
        code(TICK),
        md("""
           Wait until one of its Jobs has succeeded (LAST SCHEDULE and the Job's completion
           are recorded in the CronJob's status), then suspend it.
           """,
           """
           等到它的某个 Job 成功完成（LAST SCHEDULE 和 Job 的完成时间都记录在 CronJob 的状态里），
           然后暂停它。
           """),
        code("%kubectl wait --for=jsonpath='{.status.lastSuccessfulTime}' cronjob/tick --timeout=60s"),
        code("""%kubectl patch cronjob tick -p '{"spec":{"suspend":true}}'"""),
        md("""
           Its Jobs, named after their scheduled times: consecutive names differ by 60, one
           hour of schedule in minutes. How many there are depends on how many 5-second hours
           passed before the suspend, so your list may be longer.
           """,
           """
           它的 Job 以计划时间命名：相邻两个名字相差 60，即时间表上的一小时（以分钟计）。
           Job 的个数取决于暂停之前过去了几个“5 秒钟的小时”，所以你的列表可能更长。
           """),
        code("%kubectl get jobs -l app=tick", tags=VARIES),
        md("""
           **kubenb and a real cluster:** CronJobs run on the cluster's clock, which here is
           your computer's wall clock, as in a real cluster: `hello` would fire once an hour.
           Only a CronJob with kubenb's `schedule-speedup` annotation, like `tick`, runs
           faster. The schedule is read in UTC, the time zone of minikube's controller
           manager, unless `spec.timeZone` names another zone (TIMEZONE column).
           """,
           """
           **kubenb 与真实集群：** CronJob 按照集群的时钟运行，这里就是你电脑的真实时间，
           与真实集群一样：`hello` 每小时才会触发一次。只有像 `tick` 这样带有 kubenb 的
           `schedule-speedup` 注解的 CronJob 才会运行得更快。时间表按 UTC 解释（minikube
           的控制器管理器所用的时区），除非 `spec.timeZone` 指定了其他时区（TIMEZONE 列）。
           """),
        *exercise("Create a Job named `work` that completes 3 times, 2 pods at a time, and wait "
                  "until it is complete.",
                  "创建一个名为 `work` 的 Job，要求完成 3 次、每次同时运行 2 个 Pod，并等待它完成。",
                  'kubenb.expect.job("work", completions=3, parallelism=2, succeeded=3, complete=True)',
                  [WORK, "%kubectl wait --for=condition=complete job/work --timeout=120s"]),
        *teardown(),
        recap(["A **Job** runs pods until `completions` of them succeed, `parallelism` at a time "
               "(`kubectl get jobs`: STATUS, COMPLETIONS, DURATION; `kubectl logs job/NAME`).",
               "Failed pods are retried with a doubling back-off; after `backoffLimit` retries "
               "the Job fails with `BackoffLimitExceeded`.",
               "`ttlSecondsAfterFinished` deletes a finished Job and its pods.",
               "A **CronJob** creates Jobs on a cron schedule: `kubectl create cronjob NAME "
               "--image=IMAGE --schedule=\"0 * * * *\"`; `kubectl create job --from=cronjob/NAME` "
               "runs one now; `suspend: true` pauses it."],
              ["**Job** 运行 Pod，直到其中 `completions` 个成功，每次最多 `parallelism` 个"
               "（`kubectl get jobs`：STATUS、COMPLETIONS、DURATION；`kubectl logs job/NAME`）。",
               "失败的 Pod 会按加倍的回退延迟重试；重试超过 `backoffLimit` 次后，Job 以 "
               "`BackoffLimitExceeded` 失败。",
               "`ttlSecondsAfterFinished` 会删除已结束的 Job 及其 Pod。",
               "**CronJob** 按 cron 时间表创建 Job：`kubectl create cronjob NAME --image=IMAGE "
               "--schedule=\"0 * * * *\"`；`kubectl create job --from=cronjob/NAME` 立即运行一次；"
               "`suspend: true` 暂停它。"]),
    ],
)
