"""The persisted index; it lives in `assistant/store/`. This module keeps the old imports
(`from assistant.index import ChromaIndex, StoreConfig, SyncReport`) working."""

from .store import SCHEMA, ChromaIndex, LexicalIndex, StoreConfig, SyncProgress, SyncReport
from .store.base import PAGE

__all__ = ["ChromaIndex", "LexicalIndex", "PAGE", "SCHEMA", "StoreConfig", "SyncProgress",
           "SyncReport"]
