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
from .evidence import Evidence
from .judge import Candidate, Judge

JUDGED = 24  # candidates the judge reads per question, best by the prior first
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

    A question (`asked`: the question as the person wrote it, when the evidence was gathered
    for its bare topic) in a language the judge was not trained on (`judge.languages`) is not
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
    probs = judge.score(evidence.question, [
        Candidate(s.sentence.text, _before(evidence, s.sentence),
                  _heading(s.title, section_of(s.sentence))) for s in head])
    w = getattr(judge, "weight", 1.0)
    rescored = [replace(s, score=w * float(p) + (1 - w) * s.score, prior=s.score)
                for s, p in zip(head, probs)]
    rescored += [replace(s, score=(1 - w) * s.score, prior=s.score) for s in evidence.ranked[top:]]
    rescored.sort(key=lambda x: (-x.score, -(x.prior or 0.0)))
    return replace(evidence, ranked=tuple(rescored), judge=judge.name,
                   judge_s=time.perf_counter() - t0)


def reads(judge: Judge, question: str) -> bool:
    """Whether the judge reads the question's language (any, when it names none)."""
    languages = getattr(judge, "languages", None)
    return not languages or language_of(question) in languages


def _heading(title: str, section: str | None) -> str:
    """"Title: section" (as the judge was trained to read "article: section")."""
    return f"{title}: {section}" if section and section != title else title


def _before(evidence: Evidence, s: Sentence) -> str:
    """The sentence just before `s` in its document (only white space or a list marker
    between them), when the retrieved text holds it."""
    earlier = [x for x in evidence.context.values()
               if x.source == s.source and 0 <= s.start - x.end <= BEFORE_GAP]
    return max(earlier, key=lambda x: x.end).text if earlier else ""
