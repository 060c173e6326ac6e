"""What the MCP server and the OpenAI-compatible API cost over asking in process, on golden
questions: each door's latency (p50/p95), the streamed reply's first text, each server's start
(process start to its first answer), and whether every door gives the in-process answer.

    python -m evals.serve_bench -g extractive --questions 12
    python -m evals.serve_bench -g local --questions 12

The servers run as a user runs them (`python -m assistant serve`, `python -m assistant mcp` on
stdio, spawned by the SDK's client), one after another, on a temporary copy of the index.
Figures are printed and written to evals/results/serve-bench-<generator>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import anyio
import httpx

from assistant import Assistant
from assistant.serve.openai_chat import SOURCES, answer_of
from evals.golden import load_golden

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).with_name("results")


def summary(seconds: list[float]) -> dict:
    ordered = sorted(seconds)
    return {"n": len(ordered), "p50": round(statistics.median(ordered), 3),
            "p95": round(ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))], 3),
            "max": round(ordered[-1], 3)}


def in_process(corpus: Path, index: Path, generator: str, questions: list[str]) -> dict:
    with Assistant.load(corpus=corpus, index=index, generator=generator) as bot:
        bot.wait_until_ready()
        bot.ask(questions[0])  # warm, as a running server is
        texts, times = [], []
        for q in questions:
            t = time.perf_counter()
            texts.append(bot.ask(q).text)
            times.append(time.perf_counter() - t)
    return {"texts": texts, "seconds": times}


def openai_api(env: dict, generator: str, questions: list[str], port: int) -> dict:
    import openai

    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "assistant", "serve", "-g", generator,
                             "--port", str(port)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        _wait_listening(f"http://127.0.0.1:{port}/v1/models", proc)
        client = openai.OpenAI(base_url=f"http://127.0.0.1:{port}/v1", api_key="none",
                               max_retries=0, timeout=600)

        def ask(q: str, **kw):
            return client.chat.completions.create(
                model="assistant", messages=[{"role": "user", "content": q}], **kw)
        ask(questions[0])
        started = time.perf_counter() - t0
        texts, whole, first, streamed = [], [], [], []
        for q in questions:
            t = time.perf_counter()
            texts.append(ask(q).choices[0].message.content.split(SOURCES)[0])
            whole.append(time.perf_counter() - t)
            t, got, parts = time.perf_counter(), None, []
            for chunk in ask(q, stream=True):
                piece = chunk.choices[0].delta.content if chunk.choices else None
                if piece and got is None:
                    got = time.perf_counter() - t
                parts.append(piece or "")
            first.append(got)
            streamed.append(time.perf_counter() - t)
            texts.append(answer_of("".join(parts)))
    finally:
        proc.terminate()
        proc.wait(30)
    return {"start_to_first_answer_s": round(started, 2), "texts": texts, "seconds": whole,
            "stream_first_text": first, "stream_seconds": streamed}


def _wait_listening(url: str, proc: subprocess.Popen, timeout: float = 600) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited: {proc.stderr.read()[-2000:]}")
        try:
            httpx.get(url, timeout=timeout)  # answers once the assistant has loaded
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer in {timeout} s")


def mcp_stdio(env: dict, generator: str, questions: list[str]) -> dict:
    from mcp import Client, StdioServerParameters

    params = StdioServerParameters(command=sys.executable, cwd=str(ROOT),
                                   args=["-m", "assistant", "mcp", "-g", generator], env=env)

    async def session() -> dict:
        t0 = time.perf_counter()
        async with Client(params) as client:
            await client.call_tool("ask", {"question": questions[0]})
            started = time.perf_counter() - t0
            texts, times = [], []
            for q in questions:
                t = time.perf_counter()
                result = await client.call_tool("ask", {"question": q})
                times.append(time.perf_counter() - t)
                texts.append(result.structured_content["text"])
        return {"start_to_first_answer_s": round(started, 2), "texts": texts, "seconds": times}
    return anyio.run(session)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-g", "--generator", default="extractive")
    ap.add_argument("--questions", type=int, default=12, help="the first N golden questions")
    ap.add_argument("--corpus", default=str(ROOT / "seeds"))
    ap.add_argument("--port", type=int, default=7971)
    args = ap.parse_args(argv)
    questions = [g.question for g in load_golden()[:args.questions]]
    work = Path(tempfile.mkdtemp(prefix="serve-bench-"))
    try:
        index = work / "index"
        floor = in_process(Path(args.corpus), index, args.generator, questions)
        env = {**os.environ, "ASSISTANT_CORPUS": args.corpus, "ASSISTANT_INDEX": str(index),
               "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
        api = openai_api(env, args.generator, questions, args.port)
        mcp = mcp_stdio(env, args.generator, questions)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report = _report(args.generator, questions, floor, api, mcp)
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"serve-bench-{args.generator}.json"
    out.write_text(json.dumps(report, indent=2))
    print(json.dumps({k: v for k, v in report.items() if k != "questions"}, indent=2))
    print(f"written to {out}")
    return 0


def _report(generator: str, questions: list[str], floor: dict, api: dict, mcp: dict) -> dict:
    same = lambda texts, per: [t.strip() == floor["texts"][i // per].strip()  # noqa: E731
                               for i, t in enumerate(texts)]
    return {
        "generator": generator, "questions": questions, "machine_cpus": os.cpu_count(),
        "in_process_ask_s": summary(floor["seconds"]),
        "openai_api": {"ask_s": summary(api["seconds"]),
                       "stream_first_text_s": summary(api["stream_first_text"]),
                       "stream_done_s": summary(api["stream_seconds"]),
                       "start_to_first_answer_s": api["start_to_first_answer_s"],
                       "same_answer_as_in_process": sum(same(api["texts"], 2)) / len(api["texts"])},
        "mcp_stdio": {"ask_s": summary(mcp["seconds"]),
                      "start_to_first_answer_s": mcp["start_to_first_answer_s"],
                      "same_answer_as_in_process": sum(same(mcp["texts"], 1)) / len(mcp["texts"])},
    }


if __name__ == "__main__":
    sys.exit(main())
