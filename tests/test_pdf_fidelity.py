"""PDFs read whole (issue 26): a browser-printed PDF without doubled letters, running heads and
footers kept out of the body, a sentence over a page break read as one, footnote marks kept in
their sentence, and a title and date that are right or absent, never wrong.

tests/data/harbour-trust.pdf is Chromium's "Save as PDF" of tests/data/harbour-trust.html
(tests/data/README.md says how it was made); the typeset book is drawn here with reportlab."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

import fixtures_docs as F
from assistant.readers import BODY, FURNITURE, HEADING, LIST, page_of, read_document
from assistant.readers import layout as L
from assistant.readers import pdf_chars as C
from assistant.readers import pdf_meta as M

DATA = Path(__file__).with_name("data")
BROWSER_PDF = DATA / "harbour-trust.pdf"
WORD = re.compile(r"[\w'’-]+")


def body(x) -> str:
    return "\n".join(x.text[b.start:b.end] for b in x.blocks if b.kind in (BODY, HEADING, LIST))


def block_holding(x, needle: str):
    at = x.text.index(needle)
    return next(b for b in x.blocks if b.start <= at < b.end)


# ---------------------------------------------------------------- a browser's "Save as PDF"

@pytest.fixture(scope="module")
def printed():
    return read_document(BROWSER_PDF)


def test_browser_printed_pdf_reads_every_word_once(printed):
    html = (DATA / "harbour-trust.html").read_text(encoding="utf-8")
    shown = re.sub(r"<(style|title)>.*?</\1>|<[^>]+>", " ", html, flags=re.S)
    assert Counter(WORD.findall(body(printed))) == Counter(WORD.findall(shown))
    text = body(printed)
    for said in ("Harbour Trust annual notes", "Keeper: Tom Reyes.", "the slipway.",
                 "at the office."):
        assert said in text
    assert not re.search(r"(\w{2,})\1\b", text.replace("the the", ""))  # TrTrust, slipway.y.


def test_browser_header_and_footer_are_furniture_on_every_page(printed):
    assert [n for _, _, n in printed.pages] == [1, 2]
    for start, end, number in printed.pages:
        furniture = [printed.text[b.start:b.end] for b in printed.blocks
                     if b.kind == FURNITURE and start <= b.start < end]
        assert f"{number}/2" in furniture
        assert any(f.startswith("file://") for f in furniture)
        assert "Harbour Trust annual notes" in furniture  # the page title, printed in the header
    assert "file://" not in body(printed) and "AM" not in body(printed).split()


def test_sentence_over_the_page_break_is_one_paragraph(printed):
    first, second = "The winter storms of the last year", "and only when the swell allowed them"
    block = block_holding(printed, first)
    assert block is block_holding(printed, second)
    assert "stone by stone, working only at low water and only when the swell" in printed.text
    assert page_of(printed, printed.text.index(first)) == 1
    assert page_of(printed, printed.text.index(second)) == 2
    spans = [(a, b) for a, b, _ in printed.pages]
    assert spans[0][1] <= spans[1][0] and block.start < spans[1][0] < block.end


def test_browser_print_date_is_not_the_document_date(printed):
    assert printed.title == "Harbour Trust annual notes"
    assert printed.date is None  # the day it was printed, not the day it was written


def test_highlight_finds_the_second_page_part_of_a_joined_paragraph(printed):
    from assistant.pages import render_page

    lo, hi, _ = printed.pages[1]
    at = printed.text.index("and only when the swell")
    quote = printed.text[at:min(hi, at + 120)]
    assert render_page(BROWSER_PDF, 2, quote).found


# ---------------------------------------------------------------- a typeset book

BOOK_TITLE = "Tide Tables of Gull Island"
HEADS = {2: "Chapter one: Boats", 3: "Chapter one: Boats"} | {
    n: "Chapter two: Piers" for n in range(4, 9)}
PAGE_LINES = {
    1: ["The harbour office publishes the tide tables every spring.|The harbour",  # | the mark
        "master keeps a copy of the tables in a locked drawer, and he lends it to",
        "anyone who asks at the office, but the printed copies are kept in the"],
    2: ["reading room of the library on the quay, where visitors may consult them",
        "during opening hours."],
}


def _book(path: Path, meta_title: str, creator: str | None = None) -> Path:
    """Eight pages: the title on page 1, a sentence running on to page 2, a footnote and its
    mark on page 1, page numbers, and running heads of a 2-page and a 5-page chapter."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    c = F._canvas(str(path), title=meta_title, author="Gull Island Trust")
    if creator:
        c.setCreator(creator)
    for number in range(1, 9):
        if number in HEADS:
            c.setFont("Vera", 9)
            c.drawString(F.MARGIN, F.PAGE_H - 40, HEADS[number])
        y = F.PAGE_H - 90
        if number == 1:
            c.setFont("VeraBd", 20)
            c.drawString(F.MARGIN, y, BOOK_TITLE)
            y -= 40
        lines = PAGE_LINES.get(number, [
            f"Page {number} tells of the boats and piers of the island.",
            "Every crossing is logged in the harbour office book."])
        c.setFont("Vera", 11)
        for line in lines:
            before, _, after = line.partition("|")
            c.drawString(F.MARGIN, y, before)
            if after:  # a footnote mark, raised and smaller, then the line goes on
                x = F.MARGIN + stringWidth(before, "Vera", 11) + 1
                c.setFont("Vera", 7)
                c.drawString(x, y + 4, "1")
                c.setFont("Vera", 11)
                c.drawString(x + 7, y, after)
            y -= 15
        if number == 1:
            c.setFont("Vera", 8)
            c.drawString(F.MARGIN, 70, "1 The tables give the times of high and low water.")
        c.setFont("Vera", 9)
        c.drawCentredString(F.PAGE_W / 2, 40, str(number))
        c.showPage()
    c.save()
    return path


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    path = _book(tmp_path_factory.mktemp("book") / "tides.pdf", "Microsoft Word - tides.doc")
    return read_document(path)


def test_running_heads_of_short_chapters_are_furniture(book):
    text = body(book)
    assert "Chapter one" not in text and "Chapter two" not in text
    for number in range(2, 9):
        start, end, _ = next(p for p in book.pages if p[2] == number)
        furniture = [book.text[b.start:b.end] for b in book.blocks
                     if b.kind == FURNITURE and start <= b.start < end]
        assert HEADS[number] in furniture and str(number) in furniture


def test_typeset_sentence_over_the_page_break_and_its_footnote(book):
    sentence = ("but the printed copies are kept in the reading room of the library on the "
                "quay, where visitors may consult them during opening hours.")
    assert sentence in book.text
    at = book.text.index("reading room")
    assert page_of(book, at) == 2 and page_of(book, book.text.index("locked drawer")) == 1
    assert "every spring. 1 The harbour master" in book.text  # the mark stays in its sentence
    footnote = block_holding(book, "The tables give the times")
    assert page_of(book, footnote.start) == 1 and footnote.end < at


def test_junk_metadata_title_gives_way_to_the_text_title(book, tmp_path):
    assert book.title == BOOK_TITLE
    assert book.date == "2024-03-14"  # typeset by its own tool: the day it was made
    kept = read_document(_book(tmp_path / "Tide notes.pdf", "Tide notes"))
    assert kept.title == "Tide notes"  # the file's own name, chosen by someone
    printed = read_document(_book(tmp_path / "p.pdf", "Tide Tables",
                                  creator="Mozilla/5.0 HeadlessChrome/156.0.0.0 Safari/537.36"))
    assert printed.date is None


@pytest.mark.parametrize("given, junk", [
    ("Microsoft Word - report.doc", True), ("untitled", True), ("Name", True),
    ("Document1", True), ("C:\\work\\report.pdf", True), ("draft.tex", True), ("1234", True),
    ("Annual report 2024", False), ("secrets — Generate secure random numbers", False),
])
def test_junk_titles(given, junk):
    assert M._is_junk(given) is junk


# ---------------------------------------------------------------- characters and marks

@pytest.mark.parametrize("raw, clean", [
    ("Andreas Gr\u00a8unbacher", "Andreas Grünbacher"),  # TeX sets the accent before its letter
    ("caf\u00b4e", "café"),
    ("cd ~user && echo ^C", "cd ~user && echo ^C"),  # ASCII in code is left alone
    ("infor\x02", "infor-"),  # PDFium's line-end hyphen mark
    ("ﬁnal ﬂoor", "final floor"),
])
def test_clean_text(raw, clean):
    assert C.clean_text(raw) == clean


def test_a_raised_mark_on_a_line_of_its_own_joins_the_line():
    line = L.Piece(72, 700, 400, 711, 11, "apply all preceding patches.")
    mark = L.Piece(401, 706, 405, 712, 7, "1")
    note = L.Piece(72, 80, 76, 86, 6, "2")
    text = L.Piece(78, 78, 300, 86, 8, "The copies can be hard-linked.")
    assert C.attach_marks([line, mark, note, text]) == [
        line._replace(x1=405, text="apply all preceding patches. 1"),
        text._replace(x0=72, text="2 The copies can be hard-linked.")]


@pytest.mark.parametrize("lines, joined", [
    (["see http://savannah.nongnu.org/projects/", "quilt/ for more"],
     "see http://savannah.nongnu.org/projects/quilt/ for more"),
    (["placed in /var/cache/man/", "cat1 when formatted"],
     "placed in /var/cache/man/cat1 when formatted"),
    (["either input /", "output"], "either input / output"),
    (["the logical end-of-", "stream markers"], "the logical end-of-stream markers"),
    (["useful infor-", "mation"], "useful information"),
    (["at http://lwn.net/", "Articles/13518/"], "at http://lwn.net/Articles/13518/"),
    (["at http://savannah.nongnu.", "org/projects"], "at http://savannah.nongnu.org/projects"),
    (["see http://example.org.", "The next"], "see http://example.org. The next"),
    (["ends in a path /usr/", "Then a sentence"], "ends in a path /usr/ Then a sentence"),
])
def test_join_lines_keeps_a_broken_address_whole(lines, joined):
    assert L.join_lines(lines, L.Vocabulary(lines)) == joined


def test_furniture_keys_find_a_chapter_head_on_two_pages_of_many():
    def page(head: str | None, n: int):
        words = "ferry pier boat quay tide slip berth buoy crane net".split()
        lines = [L.Piece(72, 700 - 20 * i, 500, 711 - 20 * i, 11,
                         f"The {words[(n + i) % 10]} is next to the {words[(n * 3 + i) % 10]}.")
                 for i in range(5)]
        return ([L.Piece(72, 780, 200, 789, 9, head)] if head else []) + lines

    pages = [page(None, 1), page("Boats", 2), page("Boats", 3)]
    pages += [page("Piers", n) for n in range(4, 10)]
    keys = L.furniture_keys(pages)
    assert {"boats", "piers"} <= keys
    assert not any(k.startswith("the ") for k in keys)


# ---------------------------------------------------------------- pages written as one text

def _page(*paras: tuple[float, list[str]], number: int = 1) -> list[L.Piece]:
    """Paragraphs of 11 pt lines (or the size given) from the top, and a page number."""
    out, y = [], 700.0
    for size, lines in paras:
        for line in lines:
            out.append(L.Piece(72, y, 72 + 5.5 * len(line), y + size, size, line))
            y -= size * 1.4
        y -= 14
    return out + [L.Piece(290, 40, 296, 49, 9, str(number))]


@pytest.mark.parametrize("end, start, joined", [
    ("visitors can find useful infor-", "mation at the harbour office.", True),
    ("the ferry leaves the north quay and", "reaches the island at noon.", True),
    ("the ferry leaves the north quay,", "Monday to Friday, at noon.", True),
    ("the ferry leaves the north quay at noon.", "The island has two piers.", False),
    ("the crossing takes an hour", "Timetables are at the office.", False),
])
def test_a_paragraph_goes_on_over_a_page_break(end, start, joined):
    from assistant.readers.pdf_flow import lay_out

    first = ["This paragraph describes the harbour ferry in a few long lines, and", end]
    x = lay_out([_page((11, first)), _page((11, [start, "A last line to end the page."]), number=2)])
    page_two = x.text.index(start.split()[0], x.pages[1][0] - 1)
    if joined:
        block = block_holding(x, "This paragraph")
        assert block.start < x.pages[1][0] < block.end  # one block, split between the pages
        assert page_of(x, page_two) == 2 and page_of(x, block.start) == 1
        assert "information at the harbour" in x.text or "infor-" not in end
    else:
        assert block_holding(x, "This paragraph") is not block_holding(x, start)
    assert [n for _, _, n in x.pages] == [1, 2]
    assert x.pages[0][1] <= x.pages[1][0]
    assert "2" not in body(x).split()  # the page numbers are furniture


def test_a_heading_at_the_top_of_the_next_page_is_not_joined():
    from assistant.readers.pdf_flow import lay_out

    x = lay_out([_page((11, ["A paragraph that stops without a full stop and"])),
                 _page((16, ["fares and tickets"]), (11, ["The fares rose this year."]), number=2)])
    assert x.text[block_holding(x, "fares and tickets").start:].startswith("fares")
    assert block_holding(x, "fares and tickets").kind == HEADING
