"""The two small protocols every backend implements."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator, Protocol, Sequence, runtime_checkable

from ..answering.evidence import Evidence
from ..types import Answer

Message = dict[str, str]  # {"role": "system" | "user" | "assistant", "content": "..."}


def estimate_tokens(text: str) -> int:
    """Tokens `text` takes, estimated without a tokenizer: BPE vocabularies of current
    instruction models (Qwen, Llama, GPT) average ~3.6 characters per token on English prose."""
    return max(1, round(len(text) / 3.6))


@dataclass(frozen=True)
class TokenLogprob:
    """One generated token with its log-probability and the most likely alternatives
    (backends that report them keep a reply's tokens in `last_logprobs`)."""

    token: str
    logprob: float
    top: tuple[tuple[str, float], ...] = ()


@runtime_checkable
class Generator(Protocol):
    name: str
    model: str | None

    def stream(self, question: str, evidence: Evidence) -> Iterator[str | Answer]:
        """Yield text as it is produced, then exactly one final Answer."""
        ...


@runtime_checkable
class LLM(Protocol):
    name: str  # backend name: "local", "ollama", "openai", "fake"
    model: str

    def stream(self, messages: Sequence[Message], *, max_tokens: int = 256,
               temperature: float = 0.0, json_schema: dict[str, Any] | None = None,
               stop: Sequence[str] = ()) -> Iterator[str]:
        """Yield the reply's text in pieces as the model produces them."""
        ...

    def count_tokens(self, text: str) -> int:
        """Tokens `text` takes in this model's context (an estimate is acceptable)."""
        ...
