"""The points of an answer that needs a set of passages (`overview.plan` chooses which
documents and which kind): a document's central, non-redundant sentences (`central`,
`summary_points`), every ranked sentence that answers (`listed_points`), and what each named
document says of one thing (`compared_points`). The values below are set a priori, except
LEAD and SUMMARY_POINTS, chosen on the multi-passage benchmark's `tune` questions
(`python -m evals.multi --split tune`)."""

from __future__ import annotations

from typing import Callable, Mapping

import numpy as np

from .. import text as T
from ..readers.base import SECTION_SEP
from ..types import BODY, DocumentMeta, Sentence
from .evidence import Evidence, ScoredSentence, shortened
from .sections import KINDS, DocumentOf, ReadDocument

MAX_POINTS = 6
SUMMARY_POINTS = 6  # a one-document summary, unless the question asks for a number (4 / 5 / 6
# gave the tune summaries key-point recall 0.500 / 0.542 / 0.583, nothing else changed)
PER_DOCUMENT = 2  # a summary of several documents: points from each
REDUNDANT = 0.85  # cosine above which two sentences say the same thing
LIST_GATE = 0.8  # a list's best point needs this share of the bar (each point answers a part)
DIVERSITY = 0.5  # MMR: how much a sentence's likeness to those picked counts against it
LEAD, LEAD_SPAN = 0.3, 3.0  # the opening sentences' bonus, fading over about three sentences
MIN_WORDS = 6  # shorter sentences (labels, fragments) are not summary points


def summary_points(sources: list[str], documents: Mapping[str, DocumentMeta],
                   read_document: ReadDocument, question_vector: np.ndarray,
                   count: int | None, topic: bool, document_of: DocumentOf | None = None,
                   each: int | None = None) -> tuple[list[ScoredSentence], dict]:
    """Each document's central sentences (`each` from every one, else as the count asks), in
    date then document order, and the sentences read (the evidence's context, so quotes are
    checked against them). With `document_of`, part by part (`central`'s `parts`): for a list
    that is a document itself. A summary is not: on the tune questions parts first won a
    release note's later sections (+2 key points) and lost a module reference's central
    sentences and a brief guide's opening (-4)."""
    if each is None:
        each = count or (SUMMARY_POINTS if len(sources) == 1 else PER_DOCUMENT)
        if count and len(sources) > 1:
            each = max(1, -(-count // len(sources)))
    points, context = [], {}
    for source in sources:
        sentences, vectors = read_document(source)
        context.update({s.id: s for s in sentences})
        meta = documents[source]
        document = document_of(source) if document_of else None
        parts = parts_of(document, sentences) if document else None
        for s, centrality, relevance in central(sentences, vectors, question_vector, each, topic,
                                                parts):
            points.append(ScoredSentence(s, centrality, relevance, 0.0, None, title=meta.title,
                                         date=meta.date))
    points = sorted(points, key=lambda p: (p.date or "", p.source, p.sentence.start))
    return points[:min(count or MAX_POINTS, MAX_POINTS)], context


def compared_points(sources: list[str], documents: Mapping[str, DocumentMeta],
                    count: int | None, ask_in: Callable[[str], Evidence], bar: float
                    ) -> tuple[list[ScoredSentence], dict, str | None]:
    """What each named document says of what the comparison asks ("Compare what the 2015 and
    2018 reports say about the launch date"): that asked of each document alone, as a question
    of one fact is (`ask_in`: its passages, the prior, the judge, the look-alike check); the
    best answering sentences of each (half the bar or more, near-duplicates left out) are the
    points, in date then document order; past MAX_POINTS, every document's best comes before
    any one's second. A document none of whose sentences answers is left out; when none
    answers in any (the best under LIST_GATE of the bar), the reason to decline."""
    each = count and max(1, -(-count // len(sources))) or PER_DOCUMENT
    picks, context, best = [], {}, None
    for source in sources:
        evidence = ask_in(source)
        context.update(evidence.context)
        ranked = [s for s in evidence.ranked if s.may_answer and s.sentence.kind in KINDS
                  and not evidence.unstated]
        if ranked and (best is None or ranked[0].score > best.score):
            best = ranked[0]
        picks.append(answering(ranked, each, bar))
    if best is None or best.score < LIST_GATE * bar:
        told = f" (the best, {best.score:.2f}: “{shortened(best.sentence.text)}”)" if best else ""
        return [], {}, (f"no sentence of {', '.join(f'“{documents[s].title}”' for s in sources)}"
                        f" answers it{told}")
    # within the bound, every document's best point first, then each one's next, best first
    flat = [(r, p) for picked in picks for r, p in enumerate(picked)]
    order = sorted(range(len(flat)), key=lambda i: (flat[i][0], -flat[i][1].score))
    points = [flat[i][1] for i in order[:min(count or MAX_POINTS, MAX_POINTS)]]
    return sorted(points, key=lambda p: (p.date or "", p.source, p.sentence.start)), context, None


def central(sentences: list[Sentence], vectors: np.ndarray, question_vector: np.ndarray,
            n: int, topic: bool, parts: list[str | None] | None = None
            ) -> list[tuple[Sentence, float, float]]:
    """The `n` most central sentences (cosine to the centroid; with `topic`, averaged with
    the cosine to the question), picked by maximal marginal relevance so no two say the same;
    with `parts` (each sentence's part of the document), from a part not yet picked from
    while one is left."""
    keep = [i for i, s in enumerate(sentences) if point_like(s)]
    prose = [i for i in keep if sentences[i].kind == BODY]
    if len(prose) >= n:  # a table's row, out of its table, summarises nothing
        keep = prose
    if not keep:
        return []
    v = unit(vectors[keep])
    centroid = unit(v.mean(axis=0, keepdims=True))[0]
    centrality = v @ centroid
    relevance = v @ unit(question_vector.reshape(1, -1))[0]
    # a document opens with what it is about (a news lead, a guide's introduction)
    centrality = centrality + LEAD * np.exp(-np.arange(len(keep)) / LEAD_SPAN)
    score = (centrality + relevance) / 2 if topic else centrality
    chosen: list[int] = []
    while len(chosen) < n:
        likeness = (v @ v[chosen].T).max(axis=1) if chosen else np.zeros(len(keep))
        mmr = score - DIVERSITY * likeness
        mmr[chosen] = -np.inf
        mmr[likeness > REDUNDANT] = -np.inf
        if parts is not None:  # a part of the document not yet heard from goes first
            heard = {parts[keep[i]] for i in chosen}
            fresh = np.array([parts[k] not in heard for k in keep])
            if (fresh & np.isfinite(mmr)).any():
                mmr[~fresh] = -np.inf
        best = int(np.argmax(mmr))
        if not np.isfinite(mmr[best]):
            break
        chosen.append(best)
    return [(sentences[keep[i]], float(score[i]), float(relevance[i])) for i in chosen]


def point_like(s: Sentence) -> bool:
    """Whether a sentence can be a summary's point: prose or a row, not a label, a fragment
    or a line addressed to the assistant."""
    return s.kind in KINDS and len(s.text.split()) >= MIN_WORDS \
        and not T.looks_like_instructions(s.text)


def parts_of(document, sentences: list[Sentence]) -> list[str | None]:
    """Each sentence's part of the document: its section's path cut one level below the
    levels every section shares (a Markdown title heads every path, and the opening under the
    title alone is a part of its own); None before any heading."""
    paths = [document.section_at(s.start) for s in sentences]
    levels = [p.split(SECTION_SEP) for p in paths if p]
    shared = 0
    while levels and all(len(x) > shared and x[shared] == levels[0][shared] for x in levels):
        shared += 1
    return [p and SECTION_SEP.join(p.split(SECTION_SEP)[:shared + 1]) for p in paths]


def listed_points(evidence: Evidence, n: int, bar: float) -> list[ScoredSentence]:
    """Every ranked sentence that clears half the bar, once the best clears LIST_GATE of it,
    near-duplicates left out, in date then document order."""
    ranked = [s for s in evidence.ranked if s.may_answer]
    if not ranked or ranked[0].score < LIST_GATE * bar:
        return []
    return sorted(answering(ranked, n, bar), key=lambda p: (p.date or "", p.source,
                                                             p.sentence.start))


def answering(ranked: list[ScoredSentence], n: int, bar: float) -> list[ScoredSentence]:
    """The first `n` of `ranked` (best first) that clear half the bar and can be a point (prose
    or a row), near-duplicates of those already taken left out; best first."""
    picked: list[ScoredSentence] = []
    for s in ranked:
        if len(picked) == n or s.score < bar / 2:
            break
        if s.sentence.kind not in KINDS or any(
                T.near_duplicate(s.sentence.text, p.sentence.text) for p in picked):
            continue
        picked.append(s)
    return picked


def unit(m: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    return m / np.where(norms == 0, 1.0, norms)
