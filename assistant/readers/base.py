"""The readers' shared types: what a reader returns (`Extracted`, made of `Block`s), the one error
it raises (`ReadError`), the `Reader` protocol, and `TextBuilder`, which lays blocks out into one
text with their offsets, pages and heading paths, so every format builds them the same way.

Offsets are character offsets into `Extracted.text`: a quote is `text[start:end]`, verbatim."""

from __future__ import annotations

import bisect
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Protocol

from ..errors import AssistantError
from ..language.names import MONTHS

HEADING, BODY, TABLE, LIST, FURNITURE = "heading", "body", "table", "list", "furniture"
KINDS = frozenset({HEADING, BODY, TABLE, LIST, FURNITURE})  # furniture is never indexed
SECTION_SEP = " › "
BLOCK_SEP = "\n\n"  # between blocks laid out by TextBuilder: a paragraph break
# The most pages a PDF or multi-page image may have. A page tree can list one page object
# again and again: 586 KB of PDF made 100,000 pages (8.8 s, 190 MB to read), so 50 MB could
# make millions. Real documents stay far below (a long legal code has about 5,000).
MAX_PAGES = 20_000


class ReadError(AssistantError):
    """A file that cannot be read. The message is the per-file reason for a person, ending in
    "; skipped", e.g. "encrypted PDF (password required); skipped"."""


@dataclass(frozen=True)
class Block:
    """A paragraph-level unit of the extracted text: text[start:end]."""

    start: int
    end: int
    kind: str  # HEADING, BODY, TABLE, LIST or FURNITURE
    level: int = 0  # 1..6 for headings


@dataclass(frozen=True)
class Extracted:
    """A document's extracted, normalised text, with where things are in it.

    blocks: in order, non-overlapping, covering every non-blank part of `text`.
    pages: (start, end, page number 1-based) per page that has text (PDFs); () otherwise.
    sections: (start offset, heading path "Opening hours › Weekend hours"), sorted by start.
    """

    text: str
    blocks: tuple[Block, ...]
    pages: tuple[tuple[int, int, int], ...] = ()
    sections: tuple[tuple[int, str], ...] = ()
    title: str | None = None
    date: str | None = None  # ISO yyyy-mm-dd
    author: str | None = None
    format: str = "text"  # "pdf", "docx", "html", "markdown", "text"
    page_count: int | None = None
    encoding: str | None = None  # of text formats (utf-8, cp1252); None for binary formats
    _page_starts: tuple[int, ...] = field(default=(), init=False, repr=False, compare=False)
    _section_starts: tuple[int, ...] = field(default=(), init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "_page_starts", tuple(p[0] for p in self.pages))
        object.__setattr__(self, "_section_starts", tuple(s[0] for s in self.sections))

    def block_text(self, block: Block) -> str:
        return self.text[block.start:block.end]


class Reader(Protocol):
    """One format's reader: the file's bytes (and its name, for messages) in, Extracted out.
    Raises ReadError, with a reason for a person, when the file cannot be read."""

    def __call__(self, raw: bytes, name: str) -> Extracted: ...


def page_of(extracted: Extracted, offset: int) -> int | None:
    """The 1-based page holding `offset` (a separator after a page counts as that page), or
    None: not a paged format, or before any text."""
    i = bisect.bisect_right(extracted._page_starts, offset) - 1
    return extracted.pages[i][2] if i >= 0 else None


def section_of(extracted: Extracted, offset: int) -> str | None:
    """The heading path in force at `offset` (the nearest heading before it), or None."""
    i = bisect.bisect_right(extracted._section_starts, offset) - 1
    return extracted.sections[i][1] if i >= 0 else None


# ---------------------------------------------------------------- normalisation

_LIGATURES = {cp: unicodedata.normalize("NFKC", chr(cp)) for cp in range(0xFB00, 0xFB07)}
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u2060\ufeff"), None)  # soft hyphen, zero widths
_INLINE = {**_LIGATURES, **_INVISIBLE}


def clean_inline(s: str, *, keep_lines: bool = False) -> str:
    """Normalise a run of text once, for every format: ligatures (ﬁ ﬂ ﬀ ﬃ ﬄ ﬅ ﬆ) become their
    letters (NFKC on those code points only), soft hyphens and zero-width characters go, and
    whitespace (non-breaking spaces included) collapses to single spaces, keeping line breaks
    when `keep_lines` (a <br>, preformatted text)."""
    s = s.translate(_INLINE)
    if keep_lines:
        lines = (" ".join(line.split()) for line in s.splitlines())
        return "\n".join(line for line in lines if line)
    return " ".join(s.split())


# ---------------------------------------------------------------- building

class Sections:
    """Heading paths: a heading of level n closes every open heading of level >= n."""

    def __init__(self) -> None:
        self._open: list[tuple[int, str]] = []
        self.items: list[tuple[int, str]] = []

    def enter(self, level: int, title: str, start: int) -> None:
        title = " ".join(title.split())
        if not title:
            return
        while self._open and self._open[-1][0] >= level:
            self._open.pop()
        self._open.append((level, title))
        self.items.append((start, SECTION_SEP.join(t for _, t in self._open)))


class TextBuilder:
    """Lays out blocks one after another, separated by a blank line, recording each block's
    offsets, the heading paths and the pages. Readers that re-make the text (PDF, DOCX, HTML)
    use it; text and Markdown keep the file's own text instead.

    A block added with `question=True` (a paragraph of its own that may be an FAQ question) is
    held until the next block shows whether an answer follows it: then it is written as a
    heading one level below the heading in force, named by its question (`question_text`);
    otherwise as the block it was. A held block is not in `blocks` until then: check the built
    Extracted's blocks, not the builder's, for "no text"."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._size = 0
        self.blocks: list[Block] = []
        self.sections = Sections()
        self._pages: list[tuple[int, int, int]] = []
        self._page_first = 0
        self._held: tuple[str, str] | None = None  # a possible question: (text, kind)
        self._level = 0  # of the last heading written that was not a question

    def add(self, text: str, kind: str = BODY, level: int = 0, *, question: bool = False) -> Block | None:
        """Append one block (stripped; nothing for blank text) and return it (None while a
        possible question is held, see the class's docstring)."""
        text = text.strip()
        if not text:
            return None
        if kind not in KINDS:
            raise ValueError(f"block kind must be one of {sorted(KINDS)}. Currently, kind is {kind!r}")
        self._release(text)
        if question:
            self._held = (text, kind)
            return None
        if kind == HEADING:
            self._level = level
        return self._write(text, kind, level)

    def _release(self, following: str | None) -> None:
        """Write the held block: a question heading when `following` answers it."""
        if self._held is None:
            return
        (text, kind), self._held = self._held, None
        question = question_text(text)
        if answer_follows(question is not None, following):
            self._write(" ".join(text.split()), HEADING, min(self._level + 1, 6), question)
        else:
            self._write(text, kind, 0)

    def _write(self, text: str, kind: str, level: int, title: str | None = None) -> Block:
        if self._size:
            self._parts.append(BLOCK_SEP)
            self._size += len(BLOCK_SEP)
        start = self._size
        self._parts.append(text)
        self._size += len(text)
        block = Block(start, self._size, kind, level if kind == HEADING else 0)
        self.blocks.append(block)
        if kind == HEADING:
            self.sections.enter(level, title or text, start)
        return block

    def begin_page(self) -> None:
        self._release(None)
        self._page_first = len(self.blocks)

    def end_page(self, number: int) -> None:
        """Close page `number`: it spans the blocks added since begin_page (none: no span)."""
        self._release(None)
        if len(self.blocks) > self._page_first:
            self._pages.append((self.blocks[self._page_first].start, self.blocks[-1].end, number))

    def build(self, **meta) -> Extracted:
        self._release(None)
        return Extracted(text="".join(self._parts), blocks=tuple(self.blocks),
                         pages=tuple(self._pages), sections=tuple(self.sections.items), **meta)


def iso_date(value) -> str | None:
    """yyyy-mm-dd from a date/datetime, or from a string starting with one (or a PDF date
    "D:20240314..."); None when it holds no valid date."""
    if value is None:
        return None
    if hasattr(value, "date") and callable(value.date):
        value = value.date()
    if hasattr(value, "isoformat") and not isinstance(value, str):
        return value.isoformat()[:10]
    s = str(value).strip()
    m = re.match(r"(?:D:)?(\d{4})-?(\d{2})-?(\d{2})", s)
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
    except ValueError:
        return None


_MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_TEXT_DATES = (re.compile(rf"(?i)^{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b"),  # Oct 7, 2026
               re.compile(rf"(?i)^(\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH},?\s+(\d{{4}})\b"))  # 7 October 2026


def text_date(s: str) -> str | None:
    """yyyy-mm-dd of a date written at the start of `s`: ISO ("2021-07-27 23:51"), "October 7,
    2026" or "7 Oct 2026"; None otherwise (a date the text only mentions later is not taken)."""
    s = s.strip()
    if re.match(r"\d{4}-\d{2}-\d{2}\b", s):
        return iso_date(s)
    for i, pattern in enumerate(_TEXT_DATES):
        if m := pattern.match(s):
            month, day = (m.group(1), m.group(2)) if i == 0 else (m.group(2), m.group(1))
            number = [n[:3] for n in MONTHS].index(month[:3].lower()) + 1
            try:
                return dt.date(int(m.group(3)), number, int(day)).isoformat()
            except ValueError:
                return None
    return None


# Names programs give a document nobody named ("Document1", "Microsoft Word - report.doc").
_PLACEHOLDER_TITLE = re.compile(
    r"(?i)^(?:(?:word|powerpoint|excel)?\s*(?:document|presentation|workbook|book|sheet|slide)\s*\d*"
    r"|microsoft (?:word|powerpoint|excel)\b.*|.*\.(?:docx?|pptx?|xlsx?|odt|rtf|txt|pdf|html?|tmp))$")


def meta_title(value) -> str | None:
    """A metadata title, or None when empty, a placeholder or a name a program made up."""
    s = meta_text(value)
    return None if s is None or _PLACEHOLDER_TITLE.match(s) else s


def plausible_date(value) -> str | None:
    """`iso_date(value)`, or None for a date no document has: before 1980 or after today (a
    clock left at zero, a template's year 1601)."""
    s = iso_date(value)
    if s is None or not "1980-01-01" <= s <= dt.date.today().isoformat():
        return None
    return s


def meta_text(value) -> str | None:
    """A metadata string, stripped; None when empty or a placeholder a tool wrote."""
    s = " ".join(str(value or "").split())
    return s if s and s.lower() not in {"anonymous", "unknown", "untitled", "unspecified"} else None


# ---------------------------------------------------------------- questions and answers

# The marker an FAQ question may start with, left out of its heading: "Q:", "Q.", "Q3)",
# "Question:". A number ("3.2", "(27)") is kept: it is how the document names the question.
_QUESTION_PREFIX = re.compile(r"^(?:q|question)\s*\d*\s*[:.)]\s*", re.I)
_MARKUP = re.compile(r"(?<!\w)[*_]{1,3}|[*_]{1,3}(?!\w)|`")
_QUESTION_END = re.compile(r"\?[\"'”’)\]]*$")
MAX_QUESTION_WORDS = 40
MAX_QUESTION_SENTENCES = 3


def question_text(text: str) -> str | None:
    """The question of an FAQ entry's question line or paragraph, without its "Q:" or bold
    markup ("**Q: Can I pay by card?**" -> "Can I pay by card?"), or None when `text` does not
    read as one: it must end with a question mark and be short (at most 40 words in at most
    three sentences). Whether it stands on its own, with an answer after it, is the layout's
    to say: readers call this for a paragraph (or line) of its own followed by one that is not
    a question, so a question asked inside prose stays body text."""
    s = " ".join(_MARKUP.sub("", text).split())
    if not _QUESTION_END.search(s):
        return None
    s = _QUESTION_PREFIX.sub("", s, count=1)
    words = s.split()
    if not 2 <= len(words) <= MAX_QUESTION_WORDS:
        return None
    if len(re.findall(r"[.!?](?:\s|$)", s)) > MAX_QUESTION_SENTENCES:
        return None
    return s


_QA_LINES = re.compile(r"\A(?P<q>[ \t]*(?:q|question)\s*\d*\s*[:.)][^\n]*\?[^\S\n]*)\n"
                       r"(?P<gap>\s*)(?=(?:a|answer)\s*\d*\s*[:.)])", re.I)


def answer_line_start(paragraph: str) -> int | None:
    """Where the answer starts in a paragraph that holds an FAQ entry's "Q: …?" line and, on the
    next line, its "A: …" (no blank line between them), or None."""
    m = _QA_LINES.match(paragraph)
    if not m or question_text(m.group("q")) is None:
        return None
    return m.end()


def answer_follows(question: bool, following: str | None) -> bool:
    """Whether a question paragraph heads an answer: there is a next paragraph and it is not a
    question itself (a list of questions is a list, not a run of empty answers)."""
    return question and following is not None and question_text(following) is None
