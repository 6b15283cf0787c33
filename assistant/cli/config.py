"""The lint configuration of a docs repo: `.assistant.toml`, or `[tool.assistant]` in pyproject.toml, found
by walking up from the checked file (the nearest wins, as with Vale and ruff).

    min_severity = "warning"            # report only findings at or above this
    disable = ["trivializing.its-just-a", "demo-pressure"]   # rule ids or whole categories
    include = ["docs/**/*.md"]          # what a directory expands to (default: Markdown and text files)
    exclude = ["CHANGELOG.md", "vendor/**"]      # never checked, even when named
    ambiguity = false                   # leave out vague terms
    semantic = false                    # rules only: skip the semantic layer (much faster on a large repo)

Globs are relative to the file's directory; `**` spans directories; a pattern without a `/` matches a
file or directory name at any depth. A command-line flag wins over the file.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path, PurePosixPath

from assistant.text.reading import InputError

CONFIG_FILE = ".assistant.toml"
SEVERITIES = ("suggestion", "warning", "error")
KEYS = ("min_severity", "disable", "include", "exclude", "ambiguity", "semantic")


@dataclass(frozen=True)
class LintConfig:
    """One configuration file's settings (or the defaults, with `source` None)."""

    root: Path
    source: Path | None = None
    min_severity: str | None = None
    disable: frozenset[str] = frozenset()
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    ambiguity: bool | None = None
    semantic: bool | None = None

    def disables(self, rule_id: str, category: str) -> bool:
        return rule_id in self.disable or category in self.disable

    def excludes(self, path: Path) -> bool:
        return any(_matches(pattern, self._relative(path), whole=False) for pattern in self.exclude)

    def includes(self, path: Path) -> bool:
        """Whether a file found in a directory is checked: matched by `include`, when there is one."""
        return not self.include or any(_matches(p, self._relative(path), whole=True) for p in self.include)

    def _relative(self, path: Path) -> PurePosixPath:
        try:
            return PurePosixPath(path.resolve().relative_to(self.root).as_posix())
        except ValueError:
            return PurePosixPath(path.resolve().as_posix().lstrip("/"))


@cache
def _glob_regex(pattern: str) -> re.Pattern[str]:
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        elif pattern[i] == "[" and "]" in pattern[i + 1 :]:
            end = pattern.index("]", i + 1)
            body = pattern[i + 1 : end].replace("\\", "\\\\")
            out.append("[" + ("^" + body[1:] if body.startswith("!") else body) + "]")
            i = end + 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out) + r"\Z")


def _matches(pattern: str, relative: PurePosixPath, *, whole: bool) -> bool:
    """A glob against a relative path (or, unless `whole`, any of its parent directories); a pattern
    without '/' is matched against each name in the path."""
    pattern = pattern.strip().removeprefix("./").rstrip("/")
    if not pattern:
        return False
    regex = _glob_regex(pattern)
    if "/" not in pattern:
        names = relative.parts if not whole else (relative.name,)
        return any(regex.match(name) for name in names) or bool(regex.match(str(relative)))
    candidates = [str(relative)] if whole else [str(relative), *(str(p) for p in relative.parents if str(p) != ".")]
    return any(regex.match(c) for c in candidates)


def _strings(value: object, key: str, source: Path) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise InputError(f"{source}: {key} must be a string or a list of strings")


def parse_config(data: dict, source: Path) -> LintConfig:
    """Validate one configuration table; every problem is one line naming the file and the key."""
    unknown = sorted(set(data) - set(KEYS))
    if unknown:
        raise InputError(f"{source}: unknown setting {unknown[0]!r}; known settings: {', '.join(KEYS)}")
    severity = data.get("min_severity")
    if severity is not None and severity not in SEVERITIES:
        raise InputError(f"{source}: min_severity must be one of {', '.join(SEVERITIES)}, not {severity!r}")
    for flag in ("ambiguity", "semantic"):
        if data.get(flag) is not None and not isinstance(data[flag], bool):
            raise InputError(f"{source}: {flag} must be true or false")
    return LintConfig(
        root=source.parent.resolve(),
        source=source,
        min_severity=severity,
        disable=frozenset(_strings(data.get("disable", []), "disable", source)),
        include=_strings(data.get("include", []), "include", source),
        exclude=_strings(data.get("exclude", []), "exclude", source),
        ambiguity=data.get("ambiguity"),
        semantic=data.get("semantic"),
    )


def _read_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: not valid TOML ({exc})") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read ({exc.__class__.__name__})") from None


@cache
def config_in(directory: Path) -> LintConfig | None:
    """The configuration defined in this very directory, if any (.assistant.toml before pyproject.toml)."""
    own = directory / CONFIG_FILE
    if own.is_file():
        return parse_config(_read_toml(own), own)
    pyproject = directory / "pyproject.toml"
    if pyproject.is_file():
        table = _read_toml(pyproject).get("tool", {}).get("assistant")
        if isinstance(table, dict):
            return parse_config(table, pyproject)
    return None


def find_config(start: Path) -> LintConfig:
    """The nearest configuration at or above `start` (a file or a directory), else the defaults."""
    start = start.resolve()
    directory = start if start.is_dir() else start.parent
    for candidate in (directory, *directory.parents):
        found = config_in(candidate)
        if found is not None:
            return found
    return LintConfig(root=directory)
