"""evals/multilingual.py: XQuAD paragraph retrieval per language and embedder (the scoring and
the shared sample; the run itself is `python -m evals.multilingual`)."""

from __future__ import annotations

import hashlib
import json

import numpy as np

from evals import multilingual as ml

SHA256 = {
    "ar": "abdabd7afed5c635d99cca0f3f0d0c9d9ed0bc77451e963c2e4e0638c29e486d",
    "de": "990b5d746746ed65ed4702ea5f35f99ffa4e2f1c390c07d003642acd937916f9",
    "en": "e4c57d1c9143aaa1c5d265ba5987a65f4e69528d2a98f29d6e75019b10344f29",
    "es": "dcbae93ec3a9f4b9e78fd834a171d6f96c1a875e10e15b7530b7e4ef4971e37e",
    "ru": "208d5b1aa154c52b1b5c5eda16281e455e8fd198cdb9af3f469f0d6037d973bf",
    "zh": "691d0b3359bc6b8faa8de931dfdfe21d50a65861ae348e32a0d1a0190b0c8835",
}


def test_the_xquad_files_are_the_published_ones():
    for lang, want in SHA256.items():
        assert hashlib.sha256((ml.HERE / f"xquad.{lang}.json").read_bytes()).hexdigest() == want


def test_every_language_asks_the_same_questions_of_the_same_paragraphs():
    ids = ml.sample_ids(150)
    assert ids == ml.sample_ids(150) and len(ids) == 150
    _, en = ml.load("en")
    for lang in ml.LANGS:
        paragraphs, questions = ml.load(lang)
        assert len(paragraphs) == 240 and len(questions) == 1190
        assert all(questions[i][1] == en[i][1] for i in ids)


def test_hits_count_the_rank_of_the_right_paragraph():
    p = np.eye(3, dtype=np.float32)
    q = np.array([[1, 0, 0], [0.5, 0.4, 0], [0, 0.2, 0.9]], dtype=np.float32)
    got = ml.hits(q, p, [0, 1, 2], ks=(1, 2))
    assert got == {"hit@1": 0.667, "hit@2": 1.0, "mrr": 0.833}


# ---------------------------------------------------------------- answers per language

from evals import multilingual_answers as xa  # noqa: E402


def test_an_answer_is_right_when_its_quote_holds_the_gold_text_normalised():
    assert xa.is_right("In 2023 the ferry carried 41,350 passengers.", "41,350 passengers")
    assert xa.is_right("It is run by the Gull-Island Trust.", "gull island trust")
    assert xa.is_right("黑豹队的防守只丢了 308分，在联赛中排名第六。", "308 分")
    assert xa.is_right("ＡＢＣ launched it.", "ABC")  # NFKC: full-width letters
    assert not xa.is_right("In 2023 the ferry carried 41,350 passengers.", "41,530")
    assert not xa.is_right(None, "308") and not xa.is_right("anything", " ... ")


def test_an_answer_is_grounded_only_in_the_gold_paragraph_verbatim():
    context = "The ferry carried 41,350 passengers. It takes forty minutes."
    document = "# Ferry\n\n" + context + "\n"
    at = document.index("The ferry")
    quote = "The ferry carried 41,350 passengers."
    cited = {"source": "p007.md", "quote": quote, "start": at, "end": at + len(quote)}
    assert xa.is_grounded(cited, "p007.md", document, context)
    assert not xa.is_grounded({**cited, "source": "p008.md"}, "p007.md", document, context)
    assert not xa.is_grounded({**cited, "start": at + 1, "end": at + 1 + len(quote)}, "p007.md",
                              document, context)  # not at its offsets
    heading = {"source": "p007.md", "quote": "Ferry", "start": 2, "end": 7}
    assert not xa.is_grounded(heading, "p007.md", document, context)  # not the paragraph's
    assert not xa.is_grounded(None, "p007.md", document, context)


def test_declines_are_counted_by_kind_and_rates_against_english():
    assert xa.decline_kind("the documents never mention “Сколько”, which the question asks "
                           "about") == "unstated"
    assert xa.decline_kind("no sentence answers it: the closest, “x”, scores 0.30 (an answer "
                           "needs 0.45)") == "weak"
    assert xa.decline_kind(None) == "other"
    rows = [{"right": r, "right_any": r, "grounded": g, "declined": d, "decline": k,
             "seconds": 1.0} for r, g, d, k in [(True, True, False, None),
                                                (False, True, False, None),
                                                (False, False, True, "weak"),
                                                (True, True, False, None)]]
    got = xa.summary(rows)
    assert (got["right"], got["grounded"], got["declined"], got["declines"]) == (
        0.5, 0.75, 0.25, {"weak": 1})
    lo, hi = got["right_ci"]
    assert lo < 0.5 < hi


def test_a_language_is_compared_with_english_on_the_questions_it_was_asked():
    def rows(lang, rights):
        return [{"lang": lang, "id": qid, "right": r} for qid, r in rights.items()]
    en = rows("en", {"a": True, "b": True, "c": False, "d": True})
    # Italian holds only a, b and c: English has 2 of those 3 right, Italian 1
    got = xa.relative(en + rows("it", {"a": True, "b": False, "c": False})
                      + rows("de", {"a": True, "b": True, "c": False, "d": False}))
    assert got == {"en": 1.0, "it": 0.5, "de": 0.667}
    assert xa.relative(rows("en", {"a": False}) + rows("de", {"a": True}))["de"] is None


def test_the_answer_questions_are_the_same_in_every_language_and_from_kept_paragraphs():
    kept = set(range(0, 240, 2))
    ids = xa.sample(40, kept=kept)
    assert ids == xa.sample(40, kept=kept) and len(ids) == 40
    en = xa.questions_of("en")
    assert all(en[i].paragraph in kept for i in ids)
    for lang in xa.LANGS:
        questions = xa.questions_of(lang)
        paragraphs = xa.paragraphs_of(lang)
        assert len(paragraphs) == 240
        held = [i for i in ids if i in questions]
        assert len(held) == len(ids) if lang in ml.LANGS else len(held) > len(ids) / 2
        for i in held:
            q = questions[i]
            assert q.paragraph == en[i].paragraph and q.answer in paragraphs[q.paragraph][1]


def test_the_italian_file_is_xquads_paragraphs_that_squad_it_holds():
    from evals import xquad_it

    def squad(paragraphs):  # [(context, [(id, question, answer)])] as one article
        return {"data": [{"title": "Harbour", "paragraphs": [
            {"context": c, "qas": [{"id": i, "question": q, "answers": [
                {"text": a, "answer_start": c.find(a)}]} for i, q, a in qas]}
            for c, qas in paragraphs]}]}
    english = squad([("The ferry sails at noon.", [("q1", "When?", "noon")]),
                     ("The pier is 90 m long.", [("q2", "How long?", "90 m"),
                                                 ("q3", "What?", "pier")]),
                     ("Tea is served.", [("q4", "What is served?", "Tea")])])
    italian = squad([("Il molo è lungo 90 m.", [("q2", "Quanto?", "90 m"),
                                                ("q3", "Cosa?", "pontile")]),  # not in it
                     ("Il traghetto parte a mezzogiorno.", [("q1", "Quando?", "mezzogiorno")])])
    out, counts = xquad_it.build(english, italian)
    paragraphs = out["data"][0]["paragraphs"]
    assert [p["context"] for p in paragraphs] == [  # XQuAD's order, a gap where it lacks one
        "Il traghetto parte a mezzogiorno.", "Il molo è lungo 90 m.", ""]
    assert [[qa["id"] for qa in p["qas"]] for p in paragraphs] == [["q1"], ["q2"], []]
    assert counts == {"paragraphs": 3, "found": 2, "questions": 2, "english_questions": 4}
    assert hashlib.sha256(xquad_it.OUT.read_bytes()).hexdigest() == (  # evals/xquad/README.md
        "b0bfecde88d5faf89951b2ebbb57c55d24ad631279839657a9211ef11e51b63e")
    committed = json.loads(xquad_it.OUT.read_text(encoding="utf-8"))
    assert sum(bool(p["context"]) for a in committed["data"] for p in a["paragraphs"]) == 212
    assert sum(len(p["qas"]) for a in committed["data"] for p in a["paragraphs"]) == 778


def test_the_prior_only_judge_leaves_the_prior_alone():
    """At weight 0 the judge's probability counts for nothing: the order is the prior's."""
    from assistant.answering.evidence import Evidence, ScoredSentence
    from assistant.answering.judging import judged
    from assistant.answering.judge import FakeJudge
    from assistant.types import Sentence

    said = [Sentence("a.md", 0, 30, "The ferry takes forty minutes.", "body", "a#0"),
            Sentence("a.md", 31, 60, "The ferry carried 41,350 people.", "body", "a#0")]
    evidence = Evidence("How many people did the ferry carry?", None, (), tuple(
        ScoredSentence(s, score, 0.5, 0.5, None) for s, score in zip(said, (0.7, 0.4))),
        {s.id: s for s in said})
    prior = judged(evidence, xa.PriorOnly(0.5))
    assert [(s.sentence.start, s.score) for s in prior.ranked] == [(0, 0.7), (31, 0.4)]
    assert judged(evidence, FakeJudge()).ranked[0].sentence.start == 31  # a judge reorders


def test_paired_counts_the_questions_each_way_gets_right_alone():
    def rows(mode, rights):
        return [{"lang": lang, "id": qid, "right": r} for (lang, qid), r in rights.items()]
    shipped = {("en", "a"): True, ("en", "b"): False, ("zh", "a"): False, ("zh", "b"): True,
               ("zh", "c"): False}
    prior = {("en", "a"): True, ("en", "b"): False, ("zh", "a"): True, ("zh", "b"): False,
             ("zh", "c"): True}
    result = {"langs": ["en", "zh"], "judges": {"shipped": {"rows": rows("shipped", shipped)},
                                                "prior": {"rows": rows("prior", prior)}}}
    assert xa.paired(result) == {"en": {"judge_only": 0, "prior_only": 0},
                                 "zh": {"judge_only": 1, "prior_only": 2}}
    assert xa.paired({"langs": ["en"], "judges": {"shipped": {"rows": []}}}) == {}
    # with the judge asked about every language, that is the run the prior is paired with
    everywhere = {"everywhere": {"rows": rows("everywhere", prior)}}
    assert xa.paired({**result, "judges": {**result["judges"], **everywhere}})["zh"] == \
        {"judge_only": 0, "prior_only": 0}


def test_the_judge_modes_shipped_reads_english_only_everywhere_reads_every_language():
    shipped, everywhere = xa.judge_for("shipped"), xa.judge_for("everywhere")
    assert shipped.languages == ("en",) and everywhere.languages == ()
    assert everywhere.session is shipped.session  # the same model, loaded once
    assert xa.judge_for("prior").weight == 0.0
