"""`fake`: a scripted LLM for tests and demos. Queue replies with `enqueue()`; every call is
recorded in `history`. With nothing queued it answers from the prompt's first source line."""

from __future__ import annotations

import re
from typing import Callable, Iterator, Sequence

from ..config import Config
from .registry import register


class ScriptedLLM:
    name = "fake"

    def __init__(self, replies: Sequence[str | Callable[[list[dict]], str]] = (),
                 model: str = "scripted", chunk: int = 8):
        self.model = model
        self.replies: list[str | Callable[[list[dict]], str]] = list(replies)
        self.history: list[dict] = []
        self.chunk = chunk

    def enqueue(self, *replies: str | Callable[[list[dict]], str]) -> "ScriptedLLM":
        self.replies.extend(replies)
        return self

    def count_tokens(self, text: str) -> int:
        return max(1, len(text) // 4)

    def stream(self, messages: Sequence[dict], *, max_tokens: int = 256, temperature: float = 0.0,
               json_schema: dict | None = None, stop: Sequence[str] = ()) -> Iterator[str]:
        messages = [dict(m) for m in messages]
        self.history.append({"messages": messages, "max_tokens": max_tokens,
                             "json_schema": json_schema, "stop": list(stop)})
        reply = self.replies.pop(0) if self.replies else default_reply
        text = reply(messages) if callable(reply) else reply
        for stop_at in stop:
            if stop_at in text:
                text = text[:text.index(stop_at)]
        for i in range(0, len(text), self.chunk):
            yield text[i:i + self.chunk]


def default_reply(messages: list[dict]) -> str:
    """Quote the first numbered source of the last user message, citing it."""
    m = re.search(r"^\[(\d+)\][^\n]*?\)\s*(.+)$", messages[-1]["content"], re.M)
    return f"{m.group(2)} [{m.group(1)}]" if m else "NOT_IN_SOURCES"


@register("fake")
def _from_config(cfg: Config) -> ScriptedLLM:
    return ScriptedLLM()
