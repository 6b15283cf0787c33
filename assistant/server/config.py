"""What a server was started with: address, secret, allow-lists, limits and the engine."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.llm.providers.base import Provider

API_VERSION = "v1"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
# The ID Chrome derives from the public key in extension/manifest.json ("key"), so an unpacked copy of the
# extension has the same origin on every machine.
EXTENSION_ID = "nbkjaljaaoeefafjgoeneeglgaafepbm"
EXTENSION_ORIGIN = f"chrome-extension://{EXTENSION_ID}"
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
DEFAULT_MAX_BYTES = 1_000_000
DEFAULT_RATE_LIMIT = 30  # model-backed requests per client per window
DEFAULT_RATE_WINDOW_S = 60.0
DEFAULT_CACHE_SIZE = 512


def is_loopback(host: str) -> bool:
    """True for 'localhost' and any loopback IP address (127.0.0.0/8, ::1)."""
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class ServerConfig:
    """Everything the app factory needs; the provider (if any) holds its key, which never leaves the server."""

    token: str
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    allowed_origins: tuple[str, ...] = (EXTENSION_ORIGIN,)
    extra_hosts: tuple[str, ...] = ()
    max_bytes: int = DEFAULT_MAX_BYTES
    rate_limit: int = DEFAULT_RATE_LIMIT
    rate_window_s: float = DEFAULT_RATE_WINDOW_S
    cache_size: int = DEFAULT_CACHE_SIZE
    provider: Provider | None = field(default=None, repr=False)
    notice: str = "Offline engine: deterministic rules, no model was called."

    @property
    def allowed_hosts(self) -> frozenset[str]:
        """Host-header names accepted (lower case, no port): loopback names, the bound host, any extra."""
        names = {*LOOPBACK_NAMES, self.host, *self.extra_hosts}
        return frozenset(n.strip("[]").lower() for n in names if n and n not in ("0.0.0.0", "::"))

    @property
    def engine(self) -> str:
        return "offline" if self.provider is None else "llm"
