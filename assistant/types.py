"""The project's own small, frozen value types. Framework objects never leave their wrappers."""

from __future__ import annotations

import bisect
from dataclasses import asdict, dataclass, field
from typing import Any, Iterable, Iterator

# Kinds of text span inside a document.
HEADLINE = "headline"
BODY = "body"
CAPTION = "caption"
COMMENT = "comment"  # a reader comment: not the publisher's reporting
BYLINE = "byline"
DATELINE = "dateline"
FURNITURE = "furniture"  # sign-up lines, promos, repeated photo captions, related links
ROW = "row"  # a table row (with its column names where the reader could give them)
INDEXED_KINDS = frozenset({HEADLINE, BODY, CAPTION, COMMENT, ROW})
UNSPLIT_KINDS = frozenset({HEADLINE, ROW})  # one sentence each, whatever punctuation they hold
# Lines that may sit inside a chunk without being indexed themselves (between headline and lead).
TRANSPARENT_KINDS = frozenset({BYLINE, DATELINE})


@dataclass(frozen=True)
class Span:
    """A paragraph or line of a document: text[start:end] of the original file."""

    start: int
    end: int
    kind: str


@dataclass(frozen=True)
class DocumentMeta:
    source: str  # file name, relative to the corpus directory
    title: str
    date: str | None = None  # ISO yyyy-mm-dd, when the text states one
    author: str | None = None
    publisher: str | None = None
    sha256: str = ""
    encoding: str = "utf-8"
    format: str = "text"  # "text", "markdown", "html", "docx", "pdf"
    page_count: int | None = None  # PDFs

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Document:
    meta: DocumentMeta
    text: str  # text files: the whole file, decoded, untouched; other formats: extracted text
    spans: tuple[Span, ...]
    pages: tuple[tuple[int, int, int], ...] = ()  # (start, end, 1-based page number), PDFs
    sections: tuple[tuple[int, str], ...] = ()  # (start, heading path), sorted by start

    @property
    def source(self) -> str:
        return self.meta.source

    def page_at(self, offset: int) -> int | None:
        """The page holding text[offset] (PDFs), else None."""
        i = bisect.bisect_right(self.pages, offset, key=lambda p: p[0]) - 1
        return self.pages[i][2] if i >= 0 else None

    def section_at(self, offset: int) -> str | None:
        """The heading path in force at text[offset] ("Opening hours › Weekend"), else None."""
        i = bisect.bisect_right(self.sections, offset, key=lambda s: s[0]) - 1
        return self.sections[i][1] if i >= 0 else None


@dataclass(frozen=True)
class Sentence:
    source: str
    start: int
    end: int
    text: str
    kind: str
    chunk_id: str

    @property
    def id(self) -> str:
        return f"{self.source}:{self.start}-{self.end}"


@dataclass(frozen=True)
class Chunk:
    id: str
    source: str
    start: int
    end: int
    text: str  # == document.text[start:end]
    kind: str
    sentences: tuple[Sentence, ...] = ()


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk: `text` is exactly the source file's text[start:end]."""

    source: str
    text: str
    start: int
    end: int
    score: float
    kind: str = BODY
    title: str = ""
    date: str | None = None
    dense_rank: int | None = None
    bm25_rank: int | None = None
    dense_score: float | None = None  # cosine similarity of the chunk to the question
    chunk_id: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Citation:
    """Citation n of an answer is `answer.citations[n-1]`; `quote` is verbatim source text."""

    number: int
    source: str
    quote: str
    start: int
    end: int
    title: str = ""
    date: str | None = None
    kind: str = BODY  # "comment" when the quote is a reader comment, not reporting
    page: int | None = None  # 1-based page of the quote's start (PDFs)
    section: str | None = None  # heading path of the quote (Markdown, HTML, DOCX, PDF headings)

    @property
    def where(self) -> str:
        """Where the quote is, for a person: "report.pdf, p. 2", "guide.md, § Hours › Weekend"."""
        if self.page is not None:
            return f"{self.source}, p. {self.page}"
        if self.section:
            return f"{self.source}, § {self.section}"
        return self.source

    @property
    def is_comment(self) -> bool:
        return self.kind == COMMENT

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class SentenceSupport:
    """How one sentence of an answer was checked against the evidence it cites."""

    text: str
    citations: tuple[int, ...]
    supported: bool
    score: float = 0.0  # semantic similarity to the best cited evidence
    problems: tuple[str, ...] = ()  # e.g. "number 40 not in [2]"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Answer:
    question: str
    text: str
    citations: tuple[Citation, ...] = ()
    abstained: bool = False
    standalone_question: str | None = None  # the follow-up rewritten from chat history
    sentences: tuple[SentenceSupport, ...] = ()
    generator: str = "extractive"
    model: str | None = None
    fallback: str | None = None  # why the answer came from a fallback, when it did
    timings: dict[str, float] = field(default_factory=dict)
    usage: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["citations"] = [c.to_dict() for c in self.citations]
        out["sentences"] = [s.to_dict() for s in self.sentences]
        return out


@dataclass(frozen=True)
class Checked:
    """A piece of the checked answer, given out as soon as its sentence is checked: an answer
    stream's `Checked` pieces, joined, are its `Answer.text`. A stream holds the draft (`str`
    pieces), these, and then the `Answer`."""

    text: str


def as_sent(stream: Iterable[str | Checked | Answer], checked: bool) -> Iterator[str | Answer]:
    """An answer stream as a door sends it, text pieces and then the `Answer`: the draft as the
    model writes it (`checked=False`: the chat, which strikes what the check removes), or only
    checked text, each sentence as soon as it is checked (`checked=True`: every other door; what
    it sends, joined, is exactly the non-streamed answer, so no client shows an answer twice).
    An answerer that checks no sentence on the way (a quote, a decline) sends its text whole."""
    sent = ""
    for item in stream:
        if isinstance(item, Answer):
            if checked and item.text != sent:
                if not item.text.startswith(sent):
                    raise AssertionError(f"the checked stream {sent!r} is not the start of the "
                                         f"answer {item.text!r}")
                yield item.text[len(sent):]
            yield item
        elif isinstance(item, Checked):
            if checked:
                sent += item.text
                yield item.text
        elif not checked:
            yield item


def final_answer(stream: Iterable[str | Answer]) -> Answer:
    """Drain an answer stream (text pieces, then one Answer) and return the Answer."""
    answer = None
    for item in stream:
        if isinstance(item, Answer):
            answer = item
    if answer is None:
        raise RuntimeError("the answer stream ended without an Answer")
    return answer
