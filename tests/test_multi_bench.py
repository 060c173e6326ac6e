"""The benchmark of questions that need several passages (evals/multi.py, issue 28 item 4):
its questions are well formed, every key point is stated in its sources, and the scorer
counts a key point only when the final answer states it citing one of its sources."""

from __future__ import annotations

from collections import Counter
from functools import lru_cache

import pytest

from assistant.types import Answer, Citation, SentenceSupport
from evals import multi

QUESTIONS = multi.load_questions()


@lru_cache(maxsize=None)
def source_text(corpus: str, name: str) -> str:
    from assistant.readers import read_document

    return multi.normalise(read_document(multi.corpus_dir(corpus) / name).text)


def test_questions_are_well_formed():
    assert len(QUESTIONS) >= 40
    assert len({q.id for q in QUESTIONS}) == len(QUESTIONS)
    assert len({q.question for q in QUESTIONS}) == len(QUESTIONS)
    assert set(Counter(q.kind for q in QUESTIONS)) == set(multi.KINDS)
    assert set(Counter(q.corpus for q in QUESTIONS)) == {"seeds", "everyday", "realdocs", "goblog"}
    for q in QUESTIONS:
        assert 2 <= len(q.points) <= 5, q.id
        assert len({p.pattern for p in q.points}) == len(q.points), q.id
        for p in q.points:
            assert p.sources, q.id
            for name in p.sources:
                assert (multi.corpus_dir(q.corpus) / name).is_file(), (q.id, name)


def test_each_question_carries_its_documents_split():
    for q in QUESTIONS:
        assert q.split == multi.question_split(q.corpus, q.points), q.id
    assert {q.split for q in QUESTIONS} == {"tune", "report"}


LOOKALIKES = multi.load_lookalikes()


def test_lookalike_set_questions_are_well_formed_and_split_by_their_documents():
    assert len(LOOKALIKES) >= 20
    ids = {q.id for q in QUESTIONS} | {q.id for q in LOOKALIKES}
    assert len(ids) == len(QUESTIONS) + len(LOOKALIKES)
    assert {q.split for q in LOOKALIKES} == {"tune", "report"}
    assert {q.corpus for q in LOOKALIKES} == {"seeds", "everyday", "realdocs", "goblog"}
    for q in LOOKALIKES:
        assert q.kind in multi.KINDS, q.id
        for name in q.about:
            assert (multi.corpus_dir(q.corpus) / name).is_file(), (q.id, name)
        want = "tune" if all(multi.document_split(q.corpus, n) == "tune" for n in q.about) \
            else "report"
        assert q.split == want, q.id


def test_a_lookalike_is_scored_apart_declining_is_right():
    look = multi.Lookalike("no-1", "seeds", "list", "List the parks.", ("a.txt",), "tune")
    declined = multi.score(look, Answer("q", "The documents don't say.", abstained=True))
    answered = multi.score(look, Answer("q", "- Some park. [1]"))
    assert not declined["answerable"] and declined["n_points"] == 0
    answerable = {"kind": "list", "corpus": "seeds", "split": "tune", "n_points": 2, "cited": 1,
                  "present": 1, "recall": 0.5, "abstained": False, "unsupported": 0,
                  "first_checked_s": 1.0, "answer_s": 1.0}
    s = multi.summarise([answerable, declined, answered])
    assert s["n"] == 1 and s["recall"] == 0.5 and s["declined"] == 0  # look-alikes apart
    assert s["lookalikes"]["n"] == 2 and s["lookalikes"]["declined"] == 1
    assert s["lookalike_declined"] == 0.5 and s["lookalikes"]["by_split"]["tune"]["n"] == 2
    assert "look-alike" in multi.table({"g": s | {"rows": []}}, "g")


@pytest.mark.parametrize("q", QUESTIONS, ids=lambda q: q.id)
def test_every_key_point_is_stated_in_each_of_its_sources(q):
    for p in q.points:
        for name in p.sources:
            assert multi.matches(p.pattern, source_text(q.corpus, name)), (q.id, p.pattern, name)


# ---------------------------------------------------------------- the scorer

Q = multi.Question("t-1", "seeds", "list", "List the sums.", (
    multi.Point(r"£ ?9 ?m(illion)?\b", ("a.txt",)),
    multi.Point(r"£ ?22 ?m(illion)?\b", ("a.txt", "b.txt")),
    multi.Point(r"£ ?4 ?m\b", ("c.txt",)),
    multi.Point(r"43 ?(per ?cent|%)", ("d.txt",))), "report")


def cite(n: int, source: str) -> Citation:
    return Citation(n, source, "quote", 0, 5)


def test_a_cited_match_counts_and_an_uncited_or_wrongly_cited_one_does_not():
    text = ("The trust would save £9 million [1]. Agency staff cost £22m [2]. "
            "A grant of £4m was given. 43 per cent are agency workers [1].")
    answer = Answer("List the sums.", text, citations=(cite(1, "a.txt"), cite(2, "b.txt")),
                    sentences=(
                        SentenceSupport("The trust would save £9 million [1].", (1,), True),
                        SentenceSupport("Agency staff cost £22m [2].", (2,), True),
                        SentenceSupport("A grant of £4m was given.", (), True),
                        SentenceSupport("43 per cent are agency workers [1].", (1,), True)))
    row = multi.score(Q, answer)
    assert [p["cited"] for p in row["points"]] == [True, True, False, False]
    assert [p["present"] for p in row["points"]] == [True, True, True, True]
    assert [p["wrong_source"] for p in row["points"]] == [False, False, False, True]
    assert row["cited"] == 2 and row["recall"] == 0.5 and row["unsupported"] == 0


def test_struck_sentences_do_not_count_but_unsupported_ones_left_in_the_text_do():
    text = "The trust would save £9 million [1]. Agency staff cost £22m [2]."
    answer = Answer("List the sums.", text, citations=(cite(1, "a.txt"), cite(2, "b.txt")),
                    sentences=(
                        SentenceSupport("The trust would save £9 million", (1,), True),
                        SentenceSupport("Agency staff cost £22m", (2,), False, 0.2, ("x",)),
                        # struck by the check: in `sentences`, not in the final text
                        SentenceSupport("A grant of £4m was given", (3,), False, 0.1, ("y",))))
    row = multi.score(Q, answer)
    assert row["unsupported"] == 1
    assert row["unsupported_sentences"] == ["Agency staff cost £22m"]
    assert [p["cited"] for p in row["points"]] == [True, True, False, False]
    assert not row["points"][2]["present"]


def test_without_sentences_the_text_is_cut_at_its_markers():
    text = "Savings of £9m [1] and a £4m grant [2]. Also £22m, uncited."
    answer = Answer("q", text, citations=(cite(1, "a.txt"), cite(2, "c.txt")))
    assert multi.units(answer) == [("Savings of £9m", (1,)), (" and a £4m grant", (2,)),
                                   (". Also £22m, uncited.", ())]
    row = multi.score(Q, answer)
    assert [p["cited"] for p in row["points"]] == [True, False, True, False]


def test_a_declined_answer_credits_nothing_and_timings_fall_back_to_the_whole_answer():
    answer = Answer("q", "The documents don't say.", abstained=True, timings={"total_s": 2.0})
    row = multi.score(Q, answer, {"answer_s": 2.5, "first_draft_s": 0.4})
    assert row["abstained"] and row["cited"] == 0 and row["present"] == 0
    assert row["answer_s"] == 2.5 and row["first_checked_s"] == 2.5
    early = Answer("q", "x", timings={"first_checked_s": 0.7})
    assert multi.score(Q, early, {"answer_s": 3.0})["first_checked_s"] == 0.7


def test_summaries_pool_points_per_kind_and_corpus():
    rows = [{"kind": "list", "corpus": "seeds", "split": "report", "n_points": 4, "cited": 2,
             "present": 3, "recall": 0.5, "abstained": False, "unsupported": 1,
             "first_checked_s": 1.0, "answer_s": 1.0},
            {"kind": "summary", "corpus": "everyday", "split": "tune", "n_points": 2, "cited": 2,
             "present": 2, "recall": 1.0, "abstained": False, "unsupported": 0,
             "first_checked_s": 3.0, "answer_s": 3.0}]
    s = multi.summarise(rows)
    assert s["recall"] == pytest.approx(4 / 6) and s["recall_per_question"] == 0.75
    assert s["unsupported"] == 1 and s["with_unsupported"] == 1 and s["all_points"] == 1
    assert s["by_kind"]["list"]["recall"] == 0.5 and s["by_corpus"]["everyday"]["recall"] == 1.0
