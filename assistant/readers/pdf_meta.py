"""A PDF's title and date: from its document information where that says something true about
the document, else from its text (the title), else none. No date is better than a wrong one: a
wrong date ranks and filters a document as newer or older than it is, and is shown beside its
citations as if the document said it.

Title. The document information's Title is kept unless it is a placeholder or junk a tool wrote
("untitled", "Name", "Document1", "Microsoft Word - notes.doc", a file or folder name with its
extension, no letters at all); a title equal to the file's own name (its stem) is kept, since
someone chose it. Otherwise the title is the document's first large heading on page 1 (the
largest type there, `pdf_flow` headings), else its first heading.

Date. CreationDate (else ModDate) is the day the file was made. For a document typeset or
exported by its author's tools (TeX, Word, LibreOffice, InDesign, FOP) that is the day the
document was produced, which is its date in all the files measured (the TeX and FOP manuals of
evals/fidelity carry their publication date). A PDF printed by a web browser ("Save as PDF"
in Chromium, Firefox, Safari, Edge; wkhtmltopdf; Skia or Quartz printing under a browser's
name) carries the day someone printed the page, which says nothing about when the page was
written: the Chromium prints of evals/realdocs were made years after their pages' own dates.
Those, told by the Creator and Producer fields, get no date. So does a date before 1993 (the
first PDF) or one that is not a date.
"""

from __future__ import annotations

import re

from .base import HEADING, Extracted, iso_date, meta_text

_BROWSER = re.compile(r"chrom(e|ium)|mozilla|firefox|safari|webkit|skia/pdf|wkhtmltopdf|"
                      r"\bedge\b|opera|print to pdf|headless", re.I)
_PLACEHOLDERS = frozenset({
    "name", "title", "document", "doc", "untitled", "untitled document", "no title", "none",
    "null", "default", "template", "presentation", "powerpoint presentation", "word document",
    "microsoft word document", "new document", "page 1", "slide 1"})
_JUNK = re.compile(
    r"^(?:microsoft (?:word|powerpoint|excel)|word|powerpoint|excel)\s+-\s"  # "Microsoft Word - x"
    r"|\.(?:docx?|pdf|tex|dvi|ps|rtf|txt|html?|odt|od[pgs]|pptx?|xlsx?|indd|qxd|pages|key|md|"
    r"wpd|eps|ai|svg|png|jpe?g|tiff?)$"  # a file name
    r"|^(?:[a-z]:\\|/|~/|\\\\)"  # a path
    r"|^(?:untitled|document|doc|presentation|book|workbook)[\s_-]*\d*$", re.I)
FIRST_PDF_YEAR = 1993


def title(meta_title, extracted: Extracted, name: str = "") -> str | None:
    """The document information's title when it is one (module docstring), else the text's."""
    given = meta_text(meta_title)
    if given and (_stem(name).lower() == given.lower() or not _is_junk(given)):
        return given
    return text_title(extracted)


def _is_junk(title: str) -> bool:
    lowered = title.lower().strip(" .:-")
    return (lowered in _PLACEHOLDERS or len(lowered) < 3 or not re.search(r"[^\W\d_]", lowered)
            or bool(_JUNK.search(title.strip())))


def _stem(name: str) -> str:
    base = re.split(r"[\\/]", name)[-1]
    return base.rsplit(".", 1)[0] if "." in base else base


def text_title(extracted: Extracted) -> str | None:
    """The first heading in the largest heading type on page 1, else the first heading."""
    page_one = extracted.pages[0] if extracted.pages else None
    headings = [b for b in extracted.blocks if b.kind == HEADING]
    if page_one is not None and page_one[2] == 1:
        first = [b for b in headings if page_one[0] <= b.start < page_one[1]]
        if first:
            top = min(b.level for b in first)
            block = next(b for b in first if b.level == top)
            return extracted.text[block.start:block.end]
    return extracted.text[headings[0].start:headings[0].end] if headings else None


def date(info: dict) -> str | None:
    """The document's date from its information (module docstring), or None."""
    made_by = f"{info.get('Creator') or ''} {info.get('Producer') or ''}"
    if _BROWSER.search(made_by):
        return None
    found = iso_date(info.get("CreationDate") or info.get("ModDate"))
    return found if found and int(found[:4]) >= FIRST_PDF_YEAR else None
