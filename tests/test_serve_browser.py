"""perfdecl serve in a real browser: Debian's chromium, headless, driven by Playwright.

Playwright's own browsers are not used (they are downloaded from its CDN);
the system's chromium is. Without one (or without Playwright), the test says
so and is skipped. PERFDECL_SCREENSHOTS=DIR keeps the screenshots it takes.
"""
from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers import copy_example, edit, serve

CHROMIUM = next(filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None)
WAIT_MS = 10_000  # a bound on failure, not a speed measurement (see the report of `serve` in README)

playwright_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed: "
                                     "python -m pip install playwright")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no chromium on PATH: apt-get install chromium")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    folder = copy_example(tmp_path)
    process, address = serve(folder, tmp_path)
    try:
        yield address, folder
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture
def page() -> Iterator[object]:
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            yield browser.new_page(viewport={"width": 1000, "height": 900})
        finally:
            browser.close()


def screenshot(page, tmp_path: Path, name: str) -> Path:
    folder = Path(os.environ.get("PERFDECL_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path))
    assert path.stat().st_size > 10_000  # a picture of a page, not of nothing
    return path


def test_an_edit_marks_the_line_item_cell_and_a_revert_clears_it(served, page, tmp_path: Path) -> None:
    address, folder = served
    expect = playwright_api.expect
    page.goto(address)
    expect(page.locator("main table").first).to_be_visible()
    assert page.locator("[data-finding]", has_text="113800").count() == 0
    project = next(p for p in sorted(folder.glob("*.yaml")) if "113700元]" in p.read_text(encoding="utf-8"))
    original = project.read_text(encoding="utf-8")

    project.write_text(edit(original, [("113700元]", "113800元]")]), encoding="utf-8")
    started = time.monotonic()
    cell = page.locator('td[data-finding="error"]', has_text="113800元")
    expect(cell).to_have_count(1, timeout=WAIT_MS)
    print(f"page updated and marked {time.monotonic() - started:.2f} s after the edit")
    expect(cell).to_have_attribute("title", re.compile("PD101"))
    cell.scroll_into_view_if_needed()
    cell.hover()
    screenshot(page, tmp_path, "serve-pd101")
    entry = page.locator("#perfdecl-findings li", has_text="PD101")
    expect(entry).to_have_count(1)
    assert f"{project.name}:" in entry.inner_text()

    project.write_text(original, encoding="utf-8")
    expect(page.locator("td", has_text="113700元")).to_have_count(1, timeout=WAIT_MS)
    expect(page.locator("[data-finding]", has_text="1137")).to_have_count(0)
    expect(page.locator("#perfdecl-findings li", has_text="PD101")).to_have_count(0)


def test_a_path_outside_the_folder_is_not_found(served, page) -> None:
    address, _ = served
    for path in ("../../etc/passwd", "..%2f..%2fetc%2fpasswd", "%2e%2e/declaration.yaml"):
        reply = page.goto(address.rstrip("/") + "/ex/" + path)
        assert reply is not None and reply.status == 404, path
