"""The Gradio chat: `python app.py [--host H] [--port P] [--generator NAME]`.

`build_app(assistant)` returns the Blocks (tests need no launch). The UI uses only the public
`assistant` API. Answers stream in; when the verified answer arrives it replaces the stream with
clickable [n] citations, unsupported sentences struck through, and a sources panel that shows
each quote highlighted in its surrounding text. Each browser tab has its own conversation.
"""

from __future__ import annotations

import argparse
import html
import ipaddress
import logging
import os
import re
import sys
from pathlib import Path

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # no calls home, before the import

import gradio as gr  # noqa: E402

from assistant import Answer, Assistant, AssistantError, Citation, ConfigError, InvalidQuestion

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
#docs table {font-size: .85rem;}
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
});
</script>
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


def render_sources(turns: list[tuple[int, str, list[tuple[Citation, str]]]]) -> str:
    """Cited passages of every answer so far, newest first, each quote in its context."""
    if not turns:
        return ("<div class='scroll'><p class='empty'>Sources of each answer appear here. Click a "
                "number in an answer to jump to its passage.</p></div>")
    parts = ["<div class='scroll'>"]
    for turn, question, cited in reversed(turns):
        parts.append(f"<div class='turn'>Answer {turn}: {html.escape(question[:80])}</div>")
        if not cited:
            parts.append("<p class='empty'>No sources: the documents don't say.</p>")
        for citation, source_text in cited:
            parts.append(_source_card(turn, citation, source_text))
    return "\n".join(parts) + "</div>"


def _source_card(turn: int, c: Citation, text: str) -> str:
    start, end = c.start, c.end
    lo = text.rfind("\n", 0, max(0, start - CONTEXT_CHARS)) + 1 if start > CONTEXT_CHARS else 0
    hi = text.find("\n", min(len(text), end + CONTEXT_CHARS))
    hi = len(text) if hi == -1 else hi
    excerpt = (("… " if lo else "") + html.escape(text[lo:start].lstrip()) +
               f"<mark>{html.escape(text[start:end])}</mark>" +
               html.escape(text[end:hi].rstrip()) + (" …" if hi < len(text) else ""))
    excerpt = re.sub(r"\n{2,}", "\n", excerpt)
    when = f" · {html.escape(c.date)}" if c.date else " · undated"
    tag = "<span class='comment-tag'>reader comment</span>" if c.is_comment else ""
    return (f"<div class='source' id='src-{turn}-{c.number}'><h4>[{c.number}] "
            f"{html.escape(c.title or c.source)}{tag}</h4>"
            f"<div class='meta'>{html.escape(c.source)}{when}</div>"
            f"<div class='excerpt'>{excerpt}</div></div>")


def render_documents(bot: Assistant) -> str:
    rows = "".join(f"<tr><td>{html.escape(d.title)}</td><td>{html.escape(d.date or '—')}</td>"
                   f"<td><code>{html.escape(d.source)}</code></td></tr>" for d in bot.documents)
    return f"<table><tr><th>Title</th><th>Date</th><th>Source</th></tr>{rows}</table>"


def render_header(bot: Assistant) -> str:
    info = bot.info()
    model = f" ({html.escape(info['model'])})" if info.get("model") else ""
    return (f"<h1>Ask the documents</h1><p>{info['documents']} documents · every claim cited "
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
                    cited = [(c, bot.source_text(c.source)) for c in item.citations]
                    state["turns"].append((turn, message, cited))
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


def build_app(bot: Assistant, examples: list[str] | None = None) -> gr.Blocks:
    respond, clear, pick_example, ask_api = make_handlers(bot)
    with gr.Blocks(title="Ask the documents", fill_height=True) as demo:
        state = gr.State(None)
        gr.HTML(render_header(bot), elem_id="header")
        with gr.Row(equal_height=False):
            with gr.Column(scale=3):
                chatbot = gr.Chatbot(
                    elem_id="chat", height=560, label="Conversation", show_label=False,
                    examples=[{"text": q} for q in (examples or EXAMPLES)],
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
                sources = gr.HTML(render_sources([]), elem_id="sources")
                with gr.Accordion("Documents in the corpus", open=False):
                    gr.HTML(render_documents(bot), elem_id="docs")
        outputs = [chatbot, box, sources, state]
        queue = concurrency(bot)
        common = dict(**queue, api_visibility="private")
        box.submit(respond, [box, chatbot, state], outputs, **common)
        send.click(respond, [box, chatbot, state], outputs, **common)
        chatbot.example_select(pick_example, None, box, api_visibility="private").then(
            respond, [box, chatbot, state], outputs, **common)
        new.click(clear, None, outputs, api_visibility="private")
        gr.api(ask_api, api_name="ask", **queue)
    return demo


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
            f"use the assistant and read the documents. Set ASSISTANT_AUTH=user:password (or a "
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
