"""The page's collection chooser and its management (create, with its embedder; rename;
delete) over the `Library` the app serves; every tab answers from, lists and changes the
chosen collection. Choosing another collection loads no model: it opens that collection's
index only, once (a collection with the other embedder loads that embedder once, on its first
open, shared by every collection that uses it)."""

from __future__ import annotations

import gradio as gr

from assistant import AssistantError
from assistant.collections import DEFAULT
from assistant.config import EMBEDDERS

from .render import render_notice
from .startup import Startup

ONE = "This page serves one collection; start it with `python app.py` to choose among several."
# the embedder a new collection can have, as the page offers it: (label, value)
EMBEDDER_CHOICES = [("English (minilm)", "minilm"),
                    ("Other languages or mixed (multilingual)", "multilingual")]
assert [value for _, value in EMBEDDER_CHOICES] == list(EMBEDDERS)


def default_embedder(startup: Startup) -> str:
    """The embedder the page offers first for a new collection: the `embedder` setting."""
    return startup.library.config.embedder if startup.library is not None else EMBEDDERS[0]


def make_collection_handlers(startup: Startup):
    """(choices, create, rename, delete): each returns (status HTML, the chooser's update)."""

    def chooser(value: str | None = None):
        names = startup.names()
        return gr.Dropdown(choices=names, value=value if value in names else DEFAULT)

    def choices(current: str | None):
        """The collections as they are now (another process may have made one)."""
        return chooser(current)

    def create(name: str, current: str | None, embedder: str | None = None):
        """A new collection named `name`, its documents embedded by `embedder` ("minilm" or
        "multilingual"; None: the `embedder` setting's); the chooser then shows it."""
        if startup.library is None:
            return render_notice(ONE, error=True), chooser(current)
        try:
            info = startup.library.create((name or "").strip(), embedder=embedder or None)
        except AssistantError as exc:
            return render_notice(str(exc), error=True), chooser(current)
        return (render_notice(f"Created collection {info.name} ({info.embedder} embedder): add "
                              f"documents to it in the Documents tab."), chooser(info.name))

    def rename(name: str, current: str | None):
        if startup.library is None:
            return render_notice(ONE, error=True), chooser(current)
        try:
            info = startup.library.rename(current or DEFAULT, (name or "").strip())
        except AssistantError as exc:
            return render_notice(str(exc), error=True), chooser(current)
        return render_notice(f"Renamed collection {current} to {info.name}."), chooser(info.name)

    def delete(current: str | None, confirmed: bool):
        if startup.library is None:
            return render_notice(ONE, error=True), chooser(current)
        try:
            said = startup.library.removes(current or DEFAULT)
            if not confirmed:
                return (render_notice("Deleting it would remove " + "; ".join(said) + ". Tick "
                                      "the box to confirm, then click Delete again."),
                        chooser(current))
            startup.library.delete(current)
        except AssistantError as exc:
            return render_notice(str(exc), error=True), chooser(current)
        return render_notice("Deleted: " + "; ".join(said) + "."), chooser(DEFAULT)

    return choices, create, rename, delete
