"""The project's own small, frozen value types. Framework objects never leave their wrappers."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Iterable

# Kinds of text span inside a document.
HEADLINE = "headline"
BODY = "body"
CAPTION = "caption"
COMMENT = "comment"  # a reader comment: not the publisher's reporting
BYLINE = "byline"
DATELINE = "dateline"
FURNITURE = "furniture"  # sign-up lines, promos, repeated photo captions, related links
INDEXED_KINDS = frozenset({HEADLINE, BODY, CAPTION, COMMENT})
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

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Document:
    meta: DocumentMeta
    text: str  # the whole file, decoded, untouched
    spans: tuple[Span, ...]

    @property
    def source(self) -> str:
        return self.meta.source


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


def final_answer(stream: Iterable[str | Answer]) -> Answer:
    """Drain an answer stream (text pieces, then one Answer) and return the Answer."""
    answer = None
    for item in stream:
        if isinstance(item, Answer):
            answer = item
    if answer is None:
        raise RuntimeError("the answer stream ended without an Answer")
    return answer
