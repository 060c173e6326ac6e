"""The Gradio chat: `python app.py [--host H] [--port P] [--generator NAME]`.

`build_app(assistant)` returns the Blocks (tests need no launch); `launch` serves them with the
page's CSS and theme, a login when `ASSISTANT_AUTH` is set and an upload limit. `main` serves
the page at once and loads the assistant in the background (`build_app(Startup(load, ...))`):
meanwhile the header says what it is doing, questions and document changes are answered with
that, and the page updates itself when the assistant is ready; if it cannot start, the page
shows why. The UI uses only the public `assistant` API. Answers stream in; when the verified
answer arrives it replaces the stream with clickable [n] citations, unsupported sentences
struck through, and a sources panel that shows each quote highlighted in its surrounding
text, with where it is (file, page or section). A PDF citation offers its page,
rendered on the server with the quoted lines highlighted and sent as a data: image. Each browser
tab has its own conversation. The Documents tab adds files (several at once, with progress),
lists the corpus, removes a document and reloads the index. The same server answers the
OpenAI-compatible API at /v1 over the same assistant (`assistant.serve`), behind the same login.

The parts are in `ui/`: the HTML (`render.py`), the Chat tab's handlers (`chat.py`), the
Documents tab's handlers and the page view (`documents.py`), the CSS and scripts (`assets.py`),
the assistant while it loads (`startup.py`), the collection chooser (`collections.py`): `main`
serves every collection of the `Library`, sharing the models, each tab answering from the one
it chose.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from contextlib import asynccontextmanager
from functools import partial
from typing import Callable, Sequence

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # no calls home, before the import

import gradio as gr  # noqa: E402
from starlette.middleware import Middleware  # noqa: E402

from assistant import (Assistant, AssistantError, Config, ConfigError,  # noqa: E402,F401
                       Library, SyncProgress, supported_suffixes)
from assistant.collections import DEFAULT  # noqa: E402
from assistant.serve import Service, ServiceUnavailable  # noqa: E402
from assistant.serve.auth import exposure_warning, load_auth  # noqa: E402,F401
from assistant.serve.hosts import HostGuard, server_names  # noqa: E402
from assistant.serve.openai_api import openai_routes  # noqa: E402
from ui.assets import CSS, HEAD, SOURCES_JS  # noqa: E402
from ui.chat import EXAMPLES, concurrency, examples_for, make_handlers  # noqa: E402
from ui.collections import (EMBEDDER_CHOICES, default_embedder,  # noqa: E402
                            make_collection_handlers)
from ui.documents import (DOCUMENTS_QUEUE, DocumentHandlers, make_document_handlers,  # noqa: E402
                          waiting_listing)
from ui.render import render_documents, render_sources  # noqa: E402
from ui.startup import Startup  # noqa: E402

STARTING_POLL_SECONDS = 1.0  # how often a page asks whether the assistant has started


def build_app(bot: Assistant | Startup, examples: list[str] | None = None) -> gr.Blocks:
    """The page over a ready assistant, or over one still starting (a `Startup`): then it
    polls until the assistant is ready, and shows it. `demo.startup` is what it serves.
    `examples`: the example question buttons (None: the bundled corpus's; [] for none)."""
    startup = Startup.of(bot)
    docs = make_document_handlers(startup)
    with gr.Blocks(title="Ask the documents", fill_height=True) as demo:
        header = gr.HTML(startup.header(), elem_id="header")
        collection = _collections(startup)
        # the handlers read the chooser only where there is a choice: a page over one
        # assistant sends what it always sent
        chosen = [collection] if startup.library is not None else []
        with gr.Tabs(elem_id="tabs"):
            with gr.Tab("Chat", id="chat-tab", elem_id="chat-tab"):
                chat = _chat_tab(startup, EXAMPLES if examples is None else examples,
                                 docs.page_view, chosen)
            with gr.Tab("Documents", id="documents-tab", elem_id="documents-tab"):
                shown = _documents_tab(startup, docs, header, chosen)
        _follow_startup(demo, startup, docs.show, shown, chosen)
        # another collection: its own conversation, documents and header; no model reloads
        collection.change(lambda: chat["clear"](), None, chat["outputs"], api_visibility="private",
                          queue=False)
        collection.change(docs.show, collection, shown, api_visibility="private")
        collection.change(lambda c: gr.Dropdown(choices=_document_names(startup, c), value=[]),
                          collection, chat["scope"], api_visibility="private", queue=False)
    demo.startup = startup
    return demo


def _follow_startup(demo: gr.Blocks, startup: Startup, show: Callable, shown: list,
                    chosen: list) -> None:
    """Show the header and documents when the page opens and, while the assistant starts,
    every STARTING_POLL_SECONDS until it is ready (or has failed)."""
    timer = gr.Timer(STARTING_POLL_SECONDS, active=not startup.settled)

    def follow(chosen=None):
        settled = startup.settled  # before showing: a last tick shows what it settled to
        return *show(chosen), gr.Timer(active=not settled)
    demo.load(follow, chosen, [*shown, timer], api_visibility="private")
    timer.tick(follow, chosen, [*shown, timer], api_visibility="private")


def _collections(startup: Startup):
    """The collection chooser (shown when the app serves a `Library`) and, folded away,
    creating (with the embedder for its documents' language), renaming and deleting
    collections. Returns the chooser."""
    choices, create, rename, delete = make_collection_handlers(startup)
    several = startup.library is not None
    with gr.Row(equal_height=True, visible=several):
        collection = gr.Dropdown(choices=startup.names(), value=DEFAULT, label="Collection",
                                 elem_id="collection", scale=2)
        with gr.Accordion("Manage collections", open=False, elem_id="manage-collections"):
            with gr.Row(equal_height=True):
                name = gr.Textbox(show_label=False, placeholder="name", container=False,
                                  elem_id="collection-name", scale=2)
                make = gr.Button("Create", size="sm", elem_id="create-collection")
                move = gr.Button("Rename chosen", size="sm", elem_id="rename-collection")
            embedder = gr.Radio(EMBEDDER_CHOICES, value=default_embedder(startup),
                                label="A new collection's documents are in",
                                elem_id="collection-embedder")
            with gr.Row(equal_height=True):
                sure = gr.Checkbox(label="Delete its documents and its index", value=False,
                                   elem_id="delete-sure")
                drop = gr.Button("Delete chosen", size="sm", variant="stop",
                                 elem_id="delete-collection")
            status = gr.HTML("", elem_id="collection-status")
    private = dict(api_visibility="private", queue=False)
    collection.focus(choices, collection, collection, **private)
    make.click(create, [name, collection, embedder], [status, collection], **private)
    move.click(rename, [name, collection], [status, collection], **private)
    drop.click(delete, [collection, sure], [status, collection], **private)
    return collection


def _chat_tab(startup: Startup, examples: list[str], page_view: Callable, chosen: list) -> dict:
    """The Chat tab; `chosen`: the collection chooser, if there is a choice. Returns what
    changing the collection updates: its "clear" handler, the "outputs" it clears and the
    "scope" chooser."""
    respond, clear, pick_example, ask_api = make_handlers(startup)
    state = gr.State(None)
    with gr.Row(equal_height=False):
        with gr.Column(scale=3):
            chatbot = gr.Chatbot(
                elem_id="chat", height=560, label="Conversation", show_label=False,
                examples=[{"text": q} for q in examples] or None,
                placeholder="<b>Ask about the documents.</b><br>Every answer cites the passages it comes from.",
                sanitize_html=True, render_markdown=False, latex_delimiters=[],
                group_consecutive_messages=False)
            scope = gr.Dropdown(choices=_document_names(startup), value=[], multiselect=True,
                                label="Ask only about (none chosen: all the documents)",
                                elem_id="scope")
            with gr.Row():
                box = gr.Textbox(placeholder="Ask a question about the documents…",
                                 show_label=False, scale=6, container=False,
                                 elem_id="question", autofocus=True)
                send = gr.Button("Ask", variant="primary", scale=1, min_width=90, elem_id="ask")
                new = gr.Button("Start over", scale=1, min_width=130, elem_id="clear")
        with gr.Column(scale=2):
            gr.Markdown("#### Sources")
            sources = gr.HTML(render_sources([]), elem_id="sources", js_on_load=SOURCES_JS,
                              server_functions=[page_view])
    outputs = [chatbot, box, sources, state]
    queue = concurrency(startup.generator, startup.slots)
    common = dict(**queue, api_visibility="private")
    asked = [box, chatbot, state, scope, *chosen]
    box.submit(respond, asked, outputs, **common)
    send.click(respond, asked, outputs, **common)
    chatbot.example_select(pick_example, None, box, api_visibility="private").then(
        respond, asked, outputs, **common)
    # the documents change (uploads, removals, other processes): offered afresh when opened
    scope.focus(lambda picked, c=None: gr.Dropdown(choices=_document_names(startup, c),
                                                   value=picked),
                [scope, *chosen], scope, api_visibility="private", queue=False)
    new.click(clear, None, outputs, api_visibility="private")
    gr.api(ask_api, api_name="ask", **queue)

    def status() -> dict:
        """Whether the assistant is ready: {"ready", "starting": what it is doing, "error"}."""
        return startup.status()
    gr.api(status, api_name="status", queue=False)
    return {"clear": clear, "outputs": outputs, "scope": scope}


def _document_names(startup: Startup, collection: str | None = None) -> list[str]:
    """The names a question can be limited to: the chosen collection's documents, once
    started."""
    try:
        bot = startup.assistant_for(collection)
    except AssistantError:  # deleted since it was chosen: the chat says so when asked
        return []
    return [d.source for d in bot.documents] if bot is not None else []


def _documents_tab(startup: Startup, docs: DocumentHandlers, header, chosen: list) -> list:
    """Upload, the outcome of each file, the document list, remove and reload. Returns the
    components that `docs.show` updates (header, list, remove dropdown)."""
    suffixes = sorted(supported_suffixes())
    documents = startup.assistant.list_documents() if startup.assistant else []
    with gr.Row(equal_height=False):
        with gr.Column(scale=2, min_width=320):
            gr.Markdown("#### Add documents")
            files = gr.File(file_count="multiple", file_types=suffixes, elem_id="upload",
                            label=", ".join(suffixes), height=150)
            add = gr.Button("Add to the corpus", variant="primary", elem_id="add-docs")
            status = gr.HTML("<p class='empty'>Choose several files at once: each is copied into "
                             "the corpus folder and indexed, and its outcome shown here.</p>",
                             elem_id="doc-status")
        with gr.Column(scale=4):
            with gr.Row(equal_height=True):
                gr.Markdown("#### In the corpus")
                reload = gr.Button("Reload", size="sm", scale=0, min_width=90, elem_id="reload-docs")
            gr.Markdown("To remove a document, choose it and click Remove: its file is moved "
                        "into the corpus folder's `.removed/`, not deleted.", elem_classes=["hint"])
            with gr.Row(equal_height=True):
                name = gr.Dropdown(choices=[d.name for d in documents], value=None, scale=3,
                                   show_label=False, container=False, elem_id="remove-name")
                remove = gr.Button("Remove", variant="stop", scale=1, elem_id="remove-doc")
            listing = gr.HTML(render_documents(documents) if startup.assistant
                              else waiting_listing(startup), elem_id="doc-list")
    one_change = dict(concurrency_limit=1, concurrency_id=DOCUMENTS_QUEUE, api_visibility="private")
    add.click(docs.add, [files, *chosen], [status, header, listing, name, files], **one_change)
    remove.click(docs.remove, [name, *chosen], [status, header, listing, name], **one_change)
    reload.click(docs.reload, chosen, [status, header, listing, name], api_visibility="private")
    return [header, listing, name]



# System fonts only: the default themes load web fonts from the internet.
THEME = gr.themes.Soft(font=["system-ui", "Segoe UI", "Helvetica", "Arial", "sans-serif"],
                       font_mono=["ui-monospace", "Menlo", "Consolas", "monospace"])


def launch(demo: gr.Blocks, host: str, port: int, *, auth: list[tuple[str, str]] | None = None,
           max_upload_mb: float = 50.0, allowed_hosts: Sequence[str] = (), **kwargs):
    """Serve the app, with the OpenAI-compatible API at /v1 over the same assistant. `auth`
    (user, password) pairs put a login in front of the page and the APIs (the /v1 routes
    take it as `Bearer user:password`); uploads over `max_upload_mb` are refused (Gradio
    accepts uploads on any app). Only requests naming this server (Host and Origin) are
    answered: the loopback names, `host`, and `allowed_hosts` (`assistant.serve.hosts`)."""
    demo.queue(default_concurrency_limit=4)
    names = server_names(host, allowed_hosts)
    app_kwargs = dict(kwargs.pop("app_kwargs", None) or {})
    app_kwargs["routes"] = [openai_routes(chat_service(demo.startup), auth),
                            *app_kwargs.get("routes", [])]  # before Gradio's own routes
    app_kwargs["lifespan"] = _guard_first(names, app_kwargs.get("lifespan"))
    app_kwargs["middleware"] = [Middleware(HostGuard, names=names),  # if the lifespan never ran
                                *app_kwargs.get("middleware", [])]
    # an upload named ".notes.txt" reaches the Documents tab, which says why it is not added
    # (Gradio refuses dotfiles of its upload folder when the working directory holds it)
    uploads = [gr.utils.get_upload_folder(), *kwargs.pop("allowed_paths", [])]
    return demo.launch(server_name=host, server_port=port, css=CSS, head=HEAD, theme=THEME,
                       footer_links=[], auth=auth or None, app_kwargs=app_kwargs,
                       max_file_size=max(1, int(max_upload_mb * 2**20)), allowed_paths=uploads,
                       **kwargs)


def _guard_first(names, lifespan=None):
    """A lifespan that, as the server starts, puts `HostGuard` in front of everything the app
    does. Middleware given to Gradio runs inside the CORS middleware Gradio adds, which would
    give a foreign Origin its CORS header even on a refusal; this is the one moment between
    Gradio building its app and the first request."""
    @asynccontextmanager
    async def guarded(app):
        app.middleware_stack = HostGuard(app.middleware_stack or app.build_middleware_stack(),
                                         names)
        if lifespan is None:
            yield
        else:
            async with lifespan(app) as state:
                yield state
    return guarded


def chat_service(startup: Startup) -> Service:
    """The service layer over the page's assistant: while it starts (or if it could not),
    requests are told what the page says."""
    def current() -> Assistant:
        if startup.error:
            raise ServiceUnavailable(f"The assistant could not start: {startup.error}")
        if startup.assistant is None:
            raise ServiceUnavailable(f"The assistant is still starting ({startup.stage}). "
                                     f"Try again in a moment.")
        return startup.assistant
    return Service(current, library=startup.library)


def main(argv: list[str] | None = None) -> int:
    """Serve the page at once and load the assistant meanwhile. Bad arguments or settings
    (the login, the backend's name) stop here with exit status 2; a failure while loading
    (a missing model, a damaged index) is logged and shown on the page, which stays served."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--host", default=os.environ.get("ASSISTANT_HOST", "127.0.0.1"))
    ap.add_argument("--port", type=int, default=int(os.environ.get("ASSISTANT_PORT", "7860")))
    ap.add_argument("-g", "--generator", default=None, help="local (default), extractive, ollama, openai")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("assistant.readers.ocr").setLevel(logging.INFO)  # which scan page is read
    try:
        config = Config.load(generator=args.generator)
        auth = load_auth(config.auth)
    except (AssistantError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    warning = exposure_warning(args.host, auth)
    if warning:
        print(warning, file=sys.stderr)
    if server_names(args.host, config.allowed_hosts) is None:
        print(f"note: serving on {args.host}, the chat answers to any host name; set "
              f"ASSISTANT_ALLOWED_HOSTS to the names it is reached under, so that no web page "
              f"elsewhere can reach it (DNS rebinding).", file=sys.stderr)
    library = Library(generator=args.generator)  # every collection, sharing the models
    startup = Startup(partial(_load, library), config.generator, config.slots, library).start()
    launch(build_app(startup, examples_for(config.corpus)), args.host, args.port, auth=auth,
           max_upload_mb=config.max_upload_mb, allowed_hosts=config.allowed_hosts)
    return 0


def _load(library: Library, progress: Callable[[SyncProgress], None]) -> Assistant:
    """Load the default collection's assistant (in the background) and say on stderr what it
    loaded; the other collections open when a page chooses them, sharing its models."""
    bot = library.open(DEFAULT, progress=progress)
    info = bot.info()
    print(f"{info['documents']} documents from {info['corpus']}, index {info['index']} "
          f"({'; '.join(bot.sync_report.describe())}); answering with {info['generator']}"
          f"{' / ' + info['model'] if info['model'] else ''}", file=sys.stderr)
    for skipped in info["skipped"]:
        print(f"  skipped {skipped}", file=sys.stderr)
    return bot


if __name__ == "__main__":
    sys.exit(main())
