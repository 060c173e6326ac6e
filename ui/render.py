"""The chat's HTML: the answer (streaming, then verified with [n] links), the sources panel
(each quote highlighted in its surrounding text, with where it is, and a PDF citation's "Show
page" button), the document list, upload progress and outcomes, notices and the header (or,
while the assistant starts, what it is doing). Every piece of text from a document, a file
name or a question is escaped: the chat renders HTML, never Markdown, so nothing a document
says can become an image, a link or markup."""

from __future__ import annotations

import html
import json
import re
from typing import NamedTuple

from assistant import Answer, Assistant, Citation, DocumentInfo, FileOutcome, SyncProgress

CONTEXT_CHARS = 200  # surrounding text shown on each side of a quote


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
    collection: str | None = None  # the named collection it is from (None: the default)


def cited(bot: Assistant, c: Citation, collection: str | None = None) -> Cited:
    """A citation with its document's text (and, for a PDF, its page's bounds); `collection`:
    the named collection it is from (None: the default), for the page view to ask."""
    doc = bot.corpus.get(c.source)
    bounds = next(((lo, hi) for lo, hi, page in doc.pages if page == c.page), (0, len(doc.text)))
    return Cited(c, doc.text, bounds, collection)


def _source_card(turn: int, c: Citation, text: str, bounds: tuple[int, int] | None = None,
                 collection: str | None = None) -> str:
    when = f" · {html.escape(c.date)}" if c.date else " · undated"
    tag = "<span class='comment-tag'>reader comment</span>" if c.is_comment else ""
    return (f"<div class='source' id='src-{turn}-{c.number}'><h4>[{c.number}] "
            f"{html.escape(c.title or c.source)}{tag}</h4>"
            f"<div class='meta'>{html.escape(c.where)}{when}</div>"
            f"<div class='excerpt'>{_excerpt(text, c.start, c.end, bounds or (0, len(text)))}</div>"
            f"{_page_button(c, collection)}</div>")


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


def _page_button(c: Citation, collection: str | None = None) -> str:
    """For a quote on a PDF page: a button that shows the page, with a place to show it."""
    if c.page is None:
        return ""
    label = f"Show page {c.page}"
    where = {"source": c.source, "page": c.page, "start": c.start, "end": c.end}
    key = json.dumps({**where, "collection": collection} if collection else where)
    return (f"<button type='button' class='page-btn' aria-expanded='false' "
            f"data-label='{html.escape(label, quote=True)}' "
            f"data-page='{html.escape(key, quote=True)}'>{html.escape(label)}</button>"
            f"<div class='page-view' hidden></div><div class='page-note' hidden></div>")


# ---------------------------------------------------------------- the Documents tab

def render_documents(docs: list[DocumentInfo]) -> str:
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


def render_progress(p: SyncProgress | None, files: int) -> str:
    """How far an upload has got: reading the files, then indexing (files and chunks done)."""
    if p is None or p.reading:
        now = f": {html.escape(p.reading)}" if p is not None else ""
        return f"<p>Reading and checking {files} file{'s' if files != 1 else ''}…{now}</p>"
    last = f" · last done: <code>{html.escape(p.current)}</code>" if p.current else ""
    return (f"<p>Indexing: {p.files_done} of {p.files_total} files, {p.chunks_done:,} of "
            f"{p.chunks_total:,} chunks embedded{last}</p>"
            f"<progress value='{p.chunks_done}' max='{max(p.chunks_total, 1)}'></progress>")


def render_outcomes(outcomes: list[FileOutcome]) -> str:
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


def render_header(bot: Assistant, collection: str | None = None) -> str:
    """What the assistant holds; `collection`: the named collection shown (None: the default)."""
    info = bot.info()
    model = f" ({html.escape(info['model'])})" if info.get("model") else ""
    n = info["documents"]
    named = f" in <b>{html.escape(collection)}</b>" if collection else ""
    return (f"<h1>Ask the documents</h1><p>{n} document{'s' * (n != 1)}{named} · every claim cited "
            f"to the passage it comes from · answering with <b>{html.escape(info['generator'])}"
            f"</b>{model}</p>")


def render_starting(stage: str, error: str | None = None) -> str:
    """The header while the assistant starts (what it is doing), or why it could not start."""
    if error:
        return (f"<h1>Ask the documents</h1><p class='failed'>⚠ The assistant could not start: "
                f"{html.escape(error)} Fix that, then restart the app.</p>")
    return (f"<h1>Ask the documents</h1><p class='starting'>Starting: {html.escape(stage)}… "
            f"Questions can be asked when it is ready; this page updates itself.</p>")
