"""What makes judging faster must not change what the judge decides: the trimmed graph, the
session's options and the cache give the plain session's scores, and the cache stays bounded."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.answering.judge import MODEL_DIR, WEIGHTS, Candidate, OnnxJudge, trimmed, verify

QUESTION = "How many bridges cross the river in the town?"
CANDIDATES = [
    Candidate("How many bridges cross the river in the town?", title="Town guide FAQ"),
    Candidate("Seven bridges cross the river within the town limits.", title="Town guide",
              before="The river runs through the old town from east to west."),
    Candidate("The market is held every Saturday in the square.", title="Town guide"),
    Candidate("A ferry crossed the river until 1911.", title="History", before="word " * 200),
]


@pytest.fixture(scope="module")
def plain() -> OnnxJudge:
    """The session as ONNX Runtime sets it up: the graph as shipped, threads spinning."""
    return OnnxJudge(threads=2, spinning=True, trim=False, cache=0)


def test_trimming_takes_out_only_the_nan_guards_and_leaves_the_file_alone():
    shipped = (MODEL_DIR / WEIGHTS).read_bytes()
    trim = trimmed(shipped)
    assert len(shipped) - 4000 < len(trim) < len(shipped)  # 12 small nodes, not weights
    assert trimmed(trim) is trim  # nothing left to take out: the model comes back as it was
    assert (MODEL_DIR / WEIGHTS).read_bytes() == shipped
    verify(MODEL_DIR)


def test_the_trimmed_graph_and_the_options_give_the_plain_sessions_scores(plain):
    expected = plain.score(QUESTION, CANDIDATES)
    for judge in (OnnxJudge(cache=0), OnnxJudge(threads=1, cache=0),
                  OnnxJudge(threads=2, spinning=True, cache=0)):
        assert np.abs(judge.score(QUESTION, CANDIDATES) - expected).max() < 1e-6
        assert np.abs(judge.score(QUESTION, CANDIDATES[1:3])
                      - plain.score(QUESTION, CANDIDATES[1:3])).max() < 1e-6


def test_a_question_judged_again_comes_from_the_cache_with_the_same_scores(plain, monkeypatch):
    judge = OnnxJudge(cache=4)
    runs = []
    run = judge._logits
    monkeypatch.setattr(judge, "_logits", lambda pairs: runs.append(len(pairs)) or run(pairs))
    first = judge.score(QUESTION, CANDIDATES)
    again = judge.score(f"  {QUESTION} ", list(CANDIDATES))  # the same pairs, as read
    assert runs == [1, 1, 1, 1]  # one run a pair
    assert np.array_equal(first, again)
    assert np.abs(first - plain.score(QUESTION, CANDIDATES)).max() < 1e-6
    # a pair's score is its own: the same pairs among others come from the cache
    judge = OnnxJudge(cache=8)
    monkeypatch.setattr(judge, "_logits", lambda pairs: runs.append(len(pairs)) or run(pairs))
    judge.score(QUESTION, CANDIDATES[:2])
    judge.score(QUESTION, CANDIDATES[1:3])
    assert runs == [1, 1, 1, 1] + [1, 1] + [1]


def test_a_candidates_score_does_not_depend_on_the_others():
    """Dynamic int8 quantisation scales activations per run; batched, a pair's score moved
    with the other candidates and the padding (up to 0.19). Run alone, it cannot."""
    judge = OnnxJudge(cache=0)
    alone = [float(judge.score(QUESTION, [c])[0]) for c in CANDIDATES]
    together = judge.score(QUESTION, CANDIDATES)
    shuffled = judge.score(QUESTION, CANDIDATES[::-1])[::-1]
    assert np.array_equal(together, np.asarray(alone, dtype=np.float32))
    assert np.array_equal(together, shuffled)
    assert together[1] == max(together)  # the sentence that answers, not the question line


def test_the_cache_is_bounded_and_can_be_turned_off(monkeypatch):
    judge = OnnxJudge(cache=2)
    runs = []
    monkeypatch.setattr(judge, "_logits", lambda pairs: runs.append(1) or np.zeros(len(pairs)))
    for question in ("one?", "two?", "three?"):
        judge.score(question, CANDIDATES[:1])
    assert len(judge._cache) == 2
    judge.score("one?", CANDIDATES[:1])  # the oldest was dropped: run again
    judge.score("three?", CANDIDATES[:1])  # still kept
    assert len(runs) == 4
    off = OnnxJudge(cache=0)
    monkeypatch.setattr(off, "_logits", lambda pairs: runs.append(1) or np.zeros(len(pairs)))
    off.score("one?", CANDIDATES[:1])
    off.score("one?", CANDIDATES[:1])
    assert len(runs) == 6 and not off._cache


def test_the_benchmarks_question_once_encoding_matches_the_judges(plain):
    from evals.judge_speed import question_once, tokenising

    assert tokenising(plain, [(QUESTION, CANDIDATES)])["same_ids"]
    assert len(question_once(plain, QUESTION, CANDIDATES)) == len(CANDIDATES)


def test_the_benchmark_compares_each_variant_with_the_plain_session():
    from evals.judge_speed import Variant, render, summary

    ref = Variant("before", lambda q, c: None, "ref", times=[0.5, 0.7],
                  scores={0: np.array([0.9, 0.1], dtype=np.float32)})
    fast = Variant("fast", lambda q, c: None, "x", times=[0.2, 0.3],
                   scores={0: np.array([0.3, 0.4], dtype=np.float32)})
    row = summary(fast, ref, threshold=0.45)
    assert row["max_abs_diff"] == pytest.approx(0.6)
    assert row["same_best"] == 0 and row["same_answer_or_decline"] == 0
    report = {"questions": 1, "rounds": 2, "candidates_per_question": 2,
              "tokens_per_question": 40, "tokens_padded_per_question": 256,
              "longest_pair_p50": 25,
              "machine": {"cpus": 2, "load_average_before": (1.0, 1.0, 1.0),
                          "load_average_after": (1.0, 1.0, 1.0)},
              "tokenise": {"pairs_p50_ms": 1.0, "question_once_p50_ms": 0.9, "same_ids": True},
              "variants": {"before": summary(ref, None, 0.45), "fast": row}}
    assert "fast" in render(report)
