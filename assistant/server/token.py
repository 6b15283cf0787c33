"""The per-install secret every request must carry (`Authorization: Bearer …`).

It lives in the user's config directory (platformdirs; ASSISTANT_CONFIG_DIR overrides it), is created on
first use with owner-only permissions, and is never logged or returned by the API.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

APP_NAME = "pm-feasibility-assistant"
TOKEN_FILE = "server-token"
_MIN_LENGTH = 32


def config_dir() -> Path:
    configured = os.environ.get("ASSISTANT_CONFIG_DIR")
    if configured:
        return Path(configured)
    from platformdirs import user_config_path

    return user_config_path(APP_NAME, appauthor=False)


def token_path() -> Path:
    return config_dir() / TOKEN_FILE


def load_or_create_token(path: Path | None = None) -> str:
    """The stored token, or a new random one (256 bits, URL-safe) written there with mode 0600."""
    path = path or token_path()
    if path.is_file():
        existing = path.read_text(encoding="utf-8").strip()
        if len(existing) >= _MIN_LENGTH:
            return existing
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    token = secrets.token_urlsafe(32)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as stream:
        stream.write(token + "\n")
    os.replace(tmp, path)
    return token
