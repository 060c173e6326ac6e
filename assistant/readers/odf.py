"""OpenDocument text (.odt) and presentations (.odp), read from the package's content.xml
with lxml (already a dependency, through python-docx and trafilatura). OpenDocument
spreadsheets (.ods) are read with the other workbooks (`sheet`), their sheets' cells from here
(`sheets`).

Text: headings (text:h, by outline level) are heading blocks and make the section paths
("Opening hours › Weekend hours"), paragraphs body blocks, list items list blocks, and each
table row a "table" block that names its values by the table's header (`tables`; the header
is the rows in <table:table-header-rows>, else the first row when it reads as names); a cell
spanning columns is written once, repeated cells (table:number-columns-repeated) are
expanded up to the table's width. Sections, text boxes and frames are read in place;
footnotes and the change-tracking record are left out.

Presentations: each page (slide) opens with a heading "Slide N", then its title (the
presentation:class="title" frame; on a slide without one, its topmost frame when that is a
single line of at most 12 words) as a second-level heading, so its text has the section
"Slide 3 › Quarterly results"; then its other frames, top to bottom, and its speaker notes.

Title, author and date come from meta.xml (`office.properties`: no date when they are a
template's). An encrypted file (its manifest lists encryption data) is refused with that
reason; the package first passes the archive limits (`archive.check_zip`).

Why lxml and not odfpy. odfpy 1.4.1 (Apache-2.0/LGPL) builds its own DOM through xml.sax and
knows nothing of headings, lists or tables beyond the elements themselves, so we would walk its
tree as we walk lxml's, with one more dependency. On a 1,100-paragraph, 100-heading document
with a 51-row table (saved by LibreOffice 7.4, 37 KB), odfpy's load took 0.044 s against 0.0025 s
for lxml's parse of content.xml, and this module's whole read 0.04 s (~29,000 blocks/s); a
3-slide .odp read in 0.002 s. llama-index has no ODF reader of its own.
"""

from __future__ import annotations

import re
from pathlib import Path

from .base import BODY, HEADING, LIST, TABLE, Extracted, ReadError, TextBuilder, clean_inline
from .office import is_title_like, open_package, parse_part, properties
from .tables import make_grid, row_texts

_NS = {"office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
       "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
       "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
       "draw": "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0",
       "svg": "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0",
       "presentation": "urn:oasis:names:tc:opendocument:xmlns:presentation:1.0",
       "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0"}
T, TB, DR = (f"{{{_NS[k]}}}" for k in ("text", "table", "draw"))
PRES = f"{{{_NS['presentation']}}}"
STYLE = f"{{{_NS['style']}}}"
OFFICE = f"{{{_NS['office']}}}"
MAX_REPEAT = 1_000  # repeated cells/rows written out at most: a whole-row style repeats 16,384
_KINDS = {".odt": "OpenDocument text", ".odp": "OpenDocument presentation"}
_SKIP = {f"{T}note", f"{T}tracked-changes", f"{T}sequence-decls", f"{T}variable-decls",
         f"{T}user-field-decls", f"{TB}table-columns", f"{TB}table-column",
         f"{{{_NS['office']}}}forms", f"{DR}image"}


def read(raw: bytes, name: str) -> Extracted:
    suffix = Path(name).suffix.lower()
    kind = _KINDS.get(suffix, "OpenDocument file")
    package = open_package(raw, kind)
    meta = properties(package, kind)
    body = parse_part(package, "content.xml", kind).find("office:body", _NS)
    out = TextBuilder()
    pages = None
    if body is not None and (deck := body.find("office:presentation", _NS)) is not None:
        pages = _presentation(out, deck)
    elif body is not None and (text := body.find("office:text", _NS)) is not None:
        styles = parse_part(package, "styles.xml", kind, required=False)
        _walk(out, text, headings=heading_styles(body.getparent(), styles))
    slide_numbers = pages is not None  # "Slide N" headings are not the file's text
    if not [b for b in out.blocks if not (slide_numbers and b.kind == HEADING and b.level == 1)]:
        raise ReadError(f"{kind} has no text; skipped")
    return out.build(format=suffix.lstrip(".") or "odf", page_count=pages, **meta)


def _walk(out: TextBuilder, element, list_depth: int = 0, headings: dict | None = None) -> None:
    """Blocks from the children of an office:text, a text:section, a frame's text box, ...
    `headings`: paragraph style -> heading level (`heading_styles`)."""
    headings = headings or {}
    for child in element:
        tag = child.tag
        if tag in _SKIP or not isinstance(tag, str):
            continue
        level = headings.get(child.get(f"{T}style-name")) if tag == f"{T}p" else None
        if tag == f"{T}h" or level:
            level = level or _int(child.get(f"{T}outline-level"), 1)
            out.add(clean_inline(_inline(child)), HEADING, min(max(level, 1), 6))
        elif tag == f"{T}p":
            out.add(clean_inline(_inline(child), keep_lines=True), LIST if list_depth else BODY)
            for frame in child.iter(f"{DR}text-box"):  # a text box anchored in the paragraph
                _walk(out, frame, 0, headings)
        elif tag == f"{T}list":
            for item in child:
                _walk(out, item, list_depth + 1, headings)
        elif tag == f"{TB}table":
            _table(out, child)
        else:  # text:section, text:list-item, draw:frame, text:index-body, ...
            _walk(out, child, list_depth, headings)


_HEADING_STYLE = re.compile(r"^(?:heading(?:_20_| )?([1-9])|title)$", re.I)


def heading_styles(*roots) -> dict[str, int]:
    """Paragraph style name -> heading level, for paragraphs styled as headings without being
    text:h (LibreOffice writes an imported page's <h1> so): "Title" is 1, "Heading n" (or a
    style:default-outline-level) n, and a style based on one of them (its parent chain, in
    content.xml's automatic styles and styles.xml) the same."""
    parents: dict[str, str | None] = {}
    levels: dict[str, int] = {}
    for root in roots:
        for style in (root.iter(f"{STYLE}style") if root is not None else ()):
            name = style.get(f"{STYLE}name")
            if style.get(f"{STYLE}family") != "paragraph" or not name:
                continue
            parents[name] = style.get(f"{STYLE}parent-style-name")
            m = _HEADING_STYLE.match(name)
            level = _int(style.get(f"{STYLE}default-outline-level"), 0) or (
                int(m.group(1) or 1) if m else 0)
            if level:
                levels[name] = level
    resolved = {}
    for name in parents:
        at = name
        for _ in range(10):  # a loop in the chain must not hang us
            if at in levels or at is None:
                break
            at = parents.get(at)
        if at in levels:
            resolved[name] = levels[at]
    return resolved


def _inline(element) -> str:
    """A paragraph's text: spans and links read through, text:s as spaces, tabs and line
    breaks as white space; footnotes and frames (read on their own) left out."""
    parts = [element.text or ""]
    for child in element:
        tag = child.tag
        if tag == f"{T}s":
            parts.append(" " * min(_int(child.get(f"{T}c"), 1), 100))
        elif tag in (f"{T}tab", f"{T}line-break"):
            parts.append("\n" if tag == f"{T}line-break" else " ")
        elif tag not in _SKIP and tag != f"{DR}frame" and isinstance(tag, str):
            parts.append(_inline(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _table(out: TextBuilder, table) -> None:
    rows: list[list[str]] = []
    spans: set[tuple[int, int]] = set()
    below: dict[int, tuple[str, int]] = {}  # column -> (text of a cell spanning rows, rows left)
    header = 0
    for row, in_header in _rows(table):
        cells: list[str] = []
        for cell in row:
            if cell.tag not in (f"{TB}table-cell", f"{TB}covered-table-cell"):
                continue
            text = " ".join(clean_inline(_inline(p)) for p in cell.iter(f"{T}p", f"{T}h")).strip()
            down = _int(cell.get(f"{TB}number-rows-spanned"), 1)
            for _ in range(min(_int(cell.get(f"{TB}number-columns-repeated"), 1), MAX_REPEAT)):
                col = len(cells)
                if cell.tag == f"{TB}covered-table-cell":
                    text = _covered(cells, below, col, len(rows), spans)
                elif down > 1:
                    below[col] = (text, down - 1)
                cells.append(text)
        rows.append(cells)
        header += in_header
    while rows and not any(rows[-1]):
        rows.pop()
    if rows:
        width = max(max((i + 1 for i, c in enumerate(r) if c), default=0) for r in rows)
        grid = make_grid([r[:width] for r in rows], header_rows=header or None, spans=spans)
        for _, text in row_texts(grid):
            out.add(text, TABLE)


def _covered(cells: list[str], below: dict, col: int, row: int, spans: set) -> str:
    """The text of a covered cell: the cell above it spanning rows (repeated, so each row
    stands alone), else the cell left of it spanning columns (written once)."""
    if col in below:
        text, left = below[col]
        below[col] = (text, left - 1)
        if left <= 1:
            del below[col]
        return text
    if cells:
        spans.add((row, col))
        return cells[-1]
    return ""


def _rows(table):
    """(row element, inside <table:table-header-rows>) in order, repeated rows expanded."""
    for row, in_header in _row_elements(table):
        yield from _repeat(row, in_header)


def _row_elements(table):
    """(row element, inside <table:table-header-rows>) in order, each once."""
    for child in table:
        if child.tag in (f"{TB}table-header-rows", f"{TB}table-rows", f"{TB}table-row-group"):
            inner = child.tag == f"{TB}table-header-rows"
            for row in child.iter(f"{TB}table-row"):
                yield row, inner
        elif child.tag == f"{TB}table-row":
            yield child, False


def _repeat(row, in_header: bool):
    for _ in range(min(_int(row.get(f"{TB}number-rows-repeated"), 1), MAX_REPEAT)):
        yield row, in_header


def sheets(content, max_cells: int, kind: str):
    """(name, [(row number, cell texts)]) for each visible sheet of a spreadsheet's
    content.xml (`sheet` writes them): each cell's displayed text (its <text:p>, so "£4,200.00"
    and "12%" as shown), dates as yyyy-mm-dd; repeated rows and cells counted for the row numbers but written out
    MAX_REPEAT times at most, and empty ones not at all. ReadError past `max_cells` cells."""
    hidden = {style.get(f"{STYLE}name") for style in content.iter(f"{STYLE}style")
              if style.find("style:table-properties[@table:display='false']", _NS) is not None}
    body = content.find("office:body/office:spreadsheet", _NS)
    for table in body.iterfind("table:table", _NS) if body is not None else ():
        if table.get(f"{TB}style-name") not in hidden:
            yield table.get(f"{TB}name") or "Sheet", _sheet_rows(table, max_cells, kind)


def _sheet_rows(table, max_cells: int, kind: str) -> list[tuple[int, list[str]]]:
    rows: list[tuple[int, list[str]]] = []
    number = cells_read = 0
    for row, _ in _row_elements(table):
        repeat = _int(row.get(f"{TB}number-rows-repeated"), 1)
        cells = _sheet_cells(row)
        written = min(repeat, MAX_REPEAT) if any(cells) else 0
        rows.extend((number + i + 1, cells) for i in range(written))
        number += repeat
        cells_read += written * len(cells)
        if cells_read > max_cells:
            raise ReadError(f"{kind}: sheet {table.get(f'{TB}name')!r} has over {max_cells:,} "
                            f"cells, the limit; skipped")
    return rows


def _sheet_cells(row) -> list[str]:
    """A row's cell texts; empty cells are only written out before a filled one."""
    cells: list[str] = []
    empty = 0
    for cell in row:
        if cell.tag in (f"{TB}table-cell", f"{TB}covered-table-cell"):
            text = _date_value(cell) or " ".join(
                clean_inline(_inline(p)) for p in cell.iterfind("text:p", _NS)).strip()
            repeat = min(_int(cell.get(f"{TB}number-columns-repeated"), 1), MAX_REPEAT)
            if not text:
                empty += repeat
                continue
            cells.extend([""] * min(empty, MAX_REPEAT))
            cells.extend([text] * repeat)
            empty = 0
    return cells


def _date_value(cell) -> str | None:
    """A date cell as yyyy-mm-dd (and hh:mm when it has a time), as .xlsx dates are written,
    whatever the locale's display ("14/03/24" or "03/14/24")."""
    if cell.get(f"{OFFICE}value-type") != "date":
        return None
    value = cell.get(f"{OFFICE}date-value") or ""
    day, _, time = value.partition("T")
    if len(day) != 10:
        return None
    return day if not time or time.startswith("00:00:00") else f"{day} {time[:5]}"


def _presentation(out: TextBuilder, deck) -> int:
    number = 0
    for number, page in enumerate(deck.iter(f"{DR}page"), start=1):
        out.add(f"Slide {number}", HEADING, 1)
        frames = sorted((f for f in page if f.tag in (f"{DR}frame", f"{DR}custom-shape")), key=_top)
        titles = [f for f in frames if f.get(f"{PRES}class") == "title"]
        if not titles and frames and is_title_like(_frame_lines(frames[0])):
            titles = frames[:1]  # an untitled slide: its topmost line stands as its title
        for frame in titles:
            out.add(" ".join(_frame_lines(frame)), HEADING, 2)
        for frame in (f for f in frames if f not in titles):
            _walk(out, frame)
        notes = page.find(f"{PRES}notes")
        if notes is not None:
            for frame in notes.iter(f"{DR}frame"):
                if frame.get(f"{PRES}class") == "notes":
                    _walk(out, frame)
    return number


def _frame_lines(frame) -> list[str]:
    lines = (clean_inline(_inline(p)) for p in frame.iter(f"{T}p", f"{T}h"))
    return [line for line in lines if line]


def _top(frame) -> tuple[float, float]:
    return (_length(frame.get(f"{{{_NS['svg']}}}y")), _length(frame.get(f"{{{_NS['svg']}}}x")))


def _length(value: str | None) -> float:
    """A length "2.5cm" / "1in" as a number (units ignored: a page uses one unit throughout)."""
    digits = "".join(ch for ch in (value or "") if ch.isdigit() or ch in ".-")
    try:
        return float(digits)
    except ValueError:
        return 0.0


def _int(value: str | None, default: int) -> int:
    try:
        return max(int(value), 0) if value is not None else default
    except ValueError:
        return default
