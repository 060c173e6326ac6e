"""Rewriting a follow-up question into a standalone one, from the chat history.

With an LLM the rewrite is the model's (prompts `condense_*.txt`); without one, a follow-up
that leans on the conversation ("And who criticised it?", "What about 2018?") keeps its own
wording and question word and gains the previous question's topic words, so retrieval still
sees the topic: "who criticised it? (about: trust, put, hold)".
"""

from __future__ import annotations

import re
from typing import Sequence

from ..prompts import render
from ..text import STOPWORDS, words

_DEPENDENT = re.compile(
    r"^(?:and|but|also|so|then|what about|how about|and what|why not|same for)\b|"
    r"\b(?:it|its|they|them|their|this|that|these|those|he|she|him|her|his|there|then)\b",
    re.I,
)


def needs_context(question: str) -> bool:
    return bool(_DEPENDENT.search(question)) or len(question.split()) <= 3


def condense(history: Sequence[tuple[str, str]], question: str, llm=None) -> str:
    if not history or not needs_context(question):
        return question
    if llm is None:
        return _with_topic(question, history[-1][0])
    turns = "\n".join(f"User: {q}\nAssistant: {_short(a)}" for q, a in history[-3:])
    messages = [{"role": "system", "content": render("condense_system")},
                {"role": "user", "content": render("condense_user", history=turns, question=question)}]
    text = "".join(llm.stream(messages, max_tokens=60, temperature=0.0, stop=("\n",))).strip()
    text = text.strip().strip('"').removeprefix("Standalone question:").strip()
    if not text or len(text) > 4 * len(question) + 200:
        return _with_topic(question, history[-1][0])
    return text


_LEADING = re.compile(r"^(?:and|but|also|so|then)\b[\s,]*", re.I)


def _with_topic(question: str, previous: str) -> str:
    own = set(words(question))
    topic = [w for w in dict.fromkeys(words(previous)) if w not in STOPWORDS and w not in own
             and w not in _QUESTION_WORDS]
    core = _LEADING.sub("", question).strip()
    core = core[:1].upper() + core[1:]
    return f"{core} (about: {', '.join(topic)})" if topic else core


_QUESTION_WORDS = {"why", "what", "who", "when", "where", "how", "which", "whom", "whose"}


def _short(answer: str, limit: int = 300) -> str:
    answer = re.sub(r"\s*\[\d+\]", "", answer)
    return answer if len(answer) <= limit else answer[:limit].rsplit(" ", 1)[0] + "…"
