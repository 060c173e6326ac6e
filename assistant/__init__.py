"""Offline, cited question answering over a document corpus.

    from assistant import Assistant
    bot = Assistant.load()
    answer = bot.ask("Why was the trust shelved?")
    print(answer.text)            # sentences with [n] markers
    answer.citations[0].quote     # verbatim source text behind [1]
"""

from .core import Assistant
from .chat import ChatSession
from . import errors
from .errors import *  # noqa: F403 - every error class; errors.__all__ is the one list of them
from .types import Answer, Citation, DocumentMeta, Passage, SentenceSupport

__all__ = [
    "Assistant",
    "ChatSession",
    "Answer",
    "Citation",
    "Passage",
    "SentenceSupport",
    "DocumentMeta",
    *errors.__all__,
]
