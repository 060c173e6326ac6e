"""The eval suite's gates, reports and judge, and the CI subset of the suite itself."""

import json
import math

import pytest

from evals import run as suite
from evals.golden import load_golden


def summary(**overrides):
    base = {m: 0.95 for m in suite.METRICS}
    base.update({f"{m}_n": 5 for m in suite.METRICS}, answer_seconds_mean=1.0)
    base.update(overrides)
    return base


GOOD_JUDGE = {"faithful": 1.0, "unfaithful": 0.0, "ok": True}


def test_gates_pass_on_a_healthy_run():
    assert suite.gates({"local": summary(), "extractive": summary()}, GOOD_JUDGE, None) == []


def test_faithfulness_below_the_floor_fails():
    failures = suite.gates({"local": summary(faithfulness=0.85)}, GOOD_JUDGE, None)
    assert failures == ["local: faithfulness 0.850 < 0.9"]


def test_regression_beyond_tolerance_fails_and_within_passes():
    baseline = {"local": summary(mrr=0.90), "extractive": summary()}
    assert suite.gates({"local": summary(mrr=0.86), "extractive": summary()}, GOOD_JUDGE, baseline) == []
    failures = suite.gates({"local": summary(mrr=0.80), "extractive": summary()}, GOOD_JUDGE, baseline)
    assert failures == ["local: mrr 0.800 regressed from baseline 0.900 (tolerance 0.05)"]


def test_a_judge_that_cannot_tell_fails_the_suite():
    blind = {"faithful": 0.7, "unfaithful": 0.6, "ok": False}
    assert "can no longer tell" in suite.gates({"local": summary()}, blind, None)[0]


def test_a_judge_whose_replies_do_not_parse_fails_the_suite():
    flaky = {**GOOD_JUDGE, "calls": 40, "unparsed": 6}
    assert "failed to parse 6 times" in suite.gates({"local": summary()}, flaky, None)[0]
    assert suite.gates({"local": summary()}, {**flaky, "unparsed": 1}, None) == []


def test_decision_comes_before_reason_in_the_judge_schema():
    from ragas.metrics.collections.faithfulness.util import NLIStatementOutput

    from evals.judge import decision_first

    schema = decision_first(NLIStatementOutput.model_json_schema())
    item = next(v for v in schema["$defs"].values() if "verdict" in v.get("properties", {}))
    assert list(item["properties"])[:2] == ["statement", "verdict"]


def test_nan_metrics_never_pass_a_gate():
    assert suite.gates({"local": summary(faithfulness=math.nan)}, GOOD_JUDGE, None)


def test_baseline_file_covers_every_offline_backend():
    baseline = json.loads(suite.BASELINE.read_text())
    assert set(baseline) == set(suite.BACKENDS)
    for backend in suite.BACKENDS:
        assert set(suite.METRICS) <= set(baseline[backend])
    assert baseline["local"]["faithfulness"] >= suite.FAITHFULNESS_MIN


def test_ci_subset_is_a_handful_of_real_golden_questions():
    ids = {g.id for g in load_golden()}
    assert set(suite.CI_SUBSET) <= ids and 3 <= len(suite.CI_SUBSET) <= 8
    assert any(not g.answerable for g in load_golden() if g.id in suite.CI_SUBSET)


@pytest.mark.llm
def test_the_judge_scores_faithful_high_and_unfaithful_low(local_llm, real_embedder):
    verdict = suite.check_judge(suite.Scorer(local_llm, real_embedder))
    assert verdict["ok"], verdict
    assert verdict["faithful"] >= 0.8 and verdict["unfaithful"] <= 0.3


@pytest.mark.llm
def test_ci_subset_of_the_suite(local_llm, real_embedder, seeds_index, tmp_path):
    golden = [g for g in load_golden() if g.id in suite.CI_SUBSET]
    report, failures = suite.run(list(suite.BACKENDS), golden, tmp_path / "report", None,
                                 llm=local_llm, embedder=real_embedder, index=seeds_index)
    assert failures == [], failures
    for backend in suite.BACKENDS:
        s = report["summary"][backend]
        assert s["faithfulness"] >= suite.FAITHFULNESS_MIN and s["citation_validity"] == 1.0
    out = tmp_path / "report"
    assert (out / "report.md").exists() and (out / "report.json").exists()
    assert (out / "faithfulness.png").stat().st_size > 1000
    assert "all gates passed" in (out / "report.md").read_text()
