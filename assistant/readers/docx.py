"""Word (.docx) with python-docx (MIT): the body's paragraphs and tables in document order.
Paragraphs styled "Title" or "Heading n" (or a style based on one) are headings and make the
section paths; list paragraphs (a "List…" style or numbering) are "list" blocks; each table row
is one "table" block that names its values by the table's header (`tables`: "Year: 2023 |
Revenue: 18.4"). The header is the rows marked "repeat as header row" (w:tblHeader), else the
first row when it reads as names (two rows when the first has cells spanning columns and the
second names them). A cell spanning columns (w:gridSpan) is written once; one spanning rows
(w:vMerge) is repeated in every row it spans, so each row stands alone; a table inside a cell
is written after its row, as a table of its own. The table XML is walked directly rather than
through python-docx's `row.cells`, which looks merged cells up again for every cell and is
quadratic in a long table. Page headers and footers, comments and text boxes are not body text
and are left out. Title, author and created date come from the core properties, unless they
are a template's or a generator's (`_core`): then no date rather than the template's. A
paragraph of its own that is an FAQ question, with an answer after it, is a heading.

A password-protected .docx is an OLE container, not a zip: it gets its own message. What the
zip may expand to is checked first (`archive`): a small file that unzips to hundreds of MB is
skipped with its reason before any of it is unzipped to be kept."""

from __future__ import annotations

import functools
import io
import re
import zipfile

from .archive import check_zip, xml_problem
from .base import (BODY, HEADING, LIST, TABLE, Extracted, ReadError, TextBuilder, clean_inline,
                   meta_text, meta_title, plausible_date)
from .tables import make_grid, row_texts

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted Office files and legacy .doc
_HEADING_STYLE = re.compile(r"^heading\s*([1-9])$", re.I)


def read(raw: bytes, name: str) -> Extracted:
    document = _open(raw)
    out = TextBuilder()
    styles = _Styles(document)
    for item in document.iter_inner_content():
        if hasattr(item, "rows"):
            _table(out, item._tbl)
        else:
            _paragraph(out, item, styles)
    title, author, date = _core(document.core_properties)
    built = out.build(title=title, author=author, date=date, format="docx")
    if not built.blocks:
        raise ReadError("Word document has no text; skipped")
    return built


def _open(raw: bytes):
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    if raw.startswith(_OLE):
        raise ReadError("password-protected Word file (or an old .doc saved as .docx); skipped")
    if not zipfile.is_zipfile(io.BytesIO(raw)):
        raise ReadError("corrupt or not a Word .docx file; skipped")
    check_zip(raw, "Word file")  # what it may expand to, before python-docx unzips it all
    try:
        return docx.Document(io.BytesIO(raw))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ReadError("corrupt or not a Word .docx file; skipped") from exc
    except Exception as exc:  # lxml's XMLSyntaxError and the like: a damaged part
        why = xml_problem(exc)
        if why:
            raise ReadError(f"Word file cannot be read: {why}; skipped") from exc
        raise ReadError(f"corrupt Word file ({type(exc).__name__}); skipped") from exc


class _Styles:
    """Each paragraph style's heading level and whether it is a list style, worked out once
    per style: python-docx looks a style up by scanning every style of the document, which
    per paragraph was most of the time of a long document (1.5 ms a paragraph)."""

    def __init__(self, document):
        self._part = document.part
        self._known: dict[str | None, tuple[int, bool]] = {}

    def of(self, paragraph) -> tuple[int, bool]:
        """(heading level 1-6 or 0, a "List…" style) of `paragraph`."""
        from docx.enum.style import WD_STYLE_TYPE

        style_id = paragraph._p.style
        if style_id not in self._known:
            style = self._part.get_style(style_id, WD_STYLE_TYPE.PARAGRAPH)
            name = (style.name or "") if style is not None else ""
            self._known[style_id] = (_heading_level(style), name.lower().startswith("list"))
        return self._known[style_id]


def _paragraph(out: TextBuilder, paragraph, styles: _Styles) -> None:
    text = clean_inline(paragraph.text, keep_lines=True)
    if not text:
        return
    level, list_style = styles.of(paragraph)
    if level:
        out.add(" ".join(text.split()), HEADING, level)
    else:
        ppr = paragraph._p.pPr
        numbered = ppr is not None and ppr.numPr is not None
        listed = list_style or numbered
        out.add(text, LIST if listed else BODY, question=not listed and "\n" not in text)


def _core(props) -> tuple[str | None, str | None, str | None]:
    """(title, author, date) from the core properties, none of them a template's: properties
    a generator wrote and no editor touched (created = modified, revision 1 at most, no
    last-modified-by, a description "generated by …") or python-docx's own default template's
    (its created date, 2013-12-23, is in every file it makes) are the tool's, not the
    document's. A wrong date is worse than none: answers quote it."""
    title, author, created = meta_title(props.title), meta_text(props.author), props.created
    untouched = ((props.modified is None or props.modified == created) and (props.revision or 0) <= 1
                 and not meta_text(props.last_modified_by))
    generated = untouched and (props.comments or "").strip().lower().startswith("generated by")
    template_author, template_created = _library_template()
    if generated or props.author == template_author:
        author = None
    if generated or created == template_created:
        return title, author, None
    return title, author, plausible_date(created)


@functools.cache
def _library_template() -> tuple:
    """(author, created) of the core properties python-docx puts in a document it makes."""
    import docx

    props = docx.Document().core_properties
    return props.author, props.created


def _heading_level(style) -> int:
    """1-6 for Title / Heading n styles (following base styles), else 0."""
    for _ in range(10):  # a style's base chain is short; a loop in it must not hang us
        if style is None:
            return 0
        name = (style.name or "").strip()
        if name.lower() == "title":
            return 1
        if m := _HEADING_STYLE.match(name):
            return min(int(m.group(1)), 6)
        style = style.base_style
    return 0


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _table(out: TextBuilder, tbl) -> None:
    """One table's rows as table blocks, each table nested in a cell after its row."""
    rows, spans, nested, marked = _cells(tbl)
    grid = make_grid(rows, header_rows=marked or None, spans=spans)
    written = set()
    for i, text in row_texts(grid):
        out.add(text, TABLE)
        written.add(i)
        for inner in nested.get(i, ()):
            _table(out, inner)
    for i in sorted(set(nested) - written):  # nested in a header row or an empty row
        for inner in nested[i]:
            _table(out, inner)


def _cells(tbl):
    """(rows of cell texts, spanned positions, nested tables by row, leading header rows)."""
    rows: list[list[str]] = []
    spans: set[tuple[int, int]] = set()
    nested: dict[int, list] = {}
    above: dict[int, str] = {}  # column -> text of the vertically merged cell that started there
    marked, in_header = 0, True
    for r, tr in enumerate(tbl.iterchildren(f"{_W}tr")):
        in_header = in_header and _on(tr.find(f"{_W}trPr/{_W}tblHeader"))
        marked += in_header
        row: list[str] = [""] * _int(tr.find(f"{_W}trPr/{_W}gridBefore"), 0)
        for tc in tr.iter(f"{_W}tc"):
            if next(tc.iterancestors(f"{_W}tbl")) is not tbl:
                continue  # a cell of a nested table
            col, span, merge = len(row), _int(tc.find(f"{_W}tcPr/{_W}gridSpan"), 1), _vmerge(tc)
            text = above.get(col, "") if merge == "continue" else _cell_text(tc)
            if merge == "restart":
                above[col] = text
            elif merge is None:
                above.pop(col, None)
            row.append(text)
            for extra in range(1, span):
                row.append(text)
                spans.add((r, col + extra))
            nested.setdefault(r, []).extend(tc.iterchildren(f"{_W}tbl"))
        rows.append(row)
    return rows, spans, {r: t for r, t in nested.items() if t}, marked


def _cell_text(tc) -> str:
    """A cell's paragraphs (content controls included), nested tables left out."""
    paragraphs = [p for p in tc.iter(f"{_W}p")
                  if next(p.iterancestors(f"{_W}tc", f"{_W}tbl")) is tc]
    return " ".join(clean_inline(_paragraph_text(p)) for p in paragraphs).strip()


_RUN_TEXT = {f"{_W}t": None, f"{_W}tab": " ", f"{_W}br": " ", f"{_W}cr": " ",
             f"{_W}noBreakHyphen": "-"}


def _paragraph_text(p) -> str:
    """A paragraph's text as python-docx's Paragraph.text gives it (its runs, in hyperlinks and
    tracked insertions too, but not in text boxes), without its per-paragraph XPath, which
    is most of the time of a long table."""
    parts = []
    for run in p.iter(f"{_W}r"):
        if next(run.iterancestors(f"{_W}p")) is not p:
            continue  # a run of a paragraph inside a text box
        for child in run:
            if child.tag in _RUN_TEXT:
                parts.append(child.text or "" if _RUN_TEXT[child.tag] is None else _RUN_TEXT[child.tag])
    return "".join(parts)


def _vmerge(tc) -> str | None:
    """"restart", "continue" or None for a cell's vertical merge (w:vMerge without a value
    continues the merge above)."""
    element = tc.find(f"{_W}tcPr/{_W}vMerge")
    if element is None:
        return None
    return "restart" if element.get(f"{_W}val") == "restart" else "continue"


def _int(element, default: int) -> int:
    try:
        return max(int(element.get(f"{_W}val")), 0) if element is not None else default
    except (TypeError, ValueError):
        return default


def _on(element) -> bool:
    """A WordprocessingML on/off property: present and not val="false"/"0"/"off"."""
    return element is not None and element.get(f"{_W}val", "true").lower() not in ("false", "0", "off")
