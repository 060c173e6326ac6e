"""The Documents tab's handlers (add files with progress, remove, reload, list) and the page
view the sources panel asks for when a PDF citation's page is shown. While the assistant
starts, each says so and changes nothing."""

from __future__ import annotations

import base64
import logging
import threading
from pathlib import Path
from typing import Callable, Iterator, NamedTuple

import gradio as gr

from assistant import Assistant, AssistantError, cited_page

from .render import render_documents, render_notice, render_outcomes, render_progress
from .startup import Startup

log = logging.getLogger(__name__)

DOC_FAILED = ("Something went wrong while {doing} ({kind}); the details are in the server's log. "
              "Nothing else was changed by this failure; try again.")
DOCUMENTS_QUEUE = "documents"  # one change to the corpus at a time
POLL_SECONDS = 0.25  # how often the Documents tab reports the progress of an upload
GONE = "That document is no longer in the corpus."
NO_PAGE = "That page is not in the document."
UNRENDERED = ("The page could not be rendered; the quote is highlighted in its page's text "
              "above.")
NOT_FOUND = ("The quoted lines could not be found on the page image; the quote is highlighted "
             "in the page's text above.")


class DocumentHandlers(NamedTuple):
    """The Documents tab's handlers. `add`, `remove` and `reload` return (or yield) updates
    for the status, the header, the document list and the remove dropdown, in that order (`add`
    also clears the file picker); `show` the last three; `page_view` serves PDF pages."""

    add: Callable
    remove: Callable
    reload: Callable
    show: Callable
    page_view: Callable


def make_document_handlers(bot: Assistant | Startup) -> DocumentHandlers:
    startup = Startup.of(bot)

    def chosen(collection: str | None):
        """The assistant of the chosen collection (None while starting); `AssistantError` if
        the collection is gone."""
        return startup.assistant_for(collection)

    def listing(docs=None, collection: str | None = None):
        try:
            bot = chosen(collection)
        except AssistantError as exc:  # deleted since it was chosen
            return startup.header(), render_notice(str(exc), error=True), gr.Dropdown(
                choices=[], value=None)
        if bot is None:
            return startup.header(), waiting_listing(startup), gr.Dropdown(choices=[], value=None)
        try:
            docs = bot.list_documents() if docs is None else docs
        except Exception:  # the status says what failed; keep what the page shows
            log.exception("listing the documents failed")
            return gr.skip(), gr.skip(), gr.skip()
        return (startup.header(collection), render_documents(docs),
                gr.Dropdown(choices=[d.name for d in docs], value=None))

    def not_ready() -> str:
        return render_notice(startup.not_ready(), error=startup.error is not None)

    def add(files, collection: str | None = None):
        paths = [f if isinstance(f, str) else getattr(f, "name", str(f)) for f in files or []]
        if not paths:
            yield render_notice("Choose one or more files to add first."), *[gr.skip()] * 4
            return
        try:
            bot = chosen(collection)
        except AssistantError as exc:
            yield render_notice(str(exc), error=True), *[gr.skip()] * 4
            return
        if bot is None:
            yield not_ready(), *[gr.skip()] * 4
            return
        try:
            for progress, done in in_background(lambda report: bot.add(paths, progress=report)):
                if done is None:
                    yield render_progress(progress, len(paths)), *[gr.skip()] * 4
        except Exception as exc:
            yield (render_notice(document_failure(exc, "adding the files"), error=True),
                   *listing(None, collection), None)
            return
        outcomes, _report = done
        yield render_outcomes(outcomes), *listing(None, collection), None

    def remove(name, collection: str | None = None):
        if not name:
            return render_notice("Choose the document to remove first."), *listing(None, collection)
        try:
            bot = chosen(collection)
        except AssistantError as exc:
            return render_notice(str(exc), error=True), *listing(None, collection)
        if bot is None:
            return not_ready(), *listing()
        try:
            where, _report = bot.remove(name)
        except Exception as exc:
            return (render_notice(document_failure(exc, f"removing {name}"), error=True),
                    *listing(None, collection))
        kept = _inside(where, bot.config.corpus)
        return (render_notice(f"Removed {name} from the index; the file was moved to {kept}."),
                *listing(None, collection))

    def reload(collection: str | None = None):
        try:
            bot = chosen(collection)
        except AssistantError as exc:
            return render_notice(str(exc), error=True), *listing(None, collection)
        if bot is None:
            return not_ready(), *listing()
        try:
            changed = bot.refresh()
            docs = bot.list_documents()
        except Exception as exc:
            return (render_notice(document_failure(exc, "reloading the index"), error=True),
                    *listing(None, collection))
        said = "the index had changed: reloaded" if changed else "the index is unchanged"
        n = len(docs)
        return (render_notice(f"Reloaded: {said} ({n} document{'s' * (n != 1)})."),
                *listing(docs, collection))

    def show(collection: str | None = None):
        return listing(None, collection)

    def view(request):
        if startup.assistant is None:
            return {"message": startup.not_ready()}
        try:  # the page of a named collection's citation names it (ui.render._page_button)
            bot = chosen(request.get("collection") if isinstance(request, dict) else None)
        except AssistantError:
            return {"message": GONE}
        return page_view(bot, request)
    view.__name__ = "page_view"  # the name the browser calls it by

    return DocumentHandlers(add, remove, reload, show, view)


def waiting_listing(startup: Startup) -> str:
    """In place of the document list while the assistant starts, or after it failed."""
    if startup.error:
        return render_notice("No documents: the assistant could not start (see above).", error=True)
    return render_notice("The documents are listed here once the assistant has started.")


def in_background(work: Callable) -> Iterator[tuple[object, object]]:
    """Run `work(report)` in a thread, where `report` collects progress values (the store
    calls it from its writer thread). Yields (latest progress or None, None) every
    POLL_SECONDS while it runs, then (latest, its result); re-raises what it raised."""
    seen: list = []
    result: dict = {}
    finished = threading.Event()

    def run():
        try:
            result["value"] = work(seen.append)
        except BaseException as exc:  # re-raised in the caller's thread
            result["error"] = exc
        finally:
            finished.set()
    threading.Thread(target=run, name="documents", daemon=True).start()
    while not finished.wait(POLL_SECONDS):
        yield (seen[-1] if seen else None), None
    if "error" in result:
        raise result["error"]
    yield (seen[-1] if seen else None), result["value"]


def document_failure(exc: BaseException, doing: str) -> str:
    """What a person is told when changing the corpus failed: the assistant's own errors say
    what to do; anything else is named by type only, and logged with its traceback."""
    if isinstance(exc, AssistantError):
        return str(exc)
    log.error("%s failed", doing, exc_info=exc)
    return DOC_FAILED.format(doing=doing, kind=type(exc).__name__)


def _inside(path: Path, corpus: Path) -> str:
    try:
        return f"{path.relative_to(corpus).as_posix()} in the corpus folder"
    except ValueError:
        return path.name


def page_view(bot: Assistant, request) -> dict:
    """The page a PDF citation points at, for the sources panel: {"src": a data: PNG URI with
    the quoted lines highlighted, "top": where the first highlight is (0-1), "alt",
    "message": a note for the reader}, or {"message"} alone when it cannot be shown. `request`
    comes from the browser: the library checks it against the corpus, never trusting it."""
    try:
        source, page, start, end = (request["source"], int(request["page"]),
                                    int(request["start"]), int(request["end"]))
    except (KeyError, TypeError, ValueError):  # not a request a page of ours sends
        return {"message": GONE}
    try:
        image = cited_page(bot.corpus, source, page, start, end)
    except KeyError:  # not (or no longer) in the corpus
        return {"message": GONE}
    except ValueError:  # not a PDF, no such page, offsets outside its text
        return {"message": NO_PAGE}
    except Exception:
        log.exception("rendering page %d of %r failed", page, source)
        return {"message": UNRENDERED}
    shown = {"src": "data:image/png;base64," + base64.b64encode(image.png).decode("ascii"),
             "top": image.top or 0.0, "alt": f"Page {page} of {source}"}
    if not image.found:
        shown["message"] = NOT_FOUND
    return shown
