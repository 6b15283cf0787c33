"""Offline complexity flags: parts of a request that often hide work. Hypotheses for engineers to confirm,
each with a curiosity question and a possible smaller first version; never a time or size estimate."""

from __future__ import annotations

import re

from assistant.checks.context import capitalised_by_place, not_a_name, not_a_system, not_an_integration
from assistant.checks.facts import CALENDAR_WORDS
from assistant.checks.ruleset import ComplexityRule, complexity_rules, cosmetic_rule
from assistant.schemas import ComplexityFlag, Layer
from assistant.text.document import Document

_NAME = r"[A-Z][\w&.-]*[A-Za-z0-9](?: [A-Z][\w&.-]*[A-Za-z0-9]){0,2}"
# A capitalised name in a system's place: data comes through, from or out of it, or it has an API.
_SYSTEM_PLACES = (
    re.compile(
        r"\b(?:(?:through|via|using|into|out of)|(?:sync\w*|pull\w*|import\w*|push\w*|coming|comes?|fetch\w*|feeds?|"
        rf"data|results|records|stock|orders|changes?) (?:\w+ )?(?:in|from)) (?:the )?(?P<name>{_NAME})(?![\w-])"
    ),
    re.compile(
        rf"(?<![\w-])(?P<name>{_NAME}) "
        r"(?:API|APIs|PMS|CRM|ERP|LMS|POS|SDK|webhooks?|feeds?|integration|sync|rostering)\b"
    ),
)


def find_complexity(text: str | Document, *, semantic: bool | None = None) -> list[ComplexityFlag]:
    """One flag per category that the request triggers, anchored on its first trigger, in text order.

    Rules first; then (unless `semantic=False` or `ASSISTANT_SEMANTIC=false`) the semantic layer adds
    categories it hears in a sentence that no rule triggered. With the layer on, a request that its trivial-request
    classifier reads as a copy, colour, label or layout change keeps only the flags of sentences that, read on
    their own, are not such a change ("the 'Pay now' button should be blue" names payments but asks for none of
    that work; "Rename 'Bin' to 'Trash'. Also sync the trash with Google Drive." keeps its integration flag)."""
    doc = text if isinstance(text, Document) else Document(text)
    from assistant.checks import semantic as semantic_layer

    layer_on = semantic_layer.enabled(semantic, len(doc.text))
    flags: list[ComplexityFlag] = []
    for rule in complexity_rules():
        hit = rule.matcher.first(doc)
        if hit is None:
            continue
        line, _ = doc.line_col(hit[0])
        if doc.is_silenced(line, rule.category, rule.category):
            continue
        flags.append(_flag(rule, doc.text[hit[0] : hit[1]], *hit))
    if not any(f.category == "integration" for f in flags) and (named := _named_system(doc)) is not None:
        flags.append(named)
    if layer_on:
        flags += _semantic_flags(doc, {f.category for f in flags})
    if flags:
        has_cosmetic = any(cosmetic_rule().matches(doc.text[s:e]) for s, e in doc.sentences)
        flags = [f for f in flags if not _in_cosmetic_sentence(doc, f, has_cosmetic)]
    if flags and layer_on:
        flags = _without_trivial_sentences(doc, flags)
    flags.sort(key=lambda f: (f.start or 0, f.category))
    return flags


_SEMANTIC_MIN_WORDS = 6
# A sentence that only counts how often something happens (the evidence beside a request, not its work)
_COUNTS_ONLY = re.compile(
    r"\b(?:\d+|a couple of|a few|several|many|dozens of|hundreds of) (?:support )?(?:times|tickets|calls|complaints"
    r"|emails|requests|messages|reports|escalations)\b|\b(?:by mistake|every (?:day|week|month))\b",
    re.I,
)
_ASKS = re.compile(r"\?|\b(?:could|can|would|should|need|needs|want|wants|please|pls|let|allow|add|make)\b", re.I)


_NOT_A_PRODUCT = re.compile(r" (?:format|standard|style|spec|schema)\b")


def _flag(
    rule: ComplexityRule, trigger: str, start: int, end: int, layer: Layer = "rule", confidence: float | None = None
) -> ComplexityFlag:
    """The rule's flag (its title, why, question and smaller version) anchored on a trigger."""
    return ComplexityFlag(
        category=rule.category,
        title=rule.title,
        trigger=trigger,
        start=start,
        end=end,
        why=rule.why,
        question=rule.question,
        smaller_version=rule.smaller_version,
        layer=layer,
        confidence=confidence,
    )


def _named_system(doc: Document) -> ComplexityFlag | None:
    """An integration flag for a system the rules' brand list does not know, named where a system goes
    ("pay by bank transfer through GoCardless", "stock coming from Lightspeed", "out of Opera PMS"); not a
    team, a place, a language, a month or a word capitalised by its place."""
    not_system, not_names = not_a_system(), not_a_name()
    for pattern in _SYSTEM_PLACES:
        for match in pattern.finditer(doc.text):
            name = match.group("name")
            first = name.split()[0]
            if not_system.fullmatch(name) or first in not_names or re.fullmatch(CALENDAR_WORDS, first, re.I):
                continue
            if capitalised_by_place(doc.text, match.start("name")):
                continue  # "Billing sync 14/05" opening a line
            if _NOT_A_PRODUCT.match(doc.text, match.end("name")) or not_an_integration().fullmatch(first):
                continue
            if doc.is_skipped(match.start("name"), match.end("name")):
                continue
            rule = next(r for r in complexity_rules() if r.category == "integration")
            line, _ = doc.line_col(match.start("name"))
            if doc.is_silenced(line, rule.category, rule.category):
                return None
            return _flag(rule, name, *match.span("name"))
    return None


def _in_cosmetic_sentence(doc: Document, flag: ComplexityFlag, has_cosmetic: bool) -> bool:
    """Whether the flag is anchored in a sentence that only changes copy, colour, order or a link, or (when
    the request `has_cosmetic` sentence) in a sentence that asks for nothing ("Our US customers find 'Bin' odd.")."""
    if flag.start is None or not has_cosmetic:
        return False
    rule = cosmetic_rule()
    start, end = doc.sentence_at(flag.start)
    sentence = doc.text[start:end]
    return rule.matches(sentence) or rule.asks_for_nothing(sentence)


def _without_trivial_sentences(doc: Document, flags: list[ComplexityFlag]) -> list[ComplexityFlag]:
    """The flags minus those in a sentence the trivial-request classifier reads as a copy, colour or layout
    change, when it reads the whole request that way too; in such a request the semantic layer's own guesses go
    as well ("Would be nice if they matched." beside a label fix is no ML feature)."""
    from assistant.checks import semantic

    if not semantic.trivial_texts([doc.text])[0]:
        return flags
    flags = [f for f in flags if f.layer != "semantic"]
    spans = sorted({doc.sentence_at(f.start) for f in flags if f.start is not None})
    trivial = {
        span
        for span, is_trivial in zip(spans, semantic.trivial_texts([doc.text[s:e] for s, e in spans]), strict=True)
        if is_trivial
    }
    return [f for f in flags if f.start is None or doc.sentence_at(f.start) not in trivial]


def _semantic_flags(doc: Document, found: set[str]) -> list[ComplexityFlag]:
    """Categories the semantic layer hears in a sentence that no rule triggered, anchored on that sentence.

    Each sentence of the request is scored on its own; a flag carries its category's texts from the rule
    file, `layer="semantic"` and the probability as `confidence`."""
    from assistant.checks import semantic

    rules = {rule.category: rule for rule in complexity_rules()}
    flags: list[ComplexityFlag] = []
    for hit in semantic.classify_clauses("complexity", semantic.sentence_units(doc)):
        category = hit.label
        line, _ = doc.line_col(hit.clause.start)
        if category in found or category not in rules or doc.is_silenced(line, category, category):
            continue
        if len(hit.clause.text.split()) < _SEMANTIC_MIN_WORDS:
            continue  # "Export to Excel." is too little for a classifier to read a hidden cost into
        if _COUNTS_ONLY.search(hit.clause.text) and not _ASKS.search(hit.clause.text):
            continue  # "We get a couple of support tickets a week about it." is the evidence, not the work
        found.add(category)
        confidence = round(hit.confidence, 3)
        flags.append(_flag(rules[category], hit.clause.text, hit.clause.start, hit.clause.end, "semantic", confidence))
    return flags
