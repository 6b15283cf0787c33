"""The `assistant` command line: one parser, built from command modules, and one `main()`.

Each module in `COMMAND_MODULES` has `register(sub)`, which adds its subcommands (each with a
`handler`). Adding a command = a module with `register` + one entry in the list. Offline commands
import nothing heavy, so the CLI starts fast.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from types import ModuleType

# The CLI uses no pydantic plugin; skipping their discovery (an entry-point scan of every installed
# package) keeps start-up fast. A user who needs plugins can still set the variable themselves.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

from assistant import __version__
from assistant.cli import docs, drafts, scope, serve
from assistant.cli import eval as evaluation
from assistant.cli.exits import EXIT_RULE, EXIT_USAGE, run_handler
from assistant.cli.options import Formatter

COMMAND_MODULES: list[ModuleType] = [drafts, docs, scope, evaluation, serve]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="assistant",
        description="Check a requirement or message before you send it to engineers: trust-damaging phrases, "
        "missing context, vague terms and likely complexity. Works offline with no API key. Results go to "
        "stdout in the chosen --format; notices and progress go to stderr.",
        epilog=f"Example:\n  echo '{drafts.SAMPLE_DRAFT}' | assistant analyze -\n\n{EXIT_RULE}",
        formatter_class=Formatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--debug",
        action="store_true",
        help="log the requests sent to a model on stderr (keys and redacted values are scrubbed)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns its exit code (see `assistant.cli.exits`)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.debug:
        from assistant.llm.logging_setup import configure_logging

        configure_logging(debug=True)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    return run_handler(handler, args)


if __name__ == "__main__":
    sys.exit(main())
