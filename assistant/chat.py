"""Multi-turn chat: a session remembers the conversation and turns follow-ups into standalone
questions before retrieving ("And who criticised it?" → "Who criticised the trust plan?")."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterator, Sequence

from .types import Answer, final_answer

if TYPE_CHECKING:  # pragma: no cover
    from .core import Assistant


@dataclass
class Turn:
    question: str
    answer: Answer


@dataclass
class ChatSession:
    assistant: "Assistant"
    turns: list[Turn] = field(default_factory=list)
    max_turns: int = 6  # history kept for rewriting follow-ups

    def ask(self, question: str, documents: Sequence[str] | None = None) -> Answer:
        return final_answer(self.ask_stream(question, documents))

    def ask_stream(self, question: str, documents: Sequence[str] | None = None,
                   checked: bool = False) -> Iterator[str | Answer]:
        """A turn of the conversation; about the named `documents` only, when given.
        `checked`: stream only checked text (see `Assistant.ask_stream`)."""
        q = self.assistant.validate(question)
        self.assistant.scope(documents)  # a bad name is refused before anything is asked
        standalone = self.assistant.condense(self.history(), q) if self.turns else q
        for item in self.assistant.ask_stream(q, standalone=standalone, documents=documents,
                                               checked=checked):
            if isinstance(item, Answer):
                self.turns.append(Turn(q, item))
                self.turns = self.turns[-self.max_turns:]
            yield item

    def history(self) -> list[tuple[str, str]]:
        """(standalone question, answer text) pairs, oldest first."""
        return [(t.answer.standalone_question or t.question, t.answer.text) for t in self.turns]

    def clear(self) -> None:
        self.turns.clear()
