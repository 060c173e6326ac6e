"""A model's reply made into a checked, cited Answer, sentence by sentence as it streams.

    reply so far ──► sentences surely complete ──► each checked against what it cites
                 ──► a supported one is given out at once (`Checked`), an unsupported one is
                     kept, marked, in `Answer.sentences` ──► Answer (its text: the pieces joined)
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING, Iterator

from .. import text as T
from .citations import (_MARKERS, _YES_NO, SEMANTIC_MIN, YES_NO_LEAD, EvidenceItem, recite,
                        split_answer, verify)
from .evidence import Evidence
from .extractive import human_date
from ..language.questions import asks_for_timeline, asks_yes_no
from ..language.sentences import sentences
from ..types import COMMENT, Answer, Checked, Citation, SentenceSupport

if TYPE_CHECKING:  # pragma: no cover
    from .generation import LLMGenerator


NOT_FOUND = "NOT_IN_SOURCES"
_REFUSAL = re.compile(
    r"not in (?:the )?(?:sources|documents)|(?:sources|documents|they) (?:do not|don't|does not) "
    r"(?:say|mention|state|provide|specify|contain)|not (?:provided|stated|mentioned|given|"
    r"specified|included|available) in|no information|cannot answer|can't answer|unable to answer",
    re.I)


class CheckedReply:
    """A reply checked sentence by sentence as it is written, so that every door can send
    checked text as soon as it is checked, and what it sends is the answer itself.

    `feed` takes the reply so far and gives the `Checked` pieces of the sentences it completed
    that are supported (an unsupported one is dropped, and kept in `Answer.sentences`); `finish`
    checks the rest and makes the Answer; `rest` gives what of its text was not yet sent. The
    pieces sent, joined, are `Answer.text` exactly. Whether the model's wording is trusted at
    all (its mean token log-probability, when the backend reports it) is decided once, at its
    first supported sentence, before anything is sent: below `unsure_below` the reply gives way
    to a quote of the evidence and the model is stopped (`quoting` says why)."""

    def __init__(self, generator: LLMGenerator, question: str, items: list[EvidenceItem],
                 evidence: Evidence, logprobs):
        self.generator = generator
        self.question = question
        self.items = items
        self.evidence = evidence
        self.by_number = {i.number: i for i in items}
        self.logprobs = logprobs  # () -> the reply's tokens so far, or None
        self.confidence: float | None = None  # given for a whole reply; else measured
        self.done = 0  # characters of the reply already checked
        self.supports: list[SentenceSupport] = []
        self.kept: list[SentenceSupport] = []
        self.order: dict[int, int] = {}  # cited item -> its number in the answer
        self.sent = ""  # what `feed` has given out
        self.quoting: str | None = None

    def _text(self, raw: str) -> str:
        # a "Yes." before an answer to "why" or "what" misleads
        return raw if asks_yes_no(self.question) else YES_NO_LEAD.sub("", raw)

    def feed(self, raw: str) -> list[Checked]:
        if self.quoting:
            return []
        text = self._text(raw)
        cut = complete_upto(text, self.done)
        if cut <= self.done:
            return []
        pieces = split_answer(text[self.done:cut])
        self.done = cut
        checked = self._check(pieces)
        self.sent += "".join(c.text for c in checked)
        return checked

    def _check(self, pieces: list[tuple[str, tuple[int, ...]]]) -> list[Checked]:
        out: list[Checked] = []
        pieces = [(p, cited) for p, cited in pieces if not _refusal(p, cited)]
        embedder = self.generator.embedder
        vectors = embedder.embed([p for p, _ in pieces]) if pieces else ()
        floor = getattr(embedder, "semantic_floor", SEMANTIC_MIN)
        for (sentence, cited), vector in zip(pieces, vectors):
            support = verify(sentence, cited, self.by_number, vector, self.question, floor)
            if not support.supported:
                support = recite(sentence, cited, self.by_number, vector, self.question,
                                 floor) or support
            self.supports.append(support)
            if not support.supported:
                continue
            if not self.kept and (why := self._unsure()):
                self.quoting = why
                break
            self.kept.append(support)
            for n in support.citations:
                self.order.setdefault(n, len(self.order) + 1)
            part = written(support, self.order, self.by_number)
            out.append(Checked(f" {part}" if self.kept[1:] else part))
        return out

    def _unsure(self) -> str | None:
        confidence = self.confidence
        if confidence is None:
            confidence = mean_logprob(self.logprobs())
        if (confidence is not None and confidence < self.generator.unsure_below
                and self.generator.fallback.select(self.evidence)):
            return (f"the model was unsure of its wording (mean token log-probability "
                    f"{confidence:.2f})")
        return None

    def finish(self, raw: str) -> Answer:
        gen, question, evidence = self.generator, self.question, self.evidence
        if not self.quoting:
            text = self._text(raw)
            rest, self.done = text[self.done:], len(text)
            self._check(split_answer(rest) if rest.strip() else [])
        if self.quoting:
            return gen._fallback(question, evidence, self.supports, raw, why=self.quoting)
        if not self.kept:
            return gen._fallback(question, evidence, [] if refused_whole(raw) else self.supports, raw)
        kept, supports = self.kept, self.supports
        if asks_for_timeline(question):
            extra = untold_accounts(kept, self.items, gen.gate, gen.fallback.max_accounts)
            kept, supports = kept + extra, supports + extra
        return gen._labelled(compose(question, kept, supports, self.by_number))

    def rest(self, answer: Answer) -> list[Checked]:
        """What of the answer's text `feed` has not given out (the answer grows from what was
        sent; `types.as_sent` checks that it did)."""
        left = answer.text[len(self.sent):]
        return [Checked(left)] if left else []


_PARTIAL_MARKER = re.compile(r"\[[\d\s,;]*$")


def complete_upto(text: str, start: int) -> int:
    """Where the sentences of `text[start:]` that are surely complete end: those followed by
    the start of another sentence (citation markers after a full stop go with the sentence
    before; a lone "Yes." or "No." waits for the claim it leads). `start` when there are none."""
    pending = _MARKERS.sub(lambda m: " " * len(m.group(0)), text[start:])
    pending = _PARTIAL_MARKER.sub(lambda m: " " * len(m.group(0)), pending)
    spans = [(a, b) for a, b in sentences(pending) if any(c.isalnum() for c in pending[a:b])]
    done = spans[:-1]
    if done and _YES_NO.match(pending[done[-1][0]:done[-1][1]]):
        done = done[:-1]
    return start + spans[len(done)][0] if done else start


# ---------------------------------------------------------------- answer → Answer

def untold_accounts(kept: list[SentenceSupport], items: list[EvidenceItem], bar: float,
                    most: int) -> list[SentenceSupport]:
    """For a question about change over time: the dated account of each source the answer
    left out that quoting would give (`ExtractiveGenerator._accounts`: it states the kind of
    fact asked for and clears half the answer bar, or clears the bar), quoted verbatim, so no
    source's version is dropped silently and the answer holds every account quoting holds."""
    cited_sources = {i.source for s in kept for i in items if i.number in s.citations}
    extra = []
    for item in items:
        if len(cited_sources) >= most:
            break
        if item.source in cited_sources or not item.date or item.score < (
                bar / 2 if item.fits_type else bar):
            continue
        cited_sources.add(item.source)
        quote = T.normalise_space(item.text)
        extra.append(SentenceSupport(f"({human_date(item.date)}) {quote}", (item.number,), True,
                                     1.0, ("quoted: the model's answer left this source out",)))
    return extra


def compose(question: str, kept: list[SentenceSupport], all_supports: list[SentenceSupport],
            items: dict[int, EvidenceItem]) -> Answer:
    """Renumber citations in order of first use; flag reader comments in the text."""
    order: dict[int, int] = {}
    for s in kept:
        for n in s.citations:
            order.setdefault(n, len(order) + 1)
    parts = [written(s, order, items) for s in kept]
    citations = tuple(
        Citation(new, items[old].source, items[old].text, items[old].start, items[old].end,
                 items[old].title, items[old].date, items[old].kind)
        for old, new in sorted(order.items(), key=lambda kv: kv[1]))
    renumbered = tuple(replace(s, citations=tuple(order[n] for n in s.citations if n in order))
                       for s in all_supports)
    return Answer(question=question, text=" ".join(parts), citations=citations,
                  sentences=renumbered)


def written(s: SentenceSupport, order: dict[int, int], items: dict[int, EvidenceItem]) -> str:
    """One checked sentence as the answer shows it: its citations renumbered in `order`, and
    flagged when it rests on a reader comment."""
    text = s.text.rstrip()
    if any(items[n].kind == COMMENT for n in s.citations) and "comment" not in text.lower():
        text = f"According to a reader comment (not reporting): {text}"
    marks = "".join(f"[{order[n]}]" for n in s.citations)
    return f"{text} {marks}" if text.endswith(_SENTENCE_ENDS) else f"{text}. {marks}"


_SENTENCE_ENDS = (".", "!", "?", "。", "！", "？", "؟", "।")  # and CJK, Arabic, Devanagari ends


def mean_logprob(tokens) -> float | None:
    """The mean log-probability of a reply's tokens, or None when the backend gave none."""
    if not tokens:
        return None
    return sum(t.logprob for t in tokens) / len(tokens)


def refused_whole(raw: str) -> bool:
    """A whole reply saying the sources do not answer (and citing none of them)."""
    stripped = raw.strip()
    return (not stripped or NOT_FOUND in stripped
            or (_REFUSAL.search(stripped) is not None and "[" not in stripped))


def _refusal(sentence: str, cited: tuple[int, ...]) -> bool:
    """A sentence saying the sources do not answer (and citing none of them)."""
    return NOT_FOUND in sentence or (not cited and _REFUSAL.search(sentence) is not None)


def hold_back_refusal(stream: Iterator[str]) -> Iterator[str]:
    """Do not stream the NOT_IN_SOURCES sentinel: hold text back until it cannot be it."""
    buffer = ""
    decided = False
    for delta in stream:
        if decided:
            yield delta
            continue
        buffer += delta
        probe = buffer.lstrip()
        if NOT_FOUND.startswith(probe) or probe.startswith(NOT_FOUND):
            continue
        decided = True
        yield buffer
    if not decided and buffer and NOT_FOUND not in buffer:
        yield buffer
