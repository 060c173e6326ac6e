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
from test_chroma_server import chroma_server  # noqa: F401 - a fixture

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


# ---------------------------------------------------------------- the command line

@pytest.fixture
def cli(where, monkeypatch, capsys):
    """Run the CLI over the default collection of `where` (the fake embedder): exit code,
    stdout, stderr."""
    from assistant import core
    from assistant.embeddings import HashingEmbedder

    monkeypatch.setattr(core, "LocalEmbedder", HashingEmbedder)
    monkeypatch.setenv("ASSISTANT_CORPUS", str(where["corpus"]))
    monkeypatch.setenv("ASSISTANT_INDEX", str(where["index"]))
    monkeypatch.setenv("ASSISTANT_GENERATOR", "extractive")

    def run(*args):
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err
    return run


def test_the_cli_manages_collections_and_asks_each_its_own(cli, tmp_path):
    town = tmp_path / "collections" / "town"
    code, out, _ = cli("collections", "create", "town")
    assert code == 0 and "created collection town" in out and (town / "documents").is_dir()
    library_txt = write_corpus(tmp_path / "incoming", {"library.txt": HARBOUR_LIBRARY["library.txt"]})
    code, out, err = cli("add", "--collection", "town", str(library_txt / "library.txt"))
    assert code == 0, err
    assert "added library.txt" in out and (town / "documents" / "library.txt").exists()
    code, out, _ = cli("index", "--collection", "town")
    assert code == 0 and str(town / "index") in out
    code, out, _ = cli("ask", "--collection", "town", HARBOUR_Q)  # planted in the default one
    assert code == 0 and "harbour.txt" not in out
    code, out, _ = cli("ask", "--collection", "town", "--json", LIBRARY_Q)
    assert {c["source"] for c in json.loads(out)["citations"]} == {"library.txt"}
    code, out, _ = cli("ask", LIBRARY_Q)  # the default collection: planted in town
    assert code == 0 and "library.txt" not in out
    code, out, _ = cli("ask", "--collection", "default", HARBOUR_Q)
    assert code == 0 and "[1] harbour.txt" in out
    code, out, _ = cli("list", "--collection", "town")
    assert "library.txt" in out and "harbour.txt" not in out
    code, out, _ = cli("info", "--collection", "town")
    assert json.loads(out[:out.rindex("}") + 1])["documents"] == 1
    code, out, _ = cli("collections", "list", "--json")
    assert [(c["name"], c["documents"], c["default"]) for c in json.loads(out)] == [
        ("default", 1, True), ("town", 1, False)]
    code, out, _ = cli("collections", "rename", "town", "village")
    assert code == 0 and "renamed collection town to village" in out
    code, out, _ = cli("collections")
    assert out.split()[:6] == ["default", "1", "document", str(tmp_path / "docs"), "(default)",
                               "village"]
    code, out, _ = cli("collections", "delete", "village")
    assert code == 1 and "would remove" in out and "--yes" in out
    assert (tmp_path / "collections" / "village").is_dir()
    code, out, _ = cli("collections", "delete", "village", "--yes")
    assert code == 0 and "removed" in out and not (tmp_path / "collections" / "village").exists()


def test_the_cli_says_what_is_wrong_with_a_collection(cli, where):
    code, _, err = cli("ask", "--collection", "nope", HARBOUR_Q)
    assert code == 2 and "no collection named 'nope'. The collections are: default" in err
    code, _, err = cli("ask", "--collection", "x", "--corpus", str(where["corpus"]), HARBOUR_Q)
    assert code == 2 and "not both" in err
    code, _, err = cli("collections", "create", "../up")
    assert code == 2 and "path separator" in err
    code, _, err = cli("collections", "delete", "default", "--yes")
    assert code == 2 and "cannot be renamed or deleted" in err
    code, _, err = cli("serve", "--collection", "nope")
    assert code == 2 and "no collection named 'nope'" in err


# ---------------------------------------------------------------- the servers

@pytest.fixture
def service(where, fake_embedder):
    """Every collection served, the default one loading in the background."""
    svc = Service.load(generator="extractive", embedder=fake_embedder, **where)
    svc.library.create("town")
    write_corpus(svc.library.info("town").corpus, {"library.txt": HARBOUR_LIBRARY["library.txt"]})
    yield svc
    svc.library.close()


def test_the_openai_api_lists_collections_as_models_and_answers_from_the_one_named(service):
    with served(standalone_app(service, "127.0.0.1", None)) as url:
        api = openai.OpenAI(base_url=f"{url}/v1", api_key="none", max_retries=0, timeout=60)

        def cited(model: str, question: str) -> str:
            reply = api.chat.completions.create(
                model=model, messages=[{"role": "user", "content": question}])
            assert reply.model == ("assistant-extractive" if model == "assistant" else model)
            return " ".join(c["source"] for c in reply.choices[0].message.model_extra["citations"])
        assert [m.id for m in api.models.list().data] == ["assistant-extractive", "town"]
        assert cited("town", LIBRARY_Q) == "library.txt"
        assert "harbour.txt" not in cited("town", HARBOUR_Q)  # planted in the default one
        assert cited("assistant-extractive", HARBOUR_Q) == "harbour.txt"
        assert "library.txt" not in cited("assistant", LIBRARY_Q)
        streamed = api.chat.completions.create(model="town", stream=True, messages=[
            {"role": "user", "content": HARBOUR_Q}])
        assert "harbour.txt" not in "".join(ch.choices[0].delta.content or "" for ch in streamed
                                            if ch.choices)
        assert api.models.retrieve("town").id == "town"
        with pytest.raises(openai.NotFoundError) as refused:
            cited("nope", HARBOUR_Q)
        error = refused.value.body
        assert error["code"] == "model_not_found"
        assert error["message"] == ("There is no model 'nope'. The models are: "
                                    "assistant-extractive, town (one per collection).")
        assert httpx.get(f"{url}/v1/models/nope").status_code == 404
        service.library.create("house")  # a collection made while it serves is a model at once
        assert [m.id for m in api.models.list().data] == ["assistant-extractive", "house", "town"]
    assert service.library.opened() == ["default", "town"]  # the one each request named


def test_the_mcp_tools_take_a_collection(service):
    async def session():
        async with Client(build_server(service)) as client:
            return [await client.call_tool(name, args) for name, args in (
                ("list_collections", {}),
                ("ask", {"question": HARBOUR_Q, "collection": "town"}),
                ("ask", {"question": LIBRARY_Q, "collection": "town"}),
                ("ask", {"question": LIBRARY_Q}),
                ("search", {"query": "harbour wall repairs", "collection": "town"}),
                ("list_documents", {"collection": "town"}),
                ("list_documents", {}),
                ("ask", {"question": HARBOUR_Q, "collection": "nope"}))]
    listed, planted, town, default, searched, town_docs, docs, wrong = anyio.run(session)
    assert listed.structured_content["collections"] == [
        {"name": "default", "documents": 1, "default": True},
        {"name": "town", "documents": 1, "default": False}]
    assert "harbour.txt" not in {c["source"] for c in planted.structured_content["citations"]}
    assert {c["source"] for c in town.structured_content["citations"]} == {"library.txt"}
    assert "library.txt" not in {c["source"] for c in default.structured_content["citations"]}
    assert {p["source"] for p in searched.structured_content["passages"]} == {"library.txt"}
    assert [d["name"] for d in town_docs.structured_content["documents"]] == ["library.txt"]
    assert [d["name"] for d in docs.structured_content["documents"]] == ["harbour.txt"]
    assert wrong.is_error and "no collection named 'nope'" in wrong.content[0].text


def test_a_server_started_on_a_collection_serves_it_by_default(where, fake_embedder):
    lib = Library(**where)
    lib.create("town")
    write_corpus(lib.info("town").corpus, {"library.txt": HARBOUR_LIBRARY["library.txt"]})
    svc = Service.load(generator="extractive", embedder=fake_embedder, collection="town", **where)
    try:
        assert {c.source for c in svc.ask(LIBRARY_Q).citations} == {"library.txt"}
        assert [c["name"] for c in svc.collections() if c["default"]] == ["town"]
        assert svc.models() == ["assistant-extractive", "default"]
        assert {c.source for c in svc.for_model("default")[0].ask(HARBOUR_Q).citations} == {
            "harbour.txt"}
    finally:
        svc.library.close()


# ---------------------------------------------------------------- the chat

def test_the_chat_chooses_manages_and_answers_from_the_chosen_collection(library):
    import app
    from ui import chat, collections, documents
    from ui.startup import Startup

    startup = Startup(lambda progress: library.open(), "extractive", 1, library).start()
    assert startup.wait(60) and startup.assistant is not None
    app.build_app(startup, examples=[])  # the page builds with its chooser
    respond, *_ = chat.make_handlers(startup)

    def cited(question: str, collection: str | None, state=None) -> tuple[str, dict]:
        """The sources panel (or the message when there is none), and the state."""
        *_, (history, _, sources, state) = respond(question, [], state, None, collection)
        return (sources if "id='src-" in sources else history[-1]["content"]), state
    answer, state = cited(HARBOUR_Q, "town")  # planted in the default collection
    assert "harbour.txt" not in answer
    answer, state = cited(LIBRARY_Q, "town", state)
    assert "library.txt" in answer and state["collection"] == "town"
    answer, _ = cited(LIBRARY_Q, "default")
    assert "library.txt" not in answer
    assert library.open("town").embedder is startup.assistant.embedder  # no model reloaded
    docs = documents.make_document_handlers(startup)
    header, listing, _ = docs.show("town")
    assert "library.txt" in listing and "harbour.txt" not in listing and "<b>town</b>" in header
    _, create, rename, delete = collections.make_collection_handlers(startup)
    status, chooser = create("house", "town")
    assert "Created collection house" in status and chooser.value == "house"
    assert [c[0] if isinstance(c, tuple) else c for c in chooser.choices] == [
        "default", "house", "town"]
    status, _ = create("../x", "house")
    assert "path separator" in status
    status, chooser = rename("hut", "house")
    assert "Renamed collection house to hut" in status and chooser.value == "hut"
    status, chooser = delete("hut", False)
    assert "would remove" in status and "hut" in library.names()
    status, chooser = delete("hut", True)
    assert "Deleted" in status and chooser.value == "default" and "hut" not in library.names()
    status, _ = delete("default", True)
    assert "cannot be renamed or deleted" in status
    answer, _ = cited(LIBRARY_Q, "hut")  # chosen, then deleted elsewhere
    assert "no collection named &#x27;hut&#x27;" in answer


def test_a_collection_being_indexed_delays_no_other(library):
    import threading
    import time

    default = library.open()
    default.ask(HARBOUR_Q)  # the first question loads the language tagger: not timed
    indexing = threading.Event()

    def slowly(progress):
        if not indexing.is_set():
            indexing.set()
            time.sleep(6)
    opening = threading.Thread(target=lambda: library.open("town", progress=slowly))
    opening.start()
    assert indexing.wait(30)
    started = time.perf_counter()
    assert library.open() is default and default.ask(HARBOUR_Q).citations
    assert time.perf_counter() - started < 3  # town's open takes 6 s more
    opening.join(60)
    assert library.open("town").embedder is default.embedder


@pytest.mark.server
def test_on_one_chroma_server_each_collection_has_its_own_records(where, fake_embedder, tmp_path,
                                                                   chroma_server):
    import chromadb

    server = dict(chroma_host="127.0.0.1", chroma_port=chroma_server)
    with Library(generator="extractive", embedder=fake_embedder, **where, **server) as lib:
        write_corpus(lib.create("town").corpus, {"library.txt": HARBOUR_LIBRARY["library.txt"]})
        lib.create("house")
        assert sources(lib.open("town").ask(LIBRARY_Q)) == {"library.txt"}
        assert "library.txt" not in sources(lib.open().ask(LIBRARY_Q))
        assert "harbour.txt" not in sources(lib.open("town").ask(HARBOUR_Q))
        lib.open("house")
        client = chromadb.HttpClient(host="127.0.0.1", port=chroma_server)
        names = lambda: {c if isinstance(c, str) else c.name for c in client.list_collections()}
        town = lib.where("town")["collection"]
        assert any(n.startswith(f"{town}-") for n in names())
        lib.rename("town", "village")  # the server's collections keep their names
        assert sources(lib.open("village").ask(LIBRARY_Q)) == {"library.txt"}
        before = names()
        assert "Chroma server" in lib.delete("village")[-1]
        assert names() == {n for n in before if not n.startswith(f"{town}-")}
        assert any(n.startswith("corpus-") for n in names())  # the default's, untouched
        assert sources(lib.open().ask(HARBOUR_Q)) == {"harbour.txt"}


@pytest.mark.server
def test_the_chats_api_takes_a_collection(library):
    import app
    from gradio_client import Client
    from ui.startup import Startup

    from helpers import free_port

    startup = Startup(lambda progress: library.open(), "extractive", 1, library).start()
    assert startup.wait(60)
    port = free_port()
    demo = app.build_app(startup, examples=[])
    app.launch(demo, "127.0.0.1", port, prevent_thread_lock=True, quiet=True)
    try:
        client = Client(f"http://127.0.0.1:{port}/", verbose=False)
        town = client.predict(HARBOUR_Q, "town", api_name="/ask")
        assert "harbour.txt" not in {c["source"] for c in town["citations"]}
        default = client.predict(HARBOUR_Q, api_name="/ask")  # as before: the default collection
        assert {c["source"] for c in default["citations"]} == {"harbour.txt"}
        with pytest.raises(Exception, match="no collection named 'nope'"):
            client.predict(HARBOUR_Q, "nope", api_name="/ask")
    finally:
        demo.close()
