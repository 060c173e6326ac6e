"""An index larger than one SQLite query can read: more than 40,000 sentences.

Reading the whole store in one Chroma call overflowed SQLite's 32,766 query variables, so once
such an index was built every later `index`, `Assistant.load` and chat start failed ("too many
SQL variables"). The deterministic fake embedder keeps the build to about a minute."""

import random
import shutil

import pytest

from assistant import Assistant, IndexUnusable
from assistant.embeddings import HashingEmbedder

DOCS, PARAGRAPHS, SENTENCES = 60, 100, 7  # 42,000 sentences


def write_big_corpus(root):
    rnd = random.Random(0)
    vocab = [f"w{i}" for i in range(3000)]
    root.mkdir()
    for d in range(DOCS):
        paragraphs = [" ".join(" ".join(rnd.choice(vocab) for _ in range(8)).capitalize() + "."
                               for _ in range(SENTENCES)) for _ in range(PARAGRAPHS)]
        if d == 7:
            paragraphs[42] = "The zeppelin hangar at Cardington opened in 1931."
        (root / f"doc{d:03}.txt").write_text(f"Report number {d}\n\n" + "\n\n".join(paragraphs))
    return root


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    base = tmp_path_factory.mktemp("big")
    corpus = write_big_corpus(base / "corpus")
    bot = Assistant.load(corpus=corpus, index=base / "index", generator="extractive",
                         embedder=HashingEmbedder())
    sentences = sum(d.sentences for d in bot.index.manifest.documents().values())
    bot.close()
    return corpus, base / "index", sentences


def load(corpus, index):
    return Assistant.load(corpus=corpus, index=index, generator="extractive",
                          embedder=HashingEmbedder())


def test_a_large_index_opens_again_and_answers(big):
    corpus, index, sentences = big
    assert sentences > 40_000
    with load(corpus, index) as bot:  # failed here before: "too many SQL variables"
        assert len(bot.sync_report.unchanged) == DOCS and not bot.sync_report.changed
        answer = bot.ask("When did the zeppelin hangar at Cardington open?")
        assert "1931" in answer.text and answer.citations[0].source == "doc007.txt"


def test_a_large_index_takes_additions_and_removals(big, tmp_path):
    corpus, index, _ = big
    corpus2, index2 = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(corpus, corpus2)
    shutil.copytree(index, index2)
    (corpus2 / "airships.txt").write_text("Airship news\n\nThe airship R101 first flew in 1929.\n")
    (corpus2 / "doc007.txt").unlink()
    with load(corpus2, index2) as bot:
        assert bot.sync_report.added == ["airships.txt"]
        assert bot.sync_report.removed == ["doc007.txt"]
        assert "1929" in bot.ask("When did the airship R101 first fly?").text
        hangar = bot.retrieve("zeppelin hangar at Cardington", k=5)
        assert all(p.source != "doc007.txt" for p in hangar)


def test_a_store_failure_says_what_to_do(tiny_corpus, tmp_path, monkeypatch):
    bot = load(tiny_corpus, tmp_path / "ix")

    def broken(*args, **kwargs):
        raise RuntimeError("disk I/O error")
    monkeypatch.setattr(bot.index._chunks, "query", broken)
    with pytest.raises(IndexUnusable, match=r"disk I/O error.*index --rebuild"):
        bot.ask("When will the library open?")
    bot.close()
