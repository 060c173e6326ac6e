"""The judge: its shipped weights are checked before loading, it reads a sentence with its
context, and its probability decides what is evidence and whether a question is answered."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from assistant.errors import ModelError
from assistant.answering.evidence import Evidence, ScoredSentence
from assistant.answering.judging import judged
from assistant.answering.extractive import ExtractiveGenerator
from assistant.answering.judge import MODEL_DIR, Candidate, FakeJudge, OnnxJudge, load_judge, pair_text, verify
from assistant.types import Passage, Sentence


def test_shipped_weights_match_their_checksums():
    listed = verify(MODEL_DIR)
    assert {"judge.onnx", "tokenizer.json", "meta.json"} <= set(listed)
    assert (MODEL_DIR / "MODEL_CARD.md").is_file()
    assert (MODEL_DIR / "judge.onnx").stat().st_size < 50 * 1024 * 1024


def test_altered_weights_are_refused_with_a_clear_message(tmp_path: Path):
    copy = tmp_path / "model"
    shutil.copytree(MODEL_DIR, copy)
    with open(copy / "judge.onnx", "r+b") as fh:  # one byte changed
        fh.seek(1000)
        byte = fh.read(1)
        fh.seek(1000)
        fh.write(bytes([byte[0] ^ 0xFF]))
    with pytest.raises(ModelError, match="does not match its sha256"):
        OnnxJudge(copy)


def test_missing_weights_are_refused_with_a_clear_message(tmp_path: Path):
    copy = tmp_path / "model"
    shutil.copytree(MODEL_DIR, copy)
    (copy / "judge.onnx").unlink()
    with pytest.raises(ModelError, match="is missing"):
        OnnxJudge(copy)
    (copy / "SHA256SUMS").unlink()
    with pytest.raises(ModelError, match="checksums are missing"):
        OnnxJudge(copy)


def test_the_sentence_is_never_cut_for_its_context():
    long_before = "word " * 400
    text = pair_text(Candidate("The fee is 40 euros.", before=long_before, title="Prices"))
    assert text.startswith("The fee is 40 euros. [SEP] Prices")
    assert len(text) < 400


def test_the_judge_prefers_the_sentence_that_answers_over_the_question_line():
    judge = load_judge()
    question = "How many bridges cross the river in the town?"
    candidates = [
        Candidate("How many bridges cross the river in the town?", title="Town guide FAQ"),
        Candidate("Seven bridges cross the river within the town limits.", title="Town guide"),
        Candidate("The market is held every Saturday in the square.", title="Town guide"),
    ]
    probs = judge.score(question, candidates)
    assert probs.dtype == np.float32 and probs.shape == (3,)
    assert np.all((probs >= 0) & (probs <= 1))
    assert int(np.argmax(probs)) == 1
    assert probs[1] >= judge.threshold > max(probs[0], probs[2])
    # batched or one at a time, nearly the same probabilities (int8 activations are scaled
    # per batch, so a batch's other rows move a score by a little)
    one_by_one = np.array([judge.score(question, [c])[0] for c in candidates])
    assert np.allclose(one_by_one, probs, atol=0.02)


def _evidence(question: str, texts: list[str]) -> Evidence:
    text = " ".join(texts)
    passage = Passage(source="d.txt", text=text, start=0, end=len(text), score=0.5,
                      title="Notes", dense_score=0.5, chunk_id="d#0")
    sentences, ranked, at = [], [], 0
    for i, t in enumerate(texts):
        s = Sentence(source="d.txt", start=at, end=at + len(t), text=t, kind="body",
                     chunk_id="d#0")
        at += len(t) + 1
        sentences.append(s)
        # the prior ranks them in the order given
        ranked.append(ScoredSentence(s, 1.0 - i / 10, 0.5, 0.5, None, title="Notes"))
    return Evidence(question, None, (passage,), tuple(ranked), {s.id: s for s in sentences})


def test_judged_evidence_is_ordered_by_the_judge_and_keeps_the_prior():
    ev = _evidence("When does the library open on Sundays?",
                   ["The library has three floors.", "It opens at noon on Sundays, the library said."])
    out = judged(ev, FakeJudge())
    assert out.judge == "fake"
    assert out.best.sentence.text.startswith("It opens at noon")
    assert out.best.prior == pytest.approx(0.9)
    assert [s.score for s in out.ranked] == sorted((s.score for s in out.ranked), reverse=True)


def test_candidates_beyond_the_judged_ones_rank_last():
    ev = _evidence("Where is the station?", [f"Sentence {i} about the station." for i in range(5)])
    out = judged(ev, FakeJudge(), top=2)
    assert [s.score for s in out.ranked[2:]] == [0.0, 0.0, 0.0]
    assert all(s.prior is not None for s in out.ranked)


def test_the_judge_is_read_the_sentence_before_as_context():
    seen = []

    class Recorder(FakeJudge):
        def score(self, question, candidates):
            seen.extend(candidates)
            return super().score(question, candidates)

    ev = _evidence("What does XZ mean?", ["Q: What does XZ mean?", "It is a name, not an acronym."])
    judged(ev, Recorder())
    by_text = {c.text: c for c in seen}
    assert by_text["It is a name, not an acronym."].before == "Q: What does XZ mean?"
    assert by_text["Q: What does XZ mean?"].before == ""
    assert all(c.title == "Notes" for c in seen)


def test_the_judge_reads_title_and_heading_and_no_stray_colon_without_a_title():
    from assistant.answering.judging import _heading

    assert _heading("Manual", "Install › Linux") == "Manual: Install › Linux"
    assert _heading("Manual", None) == "Manual" and _heading("Manual", "Manual") == "Manual"
    assert _heading("", "Install") == "Install"


class EnglishJudge(FakeJudge):
    """A judge trained on English only: the prior's threshold (0.5) sits above its own (0.4)."""

    languages = ("en",)
    threshold = 0.4
    prior_threshold = 0.5

    def __init__(self):
        self.asked = []

    def score(self, question, candidates):
        self.asked.append(question)
        return super().score(question, candidates)


def test_a_question_in_a_language_the_judge_was_not_trained_on_keeps_its_prior_scaled():
    judge = EnglishJudge()
    texts = ["Die Bibliothek hat drei Etagen.", "Sonntags öffnet sie um zwölf Uhr."]
    ev = _evidence("Wann öffnet die Bibliothek am Sonntag?", texts)
    out = judged(ev, judge)
    assert judge.asked == [] and out.judge is None  # the model was not run
    # the prior's order, each score scaled by 0.4 / 0.5: a prior at its threshold meets the bar
    assert [s.sentence.text for s in out.ranked] == texts
    assert [s.score for s in out.ranked] == pytest.approx([0.8 * s.score for s in ev.ranked])
    assert [s.prior for s in out.ranked] == pytest.approx([s.score for s in ev.ranked])
    english = judged(_evidence("When does the library open on Sundays?", texts), judge)
    assert judge.asked == ["When does the library open on Sundays?"] and english.judge == "fake"
    # a summary's evidence is gathered for its bare topic; the question's language decides
    topic = judged(_evidence("Война и мир", texts), judge,
                   asked="Give me a summary of the book called Война и мир")
    assert topic.judge == "fake"


def test_the_shipped_judge_names_the_languages_it_reads_and_the_priors_threshold():
    judge = load_judge()
    assert judge.languages == ("en",)
    assert 0 < judge.threshold <= 1 and 0 < judge.prior_threshold <= 1


def test_a_sentence_past_its_passages_edge_is_quoted_alone_not_as_nothing():
    """A retrieved passage ends where a sentence leaning on the one before ("It …") begins:
    the two are not joined (their text is in no one passage), and the sentence is its own
    quote. (Joined, the quote's text was None, and the local backend failed on it.)"""
    from assistant.answering.quoting import quote_unit

    text = "The dam was built in 1931. It holds back the river."
    first, second = Sentence("d.txt", 0, 26, text[:26], "body", "d.txt#0-26"), \
        Sentence("d.txt", 27, 51, text[27:], "body", "d.txt#0-26")  # an edge sentence
    passage = Passage("d.txt", text[:27], 0, 27, 1.0, chunk_id="d.txt#0-26")  # the gap's in it
    ev = Evidence("What does the dam hold back?", None, (passage,),
                  (ScoredSentence(second, 0.9, 0.5, 0.5, None),),
                  {first.id: first, second.id: second})
    unit = quote_unit(ev, second)
    assert (unit.start, unit.end, unit.text, unit.sentence_ids) == (27, 51, text[27:], (second.id,))
    whole = replace(ev, passages=(Passage("d.txt", text, 0, 51, 1.0, chunk_id="d.txt#0-26"),))
    assert quote_unit(whole, second).text == text  # inside one passage, it leans on its neighbour


def _one_passage(text: str, source: str = "ref.html") -> tuple[Evidence, list[Sentence]]:
    from assistant.language.sentences import paragraphs, sentences

    chunk = f"{source}#0"
    sents = [Sentence(source, a, b, text[a:b], "body", chunk)
             for pa, pb in paragraphs(text) for a, b in sentences(text, pa, pb)]
    ev = Evidence("q?", None, (Passage(source, text, 0, len(text), 1.0, chunk_id=chunk),),
                  tuple(ScoredSentence(s, 0.5, 0.5, 0.5, None) for s in sents),
                  {s.id: s for s in sents})
    return ev, sents


def test_a_term_line_and_its_description_are_quoted_together():
    """A reference page's entry ("exception gzip.BadGzipFile") above its description, and a
    licence's defined term above its "means …": a quote of either holds both, verbatim."""
    from assistant.answering.quoting import quote_unit

    text = ("Functions and classes\n\nexception zipper.BadArchive\n\nAn exception raised for "
            "invalid archives. Raised by open() too.\n\n1.7. \"Larger Work\"\n    means a work "
            "that combines the software with other material.\n")
    ev, sents = _one_passage(text)
    by_text = {s.text: s for s in sents}
    described = quote_unit(ev, by_text["An exception raised for invalid archives."])
    assert described.text == "exception zipper.BadArchive\n\nAn exception raised for invalid archives."
    assert text[described.start:described.end] == described.text
    term = quote_unit(ev, by_text["exception zipper.BadArchive"])
    assert term.text == described.text  # the term chosen: its description comes with it
    defined = quote_unit(ev, by_text['1.7. "Larger Work"'])
    assert defined.text.endswith("means a work that combines the software with other material.")
    # a sentence that ends with a stop is no term, and neither is the end of a paragraph
    assert quote_unit(ev, by_text["Raised by open() too."]).text == "Raised by open() too."


def test_a_line_inside_prose_or_a_long_line_is_no_term():
    from assistant.answering.quoting import quote_unit

    text = ("The service opens at nine and closes at six on weekdays without a break at noon "
            "for lunch or anything\n\nIt is closed on Sundays.\n")
    ev, sents = _one_passage(text)
    last = next(s for s in sents if s.text.startswith("It is closed"))
    assert quote_unit(ev, last).text == "It is closed on Sundays."  # 20 words: no term


def test_a_decline_names_the_best_candidate_and_its_score():
    ev = judged(_evidence("What is the capital of the moon?",
                          ["The garden has roses.", "Tea is served at four."]), FakeJudge())
    answer = ExtractiveGenerator(abstain_below=0.5).answer(ev.question, ev)
    assert answer.abstained
    assert "no sentence answers it" in answer.fallback
    assert "scores 0.00" in answer.fallback and "needs 0.50" in answer.fallback


def test_the_answer_bar_is_a_probability():
    from assistant.config import Config
    from assistant.errors import ConfigError

    assert Config.load(env={"ASSISTANT_ABSTAIN_BELOW": "0.6"}).abstain_below == 0.6
    assert Config.load(env={}).abstain_below is None  # the judge's own threshold
    with pytest.raises(ConfigError, match="between 0 and 1. Currently, abstain_below is 1.5"):
        Config.load(env={"ASSISTANT_ABSTAIN_BELOW": "1.5"})


class _SureOf(FakeJudge):
    """A scripted judge: sure (`level`) of the sentences that hold `marker`, and gives every
    other sentence `other`."""

    def __init__(self, marker: str, level: float = 0.95, other: float = 0.02):
        self.marker, self.level, self.other = marker, level, other

    def score(self, question, candidates):
        return np.array([self.level if self.marker in c.text else self.other
                         for c in candidates], dtype=np.float32)


def test_the_extractive_backend_quotes_the_sentence_the_judge_chose(tiny_corpus, tmp_path,
                                                                    fake_embedder):
    from assistant import Assistant

    june = _SureOf("June", level=0.9, other=0.05)  # sure only of the sentences that say "June"
    bot = Assistant.load(corpus=tiny_corpus, index=tmp_path / "ix", generator="extractive",
                         embedder=fake_embedder, judge=june)
    ans = bot.ask("What did the council say about the new library?")
    bot.close()
    assert not ans.abstained
    assert all("June" in c.quote for c in ans.citations)


def test_the_judge_reads_the_question_as_asked_and_its_own_probability_is_kept():
    """A list's evidence is gathered for its bare topic; the judge, trained on questions,
    reads the question as the person wrote it, and what it gave each sentence is kept."""
    judge = EnglishJudge()
    texts = ["The club's boats are stored in the boathouse.", "Fees are due in January."]
    out = judged(_evidence("fees for hiring a boat", texts), judge,
                 asked="List the fees for hiring a boat.")
    assert judge.asked == ["List the fees for hiring a boat."]
    assert [s.answers for s in out.ranked] == pytest.approx(
        list(judge.score("List the fees for hiring a boat.",
                         [Candidate(s.sentence.text) for s in out.ranked])))
    unjudged = judged(_evidence("Gebühren", texts), judge, asked="Welche Gebühren gibt es?")
    assert all(s.answers is None for s in unjudged.ranked)


def test_a_set_answer_needs_one_sentence_the_judge_itself_finds_answering():
    from assistant.answering.judging import unanswered

    SET_GATE = 0.35  # the shipped gate is off (0.0); the mechanism at a gate a sweep might choose
    texts = ["The club's boats are stored in the boathouse.", "Fees are due in January."]
    ev = judged(_evidence("fees for hiring a boat", texts), FakeJudge())
    sure = replace(ev, ranked=tuple(replace(s, answers=SET_GATE + 0.1 * (i == 1))
                                    for i, s in enumerate(ev.ranked)))
    assert unanswered(sure, SET_GATE) is None
    unsure = replace(ev, ranked=tuple(replace(s, answers=SET_GATE - 0.05) for s in ev.ranked))
    why = unanswered(unsure, SET_GATE)
    assert why and "as asked" in why and f"{SET_GATE - 0.05:.2f}" in why
    assert unanswered(replace(unsure, judge=None), SET_GATE) is None  # no judge read it
    assert unanswered(unsure) is None  # the shipped gate is off


def _tenancy_bot(tmp_path, fake_embedder, judge):
    from assistant import Assistant

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "tenancy.md").write_text(
        "# Tenancy agreement\n\n"
        "The rent is 900 euros a month, payable on the first day of each month.\n\n"
        "At a review, the rent may not go up by more than two per cent.\n\n"
        "The tenant may keep one cat, but no dog.\n\n"
        "Parking in the courtyard costs 30 euros a month.\n", encoding="utf-8")
    return Assistant.load(corpus=corpus, index=tmp_path / "ix", generator="extractive",
                          embedder=fake_embedder, judge=judge)


def test_a_fact_the_kind_patterns_miss_is_quoted_when_the_judge_is_sure_it_answers(
        tmp_path, fake_embedder):
    question = "How much can the rent go up at a review?"
    bot = _tenancy_bot(tmp_path, fake_embedder, _SureOf("two per cent"))
    try:
        ev = bot.evidence(question)
        rise = next(s for s in ev.ranked if "two per cent" in s.sentence.text)
        assert rise.fits_type is False and not rise.of_other  # no amount read in it
        ans = bot.ask(question)
    finally:
        bot.close()
    assert not ans.abstained
    assert "two per cent" in ans.citations[0].quote


def test_a_misfit_the_judge_is_unsure_of_is_not_quoted(tmp_path, fake_embedder):
    bot = _tenancy_bot(tmp_path, fake_embedder, _SureOf("two per cent", level=0.4))
    try:
        ans = bot.ask("How much can the rent go up at a review?")
    finally:
        bot.close()
    assert ans.abstained or all("two per cent" not in c.quote for c in ans.citations)


def test_an_amount_of_something_else_is_not_quoted_however_sure_the_judge(tmp_path,
                                                                        fake_embedder):
    question = "How much does it cost to charge an electric car?"
    bot = _tenancy_bot(tmp_path, fake_embedder, _SureOf("costs 30 euros"))
    try:
        ev = bot.evidence(question)
        parking = next(s for s in ev.ranked if "costs 30 euros" in s.sentence.text)
        assert parking.of_other and parking.answers == pytest.approx(0.95)
        ans = bot.ask(question)
    finally:
        bot.close()
    assert ans.abstained


def test_a_look_alike_decline_says_where_the_term_is_missing_when_another_document_has_it(
        tmp_path, fake_embedder):
    from assistant import Assistant

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "compressor-licence.txt").write_text(
        "This licence gives no warranty of any kind for the compressor.\n\n"
        "Redistribution of the compressor is permitted.\n", encoding="utf-8")
    (corpus / "framework-licence.txt").write_text(
        "Copyright 2010 Pallets.\n\nThe framework may be used in any project.\n",
        encoding="utf-8")
    bot = Assistant.load(corpus=corpus, index=tmp_path / "ix", generator="extractive",
                         embedder=fake_embedder, judge=FakeJudge())
    try:
        held = bot.ask("Does the Pallets licence give any warranty for the compressor?")
        nowhere = bot.ask("Does the Zephyr licence give any warranty for the compressor?")
    finally:
        bot.close()
    assert held.abstained and nowhere.abstained
    # "Pallets" is in the corpus, only not in the document of the closest evidence
    assert held.fallback == ("the document of the closest evidence, compressor-licence.txt, "
                             "never mentions “Pallets”, which the question asks about")
    assert nowhere.fallback == "the documents never mention “Zephyr”, which the question asks about"


def test_an_amount_is_of_what_its_documents_title_names(tmp_path, fake_embedder):
    """"What are the fees at the clinic?": the fees are what is asked, the clinic what they
    are of, and a handbook titled with the clinic's name states its fees without naming it
    again; an amount of something the question does not ask about stays a misfit."""
    from assistant import Assistant

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "handbook.md").write_text(
        "# Harbourside Clinic: patient handbook\n\n"
        "The first appointment costs 90 euros and each follow-up appointment costs 60 euros.\n\n"
        "Please arrive ten minutes before your first appointment.\n", encoding="utf-8")
    bot = Assistant.load(corpus=corpus, index=tmp_path / "ix", generator="extractive",
                         embedder=fake_embedder, judge=_SureOf("costs 90 euros"))
    try:
        ev = bot.evidence("What are the fees at Harbourside Clinic?")
        fees = next(s for s in ev.ranked if "costs 90 euros" in s.sentence.text)
        assert fees.fits_type is True and not fees.of_other
        other = bot.evidence("How much does parking at Harbourside Clinic cost?")
        assert next(s for s in other.ranked if "costs 90 euros" in s.sentence.text).of_other
    finally:
        bot.close()
