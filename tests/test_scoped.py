"""Questions limited to chosen documents (issue 29): the answer cites only those, through the
Python API, the CLI, the OpenAI-compatible API and the MCP tools; a name that is not a
document is refused with the names there are. The answer is planted in one document and the
question is scoped to another: it must never be cited."""

from __future__ import annotations

import anyio
import openai
import pytest
from mcp import Client

from assistant import InvalidQuestion
from assistant.cli import main
from assistant.serve import Service
from assistant.serve.mcp_server import build_server
from assistant.serve.openai_api import standalone_app
from assistant.serve.openai_chat import parse_request

from conftest import HARBOUR_LIBRARY, write_corpus
from helpers import served

QUESTION = "When will the harbour wall repairs finish?"


@pytest.fixture
def bot(two_documents_bot):
    return two_documents_bot


def test_the_answer_cites_only_the_chosen_documents(bot):
    free = bot.ask(QUESTION)
    assert "harbour.txt" in {c.source for c in free.citations}  # unscoped, it is answered
    scoped = bot.ask(QUESTION, documents=["library.txt"])
    assert "harbour.txt" not in {c.source for c in scoped.citations}
    assert {c.source for c in bot.ask(QUESTION, documents=["harbour.txt"]).citations} == {"harbour.txt"}
    assert {p.source for p in bot.retrieve("repairs", k=5, documents=["library.txt"])} == {"library.txt"}
    assert {c.source for c in bot.ask("What are the documents about?",
                                      documents=["library.txt"]).citations} == {"library.txt"}
    chat = bot.chat()
    chat.ask("When did the new library open?", documents=["library.txt"])
    follow = chat.ask("And what about the harbour repairs?", documents=["library.txt"])
    assert "harbour.txt" not in {c.source for c in follow.citations}


@pytest.mark.parametrize("documents, message", [
    (["nope.txt"], "No document named 'nope.txt'. The documents are: harbour.txt, library.txt"),
    ([], "documents is empty"), ("harbour.txt", "must be a list of document names")])
def test_a_wrong_scope_is_refused_with_what_to_change(bot, documents, message):
    with pytest.raises(InvalidQuestion, match=message):
        bot.ask(QUESTION, documents=documents)


def test_the_cli_scopes_with_document(capsys, tmp_path, monkeypatch):
    from assistant import core
    from assistant.embeddings import HashingEmbedder

    monkeypatch.setattr(core, "LocalEmbedder", HashingEmbedder)
    where = ["--corpus", str(write_corpus(tmp_path / "docs", HARBOUR_LIBRARY)),
             "--index", str(tmp_path / "ix")]
    assert main(["ask", "-g", "extractive", *where, "-d", "library.txt", QUESTION]) == 0
    out = capsys.readouterr().out
    assert "harbour.txt" not in out
    assert main(["ask", "-g", "extractive", *where, "--document", "nope.txt", QUESTION]) == 2
    assert "No document named 'nope.txt'" in capsys.readouterr().err


def test_the_openai_api_scopes_by_metadata_or_documents(bot):
    with served(standalone_app(Service(bot), "127.0.0.1", None)) as url:
        api = openai.OpenAI(base_url=f"{url}/v1", api_key="none", max_retries=0, timeout=60)

        def sources(**kw) -> str:
            """The reply's Sources list (empty when it cites nothing)."""
            reply = api.chat.completions.create(
                model="assistant-extractive", messages=[{"role": "user", "content": QUESTION}], **kw)
            content = reply.choices[0].message.content
            return content.split("Sources:\n")[1] if "Sources:\n" in content else ""
        assert "harbour.txt" in sources()
        assert "harbour.txt" not in sources(metadata={"documents": "library.txt"})
        assert "harbour.txt" not in sources(extra_body={"documents": ["library.txt"]})
        with pytest.raises(openai.BadRequestError, match="No document named"):
            sources(metadata={"documents": '["nope.txt"]'})
    assert parse_request({"messages": [{"role": "user", "content": "q"}],
                          "metadata": {"documents": "a.txt, b.pdf"}}).documents == ("a.txt", "b.pdf")


def test_the_mcp_tools_take_documents(bot):
    async def session():
        async with Client(build_server(Service(bot))) as client:
            return [await client.call_tool(name, args) for name, args in (
                ("ask", {"question": QUESTION, "documents": ["library.txt"]}),
                ("search", {"query": "repairs", "documents": ["library.txt"]}),
                ("ask", {"question": QUESTION, "documents": ["nope.txt"]}))]
    asked, searched, wrong = anyio.run(session)
    assert "harbour.txt" not in {c["source"] for c in asked.structured_content["citations"]}
    assert {p["source"] for p in searched.structured_content["passages"]} == {"library.txt"}
    assert wrong.is_error and "No document named" in wrong.content[0].text
