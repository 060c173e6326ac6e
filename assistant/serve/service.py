"""The operations every front end needs — ask, search, list the documents — over one loaded
`Assistant`, as JSON-ready values. The MCP server and the OpenAI-compatible API call this, and
the chat's process mounts the API over the same assistant the page uses.

Answers are produced side by side: the assistant finds each question's evidence one at a time
(its own lock) and the local model decodes up to ASSISTANT_SLOTS answers together. A streamed
answer is produced in a worker thread that runs to the end whether or not its reader stays, and
it streams the checked answer only. Searches and document lists take a lock of their own. Only
the public `assistant` API is used.
"""

from __future__ import annotations

import logging
import queue
import threading
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Sequence

from typing_extensions import TypedDict  # pydantic (the MCP schemas) needs it before Python 3.12

from assistant import (Answer, Assistant, AssistantError, Citation, DocumentInfo, Library,
                       Passage, UnknownCollection)
from assistant.collections import DEFAULT, RESERVED

log = logging.getLogger(__name__)
MAX_K = 50  # most passages one search returns


class ServiceUnavailable(AssistantError):
    """The assistant is not ready: still starting, or it could not start (the message says)."""


class InvalidRequest(AssistantError, ValueError):
    """A request the caller must change (the message says how)."""


class QuoteJSON(TypedDict):
    """Where a verbatim quote is: `quote` is the document's text[start:end]."""

    source: str
    title: str
    date: str | None
    page: int | None  # 1-based (PDFs)
    section: str | None  # heading path
    where: str  # for a person: "report.pdf, p. 2", "guide.md, § Hours"
    quote: str
    start: int
    end: int
    kind: str  # "comment" for a reader comment, else the publisher's text


class CitationJSON(QuoteJSON):
    """Citation [number] of an answer."""

    number: int


class PassageJSON(QuoteJSON):
    """A search result: a passage and its fused retrieval score."""

    score: float


class AnswerJSON(TypedDict):
    """A checked answer with [n] markers, or the decline ("The documents don't say.")."""

    question: str
    text: str
    abstained: bool
    citations: list[CitationJSON]
    standalone_question: str | None
    generator: str
    model: str | None


def citation_json(c: Citation) -> CitationJSON:
    return CitationJSON(number=c.number, source=c.source, title=c.title, date=c.date,
                        page=c.page, section=c.section, where=c.where, quote=c.quote,
                        start=c.start, end=c.end, kind=c.kind)


def passage_json(bot: Assistant, p: Passage) -> PassageJSON:
    """A retrieved passage with its page (PDFs) and section heading, read from its document."""
    page = section = None
    try:
        doc = bot.corpus.get(p.source)
        page, section = doc.page_at(p.start), doc.section_at(p.start)
    except KeyError:  # removed since it was retrieved: the passage is still what was found
        pass
    where = Citation(0, p.source, "", 0, 0, page=page, section=section).where  # one wording
    return PassageJSON(source=p.source, title=p.title, date=p.date, page=page, section=section,
                       where=where, quote=p.text, start=p.start, end=p.end,
                       score=round(p.score, 4), kind=p.kind)


def answer_json(a: Answer) -> AnswerJSON:
    return AnswerJSON(question=a.question, text=a.text, abstained=a.abstained,
                      citations=[citation_json(c) for c in a.citations],
                      standalone_question=a.standalone_question, generator=a.generator,
                      model=a.model)


class CollectionJSON(TypedDict):
    """A collection of documents: its name, how many files it holds, and whether it is the one
    used when a request names none."""

    name: str
    documents: int
    default: bool


class Loading:
    """`Assistant.load` in a background thread, so a server can answer (that it is starting)
    at once. `get(wait)` returns the assistant, waiting up to `wait` seconds for it."""

    def __init__(self, load: Callable[[], Assistant]):
        self._load = load
        self._done = threading.Event()
        self._assistant: Assistant | None = None
        self._error: str | None = None

    def start(self) -> "Loading":
        threading.Thread(target=self._run, name="assistant-load", daemon=True).start()
        return self

    def _run(self) -> None:
        try:
            self._assistant = self._load()
        except AssistantError as exc:
            log.error("the assistant could not start: %s", exc)
            self._error = str(exc)
        except BaseException as exc:  # said to every caller; never a silent hang
            log.error("the assistant could not start", exc_info=exc)
            self._error = (f"an unexpected {type(exc).__name__}; the details are in the "
                           f"server's log.")
        finally:
            self._done.set()

    def get(self, wait: float = 0.0) -> Assistant:
        self._done.wait(wait)
        if self._assistant is not None:
            return self._assistant
        if self._error is not None:
            raise ServiceUnavailable(f"The assistant could not start: {self._error} "
                                     f"Fix that, then restart the server.")
        raise ServiceUnavailable("The assistant is still starting (opening the index and loading "
                                 "the models). Try again in a moment.")


class Service:
    """`Service(assistant)` over a ready assistant, or `Service(get)` where `get()` returns
    the assistant or raises `ServiceUnavailable` (the chat's, while it starts). With a
    `library` (`assistant.Library`), the assistant is collection `name` of it, and
    `collection(other)` is the service of another collection (opened on first use, sharing
    the models)."""

    def __init__(self, source: Assistant | Callable[[], Assistant],
                 library: Library | None = None, name: str = DEFAULT):
        self._get = source if callable(source) else (lambda: source)
        self._lock = threading.Lock()
        self.library, self.name = library, name
        self._others: dict[str, Service] = {}

    @classmethod
    def load(cls, wait: float = 300.0, collection: str | None = None, **settings: Any
             ) -> "Service":
        """Start loading the assistant over `collection` (default: "default", the settings'
        corpus and index) in the background; each request waits up to `wait` seconds for it
        before it is told the assistant is starting. Every collection is served: the others
        open on their first request. An unknown `collection` is an error here, at once."""
        library = Library(**settings)
        name = collection or DEFAULT
        library.where(name)
        loading = Loading(lambda: library.open(name)).start()
        return cls(lambda: loading.get(wait), library=library, name=name)

    def assistant(self) -> Assistant:
        return self._get()

    def model_id(self) -> str:
        """"assistant-<backend>": what the OpenAI-compatible API calls this model."""
        return f"assistant-{self.assistant().info()['generator']}"

    # ------------------------------------------------------------ collections

    def collection(self, name: str | None) -> "Service":
        """The service of collection `name` (None: this one). `UnknownCollection` naming the
        collections there are otherwise."""
        if name is not None:
            require_text(name, "The collection")
        if name is None or name == self.name:
            return self
        if self.library is None:
            raise UnknownCollection(f"There is no collection named {name!r}. The collections "
                                    f"are: {self.name}")
        with self._lock:
            if name not in self._others:
                self.library.where(name)  # UnknownCollection, naming those there are
                library = self.library
                self._others[name] = Service(lambda: library.open(name), library, name)
            return self._others[name]

    def collections(self) -> list[CollectionJSON]:
        """Every collection; `default` marks the one used when a request names none."""
        if self.library is None:
            return [CollectionJSON(name=self.name, documents=len(self.assistant().documents),
                                   default=True)]
        return [CollectionJSON(name=c.name, documents=c.documents, default=c.name == self.name)
                for c in self.library.list()]

    def models(self) -> list[str]:
        """The OpenAI-compatible API's models: this service's collection as
        "assistant-<backend>", then every other collection by its name."""
        return [self.model_id(), *(n for n in self._names() if n != self.name)]

    def _names(self) -> list[str]:
        """The collections' names (without counting their documents)."""
        return self.library.names() if self.library is not None else [self.name]

    def for_model(self, model: str | None) -> tuple["Service", str]:
        """The service a request's `model` names, and the model's id for the reply: the
        default's names ("assistant", "assistant-<backend>", or none) mean this service."""
        if model is not None:
            require_text(model, "The model")
        if model is None or model.lower() in RESERVED - {DEFAULT} or model == self.name:
            return self, self.model_id()
        if model not in self._names():
            raise UnknownCollection(f"There is no model {model!r}. The models are: "
                                    f"{', '.join(self.models())} (one per collection).")
        return self.collection(model), model

    def search(self, query: str, k: int = 5, documents: Sequence[str] | None = None
               ) -> list[PassageJSON]:
        """The `k` best passages for `query` (hybrid dense + BM25), each with where it is;
        of the named `documents` only, when given."""
        if not isinstance(k, int) or isinstance(k, bool) or not 1 <= k <= MAX_K:
            raise InvalidRequest(f"k must be a whole number from 1 to {MAX_K}. "
                                 f"Currently, k is {k!r}")
        require_text(query, "The query")
        bot = self.assistant()
        with self._lock:
            return [passage_json(bot, p) for p in bot.retrieve(query, k=k, documents=documents)]

    def list_documents(self) -> list[DocumentInfo]:
        bot = self.assistant()
        with self._lock:
            return bot.list_documents()

    def ask(self, question: str, history: Sequence[tuple[str, str]] = (),
            documents: Sequence[str] | None = None) -> Answer:
        answer = None
        for item in self.ask_stream(question, history, documents):
            if isinstance(item, Answer):
                answer = item
        assert answer is not None  # ask_stream raises, or ends with the Answer
        return answer

    def ask_stream(self, question: str, history: Sequence[tuple[str, str]] = (),
                   documents: Sequence[str] | None = None) -> Iterator[str | Answer]:
        """The checked answer's text, each sentence as soon as it is checked, then the Answer
        (the draft the check may change is not sent: streamed and non-streamed replies say the
        same). `history`: earlier
        (question, answer text) turns, oldest first; a follow-up is rewritten from them.
        `documents`: the names of the documents to answer from (None: all of them).
        A bad question or an assistant not ready raises here, before anything is produced."""
        require_text(question, "The question")
        for turn in history:
            for text in turn:
                require_text(text, "An earlier message")
        for name in documents or ():
            require_text(name, "A document name")
        bot = self.assistant()
        q = bot.validate(question)
        bot.scope(documents)
        items: queue.Queue = queue.Queue()

        def produce() -> None:
            try:  # side by side: the assistant finds evidence one question at a time, and
                # the local model decodes its slots together
                standalone = bot.condense(list(history), q) if history else None
                for item in bot.ask_stream(q, standalone=standalone, documents=documents,
                                           checked=True):
                    items.put(item)
            except BaseException as exc:
                items.put(_Failed(exc))
            finally:
                items.put(_END)
        threading.Thread(target=produce, name="answer", daemon=True).start()
        return _drain(items)


def require_text(value: object, what: str) -> None:
    """`InvalidRequest` unless `value` is text that can be written as UTF-8: JSON may carry
    half of a surrogate pair ("\\ud800"), which no tokenizer takes (it was a TypeError, 500)."""
    if not isinstance(value, str):
        raise InvalidRequest(f"{what} must be text. Currently, it is {type(value).__name__}.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InvalidRequest(f"{what} holds {value[exc.start]!a} at character {exc.start}, "
                             f"half of a UTF-16 surrogate pair, which is not text; send "
                             f"the whole character.") from None


@dataclass(frozen=True)
class _Failed:
    error: BaseException


_END = object()


def _drain(items: queue.Queue) -> Iterator[str | Answer]:
    while (item := items.get()) is not _END:
        if isinstance(item, _Failed):
            raise item.error
        yield item
