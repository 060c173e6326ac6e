"""Command line: `python -m assistant {index,ask,chat,add,remove,list,info,install-model}`, and
the servers for other programs: `mcp` (MCP tools) and `serve` (an OpenAI-compatible API);
`collections` and `--collection NAME` (named collections: cli_collections.py).

Errors the assistant raises on purpose become one-line messages; anything unexpected is
reported without a traceback unless ASSISTANT_DEBUG=1.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

from . import cli_collections
from .errors import AssistantError
from .terminal import ProgressBar, printable, show


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    try:
        cli_collections.choose(args)  # --collection NAME: its corpus and index
        return args.func(args)
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("", file=sys.stderr)
        return 130
    except Exception as exc:  # last resort: a person never sees a traceback
        if os.environ.get("ASSISTANT_DEBUG"):
            raise
        print(_unexpected(exc), file=sys.stderr)
        return 1


def _unexpected(exc: Exception) -> str:
    return (f"unexpected error: {type(exc).__name__}: {exc} "
            f"(set ASSISTANT_DEBUG=1 to see the traceback)")


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m assistant",
                                 description="Cited question answering over a document corpus.")
    sub = ap.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument("--corpus", help="corpus directory (default: seeds/)")
        p.add_argument("--index", help="index directory (default: index/)")
        p.add_argument("-g", "--generator",
                       help="local, extractive, ollama or openai (default: local)")
        cli_collections.options(p)
        return p

    p = common(sub.add_parser("index", help="build or update the index"))
    what = p.add_mutually_exclusive_group()
    what.add_argument("--rebuild", action="store_true", help="re-embed everything from scratch")
    what.add_argument("--check", action="store_true",
                      help="verify the index against its manifest, changing nothing "
                           "(exit 1 if anything is damaged)")
    what.add_argument("--repair", action="store_true",
                      help="re-embed only the damaged documents, then update the index")
    what.add_argument("--purge-quarantined", action="store_true",
                      help="delete the damaged copies of the index set aside as "
                           "INDEX.corrupt-<time>, naming each (the assistant never deletes them)")
    p.set_defaults(func=cmd_index, generator="extractive")

    p = common(sub.add_parser("ask", help="answer one question"))
    p.add_argument("question")
    p.add_argument("--json", action="store_true", help="print the Answer as JSON")
    _scoped(p)
    p.set_defaults(func=cmd_ask)

    p = common(sub.add_parser("chat", help="chat in the terminal (follow-ups work)"))
    _scoped(p)
    p.set_defaults(func=cmd_chat)

    p = common(sub.add_parser("info", help="show the corpus, index and backend"))
    p.set_defaults(func=cmd_info)

    p = common(sub.add_parser("add", help="copy files or folders into the corpus and index them"))
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.set_defaults(func=cmd_add, generator="extractive")

    p = common(sub.add_parser("remove", help="take a document out of the corpus and the index"))
    p.add_argument("name", help="the document's name, as `list` shows it")
    p.set_defaults(func=cmd_remove, generator="extractive")

    p = common(sub.add_parser("list", help="list the documents: type, pages, chunks, indexed at"))
    p.add_argument("--json", action="store_true", help="print the list as JSON")
    p.set_defaults(func=cmd_list, generator="extractive")

    p = common(sub.add_parser("mcp", help="serve the MCP tools search, ask and list_documents "
                                          "(stdio; --http for streamable HTTP)"))
    p.add_argument("--http", action="store_true",
                   help="serve streamable HTTP at http://HOST:PORT/mcp instead of stdio")
    _listening(p, port=7862)
    p.set_defaults(func=cmd_mcp)

    p = common(sub.add_parser("serve", help="serve the OpenAI-compatible API "
                                            "(/v1/models, /v1/chat/completions)"))
    _listening(p, port=7861)
    p.set_defaults(func=cmd_serve)

    cli_collections.add_parser(sub)

    p = sub.add_parser("install-model", help="assemble and verify the default local model")
    p.add_argument("--dir", default=None, help="model directory (default: models/)")
    p.set_defaults(func=cmd_install_model)
    return ap


def _scoped(p: argparse.ArgumentParser) -> None:
    p.add_argument("-d", "--document", action="append", dest="documents", metavar="NAME",
                   help="answer from this document only (as `list` names it); repeat for several")


def _listening(p: argparse.ArgumentParser, port: int) -> None:
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1; another needs ASSISTANT_AUTH)")
    p.add_argument("--port", type=int, default=port, help=f"port (default {port})")


READING = "never"  # a reading command never moves a damaged index aside: it says to --repair


def _load(args, **extra):
    from .core import Assistant

    return Assistant.load(corpus=args.corpus, index=args.index, generator=args.generator,
                          collection=args.chroma_name,
                          embedder=getattr(args, "embedder_name", None), **extra)


def cmd_index(args) -> int:
    if args.check or args.repair:
        return cmd_health(args)
    if args.purge_quarantined:
        return cmd_purge(args)
    bar = ProgressBar(enabled=sys.stderr.isatty())
    try:
        bot = _load(args, rebuild=args.rebuild, progress=bar)
    finally:
        bar.close()
    r = bot.sync_report
    print(f"index {bot.info()['index']}: {bot.index.count()} chunks from "
          f"{len(bot.documents)} documents in {r.seconds:.1f} s")
    for line in r.describe():
        print(f"  {line}")
    for s in bot.corpus.skipped:
        print(f"  skipped {s.path}: {s.reason}", file=sys.stderr)
    if not bot.documents:
        print(f"no documents yet in {bot.config.corpus}: add files with `python -m assistant add "
              f"FILE…`", file=sys.stderr)
    return 0


def cmd_health(args) -> int:
    """`index --check`: what is wrong, per document (exit 1), or one "ok" line (exit 0).
    `index --repair`: that, then what was re-embedded, then the check again."""
    index, corpus = _open_index(args, repair=args.repair)
    try:
        if args.check:
            report = index.check()
            _print_health(report)
            return 0 if report.ok else 1
        bar = ProgressBar(enabled=sys.stderr.isatty())
        try:
            result = index.repair(corpus, progress=bar)
        finally:
            bar.close()
    finally:
        index.close()
    if not result.before.ok:
        print("found:")
        _print_health(result.before, summary=False)
    print("did:")
    for line in result.sync.describe():
        print(f"  {line}")
    _print_health(result.after)
    return 0 if result.after.ok else 1


def cmd_purge(args) -> int:
    """`index --purge-quarantined`: delete the set-aside copies of the index, one line each."""
    from .config import Config
    from .store.files import purge_quarantined

    index = Config.load(corpus=args.corpus, index=args.index, generator=args.generator).index
    removed = 0
    for path in purge_quarantined(index):
        print(f"removed {path}")
        removed += 1
    if not removed:
        print(f"no set-aside copies of {index}")
    return 0


def _open_index(args, repair: bool):
    """The index alone (and, to repair, the corpus), without the sync `Assistant.load` runs:
    a check changes nothing, and never sets a damaged index aside."""
    from .config import Config
    from .core import _read_corpus, named_embedder
    from .errors import IndexUnusable
    from .index import ChromaIndex, StoreConfig

    cfg = Config.load(corpus=args.corpus, index=args.index, generator=args.generator,
                      collection=args.chroma_name, embedder=getattr(args, "embedder_name", None))
    corpus = _read_corpus(cfg) if repair else None
    if not repair and not cfg.chroma_host and not (cfg.index / "chroma.sqlite3").exists():
        raise IndexUnusable(f"There is no index at {cfg.index}: build it with "
                            f"`python -m assistant index`.")
    store = StoreConfig(path=cfg.index, name=cfg.collection, host=cfg.chroma_host,
                        port=cfg.chroma_port)
    return ChromaIndex(store, named_embedder(cfg.embedder), recover=repair), corpus


def _print_health(report, summary: bool = True) -> None:
    for line in report.describe():
        print(f"  {line}")
    if summary:
        print(report.summary())


def cmd_ask(args) -> int:
    bot = _load(args, recover=READING)
    if args.json:
        print(json.dumps(bot.ask(args.question, documents=args.documents).to_dict(), indent=2,
                         ensure_ascii=False))
        return 0
    show(bot.ask_stream(args.question, documents=args.documents, checked=True))
    return 0


def cmd_chat(args) -> int:
    bot = _load(args, recover=READING)
    info = bot.info()
    print(f"Chatting with {info['documents']} documents ({info['generator']}"
          f"{', ' + info['model'] if info['model'] else ''}). "
          f"/clear starts over, /quit or Ctrl-D leaves.")
    session = bot.chat()
    bot.scope(args.documents)  # a wrong name stops here, not at the first question
    while True:
        try:
            line = input("\nyou> ").strip()
        except EOFError:
            print()
            return 0
        if line in ("/quit", "/exit"):
            return 0
        if line == "/clear":
            session.clear()
            print("(conversation cleared)")
            continue
        if not line:
            continue
        try:
            show(session.ask_stream(line, args.documents, checked=True))
        except AssistantError as exc:
            print(f"error: {exc}")
        except Exception as exc:  # one failed answer must not end the conversation
            if os.environ.get("ASSISTANT_DEBUG"):
                raise
            print(f"\n{_unexpected(exc)}")


def cmd_info(args) -> int:
    bot = _load(args, recover=READING)
    print(json.dumps(bot.info(), indent=2))
    for d in bot.documents:
        print(f"  {printable(d.source)}  {d.date or '----------'}  {d.title}")
    return 0


def cmd_add(args) -> int:
    """Exit 0 when every file was added or already there, 1 when some were skipped."""
    from .documents import add_to_folder

    _require_writable_index(args)  # before a file is copied: a refusal must change nothing
    bar = ProgressBar(enabled=sys.stderr.isatty())
    try:  # an empty or new folder works too
        outcomes = add_to_folder(args.corpus, args.paths, progress=bar)
        bot = _load(args, progress=bar)
    finally:
        bar.close()
    report = bot.sync_report
    for o in outcomes:
        print(o.describe(), file=sys.stderr if o.status == "skipped" else sys.stdout)
    print(f"index: {bot.index.count()} chunks from {len(bot.documents)} documents "
          f"({report.seconds:.1f} s)")
    return 1 if any(o.status == "skipped" for o in outcomes) else 0


def _require_writable_index(args) -> None:
    """`IndexReadOnly` (naming what is read-only) when this process may not write the index
    and the lock file beside it, which opening the index after the copy would find."""
    from .config import Config
    from .store.files import require_access

    index = Path(Config.load(corpus=args.corpus, index=args.index, generator=args.generator).index)
    require_access(index, index.parent / f".{index.name}.lock")  # the store's lock file


def cmd_remove(args) -> int:
    bot = _load(args)
    where, _ = bot.remove(args.name)
    print(f"removed {args.name} from the index; the file is kept at {where}")
    return 0


def cmd_list(args) -> int:
    bot = _load(args, recover=READING)
    rows = bot.list_documents()
    if args.json:
        print(json.dumps([r.to_dict() for r in rows], indent=2, ensure_ascii=False))
        return 0
    names = [printable(r.name) for r in rows]
    width = max([len(n) for n in names] + [4])
    print(f"{'name':{width}}  {'type':8}  {'pages':>5}  {'chunks':>6}  indexed at")
    for r, name in zip(rows, names):
        pages = "" if r.pages is None else str(r.pages)
        chunks = "" if r.chunks is None else str(r.chunks)
        print(f"{name:{width}}  {r.format:8}  {pages:>5}  {chunks:>6}  {r.indexed_at or 'not indexed'}")
    for s in bot.corpus.skipped:
        print(f"skipped {printable(s.path)}: {s.reason}", file=sys.stderr)
    return 0


def cmd_mcp(args) -> int:
    from .serve import mcp_server

    service, logins, names = _serving(args, http=args.http)
    if args.http:
        print(f"MCP over streamable HTTP at http://{args.host}:{args.port}/mcp", file=sys.stderr)
        mcp_server.run_http(service, args.host, args.port, logins, names)
    else:
        mcp_server.run_stdio(service)
    return 0


def cmd_serve(args) -> int:
    from .serve import openai_api

    service, logins, names = _serving(args, http=True)
    print(f"OpenAI-compatible API at http://{args.host}:{args.port}/v1", file=sys.stderr)
    openai_api.serve(service, args.host, args.port, logins, names)
    return 0


def _serving(args, http: bool):
    """The service (its assistant loading in the background, so the server answers at once),
    the logins and the names the server answers to besides loopback's (ASSISTANT_ALLOWED_HOSTS),
    once the settings are known to be good: a bad one stops here."""
    from .config import Config
    from .serve import Service
    from .serve.auth import load_auth, refuse_exposure

    cfg = Config.load(corpus=args.corpus, index=args.index, generator=args.generator)
    logins = load_auth(cfg.auth) if http else None
    if http:
        refuse_exposure(args.host, logins)
    service = Service.load(corpus=args.corpus, index=args.index, generator=args.generator,
                           collection=args.collection, collections=args.collections)
    return service, logins, cfg.allowed_hosts


def cmd_install_model(args) -> int:
    from .config import Config
    from .models import install_model

    target = Path(args.dir) if args.dir else Config.load().model_path.parent
    install_model(target, log=lambda msg: print(msg, file=sys.stderr))
    return 0
