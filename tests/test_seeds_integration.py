"""The real pipeline on seeds/: real embedder, real Chroma index, the golden questions."""

import pytest

from evals.golden import load_golden, quote_is_verbatim

pytestmark = pytest.mark.integration
GOLDEN = load_golden()


def test_every_citation_quote_is_verbatim_in_its_source(seeds_bot):
    cited = 0
    for g in GOLDEN:
        ans = seeds_bot.ask(g.question)
        for c in ans.citations:
            cited += 1
            text = seeds_bot.source_text(c.source)
            assert quote_is_verbatim(c.quote, text), (g.id, c)
            assert text[c.start:c.end].split() == c.quote.split()
    assert cited > len(GOLDEN)


def test_retrieval_finds_gold_evidence_for_most_questions(seeds_bot):
    from evals.benchmark import retrieval

    figures = retrieval(seeds_bot, GOLDEN)
    assert figures["hybrid"]["hit@5"] >= 0.85
    assert figures["hybrid"]["mrr"] >= figures["dense"]["mrr"]


def test_extractive_answers_beat_the_keyword_floor(seeds_bot):
    from evals.benchmark import answers

    got = answers(seeds_bot, GOLDEN)
    assert got["grounded_correct"] >= got["keyword_floor"]["grounded_correct"] + 0.1
    assert got["answerable_abstained"] <= 0.05
    assert got["unanswerable_abstained"] >= 0.5
    assert got["citations_verbatim"] == 1.0


def test_answers_relying_on_a_reader_comment_say_so(seeds_bot):
    ans = seeds_bot.ask("What did readers say in the comments about the council's plan?")
    assert any(c.is_comment for c in ans.citations)
    assert "reader comment" in ans.text.lower()


def test_example_answer(seeds_bot):
    ans = seeds_bot.ask("What did it cost in agency staff?")
    assert "£22 million" in ans.text and ans.citations[0].source == "000_7bd80a9f28212646.txt"
