"""The extractive generator: no language model, answers are the best evidence sentences quoted
verbatim with numbered citations. Fast, deterministic, always available, and the fallback of
the generative backends."""

from __future__ import annotations

import re
from typing import Iterator

from .. import text as T
from .evidence import Evidence, ScoredSentence, accounts
from .quoting import QuoteUnit, quote_unit
from ..language.identify import DECLINES, ENGLISH, not_in_documents
from ..language.questions import REASON, asks_for_timeline
from ..types import COMMENT, Answer, Citation, SentenceSupport

_BULLET = re.compile(r"^[-*•▪‣◦]\s+")
NOT_IN_DOCUMENTS = DECLINES[ENGLISH]  # a decline speaks the question's language (`abstention`)


class ExtractiveGenerator:
    name = "extractive"
    model = None

    def __init__(self, abstain_below: float = 0.5, max_sentences: int = 3, margin: float = 0.15,
                 max_accounts: int = 5):
        # the judge's probability the best sentence must reach (the judge's own threshold,
        # chosen on documents no reported figure uses: assistant/answering/judge/model/MODEL_CARD.md)
        self.abstain_below = abstain_below
        self.max_sentences = max_sentences
        self.margin = margin
        self.max_accounts = max_accounts  # dated accounts quoted for a question about change

    def stream(self, question: str, evidence: Evidence) -> Iterator[str | Answer]:
        answer = self.answer(question, evidence)
        yield answer.text
        yield answer

    def answer(self, question: str, evidence: Evidence) -> Answer:
        if evidence.overview:  # a summary, list or comparison: its points, quoted and cited
            if evidence.unstated:  # a list or comparison of something the documents lack
                return abstention(question, evidence.unstated_reason())
            if not evidence.points:
                return abstention(question, evidence.why
                                  or evidence.weak_reason(self.abstain_below))
            return compose(question, evidence, list(evidence.points), generator=self.name,
                           points=True)
        if evidence.unstated:
            return abstention(question, evidence.unstated_reason())
        chosen = self.select(evidence)
        if not chosen:
            return abstention(question, evidence.weak_reason(self.abstain_below))
        return compose(question, evidence, chosen, generator=self.name)

    def select(self, evidence: Evidence) -> list[ScoredSentence]:
        """The best evidence sentences, or [] when the evidence is too weak to answer from."""
        candidates = [s for s in evidence.ranked if s.may_answer]
        if not candidates or candidates[0].score < self.abstain_below:
            return []
        if asks_for_timeline(evidence.question):
            return self._accounts(evidence, candidates)
        best = candidates[0].score
        chosen: list[ScoredSentence] = []
        for s in candidates:
            if len(chosen) == self.max_sentences or s.score < max(self.abstain_below,
                                                                   best - self.margin):
                break
            if not any(T.near_duplicate(s.sentence.text, c.sentence.text) for c in chosen):
                chosen.append(s)
        return self._with_a_cause(evidence, candidates, chosen)

    def _with_a_cause(self, evidence: Evidence, candidates: list[ScoredSentence],
                      chosen: list[ScoredSentence]) -> list[ScoredSentence]:
        """A why-question's quotes include a sentence that states a cause when one scores
        within twice the margin of the best (and half the answer bar): the sentences that restate the asked event
        share its words and outscore the one that says why."""
        if evidence.expects != REASON or any(c.fits_type for c in chosen):
            return chosen
        # the question is answered; a sentence stating a cause needs half the bar (as a dated
        # account does, `_accounts`)
        floor = max(self.abstain_below / 2, candidates[0].score - 2 * self.margin)
        cause = next((s for s in candidates if s.fits_type and s.score >= floor), None)
        if cause is None:
            return chosen
        return chosen[:self.max_sentences - 1] + [cause]


    def _accounts(self, evidence: Evidence, candidates: list[ScoredSentence]) -> list[ScoredSentence]:
        """For a question about change over time: the accounts that each add a source or a
        value of the asked kind (`evidence.accounts`) and state that kind of fact (then half the
        answer threshold is enough) or clear the threshold, oldest first, so no dated version
        is dropped for a stronger-worded one."""
        adding, _ = accounts(candidates, evidence.expects)
        chosen = [s for i, s in enumerate(adding)
                  if i == 0 or s.score >= (self.abstain_below / 2 if s.fits_type
                                           else self.abstain_below)]
        return sorted(chosen[:self.max_accounts], key=lambda s: s.date or "9999")


def human_date(iso: str) -> str:
    """2018-08-24 -> 24 Aug 2018"""
    from datetime import date

    return date.fromisoformat(iso).strftime("%-d %b %Y")


def abstention(question: str, reason: str | None = None) -> Answer:
    return Answer(question=question, text=not_in_documents(question), abstained=True,
                  generator="extractive", fallback=reason)


def _distinct_units(evidence: Evidence, chosen: list[ScoredSentence]
                    ) -> list[tuple[ScoredSentence, QuoteUnit]]:
    """Each chosen sentence's quote, none quoted twice: a sentence quoted with the one it
    leans on ("It is ...") holds that one, so the two quotes become the longer one, given
    where the first of them stood."""
    out: list[tuple[ScoredSentence, QuoteUnit]] = []
    for scored in chosen:
        unit = quote_unit(evidence, scored.sentence)
        same = next((i for i, (s, u) in enumerate(out) if s.source == scored.source
                     and u.start < unit.end and unit.start < u.end), None)
        if same is None:
            out.append((scored, unit))
        elif unit.end - unit.start > out[same][1].end - out[same][1].start:
            out[same] = (out[same][0], unit)
    return out


def compose(question: str, evidence: Evidence, chosen: list[ScoredSentence],
            generator: str = "extractive", fallback: str | None = None,
            points: bool = False) -> Answer:
    """Quote the chosen sentences, each with its citation; say when a quote is a reader comment
    and, when the quotes come from differently dated sources, which source said what when.
    With `points`, one quote per line, as a list ("- quote [1]")."""
    dated = len({c.date for c in chosen}) > 1
    parts, citations, supports = [], [], []
    for n, (scored, unit) in enumerate(_distinct_units(evidence, chosen), 1):
        start, end, quote = unit.start, unit.end, unit.text
        citations.append(Citation(n, scored.source, quote, start, end, scored.title, scored.date,
                                  scored.sentence.kind))
        lead = ""
        if scored.sentence.kind == COMMENT:
            lead = "A reader comment (not the article's reporting) says: "
        elif dated and scored.date:
            lead = f"({human_date(scored.date)}) "
        said = T.normalise_space(quote)
        if points:  # the point's own bullet is the list's: "- - Dark mode" reads as a typo
            said = _BULLET.sub("", said, count=1)
        line = f"{lead}{said} [{n}]"
        parts.append(line)
        supports.append(SentenceSupport(line, (n,), True, scored.dense))
    text = "\n".join(f"- {p}" for p in parts) if points else " ".join(parts)
    return Answer(question=question, text=text, citations=tuple(citations),
                  sentences=tuple(supports), generator=generator, fallback=fallback)
