"""PDF with a text layer, by pypdfium2 (Apache-2.0 / BSD-3-Clause: Google's PDFium in a prebuilt
wheel, no AGPL). Per page, PDFium's text page is read by character index into runs of text with
their boxes and font sizes (`pdf_chars`: every character once, in PDFium's order, so a
browser-printed page no longer reads "Harbour TrTrust"); the runs go through `layout`: reading
order by layout rather than drawing order (two columns come out column by column), lines joined
into paragraphs, line-end hyphenation undone ("infor-" "mation" -> "information", "well-"
"known" kept), ligatures and soft hyphens normalised. `pdf_flow` writes the pages: running
headers and footers and page numbers, recognised across pages, as "furniture" blocks (never
indexed) inside their page's span; larger type than the body, in short paragraphs, as headings
(level by size, giving the section paths); tables (ruled, or in columns set apart by space),
found first by `pdf_tables`, one "table" block per row, each value named by its column
(`tables`); and a paragraph that a page break cuts, whole, its text split between the pages'
spans in `Extracted.pages`. Title and date (`pdf_meta`): the document information's where
they are true of the document, else the title of the text (its first large heading), and no
date for a page printed by a web browser (the day of printing is not the document's date).

A page with no text layer, or almost none (a page number), that draws an image is a scan: it
is rendered and OCR'd (`ocr`, Tesseract) and its lines go through the same layout, so mixed
PDFs work page by page. A PDF with no text even so, one that needs a password, and a damaged one
each raise ReadError with their own reason.

Why pypdfium2. Against pypdf 7.1 (BSD, pure Python) on tests/fixtures_docs.report_pdf and on
the 300-page PDF of evals/readers_bench.py (median of 3 reads, 2 shared cores):

                                  pypdfium2 5.15                pypdf 7.1 extract_text()
    two columns drawn line by     column by column (positions   interleaved line by line (also
      line left, right, ...       through `layout`)             with extraction_mode="layout")
    ligatures ﬁ ﬂ                 fi fl                         left as U+FB01 U+FB02
    "well-" at a line end         marked as a line-end hyphen   plain "-"
    300 pages                     1,460 pages/s text only;      250 pages/s (210 in layout mode)
                                  280 pages/s with `layout`

pypdf follows the drawing order, so columns drawn line by line come out interleaved; PDFium
reports each character's box and font size, which reading order, paragraphs, headings and
furniture need, and its text extraction is six times faster, which leaves room for the layout
work. (The 280 pages/s were measured when runs were read by rectangle; reading by character
index is faster still on typeset pages, one call per line where a line is one text object:
`python -m evals.readers_bench`'s 300 pages, five runs each, old and new one after the other
on the same loaded machine: 60-81 pages/s before, 95-123 after.)
"""

from __future__ import annotations

import threading

from . import ocr, pdf_meta
from .base import HEADING, MAX_PAGES, Extracted, ReadError, meta_text
from .layout import Piece
from .pdf_chars import page_pieces
from .pdf_flow import lay_out
from .pdf_tables import Rule, find_tables, page_rules

NO_TEXT = "PDF has no text layer, and OCR found no text on its pages; skipped"
ENCRYPTED = "encrypted PDF (password required); skipped"
CORRUPT = "corrupt or truncated PDF; skipped"
# PDFium is not thread-safe: every use of it in this process (reading here, rendering pages in
# `assistant.pages`) holds this lock.
PDFIUM_LOCK = threading.Lock()


def read(raw: bytes, name: str) -> Extracted:
    with PDFIUM_LOCK:  # PDFium is not thread-safe: one document at a time in this process
        pdf = _open(raw)
        try:
            pages = [_pieces(pdf, i, name) for i in range(len(pdf))]
            info = pdf.get_metadata_dict()
            rules = [_rules(pdf, i) for i in range(len(pdf))]  # tables (pdf_tables): lines drawn
        finally:
            pdf.close()
    if not any(pages):
        raise ReadError(NO_TEXT)
    extracted = _layout(pages, rules)
    title = pdf_meta.title(info.get("Title"), extracted, name)
    return Extracted(text=extracted.text, blocks=extracted.blocks, pages=extracted.pages,
                     sections=extracted.sections, title=title, author=meta_text(info.get("Author")),
                     date=pdf_meta.date(info), format="pdf", page_count=len(pages))


def _open(raw: bytes):
    import pypdfium2 as pdfium

    if not raw.lstrip()[:5].startswith(b"%PDF"):
        raise ReadError("not a PDF file (no %PDF header); skipped")
    try:
        pdf = pdfium.PdfDocument(raw)
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        if code == 4:  # FPDF_ERR_PASSWORD
            raise ReadError(ENCRYPTED) from exc
        if code == 5:  # FPDF_ERR_SECURITY: an encryption handler PDFium does not support
            raise ReadError("encrypted PDF (unsupported security handler); skipped") from exc
        raise ReadError(CORRUPT) from exc
    if len(pdf) == 0:
        pdf.close()
        raise ReadError("PDF has no pages (corrupt or truncated?); skipped")
    if len(pdf) > MAX_PAGES:
        pages = len(pdf)
        pdf.close()
        raise ReadError(f"PDF has {pages:,} pages, over the {MAX_PAGES:,}-page limit; skipped")
    return pdf


def _pieces(pdf, index: int, name: str = "") -> list[Piece]:
    """The runs of text on page `index` with their boxes and font size (`pdf_chars`);
    a scanned page's OCR'd lines instead."""
    import pypdfium2 as pdfium

    try:
        page = pdf[index]
        textpage = page.get_textpage()
    except pdfium.PdfiumError as exc:
        raise ReadError(f"corrupt PDF (page {index + 1} cannot be read); skipped") from exc
    try:
        pieces = page_pieces(textpage)
        if ocr.is_scanned(page, "".join(p.text for p in pieces)):
            ocr.report(name, index + 1, len(pdf))
            pieces = ocr.pdf_page_ocr(page, PDFIUM_LOCK).pieces() or pieces
        return pieces
    finally:
        textpage.close()
        page.close()


def _rules(pdf, index: int) -> list[Rule]:
    """The straight lines drawn on page `index` (table rules); none from a page PDFium fails on."""
    import pypdfium2 as pdfium

    try:
        page = pdf[index]
    except pdfium.PdfiumError:
        return []
    try:
        return page_rules(page)
    finally:
        page.close()


def _layout(pages: list[list[Piece]], rules: list[list[Rule]] | None = None) -> Extracted:
    """Blocks page by page (`pdf_flow`); `find_tables` named here so a benchmark can turn it off."""
    return lay_out(pages, rules, find_tables)


def _first_heading(extracted: Extracted) -> str | None:
    for block in extracted.blocks:
        if block.kind == HEADING:
            return extracted.text[block.start:block.end]
    return None
