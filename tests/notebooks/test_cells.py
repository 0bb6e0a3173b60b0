"""The notebook builder's pieces: language rendering, optional parts, Chinese line joining."""

from __future__ import annotations

import yaml
from lessons.cells import Module, choice, code, join_cjk_lines, md
from lessons.manifests import deployment

from tests.notebooks import build


def test_chinese_paragraphs_are_joined_without_spaces() -> None:
    text = "第一行的文字，\n接着第二行。\nThen English\nwords continue."
    assert join_cjk_lines(text) == "第一行的文字，接着第二行。Then English words continue."


def test_chinese_next_to_latin_keeps_one_space() -> None:
    assert join_cjk_lines("只替换\nDeployment 中的\nPod") == "只替换 Deployment 中的 Pod"
    assert join_cjk_lines("名为 `FailedScheduling`\n的事件") == "名为 `FailedScheduling` 的事件"


def test_blocks_keep_their_lines() -> None:
    text = "说明：\n\n- 第一项\n- 第二项，\n  续行\n\n```\n代码\n第二行\n```\n| 表 | 头 |\n|---|---|"
    assert join_cjk_lines(text) == \
        "说明：\n\n- 第一项\n- 第二项，续行\n\n```\n代码\n第二行\n```\n| 表 | 头 |\n|---|---|"


def test_render_uses_each_language_and_the_same_code() -> None:
    module = Module("99-x", {"en": "X", "zh": "X"}, {"en": "", "zh": ""},
                    [md("Hello", "你好"), code("%kubectl get pods"), code("print('hi')", zh="print('你好')")])
    en, zh = (build.render(module, lang, set()) for lang in ("en", "zh"))
    assert [c.source for c in en.cells] == ["Hello", "%kubectl get pods", "print('hi')"]
    assert [c.source for c in zh.cells] == ["你好", "%kubectl get pods", "print('你好')"]
    assert en.metadata["kubenb"] == {"module": "99-x", "lang": "en", "features": []}


def test_optional_parts_choose_cells() -> None:
    cells = [code("a"), code("b", needs="widget"),
             *choice("timeline", then=[code("c")], otherwise=[code("d")])]
    assert [c.source("en") for c in build.selected(cells, set())] == ["a", "d"]
    assert [c.source("en") for c in build.selected(cells, {"widget", "timeline"})] == ["a", "b", "c"]
    module = Module("99-y", {"en": "", "zh": ""}, {"en": "", "zh": ""}, cells)
    assert build.render(module, "en", {"widget", "timeline"}).metadata["kubenb"]["features"] == \
        ["timeline", "widget"]


def test_live_cells_are_not_compared_by_nbval() -> None:
    module = Module("99-z", {"en": "", "zh": ""}, {"en": "", "zh": ""},
                    [code("kubenb.show()", tags=("nbval-ignore-output",))])
    assert build.render(module, "en", set()).cells[0].metadata["tags"] == ["nbval-ignore-output"]


def test_deployment_manifest_is_the_lessons_skeleton() -> None:
    text = deployment("web", "app", "busybox", replicas=2, label="run",
                      container_spec="args:\n- |\n  one\n\n  two", pod_spec="volumes: []")
    assert text == """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels:
      run: web
  template:
    metadata:
      labels:
        run: web
    spec:
      containers:
      - name: app
        image: busybox
        args:
        - |
          one

          two
      volumes: []"""
    pod = yaml.safe_load(text)["spec"]["template"]["spec"]
    assert pod == {"containers": [{"name": "app", "image": "busybox", "args": ["one\n\ntwo\n"]}],
                   "volumes": []}
    assert "replicas" not in deployment("x", "c", "nginx")
