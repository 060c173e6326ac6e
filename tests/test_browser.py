"""End to end in headless Chromium (Debian's chromium, driven by Playwright) against the app on
loopback, answering with the real local model: ask, watch the answer stream, click a citation,
see its passage highlighted, ask a follow-up. Screenshots go to artifacts/. And, with the
`extractive` backend: markup planted in a document stays text, and the page fetches nothing;
a PDF uploaded in the Documents tab is answered from, its citation shows the page, and it is
removed again."""

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
    yield from serving(bot)


def serving(bot):
    """Serve `bot`'s app on a free loopback port; yield its URL; close both afterwards."""
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


# ---------------------------------------------------------------- the Documents tab

FERRY = "How many passengers did the ferry carry in 2023?"


@pytest.fixture
def documents_app(tmp_path, fake_embedder):
    """The app, answering with `extractive` (fake embedder), over the tiny corpus."""
    from assistant import Assistant

    bot = Assistant.load(corpus=write_corpus(tmp_path / "corpus"), index=tmp_path / "index",
                         generator="extractive", embedder=fake_embedder)
    yield from serving(bot)


def test_upload_a_pdf_ask_and_see_the_cited_page(documents_app, tmp_path):
    from fixtures_docs import report_pdf, scanned_pdf

    uploads = tmp_path / "uploads"
    uploads.mkdir()
    files = [report_pdf(uploads / "report.pdf"), scanned_pdf(uploads / "scan.pdf")]
    with open_page(documents_app) as pg:
        pg.get_by_role("tab", name="Documents").click()
        pg.set_input_files("#upload input[type=file]", [str(f) for f in files])
        pg.wait_for_function("['report', 'scan'].every((name) => "
                             "document.querySelector('#upload').innerText.includes(name))",
                             timeout=20000)  # both uploaded (each name shows as 'scan' '.pdf')
        pg.click("#add-docs")
        status = pg.locator("#doc-status")
        status.locator("li.skipped").wait_for(timeout=60000)
        assert "report.pdf" in status.locator("li.added").inner_text()
        assert "no text layer" in status.locator("li.skipped").inner_text()
        listing = pg.locator("#doc-list").inner_text()
        assert "report.pdf" in listing and "Harbour Trust Annual Report 2024" in listing
        assert "scan.pdf" not in listing
        assert "3 documents" in pg.inner_text("#header")
        pg.screenshot(path=str(ARTIFACTS / "7-documents-panel.png"))

        pg.get_by_role("tab", name="Chat").click()
        ask(pg, FERRY)
        pg.wait_for_selector("#chat a.cite", timeout=60000)
        assert "41,350" in pg.locator("#chat .message-row").last.inner_text()
        pg.locator("#chat a.cite").first.click()
        card = pg.locator("#sources .source.active")
        card.wait_for(timeout=5000)
        assert "report.pdf, p. 2" in card.locator(".meta").inner_text()
        assert "41,350" in card.locator("mark").inner_text()
        page_image = card.locator(".page-view img")
        page_image.wait_for(timeout=20000)  # the cited page, shown because the citation was clicked
        assert page_image.get_attribute("src").startswith("data:image/png;base64,")
        assert page_image.get_attribute("alt") == "Page 2 of report.pdf"
        assert pg.evaluate("(img) => img.naturalWidth > 500 && img.complete",
                           page_image.element_handle())
        assert card.locator(".page-note").is_hidden()  # the quoted lines were found on the page
        pg.screenshot(path=str(ARTIFACTS / "8-cited-pdf-page.png"))

        pg.get_by_role("tab", name="Documents").click()
        pg.click("#remove-name input")
        pg.get_by_role("option", name="report.pdf").click()
        pg.click("#remove-doc")
        pg.wait_for_function("document.querySelector('#doc-status').innerText.includes('Removed')")
        assert "report.pdf" not in pg.inner_text("#doc-list")
        assert "2 documents" in pg.inner_text("#header")
        assert pg.outside == []
