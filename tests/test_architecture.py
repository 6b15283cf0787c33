"""Structure the layout promises: no import cycle inside `assistant/`, and Python that keys on rule ids or
categories only names ones the rule files (assistant/rules/*.yaml) declare."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import yaml

PACKAGE = Path(__file__).resolve().parent.parent / "assistant"
RULE_KEYS = ("id", "category", "element")  # the keys a rule file declares its ids and categories under
KEYED_ATTRIBUTES = ("category", "rule_id", "element")


# ---------------------------------------------------------------- the import graph
def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imported_modules(name: str, path: Path) -> set[str]:
    """The `assistant` modules `name` imports anywhere (functions included: a lazy import is still a
    dependency), except under `if TYPE_CHECKING:` (annotations only, never executed)."""
    found: set[str] = set()
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _type_checking(child):
                for other in child.orelse:
                    visit(other)
                continue
            if isinstance(child, ast.Import):
                found.update(alias.name for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    prefix = package[: len(package) - (child.level - 1)]
                    base = ".".join([*prefix, base] if base else prefix)
                for alias in child.names:
                    full = f"{base}.{alias.name}"
                    found.add(full if full in MODULES else base)
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return {m for m in found if m in MODULES and m != name}


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return cycles


def test_the_walker_sees_a_cycle() -> None:
    assert find_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert find_cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle_inside_the_package() -> None:
    graph = {name: imported_modules(name, path) for name, path in MODULES.items()}
    assert "assistant.llm.providers.types" in graph["assistant.llm.cache"]  # the walker reads real imports
    cycles = find_cycles(graph)
    detail = [" ↔ ".join(c) + ": " + "; ".join(f"{m} → {sorted(graph[m] & set(c))}" for m in c) for c in cycles]
    assert not cycles, "\n".join(detail)


def test_the_provider_types_module_is_the_bottom() -> None:
    assert imported_modules("assistant.llm.providers.types", MODULES["assistant.llm.providers.types"]) == set()


# ---------------------------------------------------------------- rule ids and categories in Python
def declared_rule_names() -> set[str]:
    """Every id, category and context element the rule files declare."""
    names: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in RULE_KEYS and isinstance(value, str):
                    names.add(value)
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    for path in sorted((PACKAGE / "rules").rglob("*.yaml")):
        walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    return names


def _keyed(node: ast.AST) -> bool:
    """`x.category`, `x.rule_id`, `x.element` (or a bare name so called)."""
    if isinstance(node, ast.Attribute):
        return node.attr in KEYED_ATTRIBUTES
    return isinstance(node, ast.Name) and node.id in KEYED_ATTRIBUTES


def _strings(node: ast.AST, tables: dict[str, ast.AST]) -> list[ast.Constant]:
    """String literals a value stands for: a literal, a tuple/list/set of them, a dict's keys, or a
    module-level name bound to one of those (or to `frozenset({...})`)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node]
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return [s for item in node.elts for s in _strings(item, tables)]
    if isinstance(node, ast.Dict):
        return [s for key in node.keys if key is not None for s in _strings(key, tables)]
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("frozenset", "set"):
        return [s for arg in node.args for s in _strings(arg, tables)]
    if isinstance(node, ast.Name) and node.id in tables:
        return _strings(tables[node.id], tables)
    return []


def keyed_literals(path: Path) -> Iterator[tuple[int, str]]:
    """(line, literal) for every string Python compares a rule id/category/element against: `==`, `!=`,
    `in`, `not in`, and lookups `TABLE.get(x.category)` / `TABLE[x.category]` in a module-level table."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    tables: dict[str, ast.AST] = {}
    for statement in tree.body:
        targets = statement.targets if isinstance(statement, ast.Assign) else []
        if isinstance(statement, ast.AnnAssign) and statement.value is not None:
            targets = [statement.target]
        for target in targets:
            if isinstance(target, ast.Name):
                tables[target.id] = statement.value  # type: ignore[assignment]
    for node in ast.walk(tree):
        others: list[ast.AST] = []
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any(_keyed(side) for side in sides):
                others = [side for side in sides if not _keyed(side)]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get":
            if node.args and _keyed(node.args[0]):
                others = [node.func.value]
        elif isinstance(node, ast.Subscript) and _keyed(node.slice):
            others = [node.value]
        for other in others:
            for literal in _strings(other, tables):
                yield literal.lineno, literal.value


def test_the_literal_finder_sees_comparisons_and_tables(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        'KINDS = {"blame": 1}\nOK = frozenset({"trivializing"})\n'
        'def f(x):\n    return x.category == "made-up" or x.rule_id in ("a.b",) or KINDS.get(x.category)'
        " or x.category in OK\n",
        encoding="utf-8",
    )
    assert sorted(value for _, value in keyed_literals(sample)) == ["a.b", "blame", "made-up", "trivializing"]


def test_python_keys_only_on_declared_rule_ids_and_categories() -> None:
    declared = declared_rule_names()
    assert {"blame", "trivializing", "data-model", "who"} <= declared  # the rule files are read
    unknown = [
        f"{path.relative_to(PACKAGE.parent)}:{line}: {value!r}"
        for path in MODULES.values()
        for line, value in keyed_literals(path)
        if value not in declared
    ]
    assert not unknown, "literals no rule file declares:\n" + "\n".join(unknown)


def test_question_groups_declared_in_the_rules_match_the_schema() -> None:
    from assistant.schemas import QUESTION_CATEGORIES

    groups = yaml.safe_load((PACKAGE / "rules" / "questions.yaml").read_text(encoding="utf-8"))["groups"]
    assert tuple(g["category"] for g in groups) == QUESTION_CATEGORIES
