"""The tutorial's modules in course order, and the index page that links them.

Modules 01–07 follow the Kubernetes Basics course (the structure of its Chinese edition);
08 and 09 go further (self-healing under traffic, scheduling). 00 is a five-minute tour.
10 and after are the chapters after Basics, in the order of the Kubernetes docs' Concepts
(`CHAPTERS` fixes their slugs and titles, so each chapter links the next one even while it is
being written). The `mNN_*` modules are found, not listed: a new lesson is a new file.
Every module ends with a navigation cell pointing at the next one (`with_nav`).
"""

from __future__ import annotations

import importlib
import pkgutil
import re

from .cells import Cell, Module, join_cjk_lines, md

# A lesson is a module `mNN_name` of this package holding its MODULE; course order is NN.
_LESSON = re.compile(r"m\d\d_\w+")
_MODULES: list[Module] = [
    importlib.import_module(f"{__name__}.{info.name}").MODULE
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda info: info.name)
    if _LESSON.fullmatch(info.name)
]

# The chapters after Basics: slug -> title, in course order.
CHAPTERS: dict[str, dict[str, str]] = {
    "10-configuration": {"en": "Configuration: ConfigMaps and Secrets", "zh": "配置：ConfigMap 与 Secret"},
    "11-jobs": {"en": "Jobs and CronJobs", "zh": "Job 与 CronJob"},
    "12-daemonsets": {"en": "DaemonSets: a pod on every node", "zh": "DaemonSet：每个节点一个 Pod"},
    "13-statefulsets": {"en": "StatefulSets and storage", "zh": "StatefulSet 与存储"},
    "14-services": {"en": "Services in depth: DNS, LoadBalancer, Ingress",
                    "zh": "深入 Service：DNS、LoadBalancer 与 Ingress"},
    "15-autoscaling": {"en": "Autoscaling: the HorizontalPodAutoscaler",
                       "zh": "自动扩缩：HorizontalPodAutoscaler"},
    "16-lifecycle": {"en": "Pod lifecycle and resources", "zh": "Pod 的生命周期与资源"},
    "17-access-control": {"en": "Access control: ServiceAccounts and RBAC",
                          "zh": "访问控制：ServiceAccount 与 RBAC"},
    "18-extending": {"en": "Extending Kubernetes: CRDs and operators",
                     "zh": "扩展 Kubernetes：CRD 与 Operator"},
}


def _following(slug: str) -> tuple[str, dict[str, str]] | None:
    """The slug and title of the lesson after `slug`: the next module, or the next chapter."""
    titles = {**CHAPTERS, **{m.slug: m.title for m in _MODULES}}
    order = sorted(titles)
    i = order.index(slug)
    return (order[i + 1], titles[order[i + 1]]) if i + 1 < len(order) else None


def with_nav(module: Module, following: tuple[str, dict[str, str]] | None) -> Module:
    """The module with a last cell linking the next lesson and the index."""
    if following is None:
        nav = md("**Back to** [all lessons](index.ipynb).", "**返回** [目录](index.ipynb)。")
    else:
        slug, title = following
        link = f"{slug}.ipynb"
        nav = md(f"**Next:** [{title['en']}]({link}) · [all lessons](index.ipynb)",
                 f"**下一节：** [{title['zh']}]({link}) · [目录](index.ipynb)")
    cells: list[Cell] = [*module.cells, nav]
    return Module(module.slug, module.title, module.summary, cells, module.tutorial, module.minutes,
                  module.chapter)


MODULES: list[Module] = [with_nav(m, _following(m.slug)) for m in _MODULES]

_INDEX = {
    "en": """
# Kubernetes Basics, in a notebook

Learn Kubernetes by doing, with a real (small) cluster that runs inside this notebook's kernel.
Every lesson uses the commands of the official
[Kubernetes Basics](https://kubernetes.io/docs/tutorials/kubernetes-basics/) tutorial — the same
`minikube` and `kubectl`, typed as `%minikube` and `%kubectl` — and shows their real output.
Nothing to install: no virtual machine, no Docker.

Each lesson starts its own cluster and deletes it at the end, so you can open any of them on its
own. Run the cells from top to bottom with Shift+Enter.
""",
    "zh": """
# Kubernetes 基础，在笔记本里学

动手学习 Kubernetes：一个真实的（小）集群就运行在本笔记本的内核里。每一节都使用官方
[Kubernetes 基础](https://kubernetes.io/zh-cn/docs/tutorials/kubernetes-basics/)教程中的命令——
同样的 `minikube` 和 `kubectl`，写成 `%minikube` 和 `%kubectl`——并展示它们的真实输出。
不需要安装任何东西：没有虚拟机，也不需要 Docker。

每一节都会启动自己的集群，并在结尾删除它，所以任何一节都可以单独打开。
用 Shift+Enter 从上到下依次运行单元格。
""",
}

_HEADINGS = {
    "en": ("## The course", "## Going further", "## After the basics", "## In a hurry?",
           "Other language: [中文](../zh/index.ipynb)"),
    "zh": ("## 课程", "## 更进一步", "## 基础之后", "## 时间不多？", "其他语言：[English](../en/index.ipynb)"),
}
_MINUTES = {"en": " (about {} min)", "zh": "（约 {} 分钟）"}


def index_cells(lang: str) -> list[str]:
    """The markdown cells of the index page in one language: the Basics course, the lessons
    that go further, the chapters after Basics, each with the time it takes; then the tour."""
    course, further, after, hurry, other = _HEADINGS[lang]

    def item(n: int, m: Module) -> str:
        return (f"{n}. [{m.title[lang]}]({m.slug}.ipynb) — {m.summary[lang]}"
                + _MINUTES[lang].format(m.minutes))

    tour = [m for m in MODULES if m.slug.startswith("00-")]
    lessons = [m for m in MODULES if m.tutorial]
    extra = [m for m in MODULES if not m.tutorial and not m.chapter and m not in tour]
    chapters = [m for m in MODULES if m.chapter]
    intro = _INDEX[lang].strip()
    text = [join_cjk_lines(intro) if lang == "zh" else intro]
    n = 0
    for heading, part in ((course, lessons), (further, extra), (after, chapters)):
        if part:
            text.append(heading + "\n\n" + "\n".join(item(n + i + 1, m) for i, m in enumerate(part)))
            n += len(part)
    if tour:
        text.append(hurry + "\n\n" + "\n".join(f"- [{m.title[lang]}]({m.slug}.ipynb) — {m.summary[lang]}"
                                               + _MINUTES[lang].format(m.minutes) for m in tour))
    text.append(other)
    return text


def landing_cells() -> list[str]:
    """notebooks/index.ipynb, the page `make tutorial` opens: both languages' indexes and tours."""
    tour = next(m for m in MODULES if m.slug.startswith("00-"))
    return [
        "# kubenb — Kubernetes in a notebook · 在笔记本里学 Kubernetes",
        "\n".join([
            "| | |",
            "|---|---|",
            "| **中文** | [课程目录](zh/index.ipynb) · "
            f"[{tour.title['zh']}](zh/{tour.slug}.ipynb)（{tour.summary['zh']}） |",
            "| **English** | [All lessons](en/index.ipynb) · "
            f"[{tour.title['en']}](en/{tour.slug}.ipynb) ({tour.summary['en']}) |",
        ]),
        "Open a lesson and run its cells from top to bottom with Shift+Enter; each lesson starts "
        "its own cluster and deletes it at the end.\n\n"
        + join_cjk_lines("打开任意一节，用 Shift+Enter 从上到下依次运行单元格；每一节都会启动自己的集群，"
                         "并在结尾删除它。"),
    ]
