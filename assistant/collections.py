"""Named collections: sets of documents, each with its own documents folder and index, served by
one process whose models (embedder, judge, language model) are loaded once and shared.

    collections/                     ASSISTANT_COLLECTIONS (default: `collections/` beside the index)
        house/collection.json        its id (names its Chroma collections on a Chroma server)
                                     and its embedder ("minilm" or "multilingual")
        house/documents/             its corpus folder: add files here, or `add --collection house`
        house/index/                 its index, as ASSISTANT_INDEX is for the default collection

The corpus and index of ASSISTANT_CORPUS / ASSISTANT_INDEX (default seeds/ and index/) are the
collection named "default", left where they are: nothing is moved or re-indexed.

    lib = Library(generator="extractive")
    lib.create("house")              # lib.create("haus", embedder="multilingual")
    bot = lib.open("house")          # an Assistant; opened once, sharing the models
    lib.rename("house", "flat"); lib.delete("flat")
"""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import threading
import unicodedata
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .config import EMBEDDERS, GENERATORS, Config
from .core import Assistant
from .errors import CollectionError, UnknownCollection

DEFAULT = "default"
MARKER = "collection.json"
MAX_NAME = 64
# names that mean the default collection to the OpenAI-compatible API's `model`
RESERVED = frozenset({DEFAULT, "assistant", *(f"assistant-{g}" for g in GENERATORS)})
_ALLOWED = re.compile(r"^[^\W_][\w .-]*$")


@dataclass(frozen=True)
class CollectionInfo:
    name: str
    corpus: Path  # its documents folder
    index: Path
    documents: int  # files in its documents folder (hidden ones and `.removed/` left out)
    default: bool = False
    embedder: str = "minilm"

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "corpus": str(self.corpus), "index": str(self.index),
                "documents": self.documents, "default": self.default,
                "embedder": self.embedder}


def check_name(name: Any) -> str:
    """`name` if it can name a collection (a folder of its own), else a `CollectionError`
    saying what is wrong with it."""
    if not isinstance(name, str):
        raise CollectionError(f"A collection name must be text. Currently, it is {name!r}")
    what = None
    if not name.strip():
        what = "is empty"
    elif any(unicodedata.category(ch).startswith("C") for ch in name):
        what = "holds a control character"
    elif "/" in name or "\\" in name:
        what = "holds a path separator ('/' or '\\')"
    elif ".." in name:
        what = "holds '..'"
    elif len(name) > MAX_NAME:
        what = f"is longer than {MAX_NAME} characters"
    elif not _ALLOWED.match(name) or name != name.strip() or name.endswith("."):
        what = ("may hold only letters, digits, spaces, '-', '_' and '.', starting with a "
                "letter or digit and not ending with a space or '.'")
    elif name.lower() in RESERVED:
        what = f"is reserved ({', '.join(sorted(RESERVED))} mean the default collection)"
    if what:
        raise CollectionError(f"The collection name {name!r} {what}: choose another.")
    return name


class Library:
    """The collections under one root, and the assistants opened over them (one per name,
    sharing one embedder, one judge and one language model).

    `generator`, `embedder`, `llm`, `judge` and other settings are as for `Assistant.load`;
    `root` is the collections folder (default: the `collections` setting)."""

    def __init__(self, root: str | Path | None = None, generator: Any = None, *,
                 embedder=None, llm=None, judge=None, **settings: Any):
        root = root if root is not None else settings.pop("collections", None)
        self.config = Config.load(collections=root, generator=generator if isinstance(
            generator, str) else None, **settings)
        self.root = self.config.collections_root
        self.generator = generator
        self.settings = settings  # for Assistant.load: corpus and index are the default's
        self._embedder, self._llm, self._judge = embedder, llm, judge
        self._embedders: dict[str, Any] = {}  # by name: one each, shared by the collections
        self._own_llm = llm is None  # closed with the library, unless it was given
        self._open: dict[str, Assistant] = {}
        self._lock = threading.RLock()  # the collections' folders and the open ones
        self._opening: dict[str, threading.Lock] = {}  # one open (maybe indexing) per name
        self._first = threading.Lock()  # held by opens until one has made the shared models
        self._shared = False  # whether an open has made (or taken) the models the others share

    # ------------------------------------------------------------ which there are

    def names(self) -> list[str]:
        """"default", then the named collections, sorted."""
        found = [p.name for p in _folders(self.root) if _is_collection(p)]
        return [DEFAULT, *sorted(found, key=str.lower)]

    def list(self) -> list[CollectionInfo]:
        return [self.info(name) for name in self.names()]

    def info(self, name: str) -> CollectionInfo:
        where = self.where(name)
        return CollectionInfo(name, where["corpus"], where["index"], _count(where["corpus"]),
                              default=name == DEFAULT, embedder=where["embedder"])

    def where(self, name: str | None) -> dict[str, Any]:
        """`Assistant.load`'s settings for collection `name`: its corpus, index and (on a
        Chroma server) its own Chroma collection name. `UnknownCollection` if there is none."""
        if name is None or name == DEFAULT:
            return {"corpus": self.config.corpus, "index": self.config.index,
                    "embedder": self.config.embedder}
        folder = self._folder(name)
        if not _is_collection(folder):
            raise UnknownCollection(f"There is no collection named {name!r}. The collections "
                                    f"are: {', '.join(self.names())} (`python -m assistant "
                                    f"collections create {name}` makes it).")
        return {"corpus": folder / "documents", "index": folder / "index",
                "collection": f"c{_identity(folder)}",
                "embedder": _record(folder).get("embedder") or self.config.embedder}

    def _folder(self, name: str) -> Path:
        if name == DEFAULT:
            raise CollectionError(f"The {DEFAULT!r} collection is {self.config.corpus} with its "
                                  f"index {self.config.index}; it cannot be renamed or deleted "
                                  f"here.")
        return self.root / check_name(name)

    # ------------------------------------------------------------ managing them

    def create(self, name: str, embedder: str | None = None) -> CollectionInfo:
        """A new, empty collection (its documents folder, its id and its embedder: `embedder`,
        else the `embedder` setting); its index is made when it is first opened."""
        folder = self._folder(check_name(name))
        embedder = _embedder_name(embedder or self.config.embedder)
        with self._lock:
            self._refuse_taken(name)
            (folder / "documents").mkdir(parents=True)
            _write_record(folder, {"id": uuid.uuid4().hex, "embedder": embedder})
        return self.info(name)

    def embedder_of(self, name: str) -> str:
        return self.where(name)["embedder"]

    def set_embedder(self, name: str, embedder: str) -> CollectionInfo:
        """Choose collection `name`'s embedder. When it changes, the collection is closed and
        its index is rebuilt by the new embedder when next opened (the sync report says why:
        "embedder changed: …"). The default collection's is the `embedder` setting
        (ASSISTANT_EMBEDDER)."""
        embedder = _embedder_name(embedder)
        if name == DEFAULT:
            raise CollectionError(f"The {DEFAULT!r} collection's embedder is the embedder "
                                  f"setting: set ASSISTANT_EMBEDDER={embedder} (its index is "
                                  f"re-embedded when next opened).")
        folder = self._folder(name)
        with self._opening_of(name), self._lock:
            self.where(name)  # UnknownCollection unless there is one
            record = _record(folder)
            if record.get("embedder") != embedder:
                self._close(name)
                _write_record(folder, {"id": _identity(folder), **record, "embedder": embedder})
        return self.info(name)

    def rename(self, old: str, new: str) -> CollectionInfo:
        """Rename a collection's folder (documents and index move with it; nothing is
        re-indexed: on a Chroma server its collections keep their id-based names)."""
        source = self._folder(old)
        target = self._folder(check_name(new))
        with self._opening_of(old), self._lock:  # after an open of it in progress
            self.where(old)  # UnknownCollection unless there is one
            if old.lower() != new.lower():
                self._refuse_taken(new)
            self._close(old)
            source.rename(target)
        return self.info(new)

    def removes(self, name: str) -> list[str]:
        """What `delete(name)` removes, one line each (nothing is removed here)."""
        where = self.where(name)
        folder = self._folder(name)
        n = _count(where["corpus"])
        lines = [f"{folder}/ (the collection's folder): its {n} document{'s' * (n != 1)} in "
                 f"{where['corpus']}/ and its index {where['index']}/"]
        if self.config.chroma_host:
            lines.append(f"its collections {where['collection']}-* on the Chroma server "
                         f"{self.config.chroma_host}:{self.config.chroma_port}")
        return lines

    def delete(self, name: str) -> list[str]:
        """Delete collection `name`: its own folder (documents and index) and nothing else;
        returns what was removed, one line each (as `removes` says beforehand)."""
        with self._opening_of(name), self._lock:  # after an open of it in progress
            lines = self.removes(name)
            folder, where = self._folder(name), self.where(name)
            if folder.is_symlink() or folder.resolve().parent != self.root.resolve():
                raise CollectionError(f"{folder} is a link or lies outside {self.root}: it is "
                                      f"not deleted; remove it yourself if you mean to.")
            self._close(name)
            if self.config.chroma_host:
                _drop_server_collections(self.config, where["collection"])
            shutil.rmtree(folder)
        return lines

    def _refuse_taken(self, name: str) -> None:
        taken = [n for n in self.names() if n.lower() == name.lower()]
        if taken or (self.root / name).exists():
            raise CollectionError(f"There is already a collection named {(taken or [name])[0]!r} "
                                  f"in {self.root}: choose another name.")

    # ------------------------------------------------------------ opening them

    def open(self, name: str | None = None, generator: Any = None, **load: Any) -> Assistant:
        """The assistant over collection `name` (default: "default"), opened once per name and
        kept; every one shares the first one's embedder, judge and language model. `load`:
        more `Assistant.load` arguments (`progress`, `rebuild`, `recover`), for a first open."""
        name = name or DEFAULT
        bot = self._open.get(name)
        if bot is not None:  # no lock: a collection being opened (indexed) delays no other
            return bot
        with self._opening_of(name):
            if name in self._open:
                return self._open[name]
            where = self.where(name)
            generator = generator if generator is not None else self.generator
            embedder = self._embedder or self._embedders.get(where["embedder"]) or where["embedder"]
            with contextlib.nullcontext() if self._shared else self._first:
                bot = Assistant.load(generator=generator, llm=self._llm, judge=self._judge,
                                     **{**self.settings, **where, **load, "embedder": embedder})
                if self._embedder is None:  # chosen by name: shared by name
                    self._embedders.setdefault(where["embedder"], bot.embedder)
                self._judge = bot.judge
                self._llm = self._llm or getattr(bot.generator, "llm", None)
                self._shared = True
            with self._lock:
                self._open[name] = bot
            return bot

    def _opening_of(self, name: str) -> threading.Lock:
        """The lock an open, a rename or a delete of collection `name` holds."""
        with self._lock:
            return self._opening.setdefault(name, threading.Lock())

    def opened(self) -> list[str]:
        return list(self._open)

    def _close(self, name: str) -> None:
        """Close the index of an open collection (its models stay: they are shared)."""
        bot = self._open.pop(name, None)
        if bot is not None:
            bot.index.close()

    def close(self) -> None:
        """Close every open collection's index, then the shared language model, once."""
        with self._lock:
            for name in list(self._open):
                self._close(name)
            close = getattr(self._llm, "close", None) if self._own_llm else None
            if close:
                close()
            self._llm = None

    def __enter__(self) -> "Library":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _folders(root: Path) -> list[Path]:
    try:
        return [p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")]
    except (FileNotFoundError, NotADirectoryError):
        return []


def _is_collection(folder: Path) -> bool:
    """A folder under the root is a collection when it has its marker or a documents folder
    (one made by hand) and its name is one a collection may have."""
    try:
        check_name(folder.name)
    except CollectionError:
        return False
    return (folder / MARKER).is_file() or (folder / "documents").is_dir()


def _record(folder: Path) -> dict[str, Any]:
    """What collection.json holds ({} when it is missing or unreadable)."""
    try:
        record = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return record if isinstance(record, dict) else {}


def _write_record(folder: Path, record: dict[str, Any]) -> None:
    (folder / MARKER).write_text(json.dumps(record) + "\n", encoding="utf-8")


def _embedder_name(name: Any) -> str:
    if name not in EMBEDDERS:
        raise CollectionError(f"A collection's embedder is one of {', '.join(EMBEDDERS)}. "
                              f"Currently, it is {name!r}")
    return name


def _identity(folder: Path) -> str:
    """The collection's id (made when missing: a folder made by hand)."""
    marker = folder / MARKER
    try:
        return str(json.loads(marker.read_text(encoding="utf-8"))["id"])
    except (OSError, ValueError, KeyError, TypeError):
        ident = uuid.uuid4().hex
        marker.write_text(json.dumps({"id": ident}) + "\n", encoding="utf-8")
        return ident


def _count(corpus: Path) -> int:
    try:
        return sum(1 for p in corpus.rglob("*") if p.is_file() and not any(
            part.startswith(".") for part in p.relative_to(corpus).parts))
    except OSError:
        return 0


def _drop_server_collections(cfg: Config, name: str) -> None:
    """Delete a collection's own Chroma collections (`<name>-<part>`) on the Chroma server."""
    from .index import StoreConfig
    from .store.client import chroma_client

    client = chroma_client(StoreConfig(path=cfg.index, name=name, host=cfg.chroma_host,
                                       port=cfg.chroma_port))
    for c in client.list_collections():
        cname = c if isinstance(c, str) else c.name
        if cname.startswith(f"{name}-"):
            client.delete_collection(cname)
