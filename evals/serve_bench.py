"""What the MCP server and the OpenAI-compatible API cost over asking in process, on golden
questions: each door's latency (p50/p95) and its median ratio to the in-process answer of the
same question, the streamed reply's first text, each server's start (process start to its
first answer, the two servers starting at once), and whether every door gives the in-process
answer.

    python -m evals.serve_bench -g extractive --questions 24
    python -m evals.serve_bench -g local --questions 24

The servers run as a user runs them (`python -m assistant serve`; `python -m assistant mcp`
on stdio, spawned by the SDK's client) over a temporary index, beside an in-process
`Assistant`; each question is asked through every door in turn (the API server plainly or
streamed, turn about), so a shared machine's load falls on all of them alike. Figures are printed and written to
evals/results/serve-bench-<generator>.json.
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


class Doors:
    """The same assistant behind each door, all open at once so that every question is asked
    through each of them in turn, under the same load (the machine is shared)."""

    def __init__(self, bot: Assistant, api, mcp):
        self.bot, self.api, self.mcp = bot, api, mcp

    def in_process(self, q: str) -> tuple[str, float]:
        t = time.perf_counter()
        return self.bot.ask(q).text, time.perf_counter() - t

    def openai(self, q: str) -> tuple[str, float]:
        t = time.perf_counter()
        reply = self.api.chat.completions.create(model="assistant", messages=_user(q))
        return reply.choices[0].message.content.split(SOURCES)[0], time.perf_counter() - t

    def openai_stream(self, q: str) -> tuple[str, float, float | None]:
        t, first, parts = time.perf_counter(), None, []
        for chunk in self.api.chat.completions.create(model="assistant", messages=_user(q),
                                                      stream=True):
            piece = chunk.choices[0].delta.content if chunk.choices else None
            if piece and first is None:
                first = time.perf_counter() - t
            parts.append(piece or "")
        return answer_of("".join(parts)), time.perf_counter() - t, first

    async def mcp_ask(self, q: str) -> tuple[str, float]:
        t = time.perf_counter()
        result = await self.mcp.call_tool("ask", {"question": q})
        return result.structured_content["text"], time.perf_counter() - t


def _user(q: str) -> list[dict]:
    return [{"role": "user", "content": q}]


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
        report = anyio.run(measure, args, questions, work / "index")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"serve-bench-{args.generator}.json"
    out.write_text(json.dumps(report, indent=2))
    print(json.dumps({k: v for k, v in report.items() if k != "questions"}, indent=2))
    print(f"written to {out}")
    return 0


async def measure(args, questions: list[str], index: Path) -> dict:
    import openai
    from mcp import Client, StdioServerParameters

    corpus, gen = Path(args.corpus), args.generator
    bot = Assistant.load(corpus=corpus, index=index, generator=gen)  # builds the index
    env = {**os.environ, "ASSISTANT_CORPUS": str(corpus), "ASSISTANT_INDEX": str(index),
           "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "assistant", "serve", "-g", gen,
                             "--port", str(args.port)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    params = StdioServerParameters(command=sys.executable, cwd=str(ROOT),
                                   args=["-m", "assistant", "mcp", "-g", gen], env=env)
    try:
        async with Client(params) as mcp:
            api = openai.OpenAI(base_url=f"http://127.0.0.1:{args.port}/v1", api_key="none",
                                max_retries=0, timeout=900)
            doors = Doors(bot, api, mcp)
            _wait_listening(f"http://127.0.0.1:{args.port}/v1/models", proc)
            doors.openai(questions[0])
            api_started = time.perf_counter() - t0
            await doors.mcp_ask(questions[0])
            mcp_started = time.perf_counter() - t0
            bot.wait_until_ready()
            doors.in_process(questions[0])
            rows = [await _round(doors, i, q) for i, q in enumerate(questions)]
    finally:
        proc.terminate()
        proc.wait(30)
        bot.close()
    return _report(gen, questions, rows, api_started, mcp_started)


async def _round(doors: Doors, i: int, q: str) -> dict:
    """Question `i` through each door once, the doors in a rotating order (so that none is
    always first after another's work). The API server is asked plainly or streamed, turn
    about: asked twice, its second answer would find the whole prompt in the model's cache."""
    api = ("openai", doors.openai) if i % 2 == 0 else ("openai_stream", doors.openai_stream)
    order = [("in_process", doors.in_process), api, ("mcp", None)]
    row = {}
    for name, ask in order[i % 3:] + order[:i % 3]:
        row[name] = await doors.mcp_ask(q) if ask is None else ask(q)
    return row


def _report(generator: str, questions: list[str], rows: list[dict], api_started: float,
            mcp_started: float) -> dict:
    """Per door: latency, its median ratio to the in-process answer of the same question, and
    how often its answer text is the in-process one."""
    def door(name: str) -> dict:
        asked = [r for r in rows if name in r]
        return {"seconds": summary([r[name][1] for r in asked]),
                "ratio_to_in_process_p50": round(statistics.median(
                    r[name][1] / r["in_process"][1] for r in asked), 3),
                "same_answer_as_in_process": sum(
                    r[name][0].strip() == r["in_process"][0].strip() for r in asked) / len(asked)}
    return {
        "generator": generator, "questions": questions, "machine_cpus": os.cpu_count(),
        "load_average_at_end": os.getloadavg(),
        "in_process": {"seconds": summary([r["in_process"][1] for r in rows])},
        "openai_api": {**door("openai"), "started_to_first_answer_s": round(api_started, 2)},
        "openai_api_streamed": {**door("openai_stream"), "first_text_s": summary(
            [r["openai_stream"][2] for r in rows if r.get("openai_stream", (0, 0, None))[2]])},
        "mcp_stdio": {**door("mcp"), "started_to_first_answer_s": round(mcp_started, 2)},
    }


if __name__ == "__main__":
    sys.exit(main())
