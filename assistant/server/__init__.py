"""The local HTTP API (`assistant serve`): the task API as JSON over HTTP, for the browser extension and
other local tools.

Layers: `config` (what the server was started with) · `token` (the per-install secret) · `security` (the
ASGI middleware: Host, Origin, token, body size, CORS for the allowed origins) · `ratelimit` and `cache`
(per-client limits on model-backed routes, a bounded LRU of answered requests) · `routes` (the /v1
endpoints over `assistant.lint`, `assistant.analyze` and the draft tasks) · `app` (the factory).
Importing this package imports FastAPI; the CLI imports it only for `assistant serve`.
"""
