"""The golden set itself: big enough, covering every document and kind of question, with gold
quotes that really are in their sources."""

from collections import Counter

from evals.golden import load_golden, quote_is_verbatim

from conftest import SEEDS


def test_golden_set_is_complete():
    golden = load_golden()
    assert len(golden) >= 25
    assert len({g.id for g in golden}) == len(golden)
    covered = {s for g in golden for s in g.sources}
    assert covered == {p.name for p in SEEDS.glob("*.txt")}
    kinds = Counter(g.category for g in golden)
    for kind in ("number", "name", "date", "paraphrase", "multi", "unanswerable", "comment"):
        assert kinds[kind] >= 1, kind
    assert kinds["unanswerable"] >= 5


def test_gold_evidence_is_verbatim_and_facts_are_stated():
    for g in load_golden():
        if not g.answerable:
            assert not g.sources and not g.facts
            continue
        assert g.evidence and g.facts
        for source, quote in g.evidence:
            assert source in g.sources
            assert quote_is_verbatim(quote, (SEEDS / source).read_text(encoding="utf-8")), g.id
        corpus = " ".join((SEEDS / s).read_text(encoding="utf-8") for s in g.sources)
        for group in g.facts:  # some variant of every expected fact is in a gold source
            assert any(quote_is_verbatim(v, corpus) for v in group), (g.id, group)
