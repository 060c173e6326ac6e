"""Named collections (issue 29, item 1): each with its own documents folder and index, managed
and chosen through every door, the models shared. A fact is planted in one collection and the
question asked of the other: it must never be cited, through the Python API, the CLI, the
OpenAI-compatible API and the MCP tools (and the reverse). The existing single corpus is the
"default" collection, left where it is."""

from __future__ import annotations

import json
import os

import anyio
import httpx
import openai
import pytest
from mcp import Client

from assistant import CollectionError, Library, UnknownCollection
from assistant.cli import main
from assistant.serve import Service
from assistant.serve.mcp_server import build_server
from assistant.serve.openai_api import standalone_app

from conftest import HARBOUR_LIBRARY, write_corpus
from helpers import served

HARBOUR_Q = "When will the harbour wall repairs finish?"  # answered in the default collection
LIBRARY_Q = "When did the new library open?"  # answered in collection "town"


def sources(answer) -> set[str]:
    return {c.source for c in answer.citations}


@pytest.fixture
def where(tmp_path):
    """The default collection (harbour.txt) and the settings that name it."""
    corpus = write_corpus(tmp_path / "docs", {"harbour.txt": HARBOUR_LIBRARY["harbour.txt"]})
    return {"corpus": corpus, "index": tmp_path / "ix"}


@pytest.fixture
def library(where, fake_embedder):
    """The default collection and "town" (library.txt), extractive, the fake embedder."""
    lib = Library(generator="extractive", embedder=fake_embedder, **where)
    info = lib.create("town")
    write_corpus(info.corpus, {"library.txt": HARBOUR_LIBRARY["library.txt"]})
    yield lib
    lib.close()


def test_each_collection_answers_from_its_own_documents_only(library):
    default, town = library.open(), library.open("town")
    assert sources(default.ask(HARBOUR_Q)) == {"harbour.txt"}
    assert sources(town.ask(LIBRARY_Q)) == {"library.txt"}
    assert "harbour.txt" not in sources(town.ask(HARBOUR_Q))  # planted in the other one
    assert "library.txt" not in sources(default.ask(LIBRARY_Q))
    assert {p.source for p in town.retrieve("harbour wall repairs", k=5)} == {"library.txt"}
    assert library.open("town") is town  # opened once
    # one embedder, one judge for all
    assert town.embedder is default.embedder and town.judge is default.judge


def test_collections_share_one_language_model(where, fake_embedder):
    with Library(generator="fake", embedder=fake_embedder, **where) as lib:
        lib.create("town")
        assert lib.open("town").generator.llm is lib.open().generator.llm


def test_create_list_rename_delete(library, where, tmp_path):
    assert library.names() == ["default", "town"]
    listed = {c.name: c for c in library.list()}
    assert listed["default"].default and listed["default"].corpus == where["corpus"]
    assert listed["town"].documents == 1 and listed["town"].corpus == tmp_path / "collections" / "town" / "documents"
    library.open(), library.open("town")
    library.rename("town", "village")
    assert library.names() == ["default", "village"]
    assert sources(library.open("village").ask(LIBRARY_Q)) == {"library.txt"}  # not re-indexed away
    library.create("house")
    says = library.removes("village")
    assert "village" in says[0] and "1 document " in says[0]
    assert library.delete("village") == says
    assert library.names() == ["default", "house"]
    assert not (tmp_path / "collections" / "village").exists()
    assert (tmp_path / "collections" / "house" / "documents").is_dir()  # the others stay
    assert (where["corpus"] / "harbour.txt").exists() and where["index"].is_dir()


@pytest.mark.parametrize("name, says", [
    ("", "is empty"), ("  ", "is empty"), ("a/b", "path separator"), ("a\\b", "path separator"),
    ("..", "'..'"), ("a..b", "'..'"), ("x\ny", "control character"), ("\x00", "control character"),
    (".hidden", "only letters"), ("x" * 65, "longer than 64"), ("default", "reserved"),
    ("assistant", "reserved"), ("Assistant-Local", "reserved"), (7, "must be text")])
def test_unsafe_names_are_refused(library, name, says):
    with pytest.raises(CollectionError, match=says):
        library.create(name)
    with pytest.raises(CollectionError):
        library.rename("town", name)
    assert library.names() == ["default", "town"]


def test_duplicates_unknown_names_and_the_default_are_refused(library, tmp_path):
    with pytest.raises(CollectionError, match="already a collection named 'town'"):
        library.create("town")
    with pytest.raises(CollectionError, match="already a collection named 'town'"):
        library.create("TOWN")
    library.create("house")
    with pytest.raises(CollectionError, match="already a collection named 'house'"):
        library.rename("town", "house")
    for call in (lambda: library.open("nope"), lambda: library.delete("nope"),
                 lambda: library.rename("nope", "other")):
        with pytest.raises(UnknownCollection, match="no collection named 'nope'. The collections "
                                                    "are: default, house, town"):
            call()
    for call in (lambda: library.delete("default"), lambda: library.rename("default", "x")):
        with pytest.raises(CollectionError, match="cannot be renamed or deleted"):
            call()


def test_delete_refuses_a_link_and_touches_nothing_outside(library, tmp_path):
    outside = write_corpus(tmp_path / "precious" / "documents", {"keep.txt": "Keep me."})
    os.symlink(outside.parent, tmp_path / "collections" / "linked")
    assert "linked" in library.names()
    with pytest.raises(CollectionError, match="is a link"):
        library.delete("linked")
    assert (outside / "keep.txt").exists()


def test_a_folder_made_by_hand_is_a_collection(library, tmp_path):
    write_corpus(tmp_path / "collections" / "made" / "documents", {"library.txt":
                                                                   HARBOUR_LIBRARY["library.txt"]})
    assert "made" in library.names()
    assert sources(library.open("made").ask(LIBRARY_Q)) == {"library.txt"}


def test_the_single_corpus_is_the_default_collection_unchanged(where, fake_embedder):
    from assistant import Assistant

    Assistant.load(generator="extractive", embedder=fake_embedder, **where).close()
    before = sorted(p.relative_to(where["index"]) for p in where["index"].rglob("*"))
    with Library(generator="extractive", embedder=fake_embedder, **where) as lib:
        bot = lib.open("default")
        assert bot.config.corpus == where["corpus"] and bot.config.index == where["index"]
        assert "up to date" in " ".join(bot.sync_report.describe())  # nothing re-indexed
    assert sorted(p.relative_to(where["index"]) for p in where["index"].rglob("*")) == before
    assert sorted(p.name for p in where["corpus"].iterdir()) == ["harbour.txt"]
