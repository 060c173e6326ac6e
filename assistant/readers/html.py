"""HTML (.html, .htm): the page's main content only, by trafilatura (Apache-2.0 since 1.8;
2.3.1 here). Navigation, headers, footers, sidebars, cookie banners, share bars, scripts, styles
and reader comments are left out; headings (h1-h6) become heading blocks and section paths,
list items "list" blocks, paragraphs and quotes "body", and each table row a "table" block
that names its values by the table's header (`tables`: "Year: 2023 | Revenue: 18.4"). The
header is what trafilatura marks role="head" (the first row of <th> cells), else the first row
when it reads as names, unless the page marks its headers with <th> elsewhere: a page that does
has none where it marks none (DocBook's table of contributors' names, three to a row).
trafilatura pads a cell spanning columns with empty cells (marked as head in a header row) and
a cell spanning rows with empty cells below it; a header row with such padding over a row of
names is a two-level header ("Revenue › 2023"). A <caption> (trafilatura's one-cell head row)
is a body block before the rows; a table nested in a cell comes after its table, as a table of
its own. Title and author come from the page's metadata (og: meta tags,
<title>, JSON-LD), a permalink mark ("¶") taken off the title; the date from the page's own
markup or its "last updated" line, never from a date in code or an example (`html_page`).

FAQ structure: a paragraph of its own, or a definition list's term (<dt>), that is a short
question with an answer after it is a heading one level below the heading it is under, so the
answer is located by its question (`base.TextBuilder`, `base.question_text`).

Why trafilatura. Measured on the 181 real news and blog pages of the article-extraction
benchmark (scrapinghub/article-extraction-benchmark, MIT; its 4-gram shingle scoring against
gold article bodies) and on tests/fixtures_docs.HTML_PAGES (five pages with navigation, cookie
banners, sidebars, footers and scripts; 20 gold sentences, 38 furniture strings):

    extractor                              F1     precision recall  pages/s  fixtures: gold, leaked
    trafilatura 2.3.1                      0.960  0.942     0.978    74      20/20, 0/38
    an lxml extractor of our own (tried)   0.842  0.810     0.876   188      20/20, 0/38
    llama-index-core HTMLNodeParser        0.561  0.401     0.937    30      19/20, 23/38

Our own extractor (boilerplate class/role/tag removal, <main>/<article>/paragraph-density
root, link-density filter) was 12 points of F1 behind on pages nobody here wrote; llama-index
keeps every <p>/<li> of the page (menus, footers) and needs bs4; llama-index-readers-file adds
pandas, pypdf and bs4 and has no boilerplate removal either. The cost of trafilatura is weight:
with its dependencies (courlan, htmldate, justext, dateparser, babel, tld, tzlocal,
lxml_html_clean) about 45 MB installed, most of it babel's locale data; lxml was already here.
It is imported on first use only.

Reference pages: trafilatura still chooses, our walk gives the structure. On documentation pages
(Sphinx, AsciiDoc, DocBook, SQLite's generator) trafilatura alone lost what the user asks about:
it drops lists whose items start with a link (a "What's New" page's "New modules" sections came
out empty), whole sections of a long page, and every heading of a DocBook page; it glues a table
inside a list into one word and a quote's text before its first <p> is gone. So (html_page,
html_main): permalink anchors are removed and the links of a list item with three or more words
of its own are unwrapped before trafilatura reads the page; when the page marks its main content
(role="main", <main>) and trafilatura dropped prose of it, our converter reads that region
whole; when trafilatura dropped the headings of sections it kept, our converter reads the body
cut down to trafilatura's selection (its blocks, and the headings, rows, items and code between
them). Otherwise trafilatura's tree is read, as before: news and blog pages keep its boilerplate
removal (the fixtures above: same gold kept, no furniture leaked). Word recall and precision
against each page's visible main text (tables of contents left out), before -> after:

    page (producer)                      recall          precision       date
    evals/fidelity, `python -m evals.fidelity --files '*.html'` (its reference texts):
    python-gzip.html (Sphinx)            0.981 -> 1.000  0.994 -> 1.000  absent -> right
    python-general-faq.html (Sphinx)     1.000 -> 1.000  1.000 -> 1.000  absent -> right
    sqlite-faq.html (SQLite docs)        0.890 -> 0.999  0.998 -> 0.998  right
    gitfaq.html (AsciiDoc)               0.983 -> 0.996  0.993 -> 1.000  right
    fhs-3.0.html (DocBook, one page)     0.911 -> 0.981  1.000 -> 0.999  right
    Python 3.11 docs, not in the repository (text of div[role=main]):
    whatsnew/3.11.html                   0.890 -> 0.993  0.990 -> 0.983  2012-05-08 (code) -> right
    faq/programming.html                 0.959 -> 1.000  1.000 -> 1.000  absent -> right
    library/json.html                    0.953 -> 0.988  0.997 -> 0.999  absent -> right
    library/datetime.html                0.979 -> 0.991  0.989 -> 0.989  2011-11-04 (code) -> right
    SQLite datatype3.html                0.940 -> 1.000  0.998 -> 0.985  right

Then (issue 26) fhs-3.0.html 0.981 -> 1.000 recall, 0.999 -> 1.000 precision: trafilatura had
dropped each section whose only text is one short paragraph ("This is the primary directory of
executable commands on the system.") and the last section (a heading over a table of names),
and kept the tables of contents' "Table of Contents" labels (`html_main.keep_only`).

Precision below 1 on the pages with tables is the header each row now carries ("Directory: bin
| Description: …"), by design (`tables`). Titles: the two Sphinx titles lost their "¶".
"""

from __future__ import annotations

from .base import BODY, HEADING, LIST, Extracted, ReadError, TextBuilder, clean_inline, meta_text
from .html_page import strip_marks
from .tables import add_grid, is_subheader, make_grid

_OPTIONS = dict(include_comments=False, include_tables=True, include_images=False,
                include_links=False, include_formatting=False, with_metadata=True,
                date_extraction_params={"extensive_search": False, "original_date": True})


def read(raw: bytes, name: str) -> Extracted:
    if not raw.strip():
        raise ReadError("empty file; skipped")
    if b"\x00" in raw[:4096] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ReadError("binary file (NUL bytes); skipped")
    from .html_page import page_date, prepare

    tree = prepare(raw)
    doc = _extract(tree if tree is not None else raw)
    out = TextBuilder()
    body = _own_walk(tree, doc)
    if body is None and doc is not None:
        body = doc.body
    if body is not None:
        if tree is not None and tree.find(".//th") is not None:
            for table in body.iter("table"):  # the page marks its headers: not marked, none
                table.set(_MARKED, "1")
        _walk(body, out)
    date = page_date(tree) if tree is not None else None
    built = out.build(title=meta_text(strip_marks(doc.title or "")) if doc is not None else None,
                      author=meta_text(doc.author) if doc is not None else None, date=date,
                      format="html", encoding=None)
    if not built.blocks:
        raise ReadError("HTML page has no main text; skipped")
    return built


def _extract(page):
    """trafilatura's main-content tree (favouring recall when the precise pass finds nothing)."""
    import copy

    import trafilatura

    def fresh():  # trafilatura changes the tree it is given
        return copy.deepcopy(page) if hasattr(page, "tag") else page

    doc = trafilatura.bare_extraction(fresh(), **_OPTIONS)
    if doc is None or doc.body is None or not len(doc.body):
        doc = trafilatura.bare_extraction(fresh(), favor_recall=True, **_OPTIONS)
    return doc


def _own_walk(tree, doc):
    """The page as our own converter reads it (`html_main`), when trafilatura lost part of it:
    the marked main content whole when trafilatura dropped prose of it; else the page's body
    cut down to trafilatura's selection when trafilatura dropped the headings of sections it
    kept. None: trafilatura's own tree is read."""
    from .html_main import Kept, keep_only, lost_headings, main_region, main_tree, needs_own_walk

    if tree is None:
        return None
    kept_text = " ".join(doc.body.itertext()) if doc is not None and doc.body is not None else ""
    region = main_region(tree)
    if region is not None:
        converted = main_tree(region)
        if needs_own_walk(converted, kept_text):
            return converted
    body = tree.find(".//body") if tree.tag != "body" else tree
    if body is None or not kept_text.strip():
        return None
    converted = main_tree(body)
    kept = Kept(converted, kept_text)
    if not lost_headings(kept):
        return None
    keep_only(kept)
    return converted


def _walk(element, out: TextBuilder) -> None:
    """Blocks from trafilatura's XML: head, p, quote, list/item, table/row/cell, code."""
    for child in element:
        tag = child.tag
        if tag == "head":
            rend = child.get("rend") or "h2"
            level = int(rend[1]) if rend[:1] == "h" and rend[1:].isdigit() else 2
            out.add(strip_marks(clean_inline(_text(child))), HEADING, min(max(level, 1), 6))
        elif tag == "list":
            _list(child, out)
        elif tag == "table":
            _table(child, out)
        elif tag in ("quote", "div", "section") and any(c.tag in _BLOCKS for c in child):
            _mixed(child, out)
        elif tag not in ("graphic", "image", "ref") or (child.text or "").strip():
            out.add(clean_inline(_text(child), keep_lines=True), BODY, question=tag == "p")


_BLOCKS = {"head", "p", "list", "table", "quote", "code", "div", "section"}


def _mixed(element, out: TextBuilder, kind: str = BODY) -> None:
    """A container holding blocks and loose text (a <blockquote> whose answer starts before its
    first <p>): each run of loose text is a block of its own, in its place among the others."""
    run = [element.text or ""]
    for child in element:
        if child.tag in _BLOCKS:
            out.add(clean_inline("".join(run), keep_lines=True), kind)
            run = []
            if kind == LIST and child.tag == "p":
                out.add(clean_inline(_text(child), keep_lines=True), LIST)
            else:
                _walk([child], out)
        else:
            run.append("\n" if child.tag == "lb" else _text(child))
        run.append(child.tail or "")
    out.add(clean_inline("".join(run), keep_lines=True), kind)


def _list(element, out: TextBuilder) -> None:
    items = list(element)
    for i, item in enumerate(items):
        nested = [c for c in item if c.tag == "list"]
        rend = item.get("rend") or ""
        if rend.startswith("dt"):  # a definition list's term: an FAQ's question, often
            out.add(clean_inline(_text(item)), BODY, question=True)
        elif rend.startswith("dd") and any(c.tag in _BLOCKS for c in item):
            _mixed(item, out)  # its paragraphs, and its lists in their place
            continue
        elif any(c.tag in ("table", "code", "quote") for c in item):
            _mixed(item, out, LIST)  # a table or code inside an item keeps its rows and lines
            continue
        else:
            out.add(clean_inline(_text(item, skip=nested), keep_lines=True), LIST)
        for sub in nested:
            _list(sub, out)


def _table(element, out: TextBuilder) -> None:
    rows = [[c for c in row if c.tag == "cell"] for row in element.iter("row")]
    if rows and _is_caption(rows[0]):
        out.add(clean_inline(_text(rows[0][0])), BODY)
        rows = rows[1:]
    if not rows:
        return
    texts = [[clean_inline(_text(c)) for c in row] for row in rows]
    heads = 0
    while heads < len(rows) and any(c.get("role") == "head" for c in rows[heads]):
        heads += 1
    spans = _head_spans(rows[0], texts[0]) if heads == 1 else set()
    if len(rows) > 2 and is_subheader(texts[1], {c for _, c in spans}):
        heads = 2
        for _, col in spans:  # a spanning head cell names every column it spans
            texts[0][col] = texts[0][col - 1]
    marked = heads or (0 if element.get(_MARKED) else None)
    add_grid(out, make_grid(texts, header_rows=marked, spans=spans if heads == 2 else set()))


_MARKED = "page-marks-headers"  # set on the tables of a page that marks its headers with <th>


def _is_caption(row) -> bool:
    """trafilatura writes a <caption> as a first row of one head cell and empty padding."""
    return (len(row) > 1 and row[0].get("role") == "head" and bool(_text(row[0]).strip())
            and all(c.get("role") != "head" and not _text(c).strip() for c in row[1:]))


def _head_spans(cells, texts: list[str]) -> set[tuple[int, int]]:
    """(0, column) of the empty head cells right of a filled one: a head cell's colspan padding."""
    spans, filled = set(), False
    for col, (cell, text) in enumerate(zip(cells, texts)):
        if text:
            filled = True
        elif filled and cell.get("role") == "head":
            spans.add((0, col))
        else:
            filled = False
    return spans


def _text(element, skip=()) -> str:
    """An element's text with <lb/> as a line break, leaving out the sub-elements in `skip`;
    a block inside it (a <p> in a list item) is set apart by a line break, never glued on."""
    parts = [element.text or ""]
    for child in element:
        if child in skip:
            continue
        inner = "\n" if child.tag == "lb" else _text(child)
        inline = child.tag == "code" and "\n" not in inner.strip()  # <code> inline, or a block
        block = (child.tag in _BLOCKS or child.tag in ("item", "row")) and not inline
        parts.append(f"\n{inner}\n" if block else f" {inner} " if child.tag == "cell" else inner)
        parts.append(child.tail or "")
    return "".join(parts)
