"""The Gradio chat: `python app.py [--host H] [--port P] [--generator NAME]`.

`build_app(assistant)` returns the Blocks (tests need no launch). The UI uses only the public
`assistant` API. Answers stream in; when the verified answer arrives it replaces the stream with
clickable [n] citations, unsupported sentences struck through, and a sources panel that shows
each quote highlighted in its surrounding text, with where it is (file, page or section). A PDF
citation offers its page, rendered on the server with the quoted lines highlighted and sent as a
data: image. Each browser tab has its own conversation. The Documents tab adds files (several
at once, with progress), lists the corpus, removes a document and reloads the index.
"""

from __future__ import annotations

import argparse
import base64
import functools
import html
import io
import ipaddress
import json
import logging
import os
import re
import sys
import threading
import unicodedata
from importlib import import_module
from pathlib import Path
from typing import Callable, Iterator, NamedTuple

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # no calls home, before the import

import gradio as gr  # noqa: E402

from assistant import Answer, Assistant, AssistantError, Citation, ConfigError, InvalidQuestion
from assistant.readers import supported_suffixes

log = logging.getLogger(__name__)

EXAMPLES = [
    "Why was the trust shelved?",
    "What did it cost in agency staff?",
    "How did the planned launch date change over time?",
    "What did readers say in the comments?",
]
CONTEXT_CHARS = 200  # surrounding text shown on each side of a quote
MODEL_QUEUE = "model"  # one concurrency group: the local model answers one question at a time
PARALLEL_BACKENDS = ("extractive", "ollama", "openai")  # share no in-process model: answer at once
FAILED = ("Something went wrong while answering ({kind}); the details are in the server's log. "
          "Try again, or ask another question.")
DOC_FAILED = ("Something went wrong while {doing} ({kind}); the details are in the server's log. "
              "Nothing else was changed by this failure; try again.")
DOCUMENTS_QUEUE = "documents"  # one change to the corpus at a time
POLL_SECONDS = 0.25  # how often the Documents tab reports the progress of an upload
PAGE_SCALE = 1.5  # rendered page pixels per PDF point
PAGE_MARK = (253, 214, 74)  # the highlight, multiplied into the page so the text stays black
# PDFium is not thread-safe: share the PDF reader's lock so a page render never overlaps a parse.
PDFIUM_LOCK = getattr(import_module("assistant.readers.pdf"), "_PDFIUM", None) or threading.Lock()

CSS = """
.gradio-container {max-width: 1280px !important; margin: auto;}
#header h1 {font-size: 1.45rem; margin: 0 0 .15rem 0;}
#header p {margin: 0; color: var(--body-text-color-subdued); font-size: .92rem;}
#chat .cite {display: inline-block; font-size: .78em; font-weight: 600; line-height: 1;
  padding: .15em .4em; margin: 0 .1em; border-radius: .6em; text-decoration: none;
  background: var(--color-accent-soft); color: var(--color-accent); cursor: pointer;
  vertical-align: .15em;}
#chat .cite:hover {background: var(--color-accent); color: white;}
#chat .unsupported {text-decoration: line-through; opacity: .6;}
#chat .unsupported-note {font-size: .8em; color: #b45309;}
#chat .abstained {border-left: 4px solid #94a3b8; padding: .35rem .7rem; font-style: italic;
  color: var(--body-text-color-subdued);}
#chat .fallback-note, #chat .rewrite-note {display: block; font-size: .8em; margin-top: .4rem;
  color: var(--body-text-color-subdued);}
#chat .error {border-left: 4px solid #dc2626; padding: .35rem .7rem;}
#sources .scroll {max-height: 64vh; overflow-y: auto; padding-right: .3rem;}
#sources .turn {font-size: .8rem; text-transform: uppercase; letter-spacing: .04em;
  color: var(--body-text-color-subdued); margin: .8rem 0 .3rem;}
#sources .source {border: 1px solid var(--border-color-primary); border-radius: .6rem;
  padding: .6rem .75rem; margin-bottom: .6rem; transition: box-shadow .3s, border-color .3s;}
#sources .source.active {border-color: var(--color-accent); box-shadow: 0 0 0 3px var(--color-accent-soft);}
#sources .source h4 {margin: 0 0 .2rem 0; font-size: .95rem;}
#sources .meta {font-size: .78rem; color: var(--body-text-color-subdued); margin-bottom: .35rem;}
#sources .excerpt {font-size: .88rem; line-height: 1.45; white-space: pre-wrap;}
#sources mark {background: #fde68a; color: inherit; padding: 0 .1em; border-radius: .2em;}
#sources .comment-tag {font-size: .72rem; background: #e0e7ff; color: #3730a3;
  padding: .05rem .4rem; border-radius: .5rem; margin-left: .3rem;}
#sources .empty {color: var(--body-text-color-subdued); font-size: .9rem;}
#sources .page-btn {margin-top: .45rem; font-size: .8rem; padding: .2rem .6rem; cursor: pointer;
  border: 1px solid var(--border-color-primary); border-radius: .4rem;
  background: var(--background-fill-secondary); color: var(--body-text-color);}
#sources .page-view {margin-top: .45rem; max-height: 420px; overflow: auto;
  border: 1px solid var(--border-color-primary); border-radius: .4rem; background: white;}
#sources .page-view img {display: block; width: 100%; height: auto; cursor: zoom-in;}
#sources .page-view.zoomed img {width: 200%; max-width: none; cursor: zoom-out;}
#sources .page-note {font-size: .78rem; color: var(--body-text-color-subdued); margin-top: .3rem;}
#doc-list {max-height: 62vh; overflow-y: auto;}
#doc-list table {font-size: .85rem; width: 100%;}
#doc-list td, #doc-list th {padding: .25rem .5rem; text-align: left; vertical-align: top;}
#doc-list td.num {text-align: right;}
#doc-list td.when span {white-space: nowrap;}
#doc-list code {white-space: nowrap;}
.hint p {font-size: .8rem; color: var(--body-text-color-subdued); margin: 0;}
#doc-status ul {margin: .3rem 0; padding-left: 1.1rem;}
#doc-status .status {font-weight: 600; font-size: .78rem; text-transform: uppercase;
  padding: 0 .35rem; border-radius: .4rem; margin-right: .35rem;}
#doc-status .added .status, #doc-status .updated .status {background: #dcfce7; color: #166534;}
#doc-status .duplicate .status, #doc-status .unchanged .status {background: #e0e7ff; color: #3730a3;}
#doc-status .skipped .status {background: #fee2e2; color: #991b1b;}
#doc-status progress {width: 100%; height: .7rem;}
#doc-status .error {border-left: 4px solid #dc2626; padding: .35rem .7rem;}
"""

# Citation clicks: scroll the sources panel to the cited passage and light it up.
HEAD = """
<script>
document.addEventListener("click", (event) => {
  const link = event.target.closest("a.cite");
  if (!link) return;
  event.preventDefault();
  const id = (link.getAttribute("href") || "").replace(/^.*#/, "");
  const card = document.getElementById(id);
  if (!card) return;
  document.querySelectorAll("#sources .source.active").forEach((el) => el.classList.remove("active"));
  card.classList.add("active");
  card.scrollIntoView({behavior: "smooth", block: "center"});
  const page = card.querySelector("button.page-btn[aria-expanded='false']");
  if (page) page.click();  // a PDF citation: show its page too
});
</script>
"""

# The sources panel's "Show page" buttons: ask the server for the page image (a data: PNG, set
# as an <img> property, never as markup) and scroll it to the highlighted lines.
SOURCES_JS = """
const pages = new Map();
element.addEventListener("click", async (event) => {
  const button = event.target.closest("button.page-btn");
  if (!button) return;
  const card = button.closest(".source");
  const view = card.querySelector(".page-view");
  const note = card.querySelector(".page-note");
  if (button.getAttribute("aria-expanded") === "true") {
    view.hidden = true; note.hidden = true;
    button.setAttribute("aria-expanded", "false");
    button.textContent = button.dataset.label;
    return;
  }
  const key = button.dataset.page;
  button.disabled = true;
  button.textContent = "Rendering the page…";
  let shown = pages.get(key);
  try {
    if (!shown) { shown = await server.page_view(JSON.parse(key)); pages.set(key, shown); }
  } catch (err) {
    shown = {message: "The page could not be rendered."};
  }
  button.disabled = false;
  button.setAttribute("aria-expanded", "true");
  button.textContent = "Hide the page";
  view.replaceChildren();
  if (shown.src && shown.src.startsWith("data:image/png;base64,")) {
    const img = document.createElement("img");
    img.alt = shown.alt || "";
    img.addEventListener("load", () => {
      view.scrollTop = Math.max(0, (shown.top || 0) * img.clientHeight - view.clientHeight / 3);
    });
    img.title = "Click to zoom";
    img.addEventListener("click", () => view.classList.toggle("zoomed"));
    img.src = shown.src;
    view.appendChild(img);
    view.hidden = false;
  }
  note.textContent = shown.message || "";
  note.hidden = !shown.message;
});
"""


# ---------------------------------------------------------------- rendering

def render_answer(answer: Answer, turn: int) -> str:
    """The verified answer as HTML: citations link to the sources panel of this turn."""
    if answer.abstained:
        note = f"<span class='fallback-note'>{html.escape(answer.fallback)}</span>" if answer.fallback else ""
        return f"<div class='abstained'>{html.escape(answer.text)}{note}</div>"
    body = _link_citations(html.escape(answer.text), turn)
    dropped = [s for s in answer.sentences if not s.supported]
    if dropped:
        body += "".join(
            f"<br><span class='unsupported' title='{html.escape('; '.join(s.problems), quote=True)}'>"
            f"{html.escape(s.text)}</span> <span class='unsupported-note'>⚠ not supported by "
            f"the sources, removed</span>" for s in dropped)
    if answer.fallback:
        body += f"<span class='fallback-note'>{html.escape(answer.fallback)}</span>"
    if answer.standalone_question:
        body += (f"<span class='rewrite-note'>Understood as: "
                 f"{html.escape(answer.standalone_question)}</span>")
    return body


def render_draft(streamed: str) -> str:
    """The answer while it streams: escaped text (the chat renders HTML, never Markdown, so
    nothing a document says can become an image, a link or markup), with a typing cursor."""
    return render_text(streamed) + " ▍"


def render_text(text: str) -> str:
    """Plain text as inert HTML: escaped, line breaks kept."""
    return html.escape(text).replace("\n", "<br>")


def failure_message(exc: BaseException) -> str:
    """What a person is told when answering failed. The assistant's own errors say what to
    do; anything else is named by type only (its message may hold internals), and logged."""
    if isinstance(exc, AssistantError):
        return f"The answer failed: {exc}"
    return FAILED.format(kind=type(exc).__name__)


def _link_citations(escaped: str, turn: int) -> str:
    return re.sub(r"\[(\d+)\]", lambda m: f"<a class='cite' href='#src-{turn}-{m.group(1)}' "
                  f"title='Show source {m.group(1)}'>{m.group(1)}</a>", escaped)


def render_sources(turns: list[tuple[int, str, list["Cited"]]]) -> str:
    """Cited passages of every answer so far, newest first, each quote in its context."""
    if not turns:
        return ("<div class='scroll'><p class='empty'>Sources of each answer appear here. Click a "
                "number in an answer to jump to its passage.</p></div>")
    parts = ["<div class='scroll'>"]
    for turn, question, cited in reversed(turns):
        parts.append(f"<div class='turn'>Answer {turn}: {html.escape(question[:80])}</div>")
        if not cited:
            parts.append("<p class='empty'>No sources: the documents don't say.</p>")
        for entry in cited:
            parts.append(_source_card(turn, *entry))
    return "\n".join(parts) + "</div>"


class Cited(NamedTuple):
    """A citation with what its card shows: the document's text, and the part of it the
    context may come from (a PDF quote's page; the whole text otherwise)."""

    citation: Citation
    text: str
    bounds: tuple[int, int]


def cited(bot: Assistant, c: Citation) -> Cited:
    doc = bot.corpus.get(c.source)
    bounds = next(((lo, hi) for lo, hi, page in doc.pages if page == c.page), (0, len(doc.text)))
    return Cited(c, doc.text, bounds)


def _source_card(turn: int, c: Citation, text: str, bounds: tuple[int, int] | None = None) -> str:
    when = f" · {html.escape(c.date)}" if c.date else " · undated"
    tag = "<span class='comment-tag'>reader comment</span>" if c.is_comment else ""
    return (f"<div class='source' id='src-{turn}-{c.number}'><h4>[{c.number}] "
            f"{html.escape(c.title or c.source)}{tag}</h4>"
            f"<div class='meta'>{html.escape(c.where)}{when}</div>"
            f"<div class='excerpt'>{_excerpt(text, c.start, c.end, bounds or (0, len(text)))}</div>"
            f"{_page_button(c)}</div>")


def _excerpt(text: str, start: int, end: int, bounds: tuple[int, int]) -> str:
    """The quote marked in up to CONTEXT_CHARS of its text on each side (whole lines, within
    `bounds`: for a PDF, the quote's page), escaped."""
    first, last = bounds
    lo = text.rfind("\n", first, max(first, start - CONTEXT_CHARS)) + 1 if start - first > CONTEXT_CHARS else first
    lo = max(lo, first)
    hi = text.find("\n", min(last, end + CONTEXT_CHARS), last)
    hi = last if hi == -1 else hi
    excerpt = (("… " if lo > 0 else "") + html.escape(text[lo:start].lstrip()) +
               f"<mark>{html.escape(text[start:end])}</mark>" +
               html.escape(text[end:hi].rstrip()) + (" …" if hi < len(text) else ""))
    return re.sub(r"\n{2,}", "\n", excerpt)


def _page_button(c: Citation) -> str:
    """For a quote on a PDF page: a button that shows the page, with a place to show it."""
    if c.page is None:
        return ""
    label = f"Show page {c.page}"
    key = json.dumps({"source": c.source, "page": c.page, "start": c.start, "end": c.end})
    return (f"<button type='button' class='page-btn' aria-expanded='false' "
            f"data-label='{html.escape(label, quote=True)}' "
            f"data-page='{html.escape(key, quote=True)}'>{html.escape(label)}</button>"
            f"<div class='page-view' hidden></div><div class='page-note' hidden></div>")


# ---------------------------------------------------------------- PDF pages

def page_view(bot: Assistant, request) -> dict:
    """The page a PDF citation points at, for the sources panel: {"src": a data: PNG URI with
    the quoted lines highlighted, "top": where the first highlight is (0-1), "alt",
    "message": a note for the reader}, or {"message"} alone when it cannot be shown. `request`
    comes from the browser: it is checked against the corpus, never trusted."""
    try:
        source, page, start, end = (request["source"], int(request["page"]),
                                    int(request["start"]), int(request["end"]))
        doc = bot.corpus.get(source)
    except (KeyError, TypeError, ValueError):
        return {"message": "That document is no longer in the corpus."}
    spans = {p: (lo, hi) for lo, hi, p in doc.pages}
    if doc.meta.format != "pdf" or page not in spans or not 0 <= start < end <= len(doc.text):
        return {"message": "That page is not in the document."}
    lo, hi = spans[page]
    quote = doc.text[max(start, lo):min(end, hi)]
    try:
        png, top = page_image(bot.config.corpus / doc.source, doc.meta.sha256, page, quote)
    except Exception:
        log.exception("rendering page %d of %r failed", page, source)
        return {"message": "The page could not be rendered; the quote is highlighted in its "
                           "page's text above."}
    shown = {"src": "data:image/png;base64," + base64.b64encode(png).decode("ascii"),
             "top": top or 0.0, "alt": f"Page {page} of {source}"}
    if top is None:
        shown["message"] = ("The quoted lines could not be found on the page image; the quote "
                            "is highlighted in the page's text above.")
    return shown


@functools.lru_cache(maxsize=32)
def page_image(path: Path, sha256: str, page: int, quote: str) -> tuple[bytes, float | None]:
    """Page `page` (1-based) of the PDF at `path` as a PNG with the lines holding `quote`
    highlighted, and the top of the first highlight as a fraction of the page height (None
    when the quote's lines were not found). `sha256` keys the cache to the file's content."""
    import pypdfium2 as pdfium
    from PIL import Image, ImageChops, ImageDraw

    with PDFIUM_LOCK:
        pdf = pdfium.PdfDocument(str(path))
        try:
            pg = pdf[page - 1]
            height = pg.get_size()[1]
            textpage = pg.get_textpage()
            boxes = quote_boxes(textpage, quote)
            image = pg.render(scale=PAGE_SCALE).to_pil().convert("RGB")
            textpage.close()
            pg.close()
        finally:
            pdf.close()
    mask = Image.new("RGB", image.size, "white")
    draw = ImageDraw.Draw(mask)
    for left, bottom, right, top in boxes:
        draw.rectangle([(left - 2) * PAGE_SCALE, (height - top - 2) * PAGE_SCALE,
                        (right + 2) * PAGE_SCALE, (height - bottom + 2) * PAGE_SCALE], fill=PAGE_MARK)
    out = io.BytesIO()
    ImageChops.multiply(image, mask).quantize(colors=64).save(out, "PNG", optimize=True)
    first = min((height - top for _, _, _, top in boxes), default=None)
    return out.getvalue(), None if first is None else max(0.0, first / height)


def quote_boxes(textpage, quote: str) -> list[tuple[float, float, float, float]]:
    """The boxes (PDF points: left, bottom, right, top) of the text on a page that reads as
    `quote`, compared on letters and digits only: the extracted text joins lines, undoes
    line-end hyphens and ligatures, and drops running headers. A quote not found whole is
    matched by its first and last words. Empty when not found."""
    count = textpage.count_chars()
    raw = textpage.get_text_range(0, count)
    if len(raw) != count:  # characters beyond the BMP: one call per character keeps indexes
        raw = [textpage.get_text_range(i, 1) for i in range(count)]
    letters, index = [], []
    for i, ch in enumerate(raw):
        for x in _letters(ch):
            letters.append(x)
            index.append(i)
    found = _locate("".join(letters), _letters(quote))
    if found is None:
        return []
    first, last = index[found[0]], index[found[1] - 1]
    return [textpage.get_rect(k) for k in range(textpage.count_rects(first, last - first + 1))]


def _letters(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).casefold() if ch.isalnum())


def _locate(page: str, quote: str, edge: int = 40) -> tuple[int, int] | None:
    """(start, end) of `quote` in `page`, or of its first to its last `edge` letters."""
    if not quote:
        return None
    at = page.find(quote)
    if at >= 0:
        return at, at + len(quote)
    head, tail = quote[:edge], quote[-edge:]
    a = page.find(head)
    b = page.find(tail, a + 1) if a >= 0 else -1
    return (a, b + len(tail)) if b >= 0 else None


# ---------------------------------------------------------------- documents

def render_documents(docs: list) -> str:
    """The document list (`Assistant.list_documents()`): name, type, title, pages, chunks and
    when each was indexed."""
    if not docs:
        return "<p class='empty'>No documents yet: add some above.</p>"
    rows = "".join(
        f"<tr><td><code>{html.escape(d.name)}</code></td><td>{html.escape(d.format)}</td>"
        f"<td>{html.escape(d.title or '')}</td><td class='num'>{d.pages or '—'}</td>"
        f"<td class='num'>{'—' if d.chunks is None else d.chunks}</td>"
        f"<td class='when'>{_when(d.indexed_at)}</td></tr>" for d in docs)
    return (f"<table><tr><th>Name</th><th>Type</th><th>Title</th><th>Pages</th><th>Chunks</th>"
            f"<th>Indexed at</th></tr>{rows}</table>")


def _when(indexed_at: str | None) -> str:
    """"2024-03-14 09:30:00" with a line break allowed only between the date and the time."""
    if not indexed_at:
        return "not indexed yet"
    return " ".join(f"<span>{html.escape(part)}</span>" for part in indexed_at.split(" ", 1))


def render_progress(p, files: int) -> str:
    """How far an upload has got: reading the files, then indexing (files and chunks done)."""
    if p is None:
        return f"<p>Reading and checking {files} file{'s' if files != 1 else ''}…</p>"
    last = f" · last done: <code>{html.escape(p.current)}</code>" if p.current else ""
    return (f"<p>Indexing: {p.files_done} of {p.files_total} files, {p.chunks_done:,} of "
            f"{p.chunks_total:,} chunks embedded{last}</p>"
            f"<progress value='{p.chunks_done}' max='{max(p.chunks_total, 1)}'></progress>")


def render_outcomes(outcomes) -> str:
    """What happened to each file given: added, updated, duplicate, unchanged or skipped, with
    the reason."""
    kept = sum(o.status in ("added", "updated") for o in outcomes)
    items = "".join(
        f"<li class='{html.escape(o.status)}'><span class='status'>{html.escape(o.status)}</span> "
        f"<code>{html.escape(o.name)}</code>{': ' + html.escape(o.detail) if o.detail else ''}</li>"
        for o in outcomes)
    return f"<p>{kept} of {len(outcomes)} files added or updated.</p><ul>{items}</ul>"


def render_notice(text: str, error: bool = False) -> str:
    return f"<div class='{'error' if error else 'notice'}'>{html.escape(text)}</div>"


def render_header(bot: Assistant) -> str:
    info = bot.info()
    model = f" ({html.escape(info['model'])})" if info.get("model") else ""
    n = info["documents"]
    return (f"<h1>Ask the documents</h1><p>{n} document{'s' * (n != 1)} · every claim cited "
            f"to the passage it comes from · answering with <b>{html.escape(info['generator'])}"
            f"</b>{model}</p>")


# ---------------------------------------------------------------- handlers

def make_handlers(bot: Assistant):
    def respond(message: str, history: list, state: dict | None):
        state = state or {"session": None, "turns": []}
        history = list(history or [])
        message = message if isinstance(message, str) else ""
        if not message.strip():
            history.append({"role": "assistant", "content": "Type a question about the documents, e.g. “" + EXAMPLES[0] + "”"})
            yield history, "", render_sources(state["turns"]), state
            return
        try:
            bot.validate(message)  # the library's own rules; past the empty check, only length
        except InvalidQuestion as exc:
            gr.Warning(str(exc))
            history.append({"role": "assistant", "content": f"<div class='error'>Your message is too long. {html.escape(str(exc))}</div>"})
            yield history, message, render_sources(state["turns"]), state  # kept, to shorten
            return
        if state["session"] is None:
            state["session"] = bot.chat()
        history += [{"role": "user", "content": render_text(message)},
                    {"role": "assistant", "content": "…"}]
        yield history, "", render_sources(state["turns"]), state
        streamed = ""
        try:
            for item in state["session"].ask_stream(message):
                if isinstance(item, Answer):
                    turn = len(state["turns"]) + 1
                    state["turns"].append((turn, message, [cited(bot, c) for c in item.citations]))
                    history[-1] = {"role": "assistant", "content": render_answer(item, turn)}
                else:
                    streamed += item
                    history[-1] = {"role": "assistant", "content": render_draft(streamed)}
                yield history, "", render_sources(state["turns"]), state
        except Exception as exc:  # a failure must not take the app down, nor show internals
            log.exception("answering %r failed", message[:200])
            shown = f"<div class='error'>⚠ {html.escape(failure_message(exc))}</div>"
            history[-1] = {"role": "assistant", "content": shown}
            yield history, "", render_sources(state["turns"]), state

    def clear():
        return [], "", render_sources([]), {"session": None, "turns": []}

    def pick_example(selection: gr.SelectData):
        return selection.value["text"]

    def ask_api(question: str) -> dict:
        """Answer one question (no conversation): the Answer as JSON."""
        try:
            return bot.ask(question).to_dict()
        except InvalidQuestion as exc:  # the caller's mistake: nothing to log
            raise gr.Error(str(exc)) from exc
        except Exception as exc:  # Gradio would send a bare "Error": say what happened
            log.exception("answering %r through the API failed", str(question)[:200])
            raise gr.Error(failure_message(exc)) from exc

    return respond, clear, pick_example, ask_api


class DocumentHandlers(NamedTuple):
    """The Documents tab's handlers. `add`, `remove` and `reload` return (or yield) updates
    for the status, the header, the document list and the remove dropdown, in that order (`add`
    also clears the file picker); `show` the last three; `page_view` serves PDF pages."""

    add: Callable
    remove: Callable
    reload: Callable
    show: Callable
    page_view: Callable


def make_document_handlers(bot: Assistant) -> DocumentHandlers:
    def listing(docs=None):
        try:
            docs = bot.list_documents() if docs is None else docs
        except Exception:  # the status says what failed; keep what the page shows
            log.exception("listing the documents failed")
            return gr.skip(), gr.skip(), gr.skip()
        return (render_header(bot), render_documents(docs),
                gr.Dropdown(choices=[d.name for d in docs], value=None))

    def add(files):
        paths = [f if isinstance(f, str) else getattr(f, "name", str(f)) for f in files or []]
        if not paths:
            yield render_notice("Choose one or more files to add first."), *[gr.skip()] * 4
            return
        try:
            for progress, done in in_background(lambda report: bot.add(paths, progress=report)):
                if done is None:
                    yield render_progress(progress, len(paths)), *[gr.skip()] * 4
        except Exception as exc:
            yield render_notice(document_failure(exc, "adding the files"), error=True), *listing(), None
            return
        outcomes, _report = done
        yield render_outcomes(outcomes), *listing(), None

    def remove(name):
        if not name:
            return render_notice("Choose the document to remove first."), *listing()
        try:
            where, _report = bot.remove(name)
        except Exception as exc:
            return render_notice(document_failure(exc, f"removing {name}"), error=True), *listing()
        kept = _inside(where, bot.config.corpus)
        return render_notice(f"Removed {name} from the index; the file was moved to {kept}."), *listing()

    def reload():
        try:
            changed = bot.refresh()
            docs = bot.list_documents()
        except Exception as exc:
            return render_notice(document_failure(exc, "reloading the index"), error=True), *listing()
        said = "the index had changed: reloaded" if changed else "the index is unchanged"
        n = len(docs)
        return render_notice(f"Reloaded: {said} ({n} document{'s' * (n != 1)})."), *listing(docs)

    def show():
        return listing()

    def view(request):
        return page_view(bot, request)
    view.__name__ = "page_view"  # the name the browser calls it by

    return DocumentHandlers(add, remove, reload, show, view)


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


def build_app(bot: Assistant, examples: list[str] | None = None) -> gr.Blocks:
    docs = make_document_handlers(bot)
    with gr.Blocks(title="Ask the documents", fill_height=True) as demo:
        header = gr.HTML(render_header(bot), elem_id="header")
        with gr.Tabs(elem_id="tabs"):
            with gr.Tab("Chat", id="chat-tab", elem_id="chat-tab"):
                _chat_tab(bot, examples or EXAMPLES, docs.page_view)
            with gr.Tab("Documents", id="documents-tab", elem_id="documents-tab"):
                shown = _documents_tab(bot, docs, header)
        demo.load(docs.show, None, shown, api_visibility="private")
    return demo


def _chat_tab(bot: Assistant, examples: list[str], page_view: Callable) -> None:
    respond, clear, pick_example, ask_api = make_handlers(bot)
    state = gr.State(None)
    with gr.Row(equal_height=False):
        with gr.Column(scale=3):
            chatbot = gr.Chatbot(
                elem_id="chat", height=560, label="Conversation", show_label=False,
                examples=[{"text": q} for q in examples],
                placeholder="<b>Ask about the documents.</b><br>Every answer cites the passages it comes from.",
                sanitize_html=True, render_markdown=False, latex_delimiters=[],
                group_consecutive_messages=False)
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
    queue = concurrency(bot)
    common = dict(**queue, api_visibility="private")
    box.submit(respond, [box, chatbot, state], outputs, **common)
    send.click(respond, [box, chatbot, state], outputs, **common)
    chatbot.example_select(pick_example, None, box, api_visibility="private").then(
        respond, [box, chatbot, state], outputs, **common)
    new.click(clear, None, outputs, api_visibility="private")
    gr.api(ask_api, api_name="ask", **queue)


def _documents_tab(bot: Assistant, docs: DocumentHandlers, header) -> list:
    """Upload, the outcome of each file, the document list, remove and reload. Returns the
    components that `docs.show` updates (header, list, remove dropdown)."""
    suffixes = sorted(supported_suffixes())
    documents = bot.list_documents()
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
            listing = gr.HTML(render_documents(documents), elem_id="doc-list")
    one_change = dict(concurrency_limit=1, concurrency_id=DOCUMENTS_QUEUE, api_visibility="private")
    add.click(docs.add, files, [status, header, listing, name, files], **one_change)
    remove.click(docs.remove, name, [status, header, listing, name], **one_change)
    reload.click(docs.reload, None, [status, header, listing, name], api_visibility="private")
    return [header, listing, name]


def concurrency(bot: Assistant) -> dict:
    """How questions queue. A model in this process (`local`, and any backend not known to be
    safe) answers one question at a time, in one group shared by the chat and the API;
    `extractive` and the remote servers share no model here, so questions run side by side
    (up to the queue's default limit, per event)."""
    if bot.info()["generator"] in PARALLEL_BACKENDS:
        return dict(concurrency_limit="default")
    return dict(concurrency_limit=1, concurrency_id=MODEL_QUEUE)


# System fonts only: the default themes load web fonts from the internet.
THEME = gr.themes.Soft(font=["system-ui", "Segoe UI", "Helvetica", "Arial", "sans-serif"],
                       font_mono=["ui-monospace", "Menlo", "Consolas", "monospace"])


def launch(demo: gr.Blocks, host: str, port: int, *, auth: list[tuple[str, str]] | None = None,
           max_upload_mb: float = 50.0, **kwargs):
    """Serve the app. `auth` (user, password) pairs put a login in front of the page and the
    API; uploads over `max_upload_mb` are refused (Gradio accepts uploads on any app)."""
    demo.queue(default_concurrency_limit=4)
    return demo.launch(server_name=host, server_port=port, css=CSS, head=HEAD, theme=THEME,
                       footer_links=[], auth=auth or None,
                       max_file_size=max(1, int(max_upload_mb * 2**20)), **kwargs)


def load_auth(value: str | None) -> list[tuple[str, str]] | None:
    """ASSISTANT_AUTH: "user:password", or the path of a file of such lines (blank lines and
    # comments ignored). None when unset; a malformed value is an error, never "no login"."""
    if not value:
        return None
    path = Path(value).expanduser()
    lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else [value]
    pairs = [_credentials(line) for line in lines
             if line.strip() and not line.lstrip().startswith("#")]
    if not pairs:
        raise ConfigError(f"ASSISTANT_AUTH names the file {path}, which holds no "
                          f"user:password lines.")
    return pairs


def _credentials(line: str) -> tuple[str, str]:
    user, sep, password = line.strip().partition(":")
    if not (sep and user and password):
        raise ConfigError("ASSISTANT_AUTH must be user:password, or the path of a file of "
                          "user:password lines (the value, or a line of the file, is not).")
    return user, password


def exposure_warning(host: str, auth) -> str | None:
    """A warning when the chat is reachable from other machines and anyone may use it."""
    if auth or _is_loopback(host):
        return None
    return (f"warning: serving on {host} without a login: anyone who can reach this machine can "
            f"use the assistant, read the documents and add or remove them. Set "
            f"ASSISTANT_AUTH=user:password (or a "
            f"file of such lines), or serve on 127.0.0.1.")


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may well resolve to a public address


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--host", default=os.environ.get("ASSISTANT_HOST", "127.0.0.1"))
    ap.add_argument("--port", type=int, default=int(os.environ.get("ASSISTANT_PORT", "7860")))
    ap.add_argument("-g", "--generator", default=None, help="local (default), extractive, ollama, openai")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        bot = Assistant.load(generator=args.generator)
        auth = load_auth(bot.config.auth)
    except (AssistantError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    info = bot.info()
    print(f"{info['documents']} documents from {info['corpus']}, index {info['index']} "
          f"({'; '.join(bot.sync_report.describe())}); answering with {info['generator']}"
          f"{' / ' + info['model'] if info['model'] else ''}", file=sys.stderr)
    for skipped in info["skipped"]:
        print(f"  skipped {skipped}", file=sys.stderr)
    warning = exposure_warning(args.host, auth)
    if warning:
        print(warning, file=sys.stderr)
    launch(build_app(bot), args.host, args.port, auth=auth, max_upload_mb=bot.config.max_upload_mb)
    return 0


if __name__ == "__main__":
    sys.exit(main())
