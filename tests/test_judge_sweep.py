"""The rule `evals.judge_sweep` ships the judge's operating point by (no model, no documents)."""

from evals import judge_sweep as JS


def rates(right, declined):
    return {"right": right, "declined": declined, "precision": 0.0}


def test_each_weight_takes_its_lowest_threshold_declining_enough_and_the_most_answering_wins():
    pooled = {
        "judge": {0.4: rates(0.80, 0.5), 0.45: rates(0.70, 0.6), 0.5: rates(0.60, 0.7)},
        "blend 0.75": {0.4: rates(0.72, 0.6), 0.45: rates(0.70, 0.7), 0.5: rates(0.6, 0.8)},
        "blend 0.5": {0.4: rates(0.71, 0.6), 0.45: rates(0.70, 0.7), 0.5: rates(0.6, 0.8)},
        "blend 0.25": {0.4: rates(0.90, 0.5), 0.45: rates(0.72, 0.59), 0.5: rates(0.73, 0.61)},
        "prior alone": {0.4: rates(0.70, 0.65), 0.45: rates(0.6, 0.7), 0.5: rates(0.5, 0.8)},
    }
    assert JS.choose(pooled["judge"]) == 0.45
    assert JS.choose_weight(pooled) == (0.25, 0.5)  # 0.73 at its threshold; 0.90 declines too few


def test_every_weight_is_gathered_at_that_weight_not_meta_json_s():
    class Shipped:
        name, threshold, weight = "judge", 0.45, 0.25

        def score(self, question, candidates):
            return [0.5] * len(candidates)

    class Bot:
        def __init__(self):
            self.judge, self.seen = JS.Weighted(Shipped()), []

        def evidence(self, text):
            self.seen.append(self.judge.weight)
            return text

    bot = Bot()
    got = JS.judged_questions(bot, ["q1", "q2"], lambda q: q)
    assert sorted(got) == sorted(set(JS.WEIGHTS.values())) == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert all([item for item, _ in rows] == ["q1", "q2"] for rows in got.values())
    assert sorted(set(bot.seen)) == [0.0, 0.25, 0.5, 0.75, 1.0] and len(bot.seen) == 10
    assert {w for w, _ in JS.VARIANTS.values()} <= set(got)
