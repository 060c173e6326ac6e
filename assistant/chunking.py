"""Cutting documents into retrievable chunks and sentences.

A chunk is a run of consecutive indexed paragraphs of one kind (reporting or reader comments),
never crossing page furniture or a heading, so its text is exactly `document.text[start:end]`. A byline or
dateline may sit inside a chunk (it keeps a headline with its lead) but is never a sentence.
Paragraphs longer than the budget are cut at sentence boundaries.

A document's cut is first worked out as a `Layout`: offsets in flat arrays, a few bytes per
sentence. `Chunk` and `Sentence` objects (a few hundred bytes each) are made from it one chunk
at a time, so indexing a long file never holds them all (`store/writer.py`).
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass
from typing import Iterator

from .language.sentences import bounded
from .language.sentences import sentences as split_sentences
from .types import (BODY, COMMENT, HEADLINE, INDEXED_KINDS, TRANSPARENT_KINDS, UNSPLIT_KINDS, Chunk,
                    Document, Sentence, Span)

MAX_WORDS = 90
# A chunk never spans more than this many characters between two of its sentences (a run of
# spaces inside a line): a quote may join neighbouring sentences of one chunk, and with
# sentences of at most language.sentences.MAX_SENTENCE_CHARS it stays under 2,000 characters.
MAX_GAP = 100
KINDS = tuple(sorted(INDEXED_KINDS))  # a sentence's kind, stored as its index here


@dataclass(frozen=True)
class Layout:
    """Where a document's sentences and chunks lie: sentence i is text[starts[i]:ends[i]], of
    kind KINDS[kinds[i]]; chunk j holds sentences cuts[j] to cuts[j + 1] - 1."""
    starts: array
    ends: array
    kinds: bytearray
    cuts: array  # one entry per chunk, then the number of sentences

    @property
    def chunks(self) -> int:
        return len(self.cuts) - 1

    @property
    def sentences(self) -> int:
        return len(self.starts)


def layout(doc: Document, max_words: int = MAX_WORDS) -> Layout:
    """Sentences in document order, packed into chunks of at most `max_words` words (a single
    longer sentence is a chunk of its own); a group of paragraphs always starts a chunk, and so
    does a sentence more than MAX_GAP characters after the one before. Headings and table
    rows are one sentence each, in pieces when longer than a sentence may be."""
    out = Layout(array("q"), array("q"), bytearray(), array("q"))
    text = doc.text
    for group in _groups(doc.spans):
        words = -1  # no chunk open in this group yet
        for span in group:
            code = KINDS.index(span.kind)
            cuts = (bounded(text, span.start, span.end) if span.kind in UNSPLIT_KINDS
                    else split_sentences(text, span.start, span.end))
            for a, b in cuts:
                n = len(text[a:b].split())
                if words < 0 or words + n > max_words or a - out.ends[-1] > MAX_GAP:
                    out.cuts.append(len(out.starts))
                    words = 0
                out.starts.append(a)
                out.ends.append(b)
                out.kinds.append(code)
                words += n
    out.cuts.append(len(out.starts))
    return out


def chunk_document(doc: Document, max_words: int = MAX_WORDS) -> list[Chunk]:
    return list(iter_chunks(doc, layout(doc, max_words)))


def iter_chunks(doc: Document, lay: Layout, sentences: bool = True) -> Iterator[Chunk]:
    """The chunks of `lay`, made one at a time (with their sentences unless told not to)."""
    for j in range(lay.chunks):
        yield chunk_at(doc, lay, j, sentences)


def chunk_at(doc: Document, lay: Layout, j: int, sentences: bool = True) -> Chunk:
    lo, hi = lay.cuts[j], lay.cuts[j + 1]
    start, end = lay.starts[lo], lay.ends[hi - 1]
    kind = COMMENT if KINDS[lay.kinds[lo]] == COMMENT else BODY
    cid = f"{doc.source}#{start}-{end}"
    parts = tuple(Sentence(doc.source, lay.starts[i], lay.ends[i],
                           doc.text[lay.starts[i]:lay.ends[i]], KINDS[lay.kinds[i]], cid)
                  for i in range(lo, hi)) if sentences else ()
    return Chunk(cid, doc.source, start, end, doc.text[start:end], kind, parts)


def _groups(spans: tuple[Span, ...]) -> Iterator[list[Span]]:
    """Consecutive indexed spans of the same family; furniture breaks the run."""
    current: list[Span] = []
    for span in spans:
        if span.kind in TRANSPARENT_KINDS:
            continue
        if span.kind not in INDEXED_KINDS:
            if current:
                yield current
            current = []
            continue
        if current and ((current[-1].kind == COMMENT) != (span.kind == COMMENT)
                        or span.kind == HEADLINE):  # a heading opens a new section
            yield current
            current = []
        current.append(span)
    if current:
        yield current
