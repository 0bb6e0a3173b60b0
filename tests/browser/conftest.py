"""Fixtures for the browser tests: one JupyterLab server and one chromium per test module.

Everything here is skipped with a reason when Debian's chromium or the playwright package is
missing (CI's `.ci/run` installs chromium). The server is stopped at the end of the session
and must leave no process behind (kernels included).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from .lab import ARTIFACTS, CHROMIUM_ARGS, LabServer, chromium_path

FAILED = pytest.StashKey[bool]()


@pytest.fixture(scope="session")
def chromium() -> str:
    path = chromium_path()
    if path is None:
        pytest.skip("chromium is not installed (apt-get install -y chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.skip("the playwright package is not installed")
    return path


@pytest.fixture(scope="module")
def lab_server(chromium: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    server = LabServer.start(tmp_path_factory.mktemp("lab"))
    yield server
    left = server.stop()
    assert not left, f"processes left behind by JupyterLab: {left}"


@pytest.fixture(scope="module")
def browser(chromium: str) -> Iterator[Any]:
    """Module-scoped on purpose: while Playwright's sync API is open, the main thread counts
    as running an event loop, which breaks later tests that run one themselves."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.stash[FAILED] = report.failed


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh browser context; page errors fail the test; a failure leaves a screenshot
    and the page's text in tests/browser/artifacts/."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    errors: list[str] = []
    console: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: console.append(f"{msg.type}: {msg.text}"))
    yield page
    if request.node.stash.get(FAILED, False):
        ARTIFACTS.mkdir(exist_ok=True)
        name = request.node.name
        page.screenshot(path=str(ARTIFACTS / f"{name}-failure.png"))
        text = page.evaluate("() => document.body.innerText")
        (ARTIFACTS / f"{name}-failure.txt").write_text(text + "\n\n--- console ---\n"
                                                        + "\n".join(console))
    context.close()
    errors += [c for c in console if c.startswith("error:") and "kubenb" in c.lower()]
    assert not errors, f"errors in the page: {errors}"
