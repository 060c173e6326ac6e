"""Offline, cited question answering over a document corpus.

    from assistant import Assistant
    bot = Assistant.load()
    answer = bot.ask("Why was the trust shelved?")
    print(answer.text)            # sentences with [n] markers
    answer.citations[0].quote     # verbatim source text behind [1]
"""

from .core import Assistant
from .chat import ChatSession
from .errors import (AssistantError, BackendError, ConfigError, CorpusError, EmbedderMismatch,
                     IndexBusy, IndexUnusable, InvalidQuestion, ModelError)
from .types import Answer, Citation, DocumentMeta, Passage, SentenceSupport

__all__ = [
    "Assistant",
    "ChatSession",
    "Answer",
    "Citation",
    "Passage",
    "SentenceSupport",
    "DocumentMeta",
    "AssistantError",
    "InvalidQuestion",
    "CorpusError",
    "IndexUnusable",
    "EmbedderMismatch",
    "IndexBusy",
    "ModelError",
    "BackendError",
    "ConfigError",
]
