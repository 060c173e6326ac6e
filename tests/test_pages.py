"""A PDF page as an image with a quote's lines highlighted (`assistant.pages`), on the report
fixture: its four A4 pages hold a fact on page 2, line-end hyphens and ligatures on page 1."""

from __future__ import annotations

import io
import threading

import pytest
from PIL import Image

from assistant import CorpusError, PageImage, cited_page, render_page
from assistant.corpus import load_corpus
from assistant.pages import HIGHLIGHT, MARGIN, PAGE_SCALE
from assistant.readers.pdf import PDFIUM_LOCK

from fixtures_docs import FACT, NOTES_MD, PAGE_H, PAGE_W, corrupt_pdf, encrypted_pdf, report_pdf


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    return report_pdf(tmp_path_factory.mktemp("pages") / "report.pdf")


@pytest.fixture
def corpus(tmp_path, report):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "report.pdf").write_bytes(report.read_bytes())
    (folder / "notes.md").write_text(NOTES_MD, encoding="utf-8")
    return load_corpus(folder)


def pixels(shown: PageImage) -> Image.Image:
    return Image.open(io.BytesIO(shown.png)).convert("RGB")


def test_a_page_without_a_quote_is_the_page_unmarked(report):
    shown = render_page(report, 1)
    assert shown.png.startswith(b"\x89PNG") and not shown.found
    assert shown.boxes == () and shown.top is None
    assert abs(shown.width - PAGE_W * PAGE_SCALE) <= 1 and abs(shown.height - PAGE_H * PAGE_SCALE) <= 1
    image = pixels(shown)
    assert image.size == (shown.width, shown.height)
    assert HIGHLIGHT not in {image.getpixel((x, y)) for x in range(0, image.width, 7)
                             for y in range(0, image.height, 7)}
    small = render_page(str(report), 1, scale=1.0)  # a str path too
    assert (small.width, small.height) == (PAGE_W, PAGE_H)


def test_the_quoted_lines_are_highlighted_where_the_quote_is(report):
    shown = render_page(report, 2, FACT)
    assert shown.found and len(shown.boxes) == 2  # the fact is drawn on two lines
    for left, top, right, bottom in shown.boxes:
        assert 0 <= left < right <= shown.width and 0 <= top < bottom <= shown.height
    image = pixels(shown)
    marked = [y for y in range(image.height) if image.getpixel((120, y)) == HIGHLIGHT]
    assert marked and 0.1 < shown.top < 0.25  # near the top of the page, where the fact is
    assert abs(min(marked) / image.height - shown.top) < 0.02
    reach = MARGIN * PAGE_SCALE + 1
    assert shown.boxes[0][1] - reach <= min(marked) and max(marked) <= shown.boxes[1][3] + reach


def test_the_quote_is_followed_across_lines_hyphens_and_ligatures(report):
    one_line = render_page(report, 1, "The ferry runs every hour in summer").boxes
    hyphenated = render_page(report, 1, "useful information at the harbour office").boxes  # infor-/mation
    ligature = render_page(report, 1, "the financial year").boxes  # drawn with the U+FB01 ligature
    assert len(one_line) == 1 and len(hyphenated) == 2 and len(ligature) == 2
    assert hyphenated[0][1] < hyphenated[1][1]  # the first line above the second
    for quote in ("Gull Island", "", None):  # on page 2, not 1; nothing to find
        missing = render_page(report, 1, quote)
        assert not missing.found and missing.boxes == () and missing.top is None


def test_bad_pages_and_files_are_refused_clearly(report, tmp_path):
    for page in (0, 5, -1):
        with pytest.raises(ValueError, match=rf"page must be between 1 and 4 .*page is {page}"):
            render_page(report, page)
    with pytest.raises(ValueError, match="scale must be greater than 0"):
        render_page(report, 1, scale=0)
    (tmp_path / "notes.md").write_text(NOTES_MD, encoding="utf-8")
    for path in (corrupt_pdf(tmp_path / "broken.pdf"), encrypted_pdf(tmp_path / "locked.pdf"),
                 tmp_path / "notes.md"):
        with pytest.raises(CorpusError, match="cannot be opened as a PDF"):
            render_page(path, 1)
    with pytest.raises(FileNotFoundError):
        render_page(tmp_path / "missing.pdf", 1)


def test_rendering_shares_the_pdf_readers_lock(report):
    done = threading.Event()
    with PDFIUM_LOCK:  # PDFium is not thread-safe: a render waits for a read, and the reverse
        worker = threading.Thread(target=lambda: (render_page(report, 1), done.set()), daemon=True)
        worker.start()
        assert not done.wait(0.5)
    assert done.wait(60)


def test_a_citations_page_is_checked_against_the_corpus(corpus):
    text = corpus.get("report.pdf").text
    start = text.index(FACT)
    shown = cited_page(corpus, "report.pdf", 2, start, start + len(FACT))
    assert shown.found and shown.boxes == render_page(corpus.root / "report.pdf", 2, FACT).boxes
    assert cited_page(corpus, "report.pdf", 2, start, start + len(FACT)) is shown  # cached
    with pytest.raises(KeyError):
        cited_page(corpus, "../../etc/passwd", 1, 0, 1)
    with pytest.raises(ValueError, match="notes.md is a markdown document, not a PDF"):
        cited_page(corpus, "notes.md", 1, 0, 5)
    with pytest.raises(ValueError, match=r"page must be a page of report.pdf \(1 to 4\)"):
        cited_page(corpus, "report.pdf", 9, 0, 5)
    for lo, hi in ((5, 10**9), (-1, 5), (10, 10)):
        with pytest.raises(ValueError, match="start and end must be offsets"):
            cited_page(corpus, "report.pdf", 1, lo, hi)


def test_only_the_part_of_a_quote_on_its_page_is_looked_for(corpus):
    text = corpus.get("report.pdf").text
    start, end = text.index("2. Passengers and fares"), text.index(FACT) + len(FACT)
    assert cited_page(corpus, "report.pdf", 2, start, end).found
    for page in (1, 3):  # none of the span is on these pages: the page is shown unmarked
        shown = cited_page(corpus, "report.pdf", page, start, end)
        assert not shown.found and shown.top is None
    on_page_one = text.index("The ferry runs every hour")
    assert cited_page(corpus, "report.pdf", 1, on_page_one, on_page_one + 25).found
