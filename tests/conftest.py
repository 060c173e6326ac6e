"""Shared fixtures. Every test runs with the network blocked (loopback stays open for the
Chroma server, Gradio and llama.cpp's in-process server); `test_offline.py` proves the block."""

from __future__ import annotations

import ipaddress
import os
import shutil
import socket
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
sys.path.insert(0, str(ROOT))  # evals/ and app.py
sys.path.insert(0, str(Path(__file__).parent))  # helpers

os.environ.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", ANONYMIZED_TELEMETRY="False",
                  RAGAS_DO_NOT_TRACK="true", GRADIO_ANALYTICS_ENABLED="False",
                  TOKENIZERS_PARALLELISM="false")


class NetworkBlocked(RuntimeError):
    pass


def _is_loopback(address) -> bool:
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, bytes):
        host = host.decode()
    if not isinstance(host, str):  # AF_UNIX paths and the like
        return True
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False  # a host name other than localhost would need DNS: not allowed


_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_getaddrinfo = socket.getaddrinfo


def _guard(address):
    if not _is_loopback(address):
        raise NetworkBlocked(f"test tried to reach the network: {address!r}")


def _connect(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6):
        _guard(address)
    return _real_connect(self, address)


def _connect_ex(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6):
        _guard(address)
    return _real_connect_ex(self, address)


def _getaddrinfo(host, *args, **kwargs):
    _guard((host,))
    return _real_getaddrinfo(host, *args, **kwargs)


@pytest.fixture(autouse=True)
def block_network(monkeypatch):
    monkeypatch.setattr(socket.socket, "connect", _connect)
    monkeypatch.setattr(socket.socket, "connect_ex", _connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", _getaddrinfo)
    yield


# ---------------------------------------------------------------- corpora and assistants

TINY = {
    "alpha.txt": (
        "Riverton council plans new library\n\nBy Jane Doe\n\n3 March 2020\n\n"
        "Riverton council will build a new library costing £4 million.\n"
        "Sign up to our daily newsletter\n"
        "The library will open in June 2022, said council leader Tom Reed.\n"
        "Critics say the money should fund road repairs instead.\n"
    ),
    "beta.md": (
        "# Library plans paused\n\n12 January 2021\n\n"
        "Riverton council has paused the library because of rising costs.\n"
        "The council now expects the library to cost £6 million.\n"
        "Great news at last! I can't wait to read there!\n"
        "Well said Bob, my kids would love it too!\n"
    ),
}


# Two short dated articles on different subjects: for questions about a set of passages and
# questions limited to chosen documents.
HARBOUR_LIBRARY = {
    "harbour.txt": "Harbour repairs delayed\n\n4 May 2023\n\n"
                   "The harbour wall repairs will now finish in the autumn rather than the spring. "
                   "Storm damage in March doubled the length of wall that needs rebuilding. "
                   "The contractor says two more crews will join the work in June. "
                   "Fishing boats will keep using the north quay until the work is done.\n",
    "library.txt": "New library opens its doors\n\n9 June 2023\n\n"
                   "The town's new library opened on Saturday with a reading by local children. "
                   "It holds forty thousand books and a room of computers for public use. "
                   "Opening hours run from nine in the morning until eight at night on weekdays. "
                   "The old library building will become a community arts centre next year.\n",
}


def write_corpus(path: Path, files: dict[str, str] = TINY) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (path / name).write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def tiny_corpus(tmp_path) -> Path:
    return write_corpus(tmp_path / "corpus")


@pytest.fixture
def fake_embedder():
    from assistant.embeddings import HashingEmbedder

    return HashingEmbedder()


@pytest.fixture
def fake_bot(tiny_corpus, tmp_path, fake_embedder):
    from assistant import Assistant

    bot = Assistant.load(corpus=tiny_corpus, index=tmp_path / "index", generator="extractive",
                         embedder=fake_embedder)
    yield bot
    bot.close()


@pytest.fixture
def two_documents_bot(tmp_path, fake_embedder):
    """The extractive assistant over HARBOUR_LIBRARY, with the fake embedder."""
    from assistant import Assistant

    bot = Assistant.load(corpus=write_corpus(tmp_path / "two-docs", HARBOUR_LIBRARY),
                         index=tmp_path / "two-docs-index", generator="extractive",
                         embedder=fake_embedder)
    yield bot
    bot.close()


@pytest.fixture(scope="session")
def real_embedder():
    from assistant.embeddings import LocalEmbedder

    return LocalEmbedder()


@pytest.fixture(scope="session")
def seeds_index(tmp_path_factory, real_embedder) -> Path:
    """A real index of seeds/ built once per test session (in a temporary directory)."""
    from assistant import Assistant

    path = tmp_path_factory.mktemp("seeds-index") / "index"
    Assistant.load(corpus=SEEDS, index=path, generator="extractive", embedder=real_embedder).close()
    return path


@pytest.fixture(scope="session")
def seeds_bot(seeds_index, real_embedder):
    from assistant import Assistant

    bot = Assistant.load(corpus=SEEDS, index=seeds_index, generator="extractive",
                         embedder=real_embedder)
    yield bot
    bot.close()


@pytest.fixture
def copy_of_seeds(tmp_path) -> Path:
    dest = tmp_path / "seeds"
    shutil.copytree(SEEDS, dest)
    return dest


@pytest.fixture(scope="session")
def local_llm():
    """The real embedded model (loaded once per session)."""
    from assistant.backends.local import LocalLLM
    from assistant.config import Config

    cfg = Config.load()
    return LocalLLM(cfg.model_path, threads=cfg.threads, context_window=cfg.context_window,
                    slots=cfg.slots)


@pytest.fixture(scope="session")
def local_bot(seeds_index, real_embedder, local_llm):
    from assistant import Assistant

    bot = Assistant.load(corpus=SEEDS, index=seeds_index, generator="local",
                         embedder=real_embedder, llm=local_llm)
    bot.generator.warm_up()
    yield bot
