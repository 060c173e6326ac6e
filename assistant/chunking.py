"""Cutting documents into retrievable chunks and sentences.

A chunk is a run of consecutive indexed paragraphs of one kind (reporting or reader comments),
never crossing page furniture or a heading, so its text is exactly `document.text[start:end]`. A byline or
dateline may sit inside a chunk (it keeps a headline with its lead) but is never a sentence.
Paragraphs longer than the budget are cut at sentence boundaries.
"""

from __future__ import annotations

from .text import split_sentences
from .types import BODY, COMMENT, HEADLINE, INDEXED_KINDS, TRANSPARENT_KINDS, Chunk, Document, Sentence, Span

MAX_WORDS = 90


def chunk_document(doc: Document, max_words: int = MAX_WORDS) -> list[Chunk]:
    chunks: list[Chunk] = []
    for group in _groups(doc.spans):
        pieces: list[tuple[int, int, str]] = []  # (start, end, kind) per sentence
        for span in group:
            pieces += [(a, b, span.kind) for a, b in split_sentences(doc.text, span.start, span.end)]
        for run in _pack(doc.text, pieces, max_words):
            chunks.append(_make_chunk(doc, run))
    return chunks


def _groups(spans: tuple[Span, ...]) -> list[list[Span]]:
    """Consecutive indexed spans of the same family; furniture breaks the run."""
    groups: list[list[Span]] = []
    current: list[Span] = []
    for span in spans:
        if span.kind in TRANSPARENT_KINDS:
            continue
        if span.kind not in INDEXED_KINDS:
            current = []
            continue
        if current and ((current[-1].kind == COMMENT) != (span.kind == COMMENT)
                        or span.kind == HEADLINE):  # a heading opens a new section
            current = []
        if not current:
            groups.append(current)
        current.append(span)
    return groups


def _pack(text: str, pieces: list[tuple[int, int, str]], max_words: int):
    run: list[tuple[int, int, str]] = []
    words = 0
    for piece in pieces:
        n = len(text[piece[0]:piece[1]].split())
        if run and words + n > max_words:
            yield run
            run, words = [], 0
        run.append(piece)
        words += n
    if run:
        yield run


def _make_chunk(doc: Document, run: list[tuple[int, int, str]]) -> Chunk:
    start, end = run[0][0], run[-1][1]
    kind = COMMENT if run[0][2] == COMMENT else BODY
    cid = f"{doc.source}#{start}-{end}"
    sentences = tuple(Sentence(doc.source, a, b, doc.text[a:b], k, cid) for a, b, k in run)
    return Chunk(cid, doc.source, start, end, doc.text[start:end], kind, sentences)
