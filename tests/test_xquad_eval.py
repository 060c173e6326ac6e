"""evals/xquad.py: the contamination filter, the gold sentence, and the runner end to end (fake
embedder, FakeJudge: no model is loaded)."""

from __future__ import annotations

import json

import pytest

from evals import xquad

PARA = ("The bridge opened in 1932 after six years of work. It cost $5 million to build, twice "
        "the estimate. Critics at the time called it ugly and too wide for the river.")


def _squad(*articles: tuple[str, list[str]]) -> dict:
    """A SQuAD-format file: (title, [context, ...]) per article, one question per paragraph."""
    data = []
    for title, contexts in articles:
        paras = [{"context": c, "qas": [{"id": f"{title}-{n}", "question": "What did it cost?",
                                         "answers": [{"text": c.split()[2],
                                                      "answer_start": c.index(c.split()[2])}]}]}
                 for n, c in enumerate(contexts)]
        data.append({"title": title, "paragraphs": paras})
    return {"version": "1.1", "data": data}


def _write(path, obj):
    path.write_text(json.dumps(obj), encoding="utf-8")
    return path


def test_paragraph_copied_from_training_file_is_excluded_whatever_its_article():
    if not xquad.TRAINING.is_file():
        pytest.skip("the shared SQuAD 2.0 file is not on this machine")
    training = xquad.load(xquad.TRAINING)
    copied = training[3]["paragraphs"][5]["context"]
    rewrapped = copied.replace(". ", ".\n  ", 3)  # same text, other whitespace
    data = _squad(("Another_title", [rewrapped, PARA]))["data"]
    kept, excluded = xquad.paragraphs(data, training)
    assert [p.context for p, _ in kept] == [PARA]
    assert excluded == [{"paragraph": "Another_title#0", "questions": 1, "overlap": 1.0}]


def test_largely_overlapping_paragraph_is_excluded_and_a_shared_fragment_is_not():
    sentences = [f"Sentence number {n} says something quite specific about topic {n}."
                 for n in range(5)]
    training = _squad(("Source", [" ".join(sentences[:4]) + " A different ending here, surely.",
                                  "Unrelated text. Rev. Smith spoke."]))["data"]
    mostly = " ".join(sentences)  # 4 of its 5 sentences are in the training file: 0.8
    fragment = "Rev. Jones preached at the chapel on Sunday mornings for many years."
    kept, excluded = xquad.paragraphs(_squad(("T", [mostly, fragment, PARA]))["data"], training)
    assert [e["paragraph"] for e in excluded] == ["T#0"]
    assert excluded[0]["overlap"] == pytest.approx(0.8)
    assert [p.id for p, _ in kept] == ["T#1", "T#2"]


def test_gold_sentence_is_the_one_holding_answer_start():
    spans = xquad.split_spans(PARA)
    assert len(spans) == 3
    assert xquad.gold_index(spans, PARA.index("$5 million")) == 1
    assert xquad.gold_index(spans, PARA.index("The bridge")) == 0
    assert xquad.gold_index(spans, spans[0][1]) == 1  # the space between sentences: the next one
    assert xquad.gold_index(spans, PARA.index("river")) == 2


def test_gold_sentences_of_the_real_set_hold_their_answers():
    kept, _ = xquad.paragraphs(xquad.load(xquad.DATA), [])
    raw = {q["id"]: q for _, p in kept for q in p["qas"]}
    items = xquad.items_of(kept)
    assert len(items) == 1190
    held = sum(raw[x.id]["answers"][0]["text"] in x.paragraph.sentence(x.gold) for x in items)
    assert held >= 0.99 * len(items)  # the rest run across a sentence end


def test_runner_end_to_end_with_fake_embedder_and_judge(tmp_path, fake_embedder):
    from assistant.answering.judge import FakeJudge

    training = xquad.load(xquad.DATA)[:2]  # pretend two XQuAD articles were trained on
    result = xquad.run(["today", "cosine", "judge"], limit=8, embedder=fake_embedder,
                       judge=FakeJudge(), training=_write(tmp_path / "t.json", {"data": training}),
                       log=lambda m: None)
    meta, rows = result["meta"], result["rows"]
    dropped = sum(len(a["paragraphs"]) for a in training)
    assert meta["excluded_paragraphs"] == dropped and meta["kept_paragraphs"] == 240 - dropped
    assert meta["kept_questions"] + meta["excluded_questions"] == 1190
    assert len(rows) == meta["evaluated"] == 8
    assert meta["judge"] == "fake" and meta["notes"] == []
    titles = {a["title"].replace("_", " ") for a in training}
    assert not any(r["paragraph"].split("#")[0].replace("_", " ") in titles for r in rows)
    for r in rows:
        assert set(r["ranks"]) == {"today", "cosine", "judge"}
        assert all(rk is None or 1 <= rk <= r["sentences"] for rk in r["ranks"].values())
    summary = result["summary"]
    assert set(summary) == {"today", "cosine", "judge"}
    for s in summary.values():
        assert 0 <= s["top1"] <= s["mrr"] <= 1 and s["top1_ci"][0] <= s["top1"] <= s["top1_ci"][1]
    assert "top1_minus_today" in summary["cosine"]


def test_cli_writes_results_and_skips_a_missing_judge(tmp_path, monkeypatch, fake_embedder, capsys):
    import assistant.embeddings
    import assistant.answering.judge
    from assistant.errors import ModelError

    def no_judge():
        raise ModelError("no trained weights")

    monkeypatch.setattr(assistant.embeddings, "LocalEmbedder", lambda: fake_embedder)
    monkeypatch.setattr(assistant.answering.judge, "load_judge", no_judge)
    monkeypatch.setattr(xquad, "RESULTS", tmp_path / "results")
    training = _write(tmp_path / "t.json", _squad(("X", [PARA])))
    assert xquad.main(["--limit", "5", "--label", "t", "--exclude", str(training)]) == 0
    out = capsys.readouterr().out
    assert "| today | 5 |" in out and "| cosine | 5 |" in out and "judge skipped" in out
    saved = json.loads((tmp_path / "results" / "xquad-t.json").read_text())
    assert list(saved["summary"]) == ["today", "cosine"]
    assert saved["meta"]["notes"] == ["judge skipped: no trained weights"]
    assert saved["meta"]["judge"] is None
    assert (tmp_path / "results" / "xquad-t.md").read_text().startswith("# XQuAD-en")
