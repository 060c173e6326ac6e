import pytest

from assistant import ConfigError


def test_passages_are_verbatim_with_offsets(fake_bot):
    for mode in ("hybrid", "dense", "bm25"):
        passages = fake_bot.retrieve("How much will the library cost?", k=3, mode=mode)
        assert passages, mode
        for p in passages:
            assert fake_bot.source_text(p.source)[p.start:p.end] == p.text
            assert p.score > 0 and p.title


def test_hybrid_ranks_lexical_match_first(fake_bot):
    [top] = fake_bot.retrieve("road repairs", k=1)
    assert top.source == "alpha.txt" and "road repairs" in top.text


def test_k_and_mode_are_validated(fake_bot):
    with pytest.raises(ConfigError, match="k must be a positive integer. Currently, k is 0"):
        fake_bot.retrieve("library", k=0)
    with pytest.raises(ConfigError, match="mode must be one of"):
        fake_bot.retrieve("library", mode="magic")


def test_k_larger_than_index_returns_everything(fake_bot):
    assert len(fake_bot.retrieve("library", k=500)) == fake_bot.index.count()


def test_furniture_is_not_retrievable(fake_bot):
    for p in fake_bot.retrieve("sign up newsletter", k=20):
        assert "newsletter" not in p.text
