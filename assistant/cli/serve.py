"""`assistant serve`: the local HTTP API for the browser extension and other local tools.

FastAPI and uvicorn are imported only when the server starts, so the other commands never pay for them.
Offline unless started with --provider; a provider's key stays in this process's environment.
"""

from __future__ import annotations

import argparse
import sys

from assistant.text.reading import InputError

PROVIDERS = ("offline", "openai", "anthropic", "openai-compatible")


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `serve` command to the CLI's subparsers."""
    from assistant.cli.options import add_command
    from assistant.server import config as c  # light: no FastAPI import

    p = add_command(
        sub,
        "serve",
        "run the local HTTP API for the browser extension and local tools (offline unless --provider)",
        "assistant serve --port 8765",
        details="Every request needs this install's token (see --print-token); only loopback Host names and the "
        "extension's Origin are accepted.",
    )
    p.add_argument("--host", default=c.DEFAULT_HOST, help=f"address to bind (default: {c.DEFAULT_HOST})")
    p.add_argument("--port", type=int, default=c.DEFAULT_PORT, help=f"port (default: {c.DEFAULT_PORT})")
    p.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow binding a non-loopback address (anyone who can reach it and has the token can call it)",
    )
    p.add_argument("--print-token", action="store_true", help="print this install's API token and exit")
    p.add_argument(
        "--allow-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help=f"another browser origin allowed to call the API (repeatable; {c.EXTENSION_ORIGIN} always is)",
    )
    p.add_argument("--allow-host", action="append", default=[], metavar="NAME", help="another Host name to accept")
    p.add_argument(
        "--max-bytes",
        type=int,
        default=c.DEFAULT_MAX_BYTES,
        help=f"refuse request bodies larger than this (default: {c.DEFAULT_MAX_BYTES:,})",
    )
    p.add_argument(
        "--rate-limit",
        type=int,
        default=c.DEFAULT_RATE_LIMIT,
        help=f"model-backed requests per client per minute (default: {c.DEFAULT_RATE_LIMIT})",
    )
    p.add_argument("--cache-size", type=int, default=c.DEFAULT_CACHE_SIZE, help="answers kept for repeated requests")
    group = p.add_argument_group("model (optional: without --provider the offline engine answers)")
    group.add_argument("--provider", choices=PROVIDERS, help="the engine for rewrite, questions and complexity")
    group.add_argument("--model", help="model name")
    group.add_argument("--base-url", help="API base URL, e.g. a local server's http://127.0.0.1:8080/v1")
    p.set_defaults(handler=cmd_serve)


def _provider(args: argparse.Namespace):  # -> tuple[Provider | None, str]
    from assistant.tasks.drafts import OFFLINE_NOTICE

    if args.provider in (None, "offline"):
        return None, f"Server started without --provider. {OFFLINE_NOTICE}"
    from assistant.llm.settings import Settings
    from assistant.tasks.drafts import provider_from_settings

    overrides = {"provider": args.provider, "model": args.model, "base_url": args.base_url}
    return provider_from_settings(Settings(**{k: v for k, v in overrides.items() if v}))


def _warm_up() -> None:
    """Load the rules (and any encoder the checks use) before the first request, so a PM's first message
    is answered as fast as the next one instead of paying the cold start."""
    import assistant

    assistant.analyze("Can we just add CSV export by Friday? It should be fast.")


def cmd_serve(args: argparse.Namespace) -> int:
    from assistant.server.config import EXTENSION_ORIGIN, ServerConfig, is_loopback
    from assistant.server.token import load_or_create_token, token_path

    token = load_or_create_token()
    if args.print_token:
        print(token)
        return 0
    if not is_loopback(args.host) and not args.allow_remote:
        raise InputError(
            f"--host {args.host} is not a loopback address; other machines could reach the API. "
            "Pass --allow-remote if that is what you want"
        )
    for name, value in (("--max-bytes", args.max_bytes), ("--rate-limit", args.rate_limit)):
        if value < 1:
            raise InputError(f"{name} must be a positive number, not {value}")
    if not is_loopback(args.host):
        print(
            f"assistant serve: WARNING: binding {args.host}: the API is reachable from other machines; "
            "anyone with the token can use it (and the provider's budget)",
            file=sys.stderr,
        )
    provider, notice = _provider(args)
    config = ServerConfig(
        token=token,
        host=args.host,
        port=args.port,
        allowed_origins=tuple(dict.fromkeys([EXTENSION_ORIGIN, *args.allow_origin])),
        extra_hosts=tuple(args.allow_host),
        max_bytes=args.max_bytes,
        rate_limit=args.rate_limit,
        cache_size=max(args.cache_size, 0),
        provider=provider,
        notice=notice,
    )
    import uvicorn

    from assistant.server.app import create_app

    app = create_app(config)
    _warm_up()
    engine = "offline engine" if provider is None else f"{provider.name} {provider.model}"
    shown = f"[{args.host}]" if ":" in args.host else args.host
    print(
        f"assistant serve: http://{shown}:{args.port}/v1 ({engine}); token in {token_path()} "
        "(`assistant serve --print-token`)",
        file=sys.stderr,
        flush=True,
    )
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", access_log=False, server_header=False)
    return 0
