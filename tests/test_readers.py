"""Readers on real files made by tests/fixtures_docs.py: PDF (pages, two columns, furniture,
hyphenation, ligatures, bad files), DOCX, HTML, Markdown and text; plus the layout rules as
tables and the registry."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import fixtures_docs as F
from assistant.readers import (BODY, FURNITURE, HEADING, LIST, TABLE, Extracted, ReadError,
                               page_of, read_document, register, section_of, supported_suffixes)
from assistant.readers import layout as L
from assistant.readers import pdf as P
from assistant.readers.base import KINDS

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("docs")
    made = {"report": F.report_pdf(d / "report.pdf"), "scanned": F.scanned_pdf(d / "scanned.pdf"),
            "encrypted": F.encrypted_pdf(d / "encrypted.pdf"), "corrupt": F.corrupt_pdf(d / "corrupt.pdf"),
            "policy": F.policy_docx(d / "policy.docx"), "notes": d / "notes.md"}
    made["notes"].write_text(F.NOTES_MD, encoding="utf-8")
    for name in F.HTML_PAGES:
        made[f"html-{name}"] = F.html_page(d / f"{name}.html", name)
    return made


@pytest.fixture(scope="module")
def report(files) -> Extracted:
    return read_document(files["report"])


def texts(x: Extracted, *kinds: str) -> list[str]:
    return [x.text[b.start:b.end] for b in x.blocks if not kinds or b.kind in kinds]


def block_at(x: Extracted, offset: int):
    return next(b for b in x.blocks if b.start <= offset < b.end)


def check_invariants(x: Extracted) -> None:
    """Blocks in order, non-overlapping, trimmed, covering every non-blank character; sections
    sorted and starting at headings; pages in order."""
    assert x.blocks, "no blocks"
    at = 0
    for b in x.blocks:
        assert b.kind in KINDS and at <= b.start < b.end <= len(x.text)
        assert not x.text[at:b.start].strip(), f"text outside any block: {x.text[at:b.start]!r}"
        assert x.text[b.start:b.end] == x.text[b.start:b.end].strip()
        assert (1 <= b.level <= 6) if b.kind == HEADING else b.level == 0
        at = b.end
    assert not x.text[at:].strip()
    starts = [s for s, _ in x.sections]
    assert starts == sorted(starts)
    heading_starts = {b.start for b in x.blocks if b.kind == HEADING}
    assert set(starts) <= heading_starts
    assert [p[0] for p in x.pages] == sorted(p[0] for p in x.pages)
    assert all(a <= b for a, b, _ in x.pages)


@pytest.mark.parametrize("name", ["report", "policy", "notes"] + [f"html-{n}" for n in F.HTML_PAGES])
def test_blocks_cover_the_text_in_order(files, name):
    check_invariants(read_document(files[name]))


# ---------------------------------------------------------------- PDF

def test_pdf_fact_is_on_page_two_in_one_paragraph(report):
    at = report.text.index(F.FACT)  # wrapped over two lines in the PDF, one sentence here
    assert page_of(report, at) == 2
    assert F.FACT in report.text[block_at(report, at).start:block_at(report, at).end]
    assert section_of(report, at) == f"{F.TITLE} › 2. Passengers and fares"
    assert [p[2] for p in report.pages] == [1, 2, 3, 4] and report.page_count == 4


def test_pdf_two_columns_come_out_column_by_column(report):
    left, right = report.text.index(F.LEFT_TEXT), report.text.index(F.RIGHT_TEXT)
    assert left < right
    assert page_of(report, left) == page_of(report, right) == 3
    assert block_at(report, left).kind == block_at(report, right).kind == BODY


def test_pdf_running_header_and_footer_are_furniture_only(report):
    body = "\n".join(texts(report, HEADING, BODY, LIST, TABLE))
    assert F.HEADER not in body and "Page " not in body and " of 4" not in body
    furniture = texts(report, FURNITURE)
    assert furniture.count(F.HEADER) == 4
    assert {f"Page {n} of 4" for n in range(1, 5)} <= set(furniture)
    for start, end, number in report.pages:  # each page's furniture is inside its own span
        assert f"Page {number} of 4" in report.text[start:end]


def test_pdf_hyphenation_ligatures_and_headings(report):
    text = report.text
    assert "useful information at the harbour office" in text and "infor-" not in text
    assert "is a well-known landmark" in text
    assert "deck was relaid last winter" in text
    assert "the financial year" in text and "ground floor" in text
    assert not any(0xFB00 <= ord(c) <= 0xFB06 for c in text)
    assert texts(report, HEADING) == [F.TITLE, "1. Ferry services", "2. Passengers and fares",
                                      "3. Piers", "4. Outlook"]
    assert [b.level for b in report.blocks if b.kind == HEADING] == [1, 2, 2, 2, 2]


def test_pdf_metadata(report):
    assert (report.format, report.title, report.author, report.date) == (
        "pdf", F.TITLE, "Harbour Trust Board", "2024-03-14")


@pytest.mark.parametrize("name, message", [
    ("scanned", "PDF has no text layer, and OCR found no text on its pages; skipped"),
    ("encrypted", "encrypted PDF (password required); skipped"),
    ("corrupt", "corrupt or truncated PDF; skipped"),
])
def test_bad_pdfs_say_why(files, name, message):
    with pytest.raises(ReadError) as err:
        read_document(files[name])
    assert str(err.value) == message


def test_a_file_that_is_not_a_pdf(tmp_path):
    with pytest.raises(ReadError, match=r"^not a PDF file \(no %PDF header\); skipped$"):
        read_document(tmp_path / "page.pdf", b"<html>saved with the wrong name</html>")


# ---------------------------------------------------------------- DOCX

def test_docx_headings_sections_lists_and_table(files):
    x = read_document(files["policy"])
    saturday = x.text.index("On Saturdays the central library closes at 4pm")
    assert section_of(x, saturday) == "Opening hours › Weekend hours"
    assert block_at(x, saturday).kind == BODY
    assert texts(x, TABLE) == ["Item: Late return per day | Adult: £0.25 | Child: free",
                               "Item: Lost card | Adult: £2.50 | Child: £1.00"]  # rows keep the header
    assert section_of(x, x.text.index("Lost card")) == "Charges"
    assert texts(x, LIST) == ["Self-service kiosks stay on until 6pm",
                              "Returns can be posted through the book drop"]
    assert [(b.level, x.text[b.start:b.end]) for b in x.blocks if b.kind == HEADING] == [
        (1, "Library opening policy"), (1, "Opening hours"), (2, "Weekend hours"), (1, "Charges")]
    assert "internal" not in x.text and "LIB-7" not in x.text  # page header and footer
    assert (x.format, x.title, x.author, x.date, x.pages) == (
        "docx", F.POLICY_TITLE, "Riverton Council", "2023-09-01", ())


@pytest.mark.parametrize("raw, message", [
    (b"PK\x03\x04 not really a zip", "corrupt or not a Word .docx file; skipped"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100),
     "password-protected Word file (or an old .doc saved as .docx); skipped"),
])
def test_bad_docx_says_why(tmp_path, raw, message):
    with pytest.raises(ReadError) as err:
        read_document(tmp_path / "bad.docx", raw)
    assert str(err.value) == message


# ---------------------------------------------------------------- HTML

@pytest.mark.parametrize("name", list(F.HTML_PAGES))
def test_html_main_content_only(files, name):
    page = F.HTML_PAGES[name]
    x = read_document(files[f"html-{name}"])
    content = " ".join(" ".join(texts(x, HEADING, BODY, LIST, TABLE)).split())
    for sentence in page["gold"]:
        assert sentence in content
    for junk in page["furniture"]:  # navigation, banners, sidebars, footers, scripts
        assert junk not in x.text
    assert [t for t in texts(x, HEADING)] == page["headings"]
    assert (x.format, x.title, x.date, x.author) == (
        "html", page["title"], page.get("date"), page.get("author"))


def test_html_sections(files):
    x = read_document(files["html-help"])
    at = x.text.index("The central library opens on the first Sunday")
    assert section_of(x, at) == "Opening hours › Weekend hours › Sunday events"
    x = read_document(files["html-news"])
    at = x.text.index("Repairs to the south pier will cost")
    assert section_of(x, at) == "Ferry fares frozen for a second year › Repairs to the south pier"
    assert block_at(x, x.text.index("Fuel deliveries")).kind == LIST


def test_html_with_no_text(tmp_path):
    with pytest.raises(ReadError, match="^HTML page has no main text; skipped$"):
        read_document(tmp_path / "empty.html", b"<html><body><nav>Home</nav><script>x=1</script></body></html>")


# ---------------------------------------------------------------- Markdown and text

def test_markdown_keeps_the_text_and_its_headings(files):
    x = read_document(files["notes"])
    assert x.text == F.NOTES_MD  # verbatim, markup included
    assert section_of(x, x.text.index("free lunch")) == "Volunteer handbook › Shifts › Weekend shifts"
    assert section_of(x, x.text.index("Tours start")) == "Volunteer handbook › Tours"  # setext
    assert section_of(x, x.text.index("Wear your badge")) == "Volunteer handbook › Safety"
    assert [(b.level, x.text[b.start:b.end]) for b in x.blocks if b.kind == HEADING] == [
        (1, "# Volunteer handbook"), (2, "## Shifts"), (3, "### Weekend shifts"),
        (2, "Tours\n-----"), (2, "## Safety")]
    assert block_at(x, x.text.index("# not a heading")).kind == BODY  # inside fenced code
    assert block_at(x, x.text.index("Wear your badge")).kind == LIST
    assert (x.format, x.title) == ("markdown", "Volunteer handbook")


def test_markdown_front_matter_is_metadata_and_furniture(tmp_path):
    raw = b"---\ntitle: Minutes\ndate: 2024-05-01\nauthor: Clerk\n---\n\n# Meeting\n\nWe met.\n"
    x = read_document(tmp_path / "m.md", raw)
    assert (x.title, x.date, x.author) == ("Minutes", "2024-05-01", "Clerk")
    assert x.blocks[0].kind == FURNITURE and texts(x, HEADING, BODY) == ["# Meeting", "We met."]


def test_text_is_untouched_with_a_block_per_line(tmp_path):
    raw = "Headline here\r\n\r\n  First paragraph.  \nSecond – in Windows-1252.\n".encode("cp1252")
    x = read_document(tmp_path / "a.txt", raw)
    assert x.text == raw.decode("cp1252") and x.encoding == "cp1252"
    assert texts(x) == ["Headline here", "First paragraph.", "Second – in Windows-1252."]
    assert {b.kind for b in x.blocks} == {BODY} and x.sections == () and x.pages == ()


@pytest.mark.parametrize("raw, message", [(b"", "empty file; skipped"),
                                          (b"abc\x00def", "binary file (NUL bytes); skipped")])
def test_unreadable_text(tmp_path, raw, message):
    with pytest.raises(ReadError, match=f"^{message}".replace("(", r"\(").replace(")", r"\)")):
        read_document(tmp_path / "a.txt", raw)


# ---------------------------------------------------------------- registry

def test_registry_and_unsupported_types(tmp_path):
    assert {".pdf", ".docx", ".html", ".htm", ".md", ".txt"} <= supported_suffixes()
    for name, message in [("slides.xyz", "unsupported file type .xyz; skipped"),
                          ("README", "unsupported file type (no extension); skipped")]:
        with pytest.raises(ReadError) as err:
            read_document(tmp_path / name, b"data")
        assert str(err.value) == message
    with pytest.raises(ReadError, match=r"^cannot be read \("):
        read_document(tmp_path / "missing.pdf")


def test_a_registered_reader_and_its_surprises(tmp_path):
    def broken(raw: bytes, name: str) -> Extracted:
        raise ValueError("bad cell")

    register(".csv", broken)
    assert ".csv" in supported_suffixes()
    with pytest.raises(ReadError, match=r"^could not be read as CSV \(ValueError: bad cell\); skipped$"):
        read_document(tmp_path / "t.csv", b"a,b")


def test_importing_readers_loads_no_format_library():
    code = ("import sys, assistant.readers; "
            "print([m for m in ('pypdfium2', 'docx', 'trafilatura', 'markdown_it') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# ---------------------------------------------------------------- layout rules

@pytest.mark.parametrize("lines, joined", [
    (["useful infor-", "mation at the desk"], "useful information at the desk"),
    (["a well-", "known landmark"], "a well-known landmark"),
    (["from 2015-", "2018 onwards"], "from 2015-2018 onwards"),
    (["the Anglo-", "Saxon kings"], "the Anglo-Saxon kings"),
    (["was re-", "laid"], "was relaid"),
    (["we co-", "operate", "as co-operate says"], "we co-operate as co-operate says"),
    (["a dash -", "then more"], "a dash - then more"),
    (["no hyphen", "here"], "no hyphen here"),
])
def test_join_lines(lines, joined):
    assert L.join_lines(lines, L.Vocabulary(lines)) == joined


@pytest.mark.parametrize("text, furniture", [
    ("3", True), ("Page 3 of 10", True), ("- 12 -", True), ("iv", True), ("12 / 40", True),
    ("3. Piers", False), ("Chapter 3", False), ("civil", False),
])
def test_page_numbers_are_furniture(text, furniture):
    page = [L.Piece(72, 500, 300, 510, 10, "Body text line one"), L.Piece(72, 30, 90, 40, 10, text)]
    assert (L.furniture_key(text) in L.furniture_keys([page])) is furniture


def piece(x, y, text, size=10.0):
    return L.Piece(x, y, x + 6 * len(text), y + size, size, text)


def test_reading_order_columns_versus_table_rows():
    columns = [piece(x, 700 - 14 * i, f"{side} column line {i} has words") for i in range(4)
               for x, side in ((72, "left"), (320, "right"))]  # drawn interleaved
    order = [p.text for p in L.reading_order(columns)]
    assert order == [f"left column line {i} has words" for i in range(4)] + \
                    [f"right column line {i} has words" for i in range(4)]
    table = [piece(x, 700 - 14 * i, cell) for i in range(3) for x, cell in ((72, f"Item {i}"), (320, f"£{i}"))]
    assert [p.text for p in L.reading_order(table)] == ["Item 0 £0", "Item 1 £1", "Item 2 £2"]


def test_paragraph_breaks():
    lines = [piece(72, 700, "A first line that runs on and on and on and on"),
             piece(72, 686, "and ends short."),
             piece(72, 672, "A new paragraph starts after a short last line"),
             piece(72, 658, "• a bullet item"),
             piece(72, 620, "After a wide gap.")]
    assert [len(p) for p in L.paragraphs(lines)] == [2, 1, 1, 1]


def test_pdf_messages_are_the_documented_ones():
    assert P.NO_TEXT.startswith("PDF has no text layer") and P.ENCRYPTED.startswith("encrypted PDF")
