"""End to end in headless Chromium (Debian's chromium, driven by Playwright) against the app on
loopback, answering with the real local model: ask, watch the answer stream, click a citation,
see its passage highlighted, ask a follow-up. Screenshots go to artifacts/. And, with the
`extractive` backend: markup planted in a document stays text, and the page fetches nothing."""

import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest

import app

from conftest import ROOT, write_corpus
from helpers import free_port

pytestmark = [pytest.mark.browser]
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


@contextmanager
def open_page(url: str):
    """A Chromium page on `url`; `page.outside` lists every request that left loopback (each is
    recorded, then aborted: nothing reaches the network)."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is not installed (./run.sh test installs it)")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        pg = context.new_page()
        pg.outside = []

        def outside(url: str) -> bool:
            return not url.startswith(("http://127.0.0.1", "data:", "blob:"))
        pg.on("request", lambda r: pg.outside.append(r.url) if outside(r.url) else None)
        context.route(outside, lambda route: route.abort())
        pg.goto(url)
        pg.wait_for_selector("#question textarea")
        try:
            yield pg
        finally:
            browser.close()


@pytest.fixture
def page(served):
    with open_page(served) as pg:
        yield pg


def ask(page, question: str):
    page.fill("#question textarea", question)
    page.click("#ask")


@pytest.mark.llm
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


@pytest.mark.llm
def test_empty_message_gets_a_hint(page):
    page.click("#ask")
    page.wait_for_function("document.querySelector('#chat').innerText.includes('Type a question')")
    assert page.outside == []


BEACON = "198.51.100.7"  # TEST-NET-2: an address that must never be asked for anything
PLANTED = {
    "harbour.md": (
        "Harbour ferry report\n\n4 May 2021\n\n"
        f"The harbour ferry carries 300 passengers a day ![beacon](http://{BEACON}/beacon.png) "
        f"according to [the port office](http://{BEACON}/port) <img src='http://{BEACON}/raw.png'> "
        f"figures, see http://{BEACON}/stats for more.\n"
        "The ferry was repainted in blue last winter.\n"),
    "roof.txt": "Town hall news\n\nThe town hall roof will be repaired in autumn.\n",
}


@pytest.fixture(scope="module")
def planted(tmp_path_factory, real_embedder):
    """The app, answering with `extractive`, over a corpus with markup planted in a document."""
    from assistant import Assistant

    root = tmp_path_factory.mktemp("planted")
    bot = Assistant.load(corpus=write_corpus(root / "corpus", PLANTED), index=root / "index",
                         generator="extractive", embedder=real_embedder)
    port = free_port()
    demo = app.build_app(bot)
    app.launch(demo, "127.0.0.1", port, prevent_thread_lock=True, quiet=True)
    yield f"http://127.0.0.1:{port}/"
    demo.close()
    bot.close()


def test_markup_in_documents_stays_text_and_fetches_nothing(planted):
    with open_page(planted) as pg:
        ask(pg, "How many passengers does the harbour ferry carry a day?")
        pg.wait_for_selector("#chat a.cite", timeout=60000)
        pg.locator("#chat a.cite").first.click()
        pg.locator("#sources .source.active").wait_for(timeout=5000)
        pg.wait_for_timeout(1500)  # time for any fetch the page would make to start
        pg.screenshot(path=str(ARTIFACTS / "6-planted-markup-inert.png"))
        assert not [url for url in pg.outside if BEACON in url]
        pointing = pg.evaluate(
            "(host) => [...document.querySelectorAll('img, a, link, source, iframe')]"
            ".map((el) => el.getAttribute('src') || el.getAttribute('href') || '')"
            ".filter((url) => url.includes(host))", BEACON)
        assert pointing == []
        answer = pg.locator("#chat .message-row").last.inner_text()
        assert f"![beacon](http://{BEACON}/beacon.png)" in answer  # shown as the text it is
        assert f"[the port office](http://{BEACON}/port)" in answer
        assert pg.outside == []  # nor anything else beyond loopback
