"""Choosing the sentences that answer a question.

Two passes. `gather` ranks every sentence of the retrieved passages by a cheap prior; `judged`
(`assistant.answering.judging`) hands the best of them to the judge
(`assistant.answering.judge`, a cross-encoder the project trains), which reads each with its
context and gives the probability that it answers the question.
That probability is the sentence's score from then on: it orders the evidence, and whether the
best of it reaches the judge's threshold decides between an answer and a decline.

The prior: every sentence of the retrieved passages is scored on what makes it an answer: its meaning
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

from .. import text as T
from ..language import names as N
from ..language import questions as Q
from ..language.identify import language_of
from ..language.sentences import list_item
from ..language.terms import subject_words
from ..types import COMMENT, HEADLINE, Passage, Sentence


def stated_values(kind: str | None, text: str) -> frozenset[str]:
    """The values of the asked kind a text states: month-and-year dates for a question about
    dates (or about no particular kind of fact), numbers otherwise."""
    if kind in (Q.WHEN, Q.CLOCK, None):
        return frozenset(N.month_years(text))
    return frozenset(N.numbers(text))


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


# An amount or count fits its question only if its own sentence (with the line that
# introduces it) is about what the question asks the amount of: at least this share
# (IDF-weighted) of the question's nouns, names and adjectives, its verbs left out ("fees ...
# rise by 5%" is about "how much are the fees going up").
AMOUNT_FOCUS_MIN = 0.4
_CREDIT = re.compile(r"^(?:picture|photo|image|credit)s?\s*:", re.I)


@dataclass(frozen=True)
class Weights:
    dense: float = 0.50
    coverage: float = 0.35
    passage: float = 0.10
    type_match: float = 0.08
    type_miss: float = 0.12
    ungrounded: float = 0.20  # times the share of the question's names/numbers not found
    title: float = 0.15  # times the share of the question's words in the document's title
    # A cause stated in a document whose title states what the question asks about ("why was
    # the plan shelved?" and a title "... shelves plan"): the title says the event, the body's
    # causal sentence says why, in words the question need not share.
    cause_in_title: float = 0.10


def shortened(text: str, width: int = 90) -> str:
    """`text` on one line, cut at a word to `width` characters (for a reason given)."""
    text = T.normalise_space(text)
    return text if len(text) <= width else text[:width - 3].rsplit(" ", 1)[0] + " …"


SURE = 0.5  # the judge's own probability above which a sentence answers whatever its kind


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
    prior: float | None = None  # the cheap score `gather` gave, once the judge has scored it
    answers: float | None = None  # the judge's own probability that it answers, if it read it
    # states an amount of the asked kind, but of something else than the question asks about
    # (`_kind_fit`): a misfit the judge, which reads "costs NOK 100" as answering any "how
    # much does it cost", does not see
    of_other: bool = False

    @property
    def source(self) -> str:
        return self.sentence.source

    @property
    def may_answer(self) -> bool:
        """Whether it may be given as an answer: it states the asked kind of fact, or the
        question asks for none; or the judge is sure it answers (its own probability at least
        SURE), unless it states an amount of something else. The judge reads a fact in a form
        the kind patterns do not ("two per cent", a filter called "x86", who a named person
        is); an amount of something else it takes for the asked one ("costs NOK 100" for any
        "how much")."""
        if self.fits_type is not False:
            return True
        return self.answers is not None and self.answers >= SURE and not self.of_other


@dataclass(frozen=True)
class Evidence:
    question: str
    expects: str | None
    passages: tuple[Passage, ...]
    ranked: tuple[ScoredSentence, ...]  # best first
    context: dict[str, Sentence]  # sentence id -> sentence, for every sentence of the passages
    vectors: dict[str, np.ndarray] = field(default_factory=dict, repr=False)  # sentence id -> vector
    # Specific terms of the question (names, numbers, qualifiers) that the best evidence's
    # document never states (a comparison's: none of its best evidence's documents, nor any
    # other): a look-alike question, which both backends decline.
    unstated: tuple[str, ...] = ()
    # the documents checked for them, when another document of the corpus does mention one
    # (empty: no document does)
    unstated_in: tuple[str, ...] = ()
    judge: str | None = None  # the judge that scored `ranked`, if one did
    judge_s: float = 0.0  # seconds the judge took
    # A question that wants a set of passages (`overview`): its kind (summary, list, compare)
    # and the sentences chosen to cover it, in the order they are to be given.
    overview: str | None = None
    points: tuple[ScoredSentence, ...] = ()
    why: str | None = None  # why a set question's points were not taken, when they were not

    def unstated_reason(self) -> str | None:
        if not self.unstated:
            return None
        terms = ", ".join(f"“{t}”" for t in self.unstated)
        if not self.unstated_in:
            return f"the documents never mention {terms}, which the question asks about"
        if len(self.unstated_in) == 1:
            where = f"the document of the closest evidence, {self.unstated_in[0]}, never mentions"
        else:
            where = (f"the documents of the closest evidence ({', '.join(self.unstated_in)}) "
                     f"never mention")
        return f"{where} {terms}, which the question asks about"

    def weak_reason(self, threshold: float) -> str:
        """Why no sentence answers: the closest candidate and its score against the bar."""
        best = self.best
        if best is None:
            return "no passage of the documents is close to this question"
        return (f"no sentence answers it: the closest, “{shortened(best.sentence.text)}”, "
                f"scores {best.score:.2f} (an answer needs {threshold:.2f})")

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


def _introduced(sentences: list[Sentence]) -> dict[str, str]:
    """sentence id -> the sentence that introduces it ("To paint one wall you need:" before
    "- 2 litres of primer", "- 3 litres of emulsion", ...): a list item or quotation is about
    what its introduction names, and so is every further item of the list."""
    out: dict[str, str] = {}
    for before, s in zip(sentences, sentences[1:]):
        if before.source != s.source:
            continue
        if before.text.rstrip().endswith(":"):
            out[s.id] = before.text
        elif before.id in out and list_item(before.text) and list_item(s.text):
            out[s.id] = out[before.id]  # the next item of the same introduced list
    return out


LABEL_WORDS = 4  # a heading this short ("## Opening hours") names a section, it states nothing
CAPS_HEADING_WORDS = 8  # a line in capitals up to this long, unpunctuated, is a heading


_TAG = re.compile(r"<[^<>\n]*>")
# a manual's numbered section heading ("3 Basic Concepts", "2.1. Installing"), Markdown or not:
# a capital after the number ("3 killed as storm hits", "1.5 million visit" are headlines)
_NUMBERED_HEADING = re.compile(r"^(?:#+\s*)?\d{1,2}(?:\.\d{1,2})*\.?\s+([^\W\d_])")
# a line (or list item) that is nothing but Markdown links: a contents entry or a link list
_LINKS_ONLY = re.compile(r"^(?:[-*+]|\d+[.)])?\s*(?:\[[^\]\n]*\]\([^)\s]*\)[\s,;|·•-]*)+$")


def _label(s: Sentence) -> bool:
    """A line that names or introduces what follows and states nothing itself: a short
    heading (its markup not counted as words), a numbered section heading ("3 Basic
    Concepts"), a heading set in capitals in plain text ("OPENING HOURS"), a line that ends
    in a colon ("To paint one wall you need:"), or one that is only links ("- [Handle invalid
    TOML](#handle-invalid-toml)")."""
    text = s.text.strip()
    words = re.findall(r"[^\W_]+", _TAG.sub(" ", text))  # markup is no words ("<a name=…>")
    numbered = _NUMBERED_HEADING.match(text)
    if s.kind == HEADLINE and (len(words) <= LABEL_WORDS or text.endswith("?")
                               or (numbered is not None and numbered.group(1).isupper())):
        return True  # a short or numbered heading names a section; an FAQ's question asks
    if text.endswith(":") or _LINKS_ONLY.match(text):
        return True  # introduces what follows; a line that is only links says where to read
    # capitals: letters of a script with case (Han, kana and Arabic have none: a sentence in
    # them is no heading set in capitals, whatever capitals it quotes, as "(NFL)")
    letters = [c for c in text if c.isalpha()]
    cased = [c for c in letters if c.isupper() or c.islower()]
    return (len(cased) >= 2 and 2 * len(cased) > len(letters)
            and not any(c.islower() for c in cased)
            and len(words) <= CAPS_HEADING_WORDS and text[-1:] not in ".!?")


def question_entities(question: str) -> set[str]:
    """The names and numbers a question is specifically about."""
    return N.names(question, language_of(question)) | N.numbers(question)


def missing_entities(entities: set[str], context: str) -> tuple[str, ...]:
    """Entities of the question that `context` (the sentence's passage, its document's title
    and date) never mentions."""
    have = N.mentions(context) | N.numbers(context)
    return tuple(sorted(e for e in entities if e not in have))


CAUSE_TITLE_MIN = 0.4  # share of the question's words a title must hold to state its event (0.4-0.5: one plateau)


def _kind_fit(expects: str | None, s: Sentence, question: str, subject: list[str],
              idf: Callable[[str], float], focus: str, in_title: float,
              weights: Weights, title: str = "") -> tuple[bool | None, float, bool]:
    """Whether the sentence states the kind of fact asked for (None: no kind asked, or no
    judgement), any bonus on top of the type credit, and whether it states an amount of the
    asked kind of something else (`ScoredSentence.of_other`). `focus`: the sentence with the
    line that introduces it; its document's `title` counts half (`coverage`'s context): in
    "Harbourside Clinic: patient handbook", "The first appointment costs 90 euros" is a fee of
    the clinic the title names."""
    fit = Q.fits(expects, s.text, question)
    if expects == Q.REASON:
        return (*_reason_fit(fit, s, in_title, weights), False)
    if (fit and expects in Q.AMOUNT_LABELS
            and coverage(subject, focus, idf, title) < AMOUNT_FOCUS_MIN):
        # an amount, but not of what was asked
        return (False, 0.0, True) if Q.misfit_counts(question) else (None, 0.0, False)
    return fit, 0.0, False


def _reason_fit(fit: bool | None, s: Sentence, in_title: float,
                weights: Weights) -> tuple[bool | None, float]:
    """For a why-question: a sentence that gives a cause fits, and more so in a document whose
    title states the asked event; a headline that gives none states the event, not its cause
    (it misfits); any other sentence is left neutral, since causes are phrased too many ways
    to insist on a connective. Chosen on the SQuAD tune split's why-questions, the rewordings
    and the golden set's why-questions together (evals.evidence_rank --only reason)."""
    if fit:
        return True, weights.cause_in_title if in_title >= CAUSE_TITLE_MIN else 0.0
    return (False if s.kind == HEADLINE else None), 0.0


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
    expects = Q.expected(question)
    q_tokens = T.tokenize(Q.search_text(question, T.tokenize))
    entities = question_entities(question)
    rank_of = {p.chunk_id: i for i, p in enumerate(passages)}
    passage_of = {p.chunk_id: p for p in passages}
    cosines = vectors @ question_vector if len(sentences) else np.zeros(0)
    intro = _introduced(sentences)
    # what an amount must be of: the question's nouns and names, not its verbs ("go up"), nor
    # the nouns that name the amount asked for ("What are the fees at the clinic?": clinic)
    subject = q_tokens
    if expects in Q.AMOUNT_LABELS and (nouns := subject_words(question, language_of(question))):
        asked = set(T.tokenize(" ".join(Q.amount_nouns(question, expects))))
        subject = [w for w in nouns if w not in asked] or nouns
    scored = []
    for s, cos in zip(sentences, cosines):
        p = passage_of.get(s.chunk_id)
        if p is None or _CREDIT.match(s.text) or T.looks_like_instructions(s.text) or _label(s):
            continue  # photo credits and labels say nothing; injected instructions are not evidence
        label = "(reader comment) " if s.kind == COMMENT else ""  # what the sentence is
        context = f"{p.text}\n{p.title} {p.date or ''}"
        cov = coverage(q_tokens, label + s.text, idf, context)
        in_title = title_coverage(q_tokens, p.title, idf)
        fit, bonus, of_other = _kind_fit(expects, s, question, subject, idf,
                                         f"{intro.get(s.id, '')} {s.text}", in_title, weights,
                                         p.title)
        missing = missing_entities(entities, context)
        prior = (p.dense_score or 0.0) * (1.0 / (1 + 0.15 * rank_of[s.chunk_id]))
        score = (weights.dense * float(cos) + weights.coverage * cov + weights.passage * prior
                 + (weights.type_match if fit else -weights.type_miss if fit is False else 0.0)
                 - (weights.ungrounded * len(missing) / len(entities) if entities else 0.0)
                 + weights.title * in_title + bonus)
        scored.append(ScoredSentence(s, score, float(cos), cov, fit, missing, p.title, p.date,
                                     of_other=of_other))
    scored.sort(key=lambda x: (-x.score, x.sentence.source, x.sentence.start))
    return Evidence(question, expects, tuple(passages), tuple(scored),
                    {s.id: s for s in sentences}, {s.id: v for s, v in zip(sentences, vectors)})
