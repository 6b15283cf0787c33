"""`assistant eval`: run the offline eval suite (offline engine + replayed recordings) and print the
scorecard, or record a live provider with `--record`.

Exit 0 when every recording replayed; 1 when a recording is stale or a run failed; 2 on bad usage.
The scorecard goes to stdout; progress and the report's path go to stderr.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx2

    from assistant.evaluation.cases import Case
    from assistant.llm.providers.base import Provider

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
RECORD_PROVIDERS = ("openai", "anthropic", "openai-compatible")


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the `eval` command to the `assistant` CLI."""
    from assistant.cli.options import add_command

    p = add_command(
        subparsers,
        "eval",
        "run the eval suite: offline engine and replayed model recordings, with a scorecard",
        "assistant eval --task rewrite --report eval.html",
        details="Scores the offline engine and every recorded model on the bundled cases "
        "(assistant/evaluation/suite). Recordings replay through respx, so no network or key is needed. "
        "With --record, call the live provider and rewrite its recordings. Exit 1 when a recording is stale "
        "or a run failed.",
    )
    add_arguments(p)
    p.set_defaults(handler=cmd_eval)
    return p


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--cases", type=Path, default=None, help="case directory (default: the bundled cases)")
    p.add_argument(
        "--recordings", type=Path, default=None, help="recordings directory (default: the bundled recordings)"
    )
    p.add_argument("--task", default=None, help="only this task (rewrite, questions, complexity, …)")
    p.add_argument("--case", dest="case_id", default=None, help="only this case id (a trailing * matches a prefix)")
    p.add_argument("--report", type=Path, default=None, help="also write a report: FILE.html, FILE.md or FILE.json")
    p.add_argument("--record", action="store_true", help="call the live provider and rewrite its recordings")
    p.add_argument("--provider", choices=RECORD_PROVIDERS, default=None, help="with --record: the provider to call")
    p.add_argument("--model", default=None, help="with --record: the model (default: what the server reports)")
    p.add_argument("--base-url", default=None, help="with --record: the provider's base URL")
    p.add_argument("--max-output-tokens", type=int, default=512, help="with --record (default 512)")
    p.add_argument("--timeout", type=float, default=180.0, help="with --record: seconds per attempt")
    p.add_argument(
        "--only-missing",
        action="store_true",
        help="with --record: record only missing, stale or drifted pairs (skip recordings whose request is unchanged)",
    )
    p.add_argument(
        "--round-robin", action="store_true", help="with --record: alternate between case files (for partial runs)"
    )


def cmd_eval(args: argparse.Namespace) -> int:
    from assistant.evaluation.cases import TASKS, CaseError

    if args.task and args.task not in TASKS:
        print(f"assistant: error: unknown task {args.task!r}; use one of {', '.join(TASKS)}", file=sys.stderr)
        return EXIT_USAGE
    try:
        return _record(args) if args.record else _run(args)
    except CaseError as error:
        print(f"assistant: error: {error}", file=sys.stderr)
        return EXIT_USAGE


def _run(args: argparse.Namespace) -> int:
    from assistant.evaluation.report import scorecard_lines, write_report
    from assistant.evaluation.runner import run_eval

    run = run_eval(args.cases, args.recordings, task=args.task, case_id=args.case_id)
    print("\n".join(scorecard_lines(run)))
    if args.report:
        try:
            print(f"assistant: report written to {write_report(run, args.report)}", file=sys.stderr)
        except ValueError as error:
            print(f"assistant: error: {error}", file=sys.stderr)
            return EXIT_USAGE
    return EXIT_OK if run.ok else EXIT_FAILED


def server_model(base_url: str, timeout: float = 10.0) -> str | None:
    """The first model an OpenAI-compatible server lists at /models, or None."""
    import httpx2

    try:
        response = httpx2.get(base_url.rstrip("/") + "/models", timeout=timeout)
        data = response.json().get("data") or []
        return str(data[0]["id"]) if data else None
    except (httpx2.HTTPError, ValueError, KeyError, TypeError, AttributeError):
        return None


def interleave(cases: list[Case]) -> list[Case]:
    """Cases alternating between their files, so a partial recording covers every theme."""
    by_file: dict[str, list[Case]] = {}
    for case in cases:
        by_file.setdefault(case.file, []).append(case)
    queues = list(by_file.values())
    out: list[Case] = []
    while any(queues):
        for queue in queues:
            if queue:
                out.append(queue.pop(0))
    return out


def _record(args: argparse.Namespace) -> int:
    from assistant.evaluation import recordings as rec
    from assistant.evaluation.cases import load_cases, select
    from assistant.evaluation.runner import record_all
    from assistant.llm.providers.errors import ProviderError
    from assistant.llm.providers.factory import get_provider
    from assistant.llm.settings import Settings

    if not args.provider:
        print("assistant: error: --record needs --provider", file=sys.stderr)
        return EXIT_USAGE
    model = args.model
    if model is None and args.provider == "openai-compatible" and args.base_url:
        model = server_model(args.base_url)
    settings = Settings(
        provider=args.provider,
        model=model,
        base_url=args.base_url,
        max_output_tokens=args.max_output_tokens,
        timeout=args.timeout,
        cache_enabled=False,
    )

    def make_provider(client: httpx2.Client) -> Provider:
        provider = get_provider(settings, http_client=client)
        assert provider is not None
        return provider

    try:
        probe = make_provider(None)  # type: ignore[arg-type]
    except ProviderError as error:
        print(f"assistant: error: {error.user_message}", file=sys.stderr)
        return EXIT_USAGE
    cases = select(load_cases(args.cases), task=args.task, case_id=args.case_id)
    if args.round_robin:
        cases = interleave(cases)
    root = args.recordings or rec.DEFAULT_RECORDINGS_DIR
    print(f"Recording {probe.name}/{probe.model} at {probe.host or 'default host'} into {root}", file=sys.stderr)
    saved = record_all(
        cases,
        root,
        make_provider,
        provider_name=probe.name,
        model=probe.model,
        task=args.task,
        only_missing=args.only_missing,
        log=lambda line: print(line, file=sys.stderr, flush=True),
    )
    print(f"Saved {len(saved)} recording(s).", file=sys.stderr)
    return EXIT_OK
