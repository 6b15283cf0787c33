"""The one exit-code rule of the `assistant` command line, and the one mapping from errors to it."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

EXIT_RULE = """Exit codes (one rule for every command):
  0    done
  1    lint or analyze found an error-level trust-damaging phrase in the draft
       (eval: a recording is stale or a run failed)
  2    a usage, input or provider error, said in one line on stderr
  130  interrupted
Only lint and analyze judge a draft. The commands that write something for you (rewrite, questions, complexity, \
context, ambiguity, scope-change, rehearse) exit 0 once they have written it, whatever the draft contained."""

Handler = Callable[[argparse.Namespace], int]


def error_line(exc: BaseException) -> str | None:
    """The one line a known failure is reported with, or None for a bug (which keeps its traceback)."""
    from assistant.text.reading import InputError

    if isinstance(exc, InputError):
        return str(exc)
    # Only look at the model-side error types once the model path has been imported.
    if "assistant.llm.providers.errors" in sys.modules:
        from assistant.llm.providers.errors import ProviderError

        if isinstance(exc, ProviderError):
            return exc.user_message
    if "assistant.llm.prompt_files" in sys.modules:
        from assistant.llm.prompt_files import PromptError

        if isinstance(exc, PromptError):
            return str(exc)
    if "pydantic" in sys.modules:
        from pydantic import ValidationError

        if isinstance(exc, ValidationError):
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            return f"bad setting {where}: {first['msg']}"
    return None


def run_handler(handler: Handler, args: argparse.Namespace) -> int:
    """Run a command; every known failure becomes one line on stderr and exit 2, never a traceback."""
    try:
        return handler(args)
    except KeyboardInterrupt:
        print("assistant: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # e.g. `assistant analyze x | head`: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:
        line = error_line(exc)
        if line is None:
            raise
        print(f"assistant: error: {line}", file=sys.stderr)
        return EXIT_USAGE
