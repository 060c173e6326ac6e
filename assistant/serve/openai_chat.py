"""OpenAI chat-completions requests and replies, as plain data (no web framework here).

A request's last message is the question; earlier user/assistant turns are the conversation a
follow-up is rewritten from (`Assistant.condense`); system messages are ignored (the assistant's
own prompt decides how it answers). A reply's content is the checked answer with its [n]
markers, then a "Sources:" list, so any client shows the citations; the structured citations
go in `citations` beside the content (the message, or the last streamed chunk's delta).
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from typing import Any

from assistant import Answer

from .service import InvalidRequest, citation_json

ROLES = ("system", "developer", "user", "assistant", "tool", "function")
SOURCES = "\n\nSources:\n"
# Replies of earlier versions streamed the draft, then the checked answer under this line; a
# conversation's history may still hold one (this API streams the checked answer only).
CHECKED = "\n\nChecked answer: "


@dataclass(frozen=True)
class ChatRequest:
    question: str
    history: tuple[tuple[str, str], ...]  # earlier (question, answer text) turns, oldest first
    stream: bool
    include_usage: bool  # stream_options.include_usage: a last chunk with the usage
    documents: tuple[str, ...] | None = None  # answer from these documents only (None: all)
    model: str | None = None  # the collection to answer from (None: the server's default)


def parse_request(body: Any) -> ChatRequest:
    """The question, the conversation before it, and how to reply; `InvalidRequest` saying
    what to change otherwise."""
    if not isinstance(body, dict):
        raise InvalidRequest("The request body must be a JSON object with a 'messages' list.")
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise InvalidRequest("'messages' must be a non-empty list of {role, content} objects; "
                             "the last one is the question.")
    turns = [_message(i, m) for i, m in enumerate(messages)]
    role, question = turns[-1]
    if role != "user" or not question.strip():
        raise InvalidRequest("The last message must be the user's question, with text.")
    stream = body.get("stream", False)
    if not isinstance(stream, bool):
        raise InvalidRequest(f"'stream' must be true or false. Currently, it is {stream!r}")
    if body.get("n", 1) != 1:
        raise InvalidRequest("Only one choice per request is served: 'n' must be 1.")
    options = body.get("stream_options") or {}
    include_usage = bool(isinstance(options, dict) and options.get("include_usage"))
    model = body.get("model")
    if model is not None and not isinstance(model, str):
        raise InvalidRequest(f"'model' must be the name of a model from GET /v1/models. "
                             f"Currently, it is {type(model).__name__}.")
    return ChatRequest(question=question, history=_history(turns[:-1]), stream=stream,
                       include_usage=include_usage, documents=_documents(body), model=model)


def _documents(body: dict) -> tuple[str, ...] | None:
    """The documents a request limits its answer to: `documents` (a list of names, an
    extension field clients send as extra body), or OpenAI's `metadata.documents` (metadata
    values are strings: a JSON list of names, or names separated by commas)."""
    names = body.get("documents")
    metadata = body.get("metadata")
    if names is None and isinstance(metadata, dict) and "documents" in metadata:
        value = metadata["documents"]
        if not isinstance(value, str):
            raise InvalidRequest("metadata.documents must be a string: a JSON list of document "
                                 "names, or names separated by commas.")
        try:
            names = json.loads(value) if value.lstrip().startswith("[") else \
                [n.strip() for n in value.split(",") if n.strip()]
        except ValueError:
            raise InvalidRequest("metadata.documents starts with '[' but is not a JSON list "
                                 "of document names.") from None
    if names is None:
        return None
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise InvalidRequest(f"'documents' must be a list of document names. Currently, it is "
                             f"{names!r}"[:300])
    return tuple(names)


def _message(i: int, m: Any) -> tuple[str, str]:
    if not isinstance(m, dict) or m.get("role") not in ROLES:
        raise InvalidRequest(f"messages[{i}] must be an object with a 'role' "
                             f"({', '.join(ROLES[:4])}) and 'content'.")
    content = m.get("content")
    if content is None or isinstance(content, str):
        return m["role"], content or ""
    if isinstance(content, list):  # content parts: the text ones are read, images are not
        texts = [p.get("text", "") for p in content
                 if isinstance(p, dict) and p.get("type") == "text"]
        if all(isinstance(t, str) for t in texts):
            return m["role"], "\n".join(texts)
    raise InvalidRequest(f"messages[{i}].content must be text or a list of text parts.")


def _history(turns: list[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """Each user message with the assistant's reply after it (replies stripped back to the
    checked answer they carry)."""
    pairs, asked = [], None
    for role, text in turns:
        if role == "user":
            asked = text
        elif role == "assistant" and asked is not None and text.strip():
            pairs.append((asked, answer_of(text)))
            asked = None
    return tuple(pairs)


def answer_of(content: str) -> str:
    """The checked answer inside a reply this API gave: no Sources list, no draft."""
    text = content.split(SOURCES, 1)[0]
    return text.rsplit(CHECKED, 1)[-1].strip()


def sources(answer: Answer) -> str:
    """The "Sources:" list under an answer (empty when it cites nothing)."""
    if not answer.citations:
        return ""
    lines = []
    for c in answer.citations:
        about = ", ".join(x for x in (c.title, c.date) if x)
        lines.append(f"- [{c.number}] {c.where}" + (f" ({about})" if about else "")
                     + f": “{c.quote}”")
    return SOURCES + "\n".join(lines)


# Document text is untrusted: in the content a client may render as Markdown or HTML, an image
# ("![x](http://...)" fetches when shown), a link's target and a tag are written inert. The
# structured `citations` keep every quote verbatim.
_INERT = (("<", "\\<"), ("![", "!\\["), ("](", "]\\("))


def inert(text: str) -> str:
    """`text` with no Markdown image, link target or HTML tag a renderer would act on."""
    for raw, safe in _INERT:
        text = text.replace(raw, safe)
    return text


def content(answer: Answer) -> str:
    return inert(answer.text + sources(answer))


def usage(answer: Answer | None) -> dict[str, int]:
    got = answer.usage if answer is not None else {}
    prompt, completion = int(got.get("prompt_tokens", 0)), int(got.get("completion_tokens", 0))
    return {"prompt_tokens": prompt, "completion_tokens": completion,
            "total_tokens": prompt + completion}


def completion(answer: Answer, model: str) -> dict[str, Any]:
    """The whole reply (stream false)."""
    message = {"role": "assistant", "content": content(answer),
               "citations": [citation_json(c) for c in answer.citations],
               "abstained": answer.abstained}
    return {"id": new_id(), "object": "chat.completion", "created": int(time.time()),
            "model": model, "choices": [{"index": 0, "message": message, "finish_reason": "stop",
                                         "logprobs": None}],
            "usage": usage(answer)}


class Chunks:
    """The chunks of one streamed reply, sharing its id, time and model."""

    def __init__(self, model: str):
        self.id, self.created, self.model = new_id(), int(time.time()), model

    def chunk(self, delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return {"id": self.id, "object": "chat.completion.chunk", "created": self.created,
                "model": self.model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish,
                             "logprobs": None}]}

    def first(self) -> dict[str, Any]:
        return self.chunk({"role": "assistant", "content": ""})

    def text(self, piece: str) -> dict[str, Any]:
        return self.chunk({"content": inert(piece)})

    def ending(self, answer: Answer) -> list[dict[str, Any]]:
        """After the answer's text: the Sources list, then the last chunk with the structured
        citations."""
        tail = sources(answer)
        out = [self.text(tail)] if tail else []
        final = {"citations": [citation_json(c) for c in answer.citations],
                 "abstained": answer.abstained}
        return out + [self.chunk(final, finish="stop")]

    def usage(self, answer: Answer | None) -> dict[str, Any]:
        return {"id": self.id, "object": "chat.completion.chunk", "created": self.created,
                "model": self.model, "choices": [], "usage": usage(answer)}


def new_id() -> str:
    return f"chatcmpl-{uuid.uuid4().hex[:24]}"


def error(message: str, kind: str = "invalid_request_error", code: str | None = None
          ) -> dict[str, Any]:
    """OpenAI's error body."""
    return {"error": {"message": message, "type": kind, "param": None, "code": code}}


def models(names: list[str]) -> dict[str, Any]:
    return {"object": "list", "data": [model_card(m) for m in names]}


def model_card(model: str) -> dict[str, Any]:
    return {"id": model, "object": "model", "created": 0, "owned_by": "assistant"}
