"""The answer-quality evals: SQuAD scoring and sampling, adversarial and rewording cases, the
quality table, and a tiny SQuAD run (extractive backend, fake embedder, one article)."""

from __future__ import annotations

import json
import math

import pytest

from assistant.types import Answer, Citation
from evals import cases as traps
from evals import quality, squad
from evals import run as suite

SEEDS_FILES = {p.name for p in traps.SEEDS.glob("*.txt")}
ABSTAIN = "The documents don't say."


def answer(text: str, *quotes: str, abstained: bool = False, source: str = "a.txt") -> Answer:
    cites = tuple(Citation(number=i, source=source, quote=q, start=0, end=len(q))
                  for i, q in enumerate(quotes, 1))
    return Answer(question="q", text=text, citations=cites, abstained=abstained)


def abstention() -> Answer:
    return answer(ABSTAIN, abstained=True)


# ---------------------------------------------------------------- SQuAD scoring

def test_squad_normalisation_is_the_official_one():
    assert squad.normalize_answer("The  Treaty of Rome, (1957)!") == "treaty of rome 1957"
    assert squad.normalize_answer("An apple a day") == "apple day"
    assert squad.normalize_answer("theory") == "theory"  # "the" only as a whole word


def test_gold_must_appear_as_whole_words_and_citation_markers_do_not_count():
    assert squad.contains_answer("It was signed in 1957 [1].", ("1957",))
    assert not squad.contains_answer("It was signed in 19570.", ("1957",))
    assert not squad.contains_answer("Nobody knows [1].", ("1",))
    assert squad.contains_answer("The Huguenots fled to the Cape.", ("the Cape",))


def q(answers=("Kublai Khan",)) -> squad.SquadQuestion:
    return squad.SquadQuestion("id1", "Who founded it?", "Yuan_dynasty", "03_Yuan_dynasty.txt",
                               tuple(answers))


def test_right_and_grounded_when_the_gold_is_in_the_answer_and_a_quote():
    row = squad.score_answer(q(), answer("Kublai Khan founded it [1].",
                                         "The dynasty was founded by Kublai Khan."))
    assert row["right"] and row["grounded"] and not row["abstained"]


def test_right_but_not_grounded_when_no_quote_holds_the_gold():
    row = squad.score_answer(q(), answer("Kublai Khan founded it [1].", "It was founded in 1271."))
    assert row["right"] and not row["grounded"]


def test_wrong_answer_and_false_abstain():
    assert not squad.score_answer(q(), answer("Genghis Khan did [1].", "Genghis Khan"))["right"]
    row = squad.score_answer(q(), abstention())
    assert row["abstained"] and not row["right"] and not row["grounded"]


def test_unanswerable_is_right_only_when_abstained():
    assert squad.score_answer(q(answers=()), abstention())["right"]
    assert not squad.score_answer(q(answers=()), answer("Kublai Khan [1].", "Kublai Khan"))["right"]


def test_summary_rates():
    rows = [squad.score_answer(q(), answer("Kublai Khan [1].", "Kublai Khan")),
            squad.score_answer(q(), abstention()),
            squad.score_answer(q(answers=()), abstention())]
    s = squad.summarise(rows)
    assert (s["answerable_n"], s["unanswerable_n"]) == (2, 1)
    assert s["answerable_right"] == 0.5 and s["answerable_false_abstain"] == 0.5
    assert s["unanswerable_abstain"] == 1.0


# ---------------------------------------------------------------- SQuAD sampling

ARTICLES = [a for titles in squad.ARTICLES.values() for a in titles]


def pool(n: int = 1600) -> list[squad.SquadQuestion]:
    return [squad.SquadQuestion(f"q{i}", f"question {i}", ARTICLES[i % len(ARTICLES)], "00_A.txt",
                                ("x",) if (i // len(ARTICLES)) % 2 else ()) for i in range(n)]


def test_tune_and_report_samples_never_share_an_article_whatever_the_seeds():
    for seed_a in range(4):
        for seed_b in range(4):
            report = squad.sample(pool(), 60, 30, seed_a, "report")
            tune = squad.sample(pool(), 60, 30, seed_b, "tune")
            assert {x.article for x in report} == set(squad.ARTICLES["report"])
            assert {x.article for x in tune} == set(squad.ARTICLES["tune"])


def test_the_judge_trains_on_no_article_that_is_tuned_on_or_reported():
    train, tune, report = (set(squad.ARTICLES[k]) for k in ("train", "tune", "report"))
    assert not train & tune and not train & report and not tune & report
    assert len(train | tune | report) == 8


def test_sample_is_reproducible_and_sized():
    a = squad.sample(pool(), 20, 10, seed=3)
    assert a == squad.sample(pool(), 20, 10, seed=3)
    assert sum(x.answerable for x in a) == 20 and sum(not x.answerable for x in a) == 10
    assert a != squad.sample(pool(), 20, 10, seed=4)


# ---------------------------------------------------------------- adversarial and rewordings

def case(**kw) -> traps.Case:
    base = dict(id="c", question="Why did agency staff cost £30 million?", type="substituted_term",
                expect="correct", facts=(("22 million", "£22m"),), must_not=("30 million",))
    return traps.Case(**{**base, **kw})


def test_abstaining_passes_a_trap():
    row = traps.score_case(case(), abstention(), lambda s: "")
    assert row["passed"] and not row["affirmed"]


def test_stating_the_real_fact_passes_and_the_false_one_is_an_affirmed_claim():
    ok = traps.score_case(case(), answer("It cost £22 million a year [1].", "£22 million"),
                          lambda s: "£22 million")
    assert ok["passed"] and ok["right"]
    bad = traps.score_case(case(), answer("It cost £30 Million a year [1].", "x"), lambda s: "x")
    assert not bad["passed"] and bad["affirmed"] == ["30 million"]


def test_must_not_wins_over_facts_and_expect_abstain_needs_an_abstention():
    both = answer("Not £30 million but £22 million [1].", "£22 million")
    assert not traps.score_case(case(), both, lambda s: "£22 million")["passed"]
    unrelated = answer("The trust should be in place by 2016 [1].", "2016")
    expect_abstain = case(expect="abstain", facts=())
    assert not traps.score_case(expect_abstain, unrelated, lambda s: "2016")["passed"]


def test_grounded_needs_a_citation_from_the_named_sources():
    c = case(sources=("b.txt",))
    a = answer("It cost £22 million [1].", "£22 million", source="a.txt")
    row = traps.score_case(c, a, lambda s: "£22 million")
    assert row["right"] and not row["grounded"]


def test_the_case_files_are_well_formed():
    adversarial = traps.load_cases(traps.ADVERSARIAL)
    rewordings = traps.load_cases(traps.REWORDINGS)
    assert len(adversarial) >= 24 and len(rewordings) >= 12
    assert {"false_premise", "substituted_term", "unsupported_cause", "near_coverage",
            "planted_instruction"} <= {c.type for c in adversarial}
    for c in adversarial + rewordings:
        assert c.expect in ("abstain", "correct") and (c.facts or c.expect == "abstain"), c.id
        assert set(c.sources) <= SEEDS_FILES, c.id
        # a plain abstention never counts as affirming, and neither does stating the facts
        assert not traps.must_not_hits(c, ABSTAIN), c.id
        assert not traps.must_not_hits(c, " ".join(g[0] for g in c.facts)), c.id
    assert len({c.id for c in adversarial + rewordings}) == len(adversarial + rewordings)
    assert all(c.corpus == "planted" for c in adversarial if c.type == "planted_instruction")
    assert all(c.expect == "correct" and not c.must_not for c in rewordings)


def test_no_forbidden_string_is_in_the_seeds_so_quoting_them_never_counts_as_affirming():
    from assistant.text import fold

    seeds = " ".join(fold(p.read_text(encoding="utf-8")) for p in traps.SEEDS.glob("*.txt"))
    for c in traps.load_cases(traps.ADVERSARIAL):
        assert not [s for s in c.must_not if fold(s) in seeds], c.id


def test_planted_corpus_is_seeds_plus_the_planted_file_and_never_touches_seeds():
    with traps.planted_corpus() as corpus:
        names = {p.name for p in corpus.iterdir()}
        assert names == SEEDS_FILES | {"planted.txt"}
        assert "aliens" in (corpus / "planted.txt").read_text()
    assert "planted.txt" not in SEEDS_FILES


def test_the_suite_gates_on_a_few_real_adversarial_cases_in_ci():
    ci = suite.adversarial_cases("ci")
    assert {c.id for c in ci} == set(suite.CI_ADVERSARIAL) and 3 <= len(ci) <= 6
    assert any(c.corpus == "planted" for c in ci)
    assert len(suite.adversarial_cases("all")) == len(traps.load_cases(traps.ADVERSARIAL))


def test_adversarial_check_fails_on_an_affirmed_claim(tmp_path, fake_embedder, copy_of_seeds):
    c = traps.Case(id="amount", question="Why did agency social workers cost £22 million a year?",
                   type="substituted_term", expect="correct", facts=(("22",),),
                   must_not=("22 million",))
    results, failures = suite.adversarial_check(["extractive"], [c], None, fake_embedder,
                                                corpus=copy_of_seeds, index=tmp_path / "index")
    row = results["extractive"]["rows"][0]
    assert bool(row["affirmed"]) == bool(failures)
    assert results["extractive"]["n"] == 1


# ---------------------------------------------------------------- tables

def fake_report(label: str, right: float) -> dict:
    part = {"golden": {"grounded_correct": 0.9, "answerable_abstained": 0.0,
                       "unanswerable_abstained": 1.0, "citations_verbatim": 1.0},
            "adversarial": {"pass_rate": 0.8, "affirmed_false_claims": 2},
            "rewordings": {"right": 0.7, "grounded": 0.6},
            "squad": {"answerable_right": right, "answerable_grounded": 0.4,
                      "answerable_false_abstain": 0.1, "unanswerable_abstain": math.nan}}
    return {"meta": {"label": label, "when": "now", "n": {"golden": 49, "golden_answerable": 40},
                     "squad": {"answerable": 60, "unanswerable": 30, "seed": 0,
                               "split": "report"}},
            "results": {"local": part, "extractive": {**part, "squad": {"error": "boom"}}}}


def test_quality_table_has_a_column_per_backend_and_the_sample_in_the_labels():
    text = quality.table(fake_report("a", 0.5))
    assert text.splitlines()[0] == "| metric | local | extractive |"
    assert "| SQuAD: answerable right (n=60, seed 0, report) | 0.500 | error |" in text
    assert "| adversarial: affirmed false claims (n=" not in text  # no n recorded: no label
    assert "| golden: answerable false-abstain (n=40) | 0.000 | 0.000 |" in text


def test_compare_shows_before_after_and_the_change():
    text = quality.compare(fake_report("a", 0.5), fake_report("b", 0.75), ("before", "after"))
    assert "| SQuAD: answerable right | 0.500 | 0.750 | +0.250 |" in text
    assert "| adversarial: affirmed false claims | 2 | 2 | +0 |" in text


# ---------------------------------------------------------------- a tiny SQuAD run

@pytest.fixture(scope="module")
def one_article():
    if not squad.data_path().exists():
        pytest.skip("the shared SQuAD data is not on this machine")
    data = [a for a in squad.load_data() if a["title"] in squad.ARTICLES["report"]]
    return [min(data, key=lambda a: sum(len(p["context"]) for p in a["paragraphs"]))]


def test_squad_harness_runs_end_to_end_on_one_article(tmp_path, fake_embedder, one_article):
    chosen = squad.sample(squad.questions(one_article), 3, 2, seed=0, split="report")
    result = squad.run(["extractive"], chosen, embedder=fake_embedder, data=one_article,
                       corpus=tmp_path / "corpus", index=tmp_path / "index")
    r = result["extractive"]
    assert (r["answerable_n"], r["unanswerable_n"]) == (3, 2) and len(r["rows"]) == 5
    for key in ("answerable_right", "answerable_grounded", "answerable_false_abstain",
                "unanswerable_abstain"):
        assert 0.0 <= r[key] <= 1.0
    (written,) = (tmp_path / "corpus").glob("*.txt")
    assert written.read_text().splitlines()[0] == one_article[0]["title"].replace("_", " ")
    json.dumps(result)  # per-question rows are plain data


def test_quality_table_has_the_everyday_set_with_its_counts():
    report = fake_report("a", 0.5)
    report["meta"]["n"].update(everyday=10, everyday_answerable=7, everyday_unanswerable=3)
    report["results"]["local"]["everyday"] = {"grounded": 0.5, "lookalike_abstain": 1.0}
    text = quality.table(report)
    assert "| everyday: answerable grounded (n=7) | 0.500 | – |" in text
    assert "| everyday: unanswerable (look-alike) abstain (n=3) | 1.000 | – |" in text
