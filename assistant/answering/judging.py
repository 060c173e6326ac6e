"""The second pass over the evidence: the judge reads the best candidates of the prior.

`gather` (`assistant.answering.evidence`) ranks every sentence of the retrieved passages by a
cheap prior; `judged` hands the best of them, each with its title, heading and the sentence
before it, to the judge (`assistant.answering.judge`), whose probability, blended with the
prior, is each sentence's score from then on.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Callable

from ..language.identify import language_of
from ..types import Sentence
from .evidence import Evidence, shortened
from .judge import Candidate, Judge

JUDGED = 24  # candidates the judge reads per question, best by the prior first
# The judge's own probability (not its blend with the prior) that one sentence of a list's,
# comparison's or history's evidence answers the question as asked, below which the question
# is declined (`unanswered`). Off (0.0): on the multi-passage benchmark's tune questions and
# look-alikes (`python -m evals.multi_gate`, evals/results/multi-gate-sweep.json) the gate the
# rule chose (0.5) declined 3 of 20 answerable set questions (key-point recall 0.733 -> 0.611)
# to decline 3 more of 11 look-alikes (0.364 -> 0.636): this judge reads a manual's steps and
# a table's rows, one by one, as not answering. Rerun the sweep for a retrained judge.
SET_GATE = 0.0
BEFORE_GAP = 8  # characters between a sentence and the one before it (breaks, a list marker)


def judged(evidence: Evidence, judge: Judge, top: int = JUDGED,
           section_of: Callable[[Sentence], str | None] = lambda s: None,
           asked: str | None = None) -> Evidence:
    """The judge reads the `top` candidates by the prior, each with its document's title (and
    the heading it sits under, from `section_of`) and the sentence before it. A sentence's
    score becomes `judge.weight` times the judge's probability that it answers plus the rest
    times its prior (`prior` keeps the prior); a candidate the judge did not read counts as 0
    for it. The weight and the threshold are chosen together on tune documents
    (`python -m evals.judge_sweep`, `assistant/answering/judge/model/meta.json`).

    The judge reads the question as the person wrote it (`asked`, when the evidence was
    gathered for its bare topic: "List the fees for …" for "fees for …"), the form it was
    trained on. A question in a language the judge was not trained on (`judge.languages`) is not
    judged: each sentence keeps its prior, scaled so that the prior's own threshold
    (`judge.prior_threshold`, chosen on the same tune documents) falls on the judge's. The
    rules measured against the bar (or a share of it) then decide as the prior alone would;
    the local backend weighs a refusal against its own point for such evidence
    (`unjudged_quote_above`), and the extractive backend's margins, chosen for judged scores,
    are not moved."""
    t0 = time.perf_counter()
    if not reads(judge, asked or evidence.question):
        prior_bar = getattr(judge, "prior_threshold", None) or judge.threshold
        scale = judge.threshold / prior_bar if prior_bar > 0 else 1.0
        return replace(evidence, ranked=tuple(replace(s, score=scale * s.score, prior=s.score)
                                              for s in evidence.ranked),
                       judge=None, judge_s=time.perf_counter() - t0)
    head = list(evidence.ranked[:top])
    probs = judge.score(asked or evidence.question, [
        Candidate(s.sentence.text, _before(evidence, s.sentence),
                  _heading(s.title, section_of(s.sentence))) for s in head])
    w = getattr(judge, "weight", 1.0)
    rescored = [replace(s, score=w * float(p) + (1 - w) * s.score, prior=s.score,
                        answers=float(p)) for s, p in zip(head, probs)]
    rescored += [replace(s, score=(1 - w) * s.score, prior=s.score) for s in evidence.ranked[top:]]
    rescored.sort(key=lambda x: (-x.score, -(x.prior or 0.0)))
    return replace(evidence, ranked=tuple(rescored), judge=judge.name,
                   judge_s=time.perf_counter() - t0)


def reads(judge: Judge, question: str) -> bool:
    """Whether the judge reads the question's language (any, when it names none)."""
    languages = getattr(judge, "languages", None)
    return not languages or language_of(question) in languages


def _heading(title: str, section: str | None) -> str:
    """"Title: section" (as the judge was trained to read "article: section"); the section
    alone for a document without a title."""
    if not section or section == title:
        return title
    return f"{title}: {section}" if title else section


def _before(evidence: Evidence, s: Sentence) -> str:
    """The sentence just before `s` in its document (only white space or a list marker
    between them), when the retrieved text holds it."""
    earlier = [x for x in evidence.context.values()
               if x.source == s.source and 0 <= s.start - x.end <= BEFORE_GAP]
    return max(earlier, key=lambda x: x.end).text if earlier else ""


def unanswered(evidence: Evidence, gate: float | None = None) -> str | None:
    """Why no set of points answers, when the judge read the evidence and found no sentence
    answering the question as asked (its own probability under SET_GATE): a look-alike list
    or comparison ("the fees for hiring a boat" beside a club's membership fees) is otherwise
    answered with the nearest list. None when one does, or when no judge read it."""
    gate = SET_GATE if gate is None else gate
    read = [s for s in evidence.ranked if s.answers is not None]
    if evidence.judge is None or not read:
        return None
    best = max(read, key=lambda s: s.answers)
    if best.answers >= gate:
        return None
    return (f"no sentence answers it as asked: the judge gives the closest, "
            f"“{shortened(best.sentence.text)}”, {best.answers:.2f} (a list, comparison or "
            f"history needs {gate:.2f})")
