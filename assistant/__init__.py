"""Offline, cited question answering over a document corpus.

    from assistant import Assistant
    bot = Assistant.load()
    answer = bot.ask("Why was the trust shelved?")
    print(answer.text)            # sentences with [n] markers
    answer.citations[0].quote     # verbatim source text behind [1]
    c = answer.citations[0]       # a PDF citation's page, its quote highlighted:
    cited_page(bot.corpus, c.source, c.page, c.start, c.end).png
    Library().open("house")       # a named collection (assistant.collections), models shared
"""

from .core import Assistant
from .collections import CollectionInfo, Library
from .config import Config
from .chat import ChatSession
from . import errors
from .errors import *  # noqa: F403 - every error class; errors.__all__ is the one list of them
from .documents import DocumentInfo, FileOutcome
from .store import SyncProgress
from .pages import PageImage, cited_page, render_page
from .readers import supported_suffixes
from .types import Answer, Citation, DocumentMeta, Passage, SentenceSupport

__all__ = [
    "Assistant",
    "Library",
    "CollectionInfo",
    "Config",
    "ChatSession",
    "Answer",
    "Citation",
    "Passage",
    "SentenceSupport",
    "DocumentMeta",
    "DocumentInfo",
    "FileOutcome",
    "SyncProgress",
    "PageImage",
    "render_page",
    "cited_page",
    "supported_suffixes",
    *errors.__all__,
]
