"""OCR (`assistant.readers.ocr`) through the PDF reader (scanned and mixed PDFs), the image
reader (PNG, JPEG, multi-page TIFF), the cited page's highlight, progress and bad input. The
pages are made here from known text (`evals.ocr_pages`) at 150 dpi, so the real engine reads a
few small pages only; the network is blocked throughout (conftest), engine loading included."""

from __future__ import annotations

import io
import struct
import sys
import weakref
import zlib

import pytest
from PIL import Image

from assistant import Assistant, cited_page, render_page
from assistant.embeddings import HashingEmbedder
from assistant.pages import HIGHLIGHT
from assistant.readers import ReadError, ocr, page_of, read_document
from assistant.readers.image import NO_TEXT as IMAGE_NO_TEXT
from assistant.readers.pdf import NO_TEXT as PDF_NO_TEXT
from evals.ocr_pages import DOCUMENTS, Page, doc_images, page_image, save_doc, save_tiff, scanned_pdf

import fixtures_docs as F

REPORT, NOTICE, SURVEY = DOCUMENTS
COST = "The repairs were carried out by Tidewater Marine in October and cost £86,200"
PAID = "cost £86,200, which was paid from the harbour reserve fund"  # over two lines
LIBRARIAN = "The librarian, Owen Pritchard, said the room would stay open"


def small(page: Page, **options):
    """A page at 150 dpi: readable, and quick to OCR."""
    return page_image(page, dpi=150, **options)[0]


@pytest.fixture(scope="module")
def scan(tmp_path_factory):
    """The two-page report as a PDF of 150 dpi scans, each with a page-number text layer."""
    folder = tmp_path_factory.mktemp("scan")
    return scanned_pdf(folder / "report-scan.pdf", [small(p) for p in REPORT.pages],
                       numbered=True)


def in_order(text: str, *parts: str) -> bool:
    at = [text.find(p) for p in parts]
    return -1 not in at and at == sorted(at)


# ---------------------------------------------------------------- the engine

def test_the_engine_loads_from_local_files_with_the_network_blocked():
    import socket

    with pytest.raises(Exception, match="network"):  # the block is on (conftest)
        socket.create_connection(("192.0.2.1", 80), timeout=1)
    path = ocr.find_tessdata()
    assert path and (path.rstrip("/") + "/eng.traineddata")
    page = ocr.TesseractEngine(path).recognise(small(NOTICE.pages[0]), 150)
    assert page.lines[0].text == "Notice to ferry passengers"
    word = page.lines[0].words[0]
    assert word.text == "Notice" and word.confidence > 80
    left, top, right, bottom = word.box  # pixels: the heading is one inch from the top left
    assert 140 <= left <= 160 and 140 <= top <= 170 and left < right and top < bottom


def test_a_missing_model_is_a_clear_error(tmp_path):
    with pytest.raises(ReadError, match="tesseract-ocr-eng.*TESSDATA_PREFIX.*; skipped$"):
        ocr.TesseractEngine(tessdata=str(tmp_path))


class ScriptedEngine:
    """A fake engine: the pages it is given read as `lines`, with the confidences given in
    turn; it remembers the images it saw (weakly) and how many were alive at once."""

    name = "scripted"

    def __init__(self, lines=("Some words here",), confidences=(97.0,)):
        self.lines, self.confidences = lines, list(confidences)
        self.calls, self.seen, self.most_alive = 0, [], 0

    def recognise(self, image, dpi):
        self.seen = [ref for ref in self.seen if ref() is not None] + [weakref.ref(image)]
        self.most_alive = max(self.most_alive, len(self.seen))
        confidence = self.confidences[min(self.calls, len(self.confidences) - 1)]
        self.calls += 1
        lines = tuple(ocr.Line(tuple(ocr.Word(w, (100 + 60 * i, 100 + 40 * n, 150 + 60 * i,
                                                  130 + 40 * n), confidence)
                                     for i, w in enumerate(text.split())), 30.0)
                      for n, text in enumerate(self.lines))
        return ocr.OcrPage(image.width, image.height, dpi, lines)


def test_a_page_read_with_low_confidence_is_read_again_filtered_and_the_better_kept():
    image = Image.new("L", (400, 300), 255)
    low_then_high = ScriptedEngine(confidences=(60.0, 95.0))
    with ocr.using(low_then_high):
        assert ocr.recognise(image, 150).confidence == 95.0 and low_then_high.calls == 2
    clean = ScriptedEngine(confidences=(97.0,))
    with ocr.using(clean):
        assert ocr.recognise(image, 150).confidence == 97.0 and clean.calls == 1
    worse = ScriptedEngine(confidences=(60.0, 40.0))
    with ocr.using(worse):
        assert ocr.recognise(image, 150).confidence == 60.0


@pytest.mark.parametrize("turn", [Image.Transpose.ROTATE_90, Image.Transpose.ROTATE_180,
                                  Image.Transpose.ROTATE_270])
def test_a_page_scanned_sideways_or_upside_down_is_read_upright(turn):
    image = small(NOTICE.pages[0])
    upright = ocr.recognise(image, 150)
    page = ocr.recognise(image.transpose(turn), 150)
    assert page.text == upright.text and page.turned in (90, 180, 270)
    # boxes go back to the scan as it was given: the heading's first word where it was turned to
    word = upright.lines[0].words[0].box
    corners = [(word[0], word[1]), (word[2], word[3])]
    width, height = image.size
    moved = {Image.Transpose.ROTATE_90: lambda x, y: (y, width - x),
             Image.Transpose.ROTATE_180: lambda x, y: (width - x, height - y),
             Image.Transpose.ROTATE_270: lambda x, y: (height - y, x)}[turn]
    xs, ys = zip(*(moved(x, y) for x, y in corners))
    expected = (min(xs), min(ys), max(xs), max(ys))
    got = page.original_box(page.lines[0].words[0].box)
    assert max(abs(a - b) for a, b in zip(got, expected)) <= 3


def test_a_line_across_a_gutter_becomes_two_pieces():
    words = [ocr.Word(t, (x, 100, x + 50, 130), 95) for t, x in
             (("left", 0), ("side", 60), ("right", 300), ("side", 360))]
    page = ocr.OcrPage(600, 600, 72, (ocr.Line(tuple(words), 30.0),))
    pieces = page.pieces()
    assert [p.text for p in pieces] == ["left side", "right side"]
    assert pieces[0].y1 == 500 and pieces[0].size == 30  # points, y upwards, 72 dpi


# ---------------------------------------------------------------- PDFs

def test_a_scanned_pdf_is_read_page_by_page_with_its_layout(scan):
    doc = read_document(scan)
    assert doc.format == "pdf" and doc.page_count == 2 and len(doc.pages) == 2
    assert doc.title == "Harbour Office Annual Report"
    assert in_order(doc.text, "Harbour Office Annual Report", "12,480 mooring permits",
                    "Finance and repairs", COST)
    assert page_of(doc, doc.text.index(COST)) == 2
    assert page_of(doc, doc.text.index("12,480")) == 1
    headings = [doc.text[b.start:b.end] for b in doc.blocks if b.kind == "heading"]
    assert headings == ["Harbour Office Annual Report", "Finance and repairs"]
    # each page's text layer held its page number alone: too little to count as text, so the
    # page was OCR'd, and its reading replaced the layer
    assert not [b for b in doc.blocks if doc.text[b.start:b.end] in ("1", "2")]


def test_a_mixed_pdf_reads_its_text_layer_and_ocrs_only_its_scanned_page(tmp_path):
    line = "This page has a real text layer and needs no OCR at all, said the clerk."
    path = scanned_pdf(tmp_path / "mixed.pdf", [small(SURVEY.pages[0])],
                       text_pages={0: line, 2: "The last page is typed as well, with its own text."})
    engine = ScriptedEngine(lines=("Only the scanned page is read by the engine.",))
    with ocr.using(engine):
        doc = read_document(path)
    assert engine.calls == 1
    assert [p[2] for p in doc.pages] == [1, 2, 3]
    assert page_of(doc, doc.text.index("Only the scanned page")) == 2
    assert page_of(doc, doc.text.index("real text layer")) == 1
    assert page_of(doc, doc.text.index("typed as well")) == 3


def test_a_citation_from_a_scanned_pdf_gives_its_page(scan, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "report-scan.pdf").write_bytes(scan.read_bytes())
    seen = []
    with Assistant.load(corpus=corpus, index=tmp_path / "index", generator="extractive",
                        embedder=HashingEmbedder(), progress=seen.append) as bot:
        answer = bot.ask("How much did the repairs by Tidewater Marine cost?")
        cited = [c for c in answer.citations if "86,200" in c.quote]
        assert cited and cited[0].page == 2 and cited[0].where == "report-scan.pdf, p. 2"
        shown = cited_page(bot.corpus, cited[0].source, cited[0].page, cited[0].start,
                           cited[0].end)
        assert shown.found and shown.boxes
    reading = [p.reading for p in seen if p.reading]
    assert reading == ["report-scan.pdf: OCR page 1 of 2", "report-scan.pdf: OCR page 2 of 2"]


def test_the_quote_is_highlighted_on_a_scanned_page(scan):
    shown = render_page(scan, 2, PAID)
    assert shown.found and len(shown.boxes) == 2  # the quote runs over two lines
    for left, top, right, bottom in shown.boxes:
        assert 0 <= left < right <= shown.width and 0 <= top < bottom <= shown.height
    assert 0.15 < shown.top < 0.35  # the second paragraph, below the first
    image = Image.open(io.BytesIO(shown.png)).convert("RGB")
    left, top, right, bottom = shown.boxes[0]
    row = int((top + bottom) / 2)
    assert HIGHLIGHT in {image.getpixel((x, row)) for x in range(int(left), int(right))}
    assert not render_page(scan, 2, "words that are on no page at all").found


# ---------------------------------------------------------------- images

def test_png_jpeg_and_a_multi_page_tiff_are_read(tmp_path):
    png = save_doc(NOTICE, tmp_path)
    doc = read_document(png)
    assert doc.format == "image" and doc.page_count == 1 and doc.title == "Notice to ferry passengers"
    assert "Bicycles are carried free of charge" in doc.text
    jpeg = tmp_path / "notice.jpg"
    small(NOTICE.pages[0]).save(jpeg, quality=85, dpi=(150, 150))
    assert "Dogs must be kept on a lead" in read_document(jpeg).text
    tiff = save_tiff(tmp_path / "survey.tiff", [small(p, columns=2) for p in SURVEY.pages], 150)
    doc = read_document(tiff)
    assert doc.page_count == 2 and [p[2] for p in doc.pages] == [1, 2]
    assert page_of(doc, doc.text.index("212 said the room was too cold")) == 2
    assert in_order(doc.text, "640 visitors", "quieter area", LIBRARIAN)  # column by column


def test_an_image_page_is_shown_with_the_quote_highlighted(tmp_path):
    tiff = save_tiff(tmp_path / "survey.tif", [small(p) for p in SURVEY.pages], 150)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "survey.tif").write_bytes(tiff.read_bytes())
    from assistant.corpus import load_corpus

    docs = load_corpus(corpus)
    doc = docs.get("survey.tif")
    start = doc.text.index("The heating will be replaced")
    shown = cited_page(docs, "survey.tif", 2, start, start + 60)
    assert shown.found and shown.boxes and shown.png.startswith(b"\x89PNG")
    with pytest.raises(ValueError, match="page must be"):
        render_page(tiff, 3)


# ---------------------------------------------------------------- bad input

def _png_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims width x height pixels (its data is one row): Pillow judges
    the size from the header, before decoding anything."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) +
            chunk(b"IDAT", zlib.compress(b"\x00" * (width + 1))) + chunk(b"IEND", b""))


@pytest.mark.parametrize("name, raw, message", [
    ("blank.png", None, IMAGE_NO_TEXT),
    ("cut.png", "truncated", r"^corrupt image \(it cannot be decoded: .*\); skipped$"),
    ("not-an-image.jpg", b"<html>a saved page with the wrong name</html>",
     r"^not an image Pillow can read \(corrupt, truncated or another format\); skipped$"),
    ("huge.png", _png_claiming(30_000, 30_000), r"^image too large to read .*megapixel limit"),
])
def test_bad_images_say_why(tmp_path, name, raw, message):
    if raw is None:
        buffer = io.BytesIO()
        Image.new("L", (800, 600), 255).save(buffer, "PNG")
        raw = buffer.getvalue()
    elif raw == "truncated":
        buffer = io.BytesIO()
        small(NOTICE.pages[0]).save(buffer, "PNG")
        raw = buffer.getvalue()[:len(buffer.getvalue()) // 2]
    with pytest.raises(ReadError, match=message if message != IMAGE_NO_TEXT else None) as err:
        read_document(tmp_path / name, raw)
    if message == IMAGE_NO_TEXT:
        assert str(err.value) == IMAGE_NO_TEXT


def test_a_scan_with_no_text_and_an_encrypted_pdf_say_why(tmp_path):
    with pytest.raises(ReadError) as err:
        read_document(F.scanned_pdf(tmp_path / "photo.pdf"))
    assert str(err.value) == PDF_NO_TEXT
    with pytest.raises(ReadError, match=r"^encrypted PDF \(password required\); skipped$"):
        read_document(F.encrypted_pdf(tmp_path / "locked.pdf"))


def test_each_bad_scan_is_skipped_with_its_reason_and_the_rest_is_indexed(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    save_doc(NOTICE, corpus)
    Image.new("L", (600, 400), 255).save(corpus / "blank.png")
    (corpus / "huge.png").write_bytes(_png_claiming(30_000, 30_000))
    (corpus / "cut.tif").write_bytes((save_doc(SURVEY, tmp_path)).read_bytes()[:5000])
    F.encrypted_pdf(corpus / "locked.pdf")
    with Assistant.load(corpus=corpus, index=tmp_path / "index", generator="extractive",
                        embedder=HashingEmbedder()) as bot:
        reasons = {s.path: s.reason for s in bot.corpus.skipped}
        assert [d.source for d in bot.documents] == ["ferry-notice.png"]
    assert reasons["blank.png"] == IMAGE_NO_TEXT
    assert reasons["huge.png"].startswith("image too large to read")
    assert "corrupt" in reasons["cut.tif"]
    assert reasons["locked.pdf"] == "encrypted PDF (password required); skipped"


def test_a_long_scan_is_read_one_page_at_a_time(tmp_path, caplog):
    blank = Image.new("L", (124, 175), 255)  # 15 dpi A4 pages: cheap to make
    path = scanned_pdf(tmp_path / "long.pdf", (blank for _ in range(20)))
    engine = ScriptedEngine()
    heard = []
    with ocr.using(engine), ocr.reporting(lambda *p: heard.append(p)), \
            caplog.at_level("INFO", logger="assistant.readers.ocr"):
        doc = read_document(path)
    assert engine.calls == 20 and doc.page_count == 20 and len(doc.pages) == 20
    assert engine.most_alive == 1  # each page's image was gone before the next was made
    assert heard == [("long.pdf", n, 20) for n in range(1, 21)]
    assert caplog.messages == ["OCR long.pdf: page 1 of 20", "OCR long.pdf: page 20 of 20"]


def test_the_cli_shows_the_page_being_ocrd(tmp_path, monkeypatch):
    from assistant import cli, core

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setattr(core, "LocalEmbedder", HashingEmbedder)
    term = Terminal()
    monkeypatch.setattr(sys, "stderr", term)
    png = save_doc(NOTICE, tmp_path)
    where = ["--corpus", str(tmp_path / "corpus"), "--index", str(tmp_path / "index")]
    assert cli.main(["add", str(png), *where]) == 0
    assert "reading ferry-notice.png: OCR page 1 of 1" in term.getvalue()


@pytest.mark.slow
def test_every_page_of_the_bench_documents_is_read(tmp_path):
    """The benchmark's documents as files: each reader reads each page (the facts the
    benchmark's questions ask about are there)."""
    for doc in DOCUMENTS:
        text = read_document(save_doc(doc, tmp_path)).text
        assert len(text) > 0.9 * sum(len(g) for _, g in doc_images(doc))
