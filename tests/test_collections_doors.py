"""Three collections through every door (issue 29): a distinct fact is planted in each of the
collections "harbour", "library" and "ferry" (and a fourth in the default collection), and
every question is asked of every collection through the Python API, the command line (`ask`,
`chat`, `list`, `collections list`), the OpenAI-compatible API (`/v1/models`, `model`,
streamed and not, standalone and the chat's own `/v1` mount), the MCP tools and the chat's
functions (the answer handler, its `ask` API, the document list, adding a file).

Each collection also holds a file named `notes.txt`, a different one in each: a door that
reached the wrong collection would cite a file of the right name with another collection's
quote. So a citation counts as its collection's own only when its quote is verbatim in that
collection's file of that name; and a collection's own question must be answered from its own
planted document (the door reached it), while a fact planted elsewhere is never cited."""

from __future__ import annotations

import io
import json

import anyio
import httpx
import openai
import pytest
from mcp import Client

from assistant import Library
from assistant.cli import main
from assistant.serve import Service
from assistant.serve.mcp_server import build_server
from assistant.serve.openai_api import openai_routes, standalone_app

from conftest import HARBOUR_LIBRARY, write_corpus
from helpers import served

DEFAULT = "default"

# collection -> its files. Each planted fact is a phrase no other collection's files hold.
FILES = {
    DEFAULT: {
        "bakery.txt": "Bakery keeps early hours\n\n2 February 2023\n\n"
                      "The bakery on Mill Lane bakes four hundred loaves every morning. "
                      "Its ovens are lit at three o'clock by the head baker. "
                      "The shop sells out of rye bread by noon on most days.\n",
        "notes.txt": "Notes of the bakers' committee\n\n1 March 2023\n\n"
                     "The committee meets every Monday evening in the back room of the shop.\n",
    },
    "harbour": {
        "harbour.txt": HARBOUR_LIBRARY["harbour.txt"],
        "notes.txt": "Notes of the harbour committee\n\n1 March 2023\n\n"
                     "The committee meets every Tuesday evening in the harbour office.\n",
    },
    "library": {
        "library.txt": HARBOUR_LIBRARY["library.txt"],
        "notes.txt": "Notes of the library committee\n\n1 March 2023\n\n"
                     "The committee meets every Thursday evening in the reading room.\n",
    },
    "ferry": {
        "ferry.txt": "Ferry numbers rise again\n\n14 March 2024\n\n"
                     "In 2023 the ferry carried 41,350 passengers between Northport and Gull Island. "
                     "The crossing takes forty minutes in calm weather. "
                     "A second boat will join the route next summer.\n",
        "notes.txt": "Notes of the ferry committee\n\n1 March 2023\n\n"
                     "The committee meets every Friday morning on the ferry's upper deck.\n",
    },
}
NAMED = ("harbour", "library", "ferry")
# collection -> (its question, its planted document, the phrase of the planted answer)
PLANTED = {
    DEFAULT: ("How many loaves does the bakery on Mill Lane bake every morning?", "bakery.txt",
              "four hundred loaves"),
    "harbour": ("When will the harbour wall repairs finish?", "harbour.txt", "in the autumn"),
    "library": ("When did the new library open?", "library.txt", "opened on Saturday"),
    "ferry": ("How many passengers did the ferry carry in 2023?", "ferry.txt", "41,350"),
}
COMMITTEE_Q = "On which day does the committee meet?"  # every collection has its own notes.txt
DAY = {DEFAULT: "Monday", "harbour": "Tuesday", "library": "Thursday", "ferry": "Friday"}
QUESTIONS = [q for q, _, _ in PLANTED.values()] + [COMMITTEE_Q]


def plant(lib: Library) -> None:
    """The three named collections, with their files (the default's are in its corpus)."""
    for name in NAMED:
        write_corpus(lib.create(name).corpus, FILES[name])


def check(collection: str, question: str, cited: list[tuple[str, str]], door: str) -> None:
    """`cited`: the (source, quote) pairs an answer from `collection` cites, through `door`.
    Every quote must be verbatim in that collection's own file of that name; no other
    collection's planted fact may be cited; the collection's own questions are answered from
    its own planted document (no other collection holds a file of that name) and its own
    notes.txt."""
    own = FILES[collection]
    where = f"{door}, collection {collection!r}, {question!r}"
    for source, quote in cited:
        assert source in own and quote in own[source], (
            f"{where}: cites {source} “{quote}”, which is not this collection's")
        for other, (_, _, fact) in PLANTED.items():
            assert other == collection or fact not in quote, f"{where}: cites {other}'s fact"
        for other, day in DAY.items():
            assert other == collection or day not in quote, f"{where}: cites {other}'s notes"
    mine, doc, _ = PLANTED[collection]
    if question == mine:  # the door reached it: only this collection holds `doc`
        assert doc in {s for s, _ in cited}, f"{where}: its own planted document is not cited"
    if question == COMMITTEE_Q:
        assert any(s == "notes.txt" and DAY[collection] in q for s, q in cited), (
            f"{where}: its own notes are not cited: {cited}")


def every(ask, door: str) -> None:
    """`ask(collection, question)` -> cited (source, quote) pairs, for every pair."""
    for collection in FILES:
        for question in QUESTIONS:
            check(collection, question, ask(collection, question), door)


def pairs(citations) -> list[tuple[str, str]]:
    """(source, quote) of citations as objects or as JSON dicts."""
    return [(c["source"], c["quote"]) if isinstance(c, dict) else (c.source, c.quote)
            for c in citations]


@pytest.fixture
def where(tmp_path):
    """The default collection's corpus and index (its collections folder beside the index)."""
    return {"corpus": write_corpus(tmp_path / "docs", FILES[DEFAULT]), "index": tmp_path / "ix"}


@pytest.fixture
def library(where, fake_embedder):
    lib = Library(generator="extractive", embedder=fake_embedder, **where)
    plant(lib)
    yield lib
    lib.close()


# ---------------------------------------------------------------- Python

def test_the_python_api_answers_each_collection_from_its_own_documents(library):
    assert library.names() == [DEFAULT, "ferry", "harbour", "library"]
    every(lambda c, q: pairs(library.open(c).ask(q).citations), "Library.open().ask")
    every(lambda c, q: pairs(library.open(c).chat().ask(q).citations), "Library.open().chat()")
    for collection, files in FILES.items():
        bot = library.open(collection)
        assert sorted(d.name for d in bot.list_documents()) == sorted(files)
        for question in QUESTIONS:
            found = [(p.source, p.text) for p in bot.retrieve(question, k=5)]
            assert found and all(s in files and t in files[s] for s, t in found), found
    # one embedder and one judge for all four
    bots = [library.open(c) for c in FILES]
    assert len({id(b.embedder) for b in bots}) == 1 and len({id(b.judge) for b in bots}) == 1


# ---------------------------------------------------------------- the command line

@pytest.fixture
def cli(where, library, monkeypatch, capsys):
    """Run the CLI over the planted collections: exit code, stdout, stderr."""
    from assistant import core
    from assistant.embeddings import HashingEmbedder

    library.close()  # the CLI opens the indexes itself
    monkeypatch.setattr(core, "LocalEmbedder", HashingEmbedder)  # the fixture's embedder
    monkeypatch.setenv("ASSISTANT_CORPUS", str(where["corpus"]))
    monkeypatch.setenv("ASSISTANT_INDEX", str(where["index"]))
    monkeypatch.setenv("ASSISTANT_GENERATOR", "extractive")
    capsys.readouterr()

    def run(*args, stdin: str | None = None):
        if stdin is not None:
            monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err
    return run


def test_the_command_line_answers_each_collection_from_its_own_documents(cli):
    def ask(collection: str, question: str) -> list[tuple[str, str]]:
        code, out, err = cli("ask", "--collection", collection, "--json", question)
        assert code == 0, err
        return pairs(json.loads(out)["citations"])
    every(ask, "python -m assistant ask --json")
    code, out, _ = cli("collections", "list", "--json")
    assert [(c["name"], c["documents"]) for c in json.loads(out)] == [
        (DEFAULT, 2), ("ferry", 2), ("harbour", 2), ("library", 2)]
    for collection, files in FILES.items():
        code, out, _ = cli("list", "--json", "--collection", collection)
        assert code == 0 and sorted(d["name"] for d in json.loads(out)) == sorted(files)
        # the terminal chat: every question in one conversation, printed as a person reads it
        code, out, err = cli("chat", "--collection", collection,
                             stdin="\n".join(["/clear\n" + q for q in QUESTIONS]) + "\n/quit\n")
        assert code == 0, err
        for other, (_, doc, fact) in PLANTED.items():
            if other != collection:
                assert doc not in out and fact not in out and DAY[other] not in out
        assert f"] {PLANTED[collection][1]}" in out and DAY[collection] in out  # its own, cited


# ---------------------------------------------------------------- the servers

@pytest.fixture
def service(where, fake_embedder):
    """Every collection served by one process, as `serve` and `mcp` do."""
    svc = Service.load(generator="extractive", embedder=fake_embedder, **where)
    plant(svc.library)
    yield svc
    svc.library.close()


def check_openai(url: str) -> None:
    api = openai.OpenAI(base_url=f"{url}/v1", api_key="none", max_retries=0, timeout=60)
    listed = [m.id for m in api.models.list().data]
    assert listed == ["assistant-extractive", "ferry", "harbour", "library"]
    for name in NAMED:
        assert api.models.retrieve(name).id == name
    assert httpx.get(f"{url}/v1/models/nope").status_code == 404
    model = {DEFAULT: "assistant-extractive", **{n: n for n in NAMED}}

    def asked(collection: str, question: str) -> list[tuple[str, str]]:
        reply = api.chat.completions.create(
            model=model[collection], messages=[{"role": "user", "content": question}])
        assert reply.model == model[collection]
        return pairs(reply.choices[0].message.model_extra["citations"])

    def streamed(collection: str, question: str) -> list[tuple[str, str]]:
        chunks = list(api.chat.completions.create(
            model=model[collection], stream=True,
            messages=[{"role": "user", "content": question}]))
        assert {ch.model for ch in chunks} == {model[collection]}
        last = [ch.choices[0].delta.model_extra for ch in chunks
                if ch.choices and (ch.choices[0].delta.model_extra or {}).get("citations")
                is not None]
        return pairs(last[-1]["citations"]) if last else []

    def plain(collection: str, question: str) -> list[tuple[str, str]]:  # "assistant": default
        name = "assistant" if collection == DEFAULT else model[collection]
        reply = api.chat.completions.create(
            model=name, messages=[{"role": "user", "content": question}])
        return pairs(reply.choices[0].message.model_extra["citations"])
    every(asked, f"OpenAI API {url}")
    every(streamed, f"OpenAI API {url}, streamed")
    for collection in FILES:
        check(collection, PLANTED[collection][0], plain(collection, PLANTED[collection][0]),
              f"OpenAI API {url}, model 'assistant'")


def test_the_openai_api_answers_each_model_from_its_own_collection(service):
    with served(standalone_app(service, "127.0.0.1", None)) as url:
        check_openai(url)
    assert sorted(service.library.opened()) == [DEFAULT, "ferry", "harbour", "library"]


def test_the_mcp_tools_answer_each_collection_from_its_own_documents(service):
    def call(*calls):
        async def session():
            async with Client(build_server(service)) as client:
                return [await client.call_tool(name, args) for name, args in calls]
        return anyio.run(session)

    def named(collection: str) -> dict:  # the default collection: named, or left out
        return {} if collection == DEFAULT else {"collection": collection}

    (listed,) = call(("list_collections", {}))
    assert [(c["name"], c["documents"], c["default"])
            for c in listed.structured_content["collections"]] == [
        (DEFAULT, 2, True), ("ferry", 2, False), ("harbour", 2, False), ("library", 2, False)]
    for collection, files in FILES.items():
        for args in (named(collection), {"collection": collection}):
            results = call(*[("ask", {"question": q, **args}) for q in QUESTIONS],
                           *[("search", {"query": q, **args}) for q in QUESTIONS],
                           ("list_documents", args))
            asked, searched, documents = (results[:len(QUESTIONS)],
                                          results[len(QUESTIONS):-1], results[-1])
            for question, result in zip(QUESTIONS, asked):
                assert not result.is_error, result.content
                check(collection, question, pairs(result.structured_content["citations"]),
                      f"MCP ask {args}")
            for result in searched:
                found = pairs([{"source": p["source"], "quote": p["quote"]}
                               for p in result.structured_content["passages"]])
                assert found and all(s in files and q in files[s] for s, q in found), found
            assert sorted(d["name"] for d in documents.structured_content["documents"]) == \
                sorted(files)


# ---------------------------------------------------------------- the chat

@pytest.fixture
def startup(library):
    from ui.startup import Startup

    started = Startup(lambda progress: library.open(), "extractive", 1, library).start()
    assert started.wait(60) and started.assistant is not None
    return started


def test_the_chats_functions_answer_each_collection_from_its_own_documents(startup, tmp_path):
    import app
    from ui import chat, documents

    app.build_app(startup, examples=[])  # the page builds, with its chooser
    respond, _, _, ask_api = chat.make_handlers(startup)

    def answered(collection: str, question: str) -> list[tuple[str, str]]:
        """What the chat's answer handler cites: the sources of its last turn (the quote is
        checked against the text the sources panel shows it in)."""
        *_, (_, _, _, state) = respond(question, [], None, None, collection)
        if not state["turns"]:
            return []
        _, asked, shown = state["turns"][-1]
        assert asked == question
        for c in shown:
            assert c.text[c.citation.start:c.citation.end] == c.citation.quote
        return pairs(c.citation for c in shown)
    every(answered, "the chat's answer handler")
    every(lambda c, q: pairs(ask_api(q, c)["citations"]), "the chat's ask API")
    for question in QUESTIONS:  # no collection named: the default
        check(DEFAULT, question, pairs(ask_api(question)["citations"]), "the chat's ask API")
    docs = documents.make_document_handlers(startup)
    for collection, files in FILES.items():
        _, listing, removable = docs.show(collection)
        assert sorted(c[0] if isinstance(c, tuple) else c for c in removable.choices) == sorted(files)
        for other, (_, doc, _) in PLANTED.items():
            assert (doc in listing) == (other == collection), (collection, doc)
    # a file added through the Documents tab goes to the chosen collection only
    incoming = write_corpus(tmp_path / "incoming", {"tram.txt": (
        "Tram line approved\n\n5 April 2024\n\n"
        "The new tram line will have eleven stops between the station and the stadium.\n")})
    *_, last = docs.add([str(incoming / "tram.txt")], "ferry")
    assert "tram.txt" in last[0]
    tram_q = "How many stops will the new tram line have?"
    assert ("tram.txt", "The new tram line will have eleven stops between the station and the "
            "stadium.") in answered("ferry", tram_q)
    for collection in (DEFAULT, "harbour", "library"):
        assert "tram.txt" not in {s for s, _ in answered(collection, tram_q)}
    assert startup.library.open("ferry").embedder is startup.assistant.embedder  # no reload


def test_the_chats_openai_mount_answers_each_model_from_its_own_collection(startup):
    """The `/v1` the chat's server mounts (app.launch), over the page's own collections."""
    import app
    from starlette.applications import Starlette

    with served(Starlette(routes=[openai_routes(app.chat_service(startup))])) as url:
        check_openai(url)
