"""Reading a corpus directory: every file a reader knows (`assistant.readers`: PDF, DOCX, HTML,
Markdown, text) becomes a Document. Plain-text files keep their exact text, with a classification
of their lines (headline, byline, dateline, body, caption, reader comment, page furniture); other
formats are the reader's extracted text, with its blocks, pages and heading paths. Every span is
an offset range into `Document.text`, so every quote is verbatim.

Extracting a PDF costs far more than reading it, so extracted text is kept in a cache folder
(inside the index) by the file's sha256: a restart re-reads bytes, never re-parses them."""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass, replace
from pathlib import Path

from . import article
from .errors import CorpusError
from .language.sentences import paragraphs
from .types import BODY, FURNITURE, HEADLINE, ROW, Document, DocumentMeta, Span

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SkippedFile:
    path: str
    reason: str


@dataclass(frozen=True)
class Corpus:
    root: Path
    documents: tuple[Document, ...]
    skipped: tuple[SkippedFile, ...] = ()

    def get(self, source: str) -> Document:
        by_source = self.__dict__.get("_by_source")
        if by_source is None:  # built on first use: a scan per citation is slow at 20k files
            by_source = {doc.source: doc for doc in self.documents}
            object.__setattr__(self, "_by_source", by_source)
        return by_source[source]


MB = 2**20
MAX_FILE_BYTES = 50 * MB  # the default of the max_file_mb setting


def load_corpus(root: Path, *, max_bytes: int = MAX_FILE_BYTES, cache: Path | None = None,
                allow_empty: bool = False) -> Corpus:
    """Read every file under `root` (sorted, recursive; hidden files left out). Files over
    `max_bytes` are skipped by their size alone, never read, so one huge file cannot exhaust
    memory; a file that cannot be read, or repeats another's content, is skipped with its
    reason, and the others are still read. `cache`: where extracted text is kept (see above).
    A folder with no readable document is a CorpusError unless `allow_empty` (the assistant
    opens an empty folder and says it has no documents yet)."""
    root = Path(root)
    if not root.is_dir():
        raise CorpusError(f"Corpus directory not found: {root}. Point ASSISTANT_CORPUS or "
                          f"--corpus at a directory of documents.")
    docs, skipped, seen = [], [], {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        rel = path.relative_to(root).as_posix()
        if any(part.startswith(".") for part in path.relative_to(root).parts):
            continue
        doc, problem = read_file(path, rel, max_bytes, cache)
        if doc is not None and doc.meta.sha256 in seen:
            problem = f"same content as {seen[doc.meta.sha256]}; skipped"
        if problem:
            skipped.append(SkippedFile(rel, problem))
            continue
        seen[doc.meta.sha256] = rel
        docs.append(doc)
    if not docs and not allow_empty:
        why = "; ".join(f"{s.path}: {s.reason}" for s in skipped) or "no documents"
        raise CorpusError(f"Corpus directory {root} holds no readable documents ({why}).")
    return Corpus(root, tuple(docs), tuple(skipped))


def read_file(path: Path, rel: str, max_bytes: int = MAX_FILE_BYTES,
              cache: Path | None = None) -> tuple[Document | None, str | None]:
    """(document, None) or (None, the reason it was skipped) for one file."""
    from .readers import ReadError, read_document, supported_suffixes

    suffix = path.suffix.lower()
    if suffix not in supported_suffixes():
        return None, f"unsupported file type {suffix or '(no extension)'}; skipped"
    raw, problem = _read(path, max_bytes)
    if problem:
        return None, problem
    sha = hashlib.sha256(raw).hexdigest()
    extracted = _cached(cache, sha)
    if extracted is None:
        try:
            extracted = read_document(path, raw)
        except ReadError as exc:
            return None, str(exc)
        _store(cache, sha, extracted)
    if not extracted.text.strip():
        return None, "no text found in the file; skipped"
    if extracted.format in ("markdown", "text"):
        return markdown_document(rel, extracted, sha), None
    return from_extracted(rel, extracted, sha), None


def _read(path: Path, max_bytes: int) -> tuple[bytes, str | None]:
    """(bytes, problem): the size is checked with stat first; an unreadable file is a skip,
    not the end of indexing."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return b"", (f"{_megabytes(size)} MB is over the {max_bytes / MB:g} MB limit "
                         f"(ASSISTANT_MAX_FILE_MB); skipped")
        return path.read_bytes(), None
    except OSError as exc:
        return b"", f"cannot be read ({exc.strerror or exc}); skipped"


def _megabytes(size: int) -> str:
    mb = size / MB
    return f"{mb:.1f}" if mb >= 0.1 else f"{mb:.2g}"


# A reader's block kinds that decide a span's kind (the rest are body text, classified).
READER_KINDS = {"heading": HEADLINE, "furniture": FURNITURE, "table": ROW}


def from_extracted(source: str, ex, sha256: str) -> Document:
    """A Document from a reader's Extracted: its blocks become spans (headings start chunks;
    furniture is never indexed), its pages and heading paths are kept for citations."""
    spans = tuple(Span(b.start, b.end, READER_KINDS.get(b.kind, BODY)) for b in ex.blocks)
    title = ex.title or ""
    if not title:
        title = article.title(ex.text, spans)
    meta = DocumentMeta(source=source, title=title, date=ex.date, author=ex.author,
                        sha256=sha256, encoding=ex.encoding or "utf-8", format=ex.format,
                        page_count=ex.page_count)
    return Document(meta, ex.text, spans, tuple(ex.pages), tuple(ex.sections))


def markdown_document(source: str, ex, sha256: str) -> Document:
    """Markdown and plain text keep their file's text, so they are read as text (an article
    saved as text or Markdown still has its byline, dateline and reader comments told apart),
    with the reader's structure on top: headings (an FAQ's questions too) are headlines that
    open sections, front matter is furniture."""
    # A reader's "" says the file has no title (Markdown whose headings are all sections, a
    # text file that opens with a copyright line): no headline is taken for one then, so its
    # first line stays a sentence that can be quoted ("Copyright 2014 Pallets").
    doc = parse_document(source, ex.text, sha256, ex.encoding or "utf-8",
                         blocks=[(b.start, b.end, READER_KINDS.get(b.kind)) for b in ex.blocks],
                         headline=ex.title != "")
    title = ex.title if ex.title is not None else doc.meta.title
    meta = replace(doc.meta, title=title, date=ex.date or doc.meta.date,
                   author=ex.author or doc.meta.author, format=ex.format)
    return Document(meta, doc.text, doc.spans, (), tuple(ex.sections))


# ---------------------------------------------------------------- the extraction cache

CACHE_VERSION = 6  # bump when a reader's output changes, so old extractions are not reused
# (2: tables, 3: OCR, 4: FAQ questions as headings, text files through their reader, HTML walk;
# 6: HTML sections' short paragraphs and a chapter's last section kept, the labels of tables of
# contents left out, no guessed header for a table on a page that marks its headers)


def _cache_path(cache: Path, sha: str) -> Path:
    return cache / f"{sha}.v{CACHE_VERSION}.json"


def _cached(cache: Path | None, sha: str):
    from .readers import Block, Extracted

    if cache is None:
        return None
    try:
        data = json.loads(_cache_path(cache, sha).read_text(encoding="utf-8"))
        data["blocks"] = tuple(Block(*b) for b in data["blocks"])
        data["pages"] = tuple(tuple(p) for p in data["pages"])
        data["sections"] = tuple(tuple(x) for x in data["sections"])
        return Extracted(**data)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError, KeyError) as exc:  # a damaged entry: read again
        log.warning("ignoring a damaged extraction cache entry for %s (%s)", sha[:12], exc)
        return None


def _store(cache: Path | None, sha: str, ex) -> None:
    if cache is None:
        return
    data = {"text": ex.text, "blocks": [[b.start, b.end, b.kind, b.level] for b in ex.blocks],
            "pages": [list(p) for p in ex.pages], "sections": [list(x) for x in ex.sections],
            "title": ex.title, "date": ex.date, "author": ex.author, "format": ex.format,
            "page_count": ex.page_count, "encoding": ex.encoding}
    try:
        cache.mkdir(parents=True, exist_ok=True)
        tmp = cache / f".{sha}.{os.getpid()}.tmp"
        tmp.write_text(json.dumps(data), encoding="utf-8")
        os.replace(tmp, _cache_path(cache, sha))
    except OSError as exc:  # a read-only index still answers; it only re-extracts next time
        log.warning("could not cache the extracted text of %s (%s)", sha[:12], exc)


def parse_document(source: str, text: str, sha256: str = "", encoding: str = "utf-8",
                   blocks: list[tuple[int, int, str | None]] | None = None,
                   headline: bool = True) -> Document:
    """A plain-text document: its paragraphs (hard-wrapped lines joined, see
    `language.sentences.paragraphs`), each classified (headline, byline, body, comment...).
    `blocks`: the paragraphs a reader found instead (Markdown), each with its kind when the
    reader knows it (a heading, furniture) or None. `headline`: False when the file is known
    to have no title, so no opening line is taken for its headline."""
    if blocks is None:
        blocks = [(a, b, None) for a, b in paragraphs(text)]
    paras = [(a, b) for a, b, _ in blocks]
    kinds = article.classify(text, paras, [k for _, _, k in blocks], headline)
    spans = tuple(Span(a, b, k) for (a, b), k in zip(paras, kinds))
    meta = DocumentMeta(source=source, title=article.title(text, spans),
                        date=article.date(text, spans), author=article.author(text, spans),
                        publisher=article.publisher(text, spans),
                        sha256=sha256, encoding=encoding)
    return Document(meta, text, spans)
