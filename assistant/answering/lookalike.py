"""Which specific terms of a question its evidence's documents never state: a look-alike
question's mark (`language.terms` says what counts as a term and as stating it).

An ordinary question is checked against the document of its best evidence. A comparison or a
history spans documents ("compare 4.2.0 with 4.2.1", "from 2018 to 2021"), so a term of one
counts as stated when any of the documents of its best evidence (SECTION_VOTERS) states it,
or, for a year, when a document is dated that year; a comparison's also when every word of it
is in the corpus's words (`word_held`): its sides may sit in documents its evidence missed. A
history's names are not looked for in the whole corpus ("the history of the Golden Gate
Bridge" beside a document on the Brooklyn Bridge stays a look-alike)."""

from __future__ import annotations

from dataclasses import replace
from typing import Callable, Iterable, Sequence

from ..language.questions import COMPARE, SUMMARY, TIMELINE
from ..language.terms import DocumentTerms, unstated_by_all
from ..text import tokenize
from .evidence import Evidence, ScoredSentence
from .sections import SECTION_VOTERS


def marked(evidence: Evidence, question: str, kind: str | None,
           terms_of: Callable[[str], DocumentTerms | None], word_held: Callable[[str], bool],
           dates: Iterable[str | None]) -> Evidence:
    """The evidence with its look-alike mark: the terms its documents lack (`unstated_terms`)
    and, when another document of the corpus holds every word of one of them, the documents
    that were checked, so that a decline says where the term is missing, not that the
    documents never mention it."""
    unstated = unstated_terms(question, kind, evidence.ranked, terms_of, word_held, dates)
    elsewhere = any(words and all(map(word_held, words))
                    for words in (tokenize(t) for t in unstated))
    checked = tuple(dict.fromkeys(s.source for s in _checked(kind, evidence.ranked)))
    return replace(evidence, unstated=unstated, unstated_in=checked if elsewhere else ())


def _checked(kind: str | None, ranked: Sequence[ScoredSentence]) -> Sequence[ScoredSentence]:
    """The evidence whose documents are checked for the question's terms."""
    return ranked[:SECTION_VOTERS if kind in (COMPARE, TIMELINE) else 1]


def unstated_terms(question: str, kind: str | None, ranked: Sequence[ScoredSentence],
                   terms_of: Callable[[str], DocumentTerms | None],
                   word_held: Callable[[str], bool], dates: Iterable[str | None]
                   ) -> tuple[str, ...]:
    """The terms of `question` (of `kind`, None for a single fact) that its evidence lacks;
    none for a summary (it names its documents, not facts)."""
    if kind == SUMMARY:
        return ()
    spans = kind in (COMPARE, TIMELINE)
    among = _checked(kind, ranked)
    terms = [t for t in map(terms_of, dict.fromkeys(s.source for s in among)) if t]
    if not spans:
        return unstated_by_all(question, terms)
    years = {d[:4] for d in dates if d}
    return unstated_by_all(question, terms, lambda t: all(
        w in years or (kind == COMPARE and word_held(w)) for w in tokenize(t)))
