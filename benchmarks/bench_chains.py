"""Chain-layer figures: parallel `analyze` wall time against the slowest chain, and prompt tokens per task.

The provider is real (OpenAI SDK, our provider code, parsing and guards) but its HTTP is answered by a
respx router that sleeps a simulated latency per task, so the figures need no key and no network.

    python benchmarks/bench_chains.py [--latency 0.4] [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

import httpx
import respx

from assistant.evaluation.replay import client_for, openai_chat_completion
from assistant.llm.chains import prompt_token_estimate
from assistant.llm.providers.openai_provider import OpenAIProvider
from assistant.tasks.drafts import TASK_NAMES, run_analyze, run_task

DRAFT_150_WORDS = (
    "Hi team, can we just add CSV export to the projects page by March 15? Acme's finance team asked for it "
    "because they copy the project table into Excel by hand every Friday, and their renewal is in April. "
    "It should be simple: one button that downloads every project with its owner, status, budget and dates. "
    "Ideally it also includes archived projects and custom fields, and works for large accounts with many "
    "projects. Sales says three other enterprise customers asked for the same thing last quarter. I'd like to "
    "announce it in the April newsletter, so the deadline doesn't really change. If possible, the export "
    "should respect permissions, so viewers only get the projects they can see. We might also want a "
    "scheduled weekly export by email later, but that's not needed now. Let me know if anything here is "
    "unclear or if there are better ways to do it; I'm happy to adjust the scope with you."
)
ANSWERS = {
    "RewriteAnswer": {"text": "Could we add CSV export to the projects page?", "changes": []},
    "QuestionsAnswer": {"questions": [{"category": "trade-offs", "text": "What would we drop to make room?"}]},
    "ComplexityAnswer": {"flags": []},
}
# Per-task simulated latency factors: the rewrite is the slowest chain.
LATENCY_FACTOR = {"RewriteAnswer": 1.0, "QuestionsAnswer": 0.7, "ComplexityAnswer": 0.5}


def _provider(latency: float) -> OpenAIProvider:
    router = respx.Router(assert_all_called=False)

    def answer(request: httpx.Request) -> httpx.Response:
        name = json.loads(request.content)["response_format"]["json_schema"]["name"]
        time.sleep(latency * LATENCY_FACTOR[name])
        return httpx.Response(200, json=openai_chat_completion(ANSWERS[name]))

    router.post("https://api.openai.com/v1/chat/completions").mock(side_effect=answer)
    return OpenAIProvider(api_key="sk-test-bench", http_client=client_for(router), sleep=lambda s: None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.4, help="simulated latency of the slowest chain (s)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    provider = _provider(args.latency)

    run_analyze(DRAFT_150_WORDS, provider=provider)  # warm-up: imports, prompt files, encodings
    walls, slowest = [], []
    for _ in range(args.runs):
        started = time.perf_counter()
        run_analyze(DRAFT_150_WORDS, provider=provider)
        walls.append(time.perf_counter() - started)
        per_task = []
        for task in TASK_NAMES:
            t0 = time.perf_counter()
            run_task(task, DRAFT_150_WORDS, provider=provider)
            per_task.append(time.perf_counter() - t0)
        slowest.append(max(per_task))
    wall, slow = statistics.median(walls), statistics.median(slowest)
    print(f"simulated latency: rewrite {args.latency:.2f} s, questions x0.7, complexity x0.5; {args.runs} runs")
    print(f"analyze wall time (median):      {wall:.3f} s")
    print(f"slowest single chain (median):   {slow:.3f} s")
    print(f"sum of the three chains:         {args.latency * sum(LATENCY_FACTOR.values()):.3f} s (simulated)")
    print(f"wall / slowest chain:            {wall / slow:.2f}   target <= 1.2")

    words = len(DRAFT_150_WORDS.split())
    print(f"\nprompt tokens sent for a {words}-word draft (gpt-5.4-mini encoding, schema included):")
    total = 0
    for task in TASK_NAMES:
        tokens = prompt_token_estimate(task, provider, DRAFT_150_WORDS)
        total += tokens
        print(f"  {task:<11} {tokens:>5}")
    print(f"  {'all tasks':<11} {total:>5}   target <= 1500")


if __name__ == "__main__":
    main()
