"""The Chat tab's handlers: a streamed, then verified answer per question, one conversation
per browser tab, the example questions, and the `ask` and `status` APIs; and how questions
queue. While the assistant starts, a question is answered with what it is doing."""

from __future__ import annotations

import html
import logging
from pathlib import Path

import gradio as gr

from assistant import Answer, Assistant, AssistantError, InvalidQuestion

from .render import cited, render_answer, render_draft, render_notice, render_sources, render_text
from .startup import Startup, named

log = logging.getLogger(__name__)

# Example questions about the bundled corpus (`seeds/`), shown as buttons only when that is the
# corpus being served: on a user's own folder they would ask about documents it does not hold.
EXAMPLES = [
    "Why was the trust shelved?",
    "What did it cost in agency staff?",
    "How did the planned launch date change over time?",
    "What did readers say in the comments?",
]
BUNDLED_CORPUS = Path(__file__).resolve().parent.parent / "seeds"


def examples_for(corpus: Path) -> list[str]:
    """The example buttons for a corpus folder: the bundled corpus's questions, else none."""
    try:
        bundled = Path(corpus).expanduser().resolve() == BUNDLED_CORPUS
    except OSError:
        bundled = False
    return list(EXAMPLES) if bundled else []


MODEL_QUEUE = "model"  # one concurrency group: the chat and the API share the model's slots
PARALLEL_BACKENDS = ("extractive", "ollama", "openai")  # share no in-process model: answer at once
FAILED = ("Something went wrong while answering ({kind}); the details are in the server's log. "
          "Try again, or ask another question.")


def failure_message(exc: BaseException) -> str:
    """What a person is told when answering failed. The assistant's own errors say what to
    do; anything else is named by type only (its message may hold internals), and logged."""
    if isinstance(exc, AssistantError):
        return f"The answer failed: {exc}"
    return FAILED.format(kind=type(exc).__name__)


def make_handlers(bot: Assistant | Startup):
    """The Chat tab's handlers over `bot` (ready, or starting): (respond, clear, pick_example,
    ask_api). `respond` yields (chat history, question box, sources panel, state) as the
    answer streams in."""
    startup = Startup.of(bot)

    def respond(message: str, history: list, state: dict | None, scope: list | None = None,
                collection: str | None = None):
        """`scope`: the documents chosen to answer from (none: all of them); `collection`: the
        collection chosen (None: the default)."""
        state = state or {"session": None, "turns": []}
        collection = named(collection)
        history = list(history or [])
        message = message if isinstance(message, str) else ""
        if not message.strip():
            history.append({"role": "assistant", "content": "Type a question about the documents, e.g. “" + EXAMPLES[0] + "”"})
            yield history, "", render_sources(state["turns"]), state
            return
        try:
            bot = startup.assistant_for(collection)
        except AssistantError as exc:  # a collection deleted since it was chosen
            history.append({"role": "assistant", "content": f"<div class='error'>{html.escape(str(exc))}</div>"})
            yield history, message, render_sources(state["turns"]), state
            return
        if bot is None:  # the question stays in the box, to ask again
            notice = render_notice(startup.not_ready(), error=startup.error is not None)
            history.append({"role": "assistant", "content": notice})
            yield history, message, render_sources(state["turns"]), state
            return
        try:
            bot.validate(message)  # the library's own rules; past the empty check, only length
        except InvalidQuestion as exc:
            gr.Warning(str(exc))
            history.append({"role": "assistant", "content": f"<div class='error'>Your message is too long. {html.escape(str(exc))}</div>"})
            yield history, message, render_sources(state["turns"]), state  # kept, to shorten
            return
        documents = list(scope) if scope else None
        try:
            bot.scope(documents)
        except InvalidQuestion as exc:  # a chosen document was removed since it was chosen
            history.append({"role": "assistant", "content": f"<div class='error'>{html.escape(str(exc))}</div>"})
            yield history, message, render_sources(state["turns"]), state
            return
        if state["session"] is None or state.get("collection") != collection:
            state["session"], state["collection"] = bot.chat(), collection  # its own conversation
        history += [{"role": "user", "content": render_text(message)},
                    {"role": "assistant", "content": "…"}]
        yield history, "", render_sources(state["turns"]), state
        streamed = ""
        try:
            for item in state["session"].ask_stream(message, documents):
                if isinstance(item, Answer):
                    turn = len(state["turns"]) + 1
                    state["turns"].append((turn, message, [cited(bot, c, collection)
                                                           for c in item.citations]))
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

    def ask_api(question: str, collection: str | None = None) -> dict:
        """Answer one question (no conversation) from `collection` (None: the default):
        the Answer as JSON."""
        try:
            bot = startup.assistant_for(collection)
        except AssistantError as exc:  # no such collection: the message lists those there are
            raise gr.Error(str(exc), print_exception=False) from exc
        if bot is None:  # expected while starting; a failure to start is logged once
            raise gr.Error(startup.not_ready(), print_exception=False)
        try:
            return bot.ask(question).to_dict()
        except InvalidQuestion as exc:  # the caller's mistake: nothing to log
            raise gr.Error(str(exc)) from exc
        except Exception as exc:  # Gradio would send a bare "Error": say what happened
            log.exception("answering %r through the API failed", str(question)[:200])
            raise gr.Error(failure_message(exc)) from exc

    return respond, clear, pick_example, ask_api


def concurrency(generator: str, slots: int = 1) -> dict:
    """How questions to the `generator` backend queue. The local model answers `slots`
    questions at once (llama.cpp decodes them together), in one group shared by the chat and
    the API; a backend not known to be safe answers one at a time; `extractive` and the remote
    servers share no model here, so questions run side by side (the queue's default limit)."""
    if generator in PARALLEL_BACKENDS:
        return dict(concurrency_limit="default")
    return dict(concurrency_limit=max(1, slots) if generator == "local" else 1,
                concurrency_id=MODEL_QUEUE)
