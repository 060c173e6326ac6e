"""Tables keep their header: rows as text (`readers/tables.py`), PDF table geometry
(`readers/pdf_tables.py`), each format's reader on real files made by `evals/table_docs.py`, a
row as one sentence, the quote of a cell's answer, and a huge table."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.readers import FURNITURE, HEADING, TABLE, page_of, read_document, section_of
from assistant.readers import pdf_tables as PT
from assistant.readers.layout import Piece
from assistant.readers.tables import make_grid, row_texts
from evals import huge_table as H
from evals import table_docs as T
from evals.tables_bench import rows_of, score


def rows(grid_rows, **kw) -> list[str]:
    return [text for _, text in row_texts(make_grid(grid_rows, **kw))]


def tables(x) -> list[str]:
    return [x.text[b.start:b.end] for b in x.blocks if b.kind == TABLE]


# ---------------------------------------------------------------- rows as text

def test_each_row_names_its_values_by_the_header():
    assert rows([["Year", "Revenue", "Staff"], ["2022", "16.1", "198"], ["2023", "18.4", "214"]]) == [
        "Year: 2022 | Revenue: 16.1 | Staff: 198", "Year: 2023 | Revenue: 18.4 | Staff: 214"]


def test_empty_cells_ragged_rows_and_cells_beyond_the_header():
    table = [["Plot", "Holder", "Rent"], ["B2", "Kit Lowe", ""], ["B3"], ["C1", "Al Roe", "30", "late"],
             ["", "", ""]]
    assert rows(table) == ["Plot: B2 | Holder: Kit Lowe", "Plot: B3",
                           "Plot: C1 | Holder: Al Roe | Rent: 30 | late"]


@pytest.mark.parametrize("table, header", [
    ([["2022", "16.1", "198"], ["2023", "18.4", "214"]], False),  # figures: no header row
    ([["Item", "2022", "2023"], ["Ferry", "16.1", "18.4"]], True),  # years name columns
    ([["Name", "", "", ""], ["Ann", "1", "2", "3"]], False),  # mostly empty: not names
    ([["Only row", "of a table"]], False),
])
def test_which_first_rows_are_a_header(table, header):
    assert make_grid(table).header_rows == header


def test_a_spanning_cell_is_written_once_and_two_header_rows_make_paths():
    grid = [["Region", "Visitors", "Visitors"], ["Region", "2022", "2023"],
            ["North", "not counted", "not counted"]]
    assert rows(grid, spans={(0, 2), (2, 2)}) == [
        "Region: North | Visitors › 2022 / Visitors › 2023: not counted"]


def test_a_table_of_one_row_is_written_as_it_is():
    assert rows([["Opening hours", "9am to 5pm"]]) == ["Opening hours | 9am to 5pm"]


@pytest.mark.parametrize("row", [
    "Year: 2023 | Revenue (£m): 18.4 | Staff: 214",
    "Ward: St. Mary's | Beds: 12 | Cost: £2.50",
    "Notes: Replanted after the storm. | Trees: 420",
    "Route: 12 | First bus: 06:10 | Share: 12.5%",
    "Company: Acme Inc. | Founded: 1999 | Founder: J. R. Smith",
])
def test_a_row_is_one_sentence(row):
    """A table row is one sentence of the index, whatever full stops its cells hold."""
    from assistant.chunking import chunk_document
    from assistant.types import ROW, Document, DocumentMeta, Span

    doc = Document(DocumentMeta("t.docx", "t"), row, (Span(0, len(row), ROW),))
    [chunk] = chunk_document(doc)
    assert [(s.start, s.end) for s in chunk.sentences] == [(0, len(row))]


# ---------------------------------------------------------------- each format, real files

@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("tables")
    return {name: T.build(name, folder) for name in T.CASES}


@pytest.mark.parametrize("name", list(T.CASES))
def test_every_cell_comes_out_under_its_column(built, name):
    x = read_document(built[name])
    result = score(T.CASES[name], rows_of(x))
    assert result["found"] == result["cells"], result
    assert result["rows_out"] == len(T.CASES[name].rows)
    for b in x.blocks:  # blocks in order, trimmed, each row one line
        assert x.text[b.start:b.end] == x.text[b.start:b.end].strip()
        if b.kind == TABLE:
            assert "\n" not in x.text[b.start:b.end]


def test_pdf_tables_stand_where_they_are_in_reading_order(built):
    x = read_document(built["pdf-ruled"])
    kinds = [b.kind for b in x.blocks]
    assert kinds == [HEADING, "body"] + [TABLE] * 5 + ["body"]
    assert tables(x)[0] == ("Orchard: Hillside | Trees: 420 | Apples (t): 61.5 | Pears (t): 12.0 | "
                            "Notes: Replanted in 2019 after the storm damaged the older trees")  # 2 lines
    x = read_document(built["pdf-columns"])  # a table across a two-column page
    kinds = [b.kind for b in x.blocks]
    assert kinds == [HEADING, "body", "body"] + [TABLE] * 5 + ["body", "body"]


@pytest.mark.parametrize("name", ["pdf-two-page", "pdf-two-page-unruled"])
def test_a_table_over_two_pages_keeps_its_header_on_the_second(built, name):
    x = read_document(built[name])  # the ruled one repeats its header; the unruled one does not
    blocks = [b for b in x.blocks if b.kind == TABLE]
    assert {page_of(x, b.start) for b in blocks} == {1, 2}
    last = x.text[blocks[-1].start:blocks[-1].end]
    assert last == ("Station: Juniper Bay | Month: December | Rain (mm): 57 | Sunshine (h): 193 | "
                    "Max temp (C): 7.1")
    assert not any(x.text[b.start:b.end].startswith("Station | ") for b in x.blocks)


def test_markdown_rows_stay_verbatim_with_their_header_as_section(built):
    x = read_document(built["markdown"])
    text = built["markdown"].read_text(encoding="utf-8")
    assert x.text == text
    row = text.index("| B1 | Raj Patel")
    assert section_of(x, row) == "Allotments › Plot | Holder | Size (m2) | Rent (£) | Water"
    assert section_of(x, text.index("Rent is due")) == "Allotments"  # the heading path again
    assert section_of(x, text.index("| Plot |")) == "Allotments"  # the header line itself
    delimiter = next(b for b in x.blocks if x.text[b.start:b.end].startswith("|---"))
    assert delimiter.kind == FURNITURE


def test_docx_merged_cells_nested_tables_and_unmarked_headers(tmp_path):
    import docx

    d = docx.Document()
    t = d.add_table(rows=4, cols=3)
    for r, cells in enumerate([["Pier", "Length (m)", "Notes"], ["North", "120", ""],
                               ["South", "95", ""], ["East", "not measured", ""]]):
        for c, value in enumerate(cells):
            t.cell(r, c).text = value
    t.cell(1, 2).merge(t.cell(2, 2)).text = "Rebuilt in 1998"  # spans two rows
    t.cell(3, 1).merge(t.cell(3, 2)).text = "not measured"  # spans two columns
    inner = t.cell(3, 0).add_table(rows=2, cols=2)  # a table inside a cell
    for r, cells in enumerate([["Lamp", "Watts"], ["LED", "40"]]):
        for c, value in enumerate(cells):
            inner.cell(r, c).text = value
    d.save(str(tmp_path / "piers.docx"))
    assert tables(read_document(tmp_path / "piers.docx")) == [
        "Pier: North | Length (m): 120 | Notes: Rebuilt in 1998",
        "Pier: South | Length (m): 95 | Notes: Rebuilt in 1998",
        "Pier: East | Length (m) / Notes: not measured",
        "Lamp: LED | Watts: 40"]


def test_html_caption_unmarked_header_and_figures(tmp_path):
    page = tmp_path / "page.html"
    page.write_text("""<html><body><article><h1>Piers</h1><p>The harbour has three piers, and this page
    lists them with their lengths and the year each was last repaired.</p>
    <table><caption>Piers and lengths</caption><tr><td>Pier</td><td>Length (m)</td></tr>
    <tr><td>North</td><td>120</td></tr><tr><td>South</td><td>95</td></tr></table>
    <table><tr><td>2021</td><td>14.5</td></tr><tr><td>2022</td><td>15.0</td></tr></table>
    <table><caption>A table with nothing in it</caption><tr><td></td><td></td></tr></table>
    </article></body></html>""", encoding="utf-8")
    x = read_document(page)
    body = [x.text[b.start:b.end] for b in x.blocks if b.kind == "body"]
    assert "Piers and lengths" in body and "A table with nothing in it" in body
    assert tables(x) == ["Pier: North | Length (m): 120", "Pier: South | Length (m): 95",
                         "2021 | 14.5", "2022 | 15.0"]


# ---------------------------------------------------------------- PDF geometry, as tables

def piece(x0, y, text, size=10.0, width=None):
    return Piece(x0, y, x0 + (width or 5.5 * len(text)), y + 7, size, text)


def test_a_ruled_grid_with_a_missing_line_merges_cells():
    xs, ys = [50, 150, 250, 350], [700, 680, 660, 640]
    rules = [PT.Rule(50, y, 350, y) for y in ys]
    rules += [PT.Rule(x, 640, x, 700) for x in (50, 150, 350)]
    rules += [PT.Rule(250, 660, 250, 700)]  # not in the last row: its cells 2 and 3 are one
    pieces = [piece(55, 685, "Pier"), piece(155, 685, "Length"), piece(255, 685, "Notes"),
              piece(55, 665, "North"), piece(155, 665, "120"), piece(255, 665, "Rebuilt"),
              piece(55, 645, "East"), piece(200, 645, "not measured")]
    [table] = PT.find_tables(pieces, rules)
    assert table.used == frozenset(range(len(pieces)))
    assert [t for _, t in row_texts(table.grid)] == [
        "Pier: North | Length: 120 | Notes: Rebuilt", "Pier: East | Length / Notes: not measured"]


def test_whitespace_columns_with_a_cell_in_two_lines_beside_a_centred_value():
    lines = [[(60, "Orchard"), (160, "Trees"), (260, "Notes")],
             [(60, "Hillside"), (160, "420"), (260, "Organic")],
             [(260, "Replanted after")], [(60, "Old Mill"), (160, "150"), (260, "the storm")],
             [(60, "Long Acre"), (160, "505"), (260, "Frost")]]
    ys = [700, 682, 664, 654, 636]
    pieces = [piece(x, y, text) for line, y in zip(lines, ys) for x, text in line]
    [table] = PT.find_tables(pieces, [])
    assert [t for _, t in row_texts(table.grid)] == [
        "Orchard: Hillside | Trees: 420 | Notes: Organic",
        "Orchard: Old Mill | Trees: 150 | Notes: Replanted after the storm",
        "Orchard: Long Acre | Trees: 505 | Notes: Frost"]


def test_two_columns_of_prose_and_a_bulleted_list_are_not_tables():
    left = ["The north pier was rebuilt in", "with timber from the old", "warehouse and its deck",
            "was relaid last winter when", "the lamps were replaced too."]
    right = ["The south pier carries the fuel", "pipeline and is closed to the", "public since",
             "a survey in June found cracks", "in two of its concrete piles."]
    prose = [p for k, (a, b) in enumerate(zip(left, right))
             for p in (piece(60, 700 - 12 * k, a, width=200), piece(300, 700 - 12 * k, b, width=200))]
    assert PT.find_tables(prose, []) == []
    narrow = [("were replaced with LED", "concrete piles and repairs"),
              ("lights and anglers may", "will cost about £180,000"),
              ("fish from the end", "and work starts in"), ("of the north pier", "October next year")]
    short = [p for k, (a, b) in enumerate(narrow)  # no line of 5 words: no column of short cells
             for p in (piece(60, 700 - 12 * k, a, width=120), piece(300, 700 - 12 * k, b, width=120))]
    assert PT.find_tables(short, []) == []
    bullets = [p for k in range(4)
               for p in (piece(60, 700 - 14 * k, "•"),
                         piece(80, 700 - 14 * k, "Wear your badge at all times."))]
    assert PT.find_tables(bullets, []) == []


def test_a_table_goes_after_the_text_above_it_and_a_continued_one_takes_the_header():
    above, below = [piece(60, 760, "Intro text above the table.")], [piece(60, 500, "After the table.")]
    grid = make_grid([["Year", "Rain"], ["2022", "70"]])
    table = PT.PageTable(100, 600, 400, 700, grid, frozenset())
    assert PT.interleave([above, below], [table]) == [above, table, below]
    follow = PT.PageTable(100, 600, 400, 800, make_grid([["2023", "85"], ["2024", "64"]]), frozenset())
    carried = PT.carry_header(table, follow)
    assert [t for _, t in row_texts(carried.grid)] == ["Year: 2023 | Rain: 85", "Year: 2024 | Rain: 64"]
    assert PT.carry_header(None, follow) is follow


# ---------------------------------------------------------------- indexing and answering

def test_a_row_is_one_sentence_when_chunked(built):
    from assistant.chunking import layout
    from assistant.corpus import read_file

    for name in ("docx", "pdf-ruled", "markdown"):
        path = built[name]
        doc, why = read_file(path, path.name)
        x = read_document(path)
        lay = layout(doc)
        sentences = {(lay.starts[i], lay.ends[i]) for i in range(lay.sentences)}
        rows_ = [(b.start, b.end) for b in x.blocks if b.kind == TABLE]
        assert rows_ and set(rows_) <= sentences, (name, why)


def test_the_quote_of_a_cells_answer_shows_its_header(built, tmp_path, fake_embedder):
    import shutil

    from assistant import Assistant

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("docx", "html", "pdf-unruled"):
        shutil.copy(built[name], corpus)
    bot = Assistant.load(corpus=corpus, index=tmp_path / "index", generator="extractive",
                         embedder=fake_embedder)
    try:
        for question, quote in [
            ("How many visitors did the Lifeboat House have in 2023?", "Visitors › 2023: 13,450"),
            ("Who manages the Eastgate branch library?", "Manager: Owen Hart"),
            ("When was the Black Rock lighthouse built?", "Built: 1872"),
        ]:
            answer = bot.ask(question)
            cited = [c for c in answer.citations if quote in c.quote]
            assert cited, (question, answer.text)
            c = cited[0]
            assert bot.source_text(c.source)[c.start:c.end] == c.quote  # verbatim
    finally:
        bot.close()


# ---------------------------------------------------------------- a huge table

@pytest.mark.timeout(240)
@pytest.mark.parametrize("fmt, n", [("docx", 5000), ("md", 1000), ("html", 1000)])
def test_a_huge_table_comes_out_whole(tmp_path, fmt, n):
    """5,000 rows x 20 columns of Word: a reader that looks merged cells up again per cell
    (python-docx's row.cells) would not finish; every row comes out whole with its header."""
    x = read_document(H.huge(fmt, tmp_path / f"huge.{fmt}", n, 20))
    got = rows_of(x)
    names = ["Row"] + [f"Col {c}" for c in range(1, 20)]
    assert len(got) == n
    for i in (1, n // 2, n):
        assert got[i - 1] == {name: H.huge_cell(i, c) for c, name in enumerate(names)}


def test_the_cited_page_highlights_a_table_row(built):
    from assistant import render_page

    x = read_document(built["pdf-two-page"])
    rows_ = [b for b in x.blocks if b.kind == TABLE]
    for b in (rows_[0], rows_[-1]):  # the names a row carries are not beside its values on the page
        image = render_page(built["pdf-two-page"], page_of(x, b.start), x.text[b.start:b.end])
        assert image.found and len(image.boxes) >= 5  # one box per cell at least
