"""The Assistant: the one entry point. A question reads top to bottom:

    validate → (condense, in chat) → retrieve → gather evidence → generate → verify → Answer
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

from .backends import make_generator
from .chat import ChatSession
from .answering.citations import located
from .answering.condense import condense
from .config import Config
from .corpus import Corpus
from .documents import (DocumentInfo, FileOutcome, copy_in, corpus_folder, list_documents,
                        remove_file)
from .documents import read_folder as _read_corpus  # one name, so a benchmark can time it
from .embeddings import Embedder, LocalEmbedder, embed_query, make_embedder
from .errors import InvalidQuestion
from .answering.evidence import Evidence, gather
from .answering.judging import judged
from .answering.judge import Judge, load_judge
from .index import ChromaIndex, StoreConfig, SyncProgress, SyncReport
from .answering.overview import plan
from .answering.lookalike import marked
from .language.questions import TIMELINE, asks_for_timeline, overview_kind, search_text
from .language.terms import DocumentTerms, warm_up as warm_up_language
from .retrieval import HybridRetriever
from .text import tokenize
from .types import Answer, Checked, Document, DocumentMeta, Passage, as_sent, final_answer

log = logging.getLogger(__name__)
NO_DOCUMENTS = ("There are no documents yet in {corpus}. Add files to that folder (or with "
                "`python -m assistant add FILE…`, or the chat's Documents tab), then ask again.")
TERMS_CACHED = 64  # documents whose stated terms are kept for the look-alike check


class Assistant:
    """Answers questions about a corpus with verbatim, numbered citations.

    Build one with `Assistant.load()`; it opens (and if needed builds or updates) the index.
    """

    def __init__(self, config: Config, corpus: Corpus, index: ChromaIndex, embedder: Embedder,
                 generator, sync_report: SyncReport, judge: Judge | None = None):
        self.config = config
        self.judge = judge or load_judge()
        self.corpus = corpus
        self.index = index
        self.embedder = embedder
        self.generator = generator
        self.sync_report = sync_report
        self.retriever = self._retriever_for(corpus)
        self._generation = index.manifest.generation
        self._following = threading.Lock()
        # Finding the evidence (embedder, BM25, Chroma, judge, tagger) runs one question at a
        # time and is short; the answers themselves are generated side by side (local: slots).
        self._reading = threading.RLock()
        self._terms: dict[tuple[str, str], DocumentTerms] = {}

    @classmethod
    def load(cls, corpus: str | Path | None = None, index: str | Path | None = None,
             generator: Any = None, *, embedder: Embedder | str | None = None, llm: Any = None,
             rebuild: bool = False, progress: Callable[[SyncProgress], None] | None = None,
             judge: Judge | None = None, recover: str = "damaged",
             **settings: Any) -> "Assistant":
        """Open the assistant over `corpus` (default seeds/) with its index (default index/).

        `generator` is a backend name ("local", "extractive", "ollama", "openai", "fake") or a
        generator object; `llm` supplies a ready LLM for the generative backends (tests pass a
        scripted fake). `judge` replaces the shipped judge (tests pass `FakeJudge`). `embedder`:
        an embedder, or the name of one ("minilm", "multilingual"; default: the `embedder`
        setting); one chosen by name re-indexes an index another one built, saying why.
        `progress`, if given, is called with a `SyncProgress` (files and chunks done of total,
        the file just finished) as the index is brought up to date. `recover`: what to do with
        an index whose files are damaged: "damaged" sets it aside (kept) and rebuilds it;
        "never" (what reading commands use) leaves it where it is and raises `IndexUnusable`
        saying to run `python -m assistant index --repair`.
        Other keyword arguments are settings (see `assistant.config`).
        """
        name = generator if isinstance(generator, str) or generator is None else "custom"
        chosen = embedder is None or isinstance(embedder, str)  # by name: may switch
        cfg = Config.load(corpus=corpus, index=index,
                          generator=None if name == "custom" else name,
                          embedder=embedder if isinstance(embedder, str) else None, **settings)
        corpus_folder(cfg)
        docs = _read_corpus(cfg, progress)
        embedder = named_embedder(cfg.embedder) if chosen else embedder
        store = ChromaIndex(StoreConfig(path=cfg.index, name=cfg.collection, host=cfg.chroma_host,
                                        port=cfg.chroma_port), embedder, recover=recover,
                            switch_embedder=chosen)
        report = store.sync(docs, rebuild=rebuild, progress=progress)
        store.verify()  # the cheap health check: a damaged index is an error saying to repair
        judge = judge or load_judge()
        gen = generator if name == "custom" else make_generator(
            cfg, embedder, llm=llm, threshold=getattr(judge, "threshold", None))
        bot = cls(cfg, docs, store, embedder, gen, report, judge)
        llm_warm_up = (gen.warm_up if getattr(getattr(gen, "llm", None), "caches_prefix", False)
                       else None)
        bot._warm_up = threading.Thread(target=_warm_up, args=(llm_warm_up,), name="warm-up",
                                        daemon=True)
        bot._warm_up.start()
        return bot

    def wait_until_ready(self, timeout: float | None = None) -> None:
        """Block until the background model warm-up (if any) has finished."""
        warm = getattr(self, "_warm_up", None)
        if warm is not None:
            warm.join(timeout)

    # ------------------------------------------------------------ what it knows

    @property
    def documents(self) -> list[DocumentMeta]:
        return [d.meta for d in self.corpus.documents]

    def list_documents(self) -> list[DocumentInfo]:
        """Every document with its format, pages, chunks and when it was indexed."""
        self.refresh()
        return list_documents(self.corpus, self.index.manifest.documents())

    def add(self, paths, progress: Callable[[SyncProgress], None] | None = None
            ) -> tuple[list[FileOutcome], SyncReport]:
        """Copy files (or every file under folders) into the corpus folder and index them.
        Returns what happened to each file (added, updated, duplicate, unchanged, skipped with
        its reason) and what the index did. Unreadable files are never copied."""
        self.refresh()  # duplicates are judged against the corpus as it is now
        outcomes = copy_in(self.config, self.corpus, paths, progress)
        return outcomes, self._resync(progress)

    def remove(self, name: str, progress: Callable[[SyncProgress], None] | None = None
               ) -> tuple[Path, SyncReport]:
        """Take document `name` out of the corpus and the index. The file is moved to the
        corpus's `.removed/` folder, not deleted; returns where it went."""
        self.refresh()
        where = remove_file(self.corpus, name)
        return where, self._resync(progress)

    def _resync(self, progress) -> SyncReport:
        report = self.index.sync(_read_corpus(self.config, progress), progress=progress)
        self.refresh()  # the sync settled a new generation: read it like any other change
        return report

    def source_text(self, source: str) -> str:
        """The full text of a corpus document, as read from its file."""
        return self.corpus.get(source).text

    def info(self) -> dict[str, Any]:
        return {
            "generator": self.generator.name,
            "model": getattr(self.generator, "model", None),
            "embedder": self.embedder.identity,
            "corpus": str(self.config.corpus),
            "index": (f"chroma://{self.config.chroma_host}:{self.config.chroma_port}"
                      if self.config.chroma_host else str(self.config.index)),
            "documents": len(self.corpus.documents),
            "chunks": self.index.count(),
            "skipped": [f"{s.path}: {s.reason}" for s in self.corpus.skipped],
        }

    # ------------------------------------------------------------ asking

    def validate(self, question: Any) -> str:
        if not isinstance(question, str):
            raise InvalidQuestion(f"A question must be text. Currently, it is {type(question).__name__}")
        q = question.strip()
        if not q:
            raise InvalidQuestion("The question is empty: type a question about the documents.")
        if len(q) > self.config.max_question_chars:
            raise InvalidQuestion(
                f"The question is {len(q):,} characters long; the limit is "
                f"{self.config.max_question_chars:,}. Ask about one thing at a time.")
        return q

    def _retriever_for(self, corpus: Corpus) -> HybridRetriever:
        return HybridRetriever(self.index, self.embedder, {d.source: d.meta for d in corpus.documents})

    def refresh(self) -> bool:
        """Pick up what another process changed in the index (`python -m assistant index`, or
        another app's upload) and return whether the view was renewed. Called before every
        question, at the cost of one small manifest read. A change is picked up only once its
        writer has finished (its BM25 copy is saved), never half-way."""
        settled = self.index.settled_generation()
        if settled is None or settled == self._generation:
            return False
        with self._following:
            if settled == self._generation:
                return False
            corpus = _read_corpus(self.config)
            self.index.reopen()
            self.retriever = self._retriever_for(corpus)
            self.corpus = corpus
            self._generation = settled
        log.info("the index changed (generation %d): %d documents", settled, len(corpus.documents))
        return True

    def retrieve(self, question: str, k: int = 5, mode: str = "hybrid",
                 documents: Sequence[str] | None = None) -> list[Passage]:
        """The `k` best passages; of the named `documents` only, when given."""
        q = self.validate(question)
        with self._reading:
            self.refresh()
            return self.retriever.search(q, k=k, mode=mode, sources=self.scope(documents))

    def evidence(self, question: str, documents: Sequence[str] | None = None) -> Evidence:
        q = self.validate(question)
        with self._reading:
            self.refresh()
            return self._evidence(q, self.scope(documents))

    def scope(self, documents: Sequence[str] | None) -> frozenset[str] | None:
        """The documents a question is limited to (None: all), each checked to be one of the
        corpus's: an unknown name is an InvalidQuestion naming it and the documents there are."""
        if documents is None:
            return None
        if isinstance(documents, str) or not all(isinstance(d, str) for d in documents):
            raise InvalidQuestion(f"documents must be a list of document names. Currently, it "
                                  f"is {documents!r}")
        if not documents:
            raise InvalidQuestion("documents is empty: name at least one document, or leave it "
                                  "out to ask about all of them.")
        unknown = [d for d in documents if self._document_of(d) is None]
        if unknown:
            known = sorted(d.source for d in self.corpus.documents)
            listed = ", ".join(known[:20]) + (" …" if len(known) > 20 else "")
            raise InvalidQuestion(f"No document named {', '.join(map(repr, unknown))}. The "
                                  f"documents are: {listed or '(none yet)'}")
        return frozenset(documents)

    def _evidence(self, q: str, sources: frozenset[str] | None = None,
                  overview: bool = True) -> Evidence:
        """The evidence for `q` (within `sources`); with `overview`, for a question that wants
        a set of passages, its points chosen (`overview.plan`)."""
        topic = search_text(q, tokenize)
        vector = embed_query(self.embedder, [topic])[0]
        passages = self.retriever.search(topic, k=self.config.passages, vector=vector,
                                         sources=sources)
        sentences, vectors = self.index.sentences_of([p.chunk_id for p in passages], edges=True)
        wants = overview and (overview_kind(q) or (
            (TIMELINE, None) if asks_for_timeline(q) else None))
        asked = topic if wants and wants[0] != TIMELINE else q  # a summary or list: its subject
        evidence = judged(gather(asked, passages, sentences, vectors, vector, self.retriever.idf),
                          self.judge, section_of=self._section_of, asked=q)
        evidence = marked(evidence, q, wants[0] if wants else None, self._terms_of,  # look-alike
                          lambda w: bool(self.retriever.lexical.scores([w], 1, sources)),
                          (m.date for s, m in self.retriever.documents.items()
                           if not sources or s in sources))
        if not wants:
            return evidence
        bar = (self.config.abstain_below if self.config.abstain_below is not None  # coverage:
               else getattr(self.judge, "threshold", 0.5))  # a summary, list or comparison
        documents = {s: m for s, m in self.retriever.documents.items()
                     if sources is None or s in sources}
        def wider():  # the sentences of a search four times as wide (a history's sources)
            return self.index.sentences_of([p.chunk_id for p in self.retriever.search(
                topic, k=4 * self.config.passages, vector=vector, sources=sources)])
        def ask_in(source, question):  # a question of one fact, asked of one document alone
            return self._evidence(question, frozenset({source}), overview=False)
        return plan(q, *wants, evidence, vector, documents, self.index.document_sentences, bar,
                    document_of=self._document_of, wider=wider, ask_in=ask_in)

    def _document_of(self, source: str) -> Document | None:
        """The corpus's document of this name, or None."""
        try:
            return self.corpus.get(source)
        except KeyError:
            return None

    def _section_of(self, s) -> str | None:
        """The heading path a sentence sits under, for the judge's reading of it."""
        document = self._document_of(s.source)
        return document.section_at(s.start) if document else None

    def _terms_of(self, source: str) -> DocumentTerms | None:
        """What a document states, for the look-alike check (kept for the last documents)."""
        doc = self._document_of(source)
        if doc is None:
            return None
        key = (source, doc.meta.sha256)
        if key not in self._terms:
            if len(self._terms) >= TERMS_CACHED:
                self._terms.pop(next(iter(self._terms)))
            self._terms[key] = DocumentTerms.of(f"{doc.text}\n{doc.meta.title} "
                                                f"{(doc.meta.date or '').replace('-', ' ')}")
        return self._terms[key]

    def ask(self, question: str, documents: Sequence[str] | None = None) -> Answer:
        """The checked, cited answer; about the named `documents` only, when given."""
        return final_answer(self.ask_stream(question, documents=documents))

    def ask_stream(self, question: str, standalone: str | None = None,
                   documents: Sequence[str] | None = None, checked: bool = False
                   ) -> Iterator[str | Answer]:
        """Yield answer text as it is generated, then the final, verified Answer. With
        `checked`, only checked text: each sentence once it is checked (the pieces, joined, are
        the Answer's text); without, the model's draft, which the check may change."""
        return as_sent(self._answer_stream(question, standalone, documents), checked)

    def _answer_stream(self, question: str, standalone: str | None,
                       documents: Sequence[str] | None) -> Iterator[str | Checked | Answer]:
        t0 = time.perf_counter()
        q = self.validate(question)
        self.refresh()
        if not self.corpus.documents:  # a new or emptied folder: say so, not "don't say"
            text = NO_DOCUMENTS.format(corpus=self.config.corpus)
            yield text
            yield _finish(Answer(question=q, text=text, abstained=True,
                                 generator=self.generator.name), q, standalone,
                          {"total_s": time.perf_counter() - t0})
            return
        evidence = self.evidence(standalone or q, documents)
        t_retrieved = time.perf_counter()
        for item in self.generator.stream(standalone or q, evidence):
            if isinstance(item, Answer):
                timings = {"retrieve_s": t_retrieved - t0, "total_s": time.perf_counter() - t0,
                           "judge_s": evidence.judge_s, **item.timings}
                yield located(_finish(item, q, standalone, timings), self.corpus.get)
            else:
                yield item

    def condense(self, history: list[tuple[str, str]], question: str) -> str:
        """The standalone form of a follow-up question, given (question, answer) history."""
        return condense(history, self.validate(question), getattr(self.generator, "llm", None))

    def chat(self) -> ChatSession:
        return ChatSession(self)

    def close(self) -> None:
        close = getattr(self.generator, "close", None)
        if close:
            close()
        self.index.close()

    def __enter__(self) -> "Assistant":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------ llama-index
    # llama-index is imported inside these methods, never when the package is: most users never
    # need it, and it costs about a second to import.

    def as_retriever(self, k: int = 5):
        """This assistant's hybrid retrieval as a llama-index `BaseRetriever`: nodes hold the
        passages verbatim, with source, offsets, title and date, for stock query engines,
        node postprocessors and tools."""
        from .integrations.llama_index import AssistantRetriever

        return AssistantRetriever(self, k=k)

    def as_query_engine(self, streaming: bool = False):
        """A llama-index `BaseQueryEngine` answering with this assistant's checked answers:
        `source_nodes` are the cited quotes and `metadata["answer"]` the whole `Answer`.
        With `streaming`, a `StreamingResponse`; see `assistant.integrations.llama_index`."""
        from .integrations.llama_index import AssistantQueryEngine

        return AssistantQueryEngine(self, streaming=streaming)

    def as_chat_engine(self):
        """A llama-index `BaseChatEngine` over a new conversation (`chat()`): follow-ups are
        rewritten from the conversation, replies are checked and cited like `ask`."""
        from .integrations.llama_index import AssistantChatEngine

        return AssistantChatEngine(self)


def named_embedder(name: str) -> Embedder:
    """The embedder a setting names: "minilm" (`LocalEmbedder`, what tests replace) or one
    loaded once per process (`make_embedder`)."""
    return LocalEmbedder() if name == "minilm" else make_embedder(name)


def _warm_up(llm_warm_up: Callable[[], None] | None) -> None:
    """In the background after loading: the language tagger (the look-alike check's), then
    the model's fixed prompt prefix. A failure here is met again, and reported, on use."""
    try:
        warm_up_language()
    except Exception:  # noqa: BLE001 - reported by the first question that needs it
        log.exception("could not load the English pipeline (spaCy)")
    if llm_warm_up is not None:
        llm_warm_up()


def _finish(answer: Answer, question: str, standalone: str | None, timings: dict) -> Answer:
    return replace(answer, question=question,
                   standalone_question=standalone if standalone and standalone != question else None,
                   timings=timings)
