"""Write the synthetic recordings: hand-written provider responses for error paths only.

Each scenario runs the real provider, chain and guards against a respx router that answers with the
scripted responses, and records the exchanges like a live run, marked `synthetic: true` (excluded from
every score). Re-run after a prompt edit: `python evals/make_synthetic.py`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import respx

from assistant.evaluation import recordings as rec
from assistant.evaluation.cases import load_cases
from assistant.evaluation.replay import (
    anthropic_error,
    anthropic_message,
    mock_transport,
    openai_chat_completion,
    openai_error,
)
from assistant.evaluation.runner import current_prompts, record_one
from assistant.llm.chains import TASKS as CHAIN_TASKS

ROOT = Path(__file__).resolve().parent
OPENAI_URL = "https://api.openai.com/v1/chat/completions"
ANTHROPIC_URL = "https://api.anthropic.com/v1/messages"
FAKE_KEY = "synthetic-not-a-key"
GOOD_QUESTIONS = {
    "questions": [
        {"category": "complexity-drivers", "text": "What parts of the export are harder than they look?"},
        {"category": "smaller-version", "text": "Which smaller version could we start with?"},
    ]
}


@dataclass(frozen=True)
class Scenario:
    case_id: str
    task: str
    provider: str
    model: str
    note: str
    responses: Callable[[], list[httpx.Response]]


def _openai(body: Any, status: int = 200) -> httpx.Response:
    return httpx.Response(status, json=body, headers={"x-request-id": "req_synthetic"})


SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "drive-by-csv-export",
        "questions",
        "openai",
        "gpt-5.4-mini",
        "HTTP 500, then a valid answer: the retry layer recovers",
        lambda: [
            _openai(openai_error("The server had an error", type="server_error"), 500),
            _openai(openai_chat_completion(GOOD_QUESTIONS)),
        ],
    ),
    Scenario(
        "drive-by-csv-export",
        "rewrite",
        "openai",
        "gpt-5.4-mini",
        "The answer is not JSON: a clear InvalidResponse error",
        lambda: [_openai(openai_chat_completion("Sure! Here is your rewrite: Could we add CSV export?"))],
    ),
    Scenario(
        "drive-by-csv-export",
        "complexity",
        "openai",
        "gpt-5.4-mini",
        "JSON that does not match the schema, twice: one repair attempt, then InvalidResponse",
        lambda: [
            _openai(openai_chat_completion({"flags": [{"category": "teleportation"}]})),
            _openai(openai_chat_completion({"flags": "none"})),
        ],
    ),
    Scenario(
        "estimate-three-weeks",
        "rewrite",
        "openai",
        "gpt-5.4-mini",
        "Cut off at the output token limit: TruncatedResponse",
        lambda: [_openai(openai_chat_completion('{"text": "Could we', finish_reason="length"))],
    ),
    Scenario(
        "estimate-three-weeks",
        "questions",
        "openai",
        "gpt-5.4-mini",
        "HTTP 429 on every attempt: RateLimited after 3 attempts",
        lambda: [_openai(openai_error("Rate limit reached", type="rate_limit_error"), 429)] * 3,
    ),
    Scenario(
        "drive-by-sso-asap",
        "rewrite",
        "anthropic",
        "claude-haiku-5-5",
        "HTTP 401: AuthError, no retry",
        lambda: [httpx.Response(401, json=anthropic_error("invalid x-api-key", type="authentication_error"))],
    ),
    Scenario(
        "drive-by-sso-asap",
        "complexity",
        "anthropic",
        "claude-haiku-5-5",
        "A valid answer that invents a customer and an estimate: the guards repair both",
        lambda: [
            httpx.Response(
                200,
                json=anthropic_message(
                    {
                        "flags": [
                            {
                                "category": "auth-permissions",
                                "title": "Single sign-on",
                                "trigger": "SSO",
                                "why": "Initech needed SSO last year and it took 3 weeks.",
                                "question": "Which identity providers must we support?",
                                "smaller_version": "One identity provider for one account first.",
                            }
                        ]
                    },
                    tool_name="ComplexityAnswer",
                ),
            )
        ],
    ),
    Scenario(
        "trust-hardcode-looks-live",
        "trust",
        "openai",
        "gpt-5.4-mini",
        "Trust findings: one quotes the draft exactly, one quotes words the draft does not contain, one uses a "
        "category outside the taxonomy; the quote guard keeps the first and drops the other two",
        lambda: [
            _openai(
                openai_chat_completion(
                    {
                        "findings": [
                            {
                                "category": "demo-pressure",
                                "quote": "hardcode the revenue numbers",
                                "why": "Faked numbers shown to investors become a promise engineering did not make.",
                            },
                            {
                                "category": "blame",
                                "quote": "engineering always fakes the numbers",
                                "why": "It blames the team.",
                            },
                            {"category": "rudeness", "quote": "so it looks live", "why": "It sounds curt."},
                        ]
                    }
                )
            )
        ],
    ),
)


def write_all(root: Path = ROOT / "recordings") -> list[Path]:
    """Record every scenario through the real provider code; return the files written."""
    from assistant.llm.providers.anthropic_provider import AnthropicProvider
    from assistant.llm.providers.openai_provider import OpenAIProvider

    cases = {c.id: c for c in load_cases()}
    prompts = current_prompts(CHAIN_TASKS)
    written = []
    for s in SCENARIOS:
        router = respx.Router(assert_all_called=False)
        url = OPENAI_URL if s.provider == "openai" else ANTHROPIC_URL
        router.post(url).mock(side_effect=s.responses())
        cls = OpenAIProvider if s.provider == "openai" else AnthropicProvider

        def make(client: Any, cls: Any = cls, model: str = s.model) -> Any:
            return cls(model=model, api_key=FAKE_KEY, http_client=client, sleep=lambda _: None)

        recording = record_one(
            cases[s.case_id],
            s.task,
            make,
            prompts[s.task],
            synthetic=True,
            note=s.note,
            transport=mock_transport(router),
        )
        path = rec.recording_path(root, s.provider, s.model, s.case_id, s.task, synthetic=True)
        written.append(rec.save(recording, path))
    return written


if __name__ == "__main__":
    for path in write_all(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "recordings"):
        print(path)
