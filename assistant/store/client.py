"""Opening Chroma: the client (embedded or a server), an embedding function that never embeds,
and forgetting Chroma's per-process cache of a client so a store can be moved or reopened."""

from __future__ import annotations

from pathlib import Path

from ..errors import IndexUnusable
from .base import StoreConfig


def precomputed_ef():
    from chromadb.api.types import EmbeddingFunction

    class Precomputed(EmbeddingFunction):
        """Chroma never embeds anything itself: its default would download a model."""

        def __init__(self):
            pass

        def __call__(self, input):  # noqa: A002 - Chroma's signature
            raise RuntimeError("the assistant passes its own embeddings to Chroma")

        @staticmethod
        def name() -> str:
            return "assistant-precomputed"

        def get_config(self) -> dict:
            return {}

        @staticmethod
        def build_from_config(config):
            return Precomputed()

        def is_legacy(self) -> bool:
            return False

    return Precomputed()


def chroma_client(cfg: StoreConfig):
    import chromadb
    from chromadb.config import Settings

    settings = Settings(anonymized_telemetry=False)
    if cfg.host:
        try:
            return chromadb.HttpClient(host=cfg.host, port=cfg.port, settings=settings)
        except Exception as exc:  # connection refused, wrong port, ...
            raise IndexUnusable(
                f"Cannot reach the Chroma server at {cfg.host}:{cfg.port} ({exc}). Start it "
                f"(`chroma run --path DIR --host {cfg.host} --port {cfg.port}`) or unset "
                f"ASSISTANT_CHROMA_HOST to use the embedded index."
            ) from exc
    cfg.path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(cfg.path), settings=settings)



def forget_system(path: Path) -> None:
    """Drop Chroma's per-process cache of the client for `path` (so files can be moved, and a
    reopened client reads what other processes wrote). Clients of other paths keep theirs."""
    try:
        from chromadb.api.shared_system_client import SharedSystemClient

        target = Path(path).resolve()
        systems = SharedSystemClient._identifier_to_system
        for identifier, system in list(systems.items()):
            persisted = system.settings.persist_directory
            if persisted and Path(persisted).resolve() == target:
                systems.pop(identifier, None)
                SharedSystemClient._identifier_to_refcount.pop(identifier, None)
    except Exception:  # pragma: no cover - best effort
        pass
