"""Logging that cannot leak a key: every handler the assistant installs carries `SecretsFilter`.

`configure_logging(debug)` attaches one stream handler (stderr by default) to the package logger
`assistant` (every `logging.getLogger("assistant.…")` propagates to it). With `debug=True` the same
handler also serves the SDK and HTTP loggers (openai, anthropic, httpx, httpx2, httpcore), at DEBUG, so
a debug log shows the requests sent, scrubbed. Handlers already attached to those loggers or to the
root logger get the filter too. Calling it again replaces the handler instead of adding a second one.
Filters sit on handlers because a logger's own filters do not see records propagated from its children.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable
from typing import TextIO

from assistant.llm.redact import SecretsFilter

PACKAGE_LOGGER = "assistant"
SDK_LOGGERS: tuple[str, ...] = ("openai", "anthropic", "httpx", "httpx2", "httpcore")
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_MARK = "_assistant_handler"


def _has_secrets_filter(handler: logging.Handler) -> bool:
    return any(isinstance(f, SecretsFilter) for f in handler.filters)


def add_secrets_filter(handlers: Iterable[logging.Handler]) -> None:
    """Give each handler a SecretsFilter, once."""
    for handler in handlers:
        if not _has_secrets_filter(handler):
            handler.addFilter(SecretsFilter())


def configure_logging(debug: bool = False, *, stream: TextIO | None = None) -> logging.Handler:
    """Install the assistant's scrubbed log handler; DEBUG (with the SDK loggers) when `debug`, else WARNING.

    Returns the handler (tests read what it wrote through `stream`).
    """
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(SecretsFilter())
    setattr(handler, _MARK, True)

    for name in (PACKAGE_LOGGER, *SDK_LOGGERS):
        logger = logging.getLogger(name)
        for old in [h for h in logger.handlers if getattr(h, _MARK, False)]:
            logger.removeHandler(old)
            old.close()
        if name == PACKAGE_LOGGER or debug:
            logger.addHandler(handler)
            logger.setLevel(logging.DEBUG if debug else logging.WARNING)
            logger.propagate = False
        else:  # back to the defaults a previous debug call changed
            logger.setLevel(logging.NOTSET)
            logger.propagate = True
        add_secrets_filter(logger.handlers)
    add_secrets_filter(logging.getLogger().handlers)
    return handler
