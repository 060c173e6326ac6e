"""The persisted index: the Chroma store (`chroma.py`), how a sync decides what to change
(`sync.py`), the streaming embed-and-write pipeline (`writer.py`), the saved BM25 index
(`lexical.py`), and what the file system may refuse (`files.py`: permissions and set-aside
copies; `faults.py`: a full disk). The manifest table is `assistant/manifest.py`."""

from .base import SCHEMA, StoreConfig, SyncReport
from .chroma import ChromaIndex
from .lexical import LexicalIndex
from .writer import SyncProgress

__all__ = ["ChromaIndex", "LexicalIndex", "SCHEMA", "StoreConfig", "SyncProgress", "SyncReport"]
