"""What to quote for a chosen sentence.

A sentence is quoted with the sentence before it when it leans on it ("She added..."), with the
one after when it only introduces it ("He said:"), and a term on a line of its own with the
paragraph that describes it. The quote is always one stretch of one retrieved passage, so it
stays verbatim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import text as T
from ..language.sentences import list_item
from ..types import BODY, Passage, Sentence
from .evidence import Evidence, _label

_LEANS_BACK = re.compile(r"^[\"“‘']?(?:she|he|it|they|this|these|those|its|their|her|his|"
                         r"however|but|therefore|indeed|also)\b|^[\"“]", re.I)  # or continues a quote


@dataclass(frozen=True)
class QuoteUnit:
    """The text to quote for a sentence: the sentence itself, plus the sentence before when it
    leans on it ("She added...") or the one after when it only introduces it ("He said:"), or
    the term line above it, or the description below it (`_term_of`). Only whitespace
    separates neighbouring sentences, so the joined text stays verbatim."""

    start: int
    end: int
    text: str
    sentence_ids: tuple[str, ...]


def quote_unit(evidence: Evidence, s: Sentence) -> QuoteUnit:
    before, after = evidence.neighbours(s)
    parts = [s]
    if (_joinable(evidence, before, s) and _LEANS_BACK.match(s.text)
            or _term_of(evidence, before, s)):
        parts.insert(0, before)
    if (_joinable(evidence, s, after) and s.text.rstrip().endswith(":")
            or _term_of(evidence, s, after)):
        parts.append(after)
    start, end = parts[0].start, parts[-1].end
    # the joined text must lie in one retrieved passage (a sentence past a passage's edge, with
    # its neighbour inside, is quoted alone)
    text = _verbatim(evidence, s.source, start, end) if len(parts) > 1 else None
    if text is None:
        return QuoteUnit(s.start, s.end, s.text, (s.id,))
    return QuoteUnit(start, end, text, tuple(p.id for p in parts))


def _joinable(evidence: Evidence, first: Sentence | None, second: Sentence | None) -> bool:
    """Two neighbouring sentences may make one quote when they stand in one paragraph of one
    retrieved passage (a heading and its paragraph do not), and neither is a planted
    instruction."""
    if first is None or second is None:
        return False
    if T.looks_like_instructions(first.text) or T.looks_like_instructions(second.text):
        return False
    gap = _verbatim(evidence, first.source, first.end, second.start)
    return gap is not None and not _BLANK_LINE.search(gap) and first.kind == second.kind


_BLANK_LINE = re.compile(r"\n[ \t\r]*\n")
TERM_WORDS = 12  # a line this short, standing alone without a stop, names what follows it
_STOP = re.compile(r"[.!?:;…][\"'”’)\]]*$")


def _term_like(text: str) -> bool:
    """One line, of at most TERM_WORDS words, that ends without a stop."""
    text = text.strip()
    return bool(text) and "\n" not in text and not _STOP.search(text) and len(text.split()) <= TERM_WORDS


def _term_of(evidence: Evidence, term: Sentence | None, described: Sentence | None) -> bool:
    """Whether `term` is a line that names what the paragraph after it describes: a reference
    page's entry ("exception gzip.BadGzipFile", "secrets.compare_digest(a, b)") above its
    description, a licence's defined term ('1.7. "Larger Work"') above "means ...", a manual's
    numbered heading that its reader gave as body text. A line of its own (a line break on
    each side), of at most TERM_WORDS words and without a stop, in body text, followed in the
    same passage by the next paragraph (one blank line at most between them), which is no
    such line itself. Quoted alone, the term does not say what it is, and its description
    does not say what it describes: a quote of either holds both."""
    if term is None or described is None or term.kind != BODY or described.kind != BODY:
        return False
    if T.looks_like_instructions(term.text) or T.looks_like_instructions(described.text):
        return False
    if not _term_like(term.text) or _label(term):
        return False  # a sentence, or a heading that names a section ("OPENING HOURS")
    if _term_like(described.text):
        return False  # a heading over a term heads the term's entry, not the term
    if list_item(term.text) or list_item(described.text):
        return False  # a list's items, each a line without a stop, are items, not terms
    passage = _holding(evidence, term.source, term.start, described.start)
    if passage is None:
        return False  # the two are not quoted together unless one passage holds both
    gap = passage.text[term.end - passage.start:described.start - passage.start]
    if "\n" not in gap or gap.count("\n") > 2 or gap.strip():
        return False
    line_start = passage.text[:term.start - passage.start].rsplit("\n", 1)[-1]
    return not line_start.strip()  # nothing before it on its line


def _holding(evidence: Evidence, source: str, start: int, end: int) -> Passage | None:
    """A retrieved passage that holds the document's text[start:end]."""
    return next((p for p in evidence.passages
                 if p.source == source and p.start <= start and end <= p.end), None)


def _verbatim(evidence: Evidence, source: str, start: int, end: int) -> str | None:
    """The document's own text[start:end], from a retrieved passage that holds it."""
    p = _holding(evidence, source, start, end)
    return None if p is None else p.text[start - p.start:end - p.start]
