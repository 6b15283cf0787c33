"""Small data files of `assistant/rules/` read as they are (the promise patterns, the rehearsal script):
one cached YAML load per file, and patterns written as lists of alternatives with `{{fragment}}` inserts."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from assistant.checks.ruleset import RULES_DIR, RuleError

_FRAGMENT = re.compile(r"\{\{([\w-]+)\}\}")


@cache
def rule_data(name: str) -> dict[str, Any]:
    """`rules/<name>.yaml` as a mapping, read once; a missing or malformed file is a RuleError."""
    import yaml

    path = RULES_DIR / f"{name}.yaml"
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (OSError, yaml.YAMLError) as exc:
        raise RuleError(f"{path.name}: {exc}") from None
    if not isinstance(data, dict):
        raise RuleError(f"{path.name}: expected a mapping at the top")
    return data


def pattern_text(value: str | list[str], fragments: dict[str, str] | None = None) -> str:
    """A pattern's text: a list is joined as alternatives; `{{name}}` is replaced by `fragments[name]`."""
    text = value if isinstance(value, str) else "|".join(value)

    def insert(match: re.Match[str]) -> str:
        name = match.group(1)
        if fragments is None or name not in fragments:
            raise RuleError(f"unknown fragment {{{{{name}}}}} in pattern {text[:60]!r}")
        return pattern_text(fragments[name], fragments)

    return _FRAGMENT.sub(insert, text)


def compile_pattern(value: str | list[str], fragments: dict[str, str] | None = None) -> re.Pattern[str]:
    """A case-insensitive compiled pattern (see `pattern_text`); a bad expression is a RuleError."""
    text = pattern_text(value, fragments)
    try:
        return re.compile(text, re.I)
    except re.error as exc:
        raise RuleError(f"bad pattern {text[:60]!r}: {exc}") from None
