"""The llama-index starter pipeline, with the same two models, for a side-by-side comparison.

    VectorStoreIndex over Chroma, built from SimpleDirectoryReader(seeds/) with defaults;
    index.as_query_engine() with defaults (top-2 chunks, "compact" synthesis);
    index.as_chat_engine() with defaults (condense-plus-context) for follow-ups.

The embedder is the same all-MiniLM-L6-v2 directory (HuggingFaceEmbedding from its local path);
the LLM is the same in-process llama.cpp model, adapted to llama-index's LLM interface below.
Nothing falls back to llama-index's OpenAI defaults: both models are passed explicitly.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any, Sequence

from llama_index.core.base.llms.types import (ChatMessage, ChatResponse, ChatResponseGen,
                                              CompletionResponse, CompletionResponseGen,
                                              LLMMetadata, MessageRole)
from llama_index.core.llms.callbacks import llm_chat_callback, llm_completion_callback
from llama_index.core.llms.custom import CustomLLM
from pydantic import PrivateAttr

from assistant.types import Answer, Citation

# The starter pipeline has no abstention mechanism; these are the ways its answers decline.
DECLINES = re.compile(
    r"(?:context|information|text|sources?|documents?) (?:provided )?(?:does not|doesn't|do not|"
    r"don't) (?:provide|mention|contain|include|say|specify|state)|not (?:mentioned|provided|"
    r"specified|stated|available)|no information|(?:i )?(?:cannot|can't|could not) (?:find|"
    r"determine|answer)|i don't know|unknown|not possible to determine", re.I)


class ProtocolLLM(CustomLLM):
    """Any `assistant` LLM backend, seen by llama-index as a chat model."""

    context_window: int = 4096
    num_output: int = 256
    _backend: Any = PrivateAttr()

    def __init__(self, backend, **kwargs):
        super().__init__(**kwargs)
        self._backend = backend

    @property
    def metadata(self) -> LLMMetadata:
        return LLMMetadata(context_window=self.context_window, num_output=self.num_output,
                           is_chat_model=True, model_name=self._backend.model)

    def _messages(self, messages: Sequence[ChatMessage]) -> list[dict]:
        return [{"role": m.role.value if m.role != MessageRole.MODEL else "assistant",
                 "content": m.content or ""} for m in messages]

    def _pieces(self, messages: list[dict]):
        """(text so far, delta) as the backend streams its reply."""
        text = ""
        for delta in self._backend.stream(messages, max_tokens=self.num_output):
            text += delta
            yield text, delta

    @llm_chat_callback()
    def chat(self, messages: Sequence[ChatMessage], **kwargs) -> ChatResponse:
        text = "".join(self._backend.stream(self._messages(messages), max_tokens=self.num_output))
        return ChatResponse(message=ChatMessage(role=MessageRole.ASSISTANT, content=text))

    @llm_chat_callback()
    def stream_chat(self, messages: Sequence[ChatMessage], **kwargs) -> ChatResponseGen:
        return (ChatResponse(message=ChatMessage(role=MessageRole.ASSISTANT, content=text),
                             delta=delta)
                for text, delta in self._pieces(self._messages(messages)))

    @llm_completion_callback()
    def complete(self, prompt: str, formatted: bool = False, **kwargs) -> CompletionResponse:
        text = "".join(self._backend.stream([{"role": "user", "content": prompt}],
                                            max_tokens=self.num_output))
        return CompletionResponse(text=text)

    @llm_completion_callback()
    def stream_complete(self, prompt: str, formatted: bool = False, **kwargs) -> CompletionResponseGen:
        return (CompletionResponse(text=text, delta=delta)
                for text, delta in self._pieces([{"role": "user", "content": prompt}]))


class StarterPipeline:
    """llama-index's documented starter: load, index into Chroma, query with defaults."""

    name = "llama-index starter"

    def __init__(self, corpus: Path, llm_backend, embedder_path: str, persist: Path | None = None):
        import chromadb
        from chromadb.config import Settings as ChromaSettings
        from llama_index.core import Settings, SimpleDirectoryReader, StorageContext, VectorStoreIndex
        from llama_index.embeddings.huggingface import HuggingFaceEmbedding
        from llama_index.vector_stores.chroma import ChromaVectorStore

        self.llm = ProtocolLLM(llm_backend)
        self.embed = HuggingFaceEmbedding(model_name=embedder_path, device="cpu")
        Settings.llm, Settings.embed_model = self.llm, self.embed  # never the OpenAI defaults
        self._tmp = None if persist else tempfile.TemporaryDirectory()
        path = persist or Path(self._tmp.name)
        client = chromadb.PersistentClient(str(path), settings=ChromaSettings(anonymized_telemetry=False))
        collection = client.get_or_create_collection("starter")
        store = ChromaVectorStore(chroma_collection=collection)
        documents = SimpleDirectoryReader(str(corpus)).load_data()
        self.index = VectorStoreIndex.from_documents(
            documents, storage_context=StorageContext.from_defaults(vector_store=store),
            embed_model=self.embed)
        self.engine = self.index.as_query_engine(llm=self.llm, streaming=True)

    def ask_stream(self, question: str):
        """Yield text pieces, then an Answer built from the response and its source nodes."""
        response = self.engine.query(question)
        text = ""
        for delta in response.response_gen:
            text += delta
            yield delta
        yield self._answer(question, text, response.source_nodes)

    def chat(self):
        return self.index.as_chat_engine(llm=self.llm)

    def chat_answer(self, engine, question: str) -> Answer:
        response = engine.chat(question)
        return self._answer(question, str(response), response.source_nodes)

    @staticmethod
    def _answer(question: str, text: str, nodes) -> Answer:
        citations = tuple(
            Citation(n, node.node.metadata.get("file_name", "?"), node.node.get_content(), 0, 0)
            for n, node in enumerate(nodes, 1))
        return Answer(question=question, text=text.strip(), citations=citations,
                      abstained=bool(DECLINES.search(text)) or not text.strip(),
                      generator="llama-index-starter")
