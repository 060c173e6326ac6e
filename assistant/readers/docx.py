"""Word (.docx) with python-docx (MIT): the body's paragraphs and tables in document order.
Paragraphs styled "Title" or "Heading n" (or a style based on one) are headings and make the
section paths; list paragraphs (a "List…" style or numbering) are "list" blocks; each table row
is one "table" block, its cells joined by " | " (a merged cell once). Page headers and footers,
comments and text boxes are not body text and are left out. Title, author and created date come
from the core properties.

A password-protected .docx is an OLE container, not a zip: it gets its own message."""

from __future__ import annotations

import io
import re
import zipfile

from .base import (BODY, HEADING, LIST, TABLE, Extracted, ReadError, TextBuilder, clean_inline,
                   iso_date, meta_text)

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted Office files and legacy .doc
_HEADING_STYLE = re.compile(r"^heading\s*([1-9])$", re.I)


def read(raw: bytes, name: str) -> Extracted:
    document = _open(raw)
    out = TextBuilder()
    for item in document.iter_inner_content():
        if hasattr(item, "rows"):
            _table(out, item)
        else:
            _paragraph(out, item)
    if not out.blocks:
        raise ReadError("Word document has no text; skipped")
    props = document.core_properties
    return out.build(title=meta_text(props.title), author=meta_text(props.author),
                     date=iso_date(props.created), format="docx")


def _open(raw: bytes):
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    if raw.startswith(_OLE):
        raise ReadError("password-protected Word file (or an old .doc saved as .docx); skipped")
    try:
        return docx.Document(io.BytesIO(raw))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ReadError("corrupt or not a Word .docx file; skipped") from exc
    except Exception as exc:  # lxml's XMLSyntaxError and the like: a damaged part
        raise ReadError(f"corrupt Word file ({type(exc).__name__}); skipped") from exc


def _paragraph(out: TextBuilder, paragraph) -> None:
    text = clean_inline(paragraph.text, keep_lines=True)
    if not text:
        return
    level = _heading_level(paragraph.style)
    if level:
        out.add(" ".join(text.split()), HEADING, level)
    else:
        out.add(text, LIST if _is_list(paragraph) else BODY)


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


def _is_list(paragraph) -> bool:
    name = (paragraph.style.name or "") if paragraph.style is not None else ""
    ppr = paragraph._p.pPr
    return name.lower().startswith("list") or (ppr is not None and ppr.numPr is not None)


def _table(out: TextBuilder, table) -> None:
    for row in table.rows:
        cells, previous = [], None
        for cell in row.cells:
            if cell._tc is previous:  # a horizontally merged cell repeats
                continue
            previous = cell._tc
            cells.append(clean_inline(cell.text))
        if any(cells):
            out.add(" | ".join(cells), TABLE)
