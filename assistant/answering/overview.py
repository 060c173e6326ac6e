"""Answers that need a set of passages: a summary of a document (or several, or a topic), a
list, a comparison. The evidence of an ordinary question is gathered for one best sentence;
these want coverage: the central, non-redundant sentences of the documents meant, or every
sentence the judge finds answering the question, in document and date order.

    SUMMARY   the documents meant: the ones the question names (title or file-name words, or
              a year that dates exactly those), every document ("the documents"), else the
              documents of the best passages for the topic; from each, its most central
              sentences (cosine to the document's centroid over the sentence vectors the index
              holds, plus relevance to the question for a topic; the opening sentences weighted
              up, LEAD), prose before table rows, without repeats (MMR); declined when those
              documents are all titled with other versions or years than the question names
    LIST,     the ranked evidence's sentences that clear half the judge's bar, near-duplicates
    COMPARE   left out, sources varied; for a list, the items of the marked list, table or
              section that holds most of that evidence instead, when it has a list's worth
              (a manual's steps, a table's rows; a list nested in a numbered clause is a list
              of its own); for a comparison, the section whose heading the question names;
              for a comparison of what named documents "say about" one thing, that thing asked
              of each document alone as a question of one fact (`compared_points`);
              for a list whose subject is every word of one document's title ("What changed
              in Go 1.16?" of "New module changes in Go 1.16"), that document part by part
              (its central sentences, each from a part not yet heard from while one is left)
    TIMELINE  when the best evidence is one document's: its sentences that state a date, time
              or version, the most relevant, in document order; else, when the question asks
              for no one kind of fact, over dated sources (news, a blog's posts): each dated
              document about the topic (relevance within SPREAD of the closest one's), its
              central sentences on the topic, oldest first; else each source's dated value
              (`extractive.accounts`)

A question's own count ("three reasons") sets how many points, within MAX_POINTS (the points
themselves: `points`). The values below are set a priori, except SPREAD, chosen on the multi-passage
benchmark's `tune` questions (`python -m evals.multi --split tune`; the `report` ones are only measured)."""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from typing import Callable, Mapping

import numpy as np

from .. import text as T
from ..language import facts as F
from ..language.names import MONTH_RE, MONTHS
from ..language.questions import (COMPARE, SUMMARY, TIMELINE, asks_for_steps, compared_on,
                                  search_text)
from ..types import DocumentMeta, Sentence
from .evidence import Evidence, ScoredSentence
from .judging import unanswered
from .points import (LIST_GATE, MAX_POINTS, PER_DOCUMENT, compared_points, listed_points,
                     point_like, summary_points, unit)
from .sections import KINDS, SECTION_VOTERS, DocumentOf, ReadDocument, section_points

MAX_DOCUMENTS = 4  # documents one summary covers
# a history told by dated sources: the documents within SPREAD of the closest one's relevance
# (chosen on the tune questions of dated posts: 0.1 / 0.15 / 0.2 gave them key-point recall
# 0.217 / 0.261 / 0.261), among the sentences of a search four times as wide
SPREAD = 0.15
Wider = Callable[[], tuple[list[Sentence], np.ndarray]]  # the sentences of a wider search
# the evidence for a question of one fact asked of one document alone (source, question):
# gathered, judged and look-alike-checked within it
AskIn = Callable[[str, str], Evidence]

_ALL = re.compile(r"\b(?:the|these|all|my|our|those) (?:documents|files|sources|articles|"
                  r"reports|texts|pages|notes|papers)\b|\beverything\b", re.I)
_PLURAL = re.compile(r"\b(?:documents|files|articles|reports|texts|pages|papers|sources)\b", re.I)
_YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")
_MONTH_YEAR = re.compile(rf"\b({MONTH_RE})\s+(1[5-9]\d\d|20\d\d)\b", re.I)


def plan(question: str, kind: str, count: int | None, evidence: Evidence,
         question_vector: np.ndarray, documents: Mapping[str, DocumentMeta],
         read_document: ReadDocument, bar: float, document_of: DocumentOf | None = None,
         wider: Wider | None = None, ask_in: AskIn | None = None) -> Evidence:
    """The evidence with its points chosen (none: nothing answers, decline as usual)."""
    # the judge's own verdict (`unanswered`), but not on steps nor on named documents' comparison
    if kind != SUMMARY and not asks_for_steps(question) and (why := unanswered(evidence)) \
            and not (kind == COMPARE and len(_named(question, documents)) >= 2):
        return replace(evidence, overview=kind, points=(), why=why)
    if kind == TIMELINE:  # one document's dated points, or each dated source's account
        points, context = timeline_points(evidence, read_document, question_vector, bar, count)
        if not points:
            points, context = dated_points(evidence, read_document, question_vector, bar, count,
                                           documents, wider)
        return replace(evidence, overview=kind, points=tuple(points),
                       context={**evidence.context, **context}) if points else evidence
    named = _named(question, documents)  # tokenises every title
    if kind == SUMMARY or (kind == COMPARE and len(named) >= 2):  # compare named documents
        sources = target_sources(question, evidence, documents, named)
        if sources and all(_misnumbered(question, documents[s].title, documents[s].date)
                           for s in sources):
            return replace(evidence, overview=kind, points=(), why=(  # not the one asked for
                f"the documents closest to it are titled with other numbers than "
                f"{', '.join(sorted(set(_NUMBERED.findall(question))))}: "
                f"{', '.join(f'“{documents[s].title}”' for s in sources)}"))
        topic = not (named or _ALL.search(question))
        if kind == COMPARE and ask_in is not None and (  # what it asks of each source
                on := compared_on(question, T.tokenize)) != question:
            points, context, why = compared_points(sources, documents, count,
                                                   lambda s: ask_in(s, on), bar)
            if why:
                return replace(evidence, overview=kind, points=(), why=why)
            if points:
                return replace(evidence, overview=kind, points=tuple(points),
                               context={**evidence.context, **context}, unstated=())
        points, context = summary_points(sources, documents, read_document, question_vector,
                                         count, topic=topic)
        return replace(evidence, overview=kind, points=tuple(points),
                       context={**evidence.context, **context}, unstated=())
    if kind != COMPARE and not asks_for_steps(question) and (own := _of_itself(
            question, documents)):  # "What changed in Go 1.16?" of "Changes in Go 1.16"
        points, context = summary_points([own], documents, read_document, question_vector,
                                         count or MAX_POINTS, topic=True, document_of=document_of)
        if len(points) >= 2:  # its title states the subject: no look-alike of another's
            return replace(evidence, overview=kind, points=tuple(points),
                           context={**evidence.context, **context}, unstated=())
    points = listed_points(evidence, count or MAX_POINTS, bar)
    if document_of is not None:
        # the sections the question names by their headings ("Changes in 4.2.1" for what
        # changed in 4.2.1); a comparison's only those, else its answer spans sections
        items, context = section_points(evidence, read_document, document_of, bar, count,
                                        ordered=asks_for_steps(question), headed=question,
                                        only_named=kind == COMPARE)
        if items:  # a document's own list beats sentences gathered from around it
            return replace(evidence, overview=kind, points=tuple(items),
                           context={**evidence.context, **context})
    return replace(evidence, overview=kind, points=tuple(points))


def timeline_points(evidence: Evidence, read_document: ReadDocument,
                    question_vector: np.ndarray, bar: float, count: int | None
                    ) -> tuple[list[ScoredSentence], dict]:
    """What happened when, in one document: a release's notes, a season's letter, a lease.
    The document that holds most of the best evidence (SECTION_VOTERS, clearing half the
    bar), unless that evidence comes from sources of two or more dates (news over time:
    `dated_points`); from it, the sentences that state a date, a
    time or a version, the most relevant to the question first (the judge's ranked ones, then
    by cosine), near-duplicates left out, given in document order; with fewer than two, its
    sentences that answer (`listed_points`). None when fewer than two of those either."""
    ranked = [s for s in evidence.ranked if s.may_answer]
    if not ranked or ranked[0].score < LIST_GATE * bar:
        return [], {}
    voters = [s for s in evidence.ranked[:SECTION_VOTERS]
              if s.score >= bar / 2 and s.sentence.kind in KINDS]
    if not voters or len({s.date for s in voters if s.date}) >= 2:
        return [], {}
    votes: dict[str, float] = {}
    for s in voters:
        votes[s.source] = votes.get(s.source, 0.0) + s.score
    source = max(votes, key=votes.get)
    sentences, vectors = read_document(source)
    judged = {s.sentence.id: s for s in evidence.ranked if s.source == source}
    relevance = unit(vectors) @ unit(question_vector.reshape(1, -1))[0] if len(sentences) \
        else np.zeros(0)
    dated = sorted((i for i, x in enumerate(sentences) if x.kind in KINDS and states_time(x.text)
                    and not T.looks_like_instructions(x.text)),
                   key=lambda i: (-(sentences[i].id in judged and judged[sentences[i].id].score
                                    >= bar / 2), -relevance[i]))
    meta = next(iter(judged.values()))  # the document's title and date
    picked: list[ScoredSentence] = []
    for i in dated:
        if len(picked) == (count or MAX_POINTS):
            break
        x = sentences[i]
        if any(T.near_duplicate(x.text, p.sentence.text) for p in picked):
            continue
        picked.append(judged.get(x.id) or ScoredSentence(x, 0.0, float(relevance[i]), 0.0, None,
                                                         title=meta.title, date=meta.date))
    if len(picked) < 2:  # a story told without dates: its answering sentences, in order
        picked = [s for s in listed_points(evidence, count or MAX_POINTS, bar)
                  if s.source == source]
    if len(picked) < 2:
        return [], {}
    return sorted(picked, key=lambda p: p.sentence.start), {x.id: x for x in sentences}


def dated_points(evidence: Evidence, read_document: ReadDocument, question_vector: np.ndarray,
                 bar: float, count: int | None, documents: Mapping[str, DocumentMeta],
                 wider: Wider | None = None) -> tuple[list[ScoredSentence], dict]:
    """What happened over time, told by dated sources (news, a blog's posts): each dated
    document about the topic, its central sentences on it, oldest first. The documents: the
    dated ones among the sentences of a wider search (`wider`) and of the evidence, whose
    three sentences closest to the question are, on average, within SPREAD of the closest
    document's (of any document, dated or not: a release note's own history is not news).
    None unless the best evidence answers (the bar) and the points have two or more dates,
    and for a question about how one kind of fact changed ("how did the launch date change?":
    each source's dated value is the answer, `extractive.accounts`)."""
    ranked = [s for s in evidence.ranked if s.may_answer]
    if evidence.expects is not None or not ranked or ranked[0].score < bar:
        return [], {}
    found = list(evidence.context.values())
    vectors = [evidence.vectors.get(x.id) for x in found]
    if wider is not None:
        more, more_vectors = wider()
        found, vectors = found + list(more), vectors + list(more_vectors)
    q = unit(question_vector.reshape(1, -1))[0]
    closeness: dict[str, list[float]] = {}
    for x, v in zip(found, vectors):
        if v is not None and x.source in documents and point_like(x):
            closeness.setdefault(x.source, []).append(float(unit(v.reshape(1, -1))[0] @ q))
    relevance = {src: float(np.mean(sorted(c, reverse=True)[:3])) for src, c in
                 closeness.items()}
    if not relevance:
        return [], {}
    top = max(relevance.values())
    sources = sorted((src for src in relevance if relevance[src] >= top - SPREAD
                      and documents[src].date), key=lambda src: -relevance[src])
    sources = sources[:count or MAX_POINTS]
    if len({documents[src].date for src in sources}) < 2:
        return [], {}
    each = max(1, min(PER_DOCUMENT, (count or MAX_POINTS) // len(sources)))
    points, context = summary_points(sources, documents, read_document, question_vector, None,
                                     topic=True, each=each)
    return (points, context) if len({p.date for p in points}) >= 2 else ([], {})


_VERSION = re.compile(r"\b(?:versions?|releases?|v)\s?\d+(?:\.\d+)+\b", re.I)


def states_time(text: str) -> bool:
    """Whether a sentence says when: a date, a time of day or year, or a software version."""
    return bool(F.kinds(text) & {F.DATE, F.TIME}) or _VERSION.search(text) is not None


def target_sources(question: str, evidence: Evidence, documents: Mapping[str, DocumentMeta],
                   named: list[str]) -> list[str]:
    """The documents a summary is of: `named` (by `_named`), all, or the topic's best."""
    if named:
        return named[:MAX_DOCUMENTS]
    # the judge's best sentences lead: they read the question, the passages only match it
    retrieved = list(dict.fromkeys([s.source for s in evidence.ranked[:3]]
                                   + [p.source for p in evidence.passages]))
    retrieved = [s for s in retrieved if s in documents]
    if _ALL.search(question):
        return (retrieved + [s for s in sorted(documents) if s not in retrieved])[:MAX_DOCUMENTS]
    return retrieved[:MAX_DOCUMENTS if _PLURAL.search(question) else 1]


def _named(question: str, documents: Mapping[str, DocumentMeta]) -> list[str]:
    """The documents a question names: those its months ("December 2015") and other years
    date (a few), else those whose title or file name it shares most words with."""
    months = {f"{y}-{MONTHS.index(m.lower()) + 1:02d}" for m, y in _MONTH_YEAR.findall(question)}
    months = {m for m in months if any((d.date or "")[:7] == m for d in documents.values())}
    years = set(_YEAR.findall(question)) - {m[:4] for m in months}  # a dated month: only it
    dated = [s for s, m in documents.items() if (m.date or "")[:7] in months
             or (m.date or "")[:4] in years]
    if 0 < len(dated) <= MAX_DOCUMENTS:
        return sorted(dated, key=lambda s: documents[s].date or "")
    scores = {s: x for s, x in _titled(question, documents).items() if not _misnumbered(
        question, documents[s].title, documents[s].date)}
    best = max(scores.values(), default=0.0)
    return [s for s in sorted(scores, key=lambda s: -scores[s]) if scores[s] >= best - 1e-9]


def _titled(question: str, documents: Mapping[str, DocumentMeta]) -> dict[str, float]:
    """The documents whose title or file name shares at least two words, and half of the
    shorter's, with the question: the share of the title's words it shares."""
    asked = set(T.tokenize(question))
    scores = {}
    for source, meta in documents.items():
        own = _words(f"{meta.title} {re.sub(r'[_.-]+', ' ', source.rsplit('.', 1)[0])}")
        shared = asked & own
        if len(shared) >= 2 and len(shared) >= 0.5 * min(len(own), len(asked)):
            scores[source] = len(shared) / len(own)
    return scores


def _of_itself(question: str, documents: Mapping[str, DocumentMeta]) -> str | None:
    """The one document whose title holds every word of a list question's subject (two or
    more): the list asked for is the document itself, part by part."""
    asked = set(T.tokenize(search_text(question, T.tokenize)))
    if len(asked) < 2:
        return None
    whole = [s for s, m in documents.items() if asked <= _words(m.title)]
    return whole[0] if len(whole) == 1 else None


@lru_cache(maxsize=8192)
def _words(title: str) -> frozenset[str]:
    """A title's stemmed words: read for every set question, against every document."""
    return frozenset(T.tokenize(title))


_NUMBERED = re.compile(r"\b\d+(?:\.\d+)+\b|\b(?:1[5-9]|20)\d\d\b")  # a version or a year


def _misnumbered(question: str, title: str, date: str | None = None) -> bool:
    """Whether a document titled `title` (dated `date`) states versions or years and none of
    those the question names: "the Go 1.17 release announcement" is not "Go 1.18 is
    released!"; "1.17" is "1.17.0", and a year is the document's when it is dated that year."""
    asked, titled = set(_NUMBERED.findall(question)), set(_NUMBERED.findall(title))
    own = titled | ({date[:4]} if date else set())
    return bool(asked and titled and not any(
        a == o or o.startswith(a + ".") or a.startswith(o + ".") for a in asked for o in own))


