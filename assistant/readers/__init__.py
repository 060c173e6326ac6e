"""Readers: one module per file format, each a `Reader` (bytes in, `Extracted` out), chosen by
the file's extension from one registry.

    from assistant.readers import read_document, page_of, section_of
    doc = read_document(Path("report.pdf"))        # raises ReadError with a reason for a person
    doc.text[b.start:b.end] for b in doc.blocks    # headings, body, lists, table rows, furniture
    page_of(doc, offset), section_of(doc, offset)  # 2, "Opening hours › Weekend hours"

Built in: .pdf (pypdfium2; scanned pages OCR'd), .docx (python-docx), .html/.htm (trafilatura),
.md/.markdown (markdown-it-py), .txt, images .png/.jpg/.jpeg/.tif/.tiff (OCR, `ocr`),
spreadsheets .xlsx (openpyxl), .ods and .csv (`sheet`), slides .pptx (python-pptx,
`slides`), OpenDocument .odt/.odp (lxml, `odf`), e-mail .eml/.mbox (the standard library,
`mail`), e-books .epub (lxml, `epub`) and rich text .rtf (striprtf, `rtf`). Where each new
format puts its location: a spreadsheet row's section is "Sheet › row 7", a slide's
"Slide 3 › its title", a message's its subject, sender and date, an e-book's its chapter. Each
format's module is imported on first use, and its library inside it, so importing this package
loads none of them. `register(".ext", reader)` adds or replaces
one (a function `reader(raw: bytes, name: str) -> Extracted`).
"""

from __future__ import annotations

import importlib
from pathlib import Path

from .base import (BODY, FURNITURE, HEADING, LIST, TABLE, Block, Extracted, Reader, ReadError,
                   page_of, section_of)

_BUILTIN = {".pdf": "pdf", ".docx": "docx", ".html": "html", ".htm": "html", ".xhtml": "html",
            ".md": "markdown", ".markdown": "markdown", ".txt": "text",
            ".png": "image", ".jpg": "image", ".jpeg": "image", ".tif": "image", ".tiff": "image",
            ".xlsx": "sheet", ".ods": "sheet", ".csv": "sheet", ".pptx": "slides",
            ".odt": "odf", ".odp": "odf", ".eml": "mail", ".mbox": "mail", ".epub": "epub",
            ".rtf": "rtf"}
_SEVERAL = {"sheet", "slides", "odf", "mail"}  # modules named for more than one format
_custom: dict[str, Reader] = {}


def supported_suffixes() -> frozenset[str]:
    """Lower-case file extensions with a reader, dot included (".pdf")."""
    return frozenset(_BUILTIN) | frozenset(_custom)


def register(suffix: str, reader: Reader) -> None:
    """Read files ending in `suffix` (".rtf") with `reader`, replacing any reader it had."""
    if not suffix.startswith(".") or len(suffix) < 2:
        raise ValueError(f"suffix must start with a dot, like '.pdf'. Currently, suffix is {suffix!r}")
    _custom[suffix.lower()] = reader


def reader_for(suffix: str) -> Reader:
    """The reader of files ending in `suffix`; ReadError when there is none."""
    suffix = suffix.lower()
    if suffix in _custom:
        return _custom[suffix]
    if suffix in _BUILTIN:
        return importlib.import_module(f"{__name__}.{_BUILTIN[suffix]}").read
    raise ReadError(f"unsupported file type {suffix or '(no extension)'}; skipped")


def read_document(path: Path, raw: bytes | None = None) -> Extracted:
    """Read one file (its bytes, when the caller already has them) with its format's reader.
    Anything that goes wrong with this one file is a ReadError saying why, so a folder's other
    files can still be read; the caller checks the size limit before reading the bytes."""
    path = Path(path)
    reader = reader_for(path.suffix)
    if raw is None:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise ReadError(f"cannot be read ({exc.strerror or exc}); skipped") from exc
    try:
        return reader(raw, path.name)
    except ReadError:
        raise
    except Exception as exc:  # a library's surprise about one file must not stop the others
        module = _BUILTIN.get(path.suffix.lower())
        kind = (module if module and module not in _SEVERAL else path.suffix.lstrip(".")).upper()
        raise ReadError(f"could not be read as {kind} ({type(exc).__name__}: {exc}); skipped") from exc


__all__ = [
    "Block",
    "Extracted",
    "ReadError",
    "Reader",
    "read_document",
    "reader_for",
    "register",
    "supported_suffixes",
    "page_of",
    "section_of",
    "HEADING",
    "BODY",
    "TABLE",
    "LIST",
    "FURNITURE",
]
