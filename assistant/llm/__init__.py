"""Model layer: prompt files (package data), redaction, cache, token budget, settings, the call path and providers."""
