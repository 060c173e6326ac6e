"""The command line's collections: `--collection NAME` on the commands that take a corpus, and
`python -m assistant collections {list,create,rename,delete}` (assistant/collections.py).

A command given `--collection NAME` works on that collection's documents folder and index as
it would on `--corpus` and `--index`; `serve` and `mcp` serve every collection, and NAME is
the one used when a request names none.
"""

from __future__ import annotations

import argparse
import json

from .config import EMBEDDERS
from .errors import ConfigError

SERVING = ("serve", "mcp")  # they serve every collection: NAME is their default


def options(p: argparse.ArgumentParser) -> None:
    """`--collection NAME` and `--collections DIR` on a command that takes a corpus."""
    p.add_argument("--collection", metavar="NAME",
                   help="a named collection instead of --corpus/--index (see `collections`)")
    p.add_argument("--collections", metavar="DIR",
                   help="the collections folder (default: collections/ beside the index)")


def choose(args) -> None:
    """Point `args.corpus` and `args.index` at collection `args.collection` (and, on a Chroma
    server, `args.chroma_name` at its Chroma collections). `UnknownCollection` if there is none."""
    name = getattr(args, "collection", None)
    args.chroma_name = args.embedder_name = None
    if not name or args.command in SERVING:
        return
    if args.corpus or args.index:
        raise ConfigError("--collection names a collection's own documents folder and index: "
                          "give it, or --corpus and --index, not both.")
    where = library(args).where(name)
    args.corpus, args.index = str(where["corpus"]), str(where["index"])
    args.chroma_name = where.get("collection")
    args.embedder_name = where.get("embedder")


def library(args):
    from .collections import Library

    return Library(getattr(args, "collections", None), corpus=args.corpus, index=args.index)


def add_parser(sub) -> None:
    p = sub.add_parser("collections", help="list, create, rename or delete named collections")
    p.add_argument("--corpus", help="the default collection's corpus (default: seeds/)")
    p.add_argument("--index", help="the default collection's index (default: index/)")
    p.add_argument("--collections", metavar="DIR",
                   help="the collections folder (default: collections/ beside the index)")
    verbs = p.add_subparsers(dest="verb")
    v = verbs.add_parser("list", help="each collection, its documents and folder (the default)")
    v.add_argument("--json", action="store_true", help="print the list as JSON")
    v = verbs.add_parser("create", help="a new, empty collection")
    v.add_argument("name")
    v.add_argument("--embedder", choices=EMBEDDERS, help="minilm (English; the default "
                   "unless ASSISTANT_EMBEDDER says otherwise) or multilingual (other languages)")
    v = verbs.add_parser("embedder", help="choose a collection's embedder (its documents are "
                         "re-indexed when it is next opened)")
    v.add_argument("name")
    v.add_argument("embedder", choices=EMBEDDERS)
    v = verbs.add_parser("rename", help="rename a collection (nothing is re-indexed)")
    v.add_argument("old")
    v.add_argument("new")
    v = verbs.add_parser("delete", help="delete a collection: its documents and its index")
    v.add_argument("name")
    v.add_argument("--yes", action="store_true",
                   help="delete it (without --yes: say what would be removed, remove nothing)")
    p.set_defaults(func=run, verb=None, json=False)


def run(args) -> int:
    from .terminal import printable

    lib = library(args)
    if args.verb == "create":
        info = lib.create(args.name, embedder=args.embedder)
        print(f"created collection {printable(info.name)} ({info.embedder} embedder): add files with `python -m assistant "
              f"add FILE… --collection {printable(info.name)}` or into {info.corpus}/")
    elif args.verb == "embedder":
        before, info = lib.embedder_of(args.name), lib.set_embedder(args.name, args.embedder)
        if before == info.embedder:
            print(f"collection {printable(info.name)} already uses the {info.embedder} embedder")
        else:
            print(f"collection {printable(info.name)} now uses the {info.embedder} embedder "
                  f"(was {before}): its documents are re-indexed when it is next opened")
    elif args.verb == "rename":
        info = lib.rename(args.old, args.new)
        print(f"renamed collection {printable(args.old)} to {printable(info.name)} ({info.corpus}/)")
    elif args.verb == "delete":
        if not args.yes:
            print(f"deleting collection {printable(args.name)} would remove:")
            for line in lib.removes(args.name):
                print(f"  {line}")
            print("nothing was removed: run again with --yes to delete it")
            return 1
        for line in lib.delete(args.name):
            print(f"removed {line}")
    elif args.json:
        print(json.dumps([c.to_dict() for c in lib.list()], indent=2, ensure_ascii=False))
    else:
        rows = lib.list()
        width = max(len(printable(c.name)) for c in rows)
        for c in rows:
            note = "  (default)" if c.default else ""
            docs = f"{c.documents} document{'s' * (c.documents != 1)}"
            print(f"{printable(c.name):{width}}  {docs:<12}  {c.corpus}{note}")
    return 0
