"""PM feasibility and phrasing assistant: trust-phrase linter, context gaps, complexity flags and rewrites.

The public API is small and returns pydantic objects. Everything here runs offline; the LLM chains are
imported lazily by the functions that need them.
"""

from __future__ import annotations

from .lint import lint
from .offline import analyze
from .schemas import Analysis, LintReport, PMContext

__all__ = ["Analysis", "LintReport", "PMContext", "analyze", "lint"]
__version__ = "0.1.0"
