"""The assistant from llama-index: retriever, query engine and chat engine, with stock llama-index
parts on top. Every LLM is passed explicitly (MockLLM): llama-index's default is OpenAI."""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys

import pytest
from llama_index.core.base.base_query_engine import BaseQueryEngine
from llama_index.core.base.response.schema import Response, StreamingResponse
from llama_index.core.chat_engine.types import BaseChatEngine, StreamingAgentChatResponse
from llama_index.core.llms import MockLLM
from llama_index.core.postprocessor import LongContextReorder, SimilarityPostprocessor
from llama_index.core.query_engine import RetrieverQueryEngine
from llama_index.core.retrievers import BaseRetriever
from llama_index.core.tools import QueryEngineTool

from assistant import Answer, Assistant
from assistant.backends.fake import ScriptedLLM

from conftest import ROOT

AGENCY = "What did it cost in agency staff?"
MARS = "What is the population of Mars?"
ABSTAIN = "The documents don't say."


def verbatim(bot, node) -> bool:
    m = node.metadata
    return bot.source_text(m["source"])[m["start"]:m["end"]] == node.text


def holds_22m(node) -> bool:
    return bool(re.search(r"£22\s?million", node.text))


@pytest.fixture(autouse=True)
def no_global_models(monkeypatch):
    """Reading llama-index's global Settings.llm or .embed_model builds OpenAI defaults (network):
    fail any test in which anything reads them."""
    from llama_index.core.settings import _Settings

    def refuse(self):
        raise AssertionError("llama-index's global Settings.llm/embed_model was read")

    monkeypatch.setattr(_Settings, "llm", property(refuse))
    monkeypatch.setattr(_Settings, "embed_model", property(refuse))


# ---------------------------------------------------------------- retriever

@pytest.mark.integration
def test_retriever_nodes_are_verbatim_passages_with_metadata(seeds_bot):
    retriever = seeds_bot.as_retriever(k=3)
    assert isinstance(retriever, BaseRetriever)
    nodes = retriever.retrieve(AGENCY)
    passages = seeds_bot.retrieve(AGENCY, k=3)
    assert [n.node.node_id for n in nodes] == [p.chunk_id for p in passages]
    for node, passage in zip(nodes, passages):
        assert node.text == passage.text and node.score == passage.score and verbatim(seeds_bot, node)
        m = node.metadata
        assert m["source"] == passage.source and m["title"] == passage.title
        assert m.get("date") == passage.date and "page" not in m and "section" not in m
        assert (node.node.start_char_idx, node.node.end_char_idx) == (m["start"], m["end"])
        assert node.node.ref_doc_id == passage.source
        assert "start" not in node.node.get_content(metadata_mode="llm")  # offsets kept out of prompts


@pytest.mark.integration
def test_stock_retriever_query_engine_cites_verbatim(seeds_bot):
    engine = RetrieverQueryEngine.from_args(seeds_bot.as_retriever(), llm=MockLLM())
    response = engine.query(AGENCY)
    assert response.source_nodes
    assert all(verbatim(seeds_bot, n) for n in response.source_nodes)
    assert any(holds_22m(n) for n in response.source_nodes)


@pytest.mark.integration
def test_postprocessors_and_tools_wrap_them(seeds_bot):
    # (KeywordNodePostprocessor needs spacy, which is not installed)
    stock = RetrieverQueryEngine.from_args(
        seeds_bot.as_retriever(k=8), llm=MockLLM(),
        node_postprocessors=[SimilarityPostprocessor(similarity_cutoff=0.6), LongContextReorder()])
    nodes = stock.query(AGENCY).source_nodes
    assert 0 < len(nodes) < 8 and all(n.score >= 0.6 and verbatim(seeds_bot, n) for n in nodes)
    assert any(holds_22m(n) for n in nodes)

    ours = QueryEngineTool.from_defaults(seeds_bot.as_query_engine(), name="documents",
                                         description="Answers questions about the documents.")
    output = ours(AGENCY)
    assert "£22 million" in output.content and output.raw_output.source_nodes
    passages = QueryEngineTool.from_defaults(stock, name="passages", description="Passages.")
    assert passages(AGENCY).raw_output.source_nodes


# ---------------------------------------------------------------- query engine

@pytest.mark.integration
def test_query_engine_answers_with_its_citations(seeds_bot):
    engine = seeds_bot.as_query_engine()
    assert isinstance(engine, BaseQueryEngine)
    response = engine.query(AGENCY)
    answer = response.metadata["answer"]
    assert isinstance(response, Response) and isinstance(answer, Answer)
    assert str(response) == answer.text and "£22 million" in answer.text
    assert len(response.source_nodes) == len(answer.citations)
    for node, citation in zip(response.source_nodes, answer.citations):
        assert node.metadata["citation"] == citation.number and node.score is None
        assert node.metadata["source"] == citation.source and verbatim(seeds_bot, node)
        assert node.text.split() == citation.quote.split()
    assert any(holds_22m(n) for n in response.source_nodes)


@pytest.mark.integration
def test_query_engine_says_when_the_documents_dont_say(seeds_bot):
    response = seeds_bot.as_query_engine().query(MARS)
    assert str(response) == ABSTAIN and response.source_nodes == []
    assert response.metadata["answer"].abstained


@pytest.mark.integration
def test_streaming_yields_text_then_the_checked_answer(seeds_bot):
    response = seeds_bot.as_query_engine(streaming=True).query(AGENCY)
    assert isinstance(response, StreamingResponse)
    assert response.source_nodes == [] and "answer" not in response.metadata  # nothing yet
    pieces = list(response.response_gen)
    answer = response.metadata["answer"]
    assert pieces and all(isinstance(p, str) for p in pieces)
    assert "£22 million" in "".join(pieces) and str(response) == answer.text
    assert any(holds_22m(n) for n in response.source_nodes)
    assert response.get_response().response == answer.text


@pytest.mark.integration
def test_streaming_abstention(seeds_bot):
    response = seeds_bot.as_query_engine(streaming=True).query(MARS)
    assert "".join(response.response_gen) == ABSTAIN  # said once: no correction piece
    assert str(response) == ABSTAIN and response.source_nodes == []


def test_streaming_sends_only_checked_sentences(tiny_corpus, tmp_path, fake_embedder):
    def reply(messages):
        n = re.search(r"^\[(\d+)\][^\n]*£4", messages[-1]["content"], re.M).group(1)
        return f"The library will cost £4 million [{n}]. It will have 900 seats [{n}]."

    llm = ScriptedLLM([reply, reply])
    with Assistant.load(corpus=tiny_corpus, index=tmp_path / "ix", generator="fake",
                        embedder=fake_embedder, llm=llm) as bot:
        response = bot.as_query_engine(streaming=True).query("How much will the new library cost?")
        pieces = list(response.response_gen)
        answer = response.metadata["answer"]
        assert "£4 million" in answer.text and "900" not in answer.text  # the check struck one
        assert "".join(pieces) == answer.text and str(response) == answer.text

        chat = bot.as_chat_engine().stream_chat("How much will the new library cost?")
        assert "".join(chat.response_gen) == answer.text
        assert chat.response == answer.text and chat.source_nodes


# ---------------------------------------------------------------- chat engine

@pytest.mark.integration
def test_chat_engine_follow_up_and_reset(seeds_bot):
    chat = seeds_bot.as_chat_engine()
    assert isinstance(chat, BaseChatEngine)
    first = chat.chat("How much did the Department for Education give the council?")
    second = chat.chat("And what else was that money for?")
    assert first.source_nodes and str(second) == second.metadata["answer"].text
    assert second.metadata["answer"].standalone_question  # rewritten from the conversation
    assert [m.role.value for m in chat.chat_history] == ["user", "assistant"] * 2
    chat.reset()
    assert chat.chat_history == []


@pytest.mark.integration
def test_chat_engine_streams_and_runs_async(seeds_bot):
    chat = seeds_bot.as_chat_engine()
    streamed = chat.stream_chat(AGENCY)
    assert isinstance(streamed, StreamingAgentChatResponse)
    assert "£22 million" in "".join(streamed.response_gen)
    assert streamed.response == streamed.metadata["answer"].text
    assert any(holds_22m(n) for n in streamed.source_nodes)

    async def talk(chat):
        stream = await chat.astream_chat(AGENCY)
        pieces = [p async for p in stream.async_response_gen()]
        return stream, pieces, await chat.achat(MARS)

    chat.reset()
    stream, pieces, reply = asyncio.run(talk(chat))
    assert "£22 million" in "".join(pieces) and stream.response == stream.metadata["answer"].text
    assert any(holds_22m(n) for n in stream.source_nodes)
    assert str(reply) == ABSTAIN and reply.source_nodes == []
    assert len(chat.chat_history) == 4


def test_chat_history_argument_replaces_the_conversation(fake_bot):
    from llama_index.core.base.llms.types import ChatMessage

    chat = fake_bot.as_chat_engine()
    chat.chat("How much will the library cost?")
    history = [ChatMessage(role="user", content="When will the library open?"),
               ChatMessage(role="assistant", content="In June 2022 [1].")]
    reply = chat.chat("Who said so?", chat_history=history)
    assert [m.content for m in chat.chat_history][:2] == [m.content for m in history]
    assert reply.metadata["answer"].standalone_question


# ---------------------------------------------------------------- packaging

def test_import_assistant_does_not_import_llama_index():
    code = "import sys, assistant; print(sorted(m for m in sys.modules if m.startswith('llama_index')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         check=True).stdout
    assert out.strip() == "[]"


# The README's llama-index example runs in tests/test_docs_examples.py, with every other example.
