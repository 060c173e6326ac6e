"""The assistant while it loads: `Startup` runs the load in a background thread, so the page
can be served at once, and says what it is doing meanwhile; then it holds the ready assistant,
or the message of why it could not start (a missing model, a damaged index), which the page
keeps showing. The handlers ask it for the assistant, and answer with `not_ready()` until
there is one."""

from __future__ import annotations

import logging
import threading
from typing import Callable

from assistant import Assistant, AssistantError, Library, SyncProgress
from assistant.collections import DEFAULT

from .render import render_header, render_starting

log = logging.getLogger(__name__)

Loader = Callable[[Callable[[SyncProgress], None]], Assistant]  # load(progress) -> Assistant
OPENING = "reading the documents, opening the index and loading the models"


class Startup:
    """`Startup(load, generator, slots).start()` calls `load(progress)` in a thread.
    `generator` is the backend's name and `slots` how many questions it answers at once,
    known before it loads (they decide how questions queue)."""

    def __init__(self, load: Loader | None, generator: str, slots: int = 1,
                 library: Library | None = None):
        self.library = library  # the collections a page can choose (None: only the one loaded)
        self.generator = generator
        self.slots = slots
        self.assistant: Assistant | None = None
        self.error: str | None = None  # why it could not start, for a person
        self.stage = OPENING
        self._load = load
        self._settled = threading.Event()

    @classmethod
    def of(cls, bot: "Assistant | Startup") -> "Startup":
        """`bot` itself if it is a Startup; else a ready assistant, as one that has started."""
        if isinstance(bot, Startup):
            return bot
        started = cls(None, bot.info()["generator"], getattr(bot.config, "slots", 1))
        started.assistant = bot
        started._settled.set()
        return started

    def start(self) -> "Startup":
        threading.Thread(target=self._run, name="startup", daemon=True).start()
        return self

    def _run(self) -> None:
        try:
            self.assistant = self._load(self._progress)
        except BaseException as exc:  # shown on the page, which stays served
            self.error = startup_failure(exc)
        finally:
            self._settled.set()

    def _progress(self, p: SyncProgress) -> None:
        if p.reading:
            self.stage = f"reading the documents: {p.reading}"
        elif p.files_done < p.files_total:
            self.stage = (f"indexing the documents: {p.files_done} of {p.files_total} files, "
                          f"{p.chunks_done:,} of {p.chunks_total:,} chunks")
        elif self.generator == "local":
            self.stage = "checking the index, then loading the language model"
        else:
            self.stage = "checking the index"

    @property
    def settled(self) -> bool:
        """Ready, or failed: either way, nothing more will change."""
        return self._settled.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until settled (or `timeout` seconds); True if it has."""
        return self._settled.wait(timeout)

    def not_ready(self) -> str:
        """What a person asking now is told (only meaningful while there is no assistant)."""
        if self.error:
            return f"The assistant could not start: {self.error} Fix that, then restart the app."
        return (f"The assistant is still starting ({self.stage}). Try again in a moment: "
                f"this page updates itself when it is ready.")

    def status(self) -> dict:
        """{"ready", "starting": what it is doing, or None, "error": why it failed, or None}."""
        ready = self.assistant is not None
        return {"ready": ready, "starting": None if self.settled else self.stage,
                "error": self.error}

    def header(self, collection: str | None = None) -> str:
        """The page's header: what the assistant (of `collection`) holds, or that it is
        starting, or failed."""
        if self.assistant is not None:
            try:
                bot = self.assistant_for(collection)
            except AssistantError:  # deleted meanwhile: the page says so where it is used
                bot = self.assistant
            return render_header(bot, named(collection))
        return render_starting(self.stage, self.error)

    # ------------------------------------------------------------ collections

    def names(self) -> list[str]:
        """The collections a page can choose: "default" first."""
        return self.library.names() if self.library is not None else [DEFAULT]

    def assistant_for(self, collection: str | None) -> Assistant | None:
        """The assistant over `collection` (None or "default": the one loaded) once started:
        a named one opens on first use, sharing the loaded one's models (no reload).
        `UnknownCollection` if there is none."""
        bot = self.assistant
        if bot is None or named(collection) is None or self.library is None:
            return bot
        return self.library.open(collection)


def named(collection: str | None) -> str | None:
    """A named collection, or None for the default."""
    return collection if collection and collection != DEFAULT else None


def startup_failure(exc: BaseException) -> str:
    """Why the assistant could not start, for a person, and logged. The assistant's errors
    (and the system's: a path that cannot be read) say what to do; anything else is named by
    type only, its traceback in the log."""
    if isinstance(exc, (AssistantError, OSError)):
        log.error("the assistant could not start: %s", exc)
        return _sentence(str(exc))
    log.error("the assistant could not start", exc_info=exc)
    return f"an unexpected {type(exc).__name__}; the details are in the server's log."


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."
