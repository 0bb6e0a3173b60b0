"""The building blocks of the tutorial notebooks: one definition per module, both languages.

A module is a `Module` whose `cells` are `Cell`s. `md(en=..., zh=...)` is learner-facing prose
in each language; `code(src)` is the same in both languages, so the English and the Chinese
course run exactly the same commands. A cell with `needs="widget"` (or another optional part
of kubenb, see build.py's FEATURES) is left out when that part is not installed; `choice()`
gives cells to use instead. build.py renders a module into an nbformat notebook per
language and runs it; tests/notebooks checks the stored result against these lists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

LANGS = ("en", "zh")
# The live ClusterView's saved output is a picture of that moment (times, uids) that no text
# sanitizer reaches (part of it is JSON): nbval runs the cell but does not compare its output.
LIVE = ("nbval-ignore-output",)
# A cell whose output depends on timing by design (which pods a scale-down picks): run, not compared.
VARIES = ("nbval-ignore-output",)


@dataclass(frozen=True)
class Cell:
    kind: Literal["markdown", "code"]
    text: tuple[tuple[str, str], ...]  # (lang, text); code cells use the lang "*"
    needs: str | None = None
    unless: str | None = None  # the cell is for when this optional part is missing
    tags: tuple[str, ...] = ()

    def source(self, lang: str) -> str:
        texts = dict(self.text)
        return texts.get(lang, texts.get("*", ""))


def md(en: str, zh: str, *, needs: str | None = None, unless: str | None = None) -> Cell:
    """Prose, in English and Chinese."""
    return Cell("markdown", (("en", _dedent(en)), ("zh", join_cjk_lines(_dedent(zh)))), needs, unless)


def code(src: str, *, zh: str | None = None, needs: str | None = None,
         unless: str | None = None, tags: tuple[str, ...] = ()) -> Cell:
    """A code cell, identical in both languages unless it prints text for learners (`zh`)."""
    text = (("*", _dedent(src)),) if zh is None else (("en", _dedent(src)), ("zh", _dedent(zh)))
    return Cell("code", text, needs, unless, tags)


def choice(needs: str, then: list[Cell], otherwise: list[Cell]) -> list[Cell]:
    """`then` when the optional part `needs` is installed, else `otherwise`."""
    return ([Cell(c.kind, c.text, needs, None, c.tags) for c in then]
            + [Cell(c.kind, c.text, None, needs, c.tags) for c in otherwise])


@dataclass(frozen=True)
class Module:
    slug: str  # file name without .ipynb, e.g. "05-expose"
    title: dict[str, str]
    summary: dict[str, str]  # one line for the index page
    cells: list[Cell] = field(default_factory=list)
    tutorial: bool = True  # follows the official Kubernetes Basics course
    minutes: int = 15  # about how long a learner takes, for the index
    chapter: bool = False  # one of the chapters after Basics (Concepts and Tutorials order)


_HAN = re.compile(r"[\u4e00-\u9fff]")
_FULLWIDTH = re.compile(r"[\u2014\u2018-\u201d\u3000-\u303f\uff00-\uffef]")  # ，。：“”——
_BLOCK = re.compile(r"(- |\d+\. |\||#|```)")


def join_cjk_lines(text: str) -> str:
    """Join the soft-wrapped lines of Chinese paragraphs and list items.

    Markdown renders a line break inside a paragraph as a space, which is right between
    English words and wrong between Chinese characters. Lines join without a space between
    two Han characters or next to full-width punctuation, and with one between Chinese and
    Latin text. Code fences, tables, headings and the start of each list item keep their lines.
    """
    out: list[str] = []
    fence = False
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped.startswith("```"):
            fence = not fence
            out.append(line)
            continue
        prev = out[-1].strip() if out else ""
        if fence or not stripped or not prev or _BLOCK.match(stripped) or prev.startswith(("|", "#", "```")):
            out.append(line)
            continue
        a, b = prev[-1], stripped[0]
        han_han = bool(_HAN.match(a) and _HAN.match(b))
        sep = "" if han_han or _FULLWIDTH.match(a) or _FULLWIDTH.match(b) else " "
        out[-1] = out[-1].rstrip() + sep + stripped
    return "\n".join(out)


def _dedent(text: str) -> str:
    import textwrap

    return textwrap.dedent(text).strip("\n")


# ---- pieces every module shares --------------------------------------------------------------

def setup(seed: int, nodes: int = 1, extra: str = "") -> list[Cell]:
    """Load the magics, fix the generated names (`%env KUBENB_SEED`) and start this notebook's
    own cluster with the command real minikube takes."""
    flags = (f" --nodes={nodes}" if nodes > 1 else "") + (f" {extra}" if extra else "")
    return [
        md("""
           Run the cells from top to bottom (Shift+Enter). This notebook starts its own cluster
           and deletes it at the end. `KUBENB_SEED` makes the generated names (pods,
           addresses) the same on every run, so your output matches the one stored here; it is
           kubenb's alone, and `minikube start` is the command you would type anywhere.
           """,
           """
           从上到下依次运行每个单元格（Shift+Enter）。本笔记本会启动自己的集群，并在最后删除它。
           `KUBENB_SEED` 让生成的名字（Pod、地址）每次都相同，所以你看到的输出与这里保存的一致；
           它只属于 kubenb，而 `minikube start` 就是你在任何地方都会输入的命令。
           """),
        code("%load_ext kubenb"),
        code(f"%env KUBENB_SEED={seed}"),
        code(f"%minikube start{flags}"),
    ]


def teardown() -> list[Cell]:
    """Delete the cluster: every pod process and the control plane stop."""
    return [
        md("""
           ## Clean up

           `minikube delete` stops every pod and the control plane of this notebook's cluster.
           """,
           """
           ## 清理

           `minikube delete` 会停止本笔记本集群中的所有 Pod 和控制平面。
           """),
        code("%minikube delete"),
    ]


# What a real cluster shows instead of kubenb's values, said where a lesson first shows them.
_REAL = {
    "addresses": (
        "The addresses are loopback addresses (`127.…`) because every node and pod of this "
        "cluster lives on your machine. A real minikube cluster shows node addresses like "
        "`192.168.49.2`, pod addresses from `10.244.0.0/16` and Service addresses from "
        "`10.96.0.0/12` in the same places.",
        "这些地址是回环地址（`127.…`），因为这个集群的每个节点和 Pod 都在你的机器上。"
        "真实的 minikube 集群在同样的位置显示 `192.168.49.2` 这样的节点地址、"
        "来自 `10.244.0.0/16` 的 Pod 地址和来自 `10.96.0.0/12` 的 Service 地址。"),
    "tolerations": (
        "The two `NoExecute` **Tolerations** say how long the pod stays on a node that is not "
        "ready or unreachable before it is evicted. A real cluster adds them `for 300s` "
        "(5 minutes); kubenb shortens them to 10 s so that a node failure plays out while you "
        "watch.",
        "两条 `NoExecute` **Tolerations**（容忍）规定了节点未就绪或不可达时，Pod 在被驱逐之前还能在"
        "上面停留多久。真实集群添加的是 `for 300s`（5 分钟）；kubenb 把它缩短为 10 秒，"
        "让节点故障的整个过程就在你眼前发生。"),
}


def real_cluster_note(*topics: str) -> Cell:
    """A short note: what a real cluster shows instead of kubenb's addresses / tolerations."""
    en = " ".join(_REAL[t][0] for t in topics)
    zh = "".join(_REAL[t][1] for t in topics)
    return md(f"**kubenb and a real cluster:** {en}", f"**kubenb 与真实集群：**{zh}")


def picture(en: str, zh: str) -> list[Cell]:
    """A sentence and the cluster's picture at this moment: live in JupyterLab, a PNG (and
    HTML) in the saved notebook, so GitHub, nbviewer and nbconvert show it too."""
    return [md(en, zh, needs="widget"),
            code("import kubenb\n\nkubenb.show()", needs="widget", tags=LIVE)]


def exercise(task_en: str, task_zh: str, expectations: str, solution: list[str]) -> list[Cell]:
    """A task in words, its check cell (`kubenb.check`, in the lesson's language: run before
    the task it says what is missing), a solution, and the same check again. `expectations`
    is the Python text of the `kubenb.expect.…` arguments."""

    def check(lang: str) -> str:
        return f"import kubenb\n\nkubenb.check({expectations}, lang=\"{lang}\")"

    return [
        md(f"""
           ### Try it

           {task_en}

           The check below reads the cluster and says what is right (✔) and what is still
           missing (✘). Run it before you start, then again when you are done.
           """,
           f"""
           ### 动手试试

           {task_zh}

           下面的检查会读取集群的状态，告诉你哪些已经做对（✔），哪些还没有完成（✘）。
           开始之前先运行一次，完成之后再运行一次。
           """),
        code(check("en"), zh=check("zh")),
        md("One solution:", "一种做法："),
        *[code(line) for line in solution],
        code(check("en"), zh=check("zh")),
    ]


def recap(en: list[str], zh: list[str]) -> Cell:
    """The lesson's last cell: what was learnt and the commands used, a few bullet points."""
    return md("## Recap\n\n" + "\n".join(f"- {item}" for item in en),
              "## 小结\n\n" + "\n".join(f"- {item}" for item in zh))
