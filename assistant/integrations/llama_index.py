"""The assistant seen through llama-index: a retriever, a query engine and a chat engine.

This is the one module of the package that imports llama-index; `Assistant.as_retriever()`,
`as_query_engine()` and `as_chat_engine()` import it on first use, so `import assistant` stays
light. llama-index objects are built here from the project's own types and never leak back.
Nothing here reads llama-index's global `Settings` (its LLM and embedder default to OpenAI).

Nodes. A retrieved passage becomes a `TextNode` whose text is the passage verbatim (the source
file's text[start:end]), whose id is the chunk id and whose score is the fused retrieval score.
A citation becomes a node holding its verbatim quote, with no score (citations are chosen by the
check, not ranked). Metadata: `source`, `start`, `end`, `title`, `kind`, and `date`, `page`,
`section` when known (citations add `citation`, their [n] number). The offsets are also the
node's `start_char_idx`/`end_char_idx`; its SOURCE relationship is the file, so `ref_doc_id`
is the source. Offsets, kind and number are hidden from LLM prompts and embeddings.

Streaming (query and chat engines). The generator yields the checked answer as the assistant
checks it, one sentence at a time (`Assistant.ask_stream(..., checked=True)`): a sentence the
check removes is never sent, and the pieces, joined, are the answer's text, so a consumer
printing tokens shows one answer. Once the generator is exhausted, `metadata["answer"]` holds
the full `Answer`, `source_nodes` its cited passages, and `str(response)` (also
`response.response` for chat) its text.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, AsyncIterator, Callable, Iterable, Iterator

from llama_index.core.base.base_query_engine import BaseQueryEngine
from llama_index.core.base.llms.types import ChatMessage, ChatResponse, MessageRole
from llama_index.core.base.response.schema import Response, StreamingResponse
from llama_index.core.chat_engine.types import (AgentChatResponse, BaseChatEngine,
                                                StreamingAgentChatResponse)
from llama_index.core.retrievers import BaseRetriever
from llama_index.core.schema import (NodeRelationship, NodeWithScore, QueryBundle,
                                     RelatedNodeInfo, TextNode)

from ..chat import Turn
from ..types import Answer, Citation, Passage

if TYPE_CHECKING:  # pragma: no cover
    from ..core import Assistant

SourceText = Callable[[str], str]  # a corpus file name -> its whole decoded text
# Metadata an LLM prompt or an embedding gains nothing from (llama-index adds metadata to both).
_HIDDEN_KEYS = ("start", "end", "kind", "citation")

__all__ = ["AssistantRetriever", "AssistantQueryEngine", "AssistantChatEngine",
           "CheckedStreamingResponse", "CheckedStreamingChatResponse",
           "passage_node", "citation_node", "cited_nodes"]


# ---------------------------------------------------------------- nodes

def passage_node(passage: Passage) -> NodeWithScore:
    """A retrieved passage, verbatim, with its fused score; its id is the chunk id, so
    llama-index's de-duplication by node id matches the index's own identity."""
    node_id = passage.chunk_id or _span_id(passage.source, passage.start, passage.end)
    return NodeWithScore(node=_text_node(node_id, passage.text, passage), score=passage.score)


def citation_node(citation: Citation, source_text: SourceText | None = None) -> NodeWithScore:
    """A cited quote, verbatim. No score: the check chose it, nothing ranked it.

    With `source_text`, the node's text is the file's text[start:end] itself: the same as
    `Citation.quote` except where a quote joins two sentences, which the quote joins with one
    space whatever separated them in the file. Node text and offsets then always agree."""
    node_id = _span_id(citation.source, citation.start, citation.end)
    text = source_text(citation.source)[citation.start:citation.end] if source_text else citation.quote
    node = _text_node(node_id, text, citation, citation=citation.number)
    return NodeWithScore(node=node, score=None)


def cited_nodes(answer: Answer, source_text: SourceText | None = None) -> list[NodeWithScore]:
    """The answer's citations in [n] order; none for an abstention (nothing backs it)."""
    return [] if answer.abstained else [citation_node(c, source_text) for c in answer.citations]


def _text_node(node_id: str, text: str, span: Passage | Citation, **extra: Any) -> TextNode:
    metadata = _metadata(span, **extra)
    hidden = [k for k in _HIDDEN_KEYS if k in metadata]
    return TextNode(id_=node_id, text=text, metadata=metadata,
                    start_char_idx=span.start, end_char_idx=span.end,
                    relationships={NodeRelationship.SOURCE: RelatedNodeInfo(node_id=span.source)},
                    excluded_llm_metadata_keys=hidden, excluded_embed_metadata_keys=hidden)


def _metadata(span: Passage | Citation, **extra: Any) -> dict[str, Any]:
    """Where the text is: file, offsets, title, and date/page/section only when known
    (page and section are read with getattr: not every document type has them)."""
    found = {"source": span.source, "start": span.start, "end": span.end, "title": span.title,
             "date": span.date, "page": getattr(span, "page", None),
             "section": getattr(span, "section", None), "kind": span.kind, **extra}
    return {k: v for k, v in found.items() if v is not None}


def _span_id(source: str, start: int, end: int) -> str:
    return f"{source}:{start}-{end}"


# ---------------------------------------------------------------- retriever

class AssistantRetriever(BaseRetriever):
    """The assistant's hybrid (dense + BM25) retrieval as a llama-index retriever, so stock
    query engines, node postprocessors and tools run on the verbatim, offset-carrying passages."""

    def __init__(self, assistant: "Assistant", k: int = 5, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._assistant = assistant
        self._k = k

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        return [passage_node(p) for p in self._assistant.retrieve(query_bundle.query_str, k=self._k)]


# ---------------------------------------------------------------- query engine

class AssistantQueryEngine(BaseQueryEngine):
    """The assistant's checked, cited answers behind llama-index's query-engine interface.

    Unlike a stock engine it does not hand passages to an LLM of llama-index's choosing: the
    answer is the assistant's own, verified sentence by sentence, and `source_nodes` are only the
    passages it cites.
    """

    def __init__(self, assistant: "Assistant", streaming: bool = False,
                 callback_manager: Any = None) -> None:
        super().__init__(callback_manager=callback_manager)
        self._assistant = assistant
        self._streaming = streaming

    def _get_prompt_modules(self) -> dict:
        return {}  # the assistant's prompts are package data, not llama-index prompt templates

    def _query(self, query_bundle: QueryBundle) -> Response | StreamingResponse:
        question = self._assistant.validate(query_bundle.query_str)  # fail now, not mid-stream
        if self._streaming:
            return CheckedStreamingResponse.of(self._assistant.ask_stream(question, checked=True),
                                               self._assistant.source_text)
        return answer_response(self._assistant.ask(question), self._assistant.source_text)

    async def _aquery(self, query_bundle: QueryBundle) -> Response | StreamingResponse:
        """In a worker thread: answering is CPU-bound (the local model), not awaitable I/O.
        A streaming engine returns the same (synchronous) `StreamingResponse` as `query`."""
        return await asyncio.to_thread(self._query, query_bundle)


def answer_response(answer: Answer, source_text: SourceText | None = None) -> Response:
    return Response(response=answer.text, source_nodes=cited_nodes(answer, source_text),
                    metadata={"answer": answer})


class CheckedStreamingResponse(StreamingResponse):
    """A `StreamingResponse` whose text, once the stream is done, is the checked answer.

    The stock class would make `str()` the concatenated stream; here `str()`, `get_response()`
    and `response_txt` give the checked text, and `metadata["answer"]` the whole `Answer`.
    """

    @classmethod
    def of(cls, stream: Iterable[str | Answer], source_text: SourceText | None = None
           ) -> "CheckedStreamingResponse":
        response = cls(response_gen=None, source_nodes=[], metadata={})
        response.response_gen = _pieces(
            stream, lambda answer: response._settle(answer, cited_nodes(answer, source_text)))
        return response

    def _settle(self, answer: Answer, nodes: list[NodeWithScore]) -> None:
        self.source_nodes[:] = nodes
        self.metadata["answer"] = answer
        self.response_txt = answer.text

    def _drain(self, echo: bool = False) -> None:
        for piece in self.response_gen:  # an exhausted generator yields nothing: idempotent
            if echo:
                print(piece, end="", flush=True)

    def __str__(self) -> str:
        self._drain()
        return self.response_txt or "None"

    def get_response(self) -> Response:
        self._drain()
        return Response(self.response_txt, self.source_nodes, self.metadata)

    def print_response_stream(self) -> None:
        if "answer" in self.metadata:
            print(self.response_txt)
        else:
            self._drain(echo=True)


def _pieces(stream: Iterable[str | Answer], settle: Callable[[Answer], None]) -> Iterator[str]:
    """The checked text as it is checked; when the final Answer arrives, `settle` records it."""
    for item in stream:
        if isinstance(item, Answer):
            settle(item)
        else:
            yield item


# ---------------------------------------------------------------- chat engine

class AssistantChatEngine(BaseChatEngine):
    """A conversation (`Assistant.chat()`) behind llama-index's chat-engine interface: follow-ups
    are rewritten into standalone questions before retrieval, and every reply is checked and
    cited like `ask`. Passing `chat_history` replaces the conversation, as stock engines do."""

    def __init__(self, assistant: "Assistant") -> None:
        self._assistant = assistant
        self._session = assistant.chat()

    def reset(self) -> None:
        self._session.clear()

    @property
    def chat_history(self) -> list[ChatMessage]:
        messages = []
        for turn in self._session.turns:
            messages += [ChatMessage(role=MessageRole.USER, content=turn.question),
                         ChatMessage(role=MessageRole.ASSISTANT, content=turn.answer.text)]
        return messages

    def chat(self, message: str, chat_history: list[ChatMessage] | None = None) -> AgentChatResponse:
        self._use_history(chat_history)
        return chat_response(self._session.ask(message), self._assistant.source_text)

    def stream_chat(self, message: str, chat_history: list[ChatMessage] | None = None
                    ) -> StreamingAgentChatResponse:
        response = self._streaming_response(message, chat_history)
        response.chat_stream = _chat_deltas(self._pieces(message, response))
        return response

    async def achat(self, message: str, chat_history: list[ChatMessage] | None = None
                    ) -> AgentChatResponse:
        return await asyncio.to_thread(self.chat, message, chat_history)

    async def astream_chat(self, message: str, chat_history: list[ChatMessage] | None = None
                           ) -> StreamingAgentChatResponse:
        response = self._streaming_response(message, chat_history)
        response.achat_stream = _async_chat_deltas(_in_thread(self._pieces(message, response)))
        return response

    def _pieces(self, message: str, response: "CheckedStreamingChatResponse") -> Iterator[str]:
        def settle(answer: Answer) -> None:
            response._settle(answer, cited_nodes(answer, self._assistant.source_text))
        return _pieces(self._session.ask_stream(message, checked=True), settle)

    def _streaming_response(self, message: str, chat_history: list[ChatMessage] | None
                            ) -> "CheckedStreamingChatResponse":
        self._assistant.validate(message)  # fail now, not mid-stream
        self._use_history(chat_history)
        # Not writing to llama-index memory: the session keeps the conversation itself.
        return CheckedStreamingChatResponse(is_writing_to_memory=False)

    def _use_history(self, chat_history: list[ChatMessage] | None) -> None:
        if chat_history is not None:
            self._session.turns = _turns(chat_history)[-self._session.max_turns:]


def chat_response(answer: Answer, source_text: SourceText | None = None) -> AgentChatResponse:
    return AgentChatResponse(response=answer.text, source_nodes=cited_nodes(answer, source_text),
                             metadata={"answer": answer})


def _turns(messages: list[ChatMessage]) -> list[Turn]:
    """(user, assistant) message pairs as session turns; the answers carry text only, which is
    all a follow-up's rewriting reads."""
    turns, question = [], None
    for m in messages:
        if m.role == MessageRole.USER:
            question = m.content or ""
        elif m.role == MessageRole.ASSISTANT and question is not None:
            turns.append(Turn(question, Answer(question=question, text=m.content or "")))
            question = None
    return turns


@dataclass
class CheckedStreamingChatResponse(StreamingAgentChatResponse):
    """A streaming chat response whose `response`, once the stream is done, is the checked
    answer (the stock class keeps the concatenated stream), with the `Answer` in
    `metadata["answer"]` as on `AgentChatResponse`."""

    metadata: dict[str, Any] = field(default_factory=dict)

    def _settle(self, answer: Answer, nodes: list[NodeWithScore]) -> None:
        self.source_nodes[:] = nodes
        self.metadata["answer"] = answer

    def _use_checked_text(self) -> None:
        if "answer" in self.metadata:
            self.response = self.metadata["answer"].text

    @property
    def response_gen(self) -> Iterator[str]:
        yield from StreamingAgentChatResponse.response_gen.fget(self)
        self._use_checked_text()

    async def async_response_gen(self) -> AsyncIterator[str]:
        async for piece in super().async_response_gen():
            yield piece
        self._use_checked_text()


def _chat_deltas(pieces: Iterable[str]) -> Iterator[ChatResponse]:
    text = ""
    for piece in pieces:
        text += piece
        yield _delta(text, piece)


async def _async_chat_deltas(pieces: AsyncIterator[str]) -> AsyncIterator[ChatResponse]:
    text = ""
    async for piece in pieces:
        text += piece
        yield _delta(text, piece)


def _delta(text: str, piece: str) -> ChatResponse:
    return ChatResponse(message=ChatMessage(role=MessageRole.ASSISTANT, content=text), delta=piece)


_END = object()


async def _in_thread(pieces: Iterator[str]) -> AsyncIterator[str]:
    """Run a blocking stream in one worker thread (the local model is CPU-bound and streams from
    the thread that started it) and hand its pieces to the event loop as they come."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue = asyncio.Queue()

    def pump() -> None:
        try:
            for piece in pieces:
                loop.call_soon_threadsafe(queue.put_nowait, (piece, None))
        except BaseException as exc:  # handed to the awaiting side, raised there
            loop.call_soon_threadsafe(queue.put_nowait, (_END, exc))
            return
        loop.call_soon_threadsafe(queue.put_nowait, (_END, None))

    worker = loop.run_in_executor(None, pump)
    while True:
        piece, exc = await queue.get()
        if exc is not None:
            raise exc
        if piece is _END:
            break
        yield piece
    await worker
