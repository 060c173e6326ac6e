"""Errors the assistant raises. Every message says what was wrong and what to do about it.

    AssistantError
    ├── InvalidQuestion          empty, whitespace-only or over-long question
    ├── CorpusError              corpus directory missing, empty, or holding no readable text
    ├── IndexUnusable            index unusable: built by another embedder, corrupted, locked
    │   ├── EmbedderMismatch
    │   ├── IndexBusy
    │   ├── IndexStorageError    the file system refused a write: not damage, nothing was moved
    │   │   ├── IndexDiskFull    no space left where the index lives: free some and run again
    │   │   └── IndexReadOnly    read-only file system or permission denied (needed even to read)
    │   └── IndexDamaged         records or vector segments missing: `index --repair` fixes it
    ├── ModelError               local model file missing, incomplete or failing its sha256
    ├── BackendError             a configured generator backend is unknown or unreachable
    ├── ConfigError              a setting has a value that cannot work
    └── CollectionError          a collection name that cannot be used (unsafe, taken, reserved)
        └── UnknownCollection    no collection of that name (the message lists those there are)

The CLI and the UI turn these into a message for a person; the library never prints.
"""

from __future__ import annotations


class AssistantError(Exception):
    """Base class of every error the assistant raises on purpose."""


class InvalidQuestion(AssistantError, ValueError):
    pass


class CorpusError(AssistantError):
    pass


class IndexUnusable(AssistantError):
    pass


class EmbedderMismatch(IndexUnusable):
    pass


class IndexBusy(IndexUnusable):
    pass


class IndexStorageError(IndexUnusable):
    pass


class IndexDiskFull(IndexStorageError):
    pass


class IndexReadOnly(IndexStorageError):
    pass


class IndexDamaged(IndexUnusable):
    pass


class ModelError(AssistantError):
    pass


class BackendError(AssistantError):
    pass


class ConfigError(AssistantError, ValueError):
    pass


class CollectionError(AssistantError, ValueError):
    pass


class UnknownCollection(CollectionError, LookupError):
    pass


__all__ = [
    "AssistantError",
    "InvalidQuestion",
    "CorpusError",
    "IndexUnusable",
    "EmbedderMismatch",
    "IndexBusy",
    "IndexStorageError",
    "IndexDiskFull",
    "IndexReadOnly",
    "IndexDamaged",
    "ModelError",
    "BackendError",
    "ConfigError",
    "CollectionError",
    "UnknownCollection",
]
