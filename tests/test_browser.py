"""End to end in headless Chromium (Debian's chromium, driven by Playwright) against the app on
loopback, answering with the real local model: ask, watch the answer stream, click a citation,
see its passage highlighted, ask a follow-up. Screenshots go to artifacts/."""

import shutil
from pathlib import Path

import pytest

import app

from conftest import ROOT
from helpers import free_port

pytestmark = [pytest.mark.browser, pytest.mark.llm]
ARTIFACTS = ROOT / "artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="module")
def served(local_bot):
    port = free_port()
    demo = app.build_app(local_bot)
    app.launch(demo, "127.0.0.1", port, prevent_thread_lock=True, quiet=True)
    yield f"http://127.0.0.1:{port}/"
    demo.close()


@pytest.fixture
def page(served, tmp_path):
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is not installed (./run.sh test installs it)")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        pg = context.new_page()
        pg.outside = []
        pg.on("request", lambda r: None if r.url.startswith(("http://127.0.0.1", "data:", "blob:"))
              else pg.outside.append(r.url))
        pg.goto(served)
        pg.wait_for_selector("#question textarea")
        yield pg
        browser.close()


def ask(page, question: str):
    page.fill("#question textarea", question)
    page.click("#ask")


def test_ask_stream_click_citation_follow_up(page):
    assert "local" in page.inner_text("#header") and "Qwen2.5" in page.inner_text("#header")
    assert page.locator("#chat").get_by_text("Why was the trust shelved?").count() == 1  # examples
    page.screenshot(path=str(ARTIFACTS / "1-empty.png"))

    ask(page, "What did it cost in agency staff?")
    # the answer streams: a partial answer with the typing cursor shows before the final one
    page.wait_for_function("document.querySelector('#chat') && "
                           "document.querySelector('#chat').innerText.includes('▍')", timeout=60000)
    page.screenshot(path=str(ARTIFACTS / "2-streaming.png"))
    page.wait_for_selector("#chat a.cite", timeout=60000)
    answer = page.locator("#chat .message-row").last.inner_text()
    assert "£22" in answer and "▍" not in answer

    page.locator("#chat a.cite").first.click()
    active = page.locator("#sources .source.active")
    active.wait_for(timeout=5000)
    assert active.get_attribute("id") == "src-1-1"
    highlighted = active.locator("mark").inner_text()
    assert "£22" in highlighted or "agency" in highlighted
    assert active.locator(".excerpt").inner_text().strip() != highlighted.strip()  # in context
    page.screenshot(path=str(ARTIFACTS / "3-citation-clicked.png"))

    ask(page, "And how much could the trust save?")
    page.wait_for_function("document.querySelectorAll('#sources .turn').length >= 2", timeout=60000)
    last = page.locator("#chat .message-row").last.inner_text()
    assert "£9" in last and "Understood as" in last
    page.screenshot(path=str(ARTIFACTS / "4-follow-up.png"))

    ask(page, "What is the population of Northamptonshire?")
    page.wait_for_selector("#chat .abstained", timeout=60000)
    page.screenshot(path=str(ARTIFACTS / "5-documents-dont-say.png"))

    page.click("#clear")
    page.wait_for_function("document.querySelectorAll('#sources .turn').length == 0")
    assert page.outside == []  # the page asked nothing of the internet


def test_empty_message_gets_a_hint(page):
    page.click("#ask")
    page.wait_for_function("document.querySelector('#chat').innerText.includes('Type a question')")
    assert page.outside == []
