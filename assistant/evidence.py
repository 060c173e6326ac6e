"""Choosing the sentences that answer a question.

Every sentence of the retrieved passages is scored on what makes it an answer: its meaning
(cosine to the question), how much of the question's rare vocabulary it shares (IDF-weighted
coverage), whether it holds the kind of fact the question asks for (an amount for "how much",
a date for "when", a name for "who", a cause for "why"), and how relevant its passage is. The
ranked sentences feed both generators: the extractive one quotes the best of them, the LLM one
reads them as numbered evidence. Weak best evidence means "the documents don't say".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Iterable

import numpy as np

from . import text as T
from .types import COMMENT, Passage, Sentence

# The kinds of answer a question can ask for, from its wording.
_EXPECTS = (
    ("money", re.compile(r"\bhow much\b|\bwhat (?:did|does|do|will|would) .{0,40}\bcost\b", re.I)),
    ("number", re.compile(r"\bhow many\b|\bwhat (?:percentage|proportion|share|number|fraction)"
                          r"|\bhow often\b", re.I)),
    ("date", re.compile(r"^\s*when\b|\bby when\b|\bwhat (?:year|date|month|day)\b|\bwhich year\b|"
                        r"\bhow long\b|\b(?:date|deadline)s?\b", re.I)),
    ("name", re.compile(r"^\s*who\b|\bwhich (?:organi[sz]ation|firm|company|council|charity|"
                        r"person|group|union|body)\b|\bwhat is the name\b|\bcalled\b", re.I)),
    ("reason", re.compile(r"^\s*why\b|\bhow come\b|\bfor what reasons?\b|\bwhat (?:led|caused|"
                          r"prompted|made|makes)\b|\bwhat (?:was|were|is|are) the (?:main )?"
                          r"(?:reasons?|causes?)\b", re.I)),
)
# Questions about change over time want one dated account per source, not the best three of one.
_TIMELINE = re.compile(r"\bover (?:time|the years)\b|\bhow (?:has|have|did) .{0,60}\bchang|"
                       r"\btimeline\b|\bhistory of\b|\bsince \d{4}\b|\bevolv", re.I)


def asks_for_timeline(question: str) -> bool:
    return bool(_TIMELINE.search(question))


def stated_values(kind: str | None, text: str) -> frozenset[str]:
    """The values of the asked kind a text states: month-and-year dates for a question about
    dates (or about no particular kind of fact), numbers otherwise."""
    if kind in ("date", None):
        return frozenset(re.findall(rf"\b(?:{T.MONTH_RE})\s+\d{{4}}\b", text))
    return frozenset(T.numbers(text))


def accounts(ranked: Iterable[ScoredSentence],
             kind: str | None) -> tuple[list[ScoredSentence], list[ScoredSentence]]:
    """For a question about change over time: the sentences that each add an account, best
    first, and the rest. A sentence adds one when its source has none yet, or when it states
    a value of the asked kind that no account before it states (one article can report both
    the old date and the new one)."""
    adding, rest = [], []
    sources: set[str] = set()
    told: set[str] = set()
    for s in ranked:
        values = stated_values(kind, s.sentence.text) if s.fits_type else frozenset()
        if s.source not in sources or values - told:
            adding.append(s)
            sources.add(s.source)
            told |= values
        else:
            rest.append(s)
    return adding, rest


# The framing of a question about change ("how did ... change over time", "the history of"):
# words about the question's form, not its topic, which no passage needs to repeat.
_TIMELINE_FRAME = re.compile(r"^\s*how (?:has|have|did|does|do|had)\b|\b(?:chang(?:e|ed|es|ing)|"
                             r"evolv(?:e|ed|es|ing))\b|\bover (?:time|the years)\b", re.I)


def search_text(question: str) -> str:
    """What to search and score passages with: the question, less the framing of a question
    about change over time ("How did the opening date change over time?" -> "the opening
    date"; "What is the history of the pier?" is left whole), whose words a short embedding model otherwise weighs as much as the topic's."""
    if not asks_for_timeline(question):
        return question
    framed = _TIMELINE_FRAME.sub(" ", question)
    topic = " ".join(framed.split()).strip(" ?")
    return topic if framed != question and len(T.tokenize(topic)) >= 2 else question


_YES_NO_QUESTION = re.compile(r"^\s*(?:is|are|was|were|am|do|does|did|has|have|had|can|could|will|"
                              r"would|should|shall|may|might|must|isn't|aren't|wasn't|weren't|"
                              r"doesn't|don't|didn't|hasn't|haven't)\b", re.I)


def asks_yes_no(question: str) -> bool:
    """A question a plain "Yes." or "No." can lead the answer to ("Would it be the first...?")."""
    return bool(_YES_NO_QUESTION.match(question))
_LEANS_BACK = re.compile(r"^[\"“‘']?(?:she|he|it|they|this|these|those|its|their|her|his|"
                         r"however|but|therefore|indeed|also)\b|^[\"“]", re.I)  # or continues a quote
# An amount or count answers a question only if its own sentence is about the question's subject:
# at least this share (IDF-weighted) of the question's words must be in that sentence itself.
AMOUNT_FOCUS_MIN = 0.4
_CREDIT = re.compile(r"^(?:picture|photo|image|credit)s?\s*:", re.I)
_CAUSAL = re.compile(r"\b(?:due to|because|given|as a result|owing to|following|in order to|"
                     r"amid|so that|premature|since)\b", re.I)


@dataclass(frozen=True)
class Weights:
    dense: float = 0.50
    coverage: float = 0.35
    passage: float = 0.10
    type_match: float = 0.08
    type_miss: float = 0.12
    ungrounded: float = 0.20  # times the share of the question's names/numbers not found
    title: float = 0.15  # times the share of the question's words in the document's title


@dataclass(frozen=True)
class ScoredSentence:
    sentence: Sentence
    score: float
    dense: float
    coverage: float
    fits_type: bool | None  # None when the question asks for no particular kind of fact
    missing: tuple[str, ...] = ()  # names and numbers of the question this evidence lacks
    title: str = ""
    date: str | None = None

    @property
    def source(self) -> str:
        return self.sentence.source


@dataclass(frozen=True)
class Evidence:
    question: str
    expects: str | None
    passages: tuple[Passage, ...]
    ranked: tuple[ScoredSentence, ...]  # best first
    context: dict[str, Sentence]  # sentence id -> sentence, for every sentence of the passages
    vectors: dict[str, np.ndarray] = field(default_factory=dict, repr=False)  # sentence id -> vector

    @property
    def best(self) -> ScoredSentence | None:
        return self.ranked[0] if self.ranked else None

    def neighbours(self, s: Sentence) -> tuple[Sentence | None, Sentence | None]:
        same = sorted((x for x in self.context.values() if x.source == s.source),
                      key=lambda x: x.start)
        i = next(i for i, x in enumerate(same) if x.id == s.id)
        before = same[i - 1] if i > 0 and same[i - 1].chunk_id == s.chunk_id else None
        after = same[i + 1] if i + 1 < len(same) and same[i + 1].chunk_id == s.chunk_id else None
        return before, after


@dataclass(frozen=True)
class QuoteUnit:
    """The text to quote for a sentence: the sentence itself, plus the sentence before when it
    leans on it ("She added...") or the one after when it only introduces it ("He said:").
    Only whitespace separates neighbouring sentences, so the joined text stays verbatim."""

    start: int
    end: int
    text: str
    sentence_ids: tuple[str, ...]


def quote_unit(evidence: Evidence, s: Sentence) -> QuoteUnit:
    before, after = evidence.neighbours(s)
    if before is not None and T.looks_like_instructions(before.text):
        before = None  # a planted instruction is never joined to a quote
    if after is not None and T.looks_like_instructions(after.text):
        after = None
    parts = [s]
    if before is not None and _LEANS_BACK.match(s.text):
        parts.insert(0, before)
    if after is not None and s.text.rstrip().endswith(":"):
        parts.append(after)
    return QuoteUnit(parts[0].start, parts[-1].end, " ".join(p.text for p in parts),
                     tuple(p.id for p in parts))


def expected_answer(question: str) -> str | None:
    for kind, pattern in _EXPECTS:
        if pattern.search(question):
            return kind
    return None


def fits(kind: str | None, sentence: str, question: str) -> bool | None:
    if kind is None:
        return None
    if kind == "money":
        return T.has_money(sentence)
    if kind == "number":
        return bool(T.numbers(sentence))
    if kind == "date":
        return T.has_date(sentence)
    if kind == "name":
        return bool(T.names(sentence) - T.names(question) - _capitalised(question))
    if kind == "reason":
        return bool(_CAUSAL.search(sentence))
    return None


def _capitalised(text: str) -> set[str]:
    return {T.name_key(w) for w in text.split() if w[:1].isupper()}


def question_entities(question: str) -> set[str]:
    """The names and numbers a question is specifically about."""
    return T.names(question) | T.numbers(question)


def missing_entities(entities: set[str], context: str) -> tuple[str, ...]:
    """Entities of the question that `context` (the sentence's passage, its document's title
    and date) never mentions."""
    have = T.mentions(context) | T.numbers(context)
    return tuple(sorted(e for e in entities if e not in have))


def coverage(question_tokens: list[str], sentence: str, idf: Callable[[str], float],
             context: str = "") -> float:
    """IDF-weighted share of the question's content tokens that the sentence contains; tokens
    found only in its context (the rest of its passage, its document's title) count half."""
    wanted = set(question_tokens)
    total = sum(idf(t) for t in wanted)
    if not total:
        return 0.0
    have = set(T.tokenize(sentence))
    around = set(T.tokenize(context)) - have if context else set()
    return (sum(idf(t) for t in wanted & have) + 0.5 * sum(idf(t) for t in wanted & around)) / total


def title_coverage(question_tokens: list[str], title: str, idf: Callable[[str], float]) -> float:
    """IDF-weighted share of the question's words that the sentence's document title holds. A
    sentence is read in its document's context: when the title says what the question asks
    ("Museum closes its doors"), its body sentences, which may say it in other words ("the
    galleries will not reopen"), rank above look-alikes from documents about something else.
    Worth one question in 60 on the SQuAD tune split (extractive 0.733 -> 0.750 grounded)."""
    wanted = set(question_tokens)
    total = sum(idf(t) for t in wanted)
    return sum(idf(t) for t in wanted & set(T.tokenize(title))) / total if total else 0.0


def gather(question: str, passages: list[Passage], sentences: list[Sentence],
           vectors: np.ndarray, question_vector: np.ndarray, idf: Callable[[str], float],
           weights: Weights = Weights()) -> Evidence:
    expects = expected_answer(question)
    q_tokens = T.tokenize(search_text(question))
    entities = question_entities(question)
    rank_of = {p.chunk_id: i for i, p in enumerate(passages)}
    passage_of = {p.chunk_id: p for p in passages}
    cosines = vectors @ question_vector if len(sentences) else np.zeros(0)
    scored = []
    for s, cos in zip(sentences, cosines):
        p = passage_of.get(s.chunk_id)
        if p is None or _CREDIT.match(s.text) or T.looks_like_instructions(s.text):
            continue  # photo credits say nothing; injected instructions are not evidence
        label = "(reader comment) " if s.kind == COMMENT else ""  # what the sentence is
        context = f"{p.text}\n{p.title} {p.date or ''}"
        cov = coverage(q_tokens, label + s.text, idf, context)
        fit = fits(expects, s.text, question)
        if fit is False and expects == "reason":  # causes are phrased too many ways to insist
            fit = None
        if fit and expects in ("money", "number"):
            fit = coverage(q_tokens, s.text, idf) >= AMOUNT_FOCUS_MIN
        missing = missing_entities(entities, context)
        prior = (p.dense_score or 0.0) * (1.0 / (1 + 0.15 * rank_of[s.chunk_id]))
        in_title = title_coverage(q_tokens, p.title, idf)
        score = (weights.dense * float(cos) + weights.coverage * cov + weights.passage * prior

                 + (weights.type_match if fit else -weights.type_miss if fit is False else 0.0)
                 - (weights.ungrounded * len(missing) / len(entities) if entities else 0.0)
                 + weights.title * in_title)
        scored.append(ScoredSentence(s, score, float(cos), cov, fit, missing, p.title, p.date))
    scored.sort(key=lambda x: (-x.score, x.sentence.source, x.sentence.start))
    return Evidence(question, expects, tuple(passages), tuple(scored),
                    {s.id: s for s in sentences}, {s.id: v for s, v in zip(sentences, vectors)})
