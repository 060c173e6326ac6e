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


@pytest.mark.xfail(strict=True, reason=(
    "the judged score (0.5 judge + 0.5 prior, threshold 0.3, chosen on tune documents) gives "
    "the best comment 0.27 (the judge itself 0.04): the question is declined, where the prior "
    "alone (0.49) answered it; the judge was never trained on reader comments (issue 31)"))
def test_answers_relying_on_a_reader_comment_say_so(seeds_bot):
    ans = seeds_bot.ask("What did readers say in the comments about the council's plan?")
    assert any(c.is_comment for c in ans.citations)
    assert "reader comment" in ans.text.lower()


def test_example_answer(seeds_bot):
    ans = seeds_bot.ask("What did it cost in agency staff?")
    assert "£22 million" in ans.text and ans.citations[0].source == "000_7bd80a9f28212646.txt"


def test_a_single_question_embeds_on_one_thread_with_the_same_vector(real_embedder,
                                                                     monkeypatch):
    import numpy as np
    import torch

    original = torch.get_num_threads()
    torch.set_num_threads(2)  # as on the 2-core machines here, whatever this one has
    seen = []
    encode = real_embedder._model.encode

    def spy(texts, **kw):
        seen.append((len(texts), torch.get_num_threads()))
        return encode(texts, **kw)

    monkeypatch.setattr(real_embedder._model, "encode", spy)
    texts = ["Why was the plan put on hold?", "What did it cost in agency staff?"]
    alone = np.vstack([real_embedder.embed([t]) for t in texts])
    mixed = texts * 8 + ["A much longer text, so that the longest-first order differs from "
                         "the order given, and the rows must be put back."]
    in_batch = real_embedder.embed(mixed)  # 17 texts: a batch
    assert seen == [(1, 1), (1, 1), (17, 2)]  # questions on one thread, batches on all
    # the same vectors either way, each in its own text's row
    assert np.allclose(np.vstack([alone] * 8), in_batch[:16], atol=1e-5)
    assert np.allclose(in_batch[16], real_embedder.embed(mixed[16:])[0], atol=1e-5)
    assert torch.get_num_threads() == 2  # the thread count is given back
    torch.set_num_threads(original)
